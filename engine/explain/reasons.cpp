// reasons.cpp — why a program is or is not granted, as Chinese sentences a caseworker reads aloud.
#include "engine/explain/reasons.hpp"

#include <functional>
#include <map>
#include <optional>
#include <utility>

#include "engine/explain/missing_words.hpp"
#include "engine/explain/words.hpp"

namespace entitle {
namespace {

using ir::Op;
using ir::TypeKind;

bool starts_with(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }
bool ends_with(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

/// One sentence: trailing blanks and punctuation replaced by a single "。".
std::string sentence(std::string s) {
  for (bool again = true; again;) {
    again = false;
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n')) s.pop_back(), again = true;
    for (const char* p : {"。", "；", "，", "：", ";", ",", ".", ":"})
      if (ends_with(s, p)) {
        s.resize(s.size() - std::string(p).size());
        again = true;
      }
  }
  return s + "。";
}

/// `who` then `rest`, with a space where a Latin letter or digit meets Chinese: "成员 P2 不符合", "成员 P1 王建国不符合".
std::string glue(const std::string& who, const std::string& rest) {
  if (who.empty()) return rest;
  bool latin = static_cast<unsigned char>(who.back()) < 0x80 && who.back() != ' ';
  bool cjk = !rest.empty() && static_cast<unsigned char>(rest[0]) >= 0x80;
  return who + (latin && cjk && !starts_with(rest, "：") ? " " : "") + rest;
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

const ir::ProgramDef* program_named(const ir::RuleSet& rs, const std::string& name) {
  for (const auto& p : rs.programs)
    if (p.name == name) return &p;
  return nullptr;
}

std::string program_words(const ir::RuleSet& rs, const std::string& name) {
  const ir::ProgramDef* p = program_named(rs, name);
  return "「" + (p && !p->label.empty() ? p->label : name) + "」";
}

std::string program_words(const ir::ProgramDef& p) { return "「" + (p.label.empty() ? p.name : p.label) + "」"; }

std::string def_words(const ir::RuleSet& rs, int d) {
  return "「" + (rs.defs[d].label.empty() ? rs.defs[d].name : rs.defs[d].label) + "」";
}

/// "不符合「低保条件」" for a definition labelled "符合低保条件", "不符合「持残疾人证」" otherwise.
std::string not_meeting(const ir::RuleSet& rs, int d) {
  std::string label = rs.defs[d].label.empty() ? rs.defs[d].name : rs.defs[d].label;
  if (starts_with(label, "符合") && label.size() > 6) label = label.substr(6);
  return "不符合「" + label + "」";
}

const char* per_words(ir::Period p) {
  switch (p) {
    case ir::Period::Month: return "每月";
    case ir::Period::Semester: return "每学期";
    case ir::Period::Year: return "每年";
    case ir::Period::Once: return "一次性";
  }
  return "";
}

/// The entity of the household's `members` list, or -1.
int member_entity(const ir::RuleSet& rs) {
  if (rs.root_entity < 0) return -1;
  int f = rs.entities[rs.root_entity].find_field("members");
  return f < 0 ? -1 : rs.entities[rs.root_entity].fields[f].type.ref;
}

// ---------------------------------------------------------------------------------------------- names of members

/// Members by id, with the record's names: from the household when given, else from what the result carries.
class Names {
public:
  Names(const ir::RuleSet& rs, const HouseholdResult& r, const Household* hh) {
    if (hh) {
      int me = member_entity(rs);
      for (const Instance& inst : hh->instances) {
        if (inst.entity != me || inst.id.empty()) continue;
        int f = rs.entities[inst.entity].find_field("name");
        if (f >= 0 && inst.present[f] && inst.fields[f].tag == Value::Tag::Text && !inst.fields[f].text().empty())
          names_.emplace(inst.id, inst.fields[f].text());
      }
      return;
    }
    for (const Entitlement& e : r.entitlements)
      for (const FailedCondition& f : e.failed)
        if (!f.member.empty() && !f.member_name.empty()) names_.emplace(f.member, f.member_name);
  }
  /// "成员 P2 张秀英", "成员 P3".
  std::string person(const std::string& id, const std::string& name = "") const { return "成员 " + item(id, name); }
  /// "成员 P2 张秀英的", "成员 P3 的".
  std::string persons(const std::string& id) const {
    std::string p = person(id);
    return p + (p == "成员 " + id ? " 的" : "的");
  }
  /// "P2 张秀英", "P3".
  std::string item(const std::string& id, const std::string& name = "") const {
    std::string n = name;
    if (n.empty())
      if (auto it = names_.find(id); it != names_.end()) n = it->second;
    return n.empty() ? id : id + " " + n;
  }

private:
  std::map<std::string, std::string> names_;
};

// ---------------------------------------------------------------------------------------------- values and units

std::string enum_label(const ir::RuleSet& rs, int e, const std::string& value) {
  if (e < 0 || e >= int(rs.enums.size())) return value;
  int v = rs.enums[e].find(value);
  return v < 0 ? value : rs.enums[e].value_labels[v];
}

/// A value as format_value shows it ("junior", "true", "3 months"), in words ("初中", "是", "3 个月").
std::string value_words(const ir::RuleSet& rs, const ir::Type& t, const std::string& v) {
  switch (t.kind) {
    case TypeKind::Enum: return enum_label(rs, t.ref, v);
    case TypeKind::Bool: return v == "true" ? "是" : v == "false" ? "否" : v;
    case TypeKind::Duration: {
      std::string s = v;
      if (ends_with(s, " months")) s = s.substr(0, s.size() - 7) + " 个月";
      else if (ends_with(s, " days")) s = s.substr(0, s.size() - 5) + " 天";
      return s;
    }
    default: return v;
  }
}

/// How a number is read: its unit, and the words comparing it.
enum class Scale { Plain, Money, Age, Count, Span, Time, Other };
struct Unit {
  Scale scale = Scale::Plain;
  std::string unit;      // after a value: "元", "周岁", "人", "个月"
  std::string gap_unit;  // after a difference: "元", "岁", "人", "个月"
};

bool label_has(const std::string& label, const char* word) { return label.find(word) != std::string::npos; }

Unit unit_by_label(const std::string& label) {
  if (label_has(label, "年龄")) return {Scale::Age, "周岁", "岁"};
  if (ends_with(label, "等级")) return {Scale::Plain, "级", ""};
  if (ends_with(label, "人数")) return {Scale::Count, "人", "人"};
  if (ends_with(label, "月数")) return {Scale::Span, "个月", "个月"};
  return {};
}

Unit unit_of(const ir::RuleSet& rs, int node, int depth = 0) {
  const ir::ExprNode& n = rs.nodes[node];
  switch (n.type.kind) {
    case TypeKind::Money: return {Scale::Money, "元", "元"};
    case TypeKind::Month: case TypeKind::Date: return {Scale::Time, "", ""};
    case TypeKind::Integer: case TypeKind::Decimal: case TypeKind::Duration: break;
    default: return {Scale::Other, "", ""};
  }
  if (depth > 8) return {};
  switch (n.op) {
    case Op::Call:
      if (static_cast<ir::Builtin>(n.a) == ir::Builtin::AgeAt) return {Scale::Age, "周岁", "岁"};
      if (static_cast<ir::Builtin>(n.a) == ir::Builtin::MonthsBetween) return {Scale::Span, "个月", "个月"};
      if (!n.kids.empty()) return unit_of(rs, n.kids[0], depth + 1);
      return {};
    case Op::Count: {
      int list_entity = rs.nodes[n.kids[0]].type.ref;
      std::string name = list_entity >= 0 ? rs.entities[list_entity].name : "";
      if (list_entity >= 0 && (list_entity == member_entity(rs) || name == "supporter")) return {Scale::Count, "人", "人"};
      return {Scale::Count, "项", "项"};
    }
    case Op::Def: {
      const ir::Definition& d = rs.defs[n.a];
      Unit u = unit_by_label(d.label);
      if (u.scale != Scale::Plain) return u;
      if (d.value >= 0) return unit_of(rs, d.value, depth + 1);
      return {};
    }
    case Op::Field: {
      const ir::EntityDef& e = rs.entities[rs.nodes[n.kids[0]].type.ref];
      return unit_by_label(e.fields[n.a].label);
    }
    case Op::StandardRef: return unit_by_label(rs.standards[n.a].label);
    case Op::Round: case Op::Neg: case Op::Add: case Op::Sub: return unit_of(rs, n.kids[0], depth + 1);
    case Op::If: return unit_of(rs, n.kids[1], depth + 1);
    default: return {};
  }
}

// ---------------------------------------------------------------------------------------------- failed conditions

/// The innermost definition the walk went into (the one whose rule holds the condition), or -1.
int innermost_def(const FailedCondition& f) {
  for (auto it = f.via.rbegin(); it != f.via.rend(); ++it)
    if (*it >= 0) return *it;
  return -1;
}

constexpr int kProgram = -2;  // a heading naming the program itself

/// Where a sentence puts a failed condition: under the definition holding the first `or` the walk went through
/// (every alternative failed: "不符合「属于老年人、残疾人或未成年人」：…"; kProgram when that `or` is in the
/// program's own condition), and within it under the first definition the walk went into after that `or` (the
/// alternative: "不符合「持残疾人证」（…）"). Without an `or`: no heading (-1, -1).
std::pair<int, int> headings(const FailedCondition& f) {
  int before = kProgram;
  for (std::size_t i = 0; i < f.via.size(); ++i) {
    if (f.via[i] >= 0) {
      before = f.via[i];
      continue;
    }
    for (std::size_t j = i + 1; j < f.via.size(); ++j)
      if (f.via[j] >= 0) return {before, f.via[j]};
    return {before, -1};
  }
  return {-1, -1};
}

/// "成员 P3 的", "家庭外义务人 supporters[0] 的": an instance other than the one decided, by its path.
std::string instance_owner(const ir::RuleSet& rs, const std::string& path) {
  if (path == "household") return "家庭的";
  if (starts_with(path, "members[") && path.find('.') == std::string::npos) return "成员 " + path.substr(8, path.size() - 9) + " 的";
  std::string list = path.substr(0, path.find('['));
  if (rs.root_entity >= 0)
    if (int f = rs.entities[rs.root_entity].find_field(list); f >= 0) return field_words(rs, rs.root_entity, f) + "（" + path + "）的";
  return path + " 的";
}

class Clauses {
public:
  explicit Clauses(const ir::RuleSet& rs) : rs_(rs) {}

  /// The clause for one failed condition, said under the headings h1 and h2 (definitions the sentence already
  /// names; -1: none). Empty when the headings say it all.
  std::string clause(const FailedCondition& f, int h1 = -1, int h2 = -1) {
    if (f.node < 0) {
      if (starts_with(f.lhs, "补差金额为 0.00")) return "已领取的待遇不低于标准，补差金额为 0.00 元";
      return f.lhs;
    }
    how_ = OperandWords{};
    bool household_decided = f.decided.empty() || f.decided == "household";
    if (f.subject != f.decided && !f.decided.empty()) how_.self = instance_owner(rs_, f.subject);
    if (!household_decided) how_.household = "家庭的";
    for (const StandardKey& k : f.keys) how_.keys.emplace_back(k.node, k.label);
    self_is_household_ = f.subject == "household";
    self_is_decided_ = f.subject == f.decided || f.decided.empty();

    const ir::ExprNode& n = rs_.nodes[f.node];
    std::string specific = leaf(f, n);
    if (!specific.empty() && !contextual(f)) return specific;
    // Said with the definition that holds it, unless a heading names that definition already.
    int inner = innermost_def(f);
    bool named = inner >= 0 && (inner == h1 || inner == h2);
    if (inner < 0) return specific.empty() ? "不满足“" + describe_in_words(rs_, f.node) + "”" : specific;
    if (named) return specific;
    return specific.empty() ? not_meeting(rs_, inner) : specific + "，故" + not_meeting(rs_, inner);
  }

  /// A comparison that holds, as a clause: "家庭月人均收入 250.00 元，低于农村最低生活保障标准 440.00 元".
  std::string holding_comparison(const FailedCondition& f) {
    how_ = OperandWords{};
    for (const StandardKey& k : f.keys) how_.keys.emplace_back(k.node, k.label);
    self_is_household_ = self_is_decided_ = true;
    return comparison(f, rs_.nodes[f.node], true);
  }

  /// A condition said best with the definition that holds it: `not x`, and conditions with no words of their own
  /// (aggregations, `if`).
  bool contextual(const FailedCondition& f) const {
    if (f.node < 0) return false;
    switch (rs_.nodes[f.node].op) {
      case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge: case Op::Eq: case Op::Ne: case Op::InSet: case Op::Within:
      case Op::IsPresent: case Op::StandardKnown: case Op::Def: case Op::ProgramEligible: case Op::Field:
      case Op::StandardRef:
        return false;
      default: return true;
    }
  }

private:
  /// What the condition itself says failed; "" when it has no words of its own.
  std::string leaf(const FailedCondition& f, const ir::ExprNode& n) {
    switch (n.op) {
      case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge: case Op::Eq: case Op::Ne: return comparison(f, n);
      case Op::InSet: {
        if (f.tested.empty()) return "";
        const ir::EnumDef& e = rs_.enums[rs_.nodes[n.kids[0]].type.ref];
        std::vector<std::string> set;
        for (int v : n.set) set.push_back(e.value_labels[v]);
        return operand(n.kids[0]) + "为" + value_words(rs_, rs_.nodes[n.kids[0]].type, f.tested) +
               (n.flag ? "，属于" : "，不属于") + join(set, "、");
      }
      case Op::Within:
        if (f.tested.empty()) return "";
        return operand(n.kids[0]) + "为 " + value_words(rs_, rs_.nodes[n.kids[0]].type, f.tested) + "，不在 " +
               describe_in_words(rs_, n.kids[1]) + " 至 " + describe_in_words(rs_, n.kids[2]) + " 之间";
      case Op::IsPresent: {
        std::string v = f.tested.empty() ? "" : value_words(rs_, field_type(n), f.tested);
        return presence(n, n.flag) + (v.empty() ? "" : "（" + v + "）");
      }
      case Op::StandardKnown: return operand(n.kids[0]) + (n.flag ? "已设定" : "尚未设定");
      case Op::StandardRef: return "「" + operand(f.node) + "」在本地、本月不适用";  // a yes/no standard: no
      case Op::Def: return not_meeting(rs_, n.a);
      case Op::ProgramEligible:
        return n.flag ? "未纳入" + program_words(rs_.programs[n.a]) + "的保障对象" : "未享受" + program_words(rs_.programs[n.a]);
      case Op::Field: return n.type.kind == TypeKind::Bool ? operand(f.node) + "为“否”" : "";
      case Op::Not: return holding(n.kids[0]);
      case Op::Every: case Op::Any: {
        // every x in L satisfies P (failed): someone in L does not satisfy P; any x in L where P (failed): nobody does.
        int pred = n.op == Op::Every ? n.kids[2] : n.kids[1];
        if (pred < 0 || rs_.nodes[pred].op != Op::Def) return "";
        std::string list = operand(n.kids[0]);
        if (n.op == Op::Every) return list + "中有不满足" + def_words(rs_, rs_.nodes[pred].a) + "的";
        return list + "中没有" + def_words(rs_, rs_.nodes[pred].a) + "的";
      }
      default: return "";
    }
  }

  ir::Type field_type(const ir::ExprNode& n) const {
    return rs_.entities[rs_.nodes[n.kids[0]].type.ref].fields[n.a].type;
  }

  std::string operand(int node) { return describe_operand(rs_, node, how_); }

  /// "x未填写" (`present` false) or "x已填写", with who has x.
  std::string presence(const ir::ExprNode& n, bool present) {
    const ir::ExprNode& b = rs_.nodes[n.kids[0]];
    std::string field = field_words(rs_, b.type.ref, n.a);
    std::string owner;
    if (b.op == Op::Root || (b.op == Op::Self && self_is_household_)) owner = "家庭的";
    else if (b.op == Op::Self) owner = self_is_decided_ ? "" : how_.self;
    else if (b.op != Op::Local) owner = operand(n.kids[0]) + "的";
    if (owner == "家庭的" && starts_with(field, "家庭")) owner.clear();
    return owner + field + (present ? "已填写" : "未填写");
  }

  /// What holds where `not x` failed: x in words, said as a fact.
  std::string holding(int node) {
    const ir::ExprNode& k = rs_.nodes[node];
    switch (k.op) {
      case Op::Def: {
        const std::string& label = rs_.defs[k.a].label.empty() ? rs_.defs[k.a].name : rs_.defs[k.a].label;
        for (const char* verb : {"符合", "属于", "已", "处于", "持", "有", "可", "需", "计入"})
          if (starts_with(label, verb)) return label;
        return "属于" + def_words(rs_, k.a);
      }
      case Op::ProgramEligible:
        return k.flag ? "已纳入" + program_words(rs_.programs[k.a]) + "的保障对象" : "已享受" + program_words(rs_.programs[k.a]);
      case Op::IsPresent: return presence(k, !k.flag);
      case Op::StandardRef: return k.type.kind == TypeKind::Bool ? "「" + operand(node) + "」在本地、本月适用" : "";
      case Op::Field:
        if (k.type.kind == TypeKind::Bool) return operand(node) + "为“是”";
        return "";
      case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge: case Op::Eq: case Op::Ne: case Op::InSet: case Op::Within:
      case Op::StandardKnown:
        return operand(node);
      default: return "";
    }
  }

  /// One side of a comparison: its words ("" for a constant) and unit taken from `u`.
  std::string side_words(int node, const Unit& u) {
    const ir::ExprNode& n = rs_.nodes[node];
    if (n.op == Op::Const) return "";
    if (n.op == Op::Period) return "评估月份";
    if (n.op == Op::Call && static_cast<ir::Builtin>(n.a) == ir::Builtin::AgeAt && n.kids.size() == 2) {
      const ir::ExprNode& at = rs_.nodes[n.kids[1]];
      if (at.op == Op::Call && at.kids.size() == 1 && rs_.nodes[at.kids[0]].op == Op::Period) {
        if (static_cast<ir::Builtin>(at.a) == ir::Builtin::FirstDay) return "评估月份月初的年龄";
        if (static_cast<ir::Builtin>(at.a) == ir::Builtin::LastDay) return "评估月份月末的年龄";
      }
    }
    std::string w = operand(node);
    if (!u.unit.empty())
      for (const std::string& tail : {" (" + u.unit + ")", "(" + u.unit + ")", "（" + u.unit + "）"})
        if (ends_with(w, tail)) w.resize(w.size() - tail.size());
    return w;
  }

  static std::string side(const std::string& words, const std::string& value, const std::string& unit) {
    std::string v = value + (unit.empty() ? "" : " " + unit);
    return words.empty() ? v : words + " " + v;
  }

  /// A comparison as a clause: why it failed ("高于…，超出 20.00 元"), or with `holds`, how it holds ("低于…").
  std::string comparison(const FailedCondition& f, const ir::ExprNode& n, bool holds = false) {
    int L = n.kids[0], R = n.kids[1];
    const ir::Type& lt = rs_.nodes[L].type;
    const ir::Type& rt = rs_.nodes[R].type;
    Unit u = unit_of(rs_, L);
    if (rs_.nodes[L].op == Op::Const || (u.scale == Scale::Plain && u.unit.empty())) {
      Unit ur = unit_of(rs_, R);
      if (ur.scale != Scale::Plain || !ur.unit.empty()) u = ur;
    }
    std::string lw = side_words(L, u), rw = side_words(R, u);
    std::string lv = value_words(rs_, lt, f.lhs), rv = value_words(rs_, rt, f.rhs);
    bool r_const = rs_.nodes[R].op == Op::Const;
    bool numeric = lt.is_numeric() || lt.kind == TypeKind::Duration;
    bool ordered = numeric || lt.kind == TypeKind::Month || lt.kind == TypeKind::Date;

    if (n.op == Op::Eq || n.op == Op::Ne || !ordered) {
      std::string ls = numeric ? side(lw, lv, u.unit) : (lw.empty() ? lv : lw + "为" + lv);
      std::string rstr = numeric ? side(rw, rv, u.unit) : (rw.empty() ? rv : rw + "为" + rv);
      if (numeric && !lw.empty()) ls = lw + "为 " + lv + (u.unit.empty() ? "" : " " + u.unit);
      if (n.op == Op::Ne) return ls + (r_const ? "" : "，与" + (rw.empty() ? rv : rw) + "相同");
      if (numeric) return ls + "，不等于" + rstr;
      return r_const ? ls + "，不是" + rv : ls + "，" + rstr;
    }

    std::string rside = side(rw, rv, u.unit);
    std::string lside = side(lw, lv, u.unit);
    bool has_gap = !holds && !f.margin.empty() && f.margin != "0" && f.margin != "0.00" && u.scale != Scale::Plain;
    auto rel = [&](const char* word) {
      bool spaced = rw.empty() || static_cast<unsigned char>(rw[0]) < 0x80;  // before a number: "高于 1.5 倍…"
      return std::string(word) + (spaced ? " " : "") + rside;
    };
    if (holds) {  // how it holds, by the values
      const char* word = nullptr;
      switch (u.scale) {
        case Scale::Age: word = f.order < 0 ? "未满" : "已满"; break;
        case Scale::Time: word = f.order < 0 ? "早于" : f.order > 0 ? "晚于" : "即"; break;
        case Scale::Count: word = f.order < 0 ? "少于" : f.order > 0 ? "多于" : "等于"; break;
        case Scale::Money: word = f.order < 0 ? "低于" : f.order > 0 ? "高于" : "等于"; break;
        default: word = f.order < 0 ? "小于" : f.order > 0 ? "大于" : "等于"; break;
      }
      return lside + "，" + rel(word);
    }
    switch (u.scale) {
      case Scale::Age: {
        switch (n.op) {
          case Op::Lt: return lside + "，已满 " + rside;
          case Op::Le: return lside + "，已超过 " + rside;
          case Op::Gt: return lside + "，未超过 " + rside;
          default: return lside + "，未满 " + rside + (has_gap ? "，还差 " + f.margin + " " + u.gap_unit : "");
        }
      }
      case Scale::Time: {
        const char* word = n.op == Op::Lt ? "不早于" : n.op == Op::Le ? "晚于" : n.op == Op::Gt ? "不晚于" : "早于";
        std::string s = lside + "，" + word + (rw.empty() ? " " : "") + rside;
        if (rs_.nodes[L].op == Op::Period && r_const) {
          if (n.op == Op::Ge) s += "（该项自 " + rv + " 起适用）";
          else if (n.op == Op::Gt) s += "（该项适用于 " + rv + " 之后）";
          else if (n.op == Op::Lt) s += "（该项适用于 " + rv + " 之前）";
          else s += "（该项适用至 " + rv + "）";
        }
        return s;
      }
      default: break;
    }
    const char* more = u.scale == Scale::Count ? "多于" : u.scale == Scale::Span ? "超过" : u.scale == Scale::Money ? "高于" : "大于";
    const char* less = u.scale == Scale::Count ? "少于" : u.scale == Scale::Span ? "不足" : u.scale == Scale::Money ? "低于" : "小于";
    std::string gap_unit = u.gap_unit.empty() ? "" : " " + u.gap_unit;
    if (f.order == 0)  // equal: the condition wanted it strictly more or less
      return (lw.empty() ? lv : lw + "为 " + lv) + (u.unit.empty() ? "" : " " + u.unit) + "（须" +
             rel(n.op == Op::Lt || n.op == Op::Le ? less : more) + "）";
    if (f.order > 0) return lside + "，" + rel(more) + (has_gap ? "，超出 " + f.margin + gap_unit : "");
    return lside + "，" + rel(less) + (has_gap ? "，还差 " + f.margin + gap_unit : "");
  }

  const ir::RuleSet& rs_;
  OperandWords how_;
  bool self_is_household_ = false;
  bool self_is_decided_ = true;
};

// ---------------------------------------------------------------------------------------------- missing facts

/// A missing fact as a statement: "成员 P1 郭长顺的「需要长期照护」未填写"; a standard as missing_in_words says it,
/// without the standard's code.
std::string missing_words(const ir::RuleSet& rs, const std::string& fact, const Names& names) {
  if (starts_with(fact, "standard ")) {
    std::string w = missing_in_words(rs, fact);
    if (ends_with(w, ")")) {
      std::size_t open = w.rfind(" (");
      bool ascii = open != std::string::npos;
      for (std::size_t i = open + 2; ascii && i + 1 < w.size(); ++i) ascii = static_cast<unsigned char>(w[i]) < 0x80;
      if (ascii) w.resize(open);
    }
    for (std::size_t at; (at = w.find("」 ")) != std::string::npos;) w.erase(at + 3, 1);  // "标准「…」610922 石泉县"
    return w;
  }
  if (fact.find(' ') != std::string::npos) return fact;
  // A household fact: walk the path through the entities.
  int entity = rs.root_entity;
  std::vector<std::string> parts;
  std::string owner = "家庭的";
  std::size_t at = 0;
  bool first = true;
  while (entity >= 0 && at <= fact.size()) {
    std::size_t dot = fact.find('.', at);
    std::string part = fact.substr(at, dot == std::string::npos ? std::string::npos : dot - at);
    std::string index;
    if (auto b = part.find('['); b != std::string::npos) {
      index = part.substr(b + 1, part.size() - b - 2);
      part.resize(b);
    }
    int f = rs.entities[entity].find_field(part);
    if (f < 0) return "「" + fact + "」未填写";
    const ir::FieldDef& fd = rs.entities[entity].fields[f];
    bool more = dot != std::string::npos;
    if (first && part == "members" && !index.empty() && more) {
      owner = names.persons(index);
    } else if (more) {
      std::string w = field_words(rs, entity, f);
      if (!index.empty()) w += index.find_first_not_of("0123456789") == std::string::npos ? "（第 " + std::to_string(std::stoi(index) + 1) + " 项）" : "（" + index + "）";
      parts.push_back(w);
    } else {
      std::string label = fd.label.empty() ? fd.name : fd.label;
      if (auto p = label.find(" (extension)"); p != std::string::npos) label.erase(p, 12);
      std::string path = join(parts, "的");
      return owner + (path.empty() ? "" : path + "的") + "「" + label + "」未填写";
    }
    first = false;
    entity = fd.type.kind == TypeKind::Entity || fd.type.kind == TypeKind::List ? fd.type.ref : -1;
    at = dot + 1;
  }
  return "「" + fact + "」未填写";
}

/// The missing facts in words, once each; `own` ("成员 P1 宋奶奶的") left out where the sentence is about that person.
std::vector<std::string> missing_list(const ir::RuleSet& rs, const std::vector<std::string>& facts, const Names& names,
                                      const std::string& own = "") {
  std::vector<std::string> out;
  for (const std::string& f : facts) {
    if (f.find(": choice ") != std::string::npos) continue;  // said by the choice sentence
    std::string w = missing_words(rs, f, names);
    if (!own.empty() && starts_with(w, own)) w = w.substr(own.size());
    bool seen = false;
    for (const auto& o : out) seen = seen || o == w;
    if (!seen) out.push_back(w);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- decisions

std::string exception_words(const ir::ProgramDef& p, const std::string& name) {
  for (const auto& ex : p.exceptions)
    if (ex.name == name) return "「" + (ex.label.empty() ? ex.name : ex.label) + "」";
  return "「" + name + "」";
}

std::string options_words(const ir::RuleSet& rs, const std::vector<std::string>& choice) {
  std::string out;
  for (std::size_t i = 0; i < choice.size(); ++i)
    out += (i == 0 ? "" : i + 1 == choice.size() ? "与" : "、") + program_words(rs, choice[i]);
  return out;
}

std::string choice_sentence(const ir::RuleSet& rs, const ir::ProgramDef& p, const std::vector<std::string>& choice,
                            bool amount_known, const Rational& amount, const std::string& who) {
  std::string s = (who.empty() ? "" : who + "：") + options_words(rs, choice) + "只能享受其一，须由家庭选择并记录；选择" +
                  program_words(p);
  s += amount_known ? std::string(per_words(p.period)) + " " + amount.to_fixed(2) + " 元" : "的金额暂无法确定";
  return sentence(s + "；记录选择前均不发放");
}

std::string region_words(const ir::RuleSet& rs, const std::string& code) {
  if (code == "all" || code.empty()) return "全国";
  std::string name = rs.region_name(code);
  return name.empty() ? code : name;
}

std::string stale_words(const ir::RuleSet& rs, const StaleValue& v) {
  std::string key = v.key;
  for (const auto& st : rs.standards)
    if (st.name == v.standard && st.key_enum >= 0) key = enum_label(rs, st.key_enum, v.key);
  std::string renewal = v.renewal == "yearly" ? "每年" : v.renewal == "half_yearly" ? "每半年" : v.renewal;
  return "「" + (v.label.empty() ? v.standard : v.label) + "」（" + region_words(rs, v.region) + (key.empty() ? "" : " " + key) +
         "，取值自 " + v.from + (renewal.empty() ? "" : "，应" + renewal + "更新") + "）";
}

/// For a household program granted on its own conditions (no exception): the comparisons with a standard among
/// the conditions every one of which must hold ("家庭月人均收入 250.00 元，低于农村最低生活保障标准 440.00 元"), with
/// the values the explanation recorded. Only what the explanation shows to hold is said; nothing when it is not there.
std::vector<std::string> why_granted(const ir::RuleSet& rs, const HouseholdResult& r, const ir::ProgramDef& p) {
  std::vector<std::string> out;
  if (p.entity != rs.root_entity || p.eligible < 0 || r.trace.empty()) return out;
  auto def_value = [&](int d) -> const TraceNode* {
    for (const TraceNode& t : r.trace)
      if (t.kind == TraceNode::Kind::Definition && t.index == d && t.subject == "household") return &t;
    return nullptr;
  };
  struct Side {
    std::string value;
    std::optional<Rational> number;
    StandardKey key;
    bool standard = false;
  };
  auto side = [&](int id) -> std::optional<Side> {
    const ir::ExprNode& n = rs.nodes[id];
    Side s;
    if (n.op == Op::Const && n.type.is_numeric()) {
      s.number = n.num;
      s.value = n.type.kind == TypeKind::Money ? n.num.to_fixed(2) : n.num.to_string();
      return s;
    }
    if (n.op == Op::Def && (rs.nodes[n.kids[0]].op == Op::Self || rs.nodes[n.kids[0]].op == Op::Root)) {
      const TraceNode* t = def_value(n.a);
      if (!t) return std::nullopt;
      s.value = t->value;
    } else if (n.op == Op::StandardRef) {
      const ir::Standard& st = rs.standards[n.a];
      std::string key;
      if (!n.kids.empty()) {
        const ir::ExprNode& k = rs.nodes[n.kids[0]];
        if (k.op != Op::Const || st.key_enum < 0) return std::nullopt;
        key = rs.enums[st.key_enum].values[k.scalar];
      }
      const TraceNode* found = nullptr;
      int count = 0;
      for (const TraceNode& t : r.trace)
        if (t.kind == TraceNode::Kind::Standard && t.index == n.a && (n.kids.empty() || t.subject == key)) found = &t, ++count;
      if (!found || (n.kids.empty() && count != 1)) return std::nullopt;  // a household reads one key of it
      s.value = found->value;
      s.standard = true;
      if (st.key_enum >= 0 && !found->subject.empty()) s.key = {id, found->subject, enum_label(rs, st.key_enum, found->subject)};
    } else {
      return std::nullopt;
    }
    s.number = Rational::parse_decimal(s.value);
    if (!s.number) return std::nullopt;
    return s;
  };
  Clauses clauses(rs);
  std::function<void(int, int)> walk = [&](int id, int depth) {
    const ir::ExprNode& n = rs.nodes[id];
    if (depth > 8) return;
    if (n.op == Op::And) {
      for (int k : n.kids) walk(k, depth + 1);
      return;
    }
    if (n.op == Op::Def && rs.nodes[n.kids[0]].op != Op::Local) {
      const ir::Definition& d = rs.defs[n.a];
      if (d.entity == rs.root_entity && d.exceptions.empty() && d.value >= 0 && d.type.kind == TypeKind::Bool) walk(d.value, depth + 1);
      return;
    }
    if (n.op != Op::Lt && n.op != Op::Le && n.op != Op::Gt && n.op != Op::Ge) return;
    auto l = side(n.kids[0]), rr = side(n.kids[1]);
    if (!l || !rr || !(l->standard || rr->standard)) return;
    int c = l->number->compare(*rr->number);
    bool holds = n.op == Op::Lt ? c < 0 : n.op == Op::Le ? c <= 0 : n.op == Op::Gt ? c > 0 : c >= 0;
    if (!holds) return;
    FailedCondition f;
    f.node = id;
    f.subject = f.decided = "household";
    f.lhs = l->value;
    f.rhs = rr->value;
    f.order = c < 0 ? -1 : c > 0 ? 1 : 0;
    for (const Side* x : {&*l, &*rr})
      if (x->key.node >= 0) f.keys.push_back(x->key);
    out.push_back(clauses.holding_comparison(f));
  };
  walk(p.eligible, 0);
  return out;
}

}  // namespace

std::string failed_condition_clause(const ir::RuleSet& rs, const FailedCondition& f) { return Clauses(rs).clause(f); }

std::vector<Reason> explain_reasons(const ir::RuleSet& rs, const HouseholdResult& r, const Entitlement& e,
                                    const Household* hh_or_null) {
  std::vector<Reason> out;
  const ir::ProgramDef& p = rs.programs[e.program];
  const bool household_program = p.entity == rs.root_entity;
  Names names(rs, r, hh_or_null);
  auto add = [&](Reason::Kind kind, std::string text) {
    text = sentence(std::move(text));
    for (const Reason& o : out)
      if (o.text == text) return;
    out.push_back({kind, std::move(text), {}});
  };
  const std::string per = per_words(p.period);

  // ---- the decision
  switch (e.kind) {
    case DecisionKind::Granted:
    case DecisionKind::AmountUndetermined: {
      if (household_program) {
        std::string s;
        if (e.exception.empty())
          for (const std::string& why : why_granted(rs, r, p)) s += why + "；";
        s += (e.kind == DecisionKind::Granted ? "享受" : "符合") + program_words(p) + (e.kind == DecisionKind::Granted ? "" : "的条件");
        if (!e.exception.empty()) s += "（按" + exception_words(p, e.exception) + "）";
        if (e.kind == DecisionKind::Granted) s += "，" + per + " " + e.amount.to_fixed(2) + " 元";
        if (!e.members.empty()) {
          std::vector<std::string> who;
          for (const auto& m : e.members) who.push_back(names.item(m));
          s += "；保障对象 " + std::to_string(e.members.size()) + " 人：" + join(who, "、");
        }
        if (e.kind == DecisionKind::AmountUndetermined) {
          std::vector<std::string> miss = missing_list(rs, e.missing, names);
          s += "；金额暂无法确定" + (miss.empty() ? std::string() : "：" + join(miss, "；"));
        }
        add(Reason::Kind::Decision, s);
      } else if (e.by_member.size() == 1) {
        add(Reason::Kind::Decision, glue(names.person(e.by_member[0].member), "享受") + program_words(p) + "，" + per + " " +
                                        e.by_member[0].amount.to_fixed(2) + " 元");
      } else if (!e.by_member.empty()) {
        std::vector<std::string> who;
        for (const MemberAmount& m : e.by_member) who.push_back(names.item(m.member) + " " + m.amount.to_fixed(2) + " 元");
        add(Reason::Kind::Decision, "享受" + program_words(p) + "，" + per + "共 " + e.amount.to_fixed(2) + " 元：" + join(who, "，"));
      }
      break;
    }
    case DecisionKind::Excluded:
      if (household_program && !e.excluded_by.empty())
        add(Reason::Kind::Decision, "已享受" + program_words(rs, e.excluded_by) + "，不重复享受" + program_words(p));
      break;
    case DecisionKind::ChoiceNeeded:
      if (household_program) add(Reason::Kind::Decision, choice_sentence(rs, p, e.choice, e.option_amount_known, e.option_amount, ""));
      break;
    case DecisionKind::Undetermined:
      if (household_program || e.member_decisions.empty()) {
        std::vector<std::string> miss = missing_list(rs, e.missing, names);
        if (!miss.empty()) {
          add(Reason::Kind::Decision, "能否享受" + program_words(p) + "暂无法确定：" + join(miss, "；"));
        } else {
          std::string message;
          for (const EvalError& err : r.errors)
            if (err.program == p.name && message.empty()) message = err.message;
          add(Reason::Kind::Decision, "能否享受" + program_words(p) + "暂无法确定：规则计算出错" +
                                          (message.empty() ? "" : "（" + message + "）") + "，请联系规则维护人员");
        }
      }
      break;
    case DecisionKind::NotGranted:
      if (e.failed.empty() && (household_program || e.member_decisions.empty()))
        add(Reason::Kind::Decision, "不符合" + program_words(p) + "的条件");
      break;
  }

  // ---- each member whose decision is not simply granted or refused
  for (const MemberDecision& d : e.member_decisions) {
    std::string who = names.person(d.member);
    switch (d.kind) {
      case DecisionKind::Excluded:
        add(Reason::Kind::Decision, glue(who, "已享受") + program_words(rs, d.excluded_by) + "，不重复享受" + program_words(p));
        break;
      case DecisionKind::ChoiceNeeded:
        add(Reason::Kind::Decision, choice_sentence(rs, p, d.choice, d.amount_known, d.amount, who));
        break;
      case DecisionKind::Undetermined: {
        std::vector<std::string> miss = missing_list(rs, d.missing, names, names.persons(d.member));
        add(Reason::Kind::Decision, glue(who, "能否享受") + program_words(p) + "暂无法确定" + (miss.empty() ? "" : "：" + join(miss, "；")));
        break;
      }
      case DecisionKind::AmountUndetermined: {
        std::vector<std::string> miss = missing_list(rs, d.missing, names, names.persons(d.member));
        add(Reason::Kind::Decision, glue(who, "符合") + program_words(p) + "的条件，金额暂无法确定" + (miss.empty() ? "" : "：" + join(miss, "；")));
        break;
      }
      default: break;
    }
  }

  // ---- conditions not met: one sentence per person and condition, or per person and definition of alternatives
  struct Item {
    int h2 = -1;  // the alternative (a definition) the clauses are under, or -1
    std::vector<std::string> clauses;
  };
  struct Group {
    std::string who;  // "成员 P2 张秀英", "" for the household
    int h1 = -1;      // the heading: a definition, kProgram, or -1 (one clause, said on its own)
    std::vector<Item> items;
    std::vector<int> failed;
  };
  std::vector<Group> groups;
  std::map<std::string, std::size_t> by_key;
  Clauses clauses(rs);
  for (std::size_t i = 0; i < e.failed.size(); ++i) {
    const FailedCondition& f = e.failed[i];
    std::string who = f.member.empty() ? "" : names.person(f.member, f.member_name);
    auto [h1, h2] = f.node >= 0 ? headings(f) : std::pair<int, int>{-1, -1};
    if (h1 == -1 && clauses.contextual(f)) h1 = innermost_def(f);  // `not x`, aggregations: under their definition
    std::string text = clauses.clause(f, h1, h2);
    std::string key = f.decided + "\n" + (h1 != -1 ? "#" + std::to_string(h1) : text);
    auto [it, fresh] = by_key.emplace(key, groups.size());
    if (fresh) groups.push_back({who, h1, {}, {}});
    Group& g = groups[it->second];
    g.failed.push_back(int(i));
    Item* item = nullptr;
    for (Item& x : g.items)
      if (x.h2 == h2) item = &x;
    if (!item) {
      g.items.push_back({h2, {}});
      item = &g.items.back();
    }
    bool seen = text.empty() || (h2 >= 0 && text == not_meeting(rs, h2));
    for (const auto& c : item->clauses) seen = seen || c == text;
    if (!seen) item->clauses.push_back(text);
  }
  for (Group& g : groups) {
    std::vector<std::string> parts;
    for (const Item& x : g.items) {
      std::string c = join(x.clauses, "；");
      if (x.h2 < 0) {
        if (!c.empty()) parts.push_back(c);
      } else {
        parts.push_back(not_meeting(rs, x.h2) + (c.empty() ? "" : "（" + c + "）"));
      }
    }
    std::string body = join(parts, "；");
    std::string text;
    if (g.h1 != -1) {
      std::string heading = g.h1 == kProgram ? "不符合" + program_words(p) + "所列的任一情形" : not_meeting(rs, g.h1);
      text = glue(g.who.empty() ? "家庭" : g.who, heading) + (body.empty() ? "" : "：" + body);
    } else if (!g.who.empty()) {
      text = g.who + "：" + body;
    } else {
      bool verb = false;
      for (const char* w : {"不符合", "不满足", "未享受", "未纳入", "符合", "属于", "已享受", "已纳入"}) verb = verb || starts_with(body, w);
      text = verb ? "家庭" + body : body;
    }
    text = sentence(text);
    bool merged = false;
    for (Reason& o : out)
      if (o.text == text) {
        o.failed.insert(o.failed.end(), g.failed.begin(), g.failed.end());
        merged = true;
      }
    if (!merged) out.push_back({Reason::Kind::Condition, text, g.failed});
  }

  // ---- review and provisional
  for (const std::string& w : e.review) add(Reason::Kind::Review, "需复核：" + w);
  if (e.provisional()) {
    std::vector<std::string> items;
    for (const StaleValue& v : e.stale) items.push_back(stale_words(rs, v));
    add(Reason::Kind::Provisional, "本决定为暂定：所用标准" + join(items, "、") + "已超过更新周期，请县级民政部门录入或确认当期标准");
  }
  return out;
}

std::vector<std::string> reason_sentences(const ir::RuleSet& rs, const HouseholdResult& r, const Entitlement& e,
                                          const Household* hh_or_null) {
  std::vector<std::string> out;
  for (Reason& reason : explain_reasons(rs, r, e, hh_or_null)) out.push_back(std::move(reason.text));
  return out;
}

}  // namespace entitle
