// evaluate.cpp — Service: calculate and explain a household sent in a request; the schema the form is built from;
// the standards and the catalogue.
#include <ctime>

#include "engine/base/json_tree.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/eval/household.hpp"
#include "engine/explain/catalogue.hpp"
#include "engine/explain/render.hpp"
#include "engine/service/request_record.hpp"
#include "engine/service/service.hpp"

namespace entitle {

std::string Service::calculate(const std::string& body, bool explain) {
  auto loaded = rules();
  const ir::RuleSet& rs = *loaded->rules;
  JsonNode request = parse_request_json(body);
  if (request.kind != JsonNode::Kind::Object) throw ServiceError(400, "bad_request", "请求应为 JSON 对象 {\"household\": …, \"period\": \"YYYY-MM\"}");
  Month month = request_month(request, "period");
  const JsonNode* record = request.find("household");
  if (!record) throw ServiceError(400, "bad_request", "缺少 household (家庭记录)", "household");
  Household hh;
  load_request_household(rs, *record, LoadOptions::evaluating(month), hh);
  Evaluator ev(rs);
  HouseholdResult r = ev.evaluate(hh, month, explain);
  return render_result_json(rs, loaded->sources, r, explain, &hh);
}

Json Service::schema() {
  auto loaded = rules();
  const ir::RuleSet& rs = *loaded->rules;
  auto type_json = [&](const ir::Type& t) {
    Json j;
    switch (t.kind) {
      case ir::TypeKind::Bool: j["type"] = "bool"; break;
      case ir::TypeKind::Integer: j["type"] = "integer"; break;
      case ir::TypeKind::Decimal: j["type"] = "decimal"; break;
      case ir::TypeKind::Money: j["type"] = "money"; break;
      case ir::TypeKind::Text: j["type"] = "text"; break;
      case ir::TypeKind::Date: j["type"] = "date"; break;
      case ir::TypeKind::Month: j["type"] = "month"; break;
      case ir::TypeKind::Enum: j["type"] = "enum"; j["enum"] = rs.enums[t.ref].name; break;
      case ir::TypeKind::Entity: j["type"] = "entity"; j["entity"] = rs.entities[t.ref].name; break;
      case ir::TypeKind::List: j["type"] = "list"; j["entity"] = rs.entities[t.ref].name; break;
      default: j["type"] = "other"; break;
    }
    return j;
  };
  Json entities = Json::object();
  for (const ir::EntityDef& e : rs.entities) {
    Json fields = Json::array();
    for (const ir::FieldDef& f : e.fields) {
      Json j{{"name", f.name}, {"label", f.label.empty() ? f.name : f.label}};
      j.update(type_json(f.type));
      j["optional"] = f.optional;
      if (f.default_expr >= 0) j["default"] = std::string(loaded->sources.slice(rs.nodes[f.default_expr].span));
      if (f.min) j["min"] = f.min->to_string();
      if (f.max) j["max"] = f.max->to_string();
      fields.push_back(j);
    }
    entities[e.name] = Json{{"label", e.label.empty() ? e.name : e.label}, {"fields", fields}};
  }
  Json enums = Json::object();
  for (const ir::EnumDef& e : rs.enums) {
    Json values = Json::array();
    for (std::size_t i = 0; i < e.values.size(); ++i)
      values.push_back(Json{{"value", e.values[i]}, {"label", e.value_labels[i].empty() ? e.values[i] : e.value_labels[i]}});
    enums[e.name] = Json{{"label", e.label}, {"values", values}};
  }
  Json regions = Json::array();
  for (const ir::RegionDef& r : rs.regions) {
    const char* level = r.code.size() == 2 ? "province" : r.code.size() == 4 ? "prefecture" : r.code.size() == 6 ? "county" : "township";
    regions.push_back(Json{{"code", r.code}, {"name", r.name}, {"level", level}});
  }
  Json programs = Json::array();
  for (const ir::ProgramDef& p : rs.programs)
    programs.push_back(Json{{"name", p.name}, {"label", p.label}, {"per", ir::period_name(p.period)}, {"citation", p.cite},
                            {"level", p.entity == rs.root_entity ? "household" : "member"}});
  return Json{{"ruleset", rs.hash}, {"root", rs.entities[rs.root_entity].name}, {"entities", entities}, {"enums", enums},
              {"regions", regions}, {"programs", programs}};
}

Json Service::standards() {
  auto loaded = rules();
  const ir::RuleSet& rs = *loaded->rules;
  Date today = today_utc();
  Json out = Json::array();
  for (const ir::Standard& s : rs.standards) {
    Json rows = Json::array();
    for (const ir::StandardRow& row : s.rows) {
      Json values = Json::array();
      // The value in force today is the latest that has begun (a newer value ends the one before it), unless its
      // own `until` has passed — the choice the evaluator makes for a month.
      const ir::StandardValue* current = nullptr;
      for (const ir::StandardValue& v : row.values)
        if (!(today < v.from) && (!current || current->from < v.from)) current = &v;
      if (current && current->until && *current->until < today) current = nullptr;
      for (const ir::StandardValue& v : row.values) {
        Json j{{"from", v.from.to_string()}};
        if (v.until) j["until"] = v.until->to_string();
        if (v.expr >= 0) j["value"] = std::string(loaded->sources.slice(rs.nodes[v.expr].span)) + (v.given_per.empty() ? "" : " per " + v.given_per);
        else j["value"] = nullptr;  // declared unsourced: no number is invented
        j["citation"] = v.cite.empty() ? s.cite : v.cite;
        j["assumed_date"] = v.assumed_date;
        // In force today, and stale today by the same test the evaluator applies (older than its renewal, no
        // newer value): a decision for this month using it is provisional.
        bool in_force = &v == current;
        j["in_force_today"] = in_force;
        j["stale_today"] = in_force && v.expr >= 0 && s.renewal_months > 0 && !v.until && !(today < add_months(v.from, s.renewal_months));
        values.push_back(j);
      }
      std::string region = row.region.empty() ? "all" : row.region;
      rows.push_back(Json{{"region", region}, {"region_name", row.region.empty() ? "全部地区" : rs.region_name(row.region)},
                          {"key", row.key >= 0 ? rs.enums[s.key_enum].values[row.key] : ""},
                          {"key_label", row.key >= 0 ? rs.enums[s.key_enum].value_labels[row.key] : ""}, {"values", values}});
    }
    out.push_back(Json{{"standard", s.name}, {"label", s.label}, {"citation", s.cite}, {"per", ir::per_unit_name(s.per)},
                       {"renewal_months", s.renewal_months},
                       {"key_enum", s.key_enum >= 0 ? rs.enums[s.key_enum].name : ""}, {"rows", rows}});
  }
  return out;
}

std::string Service::catalogue_html() {
  auto loaded = rules();
  return build_catalogue(*loaded->rules, loaded->sources).html("社会救助规则目录");
}

}  // namespace entitle
