// write_transaction.hpp — a write transaction on the case database, handed out by Storage::begin_write(). It takes the
// database's write lock when it begins (SQLite: BEGIN IMMEDIATE), so a read followed by a write inside it cannot
// interleave with another writer's (no lost update). Rolled back when destroyed uncommitted.
#pragma once
#include <memory>
#include <utility>

namespace entitle {

class WriteTransaction {
public:
  /// What an implementation provides: commit(); its destructor rolls back unless committed.
  class Backend {
  public:
    virtual ~Backend() = default;
    virtual void commit() = 0;
  };

  explicit WriteTransaction(std::unique_ptr<Backend> backend) : backend_(std::move(backend)) {}
  WriteTransaction(WriteTransaction&&) noexcept = default;
  WriteTransaction& operator=(WriteTransaction&&) noexcept = default;
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;

  void commit() { backend_->commit(); }

private:
  std::unique_ptr<Backend> backend_;
};

}  // namespace entitle
