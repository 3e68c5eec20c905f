// type_names.hpp — how types are named in messages ("money", "list of member", "enum area_kind").
#pragma once
#include <string>

#include "engine/ir/ruleset.hpp"

namespace entitle::check {
std::string type_name(const ir::RuleSet& rs, const ir::Type& t);
}
