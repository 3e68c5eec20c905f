// run_repository.cpp — what runs need besides SQL.
#include "engine/storage/run_repository.hpp"

#include "engine/storage/storage_error.hpp"

namespace entitle {

std::optional<DecisionKind> decision_kind_from_name(const std::string& name) {
  for (DecisionKind k : {DecisionKind::Granted, DecisionKind::NotGranted, DecisionKind::Undetermined, DecisionKind::AmountUndetermined,
                         DecisionKind::Excluded, DecisionKind::ChoiceNeeded})
    if (name == decision_kind_name(k)) return k;
  return std::nullopt;
}

RunInfo RunRepository::require(std::int64_t id) {
  if (auto r = get(id)) return *r;
  throw StorageError("there is no run " + std::to_string(id) + " in the database");
}

}  // namespace entitle
