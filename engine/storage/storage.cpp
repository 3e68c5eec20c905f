// storage.cpp — choosing the implementation for a location, and the wording shared by every implementation.
#include "engine/storage/storage.hpp"

#include "engine/storage/sqlite/sqlite_storage.hpp"

namespace entitle {

std::unique_ptr<Storage> open_storage(const std::string& location) { return std::make_unique<SqliteStorage>(location); }

StorageError damaged_value(const std::string& location, const std::string& table, const std::string& key,
                           const std::string& column, const std::string& expected, const std::string& found) {
  std::string shown = found.size() > 80 ? found.substr(0, 80) + "…" : found;
  return StorageError("the case database '" + location + "' is damaged: table " + table + ", row " + key + ", column " + column +
                      ": expected " + expected + ", found " + shown);
}

}  // namespace entitle
