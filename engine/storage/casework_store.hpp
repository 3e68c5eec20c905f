// casework_store.hpp — what the web application keeps besides households and runs: a caseworker's decisions for one
// household and month, standard amendments entered by the county office, and settings (the notice template).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/storage/case_database.hpp"

namespace entitle {

struct CaseDecision {
  std::int64_t id = 0;
  std::string household, period, ruleset, record_hash;
  int record_version = 0;
  std::string result;  // the result JSON as shown (with its explanation)
  std::string decided_by, decided_at;
};

struct Amendment {
  std::int64_t id = 0;
  std::string standard, region, key, valid_from, value, cite;
  std::string source;  // the rule text it adds to the rule set
  std::string status = "draft";  // draft | adopted
  std::string entered_by, entered_at, adopted_by, adopted_at;
  std::int64_t preview_run = 0, base_run = 0;
};

class CaseworkStore {
public:
  explicit CaseworkStore(CaseDatabase& db) : db_(db) {}

  std::int64_t add_decision(const CaseDecision& d);
  /// A household's caseworker decisions, newest first (without their result text when `with_result` is false).
  std::vector<CaseDecision> decisions_of(const std::string& household, bool with_result);

  std::int64_t add_amendment(const Amendment& a);
  void set_amendment_preview(std::int64_t id, std::int64_t preview_run, std::int64_t base_run);
  /// False when there is no draft amendment with this id.
  bool adopt_amendment(std::int64_t id, const std::string& user);
  std::optional<Amendment> amendment(std::int64_t id);
  std::vector<Amendment> amendments();

  std::optional<std::string> setting(const std::string& key);
  void set_setting(const std::string& key, const std::string& value);

private:
  CaseDatabase& db_;
};

}  // namespace entitle
