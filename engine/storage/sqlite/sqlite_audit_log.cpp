// sqlite_audit_log.cpp — SQL for the audit log.
#include "engine/storage/sqlite/sqlite_audit_log.hpp"

#include <SQLiteCpp/Statement.h>

#include "engine/storage/sqlite/sqlite_ledger.hpp"
#include "engine/storage/sqlite/sqlite_storage.hpp"

namespace entitle {

std::int64_t SqliteAuditLog::append(const AuditEntry& e) {
  SQLite::Statement st(s_.db(), "INSERT INTO audit_log(at, user, action, target, before_hash, after_hash, detail) "
                                 "VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?, ?, ?, ?, ?, ?)");
  st.bind(1, e.user);
  st.bind(2, e.action);
  st.bind(3, e.target);
  if (e.before_hash.empty()) st.bind(4);
  else st.bind(4, e.before_hash);
  if (e.after_hash.empty()) st.bind(5);
  else st.bind(5, e.after_hash);
  st.bind(6, e.detail);
  std::int64_t id = 0;
  s_.in_write([&] {
    st.exec();
    id = s_.db().getLastInsertRowid();
    s_.sqlite_ledger().touch("audit:" + std::to_string(id));
  });
  return id;
}

std::vector<AuditEntry> SqliteAuditLog::list(const AuditQuery& q) {
  std::string sql = "SELECT id, at, user, action, target, coalesce(before_hash, ''), coalesce(after_hash, ''), detail FROM audit_log WHERE 1 = 1";
  std::vector<std::string> binds;
  if (!q.target.empty()) {
    if (q.target.back() == '*') {
      sql += " AND substr(target, 1, ?) = ?";
      binds.push_back(std::to_string(q.target.size() - 1));
      binds.push_back(q.target.substr(0, q.target.size() - 1));
    } else {
      sql += " AND target = ?";
      binds.push_back(q.target);
    }
  }
  if (!q.user.empty()) {
    sql += " AND user = ?";
    binds.push_back(q.user);
  }
  if (q.before > 0) sql += " AND id < " + std::to_string(q.before);
  sql += " ORDER BY id DESC LIMIT " + std::to_string(q.limit > 0 ? q.limit : 100);
  SQLite::Statement st(s_.db(), sql);
  for (std::size_t i = 0; i < binds.size(); ++i) {
    if (q.target.size() && q.target.back() == '*' && i == 0) st.bind(1, static_cast<std::int64_t>(std::stoll(binds[0])));
    else st.bind(int(i + 1), binds[i]);
  }
  std::vector<AuditEntry> out;
  while (st.executeStep()) {
    AuditEntry e;
    e.id = st.getColumn(0).getInt64();
    e.at = st.getColumn(1).getString();
    e.user = st.getColumn(2).getString();
    e.action = st.getColumn(3).getString();
    e.target = st.getColumn(4).getString();
    e.before_hash = st.getColumn(5).getString();
    e.after_hash = st.getColumn(6).getString();
    e.detail = st.getColumn(7).getString();
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace entitle
