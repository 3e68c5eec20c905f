// bench_eval.cpp — evaluation latency (one household, with and without explanation) and throughput over generated
// households for the shipped 低保 rule set. Figures are printed by Google Benchmark; nothing is asserted.
#include <benchmark/benchmark.h>

#include <fstream>
#include <random>
#include <sstream>

#include "engine/api/rules_loader.hpp"
#include "engine/base/json_fast.hpp"
#include "engine/base/json_tree.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/explain/render.hpp"
#include "toy_population.hpp"

using namespace entitle;

namespace {

const LoadedRules& rules() {
  static auto loaded = load_rules(ENTITLE_RULES_DIR);
  if (!loaded->rules) {
    fprintf(stderr, "%s", render_diagnostics(loaded->sources, loaded->diagnostics.sorted()).c_str());
    std::abort();
  }
  return *loaded;
}

const char* kE1 = R"({"id":"E1","region":"140521100000","area":"rural","members":[
 {"id":"P1","relation":"self","birth_date":"1975-05-01","incomes":[{"kind":"wage","amount":"12000","per":"year"}]},
 {"id":"P2","relation":"spouse","birth_date":"1977-08-12"},
 {"id":"P3","relation":"child","birth_date":"2010-02-03"},
 {"id":"P4","relation":"child","birth_date":"2013-11-30"}]})";

Household load(const std::string& json) {
  std::string error;
  auto record = parse_json(json, error);
  Household hh;
  std::vector<InputError> errors;
  if (!record || !load_household(*rules().rules, *record, "bench", hh, errors)) std::abort();
  return hh;
}

/// A deterministic synthetic household: 1–6 members, incomes with a low-income tail.
std::string generated(std::mt19937& rng, int i) {
  std::uniform_int_distribution<int> size(1, 6), income(0, 4000), area(0, 1), town(0, 6);
  int n = size(rng);
  std::string s = "{\"id\":\"G" + std::to_string(i) + "\",\"region\":\"14052110" + std::to_string(town(rng)) +
                  "000\",\"area\":\"" + (area(rng) ? "urban" : "rural") + "\",\"members\":[";
  for (int m = 0; m < n; ++m) {
    if (m) s += ",";
    const char* rel = m == 0 ? "self" : m == 1 ? "spouse" : "child";
    int year = m < 2 ? 1960 + (i + m) % 30 : 2005 + (i + m) % 15;
    s += "{\"id\":\"P" + std::to_string(m + 1) + "\",\"relation\":\"" + rel + "\",\"birth_date\":\"" +
         std::to_string(year) + "-03-15\"";
    if (m < 2) s += ",\"incomes\":[{\"kind\":\"wage\",\"amount\":\"" + std::to_string(income(rng)) + "\",\"per\":\"month\"}]";
    s += "}";
  }
  return s + "]}";
}

}  // namespace

/// One household (E1) under the full library: latency without (Arg 0: compiled form, Arg 2: interpreter alone) and
/// with (Arg 1) the explanation.
static void BM_EvalOneHousehold(benchmark::State& state) {
  Household hh = load(kE1);
  Evaluator ev(*rules().rules);
  ev.set_compiled(state.range(0) != 2);
  EvalScratch scratch;
  Month m = *Month::parse("2021-03");
  bool explain = state.range(0) == 1;
  for (auto _ : state) benchmark::DoNotOptimize(ev.evaluate(hh, m, explain, nullptr, scratch));
}
BENCHMARK(BM_EvalOneHousehold)->Arg(0)->Arg(1)->Arg(2);

static void BM_EvalExplainAndRenderJson(benchmark::State& state) {
  Household hh = load(kE1);
  const auto& l = rules();
  Evaluator ev(*l.rules);
  Month m = *Month::parse("2021-03");
  for (auto _ : state) benchmark::DoNotOptimize(render_result_json(*l.rules, l.sources, ev.evaluate(hh, m, true), true));
}
BENCHMARK(BM_EvalExplainAndRenderJson);

static void BM_ParseAndValidateHousehold(benchmark::State& state) {
  std::string json = kE1;
  for (auto _ : state) benchmark::DoNotOptimize(load(json));
}
BENCHMARK(BM_ParseAndValidateHousehold);

/// Evaluates `count` (range 0) generated households, loaded beforehand against `rs`, once per iteration, with the
/// compiled form (range 1 = 1, the default) or the interpreter alone (range 1 = 0).
void run_throughput(benchmark::State& state, const ir::RuleSet& rs, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<Household> households;
  for (int i = 0; i < state.range(0); ++i) {
    std::string error;
    auto record = parse_json(generated(rng, i), error);
    Household hh;
    std::vector<InputError> errors;
    if (!record || !load_household(rs, *record, "bench", hh, errors)) std::abort();
    households.push_back(std::move(hh));
  }
  Evaluator ev(rs);
  ev.set_compiled(state.range(1) != 0);
  EvalScratch scratch;
  Month m = *Month::parse("2021-03");
  for (auto _ : state)
    for (const Household& hh : households) benchmark::DoNotOptimize(ev.evaluate(hh, m, false, nullptr, scratch));
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["ns_per_household"] =
      benchmark::Counter(double(state.range(0)), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  double all = double(scratch.compiled_decided() + scratch.compiled_declined());
  state.counters["compiled_share"] = all > 0 ? double(scratch.compiled_decided()) / all : 0.0;
}

static void BM_Throughput(benchmark::State& state) { run_throughput(state, *rules().rules, 42); }
BENCHMARK(BM_Throughput)->ArgsProduct({{1000, 100000}, {0, 1}})->ArgNames({"households", "compiled"})->Unit(benchmark::kMillisecond);

/// The toy rule set of issue 10 (tests/bench/toy/toy_programs.rules) with the library's schema and regions.
const LoadedRules& toy_rules() {
  static auto toy = [] {
    auto read = [](const std::string& rel) {
      std::ifstream in(std::string(ENTITLE_SOURCE_DIR) + "/" + rel, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      return std::make_pair(rel, ss.str());
    };
    return load_rules_from_texts({read("rules/schema.rules"), read("rules/regions.rules"), read("tests/bench/toy/toy_programs.rules")});
  }();
  if (!toy->rules) {
    fprintf(stderr, "%s", render_diagnostics(toy->sources, toy->diagnostics.sorted()).c_str());
    std::abort();
  }
  return *toy;
}

static void BM_ToyThroughput(benchmark::State& state) { run_throughput(state, *toy_rules().rules, 7); }

/// One household (E1) under the toy rule set: latency without (Arg 0: compiled form, Arg 2: interpreter alone) and with
/// (Arg 1) the explanation.
static void BM_ToyOneHousehold(benchmark::State& state) {
  const ir::RuleSet& rs = *toy_rules().rules;
  std::string error;
  auto record = parse_json(kE1, error);
  Household hh;
  std::vector<InputError> errors;
  if (!record || !load_household(rs, *record, "bench", hh, errors)) std::abort();
  Evaluator ev(rs);
  ev.set_compiled(state.range(0) != 2);
  EvalScratch scratch;
  Month m = *Month::parse("2021-03");
  bool explain = state.range(0) == 1;
  for (auto _ : state) benchmark::DoNotOptimize(ev.evaluate(hh, m, explain, nullptr, scratch));
}
BENCHMARK(BM_ToyOneHousehold)->Arg(0)->Arg(1)->Arg(2);
BENCHMARK(BM_ToyThroughput)->ArgsProduct({{1000, 100000}, {0, 1}})->ArgNames({"households", "compiled"})->Unit(benchmark::kMillisecond);

/// Where the time of `entitle eval` goes, per household, on one core, for the toy set over the toy population (the
/// first 10,000 households, in cache): each stage adds one step of what a worker thread does with a line —
/// 0 parse (FastJsonParser), 1 + load and check the record, 2 + evaluate, 3 + render the result JSON.
static void BM_ToyPipelineStages(benchmark::State& state) {
  const LoadedRules& l = toy_rules();
  const ir::RuleSet& rs = *l.rules;
  constexpr long kCount = 10000;
  std::vector<std::string> lines;
  for (long i = 0; i < kCount; ++i) {
    std::string line;
    bench::household(line, bench::kToySeed, i);
    line.pop_back();  // the newline
    lines.push_back(std::move(line));
  }
  int stage = int(state.range(0));
  FastJsonParser parser;
  JsonNode record;
  Household hh;
  Evaluator ev(rs);
  EvalScratch scratch;
  ResultJsonWriter writer(rs, l.sources);
  LoadOptions options = LoadOptions::evaluating(*Month::parse("2026-01"));
  Month month = *Month::parse("2026-01");
  std::string out, error;
  std::vector<InputError> errors;
  for (auto _ : state) {
    for (const std::string& line : lines) {
      if (!parser.parse(line, record, error)) std::abort();
      if (stage < 1) continue;
      if (!load_household(rs, record, "bench", hh, errors, options)) std::abort();
      if (stage < 2) continue;
      HouseholdResult r = ev.evaluate(hh, month, false, nullptr, scratch);
      if (stage < 3) continue;
      out.clear();
      writer.append(out, r, false, &hh);
    }
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations() * kCount);
  state.counters["ns_per_household"] =
      benchmark::Counter(double(kCount), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_ToyPipelineStages)->DenseRange(0, 3)->Unit(benchmark::kMillisecond);

static void BM_LoadRuleSet(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(load_rules(ENTITLE_RULES_DIR));
}
BENCHMARK(BM_LoadRuleSet)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
