// result_compare.hpp — field-by-field comparison of two evaluation results, naming the first difference: how the
// compiled form is checked against the interpreter (the cross-check and the differential test).
#pragma once
#include <string>

#include "engine/eval/result.hpp"

namespace entitle {

/// "" when `a` and `b` are the same in every field (entitlements, amounts, members, reasons, stale values, errors,
/// trace); otherwise where they first differ, e.g. "entitlements[2].amount: 630 vs 640".
std::string first_difference(const HouseholdResult& a, const HouseholdResult& b);

}  // namespace entitle
