// toy_gen.cpp — the benchmark's deterministic population for the toy rule set: COUNT household records as JSON Lines
// on stdout (1–6 members; monthly incomes, birth dates, disability grades). Household i depends only on (seed, i),
// so any range can be regenerated, and 10M households can be piped straight into `entitle eval` without a file.
// Usage: entitle_toy_gen COUNT [SEED]
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "toy_population.hpp"


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
  std::uint64_t seed = argc == 3 ? std::strtoull(argv[2], nullptr, 10) : entitle::bench::kToySeed;
  std::string block;
  block.reserve(1 << 20);
  for (long i = 0; i < count; ++i) {
    entitle::bench::household(block, seed, i);
    if (block.size() > (1 << 20) - 4096) {
      if (std::fwrite(block.data(), 1, block.size(), stdout) != block.size()) return 1;
      block.clear();
    }
  }
  if (std::fwrite(block.data(), 1, block.size(), stdout) != block.size()) return 1;
  return std::fflush(stdout) == 0 ? 0 : 1;
}
