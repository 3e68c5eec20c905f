// sql_move.hpp — moving a whole case database into an empty one on another backend (entitle migrate-db): every row
// of every table, the ledger's entries as they were signed, in one transaction of the target.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace entitle {

class SqlStorage;

/// The tables a move copies, in an order that satisfies their references. Sessions (logins) are not moved: people sign
/// in again on the new database. Batch-lock records are not data.
const std::vector<std::string>& moved_tables();

struct MovedTable {
  std::string table;
  std::int64_t rows = 0;
};

/// Copies every row of `moved_tables()` from `from` into `to`, keeping ids, and sets `to`'s id counters past them.
/// `to` must be empty (no ledger entry either: open it for a move) and at the same schema version; a value of a type
/// no case database stores (a REAL, a BLOB) is a StorageError naming its table and row. Nothing is written to `to`
/// unless everything is. `progress` is told each table as it finishes.
std::vector<MovedTable> copy_case_database(SqlStorage& from, SqlStorage& to,
                                           const std::function<void(const MovedTable&)>& progress = nullptr);

}  // namespace entitle
