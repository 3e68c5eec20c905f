// words.hpp — a rule's expression read out in Chinese words with the labels of what it uses, for the catalogue.
#pragma once
#include <string>

#include "engine/ir/ruleset.hpp"

namespace entitle {

/// "家庭月人均收入 低于 最低生活保障标准 且 …": definitions, fields and standards by their labels (names in
/// brackets where there is no label), constants as written.
std::string describe_in_words(const ir::RuleSet& rs, int node);

}  // namespace entitle
