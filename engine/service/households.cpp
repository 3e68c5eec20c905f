// households.cpp — Service: the household list, records and their versions, decisions for a month, history.
#include <ctime>

#include "engine/base/sha256.hpp"
#include "engine/casework/importer.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/explain/render.hpp"
#include "engine/service/decision_json.hpp"
#include "engine/service/request_record.hpp"
#include "engine/service/service.hpp"

namespace entitle {
namespace {


}  // namespace

std::string Service::require_visible(const Principal& p, const std::string& id) {
  auto h = storage().households().get(id);
  if (!h) throw ServiceError(404, "not_found", "没有户编号为 " + id + " 的家庭");
  if (!may_see(p, h->township)) throw ServiceError(403, "forbidden", "家庭 " + id + " 不在您负责的乡镇范围内");
  return h->township;
}

Json Service::list_households(const Principal& p, const HouseholdListQuery& q) {
  HouseholdQuery hq;
  hq.text = q.q;
  hq.township = q.township;
  hq.limit = std::min(std::max(q.limit, 1), 500);
  hq.offset = std::max(q.offset, 0);
  if (p.role == Role::Caseworker) hq.scopes = p.townships;
  std::int64_t total = 0;
  auto r = rules();
  Json list = Json::array();
  for (const HouseholdListing& h : storage().households().search(hq, total))
    list.push_back(Json{{"id", h.id}, {"head_name", h.head_name}, {"head_id_number", h.head_id_number}, {"region", h.region},
                        {"township", h.township}, {"township_name", r->rules->region_name(h.township)}, {"members", h.members},
                        {"version", h.version}});
  return Json{{"total", total}, {"households", list}};
}

std::pair<std::string, int> Service::household(const Principal& p, const std::string& id) {
  require_visible(p, id);
  auto h = storage().households().get(id);
  return {h->record, h->version};
}

Json Service::put_household(const Principal& p, const std::string& id, const std::string& body, std::optional<int> if_match) {
  auto loaded = rules();
  const ir::RuleSet& rs = *loaded->rules;
  JsonNode record = parse_request_json(body);
  if (record.kind != JsonNode::Kind::Object) throw ServiceError(400, "invalid_record", "家庭记录应为 JSON 对象");
  const JsonNode* rid = record.find("id");
  if (!rid || rid->kind != JsonNode::Kind::String || rid->text != id)
    throw ServiceError(400, "invalid_record", "记录中的户编号 (id) 应与地址中的 " + id + " 相同", "id");
  canonicalise_enum_labels(rs, record);
  Household hh;
  LoadOptions options;
  options.not_after = today_utc();
  load_request_household(rs, record, options, hh);
  std::string township = township_of(hh.region);
  if (!may_see(p, township))
    throw ServiceError(403, "forbidden", "区划 " + hh.region + " 不在您负责的乡镇范围内", "region");
  const ir::EntityDef& root = rs.entities[rs.root_entity];
  int area_field = root.find_field("area");
  std::string area = area_field >= 0 && hh.root().present[area_field]
                         ? rs.enums[root.fields[area_field].type.ref].values[hh.root().fields[area_field].scalar]
                         : "";
  std::string text = to_json_text(record);
  Storage& d = storage();
  WriteTransaction tx = d.begin_write();
  HouseholdRepository& store = d.households();
  auto before = store.get(id);
  if (before && !may_see(p, before->township))
    throw ServiceError(403, "forbidden", "家庭 " + id + " 不在您负责的乡镇范围内");
  int current = before ? before->version : 0;
  if (if_match && *if_match != current)
    throw ServiceError(412, "precondition_failed",
                       "家庭 " + id + " 已被他人修改 (您编辑的是第 " + std::to_string(*if_match) + " 版，现为第 " + std::to_string(current) +
                           " 版)；请重新载入后再修改");
  auto put = store.put(id, hh.region, area, text, member_rows(rs, hh), 0, p.user);
  auto after = store.get(id);
  if (put != HouseholdRepository::Put::Unchanged)
    audit_append(p.user, "household_put", "household:" + id, before ? before->record_hash : "", after->record_hash,
                 Json{{"version", after->version}});
  tx.commit();
  return Json{{"id", id}, {"version", after->version}, {"record_hash", after->record_hash},
              {"changed", put != HouseholdRepository::Put::Unchanged}};
}

Json Service::household_versions(const Principal& p, const std::string& id) {
  require_visible(p, id);
  Json out = Json::array();
  for (const HouseholdVersion& v : storage().households().versions(id))
    out.push_back(Json{{"version", v.version}, {"record_hash", v.record_hash}, {"stored_by", v.stored_by}, {"stored_at", v.stored_at}});
  return out;
}

std::string Service::household_version(const Principal& p, const std::string& id, int version) {
  require_visible(p, id);
  auto r = storage().households().version_record(id, version);
  if (!r) throw ServiceError(404, "not_found", "家庭 " + id + " 没有第 " + std::to_string(version) + " 版");
  return *r;
}

std::unique_ptr<Service::StoredEvaluation> Service::evaluate_stored(const Principal& p, const std::string& id,
                                                                   const std::string& period) {
  auto month = Month::parse(period);
  if (!month) throw ServiceError(400, "bad_request", "月份应为 YYYY-MM，收到 '" + period.substr(0, 40) + "'", "period");
  auto h = storage().households().get(id);
  if (!h) throw ServiceError(404, "not_found", "没有户编号为 " + id + " 的家庭");
  if (!may_see(p, h->township)) throw ServiceError(403, "forbidden", "家庭 " + id + " 不在您负责的乡镇范围内");
  auto e = std::make_unique<StoredEvaluation>();
  e->rules = rules();
  e->stored = std::move(*h);
  e->month = *month;
  const ir::RuleSet& rs = *e->rules->rules;
  load_request_household(rs, parse_request_json(e->stored.record), LoadOptions::evaluating(*month), e->household);
  e->result = Evaluator(rs).evaluate(e->household, *month, true);
  return e;
}

Json Service::decide(const Principal& p, const std::string& id, const std::string& period) {
  auto e = evaluate_stored(p, id, period);
  const LoadedRules* loaded = e->rules.get();
  const ir::RuleSet& rs = *loaded->rules;
  const CurrentHousehold* h = &e->stored;
  const Month* month = &e->month;
  std::string result = render_result_json(rs, loaded->sources, e->result, true, &e->household);
  CaseDecision d;
  d.household = id;
  d.period = month->to_string();
  d.ruleset = rs.hash;
  d.record_hash = h->record_hash;
  d.record_version = h->version;
  d.result = result;
  d.decided_by = p.user;
  std::int64_t decision_id = storage().casework().add_decision(d);
  audit_append(p.user, "decide", "household:" + id, h->record_hash, sha256_hex(result),
               Json{{"period", d.period}, {"decision", decision_id}, {"ruleset", rs.hash}, {"record_version", h->version}});
  return Json{{"decision_id", decision_id}, {"record_version", h->version}, {"record_hash", h->record_hash},
              {"result", Json::parse(result)}};
}

Json Service::decisions(const Principal& p, const std::string& id) {
  require_visible(p, id);
  Storage& d = storage();
  RunRepository& runs = d.runs();
  auto loaded = rules();
  std::map<std::string, int> version_of;  // record hash → version
  for (const HouseholdVersion& v : d.households().versions(id)) version_of[v.record_hash] = v.version;
  Json out = Json::array();
  for (const RunInfo& run : runs.runs_of_household(id)) {
    auto finished = runs.household_in_run(run.id, id);
    auto from = Month::parse(run.period_from), to = Month::parse(run.period_to);
    for (Month m = *from; !(*to < m); m = Month{m.index + 1}) {
      Json programs = Json::array();
      for (const StoredDecision& sd : runs.decisions_of(run.id, id, m.to_string())) {
        Json j = stored_decision_json(sd);
        for (const auto& p : loaded->rules->programs)
          if (p.name == sd.program) j["label"] = p.label;
        programs.push_back(j);
      }
      std::string hash = finished ? finished->first : "";
      out.push_back(Json{{"period", m.to_string()}, {"source", "run"}, {"run", run.id}, {"ruleset", run.ruleset},
                         {"record_hash", hash},
                         {"record_version", version_of.count(hash) ? version_of[hash] : 0}, {"error", finished ? finished->second : ""},
                         {"approved", !run.approved_by.empty()}, {"approved_by", run.approved_by}, {"approved_at", run.approved_at},
                         {"at", run.finished.empty() ? run.started : run.finished}, {"programs", programs}});
    }
  }
  for (const CaseDecision& c : d.casework().decisions_of(id, true)) {
    Json programs = Json::array();
    // The stored result as the service wrote it (render_result_json); anything else is a damaged row, said as such
    // rather than as a JSON library's error.
    Json result = Json::parse(c.result, nullptr, false);
    auto damaged = [&](const std::string& what) {
      return d.damaged("case_decisions", "(id " + std::to_string(c.id) + ")", "result", "a decision's result with its entitlements", what);
    };
    if (!result.is_object() || !result.contains("entitlements") || !result["entitlements"].is_array()) throw damaged("'" + c.result + "'");
    for (const Json& e : result["entitlements"]) {
      if (!e.is_object()) throw damaged("an entitlement " + e.dump(-1, ' ', false, Json::error_handler_t::replace));
      auto text = [&](const char* key) -> std::string {
        auto it = e.find(key);
        if (it == e.end()) return "";
        if (!it->is_string()) throw damaged(std::string("an entitlement whose ") + key + " is not text");
        return it->get<std::string>();
      };
      Json j{{"program", text("program")}, {"label", text("label")}, {"decision", text("decision")}, {"per", text("per")}};
      if (e.contains("amount")) {
        if (!e["amount"].is_string() && !e["amount"].is_null()) throw damaged("an entitlement whose amount is not an amount or null");
        j["amount"] = e["amount"];
      }
      programs.push_back(j);
    }
    out.push_back(Json{{"period", c.period}, {"source", "casework"}, {"decision_id", c.id}, {"ruleset", c.ruleset},
                       {"record_hash", c.record_hash}, {"record_version", c.record_version}, {"approved", false},
                       {"by", c.decided_by}, {"at", c.decided_at}, {"programs", programs}});
  }
  return out;
}

}  // namespace entitle
