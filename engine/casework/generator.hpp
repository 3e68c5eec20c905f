// generator.hpp — `entitle gen`: a deterministic, realistic synthetic county population for demos and benchmarks.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "engine/ir/ruleset.hpp"
#include "engine/values/calendar.hpp"

namespace entitle {

struct GenOptions {
  std::size_t households = 1000;
  std::string region;   // county (6 digits): households spread over its declared townships
  std::uint64_t seed = 1;
  Date reference = *Date::from_ymd(2026, 1, 1);  // ages are drawn relative to this day
};

/// Calls `each` with one household record (compact JSON) at a time. The same options give the same records on
/// every machine: the generator uses its own integer random numbers, not the standard library's distributions.
/// Returns an error text when the region is not a county the rule set declares townships for.
std::string generate_population(const ir::RuleSet& rs, const GenOptions& options, const std::function<void(std::string&&)>& each);

}  // namespace entitle
