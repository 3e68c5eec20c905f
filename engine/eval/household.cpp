// household.cpp — validates a JSON record against the declared entities and builds its instances.
#include "engine/eval/household.hpp"

#include <algorithm>
#include <set>

#include "engine/base/source.hpp"
#include "engine/values/calendar.hpp"

namespace entitle {
namespace {

using ir::TypeKind;

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

/// "urban（城市）、rural（农村）": the values with their labels, for messages.
std::string values_with_labels(const ir::EnumDef& e) {
  std::string s;
  for (std::size_t i = 0; i < e.values.size(); ++i) {
    s += (i ? "、" : "") + e.values[i];
    if (i < e.value_labels.size() && e.value_labels[i] != e.values[i]) s += "（" + e.value_labels[i] + "）";
  }
  return s;
}

/// "a（标签 X）或 b（标签 X）"
std::string named_values(const ir::EnumDef& e, const std::vector<int>& vs) {
  std::string s;
  for (std::size_t i = 0; i < vs.size(); ++i) {
    s += (i ? " 或 " : "") + e.values[vs[i]];
    if (std::size_t(vs[i]) < e.value_labels.size() && e.value_labels[vs[i]] != e.values[vs[i]])
      s += "（标签“" + e.value_labels[vs[i]] + "”）";
  }
  return s;
}

/// The person or thing a field path is about, and the rest of the path: "members[P2].disability.grade" →
/// {"成员 P2", "disability.grade"}; "supporters[1].of" → {"义务人 2", "of"}; "assets.deposits" → {"家庭", …}.
std::pair<std::string, std::string> subject_of(const std::string& path) {
  auto element = [&](const std::string& list, const std::string& who, bool one_based) -> std::optional<std::pair<std::string, std::string>> {
    if (path.rfind(list + "[", 0) != 0) return std::nullopt;
    std::size_t close = path.find(']');
    if (close == std::string::npos) return std::nullopt;
    std::string key = path.substr(list.size() + 1, close - list.size() - 1);
    if (one_based && !key.empty() && key.size() < 9 && key.find_first_not_of("0123456789") == std::string::npos)
      key = std::to_string(std::stol(key) + 1);
    std::string rest = close + 1 < path.size() && path[close + 1] == '.' ? path.substr(close + 2) : path.substr(close + 1);
    return std::make_pair(who + " " + key, rest);
  };
  if (auto m = element("members", "成员", false)) return *m;
  if (auto s = element("supporters", "义务人", true)) return *s;
  return {"家庭", path};
}

/// "成员 P2 的出生日期", "家庭的低保起始月份 (status.dibao_since)"
std::string field_named(const std::string& path, const ir::FieldDef& fd) {
  auto [who, rest] = subject_of(path);
  std::string label = short_label(fd.label);
  std::string sep = who == "家庭" ? "的" : " 的";
  if (label.empty()) return who + sep + " " + rest;
  return who + sep + label + (rest.find_first_of(".[") != std::string::npos ? " (" + rest + ")" : "");
}

/// "成员 P2 的 disability.grade"
std::string field_path_named(const std::string& path) {
  auto [who, rest] = subject_of(path);
  return who + (who == "家庭" ? "的 " : " 的 ") + rest;
}

/// What a field takes, in Chinese, for the people who enter records: "日期 (YYYY-MM-DD)", "农村、城市之一".
std::string expected_type_zh(const ir::RuleSet& rs, const ir::Type& t) {
  switch (t.kind) {
    case TypeKind::Bool: return "是或否 (true / false)";
    case TypeKind::Integer: return "整数";
    case TypeKind::Decimal: return "数字 (如 \"12.5\")";
    case TypeKind::Money: return "金额 (元，至多两位小数，如 \"1200.00\")";
    case TypeKind::Date: return "日期 (YYYY-MM-DD)";
    case TypeKind::Month: return "月份 (YYYY-MM)";
    case TypeKind::Text: return "文字";
    case TypeKind::Enum: {
      const ir::EnumDef& e = rs.enums[t.ref];
      std::string s;
      for (std::size_t i = 0; i < e.values.size(); ++i)
        s += (i ? "、" : "") + (e.value_labels[i].empty() ? e.values[i] : e.value_labels[i]);
      return s + "之一";
    }
    case TypeKind::Entity: return "对象 (" + (rs.entities[t.ref].label.empty() ? rs.entities[t.ref].name : short_label(rs.entities[t.ref].label)) + ")";
    case TypeKind::List: return "列表 (" + (rs.entities[t.ref].label.empty() ? rs.entities[t.ref].name : short_label(rs.entities[t.ref].label)) + ")";
    default: return "一个值";
  }
}

std::string expected_type(const ir::RuleSet& rs, const ir::Type& t) {
  switch (t.kind) {
    case TypeKind::Bool: return "true or false";
    case TypeKind::Integer: return "a whole number";
    case TypeKind::Decimal: return "a decimal number such as \"12.5\"";
    case TypeKind::Money: return "an amount of money in yuan with at most two decimals, such as \"1200.00\"";
    case TypeKind::Date: return "a date \"YYYY-MM-DD\"";
    case TypeKind::Month: return "a month \"YYYY-MM\"";
    case TypeKind::Text: return "text";
    case TypeKind::Enum: {
      std::string s = "one of";
      for (const auto& v : rs.enums[t.ref].values) s += " " + v;
      return s;
    }
    case TypeKind::Entity: return "an object (" + rs.entities[t.ref].name + ")";
    case TypeKind::List: return "a list of " + rs.entities[t.ref].name + " objects";
    default: return "a value";
  }
}

/// A field's path ("members[P2].birth_date"), joined from its record's path and the field's name on first use.
struct FieldPath {
  FieldPath(const std::string& parent, const std::string& name) : parent(parent), name(name) {}
  const std::string& parent;
  const std::string& name;
  const std::string& str() const {
    if (!made) {
      joined = parent.empty() ? name : parent + "." + name;
      made = true;
    }
    return joined;
  }

private:
  mutable std::string joined;
  mutable bool made = false;
};

class Loader {
public:
  Loader(const ir::RuleSet& rs, Household& hh, std::vector<InputError>& errors, std::string label, const LoadOptions& options)
      : rs_(rs), hh_(hh), errors_(errors), label_(std::move(label)), options_(options) {}

  void load_root(const JsonNode& record) {
    if (record.kind != JsonNode::Kind::Object) {
      fail("", "家庭记录应为 JSON 对象 {…} (expected a household object {…}, found " + std::string(json_kind_name(record.kind)) + ")");
      return;
    }
    hh_.instances.emplace_back();
    build(0, rs_.root_entity, record, "");
    check_household_rules();
  }

private:
  // A field's path may hold an id someone wrote: shown at most 200 bytes long (the message clips what it echoes).
  void fail(const std::string& field, const std::string& message) { errors_.push_back({label_, clip_text(field, 200), message}); }

  void build(int inst_index, int entity, const JsonNode& obj, const std::string& path) {
    const ir::EntityDef& ent = rs_.entities[entity];
    {
      Instance& inst = hh_.instances[inst_index];
      inst.entity = entity;
      inst.index = inst_index;
      inst.path = path;
      inst.fields.assign(ent.fields.size(), Value::missing(&kAbsent));
      inst.present.assign(ent.fields.size(), false);
    }
    // One pass over the record's keys: each to its field (an unknown key is an error), so every field below finds
    // its value without searching the object again.
    constexpr std::size_t kInline = 64;
    const JsonNode* inline_slots[kInline] = {};
    std::vector<const JsonNode*> heap_slots;
    const JsonNode** slot = inline_slots;
    if (ent.fields.size() > kInline) {
      heap_slots.assign(ent.fields.size(), nullptr);
      slot = heap_slots.data();
    }
    for (const auto& [key, value] : obj.fields) {
      int f = ent.find_field(key);
      if (f >= 0) {
        slot[f] = &value;
        continue;
      }
      std::string known;
      for (const auto& fd : ent.fields) known += (known.empty() ? "" : ", ") + fd.name;
      fail(join(path, key), "未知字段 “" + clip_text(key) + "” (unknown field '" + clip_text(key) + "'; " + ent.name + " has: " + known + ")");
    }
    for (std::size_t f = 0; f < ent.fields.size(); ++f) {
      const ir::FieldDef& fd = ent.fields[f];
      const JsonNode* v = slot[f];
      FieldPath fpath{path, fd.name};  // joined only when a message or a nested record needs it
      if (!v || v->kind == JsonNode::Kind::Null) {
        if (fd.type.kind == TypeKind::List && fd.optional) {
          // An optional list that is left out is empty.
          hh_.lists.emplace_back();
          set(inst_index, f, Value::pointer(Value::Tag::List, &hh_.lists.back()));
        } else if (fd.default_expr >= 0) {
          set(inst_index, f, default_value(fd));
        } else if (!fd.optional) {
          fail(fpath.str(), "缺少必填项 " + field_named(fpath.str(), fd) + "，应为" + expected_type_zh(rs_, fd.type) +
                                " (this required field is missing: expected " + expected_type(rs_, fd.type) + ")");
        }
        continue;
      }
      Value val;
      if (convert(*v, fd.type, fpath, val) && within_bounds(fd, fpath, *v, val)) set(inst_index, f, val);
      if (fd.name == "id" && v->kind == JsonNode::Kind::String) hh_.instances[inst_index].id = v->text;
    }
    check_id_number(inst_index, ent, path);
  }

  /// The field's declared range (`grade : integer 1..4`; money is never negative unless its range allows it), birth
  /// dates not after the month evaluated, dates not after today, months *_since not after either.
  bool within_bounds(const ir::FieldDef& fd, const FieldPath& fpath, const JsonNode& written, const Value& val) {
    switch (fd.type.kind) {
      case TypeKind::Integer:
      case TypeKind::Decimal:
      case TypeKind::Money: {
        std::optional<Rational> lo = fd.min;
        if (!lo && fd.type.kind == TypeKind::Money) lo = Rational(0);
        if ((lo && val.num < *lo) || (fd.max && *fd.max < val.num)) {
          const char* what = fd.type.kind == TypeKind::Integer ? "整数" : fd.type.kind == TypeKind::Money ? "金额" : "数";
          std::string want = lo && fd.max ? " " + lo->to_string() + "–" + fd.max->to_string() + " 之间的" + what
                             : lo         ? "不小于 " + lo->to_string() + " 的" + what
                                          : "不大于 " + fd.max->to_string() + " 的" + what;
          fail(fpath.str(), field_path_named(fpath.str()) + " 为 " + written.text + "，应为" + want);
          return false;
        }
        return true;
      }
      case TypeKind::Date: {
        Date d{val.scalar};
        if (options_.month && fd.name == "birth_date" && options_.month->last_day() < d) {
          fail(fpath.str(), field_named(fpath.str(), fd) + " " + d.to_string() + " 晚于评估月份 " + options_.month->to_string());
          return false;
        }
        if (options_.not_after && *options_.not_after < d) {
          fail(fpath.str(), field_named(fpath.str(), fd) + " " + d.to_string() + " 晚于今天 " + options_.not_after->to_string());
          return false;
        }
        return true;
      }
      case TypeKind::Month: {
        if (!ends_with(fd.name, "_since")) return true;
        Month m{val.scalar};
        if (options_.month && *options_.month < m) {
          fail(fpath.str(), field_named(fpath.str(), fd) + " " + m.to_string() + " 晚于评估月份 " + options_.month->to_string());
          return false;
        }
        if (options_.not_after && Month::of(*options_.not_after) < m) {
          fail(fpath.str(), field_named(fpath.str(), fd) + " " + m.to_string() + " 晚于本月 " + Month::of(*options_.not_after).to_string() +
                          "（今天 " + options_.not_after->to_string() + "）");
          return false;
        }
        return true;
      }
      default: return true;
    }
  }

  /// Numbers in a record are at most kMaxNumber either way: far beyond any income, asset or count, and small enough
  /// that the rules' sums and products over a household stay exact (a larger one would fail evaluation far from here).
  bool within_number_limit(const Rational& r, const std::string& path, const JsonNode& v) {
    if (!(Rational(kMaxNumber) < r) && !(r < Rational(-kMaxNumber))) return true;
    fail(path, "数值过大：至多 " + std::to_string(kMaxNumber) + "，填写的是 " + describe(v) + " (a number in a record is at most " +
                   std::to_string(kMaxNumber) + " either way, found " + describe(v) + ")");
    return false;
  }

  void set(int inst_index, std::size_t f, const Value& v) {
    hh_.instances[inst_index].fields[f] = v;
    hh_.instances[inst_index].present[f] = true;
  }

  Value default_value(const ir::FieldDef& fd) {
    const ir::ExprNode& n = rs_.nodes[fd.default_expr];
    switch (fd.type.kind) {
      case TypeKind::Bool: return Value::boolean(n.scalar != 0);
      case TypeKind::Integer:
      case TypeKind::Decimal:
      case TypeKind::Money: return Value::number(n.op == ir::Op::Neg ? -rs_.nodes[n.kids[0]].num : n.num);
      case TypeKind::Date: return Value::with_scalar(Value::Tag::Date, n.scalar);
      case TypeKind::Month: return Value::with_scalar(Value::Tag::Month, n.scalar);
      case TypeKind::Enum: return Value::with_scalar(Value::Tag::Enum, n.scalar);
      case TypeKind::Text:
        hh_.texts.push_back(n.text);
        return Value::pointer(Value::Tag::Text, &hh_.texts.back());
      default: return Value::missing(&kAbsent);
    }
  }

  bool convert(const JsonNode& v, const ir::Type& t, const FieldPath& field, Value& out) {
    auto path = [&]() -> const std::string& { return field.str(); };
    auto wrong = [&]() {
      fail(path(), "应为" + expected_type_zh(rs_, t) + "，填写的是 " + describe(v) + " (expected " + expected_type(rs_, t) + ", found " +
                     describe(v) + ")");
      return false;
    };
    switch (t.kind) {
      case TypeKind::Bool:
        if (v.kind != JsonNode::Kind::Bool) return wrong();
        out = Value::boolean(v.flag);
        return true;
      case TypeKind::Integer: {
        if (v.kind != JsonNode::Kind::Number) return wrong();
        auto r = Rational::parse_decimal(v.text);
        if (!r || !r->is_integer()) return wrong();
        if (!within_number_limit(*r, path(), v)) return false;
        out = Value::number(*r);
        return true;
      }
      case TypeKind::Decimal:
      case TypeKind::Money: {
        if (v.kind != JsonNode::Kind::Number && v.kind != JsonNode::Kind::String) return wrong();
        auto r = Rational::parse_decimal(v.text);
        if (!r) return wrong();
        if (t.kind == TypeKind::Money) {
          if (!r->has_at_most_decimals(2)) {
            fail(path(), "金额至多两位小数 (到分)，填写的是 " + describe(v) + " (expected at most two decimals (fen), found " + describe(v) + ")");
            return false;
          }
        } else if (!r->has_at_most_decimals(kMaxDecimals)) {
          fail(path(), "数字至多 " + std::to_string(kMaxDecimals) + " 位小数，填写的是 " + describe(v) + " (expected at most " +
                         std::to_string(kMaxDecimals) + " decimals, found " + describe(v) + ")");
          return false;
        }
        if (!within_number_limit(*r, path(), v)) return false;
        out = Value::number(*r);
        return true;
      }
      case TypeKind::Date: {
        auto d = v.kind == JsonNode::Kind::String ? Date::parse(v.text) : std::nullopt;
        if (!d) return wrong();
        out = Value::with_scalar(Value::Tag::Date, d->day);
        return true;
      }
      case TypeKind::Month: {
        auto m = v.kind == JsonNode::Kind::String ? Month::parse(v.text) : std::nullopt;
        if (!m) return wrong();
        out = Value::with_scalar(Value::Tag::Month, m->index);
        return true;
      }
      case TypeKind::Text:
        if (v.kind != JsonNode::Kind::String) return wrong();
        if (v.text.size() > kMaxTextBytes) {
          fail(path(), "文字过长：" + std::to_string(v.text.size()) + " 字节，至多 " + std::to_string(kMaxTextBytes) + " 字节，填写的是 " + describe(v) +
                         " (text of " + std::to_string(v.text.size()) + " bytes; at most " + std::to_string(kMaxTextBytes) + " are allowed)");
          return false;
        }
        hh_.texts.push_back(v.text);
        out = Value::pointer(Value::Tag::Text, &hh_.texts.back());
        return true;
      case TypeKind::Enum: {
        const ir::EnumDef& e = rs_.enums[t.ref];
        if (v.kind != JsonNode::Kind::String) return wrong();
        EnumMatch m = match_enum(e, v.text);
        if (!m.ambiguous.empty()) {
          fail(path(), "“" + clip_text(v.text) + "”可指 " + e.name + " 的 " + named_values(e, m.ambiguous) + "，无法确定是哪一个；请改填取值名 (" +
                         "\"" + clip_text(v.text) + "\" is ambiguous: it names " + std::to_string(m.ambiguous.size()) + " values of " + e.name + ")");
          return false;
        }
        if (m.value < 0) {
          fail(path(), "应为 " + values_with_labels(e) + "之一（取值名或中文标签），填写的是 " + describe(v) + " (expected " + expected_type(rs_, t) +
                         ", found " + describe(v) + ")");
          return false;
        }
        out = Value::with_scalar(Value::Tag::Enum, m.value);
        return true;
      }
      case TypeKind::Entity: {
        if (v.kind != JsonNode::Kind::Object) return wrong();
        int idx = int(hh_.instances.size());
        hh_.instances.emplace_back();
        build(idx, t.ref, v, path());
        out = Value::pointer(Value::Tag::Entity, &hh_.instances[idx]);
        return true;
      }
      case TypeKind::List: {
        if (v.kind != JsonNode::Kind::Array) return wrong();
        // Bounded before anything is built: a household of thousands of members is a mistake, and would cost
        // every later step (import, each batch) in proportion.
        if (path() == "members" && v.items.size() > options_.max_members) {
          fail(path(), "家庭成员 " + std::to_string(v.items.size()) + " 名，超过每户至多 " + std::to_string(options_.max_members) +
                         " 名的上限，请核对记录 (a household may have at most " + std::to_string(options_.max_members) + " members, found " +
                         std::to_string(v.items.size()) + ")");
          return false;
        }
        if (path() != "members" && v.items.size() > kMaxListItems) {
          fail(path(), field_path_named(path()) + " 有 " + std::to_string(v.items.size()) + " 项，至多 " + std::to_string(kMaxListItems) +
                         " 项 (a list may have at most " + std::to_string(kMaxListItems) + " entries, found " + std::to_string(v.items.size()) + ")");
          return false;
        }
        hh_.lists.emplace_back();
        std::vector<const Instance*>& list = hh_.lists.back();
        std::vector<std::string_view> ids;  // the items' ids so far: a list is at most kMaxListItems long
        auto seen_before = [&](std::string_view id) {
          for (std::string_view seen : ids)
            if (seen == id) return true;
          ids.push_back(id);
          return false;
        };
        // An entity whose only field is a text "id" may be written as the plain string.
        const ir::EntityDef& elem_ent = rs_.entities[t.ref];
        bool id_only = elem_ent.fields.size() == 1 && elem_ent.fields[0].name == "id" && elem_ent.fields[0].type.kind == TypeKind::Text;
        std::deque<JsonNode> wrapped;
        for (std::size_t i = 0; i < v.items.size(); ++i) {
          const JsonNode* item_ptr = &v.items[i];
          if (id_only && item_ptr->kind == JsonNode::Kind::String) {
            JsonNode obj;
            obj.kind = JsonNode::Kind::Object;
            obj.fields.emplace_back("id", *item_ptr);
            wrapped.push_back(std::move(obj));
            item_ptr = &wrapped.back();
          }
          const JsonNode& item = *item_ptr;
          const JsonNode* id = item.kind == JsonNode::Kind::Object ? item.find("id") : nullptr;
          std::string elem = path() + "[" + (id && id->kind == JsonNode::Kind::String ? id->text : std::to_string(i)) + "]";
          if (item.kind != JsonNode::Kind::Object) {
            fail(elem, "应为对象 (" + rs_.entities[t.ref].name + ")，填写的是 " + describe(item) + " (expected an object (" +
                           rs_.entities[t.ref].name + "), found " + describe(item) + ")");
            continue;
          }
          if (id && id->kind == JsonNode::Kind::String && seen_before(id->text)) {
            int id_field = elem_ent.find_field("id");
            std::string id_label = id_field >= 0 ? short_label(elem_ent.fields[id_field].label) : "";
            fail(elem, (id_label.empty() ? "id" : id_label) + " \"" + clip_text(id->text) + "\" 在 " + path() + " 中重复出现，应唯一 (the id \"" + clip_text(id->text) +
                           "\" is used twice in " + path() + ")");
          }
          int idx = int(hh_.instances.size());
          hh_.instances.emplace_back();
          build(idx, t.ref, item, elem);
          list.push_back(&hh_.instances[idx]);
        }
        out = Value::pointer(Value::Tag::List, &list);
        return true;
      }
      default:
        return wrong();
    }
  }

  /// The household rules of the record format (shared/spec/household-format.md), for the fields the schema has:
  /// a non-empty case id; exactly one member whose relation is `self`; every supporter's `of` and every id in a
  /// status list `*_members` names a member. (Member ids are unique: checked for every list with ids.)
  void check_household_rules() {
    const ir::EntityDef& root = rs_.entities[rs_.root_entity];
    const Instance& h = hh_.instances.front();
    auto list_of = [&](const Instance& inst, const ir::EntityDef& ent, const char* name) -> const std::vector<const Instance*>* {
      int f = ent.find_field(name);
      if (f < 0 || ent.fields[f].type.kind != TypeKind::List || !inst.present[f] || inst.fields[f].tag != Value::Tag::List) return nullptr;
      return &inst.fields[f].list();
    };
    int idf = root.find_field("id");
    if (idf >= 0 && h.present[idf] && h.fields[idf].tag == Value::Tag::Text && h.fields[idf].text().empty())
      fail("id", (root.fields[idf].label.empty() ? std::string("编号") : short_label(root.fields[idf].label)) + " (id) 为空：每户应有一个非空的编号");
    const std::vector<const Instance*>* members = list_of(h, root, "members");
    if (!members) return;
    if (members->empty()) {
      fail("members", "家庭没有成员：members 至少应有一名成员（本人, relation = self）");
      return;
    }
    // The members' ids, and the sentence naming them, made only when a supporter or a status list needs them.
    std::set<std::string> ids;
    std::string not_member;
    auto member_ids = [&]() -> const std::set<std::string>& {
      if (ids.empty()) {
        std::string id_list;
        for (const Instance* m : *members)
          if (!m->id.empty() && ids.insert(m->id).second) id_list += (id_list.empty() ? "" : "、") + clip_text(m->id);
        not_member = " 不是本户成员（本户成员：" + id_list + "）";
      }
      return ids;
    };
    const ir::EntityDef& member = rs_.entities[root.fields[root.find_field("members")].type.ref];
    int rel = member.find_field("relation");
    bool knows_self = rel >= 0 && (member.fields[rel].type.kind == TypeKind::Text ||
                                   (member.fields[rel].type.kind == TypeKind::Enum && rs_.enums[member.fields[rel].type.ref].find("self") >= 0));
    if (knows_self) {  // a schema whose relation has no `self` does not have this rule
      const ir::FieldDef& rd = member.fields[rel];
      std::vector<std::string> selves;
      bool all_known = true;
      for (const Instance* m : *members) {
        if (!m->present[rel]) {
          all_known = false;
          continue;
        }
        const Value& v = m->fields[rel];
        bool self = (rd.type.kind == TypeKind::Enum && v.tag == Value::Tag::Enum && rs_.enums[rd.type.ref].values[v.scalar] == "self") ||
                    (rd.type.kind == TypeKind::Text && v.tag == Value::Tag::Text && v.text() == "self");
        if (self) selves.push_back(clip_text(m->id.empty() ? m->path : m->id));
      }
      if (selves.empty() && all_known) {
        fail("members", "家庭没有“本人”(relation = self) 成员：应恰有一名成员的 relation 为 self（本人）");
      } else if (selves.size() > 1) {
        std::string who;
        for (const auto& w : selves) who += (who.empty() ? "" : "、") + w;
        fail("members", "家庭有 " + std::to_string(selves.size()) + " 名“本人”(relation = self) 成员（" + who + "），应恰有一名");
      }
    }
    if (const auto* supporters = list_of(h, root, "supporters")) {
      for (std::size_t i = 0; i < supporters->size(); ++i) {
        const Instance* s = (*supporters)[i];
        const ir::EntityDef& se = rs_.entities[s->entity];
        int of = se.find_field("of");
        if (of < 0 || !s->present[of] || s->fields[of].tag != Value::Tag::Text) continue;
        if (!member_ids().count(s->fields[of].text()))
          fail(s->path + ".of", "义务人 " + std::to_string(i + 1) + " 的 of = \"" + clip_text(s->fields[of].text()) + "\"" + not_member);
      }
    }
    int st = root.find_field("status");
    if (st >= 0 && root.fields[st].type.kind == TypeKind::Entity && h.present[st] && h.fields[st].tag == Value::Tag::Entity) {
      const Instance& status = *h.fields[st].instance();
      const ir::EntityDef& se = rs_.entities[status.entity];
      for (const ir::FieldDef& fd : se.fields) {
        if (fd.type.kind != TypeKind::List || !ends_with(fd.name, "_members")) continue;
        const auto* list = list_of(status, se, fd.name.c_str());
        if (!list) continue;
        std::string label = short_label(fd.label);
        for (const Instance* ref : *list)
          if (!member_ids().count(ref->id))
            fail(ref->path, (label.empty() ? "status." + fd.name : label + " (status." + fd.name + ")") + " 中的 \"" + clip_text(ref->id) + "\"" + not_member);
      }
    }
  }

  /// A field called id_number is a resident identity number: 18 characters, valid check character, and the
  /// birth date inside it equals the record's birth_date.
  void check_id_number(int inst_index, const ir::EntityDef& ent, const std::string& path) {
    int f = ent.find_field("id_number");
    if (f < 0 || !hh_.instances[inst_index].present[f]) return;
    const Value& v = hh_.instances[inst_index].fields[f];
    if (v.tag != Value::Tag::Text) return;
    std::string id = v.text();
    std::string fpath = join(path, "id_number");
    if (id.size() == 18 && id[17] == 'x') id[17] = 'X';
    if (id.size() != 18 || id.find_first_not_of("0123456789") < 17) {
      fail(fpath, "公民身份号码应为 18 位 (前 17 位为数字)，填写的是 “" + clip_text(v.text()) + "” (expected an 18-character resident identity number, found \"" +
                      clip_text(v.text()) + "\")");
      return;
    }
    char want = id_number_check_char(id.substr(0, 17));
    if (id[17] != want) {
      fail(fpath, "公民身份号码 “" + v.text() + "” 的校验码应为 " + want + "，号码可能录入有误 (the check character of \"" + v.text() +
                      "\" should be '" + want + "' (GB 11643-1999): the number is mistyped)");
      return;
    }
    hh_.texts.push_back(id);
    hh_.instances[inst_index].fields[f] = Value::pointer(Value::Tag::Text, &hh_.texts.back());
    // The sequence code's parity gives the sex (odd male, even female): filled in when absent, checked when given.
    int sx = ent.find_field("sex");
    if (sx >= 0 && ent.fields[sx].type.kind == TypeKind::Enum) {
      const ir::EnumDef& sexes = rs_.enums[ent.fields[sx].type.ref];
      int from_id = sexes.find((id[16] - '0') % 2 == 1 ? "male" : "female");
      if (from_id >= 0) {
        Instance& inst = hh_.instances[inst_index];
        if (!inst.present[sx]) {
          inst.fields[sx] = Value::with_scalar(Value::Tag::Enum, from_id);
          inst.present[sx] = true;
        } else if (inst.fields[sx].scalar != from_id) {
          fail(join(path, "sex"), "公民身份号码 " + id + " 对应性别为" + sexes.value_labels[from_id] + "，与填写的性别“" +
                                      sexes.value_labels[inst.fields[sx].scalar] + "”不符 (the identity number " + id + " is a " +
                                      sexes.values[from_id] + "'s (odd sequence code: male, even: female), but sex is \"" +
                                      sexes.values[inst.fields[sx].scalar] + "\")");
        }
      }
    }
    int b = ent.find_field("birth_date");
    if (b >= 0 && hh_.instances[inst_index].present[b]) {
      Date birth{hh_.instances[inst_index].fields[b].scalar};
      std::string in_id = id.substr(6, 4) + "-" + id.substr(10, 2) + "-" + id.substr(12, 2);
      if (in_id != birth.to_string())
        fail(fpath, "公民身份号码中的出生日期 " + in_id + " 与填写的出生日期 " + birth.to_string() + " 不符 (the birth date in the identity number (" +
                        in_id + ") differs from birth_date (" + birth.to_string() + "))");
    }
  }

  static std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }
  static std::string describe(const JsonNode& v) {
    switch (v.kind) {
      case JsonNode::Kind::String: return "\"" + clip_text(v.text) + "\"";
      case JsonNode::Kind::Number: return clip_text(v.text);
      case JsonNode::Kind::Bool: return v.flag ? "true" : "false";
      default: return json_kind_name(v.kind);
    }
  }

  static const MissingSet kAbsent;
  const ir::RuleSet& rs_;
  Household& hh_;
  std::vector<InputError>& errors_;
  std::string label_;
  const LoadOptions& options_;
};

const MissingSet Loader::kAbsent{};

}  // namespace

std::string InputError::to_string() const {
  return "household " + record + (field.empty() ? "" : ", field " + field) + ": " + message;
}

EnumMatch match_enum(const ir::EnumDef& e, const std::string& text) {
  EnumMatch m;
  // The common case without allocating: the text is a value's name and no other value's label.
  int named = e.find(text);
  if (named >= 0) {
    bool also_a_label = false;
    for (std::size_t i = 0; i < e.values.size() && i < e.value_labels.size() && !also_a_label; ++i)
      also_a_label = int(i) != named && e.value_labels[i] != e.values[i] && e.value_labels[i] == text;
    if (!also_a_label) {
      m.value = named;
      return m;
    }
  }
  std::vector<int> hits;
  int by_name = e.find(text);
  if (by_name >= 0) hits.push_back(by_name);
  for (std::size_t i = 0; i < e.values.size() && i < e.value_labels.size(); ++i)
    if (int(i) != by_name && e.value_labels[i] != e.values[i] && e.value_labels[i] == text) hits.push_back(int(i));
  if (hits.size() == 1) {
    m.value = hits[0];
    m.by_label = hits[0] != by_name;
  } else if (hits.size() > 1) {
    m.ambiguous = hits;
  }
  return m;
}

namespace {
int canonicalise(const ir::RuleSet& rs, int entity, JsonNode& obj) {
  int n = 0;
  const ir::EntityDef& ent = rs.entities[entity];
  for (auto& [key, v] : obj.fields) {
    int f = ent.find_field(key);
    if (f < 0) continue;
    const ir::Type& t = ent.fields[f].type;
    if (t.kind == TypeKind::Enum && v.kind == JsonNode::Kind::String) {
      EnumMatch m = match_enum(rs.enums[t.ref], v.text);
      if (m.by_label) {
        v.text = rs.enums[t.ref].values[m.value];
        ++n;
      }
    } else if (t.kind == TypeKind::Entity && v.kind == JsonNode::Kind::Object) {
      n += canonicalise(rs, t.ref, v);
    } else if (t.kind == TypeKind::List && v.kind == JsonNode::Kind::Array) {
      for (JsonNode& item : v.items)
        if (item.kind == JsonNode::Kind::Object) n += canonicalise(rs, t.ref, item);
    }
  }
  return n;
}
}  // namespace

int canonicalise_enum_labels(const ir::RuleSet& rs, JsonNode& record) {
  if (rs.root_entity < 0 || record.kind != JsonNode::Kind::Object) return 0;
  return canonicalise(rs, rs.root_entity, record);
}

std::string short_label(const std::string& label) {
  std::string s = label;
  while (!s.empty() && s.back() == ' ') s.pop_back();
  if (!s.empty() && s.back() == ')') {
    std::size_t open = s.rfind('(');
    if (open != std::string::npos && open > 0) {
      s.erase(open);
      while (!s.empty() && s.back() == ' ') s.pop_back();
    }
  }
  return s;
}

char id_number_check_char(const std::string& first17) {
  static const int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static const char kChars[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
  if (first17.size() != 17) return '\0';
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    if (first17[i] < '0' || first17[i] > '9') return '\0';
    sum += (first17[i] - '0') * kWeights[i];
  }
  return kChars[sum % 11];
}

bool load_household(const ir::RuleSet& rs, const JsonNode& record, const std::string& record_label, Household& out,
                    std::vector<InputError>& errors, const LoadOptions& options) {
  std::size_t before = errors.size();
  std::string label = record_label;
  if (record.kind == JsonNode::Kind::Object)
    if (const JsonNode* id = record.find("id"); id && id->kind == JsonNode::Kind::String && !id->text.empty())
      label = "\"" + clip_text(id->text) + "\" (" + record_label + ")";
  out.clear();
  Loader loader(rs, out, errors, label, options);
  loader.load_root(record);
  if (errors.size() == before && !out.instances.empty()) {
    out.id = out.instances.front().id;
    int r = rs.entities[rs.root_entity].find_field("region");
    if (r >= 0 && out.instances.front().present[r] && out.instances.front().fields[r].tag == Value::Tag::Text) {
      out.region = out.instances.front().fields[r].text();
      std::size_t n = out.region.size();
      if (out.region.find_first_not_of("0123456789") != std::string::npos || (n != 6 && n != 9 && n != 12)) {
        errors.push_back({label, "region", "区划代码应为 6 位县级代码或 9/12 位乡镇代码，填写的是 “" + clip_text(out.region) +
                                               "” (expected a 6-digit county code or a 9/12-digit township code, found \"" + clip_text(out.region) + "\")"});
      } else if (!rs.regions.empty() && rs.region_name(out.region).empty()) {
        // Say where the code falls short: the nearest declared ancestor, or the provinces served.
        std::string near;
        for (std::size_t len : {std::size_t(9), std::size_t(6)})  // a township of a county the rules serve
          if (near.empty() && len < n)
            if (const ir::RegionDef* r = rs.region(out.region.substr(0, len))) near = r->name + " (" + r->code + ")";
        std::string served;
        for (const ir::RegionDef& r : rs.regions)
          if (r.code.size() == 6) served += (served.empty() ? "" : ", ") + r.name + " " + r.code;
        errors.push_back({label, "region",
                          near.empty() ? "区划 " + out.region + " 不在本规则服务的地区内 (region " + out.region +
                                             " is outside the regions these rules serve (" + served + "))"
                                       : "区划 " + out.region + " 不是 " + near + " 下已登记的乡镇代码 (region " + out.region +
                                             " is not a known township of " + near + "; use one of its declared codes or the county code)"});
      }
    }
  }
  return errors.size() == before;
}

}  // namespace entitle
