// splitmix64.hpp — SplitMix64, the small, well-mixed, portable generator behind every generated population (`entitle
// gen`, the benchmark's toy households): the same seed gives the same numbers on every machine.
#pragma once
#include <cstdint>

namespace entitle {

struct SplitMix64 {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
};

}  // namespace entitle
