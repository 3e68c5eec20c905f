// batch_lock.hpp — the lock a bulk writer (a batch, an impact preview, an import) holds on a case database, so that a
// second one is refused with who holds it; the operating system releases it when the holder dies (even kill -9).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "engine/storage/storage_error.hpp"

namespace entitle {

/// Who holds a batch lock, as the holder recorded it (every field may be empty when it had not yet written it).
struct BatchLockHolder {
  std::string kind;      // batch | preview | import
  std::string detail;    // the months "2026-01..2026-01", or the file imported
  std::string user;      // the web user who started it; empty from the command line
  std::string command;   // "entitle batch", "entitle serve", …: the holding process's program and subcommand
  std::string host, started;  // started: UTC, YYYY-MM-DDTHH:MM:SSZ
  std::string scope;
  std::int64_t pid = 0, run = 0;  // run: the run it writes, once known

  /// This process as a holder: pid, host, the time now and the command line's program and subcommand.
  static BatchLockHolder this_process(std::string kind, std::string detail, std::string user = {});
  /// "key value" lines, as kept in a lock file; read back by parse (unknown lines are ignored).
  std::string to_text() const;
  static BatchLockHolder parse(const std::string& text);
};

/// A held batch lock (move-only); released when destroyed. It does not depend on the Storage that made it: it may
/// outlive it and be handed to another thread.
class BatchLock {
public:
  /// What an implementation provides: record() rewrites who holds it; its destructor releases it.
  class Backend {
  public:
    virtual ~Backend() = default;
    virtual void record(const BatchLockHolder& holder) = 0;
  };

  BatchLock(std::unique_ptr<Backend> backend, BatchLockHolder holder) : backend_(std::move(backend)), holder_(std::move(holder)) {
    if (backend_) backend_->record(holder_);
  }
  BatchLock(BatchLock&&) noexcept = default;
  BatchLock& operator=(BatchLock&&) noexcept = default;
  BatchLock(const BatchLock&) = delete;
  BatchLock& operator=(const BatchLock&) = delete;

  const BatchLockHolder& holder() const { return holder_; }
  /// Records the run the holder writes (shown to whoever is refused).
  void set_run(std::int64_t run) {
    holder_.run = run;
    if (backend_) backend_->record(holder_);
  }

private:
  std::unique_ptr<Backend> backend_;
  BatchLockHolder holder_;
};

/// A bulk write refused because another holds the database's batch lock: says who (Chinese first, English in brackets).
struct BatchBusy : StorageError {
  BatchBusy(const std::string& location, BatchLockHolder holder);
  BatchLockHolder holder;
};

}  // namespace entitle
