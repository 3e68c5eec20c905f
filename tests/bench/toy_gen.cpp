// toy_gen.cpp — the benchmark's deterministic population for the toy rule set: COUNT household records as JSON Lines
// on stdout (1–6 members; monthly incomes, birth dates, disability grades). Household i depends only on (seed, i),
// so any range can be regenerated, and 10M households can be piped straight into `entitle eval` without a file.
// Usage: entitle_toy_gen COUNT [SEED]
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

/// SplitMix64: a small, well-mixed generator; one stream per household.
struct Random {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int below(int n) { return int(next() % std::uint64_t(n)); }
  bool chance(int percent) { return below(100) < percent; }
};

const char* const kTownships[] = {"140521100000", "140521101000", "140521102000", "140521103000",
                                  "140521104000", "140521105000", "140521106000", "140521201000",
                                  "140521202000", "140521204000", "140521205000", "140521206000"};
const char* const kDisabilityKinds[] = {"visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple"};

/// Household sizes 1–6, weighted like a rural county's caseload (mean ≈ 2.9).
int household_size(Random& r) {
  static const int cumulative[] = {18, 43, 65, 84, 94, 100};
  int p = r.below(100);
  for (int s = 0; s < 6; ++s)
    if (p < cumulative[s]) return s + 1;
  return 6;
}

void append(std::string& out, const char* s) { out.append(s); }
void append_int(std::string& out, long v) {
  char buf[24];
  int n = std::snprintf(buf, sizeof buf, "%ld", v);
  out.append(buf, std::size_t(n));
}
void append_two_digits(std::string& out, int v) {
  out.push_back(char('0' + v / 10));
  out.push_back(char('0' + v % 10));
}

void member(std::string& out, Random& r, int index, bool adult) {
  static const char* const relations[] = {"self", "spouse", "child", "parent"};
  const char* relation = index < 2 ? relations[index] : (adult ? "parent" : "child");
  int year = adult ? 1930 + r.below(71) : 2005 + r.below(20);
  append(out, "{\"id\":\"P");
  append_int(out, index + 1);
  append(out, "\",\"relation\":\"");
  append(out, relation);
  append(out, "\",\"birth_date\":\"");
  append_int(out, year);
  out.push_back('-');
  append_two_digits(out, 1 + r.below(12));
  out.push_back('-');
  append_two_digits(out, 1 + r.below(28));
  out.push_back('"');
  if (adult && !r.chance(30)) {
    // A monthly wage; a quarter of them with cents, so money is read and summed exactly.
    append(out, ",\"incomes\":[{\"kind\":\"wage\",\"amount\":\"");
    append_int(out, r.below(3001));
    if (r.chance(25)) {
      out.push_back('.');
      append_two_digits(out, r.below(100));
    }
    append(out, "\",\"per\":\"month\"}]");
  }
  if (r.chance(6)) {
    append(out, ",\"disability\":{\"grade\":");
    append_int(out, 1 + r.below(4));
    append(out, ",\"kind\":\"");
    append(out, kDisabilityKinds[r.below(7)]);
    append(out, "\"}");
  }
  out.push_back('}');
}

void household(std::string& out, std::uint64_t seed, long i) {
  Random r{seed ^ (std::uint64_t(i) * 0xD1B54A32D192ED03ull)};
  int size = household_size(r);
  char id[24];
  std::snprintf(id, sizeof id, "T%08ld", i + 1);
  append(out, "{\"id\":\"");
  append(out, id);
  append(out, "\",\"region\":\"");
  append(out, kTownships[r.below(12)]);
  append(out, "\",\"area\":\"");
  append(out, r.chance(40) ? "urban" : "rural");
  append(out, "\",\"members\":[");
  for (int m = 0; m < size; ++m) {
    if (m) out.push_back(',');
    member(out, r, m, m < 2 || r.chance(30));
  }
  append(out, "]}\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: entitle_toy_gen COUNT [SEED]\n");
    return 2;
  }
  char* end = nullptr;
  long count = std::strtol(argv[1], &end, 10);
  if (*end || count < 0) {
    std::fprintf(stderr, "entitle_toy_gen: COUNT must be a whole number, found '%s'\n", argv[1]);
    return 2;
  }
  std::uint64_t seed = argc == 3 ? std::strtoull(argv[2], nullptr, 10) : 20261206;
  std::string block;
  block.reserve(1 << 20);
  for (long i = 0; i < count; ++i) {
    household(block, seed, i);
    if (block.size() > (1 << 20) - 4096) {
      if (std::fwrite(block.data(), 1, block.size(), stdout) != block.size()) return 1;
      block.clear();
    }
  }
  if (std::fwrite(block.data(), 1, block.size(), stdout) != block.size()) return 1;
  return std::fflush(stdout) == 0 ? 0 : 1;
}
