// sql_audit_log.hpp — the audit log in SQL, for SQLite and PostgreSQL alike (triggers refuse UPDATE and DELETE).
#pragma once
#include "engine/storage/audit_log.hpp"

namespace entitle {

class SqlStorage;

class SqlAuditLog final : public AuditLog {
public:
  explicit SqlAuditLog(SqlStorage& s) : s_(s) {}
  std::int64_t append(const AuditEntry& e) override;
  std::vector<AuditEntry> list(const AuditQuery& q) override;

private:
  SqlStorage& s_;
};

}  // namespace entitle
