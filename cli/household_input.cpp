// household_input.cpp — household files (JSON, JSON Lines, CSV) validated against a rule set, record by record.
#include "cli/household_input.hpp"

#include "engine/api/record_source.hpp"

namespace entitle::cli {

bool read_households(const std::string& path, const ir::RuleSet& rs,
                     const std::function<void(const Household&)>& on_household,
                     const std::function<void(const InputError&)>& on_error) {
  std::string error;
  bool ok = read_records(path, [&](RawRecord&& rec) {
    if (!rec.json) {
      on_error({rec.label, "", rec.error});
      return;
    }
    Household hh;
    std::vector<InputError> errors;
    if (!load_household(rs, *rec.json, rec.label, hh, errors)) {
      for (const auto& e : errors) on_error(e);
      return;
    }
    on_household(hh);
  }, error);
  if (ok) return true;
  bool unreadable = error.rfind("cannot read", 0) == 0;  // the caller says so; anything else is a bad file part
  if (!unreadable) on_error({path, "", error});
  return !unreadable;
}

}  // namespace entitle::cli
