// words.hpp — a rule's expression read out in Chinese words with the labels of what it uses, for the catalogue.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "engine/ir/ruleset.hpp"

namespace entitle {

/// "家庭月人均收入 低于 最低生活保障标准 且 …": definitions, fields and standards by their labels (names in
/// brackets where there is no label), constants as written.
std::string describe_in_words(const ir::RuleSet& rs, int node);

/// How describe_operand names what an expression reads, for a sentence about one household or person.
struct OperandWords {
  /// Said before what the entity in hand (`member.…`, `self`) has, when it is not the one the sentence is about:
  /// "家庭的" for a household fact in a member's sentence. Empty: nothing (the sentence names its subject).
  std::string self;
  /// Said before what the household has (`household.…`) in a sentence about a member: "家庭的". Empty: nothing.
  std::string household;
  /// Keyed standards as read: StandardRef node → the key's label ("农村" → "农村最低生活保障标准"; a longer key is
  /// said after the standard, "特困人员照料护理标准（完全丧失生活自理能力）").
  std::vector<std::pair<int, std::string>> keys;
};

/// One operand of a condition in a caseworker's words: "家庭月人均收入", "1.5 倍农村最低生活保障标准", "年龄(周岁)",
/// "在校情况的学段". Like describe_in_words, with the subject named as `how` says, the keys of keyed standards, an
/// entity-typed field by its entity's label, and " (extension)" left out of labels.
std::string describe_operand(const ir::RuleSet& rs, int node, const OperandWords& how);

/// A field's label as a sentence says it: an entity-typed field by its entity's label ("残疾人证"), otherwise the
/// field's own ("姓名"); a trailing remark in brackets left out ("临时困难 (extension)" → "临时困难").
std::string field_words(const ir::RuleSet& rs, int entity, int field);

}  // namespace entitle
