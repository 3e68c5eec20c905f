// fuzz_support.cpp — the shared parts of the fuzz targets (see fuzz_support.hpp).
#include "tests/fuzz/fuzz_support.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "engine/diag/diagnostic.hpp"

namespace entitle::fuzz {
namespace {

/// This process's scratch directory, removed at a normal exit.
struct ScratchDir {
  std::string path;
  ScratchDir() {
    std::string base = std::filesystem::is_directory("/dev/shm") && access("/dev/shm", W_OK) == 0
                           ? "/dev/shm"
                           : std::filesystem::temp_directory_path().string();
    std::string pattern = base + "/entitle-fuzz.XXXXXX";
    if (!mkdtemp(pattern.data())) fail("cannot create a scratch directory under " + base);
    path = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

}  // namespace

void fail(const std::string& what) {
  std::fprintf(stderr, "\n== entitle fuzz target: property broken: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

std::uint64_t input_hash(std::string_view data) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : data) h = (h ^ c) * 1099511628211ull;
  return h;
}

const LoadedRules& standard_library() {
  static const std::unique_ptr<LoadedRules> loaded = [] {
    auto l = load_rules(ENTITLE_RULES_DIR);
    if (!l->rules) fail("the standard library in " ENTITLE_RULES_DIR " does not check:\n" +
                        render_diagnostics(l->sources, l->diagnostics.sorted()));
    return l;
  }();
  return *loaded;
}

const std::string& library_file(const std::string& name) {
  static std::map<std::string, std::string> texts;
  auto it = texts.find(name);
  if (it != texts.end()) return it->second;
  std::ifstream in(std::string(ENTITLE_RULES_DIR) + "/" + name, std::ios::binary);
  if (!in) fail("cannot read " + name + " in " ENTITLE_RULES_DIR);
  std::ostringstream ss;
  ss << in.rdbuf();
  return texts.emplace(name, ss.str()).first->second;
}

std::string write_scratch_file(const std::string& name, std::string_view data) {
  static ScratchDir dir;
  std::string path = dir.path + "/" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  out.close();
  if (!out) fail("cannot write " + path);
  return path;
}

}  // namespace entitle::fuzz
