// replay_main.cpp — runs a fuzz target without libFuzzer: every file under the given files or directories (the
// committed seed corpus and regression inputs) goes through LLVMFuzzerTestOneInput once, so CI replays them all.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_support.hpp"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE_OR_DIR...\n", argv[0]);
    return 2;
  }
  int total = 0;
  for (int a = 1; a < argc; ++a) {
    std::vector<fs::path> inputs;
    std::error_code ec;
    if (fs::is_directory(argv[a], ec)) {
      for (const auto& e : fs::recursive_directory_iterator(argv[a]))
        if (e.is_regular_file() && e.path().filename().string()[0] != '.' && e.path().extension() != ".md")
          inputs.push_back(e.path());
    } else if (fs::is_regular_file(argv[a], ec)) {
      inputs.push_back(argv[a]);
    } else {
      std::fprintf(stderr, "replay: %s is neither a file nor a directory\n", argv[a]);
      return 2;
    }
    std::sort(inputs.begin(), inputs.end());
    for (const fs::path& p : inputs) {
      std::ifstream in(p, std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      std::string bytes = ss.str();
      std::fprintf(stderr, "replay: %s (%zu bytes)\n", p.c_str(), bytes.size());
      LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    }
    std::printf("replay: %zu input(s) from %s\n", inputs.size(), argv[a]);
    total += static_cast<int>(inputs.size());
  }
  if (total == 0) {
    std::fprintf(stderr, "replay: no inputs found: a corpus that went missing must not pass\n");
    return 1;
  }
  std::printf("replay: %d input(s), all passed\n", total);
  return 0;
}
