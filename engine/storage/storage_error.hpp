// storage_error.hpp — a problem with the case database itself (not with a record): unreadable, corrupt, newer than
// this tool, or a stored value that is not what its column holds. Every storage implementation reports in these words.
#pragma once
#include <stdexcept>
#include <string>

namespace entitle {

struct StorageError : std::runtime_error { using std::runtime_error::runtime_error; };

/// A StorageError for a stored value that is not what its column holds: names the database (`location`), the table,
/// the row's key and the column, and shows the value found (at most 80 bytes of it).
StorageError damaged_value(const std::string& location, const std::string& table, const std::string& key,
                           const std::string& column, const std::string& expected, const std::string& found);

}  // namespace entitle
