// decision_json.hpp — a stored decision (of a batch run) as the HTTP API shows it.
#pragma once
#include <nlohmann/json.hpp>

#include "engine/storage/run_repository.hpp"

namespace entitle {

inline nlohmann::ordered_json stored_decision_json(const StoredDecision& d) {
  nlohmann::ordered_json j{{"program", d.program}, {"decision", decision_kind_name(d.kind)}, {"per", d.per}};
  if (d.amount) j["amount"] = d.amount->to_fixed(2);
  if (d.option_amount) j["option_amount"] = d.option_amount->to_fixed(2);
  if (!d.members.empty()) j["members"] = d.members;
  if (!d.missing.empty()) j["missing"] = d.missing;
  if (!d.review.empty()) j["review"] = d.review;
  if (!d.choice.empty()) j["choice"] = d.choice;
  if (!d.excluded_by.empty()) j["excluded_by"] = d.excluded_by;
  if (!d.exception.empty()) j["exception"] = d.exception;
  if (!d.stale.empty()) {
    j["provisional"] = true;
    nlohmann::ordered_json stale = nlohmann::ordered_json::array();
    for (const StaleValue& s : d.stale)
      stale.push_back({{"standard", s.standard}, {"label", s.label}, {"region", s.region}, {"key", s.key}, {"from", s.from}, {"citation", s.cite}});
    j["stale_standards"] = stale;
  }
  return j;
}

}  // namespace entitle
