// missing_words.hpp — a missing fact or standard, as a caseworker reads it: Chinese labels first, the code after.
#pragma once
#include <string>

#include "engine/ir/ruleset.hpp"

namespace entitle {

/// "members[P1].long_term_care_needed" → "成员 P1 的「需要长期照护」(members[P1].long_term_care_needed)";
/// "standard preschool_fee for 140521 from 2016-01-01 (declared unsourced)" →
/// "标准「公办幼儿园保育教育费」140521 沁水县 自 2016-01-01 起的取值未找到来源，待录入 (preschool_fee)".
/// Anything else is returned as it is.
std::string missing_in_words(const ir::RuleSet& rs, const std::string& fact);

}  // namespace entitle
