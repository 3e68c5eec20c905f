// eval_stream.hpp — `entitle eval` over a household file: JSON Lines read in blocks and cut into chunks that several
// threads parse, load, evaluate and render; results and record errors come out in file order, the same bytes for any
// number of threads. CSV and one-document JSON files go through read_records, one record at a time.
#pragma once
#include <functional>
#include <ostream>
#include <string>

#include "engine/api/rules_loader.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/eval/household.hpp"

namespace entitle {

enum class ResultFormat { Json, Text };

struct EvalStreamOptions {
  Month month;
  bool explain = false;
  ResultFormat format = ResultFormat::Json;
  /// Threads that evaluate; 1 evaluates on the calling thread.
  unsigned threads = 1;
  LoadOptions load;
};

struct EvalStreamCounts {
  std::size_t households = 0;   // evaluated
  std::size_t with_errors = 0;  // evaluated, with evaluation errors in the result
  std::size_t problems = 0;     // record problems reported (a bad record may have several)
};

/// Evaluates every household of the file at `path` against `rules` with `evaluator`: each result on its own line of
/// `out` (the `format`'s rendering followed by a newline), each record problem to `on_error`, both in file order.
/// Returns false when the file cannot be read at all (nothing written).
bool eval_household_file(const std::string& path, const LoadedRules& rules, const Evaluator& evaluator,
                         const EvalStreamOptions& options, std::ostream& out,
                         const std::function<void(const InputError&)>& on_error, EvalStreamCounts& counts);

}  // namespace entitle
