// fuzz_household.cpp — fuzz target: a household file (JSON, JSON Lines or CSV) → read, validate against the standard library, evaluate for a
// month with and without the explanation, render as JSON and text.
#include <string>

#include "engine/api/record_source.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/explain/render.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace entitle;

namespace {

/// Households evaluated per input at most (the rest are still read and validated).
constexpr int kEvaluatedPerInput = 3;

/// JSON when the first non-blank byte opens an object or array, CSV otherwise.
bool looks_like_json(std::string_view data) {
  std::size_t i = data.find_first_not_of(" \t\r\n");
  return i != std::string_view::npos && (data[i] == '{' || data[i] == '[');
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const LoadedRules& lib = fuzz::standard_library();
  const ir::RuleSet& rs = *lib.rules;
  static const Evaluator ev(rs);
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // The month from the input's bytes: before and after the 2026 standards, and a month between.
  static const Month kMonths[] = {*Month::parse("2021-03"), *Month::parse("2024-07"), *Month::parse("2026-01")};
  Month month = kMonths[fuzz::input_hash(input) % 3];
  std::string path = fuzz::write_scratch_file(looks_like_json(input) ? "households.jsonl" : "households.csv", input);

  int evaluated = 0;
  bool readable = load_household_file(
      path, rs, LoadOptions::evaluating(month),
      [&](const Household& hh) {
        if (evaluated++ >= kEvaluatedPerInput) return;
        HouseholdResult plain = ev.evaluate(hh, month, false);
        HouseholdResult explained = ev.evaluate(hh, month, true);
        // The explanation is recorded beside the decisions; it must not change them.
        std::string a = render_result_json(rs, lib.sources, plain, false, &hh);
        std::string b = render_result_json(rs, lib.sources, explained, false, &hh);
        if (a != b) fuzz::fail("evaluating with the explanation changed the result:\n" + a + "\n" + b);
        // The explanation rendered one way or the other (both cost more than deciding; one per input keeps it fast).
        if (fuzz::input_hash(a) % 2 == 0) render_result_json(rs, lib.sources, explained, true, &hh);
        else render_result_text(rs, lib.sources, explained, true, &hh);
      },
      [&](const InputError& e) {
        if (e.message.empty()) fuzz::fail("a problem with no message, record " + e.record + " field " + e.field);
        e.to_string();
      });
  if (!readable) fuzz::fail("the scratch file could not be read: " + path);
  return 0;
}
