// pg_failures.cpp — PostgreSQL's errors about the database itself (the disk full, the server gone, a damaged page)
// worded for the person running the command, as sqlite_failures.cpp words SQLite's.
#include "engine/storage/postgres/pg_connection.hpp"
#include "engine/storage/postgres/pg_storage.hpp"

namespace entitle {

std::optional<StorageError> PgStorage::database_failure(const std::exception& e) const { return failure_of(shown_, e); }

std::optional<StorageError> PgStorage::failure_of(const std::string& where, const std::exception& e) {
  const auto* failure = dynamic_cast<const PgError*>(&e);
  if (!failure) return std::nullopt;
  const std::string& state = failure->sqlstate();
  if (state == "53100")
    return StorageError("无法写入案件数据库 '" + where + "'：数据库服务器的磁盘已满；此前已提交的数据完好，腾出空间后再运行同一命令即可继续 (cannot write the case database '" +
                        where + "': the database server's disk is full (" + e.what() +
                        "); what was committed before is intact: free some space and run the same command again to continue)");
  if (state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03")
    return StorageError("与案件数据库 '" + where + "' 的连接中断；此前已提交的数据完好，服务器恢复后再运行同一命令即可继续 (lost the connection to the case database '" +
                        where + "': " + e.what() + "; what was committed before is intact: run the same command again when the server is back)");
  if (state == "XX001" || state == "XX002")
    return StorageError("案件数据库 '" + where + "' 已损坏，请从备份恢复 (the case database '" + where + "' is damaged: " + e.what() +
                        "; restore it from a backup)");
  if (state == "53300")
    return StorageError("案件数据库 '" + where + "' 的连接数已满，请稍后再试 (the case database server '" + where +
                        "' has no free connection: " + e.what() + ")");
  return std::nullopt;
}

}  // namespace entitle
