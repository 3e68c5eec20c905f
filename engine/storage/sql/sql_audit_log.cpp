// sql_audit_log.cpp — SQL for the audit log.
#include "engine/storage/sql/sql_audit_log.hpp"

#include "engine/storage/sql/sql_connection.hpp"

#include "engine/storage/sql/sql_ledger.hpp"
#include "engine/storage/sql/sql_storage.hpp"

namespace entitle {

std::int64_t SqlAuditLog::append(const AuditEntry& e) {
  SqlStatement st(s_.sql(), "INSERT INTO audit_log(\"user\", action, target, before_hash, after_hash, detail, at) "
                                 "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
  st.bind(1, e.user);
  st.bind(2, e.action);
  st.bind(3, e.target);
  if (e.before_hash.empty()) st.bind_null(4);
  else st.bind(4, e.before_hash);
  if (e.after_hash.empty()) st.bind_null(5);
  else st.bind(5, e.after_hash);
  st.bind(6, e.detail);
  st.bind(7, utc_timestamp());
  std::int64_t id = 0;
  s_.in_write([&] {
    st.step();
    id = st.column(0).int64();
    st.reset();
    s_.sql_ledger().touch("audit:" + std::to_string(id));
  });
  return id;
}

std::vector<AuditEntry> SqlAuditLog::list(const AuditQuery& q) {
  std::string sql = "SELECT id, at, \"user\", action, target, coalesce(before_hash, ''), coalesce(after_hash, ''), detail FROM audit_log WHERE 1 = 1";
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
    sql += " AND \"user\" = ?";
    binds.push_back(q.user);
  }
  if (q.before > 0) sql += " AND id < " + std::to_string(q.before);
  sql += " ORDER BY id DESC LIMIT " + std::to_string(q.limit > 0 ? q.limit : 100);
  SqlStatement st(s_.sql(), sql);
  for (std::size_t i = 0; i < binds.size(); ++i) {
    if (q.target.size() && q.target.back() == '*' && i == 0) st.bind(1, static_cast<std::int64_t>(std::stoll(binds[0])));
    else st.bind(int(i + 1), binds[i]);
  }
  std::vector<AuditEntry> out;
  while (st.step()) {
    AuditEntry e;
    e.id = st.column(0).int64();
    e.at = st.column(1).text();
    e.user = st.column(2).text();
    e.action = st.column(3).text();
    e.target = st.column(4).text();
    e.before_hash = st.column(5).text();
    e.after_hash = st.column(6).text();
    e.detail = st.column(7).text();
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace entitle
