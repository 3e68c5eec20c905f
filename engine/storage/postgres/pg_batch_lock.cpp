// pg_batch_lock.cpp — the PostgreSQL case database's batch lock: session advisory locks held by a connection of the
// lock's own, which the server releases when that connection ends, also when the process holding it is killed.
#include <string>

#include "engine/base/sha256.hpp"
#include "engine/storage/postgres/pg_connection.hpp"
#include "engine/storage/postgres/pg_storage.hpp"

namespace entitle {
namespace {

constexpr std::int64_t kWholeDatabase = 0x656e7469746c6502;  // "entitle" 02

/// The advisory lock key of a scope other than the whole database.
std::int64_t scope_key(const std::string& scope) {
  std::string h = sha256_hex("entitle batch scope " + scope);
  return static_cast<std::int64_t>(std::stoull(h.substr(0, 15), nullptr, 16));
}

class AdvisoryBackend final : public BatchLock::Backend {
public:
  AdvisoryBackend(std::unique_ptr<PgConnection> c, std::string scope) : c_(std::move(c)), scope_(std::move(scope)) {}
  ~AdvisoryBackend() override {
    try {  // the row first, then the locks; ending the connection releases them in any case
      SqlStatement del(*c_, "DELETE FROM entitle_batch_locks WHERE scope = ? AND pid = pg_backend_pid()");
      del.bind(1, scope_);
      del.exec();
      c_->exec("SELECT pg_advisory_unlock_all()");
    } catch (...) {
    }
  }
  /// Best effort, as the lock file's: a failure must not stop the lock from working, only from saying who holds it.
  void record(const BatchLockHolder& holder) override {
    try {
      SqlStatement up(*c_, "INSERT INTO entitle_batch_locks(scope, pid, holder) VALUES (?, pg_backend_pid(), ?) "
                           "ON CONFLICT (scope) DO UPDATE SET pid = excluded.pid, holder = excluded.holder");
      up.bind(1, scope_);
      up.bind(2, holder.to_text());
      up.exec();
    } catch (...) {
    }
  }

private:
  std::unique_ptr<PgConnection> c_;
  std::string scope_;
};

bool try_lock(PgConnection& c, const std::string& function, std::int64_t key) {
  SqlStatement st(c, "SELECT " + function + "(" + std::to_string(key) + ")");
  st.step();
  return st.column(0).text() == "t";
}

}  // namespace

std::optional<BatchLock> PgStorage::try_lock_batch(const std::string& scope, const BatchLockHolder& me, BatchLockHolder* holder) {
  BatchLockHolder h = me;
  h.scope = scope;
  std::unique_ptr<PgConnection> c;
  try {
    c = std::make_unique<PgConnection>(uri_);
    bool locked = scope.empty() ? try_lock(*c, "pg_try_advisory_lock", kWholeDatabase)
                                : try_lock(*c, "pg_try_advisory_lock_shared", kWholeDatabase) &&
                                      try_lock(*c, "pg_try_advisory_lock", scope_key(scope));
    if (locked) return BatchLock(std::make_unique<AdvisoryBackend>(std::move(c), scope), h);
    if (holder) {
      // A live holder of this scope, or of any when the whole database was asked for, or of the whole database.
      SqlStatement who(*c, "SELECT holder FROM entitle_batch_locks b WHERE EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = b.pid) "
                           "AND (scope = ?1 OR ?1 = '' OR scope = '') ORDER BY scope LIMIT 1");
      who.bind(1, scope);
      *holder = who.step() ? BatchLockHolder::parse(who.column(0).text()) : BatchLockHolder{};
    }
    return std::nullopt;
  } catch (const PgError& e) {
    throw StorageError("无法获取案件数据库 '" + shown_ + "' 的批量锁 (cannot take the batch lock of the case database '" + shown_ +
                       "': " + e.what() + ")");
  }
}

}  // namespace entitle
