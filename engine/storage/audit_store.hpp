// audit_store.hpp — the append-only audit log: who did what, when, to what, with content hashes before and after.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "engine/storage/case_database.hpp"

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

class AuditStore {
public:
  explicit AuditStore(CaseDatabase& db) : db_(db) {}
  /// Appends one entry; returns its id. The table refuses updates and deletes (triggers).
  std::int64_t append(const AuditEntry& e);
  /// Entries matching the query, newest first.
  std::vector<AuditEntry> list(const AuditQuery& q);

private:
  CaseDatabase& db_;
};

}  // namespace entitle
