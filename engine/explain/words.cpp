// words.cpp — expression → Chinese prose, following the checked IR.
#include "engine/explain/words.hpp"

#include "engine/eval/household.hpp"

namespace entitle {
namespace {

using ir::Op;

std::string labelled(const std::string& label, const std::string& name) { return label.empty() ? name : label; }

/// A label without the " (extension)" remark the schema marks its additions with.
std::string without_extension(std::string label) {
  if (auto p = label.find(" (extension)"); p != std::string::npos) label.erase(p, 12);
  return label;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

class Words {
public:
  explicit Words(const ir::RuleSet& rs, const OperandWords* how = nullptr) : rs_(rs), how_(how) {}

  std::string say(int id, int parent_precedence = 0) {
    const ir::ExprNode& n = rs_.nodes[id];
    int prec = precedence(n.op);
    std::string s = body(id, n);
    return prec < parent_precedence ? "（" + s + "）" : s;
  }

private:
  static int precedence(Op op) {
    switch (op) {
      case Op::Or: return 1;
      case Op::And: return 2;
      case Op::Not: return 3;
      case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge: case Op::Eq: case Op::Ne: case Op::InSet: case Op::Within:
      case Op::IsPresent: case Op::StandardKnown: return 4;
      case Op::Add: case Op::Sub: return 5;
      case Op::Mul: case Op::Div: return 6;
      default: return 9;
    }
  }

  std::string constant(const ir::ExprNode& n) {
    switch (n.type.kind) {
      case ir::TypeKind::Bool: return n.scalar ? "是" : "否";
      case ir::TypeKind::Date: return Date{n.scalar}.to_string();
      case ir::TypeKind::Month: return Month{n.scalar}.to_string();
      case ir::TypeKind::Enum: return labelled(rs_.enums[n.type.ref].value_labels[n.scalar], rs_.enums[n.type.ref].values[n.scalar]);
      case ir::TypeKind::Text: return "“" + n.text + "”";
      case ir::TypeKind::Duration: return n.num.to_string() + (n.type.ref == 0 ? " 天" : " 个月");
      default: return n.num.to_string();
    }
  }

  std::string subject(int base) {
    const ir::ExprNode& b = rs_.nodes[base];
    if (how_ && b.op == Op::Self) return how_->self;
    if (how_ && b.op == Op::Root) return how_->household;
    if (b.op == Op::Self || b.op == Op::Root || b.op == Op::Local) return "";
    return say(base, 9) + "的";
  }

  /// What `base` has, named `label`: "在校的学段"; "家庭月人均收入", not "家庭的家庭月人均收入".
  std::string owned(int base, std::string label) {
    if (how_) label = without_extension(label);
    std::string who = subject(base);
    const std::string of = "的";
    if (how_ && who.size() > of.size() && who.compare(who.size() - of.size(), of.size(), of) == 0 &&
        starts_with(label, who.substr(0, who.size() - of.size())))
      who.clear();
    return who + label;
  }

  std::string body(int id, const ir::ExprNode& n) {
    switch (n.op) {
      case Op::Const: return constant(n);
      case Op::Period: return "评估月份";
      case Op::Self: case Op::Root: case Op::Local: return rs_.entities[n.type.ref].label.empty() ? rs_.entities[n.type.ref].name : rs_.entities[n.type.ref].label;
      case Op::Field: {
        const ir::EntityDef& e = rs_.entities[rs_.nodes[n.kids[0]].type.ref];
        if (how_ && n.type.kind == ir::TypeKind::Entity && !rs_.entities[n.type.ref].label.empty())
          return owned(n.kids[0], short_label(rs_.entities[n.type.ref].label));  // "残疾人证", not "残疾"
        return owned(n.kids[0], labelled(e.fields[n.a].label, e.fields[n.a].name));
      }
      case Op::Def: return owned(n.kids[0], labelled(rs_.defs[n.a].label, rs_.defs[n.a].name));
      case Op::IsPresent: {
        const ir::EntityDef& e = rs_.entities[rs_.nodes[n.kids[0]].type.ref];
        return subject(n.kids[0]) + labelled(e.fields[n.a].label, e.fields[n.a].name) + (n.flag ? "未填写" : "已填写");
      }
      case Op::StandardRef: {
        std::string s = labelled(rs_.standards[n.a].label, rs_.standards[n.a].name);
        if (how_)
          for (const auto& [node, key] : how_->keys)
            if (node == id) return key.size() <= 6 ? key + s : s + "（" + key + "）";  // two characters: "农村"
        return n.kids.empty() ? s : s + "［" + say(n.kids[0]) + "］";
      }
      case Op::StandardKnown: return say(n.kids[0]) + (n.flag ? "尚未设定" : "已设定");
      case Op::ProgramEligible: return "符合「" + rs_.programs[n.a].label + "」";
      case Op::ProgramAmount: return "「" + rs_.programs[n.a].label + "」金额";
      case Op::Not: return "并非" + say(n.kids[0], 4);
      case Op::Neg: return "负" + say(n.kids[0], 9);
      case Op::And: return say(n.kids[0], 2) + "，且" + say(n.kids[1], 2);
      case Op::Or: return say(n.kids[0], 1) + "，或" + say(n.kids[1], 1);
      case Op::Add: return say(n.kids[0], 5) + " 加 " + say(n.kids[1], 6);
      case Op::Sub: return say(n.kids[0], 5) + " 减 " + say(n.kids[1], 6);
      case Op::Mul:
        if (how_ && rs_.nodes[n.kids[0]].op == Op::Const) return say(n.kids[0], 7) + " 倍" + say(n.kids[1], 7);  // "1.5 倍…标准"
        return say(n.kids[0], 6) + " 乘以 " + say(n.kids[1], 7);
      case Op::Div: return say(n.kids[0], 6) + " 除以 " + say(n.kids[1], 7);
      case Op::Lt: return say(n.kids[0], 5) + " 低于 " + say(n.kids[1], 5);
      case Op::Le: return say(n.kids[0], 5) + " 不高于 " + say(n.kids[1], 5);
      case Op::Gt: return say(n.kids[0], 5) + " 高于 " + say(n.kids[1], 5);
      case Op::Ge: return say(n.kids[0], 5) + " 不低于 " + say(n.kids[1], 5);
      case Op::Eq: return say(n.kids[0], 5) + " 为 " + say(n.kids[1], 5);
      case Op::Ne: return say(n.kids[0], 5) + " 不为 " + say(n.kids[1], 5);
      case Op::InSet: {
        const ir::EnumDef& e = rs_.enums[rs_.nodes[n.kids[0]].type.ref];
        std::string set;
        for (int v : n.set) set += (set.empty() ? "" : "、") + labelled(e.value_labels[v], e.values[v]);
        return say(n.kids[0], 5) + (n.flag ? " 不属于 " : " 属于 ") + set;
      }
      case Op::Within: return say(n.kids[0], 5) + " 在 " + say(n.kids[1]) + " 至 " + say(n.kids[2]) + " 之间";
      case Op::If: return "如果" + say(n.kids[0]) + "，则为" + say(n.kids[1]) + "，否则为" + say(n.kids[2]);
      case Op::Count: case Op::Sum: case Op::Min: case Op::Max: case Op::Any: case Op::Every: case Op::Filter: {
        std::string list = say(n.kids[0], 9);
        std::string filter = n.kids[1] >= 0 ? "中" + say(n.kids[1]) + "的" : "中";
        switch (n.op) {
          case Op::Count: return list + filter + "人数";
          case Op::Sum: return list + filter + say(n.kids[2], 9) + "之和";
          case Op::Min: return list + filter + say(n.kids[2], 9) + "的最小值";
          case Op::Max: return list + filter + say(n.kids[2], 9) + "的最大值";
          case Op::Any: return list + "中有一项" + say(n.kids[1]);
          case Op::Every: return list + filter + "每一项都" + say(n.kids[2]);
          default: return list + filter + "各项";
        }
      }
      case Op::Round:
        return say(n.kids[0]) + "（按" + std::string(n.unit == RoundUnit::Fen ? "分" : n.unit == RoundUnit::Jiao ? "角" : "元") +
               (n.mode == RoundMode::HalfUp ? "四舍五入" : n.mode == RoundMode::Down ? "舍去" : "进位") + "）";
      case Op::Call: {
        static const char* kNames[] = {"折算为每月的", "到", "相隔月数", "的第一天", "的最后一天", "所在月份", "较小值", "较大值", "加月数", "年份"};
        auto b = static_cast<ir::Builtin>(n.a);
        if (b == ir::Builtin::AgeAt) return "按" + say(n.kids[0]) + "计算、截至" + say(n.kids[1]) + "的周岁年龄";
        if (b == ir::Builtin::FirstDay) return say(n.kids[0], 9) + "的第一天";
        if (b == ir::Builtin::LastDay) return say(n.kids[0], 9) + "的最后一天";
        if (b == ir::Builtin::Monthly) return say(n.kids[0], 9) + "（折算为每月）";
        std::string args;
        for (int k : n.kids) args += (args.empty() ? "" : "、") + say(k);
        return std::string(kNames[n.a]) + "（" + args + "）";
      }
      case Op::Table: {
        std::string args;
        for (int k : n.kids) args += (args.empty() ? "" : "、") + say(k);
        return "按「" + labelled(rs_.tables[n.a].label, rs_.tables[n.a].name) + "」查表（" + args + "）";
      }
    }
    return "";
  }

  const ir::RuleSet& rs_;
  const OperandWords* how_;
};

}  // namespace

std::string describe_in_words(const ir::RuleSet& rs, int node) {
  if (node < 0) return "";
  return Words(rs).say(node);
}

std::string describe_operand(const ir::RuleSet& rs, int node, const OperandWords& how) {
  if (node < 0) return "";
  return Words(rs, &how).say(node);
}

std::string field_words(const ir::RuleSet& rs, int entity, int field) {
  const ir::FieldDef& f = rs.entities[entity].fields[field];
  std::string label = labelled(f.label, f.name);
  if (f.type.kind == ir::TypeKind::Entity && f.type.ref >= 0 && !rs.entities[f.type.ref].label.empty())
    label = rs.entities[f.type.ref].label;
  std::string s = short_label(label);  // "已享受待遇 (在保案件)" → "已享受待遇", "临时困难 (extension)" → "临时困难"
  return s.empty() ? label : s;
}

}  // namespace entitle
