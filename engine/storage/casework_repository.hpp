// casework_repository.hpp — what the web application keeps besides households and runs: a caseworker's decisions for
// one household and month, standard amendments entered by the county office, and settings (the notice template).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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

class CaseworkRepository {
public:
  virtual ~CaseworkRepository() = default;

  virtual std::int64_t add_decision(const CaseDecision& d) = 0;
  /// A household's caseworker decisions, newest first (without their result text when `with_result` is false).
  virtual std::vector<CaseDecision> decisions_of(const std::string& household, bool with_result) = 0;

  virtual std::int64_t add_amendment(const Amendment& a) = 0;
  /// `base_run` 0: none.
  virtual void set_amendment_preview(std::int64_t id, std::int64_t preview_run, std::int64_t base_run) = 0;
  /// False when there is no draft amendment with this id.
  virtual bool adopt_amendment(std::int64_t id, const std::string& user) = 0;
  virtual std::optional<Amendment> amendment(std::int64_t id) = 0;
  /// Every amendment, by id.
  virtual std::vector<Amendment> amendments() = 0;

  virtual std::optional<std::string> setting(const std::string& key) = 0;
  virtual void set_setting(const std::string& key, const std::string& value) = 0;
};

}  // namespace entitle
