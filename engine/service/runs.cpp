// runs.cpp — Service: batch runs in the background with progress, impact reports, approval (the decision of
// record), the review list, standard amendments with an impact preview, replay.
#include <spdlog/spdlog.h>

#include "engine/base/sha256.hpp"
#include "engine/casework/batch.hpp"
#include "engine/casework/diff.hpp"
#include "engine/casework/replay.hpp"
#include "engine/explain/render.hpp"
#include "engine/service/decision_json.hpp"
#include "engine/service/service.hpp"

namespace entitle {
namespace {

Json run_json(const RunInfo& r) {
  return Json{{"id", r.id}, {"kind", r.kind}, {"ruleset", r.ruleset}, {"period_from", r.period_from}, {"period_to", r.period_to},
              {"status", r.status}, {"households", r.households}, {"bad_records", r.bad_records}, {"started", r.started},
              {"finished", r.finished}, {"approved_by", r.approved_by}, {"approved_at", r.approved_at}};
}

Json stale_json(const StaleValue& s) {
  return Json{{"standard", s.standard}, {"label", s.label}, {"region", s.region}, {"key", s.key}, {"from", s.from}, {"citation", s.cite}};
}

Json review_json(const ReviewCase& c, const std::map<std::string, std::string>& township_names) {
  Json stale = Json::array();
  for (const StaleValue& s : c.stale) stale.push_back(stale_json(s));
  auto name = township_names.find(c.township);
  return Json{{"household", c.household}, {"township", c.township},
              {"township_name", name == township_names.end() ? "" : name->second}, {"program", c.program},
              {"decision", decision_kind_name(c.kind)},
              {"amount", c.amount}, {"per", c.per}, {"reasons", c.reasons}, {"stale", stale}};
}

Json counts_json(const ChangeCounts& c) {
  return Json{{"newly_eligible", c.count[0]}, {"no_longer_eligible", c.count[1]}, {"increased", c.count[2]}, {"decreased", c.count[3]},
              {"unchanged", c.count[4]}, {"undetermined", c.count[5]}, {"delta", c.delta.to_fixed(2)},
              {"annual_delta", money_text(c.annual_delta)}, {"once_delta", c.once_delta.to_fixed(2)}};
}

const char* change_code(Change c) {
  switch (c) {
    case Change::NewlyEligible: return "newly_eligible";
    case Change::NoLongerEligible: return "no_longer_eligible";
    case Change::Increased: return "increased";
    case Change::Decreased: return "decreased";
    case Change::Unchanged: return "unchanged";
    case Change::Undetermined: return "undetermined";
  }
  return "";
}

Json diff_json(const DiffReport& r, std::size_t max_rows) {
  Json programs = Json::array();
  for (const std::string& name : r.program_order) {
    auto it = r.programs.find(name);
    if (it == r.programs.end()) continue;
    const ProgramSummary& p = it->second;
    programs.push_back(Json{{"program", p.program}, {"label", p.label}, {"per", p.per}, {"changes", counts_json(p.changes)},
                            {"before", p.before.to_fixed(2)}, {"after", p.after.to_fixed(2)}, {"paid_before", p.paid_before},
                            {"paid_after", p.paid_after}, {"undetermined_before", p.undetermined_before},
                            {"undetermined_after", p.undetermined_after}, {"review_after", p.review_after},
                            {"provisional_after", p.provisional_after}});
  }
  Json standards = Json::array();
  for (const ChangedStandard& s : r.changed_standards)
    standards.push_back(Json{{"standard", s.standard}, {"label", s.label}, {"region", s.region}, {"key", s.key}, {"old_value", s.old_value},
                             {"old_from", s.old_from}, {"new_value", s.new_value}, {"new_from", s.new_from}, {"citation", s.cite}});
  Json changes = Json::array(), losers = Json::array();
  std::size_t n_losers = 0;
  for (const ChangedHousehold& c : r.changes) {
    Json j{{"household", c.household}, {"township", c.township}, {"township_name", r.township_names.count(c.township) ? r.township_names.at(c.township) : ""},
           {"program", c.program}, {"change", change_code(c.change)}, {"change_label", change_label(c.change)}, {"per", c.per},
           {"old_amount", c.old_amount}, {"new_amount", c.new_amount}, {"delta", c.delta}, {"annual_delta", c.annual_delta},
           {"reasons", c.reasons}, {"review", c.review}, {"provisional", c.provisional}, {"offset", c.offset}};
    bool loses = (c.change == Change::Decreased || c.change == Change::NoLongerEligible) && !c.offset;
    if (loses) {
      ++n_losers;
      if (losers.size() < max_rows) losers.push_back(j);
    }
    if (changes.size() < max_rows) changes.push_back(std::move(j));
  }
  Json towns = Json::object();
  for (const auto& [t, progs] : r.by_township) {
    Json tj = Json::object();
    for (const auto& [p, c] : progs) tj[p] = counts_json(c);
    towns[t] = Json{{"name", r.township_names.count(t) ? r.township_names.at(t) : ""}, {"programs", tj}};
  }
  Json review = Json::array();
  for (const ReviewCase& c : r.review)
    if (review.size() < max_rows) review.push_back(review_json(c, r.township_names));
  return Json{{"from_run", r.from_run}, {"to_run", r.to_run}, {"from_period", r.from_period}, {"to_period", r.to_period},
              {"from_ruleset", r.from_ruleset}, {"to_ruleset", r.to_ruleset}, {"households_compared", r.households_compared},
              {"records_changed", r.records_changed}, {"monthly_before", money_text(r.monthly_before())},
              {"monthly_after", money_text(r.monthly_after())}, {"monthly_delta", signed_money(r.monthly_after() - r.monthly_before())},
              {"annual_before", money_text(r.annual_before)}, {"annual_after", money_text(r.annual_after)},
              {"annual_delta", signed_money(r.annual_after - r.annual_before)}, {"programs", programs},
              {"changed_standards", standards}, {"by_township", towns}, {"changes_total", r.changes.size()}, {"changes", changes},
              {"losers_total", n_losers}, {"losers", losers}, {"review_total", r.review.size()}, {"review", review},
              {"provisional_total", r.provisional.size()}};
}

}  // namespace

Json Service::runs() {
  Json out = Json::array();
  RunRepository& store = storage().runs();
  auto list = store.list();
  for (auto it = list.rbegin(); it != list.rend(); ++it) {
    Json j = run_json(*it);
    // The decision of record for its months: approved, and no run approved later covers its last month.
    auto latest = it->approved_by.empty() ? std::nullopt : store.approved_for(it->period_to);
    j["of_record"] = latest && latest->id == it->id;
    out.push_back(j);
  }
  return out;
}

Json Service::run(std::int64_t id) {
  RunRepository& store = storage().runs();
  auto r = store.get(id);
  if (!r) throw ServiceError(404, "not_found", "没有第 " + std::to_string(id) + " 次运行");
  BatchSummary s = summarize_run(storage(), id, r->period_to);
  auto loaded = rules();
  Json programs = Json::array();
  for (const auto& [name, t] : s.programs) {
    std::string label;
    for (const auto& p : loaded->rules->programs)
      if (p.name == name) label = p.label;
    programs.push_back(Json{{"program", name}, {"label", label}, {"granted", t.granted}, {"amount", t.amount.to_fixed(2)}, {"per", t.per},
                            {"undetermined", t.undetermined}, {"amount_unknown", t.amount_unknown}, {"excluded", t.excluded},
                            {"choice_needed", t.choice_needed}, {"review", t.review}, {"provisional", t.provisional}});
  }
  Json j = run_json(*r);
  j["period"] = s.period;
  j["programs"] = programs;
  j["errors"] = store.error_examples(id, 20);
  return j;
}

BatchLock Service::lock_for_job(const std::string& kind, const std::string& detail, const std::string& user) {
  BatchLockHolder other;
  auto lock = storage().try_lock_batch("", BatchLockHolder::this_process(kind, detail, user), &other);
  if (!lock) throw ServiceError(409, "busy", BatchBusy(db_path_, other).what());
  return std::move(*lock);
}

void Service::start_job(std::unique_ptr<BatchJob> job, BatchLock held, std::function<void(Storage&, BatchJob&)> work) {
  std::lock_guard<std::mutex> lock(batch_mutex_);
  if (batch_ && batch_->state == "running")
    throw ServiceError(409, "busy", batch_->kind == "preview" ? "正在预览一项标准调整的影响，请等待其结束" : "已有一次批量运行正在进行，请等待其结束");
  if (batch_ && batch_->thread.joinable()) batch_->thread.join();
  batch_ = std::move(job);
  BatchJob* j = batch_.get();
  j->state = "running";
  j->lock.emplace(std::move(held));
  j->thread = std::thread([this, j, work] {
    std::string state = "done", error;
    try {
      auto conn = open_storage(db_path_);  // the job's own connection
      conn->ledger().set_actor("web:" + j->user);
      work(*conn, *j);
      if (j->cancel) state = "stopped";
    } catch (const std::exception& ex) {
      spdlog::error("{} failed: {}", j->kind, ex.what());
      state = "failed";
      error = j->kind == "preview" ? "影响预览失败，详情见服务器日志" : "批量运行失败，详情见服务器日志";
    }
    j->lock.reset();  // released before the job says it has ended, so whoever sees that can start the next
    std::lock_guard<std::mutex> l(batch_mutex_);
    j->state = state;
    j->error = error;
  });
}

Json Service::start_batch(const Principal& p, const std::string& from, const std::string& to) {
  auto m_from = Month::parse(from), m_to = Month::parse(to.empty() ? from : to);
  if (!m_from) throw ServiceError(400, "bad_request", "起始月份应为 YYYY-MM，收到 '" + from.substr(0, 40) + "'", "period");
  if (!m_to || *m_to < *m_from) throw ServiceError(400, "bad_request", "结束月份应为 YYYY-MM，且不早于起始月份", "to");
  auto job = std::make_unique<BatchJob>();
  job->user = p.user;
  job->period_from = m_from->to_string();
  job->period_to = m_to->to_string();
  auto loaded = rules();
  BatchOptions o;
  o.from = *m_from;
  o.to = *m_to;
  o.cancel = &job->cancel;
  std::string user = p.user;
  BatchLock held = lock_for_job("batch", job->period_from + ".." + job->period_to, p.user);
  start_job(std::move(job), std::move(held), [loaded, o, user](Storage& conn, BatchJob& j) {
    BatchOptions locked = o;
    locked.lock = &*j.lock;
    BatchSummary s = run_batch(conn, *loaded, locked, [&j](std::int64_t done, std::int64_t total) {
      j.done = done;
      j.total = total;
    });
    j.run = s.run.id;
    AuditEntry e;
    e.user = user;
    e.action = s.interrupted ? "batch_stopped" : "batch_finish";
    e.target = "run:" + std::to_string(s.run.id);
    e.detail = Json{{"households", s.households}, {"bad_records", s.bad_records}, {"ruleset", s.run.ruleset}}.dump();
    conn.audit().append(e);
  });
  audit_append(p.user, "batch_start", "batch", "", "", Json{{"period", m_from->to_string()}, {"to", m_to->to_string()}});
  return Json{{"job", "batch"}, {"state", "running"}, {"period", m_from->to_string()}, {"to", m_to->to_string()}};
}

Json Service::batch_status() {
  std::lock_guard<std::mutex> lock(batch_mutex_);
  if (!batch_) return Json{{"state", "idle"}, {"done", 0}, {"total", 0}, {"run", nullptr}, {"error", ""}};
  Json j{{"state", batch_->state}, {"kind", batch_->kind}, {"done", batch_->done.load()}, {"total", batch_->total.load()},
         {"period", batch_->period_from}, {"to", batch_->period_to}, {"user", batch_->user}, {"error", batch_->error}};
  if (batch_->kind == "preview") j["amendment"] = batch_->amendment;
  j["run"] = batch_->run.load() ? Json(batch_->run.load()) : Json(nullptr);
  return j;
}

void Service::shutdown() {
  std::unique_lock<std::mutex> lock(batch_mutex_);
  if (!batch_) return;
  batch_->cancel = true;
  lock.unlock();
  if (batch_->thread.joinable()) batch_->thread.join();
}

Json Service::impact(std::int64_t to, std::int64_t from) {
  RunRepository& store = storage().runs();
  auto later = store.get(to);
  if (!later) throw ServiceError(404, "not_found", "没有第 " + std::to_string(to) + " 次运行");
  if (from == 0) {  // against the latest approved run before it, else the run before it
    auto approved = store.approved_for(later->period_to);
    if (approved && approved->id != to) from = approved->id;
    else
      for (const RunInfo& r : store.list())
        if (r.id < to && r.kind == "batch") from = r.id;
  }
  if (from == 0 || !store.get(from)) throw ServiceError(404, "not_found", "没有可比较的较早运行 (from)", "from");
  return diff_json(diff_runs(storage(), from, to), 2000);
}

Json Service::review(std::int64_t run) {
  RunRepository& store = storage().runs();
  auto r = store.get(run);
  if (!r) throw ServiceError(404, "not_found", "没有第 " + std::to_string(run) + " 次运行");
  // The review list is the later side of a comparison with the run itself: every decision with review reasons or
  // stale standard values.
  DiffReport d = diff_runs(storage(), run, run);
  Json review = Json::array(), provisional = Json::array();
  for (const ReviewCase& c : d.review) review.push_back(review_json(c, d.township_names));
  for (const ReviewCase& c : d.provisional)
    if (provisional.size() < 2000) provisional.push_back(review_json(c, d.township_names));
  return Json{{"run", run}, {"period", d.to_period}, {"review", review}, {"provisional_total", d.provisional.size()},
              {"provisional", provisional}};
}

Json Service::approve(const Principal& p, std::int64_t run) {
  RunRepository& store = storage().runs();
  auto r = store.get(run);
  if (!r) throw ServiceError(404, "not_found", "没有第 " + std::to_string(run) + " 次运行");
  if (r->kind != "batch") throw ServiceError(409, "conflict", "第 " + std::to_string(run) + " 次运行是调标预览，不能发布");
  if (r->status != "complete") throw ServiceError(409, "conflict", "第 " + std::to_string(run) + " 次运行尚未完成，不能发布");
  if (!r->approved_by.empty())
    throw ServiceError(409, "conflict", "第 " + std::to_string(run) + " 次运行已由 " + r->approved_by + " 于 " + r->approved_at + " 发布");
  if (!store.approve(run, p.user)) throw ServiceError(409, "conflict", "第 " + std::to_string(run) + " 次运行不能发布");
  audit_append(p.user, "approve_run", "run:" + std::to_string(run), "", r->ruleset,
               Json{{"period_from", r->period_from}, {"period_to", r->period_to}, {"households", r->households}});
  return run_json(*store.get(run));
}

Json Service::replay(std::int64_t run, const std::string& household, const std::string& period) {
  Replay r;
  try {
    r = replay_decision(storage(), run, household, period);
  } catch (const StorageError& e) {
    throw ServiceError(404, "not_found", std::string("无法重放: ") + e.what());
  }
  const ir::RuleSet& rs = *r.rules->rules;
  Json stored = Json::array();
  for (const StoredDecision& d : storage().runs().decisions_of(run, household, period)) {
    Json j = stored_decision_json(d);
    for (const auto& p : rs.programs)
      if (p.name == d.program) j["label"] = p.label;
    stored.push_back(j);
  }
  std::string record_hash = sha256_hex(r.record);
  int record_version = 0;
  for (const HouseholdVersion& v : storage().households().versions(household))
    if (v.record_hash == record_hash) record_version = v.version;
  Json audit_entries = audit("household:" + household, "", 0, 200);
  for (const Json& e : audit("run:" + std::to_string(run), "", 0, 50)) audit_entries.push_back(e);
  // The rule texts the decision rests on: every rule of the explanation, with its location and citation.
  Json result = Json::parse(render_result_json(rs, r.rules->sources, r.result, true, &r.household));
  return Json{{"run", run}, {"household", household}, {"period", period}, {"ruleset", rs.hash},
              {"verdict", r.differences.empty() ? "same" : "differs"}, {"differences", r.differences},
              {"record_hash", record_hash}, {"record_version", record_version}, {"record", Json::parse(r.record, nullptr, false)}, {"stored", stored},
              {"result", result}, {"audit", audit_entries}};
}

}  // namespace entitle
