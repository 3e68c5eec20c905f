// importer.hpp — `entitle import`: validates every record of a file and stores the good ones; never stops at a
// bad record and never stores half a household.
#pragma once
#include <functional>
#include <string>

#include "engine/eval/household.hpp"
#include "engine/storage/storage.hpp"

namespace entitle {

struct ImportSummary {
  std::size_t records = 0, stored_new = 0, updated = 0, unchanged = 0, rejected = 0;
  int import_id = 0;
  std::string file_error;  // what made the file unreadable as a whole (an unknown CSV column, …); empty when none
};

/// Reads FILE (JSON Lines, JSON, or CSV; CSV headers by column name or field label), validates each household
/// against the rule set's schema and the household rules (plus dates not after `options.not_after`, which
/// `entitle import` sets to today), stores valid ones in transactions of `chunk` households, and reports each
/// problem. Enum values written by their label are stored by their name.
ImportSummary import_file(Storage& db, const ir::RuleSet& rs, const std::string& path, const LoadOptions& options,
                          const std::function<void(const InputError&)>& on_error, std::size_t chunk = 2000);

/// The rows of the members table for a loaded household.
std::vector<MemberRow> member_rows(const ir::RuleSet& rs, const Household& hh);

}  // namespace entitle
