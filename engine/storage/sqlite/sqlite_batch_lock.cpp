// sqlite_batch_lock.cpp — the SQLite case database's batch lock: an exclusive flock() on the file DB.batch-lock beside
// the database, which the kernel releases when the holder's descriptor closes, also when the process is killed.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "engine/storage/sqlite/sqlite_storage.hpp"

namespace entitle {
namespace {

/// Holds the flock through its descriptor (opened O_CLOEXEC, so no child process inherits it). flock(), not fcntl():
/// a flock lock belongs to the open file, so two openings conflict even inside one process (the server's own job
/// and a second request), while SQLite's own fcntl locks on the database are untouched.
class FlockBackend final : public BatchLock::Backend {
public:
  explicit FlockBackend(int fd) : fd_(fd) {}
  ~FlockBackend() override {
    // Nobody holds it any more: the file is left empty (it is never removed — a process that opened it just before
    // would lock a file no longer there). Best effort: closing is what releases the lock.
    if (ftruncate(fd_, 0) != 0) {
    }
    close(fd_);
  }
  /// Written over the old text, then cut to its length, so a reader never finds the file empty while it is held
  /// (BatchLockHolder::parse keeps the first value of a key, so a stale tail read mid-write cannot override it).
  /// Best effort: a full disk must not stop the lock from working, only from saying who holds it.
  void record(const BatchLockHolder& holder) override {
    std::string text = holder.to_text();
    if (pwrite(fd_, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) return;
    if (ftruncate(fd_, static_cast<off_t>(text.size())) != 0) return;
  }

private:
  int fd_;
};

std::string read_file(const std::string& path) {
  std::string out;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  close(fd);
  return out;
}

}  // namespace

std::optional<BatchLock> SqliteStorage::try_lock_batch(const std::string& scope, const BatchLockHolder& me, BatchLockHolder* holder) {
  BatchLockHolder h = me;
  h.scope = scope;
  if (path_.empty() || path_ == ":memory:") return BatchLock(nullptr, h);  // a private database: nobody else can write it
  std::string file = path_ + ".batch-lock";
  int fd = open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    std::string why = std::strerror(errno);
    throw StorageError("无法打开批量锁文件 '" + file + "' (cannot open the batch lock file '" + file + "' of the case database: " + why + ")");
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    close(fd);
    if (err != EWOULDBLOCK) {
      throw StorageError("无法锁定批量锁文件 '" + file + "' (cannot lock the batch lock file '" + file + "': " + std::strerror(err) + ")");
    }
    if (holder) {
      // The holder writes who it is right after taking the lock: give it a moment when the file is still empty.
      *holder = BatchLockHolder::parse(read_file(file));
      for (int i = 0; i < 5 && holder->pid == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        *holder = BatchLockHolder::parse(read_file(file));
      }
    }
    return std::nullopt;
  }
  return BatchLock(std::make_unique<FlockBackend>(fd), h);
}

}  // namespace entitle
