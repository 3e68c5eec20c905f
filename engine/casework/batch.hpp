// batch.hpp — `entitle batch`: every household of the case database evaluated for a month or a range of months, on
// all cores, decisions written in transactions; an interrupted run is resumed, never repeated.
#pragma once
#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/api/rules_loader.hpp"
#include "engine/storage/storage.hpp"
#include "engine/values/calendar.hpp"
#include "engine/values/rational.hpp"

namespace entitle {

struct BatchOptions {
  Month from, to;
  unsigned threads = 0;          // 0: all cores
  std::size_t chunk = 2000;      // households per write transaction
  long stop_after_chunks = -1;   // testing only: return as if killed after this many chunks
  std::string kind = "batch";    // "preview": a standard amendment's impact preview, never a decision of record
  const std::atomic<bool>* cancel = nullptr;  // when set and true, stop after the current write transaction
  // One worker's part of the run (several workers share one run, each deciding its part; the run is complete when
  // every household is decided): the households of one township (9-digit code) or county prefix, or shard `shard` of
  // `shards` (1-based; contiguous ranges of household ids of nearly equal size). Empty / 0: the whole database.
  std::string township;
  int shard = 0, shards = 0;
  BatchLock* lock = nullptr;  // the database's batch lock, when the caller holds it already; otherwise run_batch takes
                              // it, and another holder makes it throw BatchBusy (a StorageError naming who)
};

struct ProgramTotals {
  std::int64_t granted = 0, undetermined = 0;
  std::int64_t amount_unknown = 0;  // granted, but the amount is undetermined (a standard not yet entered)
  std::int64_t excluded = 0, choice_needed = 0;
  std::int64_t review = 0;          // decisions carrying review reasons (复核)
  std::int64_t provisional = 0;     // decisions using a standard value past its renewal
  Rational amount;  // sum of granted amounts in the summary period
  std::string per;
};

struct BatchSummary {
  RunInfo run;
  bool resumed = false;
  std::string part;                          // one worker's part ("township:140521101", "shard:1/2"); "" the whole database
  bool interrupted = false;
  std::string period;                        // the month the totals are for (the last of the range)
  std::int64_t households = 0, bad_records = 0;
  std::map<std::string, ProgramTotals> programs;  // by program id
  std::vector<std::pair<std::string, std::int64_t>> top_missing;  // most common missing facts
  std::vector<std::string> bad_examples;     // a few bad records with their errors
  double read_seconds = 0, eval_seconds = 0, write_seconds = 0;  // wall-clock timings, not money: double is fine
};

/// The decision's kind as the engine gives it; for an entitlement whose kind was left at its default while its
/// eligibility says otherwise, the kind that eligibility means (granted, amount undetermined, undetermined, excluded).
DecisionKind effective_kind(const Entitlement& e);

/// Whether a batch stores this decision: everything but a plain refusal (a refusal with review reasons is stored).
bool worth_storing(const Entitlement& e);

/// The decision as the case database keeps it.
StoredDecision stored_decision(const ir::RuleSet& rs, const Entitlement& e, const std::string& period);

/// A program's amount per its period, over a year: monthly × 12, semesterly × 2, yearly × 1; none for once.
std::optional<Rational> annual_amount(const Rational& amount, const std::string& per);

using BatchProgress = std::function<void(std::int64_t done, std::int64_t total)>;

/// The batch lock's scope for `o`'s part: "" (the whole database), "township:CODE" or "shard:i/n".
std::string batch_lock_scope(const BatchOptions& o);

BatchSummary run_batch(Storage& db, const LoadedRules& rules, const BatchOptions& options, const BatchProgress& progress);

/// Totals of a finished (or partly finished) run for one month, read back from the database.
BatchSummary summarize_run(Storage& db, std::int64_t run, const std::string& period);

}  // namespace entitle
