// sqlite_failures.cpp — SQLite's own errors about the database file itself (the disk full, an I/O error) worded for the
// person running the command: what happened, to which file, and whether what was written before is safe.
#include <SQLiteCpp/Exception.h>
#include <sqlite3.h>

#include "engine/storage/sqlite/sqlite_storage.hpp"

namespace entitle {

std::optional<StorageError> SqliteStorage::database_failure(const std::exception& e) const { return failure_of(path_, e); }

std::optional<StorageError> SqliteStorage::failure_of(const std::string& path_, const std::exception& e) {
  const auto* failure = dynamic_cast<const SQLite::Exception*>(&e);
  if (!failure) return std::nullopt;
  int code = failure->getErrorCode() & 0xff;  // the primary result code of an extended one
  if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)  // found when a damaged page is read, not when the file is opened
    return StorageError("案件数据库 '" + path_ + "' 已损坏，请从备份恢复 (the case database '" + path_ + "' is damaged: " + e.what() +
                        "; restore it from a backup)");
  // A write transaction that fails is rolled back whole (SQLite's journal), so the committed ones are intact.
  if (code == SQLITE_FULL)
    return StorageError("无法写入案件数据库 '" + path_ + "'：磁盘已满；此前已提交的数据完好，腾出空间后再运行同一命令即可继续 (cannot write the case database '" +
                        path_ + "': the disk is full (" + e.what() +
                        "); what was committed before is intact: free some space and run the same command again to continue)");
  if (code == SQLITE_IOERR)
    return StorageError("读写案件数据库 '" + path_ + "' 时出错 (I/O error on the case database '" + path_ + "': " + e.what() + ")");
  return std::nullopt;
}

}  // namespace entitle
