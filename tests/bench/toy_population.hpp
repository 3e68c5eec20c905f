// toy_population.hpp — the benchmark's deterministic toy population: household i as one JSON line, a function of
// (seed, i) only (1–6 members; monthly incomes, birth dates, disability grades). entitle_toy_gen writes it; the
// benchmarks read the same households.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>

#include "engine/base/splitmix64.hpp"

namespace entitle::bench {


/// Draws from SplitMix64; one stream per household.
struct Random : SplitMix64 {
  int below(int n) { return int(next() % std::uint64_t(n)); }
  bool chance(int percent) { return below(100) < percent; }
};

inline const char* const kTownships[] = {"140521100000", "140521101000", "140521102000", "140521103000",
                                  "140521104000", "140521105000", "140521106000", "140521201000",
                                  "140521202000", "140521204000", "140521205000", "140521206000"};
inline const char* const kDisabilityKinds[] = {"visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple"};

/// Household sizes 1–6, weighted like a rural county's caseload (mean ≈ 2.9).
inline int household_size(Random& r) {
  static const int cumulative[] = {18, 43, 65, 84, 94, 100};
  int p = r.below(100);
  for (int s = 0; s < 6; ++s)
    if (p < cumulative[s]) return s + 1;
  return 6;
}

inline void append(std::string& out, const char* s) { out.append(s); }
inline void append_int(std::string& out, long v) {
  char buf[24];
  int n = std::snprintf(buf, sizeof buf, "%ld", v);
  out.append(buf, std::size_t(n));
}
inline void append_two_digits(std::string& out, int v) {
  out.push_back(char('0' + v / 10));
  out.push_back(char('0' + v % 10));
}

inline void member(std::string& out, Random& r, int index, bool adult) {
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

/// Appends household i (0-based; id T%08d of i + 1) as one JSON line with its newline.
inline void household(std::string& out, std::uint64_t seed, long i) {
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


/// The default seed of the published figures.
constexpr std::uint64_t kToySeed = 20261206;

}  // namespace entitle::bench
