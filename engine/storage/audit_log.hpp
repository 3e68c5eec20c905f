// audit_log.hpp — the append-only audit log: who did what, when, to what, with content hashes before and after.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace entitle {

struct AuditEntry {
  std::int64_t id = 0;
  std::string at;  // UTC, set by the database when appended
  std::string user, action, target, before_hash, after_hash;
  std::string detail = "{}";  // a short JSON object
};

struct AuditQuery {
  std::string target;        // exact, or a prefix ending in '*' ("household:QS-0001", "run:*")
  std::string user;
  std::int64_t before = 0;   // entries with a smaller id (paging); 0: newest
  int limit = 100;
};

class AuditLog {
public:
  virtual ~AuditLog() = default;
  /// Appends one entry; returns its id. The log refuses updates and deletes (SQLite: triggers).
  virtual std::int64_t append(const AuditEntry& e) = 0;
  /// Entries matching the query, newest first.
  virtual std::vector<AuditEntry> list(const AuditQuery& q) = 0;
};

}  // namespace entitle
