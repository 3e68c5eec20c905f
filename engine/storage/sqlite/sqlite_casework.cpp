// sqlite_casework.cpp — SQL for caseworker decisions, standard amendments and settings.
#include "engine/storage/sqlite/sqlite_casework.hpp"

#include <SQLiteCpp/Statement.h>

#include "engine/storage/sqlite/sqlite_ledger.hpp"
#include "engine/storage/sqlite/sqlite_storage.hpp"

namespace entitle {
namespace {

const char* kAmendmentColumns =
    "SELECT id, standard, region, coalesce(key, ''), valid_from, value, cite, source, status, entered_by, entered_at, "
    "coalesce(adopted_by, ''), coalesce(adopted_at, ''), coalesce(preview_run, 0), coalesce(base_run, 0) FROM amendments ";

Amendment read_amendment(SQLite::Statement& st) {
  Amendment a;
  a.id = st.getColumn(0).getInt64();
  a.standard = st.getColumn(1).getString();
  a.region = st.getColumn(2).getString();
  a.key = st.getColumn(3).getString();
  a.valid_from = st.getColumn(4).getString();
  a.value = st.getColumn(5).getString();
  a.cite = st.getColumn(6).getString();
  a.source = st.getColumn(7).getString();
  a.status = st.getColumn(8).getString();
  a.entered_by = st.getColumn(9).getString();
  a.entered_at = st.getColumn(10).getString();
  a.adopted_by = st.getColumn(11).getString();
  a.adopted_at = st.getColumn(12).getString();
  a.preview_run = st.getColumn(13).getInt64();
  a.base_run = st.getColumn(14).getInt64();
  return a;
}

}  // namespace

std::int64_t SqliteCaseworkRepository::add_decision(const CaseDecision& d) {
  SQLite::Statement st(s_.db(), "INSERT INTO case_decisions(household_id, period, ruleset, record_hash, record_version, result, "
                                 "decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))");
  st.bind(1, d.household);
  st.bind(2, d.period);
  st.bind(3, d.ruleset);
  st.bind(4, d.record_hash);
  st.bind(5, d.record_version);
  st.bind(6, d.result);
  st.bind(7, d.decided_by);
  std::int64_t id = 0;
  s_.in_write([&] {
    st.exec();
    id = s_.db().getLastInsertRowid();
    s_.sqlite_ledger().touch("case_decision:" + std::to_string(id));
  });
  return id;
}

std::vector<CaseDecision> SqliteCaseworkRepository::decisions_of(const std::string& household, bool with_result) {
  std::vector<CaseDecision> out;
  SQLite::Statement st(s_.db(), std::string("SELECT id, household_id, period, ruleset, record_hash, record_version, ") +
                                     (with_result ? "result" : "''") +
                                     ", decided_by, decided_at FROM case_decisions WHERE household_id = ? ORDER BY id DESC");
  st.bind(1, household);
  while (st.executeStep())
    out.push_back({st.getColumn(0).getInt64(), st.getColumn(1).getString(), st.getColumn(2).getString(), st.getColumn(3).getString(),
                   st.getColumn(4).getString(), st.getColumn(5).getInt(), st.getColumn(6).getString(), st.getColumn(7).getString(),
                   st.getColumn(8).getString()});
  return out;
}

std::int64_t SqliteCaseworkRepository::add_amendment(const Amendment& a) {
  SQLite::Statement st(s_.db(), "INSERT INTO amendments(standard, region, key, valid_from, value, cite, source, status, entered_by, "
                                 "entered_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'draft', ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))");
  st.bind(1, a.standard);
  st.bind(2, a.region);
  if (a.key.empty()) st.bind(3);
  else st.bind(3, a.key);
  st.bind(4, a.valid_from);
  st.bind(5, a.value);
  st.bind(6, a.cite);
  st.bind(7, a.source);
  st.bind(8, a.entered_by);
  std::int64_t id = 0;
  s_.in_write([&] {
    st.exec();
    id = s_.db().getLastInsertRowid();
    s_.sqlite_ledger().touch("amendment:" + std::to_string(id));
  });
  return id;
}

void SqliteCaseworkRepository::set_amendment_preview(std::int64_t id, std::int64_t preview_run, std::int64_t base_run) {
  SQLite::Statement st(s_.db(), "UPDATE amendments SET preview_run = ?, base_run = ? WHERE id = ?");
  st.bind(1, preview_run);
  if (base_run) st.bind(2, base_run);
  else st.bind(2);
  st.bind(3, id);
  s_.in_write([&] {
    st.exec();
    s_.sqlite_ledger().touch("amendment:" + std::to_string(id));
  });
}

bool SqliteCaseworkRepository::adopt_amendment(std::int64_t id, const std::string& user) {
  SQLite::Statement st(s_.db(), "UPDATE amendments SET status = 'adopted', adopted_by = ?, "
                                 "adopted_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ? AND status = 'draft'");
  st.bind(1, user);
  st.bind(2, id);
  bool adopted = false;
  s_.in_write([&] {
    adopted = st.exec() == 1;
    if (adopted) s_.sqlite_ledger().touch("amendment:" + std::to_string(id));
  });
  return adopted;
}

std::optional<Amendment> SqliteCaseworkRepository::amendment(std::int64_t id) {
  SQLite::Statement st(s_.db(), std::string(kAmendmentColumns) + "WHERE id = ?");
  st.bind(1, id);
  if (!st.executeStep()) return std::nullopt;
  return read_amendment(st);
}

std::vector<Amendment> SqliteCaseworkRepository::amendments() {
  std::vector<Amendment> out;
  SQLite::Statement st(s_.db(), std::string(kAmendmentColumns) + "ORDER BY id");
  while (st.executeStep()) out.push_back(read_amendment(st));
  return out;
}

std::optional<std::string> SqliteCaseworkRepository::setting(const std::string& key) {
  SQLite::Statement st(s_.db(), "SELECT value FROM settings WHERE key = ?");
  st.bind(1, key);
  if (!st.executeStep()) return std::nullopt;
  return st.getColumn(0).getString();
}

void SqliteCaseworkRepository::set_setting(const std::string& key, const std::string& value) {
  SQLite::Statement st(s_.db(), "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  st.bind(1, key);
  st.bind(2, value);
  s_.in_write([&] {
    st.exec();
    s_.sqlite_ledger().touch("setting:" + key);
  });
}

}  // namespace entitle
