// batch.hpp — `entitle batch`: every household of the case database evaluated for a month or a range of months, on
// all cores, decisions written in transactions; an interrupted run is resumed, never repeated.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "engine/api/rules_loader.hpp"
#include "engine/storage/run_store.hpp"
#include "engine/values/calendar.hpp"
#include "engine/values/rational.hpp"

namespace entitle {

struct BatchOptions {
  Month from, to;
  unsigned threads = 0;          // 0: all cores
  std::size_t chunk = 2000;      // households per write transaction
  long stop_after_chunks = -1;   // testing only: return as if killed after this many chunks
};

struct ProgramTotals {
  std::int64_t granted = 0, undetermined = 0;
  std::int64_t amount_unknown = 0;  // granted, but the amount is undetermined (a standard not yet entered)
  Rational amount;  // sum of granted amounts in the summary period
  std::string per;
};

struct BatchSummary {
  RunInfo run;
  bool resumed = false;
  bool interrupted = false;
  std::string period;                        // the month the totals are for (the last of the range)
  std::int64_t households = 0, bad_records = 0;
  std::map<std::string, ProgramTotals> programs;  // by program id
  std::vector<std::pair<std::string, std::int64_t>> top_missing;  // most common missing facts
  std::vector<std::string> bad_examples;     // a few bad records with their errors
  double read_seconds = 0, eval_seconds = 0, write_seconds = 0;  // wall-clock timings, not money: double is fine
};

using BatchProgress = std::function<void(std::int64_t done, std::int64_t total)>;

BatchSummary run_batch(CaseDatabase& db, const LoadedRules& rules, const BatchOptions& options, const BatchProgress& progress);

/// Totals of a finished (or partly finished) run for one month, read back from the database.
BatchSummary summarize_run(CaseDatabase& db, std::int64_t run, const std::string& period);

}  // namespace entitle
