// batch.cpp — chunked, parallel evaluation with one write transaction per chunk.
#include "engine/casework/batch.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <thread>

#include "engine/base/json_fast.hpp"
#include "engine/eval/evaluator.hpp"

namespace entitle {
namespace {

using Clock = std::chrono::steady_clock;
// Elapsed seconds for the timing report (a duration, never an amount: double is fine here).
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }  // timing double

/// What one worker thread keeps from one household to the next: the parser, the record's tree, the household and
/// the evaluator's scratch memory.
struct Worker {
  FastJsonParser parser;
  JsonNode record;
  Household household;
  EvalScratch scratch;
};

/// One household, every month of the range: the decisions worth storing.
HouseholdOutcome evaluate_one(const ir::RuleSet& rs, const Evaluator& ev, Worker& w, const StoredHousehold& row, Month from,
                              Month to) {
  HouseholdOutcome out;
  out.household_id = row.id;
  out.input_hash = row.record_hash;
  std::string error;
  EvalScratch& scratch = w.scratch;
  Household& hh = w.household;
  std::vector<InputError> errors;
  if (!w.parser.parse(row.record, w.record, error)) {
    out.error = "stored record is not valid JSON: " + error;
    return out;
  }
  // Nobody born, and no payment begun, after the last month of the run (a birth inside a range of months is not
  // checked month by month).
  if (!load_household(rs, w.record, "household " + row.id, hh, errors, LoadOptions::evaluating(to))) {
    for (const auto& e : errors) out.error += (out.error.empty() ? "" : "; ") + e.to_string();
    return out;
  }
  for (Month m = from; !(to < m); m.index++) {
    HouseholdResult r = ev.evaluate(hh, m, false, nullptr, scratch);
    for (const EvalError& e : r.errors) out.error += (out.error.empty() ? "" : "; ") + m.to_string() + " " + e.program + ": " + e.message;
    for (const Entitlement& e : r.entitlements)
      if (worth_storing(e)) out.decisions.push_back(stored_decision(rs, e, m.to_string()));
  }
  return out;
}

}  // namespace

DecisionKind effective_kind(const Entitlement& e) {
  if (e.kind != DecisionKind::NotGranted) return e.kind;
  if (!e.eligible) return DecisionKind::Undetermined;
  if (*e.eligible) return e.missing.empty() ? DecisionKind::Granted : DecisionKind::AmountUndetermined;
  if (!e.excluded_by.empty()) return DecisionKind::Excluded;
  return DecisionKind::NotGranted;
}

bool worth_storing(const Entitlement& e) { return effective_kind(e) != DecisionKind::NotGranted || !e.review.empty(); }

StoredDecision stored_decision(const ir::RuleSet& rs, const Entitlement& e, const std::string& period) {
  StoredDecision d;
  d.period = period;
  d.program = rs.programs[e.program].name;
  d.per = ir::period_name(rs.programs[e.program].period);
  d.kind = effective_kind(e);
  if (d.kind == DecisionKind::Granted) d.amount = e.amount;
  if (d.kind == DecisionKind::ChoiceNeeded) {
    d.option_amount = e.option_amount;
    d.choice = e.choice;
    // A member-level program: the options are per person; the household's row names them all.
    for (const MemberDecision& m : e.member_decisions)
      for (const std::string& c : m.choice)
        if (std::find(d.choice.begin(), d.choice.end(), c) == d.choice.end()) d.choice.push_back(c);
  }
  d.members = e.members;
  d.missing = e.missing;
  d.review = e.review;
  d.stale = e.stale;
  d.exception = e.exception;
  d.excluded_by = e.excluded_by;
  return d;
}

std::optional<Rational> annual_amount(const Rational& amount, const std::string& per) {
  if (per == "month") return amount * Rational(12);
  if (per == "semester") return amount * Rational(2);
  if (per == "year") return amount;
  return std::nullopt;
}

/// The households of this worker's part: BatchOptions::township, or shard i of n as a range of ids cut by
/// split_points (an empty range when there are fewer households than shards).
static HouseholdScope household_scope(HouseholdRepository& households, const BatchOptions& o) {
  HouseholdScope scope;
  scope.township = o.township;
  if (o.shards > 1) {
    std::vector<std::string> cut = households.split_points(o.shards);
    std::size_t i = static_cast<std::size_t>(o.shard) - 1;  // 0-based: from cut[i − 1] up to cut[i]
    if (i > cut.size()) {
      scope.id_from = scope.id_to = "~";  // nothing
    } else {
      if (i > 0) scope.id_from = cut[i - 1];
      if (i < cut.size()) scope.id_to = cut[i];
    }
  }
  return scope;
}

std::string batch_lock_scope(const BatchOptions& o) {
  if (!o.township.empty()) return "township:" + o.township;
  if (o.shards > 1) return "shard:" + std::to_string(o.shard) + "/" + std::to_string(o.shards);
  return "";
}

/// run_batch with the database's batch lock held.
static BatchSummary run_batch_locked(Storage& db, const LoadedRules& rules, const BatchOptions& o, const BatchProgress& progress,
                                     BatchLock& lock) {
  const ir::RuleSet& rs = *rules.rules;
  db.rulesets().store(rules);
  RunRepository& runs = db.runs();
  HouseholdRepository& households = db.households();
  BatchSummary sum;
  std::string from = o.from.to_string(), to = o.to.to_string();
  HouseholdScope scope = household_scope(households, o);
  {
    // Found or created under the write lock: workers that start together on one database share one run.
    WriteTransaction tx = db.begin_write();
    if (auto unfinished = runs.find_unfinished(rs.hash, from, to, o.kind)) {
      sum.run = *unfinished;
      sum.resumed = true;
    } else {
      sum.run = runs.create(rs.hash, from, to, o.kind);
    }
    tx.commit();
  }
  lock.set_run(sum.run.id);
  // Progress: of the whole run, or, for one worker's part, of what was left of it when the worker started.
  std::int64_t total = 0, done = 0;
  if (scope.whole()) {
    total = static_cast<std::int64_t>(households.count());
    done = runs.done_count(sum.run.id);
  } else {
    total = static_cast<std::int64_t>(households.count(scope, sum.run.id));
  }
  unsigned threads = o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  Evaluator ev(rs);
  std::vector<Worker> workers(threads);
  long chunks = 0;
  if (progress) progress(done, total);
  // Writing chunk k−1 overlaps evaluating chunk k: the main thread writes, then joins the evaluation.
  std::vector<HouseholdOutcome> pending;
  auto write_pending = [&]() {
    if (pending.empty()) return;
    auto t_write = Clock::now();
    runs.write(sum.run.id, pending);
    sum.write_seconds += seconds_since(t_write);
    done += static_cast<std::int64_t>(pending.size());
    pending.clear();
    if (progress) progress(done, total);
  };
  households.scan(sum.run.id, o.chunk, [&](std::vector<StoredHousehold>&& rows) {
    auto t_eval = Clock::now();
    std::vector<HouseholdOutcome> outcomes(rows.size());
    std::atomic<std::size_t> next{0};
    auto work = [&](unsigned t) {
      for (std::size_t i; (i = next++) < rows.size();) outcomes[i] = evaluate_one(rs, ev, workers[t], rows[i], o.from, o.to);
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work, t);
    // A failed write (a full disk) stops the workers and is thrown once they are joined: never with threads running.
    std::exception_ptr write_failed;
    try {
      write_pending();
    } catch (...) {
      write_failed = std::current_exception();
      next = rows.size();
    }
    work(0);
    for (auto& th : pool) th.join();
    if (write_failed) std::rethrow_exception(write_failed);
    sum.eval_seconds += seconds_since(t_eval);
    pending = std::move(outcomes);
    bool cancelled = o.cancel && o.cancel->load();
    if (cancelled || (o.stop_after_chunks >= 0 && ++chunks >= o.stop_after_chunks)) {
      write_pending();
      sum.interrupted = true;
      return false;
    }
    return true;
  }, scope);
  write_pending();
  if (!sum.interrupted) {
    // One worker's part done: the run is complete once every stored household is decided in it (by whichever worker
    // finishes last; a household left between parts is decided by running the batch again, on the whole database).
    WriteTransaction tx = db.begin_write();
    if (scope.whole() || runs.done_count(sum.run.id) == static_cast<std::int64_t>(households.count())) runs.finish(sum.run.id);
    tx.commit();
  }
  BatchSummary totals = summarize_run(db, sum.run.id, to);
  totals.resumed = sum.resumed;
  totals.part = batch_lock_scope(o);
  totals.interrupted = sum.interrupted;
  totals.eval_seconds = sum.eval_seconds;
  totals.write_seconds = sum.write_seconds;
  return totals;
}

BatchSummary run_batch(Storage& db, const LoadedRules& rules, const BatchOptions& o, const BatchProgress& progress) {
  try {
    std::optional<BatchLock> own;
    if (!o.township.empty() && (o.township.size() < 6 || o.township.size() > 12 ||
                                o.township.find_first_not_of("0123456789") != std::string::npos))
      throw std::invalid_argument("乡镇代码 '" + o.township + "' 应为 6 至 12 位数字 (a township or county code: 6 to 12 digits)");
    if (o.shards < 0 || (o.shards > 0 && (o.shard < 1 || o.shard > o.shards)))
      throw std::invalid_argument("分片 " + std::to_string(o.shard) + "/" + std::to_string(o.shards) +
                                  " 无效，应为 i/n 且 1 ≤ i ≤ n (a shard is i/n with 1 ≤ i ≤ n)");
    if (!o.township.empty() && o.shards > 1)
      throw std::invalid_argument("--township 与 --shard 只能选一个 (give either --township or --shard)");
    if (!o.lock)
      own.emplace(db.lock_batch(batch_lock_scope(o), BatchLockHolder::this_process(o.kind, o.from.to_string() + ".." + o.to.to_string())));
    return run_batch_locked(db, rules, o, progress, o.lock ? *o.lock : *own);
  } catch (const StorageError&) {
    throw;
  } catch (const std::exception& e) {  // the disk full, an I/O error: said as such, naming the database
    if (auto failure = db.database_failure(e)) throw *failure;
    throw;
  }
}

BatchSummary summarize_run(Storage& db, std::int64_t run, const std::string& period) {
  BatchSummary sum;
  RunRepository& runs = db.runs();
  if (auto info = runs.get(run)) sum.run = *info;
  sum.period = period;
  sum.households = sum.run.households;
  sum.bad_records = sum.run.bad_records;
  std::map<std::string, std::int64_t> missing;
  runs.for_each_decision(run, period, period, [&](const StoredDecision& d) {
    ProgramTotals& p = sum.programs[d.program];
    p.per = d.per;
    switch (d.kind) {
      case DecisionKind::Granted: ++p.granted; break;
      case DecisionKind::AmountUndetermined: ++p.granted, ++p.amount_unknown; break;
      case DecisionKind::Undetermined: ++p.undetermined; break;
      case DecisionKind::Excluded: ++p.excluded; break;
      case DecisionKind::ChoiceNeeded: ++p.choice_needed; break;
      case DecisionKind::NotGranted: break;
    }
    if (d.paid()) p.amount = p.amount + *d.amount;
    if (!d.review.empty()) ++p.review;
    if (!d.stale.empty()) ++p.provisional;
    for (const std::string& f : d.missing) ++missing[f];
  });
  for (const auto& kv : missing) sum.top_missing.push_back(kv);
  std::stable_sort(sum.top_missing.begin(), sum.top_missing.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (sum.top_missing.size() > 5) sum.top_missing.resize(5);
  sum.bad_examples = runs.error_examples(run, 5);
  return sum;
}

}  // namespace entitle
