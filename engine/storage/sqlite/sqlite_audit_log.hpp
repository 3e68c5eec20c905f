// sqlite_audit_log.hpp — the audit log in SQLite (triggers refuse UPDATE and DELETE).
#pragma once
#include "engine/storage/audit_log.hpp"

namespace entitle {

class SqliteStorage;

class SqliteAuditLog final : public AuditLog {
public:
  explicit SqliteAuditLog(SqliteStorage& s) : s_(s) {}
  std::int64_t append(const AuditEntry& e) override;
  std::vector<AuditEntry> list(const AuditQuery& q) override;

private:
  SqliteStorage& s_;
};

}  // namespace entitle
