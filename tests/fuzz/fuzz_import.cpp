// fuzz_import.cpp — fuzz target: a household file (JSON, JSON Lines or CSV) → `import` into a fresh in-memory case
// database through the storage interface, twice, then every stored record read back and validated again.
#include <string>
#include <vector>

#include "engine/casework/importer.hpp"
#include "engine/storage/storage.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace entitle;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ir::RuleSet& rs = *fuzz::standard_library().rules;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t first = input.find_first_not_of(" \t\r\n");
  bool json = first != std::string_view::npos && (input[first] == '{' || input[first] == '[');
  std::string path = fuzz::write_scratch_file(json ? "import.jsonl" : "import.csv", input);
  LoadOptions options;
  options.not_after = Date::parse("2026-11-25");  // `entitle import` says today; a fixed day keeps inputs reproducible

  // A fresh database per input (SQLite in memory: no file, no journal on disk), so every finding replays alone.
  std::unique_ptr<Storage> db = open_storage(":memory:");
  std::size_t problems = 0;
  auto count = [&](const InputError& e) {
    ++problems;
    if (e.message.empty()) fuzz::fail("a problem with no message, record " + e.record);
  };
  ImportSummary once = import_file(*db, rs, path, options, count, 3);
  if (once.stored_new + once.updated + once.unchanged + once.rejected != once.records)
    fuzz::fail("import counts do not add up to the records read");
  if (once.rejected > 0 && problems == 0) fuzz::fail("records were rejected with no problem reported");
  if (db->households().count() > once.stored_new) fuzz::fail("more households stored than imported as new");

  // The same file again: nothing is new, the same records are rejected.
  std::size_t problems_first = problems;
  ImportSummary again = import_file(*db, rs, path, options, count, 2);
  if (again.stored_new != 0 || again.records != once.records || again.rejected != once.rejected ||
      problems - problems_first != problems_first)
    fuzz::fail("importing the same file twice did not give the same outcome the second time");

  // Whatever import stored, batch will read back: each stored record must be valid under the same rules.
  std::size_t scanned = 0;
  db->households().scan(0, 64, [&](std::vector<StoredHousehold>&& chunk) {
    for (const StoredHousehold& s : chunk) {
      ++scanned;
      std::string error;
      auto record = parse_json(s.record, error);
      if (!record) fuzz::fail("household " + s.id + " was stored as text that is not JSON: " + error);
      Household hh;
      std::vector<InputError> errors;
      if (!load_household(rs, *record, s.id, hh, errors, options))
        fuzz::fail("household " + s.id + " was stored but does not load again: " + errors.front().to_string());
      if (hh.id != s.id) fuzz::fail("household stored under '" + s.id + "' has id '" + hh.id + "'");
      if (db->households().versions(s.id).empty()) fuzz::fail("household " + s.id + " has no versions");
    }
    return true;
  });
  if (scanned != db->households().count()) fuzz::fail("scan did not visit every stored household");
  return 0;
}
