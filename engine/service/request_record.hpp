// request_record.hpp — reading a request body: JSON with its error located by line and column, a month, and a
// household record validated against the rule set (every problem with its field, in Chinese).
#pragma once
#include <string>

#include "engine/base/json_tree.hpp"
#include "engine/eval/household.hpp"
#include "engine/values/calendar.hpp"

namespace entitle {

/// Today's date (UTC): the bound for dates in a stored record, and the day standards are "in force".
Date today_utc();

/// Parses a request body; a ServiceError 400 `bad_json` naming line and column otherwise.
JsonNode parse_request_json(const std::string& body);
/// The month in `key` of an object ("YYYY-MM"); 400 naming the field otherwise.
Month request_month(const JsonNode& object, const char* key);
/// Loads a household record; a ServiceError 400 `invalid_record` with the first field and every problem otherwise.
void load_request_household(const ir::RuleSet& rs, const JsonNode& record, const LoadOptions& options, Household& out);

}  // namespace entitle
