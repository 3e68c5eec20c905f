// missing_words.cpp — missing facts and standards in a caseworker's words (text output only; JSON keeps the codes).
#include "engine/explain/missing_words.hpp"

namespace entitle {
namespace {

const ir::Standard* standard_named(const ir::RuleSet& rs, const std::string& name) {
  for (const auto& st : rs.standards)
    if (st.name == name) return &st;
  return nullptr;
}

/// The label of the last field of a path ("members[P1].disability.grade"), found by walking the path through the
/// household's entity types; "" when the path does not resolve.
std::string field_label(const ir::RuleSet& rs, const std::string& path) {
  int entity = rs.root_entity;
  std::string label;
  std::size_t at = 0;
  while (entity >= 0 && at <= path.size()) {
    std::size_t dot = path.find('.', at);
    std::string part = path.substr(at, dot == std::string::npos ? std::string::npos : dot - at);
    if (auto b = part.find('['); b != std::string::npos) part.resize(b);
    int f = rs.entities[entity].find_field(part);
    if (f < 0) return "";
    const ir::FieldDef& fd = rs.entities[entity].fields[f];
    label = fd.label;
    if (dot == std::string::npos) break;
    entity = fd.type.kind == ir::TypeKind::Entity || fd.type.kind == ir::TypeKind::List ? fd.type.ref : -1;
    at = dot + 1;
  }
  if (auto p = label.find(" (extension)"); p != std::string::npos) label.resize(p);
  return label;
}

std::string region_words(const ir::RuleSet& rs, const std::string& code) {
  if (code == "all regions") return "全国";
  std::string name = rs.region_name(code);
  return name.empty() ? code : code + " " + name;
}

std::string key_words(const ir::RuleSet& rs, const ir::Standard& st, const std::string& key) {
  if (key.empty() || st.key_enum < 0) return key;
  const ir::EnumDef& e = rs.enums[st.key_enum];
  int v = e.find(key);
  return v < 0 ? key : e.value_labels[v];
}

}  // namespace

std::string missing_in_words(const ir::RuleSet& rs, const std::string& fact) {
  if (fact.rfind("standard ", 0) == 0) {
    // "standard NAME for REGION[ KEY] from DATE (declared unsourced | is stale …)" or "standard NAME has no value …"
    std::size_t name_end = fact.find(' ', 9);
    if (name_end == std::string::npos) return fact;
    const ir::Standard* st = standard_named(rs, fact.substr(9, name_end - 9));
    if (!st) return fact;
    std::string head = "标准「" + st->label + "」";
    std::size_t for_at = fact.find(" for ", name_end - 1), from_at = fact.find(" from ");
    if (fact.compare(name_end, 5, " for ") == 0 && from_at != std::string::npos) {
      std::string where = fact.substr(for_at + 5, from_at - for_at - 5);  // "140521" or "140521 rural" or "all regions"
      std::string region = where, key;
      if (where != "all regions")
        if (auto sp = where.find(' '); sp != std::string::npos) region = where.substr(0, sp), key = where.substr(sp + 1);
      std::string date = fact.substr(from_at + 6, 10);
      std::string what = fact.find("is stale") != std::string::npos ? "已超过更新周期 (--strict-standards 视为未知)"
                                                                    : "未找到来源，待录入";
      return head + " " + region_words(rs, region) + (key.empty() ? "" : " " + key_words(rs, *st, key)) + " 自 " + date +
             " 起的取值" + what + " (" + st->name + ")";
    }
    return head + " 在本区划、本月没有取值 (" + fact + ")";
  }
  // A household fact: "members[P1].disability.grade", "status.phaseout_since", "area".
  if (fact.find(' ') != std::string::npos) return fact;
  std::string label = field_label(rs, fact);
  if (label.empty()) return fact;
  std::string who;
  if (fact.rfind("members[", 0) == 0) {
    std::size_t close = fact.find(']');
    if (close != std::string::npos) who = "成员 " + fact.substr(8, close - 8) + " 的";
  } else if (fact.rfind("supporters[", 0) == 0) {
    who = "家庭外义务人的";
  } else {
    who = "家庭的";
  }
  return who + "「" + label + "」(" + fact + ")";
}

}  // namespace entitle
