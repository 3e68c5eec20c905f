// household.cpp — validates a JSON record against the declared entities and builds its instances.
#include "engine/eval/household.hpp"

#include <set>

#include "engine/values/calendar.hpp"

namespace entitle {
namespace {

using ir::TypeKind;

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

class Loader {
public:
  Loader(const ir::RuleSet& rs, Household& hh, std::vector<InputError>& errors, std::string label, const LoadOptions& options)
      : rs_(rs), hh_(hh), errors_(errors), label_(std::move(label)), options_(options) {}

  void load_root(const JsonNode& record) {
    if (record.kind != JsonNode::Kind::Object) {
      fail("", "expected a household object {…}, found " + std::string(json_kind_name(record.kind)));
      return;
    }
    hh_.instances.emplace_back();
    build(0, rs_.root_entity, record, "");
  }

private:
  void fail(const std::string& field, const std::string& message) { errors_.push_back({label_, field, message}); }

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
    for (const auto& [key, _] : obj.fields)
      if (ent.find_field(key) < 0) {
        std::string known;
        for (const auto& f : ent.fields) known += (known.empty() ? "" : ", ") + f.name;
        fail(join(path, key), "unknown field '" + key + "'; " + ent.name + " has: " + known);
      }
    for (std::size_t f = 0; f < ent.fields.size(); ++f) {
      const ir::FieldDef& fd = ent.fields[f];
      const JsonNode* v = obj.find(fd.name);
      std::string fpath = join(path, fd.name);
      if (!v || v->kind == JsonNode::Kind::Null) {
        if (fd.type.kind == TypeKind::List && fd.optional) {
          // An optional list that is left out is empty.
          hh_.lists.emplace_back();
          set(inst_index, f, Value::pointer(Value::Tag::List, &hh_.lists.back()));
        } else if (fd.default_expr >= 0) {
          set(inst_index, f, default_value(fd));
        } else if (!fd.optional) {
          fail(fpath, "this required field is missing: expected " + expected_type(rs_, fd.type));
        }
        continue;
      }
      Value val;
      if (convert(*v, fd.type, fpath, val)) set(inst_index, f, val);
      if (fd.name == "id" && v->kind == JsonNode::Kind::String) hh_.instances[inst_index].id = v->text;
    }
    check_id_number(inst_index, ent, path);
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

  bool convert(const JsonNode& v, const ir::Type& t, const std::string& path, Value& out) {
    auto wrong = [&]() {
      fail(path, "expected " + expected_type(rs_, t) + ", found " + describe(v));
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
            fail(path, "expected at most two decimals (fen), found " + describe(v));
            return false;
          }
          if (r->sign() < 0) {
            fail(path, "expected an amount of zero or more, found " + describe(v));
            return false;
          }
        }
        out = Value::number(*r);
        return true;
      }
      case TypeKind::Date: {
        auto d = v.kind == JsonNode::Kind::String ? Date::parse(v.text) : std::nullopt;
        if (!d) return wrong();
        if (options_.not_after && options_.not_after->day < d->day) {
          fail(path, "expected a date no later than today (" + options_.not_after->to_string() + "), found \"" + v.text + "\"");
          return false;
        }
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
        hh_.texts.push_back(v.text);
        out = Value::pointer(Value::Tag::Text, &hh_.texts.back());
        return true;
      case TypeKind::Enum: {
        int e = v.kind == JsonNode::Kind::String ? rs_.enums[t.ref].find(v.text) : -1;
        if (e < 0) return wrong();
        out = Value::with_scalar(Value::Tag::Enum, e);
        return true;
      }
      case TypeKind::Entity: {
        if (v.kind != JsonNode::Kind::Object) return wrong();
        int idx = int(hh_.instances.size());
        hh_.instances.emplace_back();
        build(idx, t.ref, v, path);
        out = Value::pointer(Value::Tag::Entity, &hh_.instances[idx]);
        return true;
      }
      case TypeKind::List: {
        if (v.kind != JsonNode::Kind::Array) return wrong();
        hh_.lists.emplace_back();
        std::vector<const Instance*>& list = hh_.lists.back();
        std::set<std::string> ids;
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
          std::string elem = path + "[" + (id && id->kind == JsonNode::Kind::String ? id->text : std::to_string(i)) + "]";
          if (item.kind != JsonNode::Kind::Object) {
            fail(elem, "expected an object (" + rs_.entities[t.ref].name + "), found " + describe(item));
            continue;
          }
          if (id && id->kind == JsonNode::Kind::String && !ids.insert(id->text).second)
            fail(elem, "the id \"" + id->text + "\" is used twice in " + path);
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
      fail(fpath, "expected an 18-character resident identity number, found \"" + v.text() + "\"");
      return;
    }
    char want = id_number_check_char(id.substr(0, 17));
    if (id[17] != want) {
      fail(fpath, std::string("the check character of \"") + v.text() + "\" should be '" + want + "' (GB 11643-1999): the number is mistyped");
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
          fail(join(path, "sex"), "the identity number " + id + " is a " + sexes.values[from_id] + "'s (odd sequence code: male, even: female), but sex is \"" +
                                      sexes.values[inst.fields[sx].scalar] + "\"");
        }
      }
    }
    int b = ent.find_field("birth_date");
    if (b >= 0 && hh_.instances[inst_index].present[b]) {
      Date birth{hh_.instances[inst_index].fields[b].scalar};
      std::string in_id = id.substr(6, 4) + "-" + id.substr(10, 2) + "-" + id.substr(12, 2);
      if (in_id != birth.to_string())
        fail(fpath, "the birth date in the identity number (" + in_id + ") differs from birth_date (" + birth.to_string() + ")");
    }
  }

  static std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }
  static std::string describe(const JsonNode& v) {
    switch (v.kind) {
      case JsonNode::Kind::String: return "\"" + v.text + "\"";
      case JsonNode::Kind::Number: return v.text;
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
      label = "\"" + id->text + "\" (" + record_label + ")";
  Loader loader(rs, out, errors, label, options);
  loader.load_root(record);
  if (errors.size() == before && !out.instances.empty()) {
    out.id = out.instances.front().id;
    int r = rs.entities[rs.root_entity].find_field("region");
    if (r >= 0 && out.instances.front().present[r] && out.instances.front().fields[r].tag == Value::Tag::Text) {
      out.region = out.instances.front().fields[r].text();
      std::size_t n = out.region.size();
      if (out.region.find_first_not_of("0123456789") != std::string::npos || (n != 6 && n != 9 && n != 12)) {
        errors.push_back({label, "region", "expected a 6-digit county code or a 9/12-digit township code, found \"" + out.region + "\""});
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
                          near.empty() ? "region " + out.region + " is outside the regions these rules serve (" + served + ")"
                                       : "region " + out.region + " is not a known township of " + near +
                                             "; use one of its declared codes or the county code"});
      }
    }
  }
  return errors.size() == before;
}

}  // namespace entitle
