// sql_casework.cpp — SQL for caseworker decisions, standard amendments and settings.
#include "engine/storage/sql/sql_casework.hpp"

#include "engine/storage/sql/sql_connection.hpp"

#include "engine/storage/sql/sql_ledger.hpp"
#include "engine/storage/sql/sql_storage.hpp"

namespace entitle {
namespace {

const char* kAmendmentColumns =
    "SELECT id, standard, region, coalesce(key, ''), valid_from, value, cite, source, status, entered_by, entered_at, "
    "coalesce(adopted_by, ''), coalesce(adopted_at, ''), coalesce(preview_run, 0), coalesce(base_run, 0) FROM amendments ";

Amendment read_amendment(SqlStatement& st) {
  Amendment a;
  a.id = st.column(0).int64();
  a.standard = st.column(1).text();
  a.region = st.column(2).text();
  a.key = st.column(3).text();
  a.valid_from = st.column(4).text();
  a.value = st.column(5).text();
  a.cite = st.column(6).text();
  a.source = st.column(7).text();
  a.status = st.column(8).text();
  a.entered_by = st.column(9).text();
  a.entered_at = st.column(10).text();
  a.adopted_by = st.column(11).text();
  a.adopted_at = st.column(12).text();
  a.preview_run = st.column(13).int64();
  a.base_run = st.column(14).int64();
  return a;
}

/// Runs an INSERT … RETURNING id in a write transaction whose ledger entry records the new row as `kind`:id; the id.
std::int64_t insert_recorded(SqlStorage& s, SqlStatement& st, const std::string& kind) {
  std::int64_t id = 0;
  s.in_write([&] {
    st.step();
    id = st.column(0).int64();
    st.reset();
    s.sql_ledger().touch(kind + ":" + std::to_string(id));
  });
  return id;
}

}  // namespace

std::int64_t SqlCaseworkRepository::add_decision(const CaseDecision& d) {
  SqlStatement st(s_.sql(), "INSERT INTO case_decisions(household_id, period, ruleset, record_hash, record_version, result, "
                                 "decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  st.bind(1, d.household);
  st.bind(2, d.period);
  st.bind(3, d.ruleset);
  st.bind(4, d.record_hash);
  st.bind(5, d.record_version);
  st.bind(6, d.result);
  st.bind(7, d.decided_by);
  st.bind(8, utc_timestamp());
  return insert_recorded(s_, st, "case_decision");
}

std::vector<CaseDecision> SqlCaseworkRepository::decisions_of(const std::string& household, bool with_result) {
  std::vector<CaseDecision> out;
  SqlStatement st(s_.sql(), std::string("SELECT id, household_id, period, ruleset, record_hash, record_version, ") +
                                     (with_result ? "result" : "''") +
                                     ", decided_by, decided_at FROM case_decisions WHERE household_id = ? ORDER BY id DESC");
  st.bind(1, household);
  while (st.step())
    out.push_back({st.column(0).int64(), st.column(1).text(), st.column(2).text(), st.column(3).text(),
                   st.column(4).text(), st.column(5).int32(), st.column(6).text(), st.column(7).text(),
                   st.column(8).text()});
  return out;
}

std::int64_t SqlCaseworkRepository::add_amendment(const Amendment& a) {
  SqlStatement st(s_.sql(), "INSERT INTO amendments(standard, region, key, valid_from, value, cite, source, status, entered_by, "
                                 "entered_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?) RETURNING id");
  st.bind(1, a.standard);
  st.bind(2, a.region);
  if (a.key.empty()) st.bind_null(3);
  else st.bind(3, a.key);
  st.bind(4, a.valid_from);
  st.bind(5, a.value);
  st.bind(6, a.cite);
  st.bind(7, a.source);
  st.bind(8, a.entered_by);
  st.bind(9, utc_timestamp());
  return insert_recorded(s_, st, "amendment");
}

void SqlCaseworkRepository::set_amendment_preview(std::int64_t id, std::int64_t preview_run, std::int64_t base_run) {
  SqlStatement st(s_.sql(), "UPDATE amendments SET preview_run = ?, base_run = ? WHERE id = ?");
  st.bind(1, preview_run);
  if (base_run) st.bind(2, base_run);
  else st.bind_null(2);
  st.bind(3, id);
  s_.in_write([&] {
    st.exec();
    s_.sql_ledger().touch("amendment:" + std::to_string(id));
  });
}

bool SqlCaseworkRepository::adopt_amendment(std::int64_t id, const std::string& user) {
  SqlStatement st(s_.sql(), "UPDATE amendments SET status = 'adopted', adopted_by = ?, "
                                 "adopted_at = ? WHERE id = ? AND status = 'draft'");
  st.bind(1, user);
  st.bind(2, utc_timestamp());
  st.bind(3, id);
  bool adopted = false;
  s_.in_write([&] {
    adopted = st.exec() == 1;
    if (adopted) s_.sql_ledger().touch("amendment:" + std::to_string(id));
  });
  return adopted;
}

std::optional<Amendment> SqlCaseworkRepository::amendment(std::int64_t id) {
  SqlStatement st(s_.sql(), std::string(kAmendmentColumns) + "WHERE id = ?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return read_amendment(st);
}

std::vector<Amendment> SqlCaseworkRepository::amendments() {
  std::vector<Amendment> out;
  SqlStatement st(s_.sql(), std::string(kAmendmentColumns) + "ORDER BY id");
  while (st.step()) out.push_back(read_amendment(st));
  return out;
}

std::optional<std::string> SqlCaseworkRepository::setting(const std::string& key) {
  SqlStatement st(s_.sql(), "SELECT value FROM settings WHERE key = ?");
  st.bind(1, key);
  if (!st.step()) return std::nullopt;
  return st.column(0).text();
}

void SqlCaseworkRepository::set_setting(const std::string& key, const std::string& value) {
  SqlStatement st(s_.sql(), "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  st.bind(1, key);
  st.bind(2, value);
  s_.in_write([&] {
    st.exec();
    s_.sql_ledger().touch("setting:" + key);
  });
}

}  // namespace entitle
