// amendments.cpp — Service: a county office enters a new standard value as an amendment (rule text it adds to the
// rule set), previews its impact on every household before adopting it, and adopts it.
#include "engine/base/sha256.hpp"
#include "engine/casework/batch.hpp"
#include "engine/casework/diff.hpp"
#include "engine/explain/render.hpp"
#include "engine/service/request_record.hpp"
#include "engine/service/service.hpp"

namespace entitle {
namespace {

std::string text_field(const JsonNode& body, const char* key, bool required) {
  const JsonNode* v = body.find(key);
  if (!v || v->kind == JsonNode::Kind::Null) {
    if (required) throw ServiceError(400, "bad_request", std::string("缺少 ") + key, key);
    return "";
  }
  if (v->kind != JsonNode::Kind::String && v->kind != JsonNode::Kind::Number)
    throw ServiceError(400, "bad_request", std::string(key) + " 应为文字", key);
  return v->text;
}

Json amendment_json(const Amendment& a) {
  return Json{{"id", a.id}, {"standard", a.standard}, {"region", a.region}, {"key", a.key}, {"from", a.valid_from}, {"value", a.value},
              {"cite", a.cite}, {"source", a.source}, {"status", a.status}, {"entered_by", a.entered_by}, {"entered_at", a.entered_at},
              {"adopted_by", a.adopted_by}, {"adopted_at", a.adopted_at}, {"preview_run", a.preview_run}, {"base_run", a.base_run}};
}

}  // namespace

Json Service::amendments() {
  Json out = Json::array();
  for (const Amendment& a : storage().casework().amendments()) out.push_back(amendment_json(a));
  return out;
}

Json Service::amend(const Principal& p, const std::string& body_text) {
  JsonNode body = parse_request_json(body_text);
  if (body.kind != JsonNode::Kind::Object) throw ServiceError(400, "bad_request", "请求应为 JSON 对象");
  Amendment a;
  a.standard = text_field(body, "standard", true);
  a.region = text_field(body, "region", true);
  a.key = text_field(body, "key", false);
  a.valid_from = text_field(body, "from", true);
  a.value = text_field(body, "value", true);
  a.cite = text_field(body, "cite", true);
  a.entered_by = p.user;
  auto loaded = rules();
  const ir::RuleSet& rs = *loaded->rules;
  const ir::Standard* st = nullptr;
  for (const auto& s : rs.standards)
    if (s.name == a.standard) st = &s;
  if (!st) throw ServiceError(400, "bad_request", "没有名为 " + a.standard + " 的标准", "standard");
  if (a.region != "all" && rs.region_name(a.region).empty())
    throw ServiceError(400, "bad_request", "区划代码 " + a.region + " 不在规则的服务区划内", "region");
  if (st->key_enum >= 0 && rs.enums[st->key_enum].find(a.key) < 0)
    throw ServiceError(400, "bad_request", "标准「" + st->label + "」按" + rs.enums[st->key_enum].label + "区分，key 应为其中之一", "key");
  if (st->key_enum < 0 && !a.key.empty()) throw ServiceError(400, "bad_request", "标准「" + st->label + "」不分类别，不应给出 key", "key");
  auto from = Date::parse(a.valid_from);
  if (!from) throw ServiceError(400, "bad_request", "生效日期应为 YYYY-MM-DD", "from");
  auto value = Rational::parse_decimal(a.value);
  if (!value || value->sign() < 0) throw ServiceError(400, "bad_request", "标准值应为不小于 0 的数 (至多两位小数)，收到 '" + a.value.substr(0, 40) + "'", "value");
  if (a.cite.find_first_of("\"\n\r") != std::string::npos || a.cite.size() > 500)
    throw ServiceError(400, "bad_request", "依据 (cite) 应为一行文字，不含双引号", "cite");
  a.source = "# 县级民政部门录入的标准调整 (由 " + p.user + " 录入)\namend standard " + a.standard + " cite \"" + a.cite + "\" {\n  " +
             a.region + (a.key.empty() ? "" : " " + a.key) + ": from " + a.valid_from + " " + a.value + "  cite \"" + a.cite + "\"\n}\n";
  // The rule set with every adopted amendment and this one must check cleanly.
  CaseworkRepository& cases = storage().casework();
  std::vector<std::pair<std::string, std::string>> extra;
  for (const Amendment& old : cases.amendments())
    if (old.status == "adopted") extra.emplace_back("amendments/" + std::to_string(old.id) + ".rules", old.source);
  extra.emplace_back("amendments/draft.rules", a.source);
  auto amended = load_with_amendments(extra);
  if (!amended->rules)
    throw ServiceError(400, "bad_request", "调整后的规则有错误:\n" + render_diagnostics(amended->sources, amended->diagnostics.sorted()));
  std::string period = text_field(body, "period", false);
  Month month = period.empty() ? Month::of(*from) : request_month(body, "period");
  {
    std::lock_guard<std::mutex> lock(batch_mutex_);
    if (batch_ && batch_->state == "running")
      throw ServiceError(409, "busy", batch_->kind == "preview" ? "正在预览另一项标准调整的影响，请在其结束后再录入"
                                                                : "批量运行正在进行，请在其结束后再录入标准调整");
  }
  // Taken before the amendment is stored, so a batch or import of another process refuses it before anything is written.
  BatchLock held = lock_for_job("preview", month.to_string() + ".." + month.to_string(), p.user);
  std::int64_t id = cases.add_amendment(a);
  // Re-load under the amendment's own name, so the preview's rule set is the one adoption will produce.
  extra.back().first = "amendments/" + std::to_string(id) + ".rules";
  amended = load_with_amendments(extra);
  audit_append(p.user, "amendment_enter", "amendment:" + std::to_string(id), "", sha256_hex(a.source),
               Json{{"standard", a.standard}, {"region", a.region}, {"key", a.key}, {"from", a.valid_from}, {"value", a.value}});
  // Preview, in the background: every household decided under the amended rules for the month it takes effect,
  // against the decision of record for that month (or, when none is approved, a preview run of the rules in force).
  auto job = std::make_unique<BatchJob>();
  job->kind = "preview";
  job->amendment = id;
  job->user = p.user;
  job->period_from = job->period_to = month.to_string();
  BatchOptions o;
  o.from = o.to = month;
  o.kind = "preview";
  o.cancel = &job->cancel;
  start_job(std::move(job), std::move(held), [loaded, amended, o, id](Storage& conn, BatchJob& j) {
    auto progress = [&j](std::int64_t done, std::int64_t total) {
      j.done = done;
      j.total = total;
    };
    BatchOptions locked = o;
    locked.lock = &*j.lock;
    RunRepository& runs = conn.runs();
    std::int64_t base = 0;
    if (auto approved = runs.approved_for(o.from.to_string())) base = approved->id;
    if (!base) base = run_batch(conn, *loaded, locked, progress).run.id;
    if (j.cancel) return;
    BatchSummary preview = run_batch(conn, *amended, locked, progress);
    if (preview.interrupted) return;
    j.run = preview.run.id;
    conn.casework().set_amendment_preview(id, preview.run.id, base);
  });
  Json out = amendment_json(*cases.amendment(id));
  out["preview"] = "running";
  return out;
}

Json Service::amendment(std::int64_t id) {
  auto a = storage().casework().amendment(id);
  if (!a) throw ServiceError(404, "not_found", "没有第 " + std::to_string(id) + " 号标准调整");
  Json out = amendment_json(*a);
  std::string state;
  {
    std::lock_guard<std::mutex> lock(batch_mutex_);
    if (batch_ && batch_->kind == "preview" && batch_->amendment == id && batch_->state != "done") state = batch_->state;
  }
  if (a->preview_run) {
    out["preview"] = "done";
    out["impact"] = impact(a->preview_run, a->base_run);
  } else if (state == "running") {
    out["preview"] = "running";
  } else {
    out["preview"] = "failed";
    out["preview_error"] = "影响预览未完成 (服务器停止或出错)；请重新录入";
  }
  return out;
}

Json Service::adopt(const Principal& p, std::int64_t id) {
  CaseworkRepository& cases = storage().casework();
  auto a = cases.amendment(id);
  if (!a) throw ServiceError(404, "not_found", "没有第 " + std::to_string(id) + " 号标准调整");
  if (a->status != "draft") throw ServiceError(409, "conflict", "第 " + std::to_string(id) + " 号标准调整已经采用");
  std::vector<std::pair<std::string, std::string>> extra;
  for (const Amendment& old : cases.amendments())
    if (old.status == "adopted" || old.id == id) extra.emplace_back("amendments/" + std::to_string(old.id) + ".rules", old.source);
  auto amended = load_with_amendments(extra);
  if (!amended->rules)
    throw ServiceError(409, "conflict", "与已采用的调整合并后规则有错误:\n" + render_diagnostics(amended->sources, amended->diagnostics.sorted()));
  std::string before = rules()->rules->hash;
  if (!cases.adopt_amendment(id, p.user)) throw ServiceError(409, "conflict", "第 " + std::to_string(id) + " 号标准调整已经采用");
  {
    std::lock_guard<std::mutex> lock(rules_mutex_);
    rules_ = amended;
  }
  audit_append(p.user, "amendment_adopt", "amendment:" + std::to_string(id), before, amended->rules->hash,
               Json{{"standard", a->standard}, {"from", a->valid_from}, {"value", a->value}});
  Json out = amendment_json(*cases.amendment(id));
  out["ruleset"] = amended->rules->hash;
  return out;
}

}  // namespace entitle
