// fuzz_rules.cpp — fuzz target: rule text → parse, check, render the diagnostics; when it checks, run its tests and
// build its catalogue.
#include <string>
#include <utility>
#include <vector>

#include "engine/api/test_runner.hpp"
#include "engine/explain/catalogue.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace entitle;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  // A text that declares no entity is checked after the library's schema, regions and common definitions, so its
  // names resolve and it reaches the checker's later passes; one that declares entities is checked alone.
  std::vector<std::pair<std::string, std::string>> files;
  if (text.find("entity") == std::string::npos && text.find("实体") == std::string::npos)
    for (const char* f : {"schema.rules", "regions.rules", "common.rules"}) files.emplace_back(f, fuzz::library_file(f));
  files.emplace_back("fuzz.rules", text);

  auto loaded = load_rules_from_texts(files);
  const DiagnosticSink& diags = loaded->diagnostics;
  if (loaded->rules.has_value() == diags.has_errors())
    fuzz::fail(loaded->rules ? "a rule set was returned with errors" : "no rule set was returned, yet no error was reported");
  for (const Diagnostic& d : diags.all()) {
    if (!d.has_span) continue;
    if (d.span.file >= loaded->sources.file_count()) fuzz::fail("a diagnostic names an unknown file: " + d.message);
    const std::string& src = loaded->sources.text(d.span.file);
    if (d.span.begin > d.span.end || d.span.end > src.size())
      fuzz::fail("a diagnostic's span lies outside its file: " + d.message);
  }
  std::string rendered = render_diagnostics(loaded->sources, diags.sorted());
  if (diags.all().size() > 0 && rendered.empty()) fuzz::fail("diagnostics rendered as nothing");
  if (!loaded->rules) return 0;

  TestReport report = run_tests(*loaded);
  if (report.passed + report.failed != report.outcomes.size()) fuzz::fail("test counts disagree with the outcomes");
  render_test_report(*loaded, report);
  Document doc = build_catalogue(*loaded->rules, loaded->sources);
  doc.markdown();
  doc.html("fuzz");
  return 0;
}
