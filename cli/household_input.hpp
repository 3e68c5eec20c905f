// household_input.hpp — reads households from a file holding one JSON object or JSON Lines, record by record.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "engine/eval/household.hpp"

namespace entitle::cli {

/// Calls `on_household` for each valid record and `on_error` for each bad one (with file:line); never stops early.
/// JSON, JSON Lines and CSV (by the .csv ending) are read.
/// Returns false when the file cannot be read.
bool read_households(const std::string& path, const ir::RuleSet& rs,
                     const std::function<void(const Household&)>& on_household,
                     const std::function<void(const InputError&)>& on_error);

}  // namespace entitle::cli
