// notice_print_fixture.cpp — writes the determination notice (审核确认告知书) of one sample household as HTML, for
// tests/web/notice_pdf_test.sh to print with a headless browser.
//
//   notice_print_fixture RULES_DIR HOUSEHOLDS_FILE HOUSEHOLD_ID PERIOD OUT.html
#include <fstream>
#include <iostream>

#include "engine/api/record_source.hpp"
#include "engine/api/rules_loader.hpp"
#include "engine/base/sha256.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/service/notice.hpp"

using namespace entitle;

int main(int argc, char** argv) {
  if (argc != 6) {
    std::cerr << "usage: notice_print_fixture RULES_DIR HOUSEHOLDS_FILE HOUSEHOLD_ID PERIOD OUT.html\n";
    return 2;
  }
  const std::string rules_dir = argv[1], file = argv[2], id = argv[3], period = argv[4], out_path = argv[5];
  auto loaded = load_rules(rules_dir);
  if (!loaded->rules) {
    std::cerr << render_diagnostics(loaded->sources, loaded->diagnostics.sorted());
    return 1;
  }
  const ir::RuleSet& rs = *loaded->rules;
  auto month = Month::parse(period);
  if (!month) {
    std::cerr << "not a month: " << period << "\n";
    return 2;
  }
  bool found = false;
  std::string error, html;
  bool read = read_records(file, [&](RawRecord&& rec) {
    if (found || !rec.json) return;
    const JsonNode* rid = rec.json->find("id");
    if (!rid || rid->text != id) return;
    found = true;
    Household hh;
    std::vector<InputError> errors;
    if (!load_household(rs, *rec.json, rec.label, hh, errors, LoadOptions::evaluating(*month))) {
      for (const auto& e : errors) std::cerr << e.to_string() << "\n";
      return;
    }
    HouseholdResult result = Evaluator(rs).evaluate(hh, *month, /*explain=*/true);
    NoticeInput in;
    in.rs = &rs;
    in.result = &result;
    in.household = &hh;
    in.issued_date = "2026-01-20";
    in.record_hash = "sha256:" + sha256_hex(rec.text);
    html = render_notice_html(in);
  }, error);
  if (!read) {
    std::cerr << error << "\n";
    return 1;
  }
  if (!found || html.empty()) {
    std::cerr << "household " << id << " not found or not valid in " << file << "\n";
    return 1;
  }
  std::ofstream out(out_path, std::ios::binary);
  out << html;
  if (!out) {
    std::cerr << "cannot write " << out_path << "\n";
    return 1;
  }
  return 0;
}
