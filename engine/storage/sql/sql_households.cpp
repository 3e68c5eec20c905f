// sql_households.cpp — SQL for households, members and their history.
#include "engine/storage/sql/sql_households.hpp"

#include "engine/storage/sql/sql_connection.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string_view>

#include "engine/storage/sql/sql_ledger.hpp"
#include "engine/storage/sql/sql_rows.hpp"
#include "engine/storage/sql/sql_storage.hpp"

#include "engine/base/sha256.hpp"

namespace entitle {
namespace {

/// Resets a reused statement however its use ends, so it keeps no read transaction open.
struct ResetOnExit {
  SqlStatement& st;
  ~ResetOnExit() { st.reset(); }
};

}  // namespace

int SqlHouseholdRepository::begin_import(const std::string& source) {
  SqlStatement st(s_.sql(), "INSERT INTO imports(source, started) VALUES (?, ?) RETURNING id");
  st.bind(1, source);
  st.bind(2, utc_datetime());
  st.step();
  return st.column(0).int32();
}

void SqlHouseholdRepository::finish_import(int import_id, std::size_t records, std::size_t stored, std::size_t unchanged,
                                   std::size_t rejected) {
  SqlStatement st(s_.sql(), "UPDATE imports SET records = ?, stored = ?, unchanged = ?, rejected = ? WHERE id = ?");
  st.bind(1, static_cast<std::int64_t>(records));
  st.bind(2, static_cast<std::int64_t>(stored));
  st.bind(3, static_cast<std::int64_t>(unchanged));
  st.bind(4, static_cast<std::int64_t>(rejected));
  st.bind(5, import_id);
  st.exec();
}

SqlStatement& SqlHouseholdRepository::statement(std::unique_ptr<SqlStatement>& slot, const char* sql) {
  if (!slot) slot = std::make_unique<SqlStatement>(s_.sql(), sql);
  slot->reset();  // an error of its last use was reported then
  slot->clear_bindings();
  return *slot;
}

std::vector<HouseholdRepository::Put> SqlHouseholdRepository::put_many(const std::vector<HouseholdPut>& households,
                                                                       int import_id) {
  // Households are stored in segments that look up what is stored for all their ids at once and write their rows
  // together (one COPY per table on PostgreSQL). A segment ends before an id it already holds, so a household twice
  // in one call is looked up again after its first record is stored.
  constexpr std::size_t kSegment = 512;  // a power of two: the lookup list is never padded in a full segment
  std::vector<Put> out;
  out.reserve(households.size());
  s_.in_write([&] {
    out.clear();
    std::size_t from = 0;
    while (from < households.size()) {
      std::set<std::string_view> ids;
      std::size_t to = from;
      while (to < households.size() && to - from < kSegment && ids.insert(households[to].id).second) ++to;
      put_segment(households, from, to, import_id, out);
      from = to;
    }
  });
  return out;
}

namespace {

/// What is stored of a household before a new record replaces it.
struct StoredVersion {
  std::string record, record_hash;
  int version = 0, import_id = 0;
  std::optional<std::string> stored_by, stored_at;
  std::optional<std::int64_t> ledger_seq;
};

std::optional<std::string> text_or_none(const SqlValue& v) {
  if (v.is_null()) return std::nullopt;
  return v.text();
}

/// How many `?` a list of `n` ids is written with: the next power of two, so a connection sees a few distinct
/// statements (each prepared once on PostgreSQL), not one per list length.
std::size_t find_width(std::size_t n) {
  std::size_t width = 1;
  while (width < n) width *= 2;
  return width;
}

/// "?, ?, …, ?": `n` placeholders.
std::string in_list(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

/// Binds `ids` to the list's placeholders, repeating the last id in those left over (it changes nothing an IN matches).
void bind_padded(SqlStatement& st, const std::vector<std::string>& ids) {
  const std::size_t width = find_width(ids.size());
  for (std::size_t i = 0; i < width; ++i) st.bind(static_cast<int>(i) + 1, ids[std::min(i, ids.size() - 1)]);
}

void add_optional(SqlRows& rows, const std::optional<std::string>& v) {
  if (v) rows.add(*v);
  else rows.add_null();
}

}  // namespace

void SqlHouseholdRepository::put_segment(const std::vector<HouseholdPut>& households, std::size_t from, std::size_t to,
                                         int import_id, std::vector<Put>& out) {
  std::vector<std::string> ids;
  for (std::size_t i = from; i < to; ++i) ids.push_back(households[i].id);
  SqlStatement find(s_.sql(), "SELECT id, record, record_hash, version, import_id, stored_by, stored_at, ledger_seq FROM households "
                              "WHERE id IN (" + in_list(find_width(ids.size())) + ")");
  bind_padded(find, ids);
  std::map<std::string, StoredVersion> stored;
  while (find.step()) {
    StoredVersion v{find.column(1).text(), find.column(2).text(), find.column(3).int32(), find.column(4).int32(),
                    text_or_none(find.column(5)), text_or_none(find.column(6)), std::nullopt};
    if (!find.column(7).is_null()) v.ledger_seq = find.column(7).int64();
    stored.emplace(find.column(0).text(), std::move(v));
  }
  find.reset();

  SqlRows history("household_history",
                  {"household_id", "version", "record", "record_hash", "import_id", "stored_by", "stored_at", "ledger_seq"});
  SqlRows fresh("households", {"id", "region", "township", "area", "member_count", "record", "record_hash", "version", "import_id",
                               "stored_by", "stored_at", "ledger_seq"});
  SqlRows members("members", {"household_id", "member_id", "relation", "birth_date", "id_number", "disability_grade", "name"});
  fresh.reserve_rows(to - from);
  members.reserve_rows(4 * (to - from));  // a few members per household
  std::vector<std::string> replaced;  // households whose member rows go
  struct Update {
    const HouseholdPut* h;
    std::string hash, by, at;
    int version;
  };
  std::vector<Update> updates;
  const std::int64_t seq = s_.sql_ledger().pending_seq();
  for (std::size_t i = from; i < to; ++i) {
    const HouseholdPut& h = households[i];
    std::string hash = sha256_hex(h.record);
    auto old = stored.find(h.id);
    if (old != stored.end() && old->second.record_hash == hash) {
      out.push_back(Put::Unchanged);
      continue;
    }
    int version = 1;
    if (old != stored.end()) {
      const StoredVersion& v = old->second;
      // The version keeps the ledger entry that wrote it: moving it to history changes nothing the ledger recorded.
      // stored_by and stored_at are NULL for versions imported before schema 3.
      history.add(h.id);
      history.add(v.version);
      history.add(v.record);
      history.add(v.record_hash);
      history.add(v.import_id);
      add_optional(history, v.stored_by);
      add_optional(history, v.stored_at);
      if (v.ledger_seq) history.add(*v.ledger_seq);
      else history.add_null();
      replaced.push_back(h.id);
      version = v.version + 1;
    }
    std::string by = h.stored_by.empty() ? "import " + std::to_string(import_id) : h.stored_by;
    std::string at = utc_timestamp();
    s_.sql_ledger().add_group_row(group_name_households(seq), household_version_digest(h.id, version, hash, import_id, by, at));
    if (version == 1) {
      fresh.add(h.id);
      fresh.add(h.region);
      fresh.add(township_of(h.region));
      fresh.add(h.area);
      fresh.add(static_cast<int>(h.members.size()));
      fresh.add(h.record);
      fresh.add(hash);
      fresh.add(version);
      fresh.add(import_id);
      fresh.add(by);
      fresh.add(at);
      fresh.add(seq);
    } else {
      updates.push_back({&h, std::move(hash), std::move(by), std::move(at), version});
    }
    for (const MemberRow& m : h.members) {
      members.add(h.id);
      members.add(m.member_id);
      members.add(m.relation);
      members.add(m.birth_date);
      members.add_text_or_null(m.id_number);
      if (m.disability_grade == 0) members.add_null();
      else members.add(m.disability_grade);
      members.add_text_or_null(m.name);
    }
    out.push_back(version == 1 ? Put::New : Put::Updated);
  }

  SqlConnection& sql = s_.sql();
  sql.insert_rows(history);
  if (!replaced.empty()) {
    SqlStatement drop(sql, "DELETE FROM members WHERE household_id IN (" + in_list(find_width(replaced.size())) + ")");
    bind_padded(drop, replaced);
    drop.exec();
  }
  sql.insert_rows(fresh);
  for (const Update& u : updates) {
    SqlStatement& up = statement(upsert_, "UPDATE households SET region = ?, township = ?, area = ?, member_count = ?, record = ?, "
                                          "record_hash = ?, version = ?, import_id = ?, stored_by = ?, stored_at = ?, ledger_seq = ? "
                                          "WHERE id = ?");
    up.bind(1, u.h->region);
    up.bind(2, township_of(u.h->region));
    up.bind(3, u.h->area);
    up.bind(4, static_cast<int>(u.h->members.size()));
    up.bind(5, u.h->record);
    up.bind(6, u.hash);
    up.bind(7, u.version);
    up.bind(8, import_id);
    up.bind(9, u.by);
    up.bind(10, u.at);
    up.bind(11, seq);
    up.bind(12, u.h->id);
    up.exec();
  }
  sql.insert_rows(members);
}

namespace {
// The conditions of `scope` on households h, with their parameters in order; "" for the whole database. A township
// prefix of digits is the range [prefix, prefix + ":") (':' follows '9'), which an index on township can seek.
std::string scope_condition(const HouseholdScope& scope, std::vector<std::string>& params) {
  std::string where;
  if (!scope.township.empty()) {
    where += " AND h.township >= ? AND h.township < ?";
    params.push_back(scope.township);
    params.push_back(scope.township + ":");
  }
  if (!scope.id_from.empty()) {
    where += " AND h.id >= ?";
    params.push_back(scope.id_from);
  }
  if (!scope.id_to.empty()) {
    where += " AND h.id < ?";
    params.push_back(scope.id_to);
  }
  return where;
}
}  // namespace

std::size_t SqlHouseholdRepository::count(const HouseholdScope& scope, std::int64_t not_done_in_run) {
  if (scope.whole() && !not_done_in_run) return static_cast<std::size_t>(s_.sql().query_int64("SELECT count(*) FROM households"));
  std::vector<std::string> params;
  std::string where = scope_condition(scope, params);
  SqlStatement st(s_.sql(), std::string("SELECT count(*) FROM households h WHERE ") +
                                (not_done_in_run ? "NOT EXISTS (SELECT 1 FROM run_households r WHERE r.run_id = ? AND r.household_id = h.id)"
                                                 : "1 = 1") +
                                where);
  int p = 1;
  if (not_done_in_run) st.bind(p++, not_done_in_run);
  for (const std::string& v : params) st.bind(p++, v);
  st.step();
  return static_cast<std::size_t>(st.column(0).int64());
}

void SqlHouseholdRepository::scan(std::int64_t skip_run, std::size_t batch,
                                  const std::function<bool(std::vector<StoredHousehold>&&)>& each, const HouseholdScope& scope) {
  // Keyset pagination by id: stable, and cheap however far into the table we are.
  std::string last;
  bool first = true;
  std::vector<std::string> scope_params;
  std::string in_scope = scope_condition(scope, scope_params);
  for (;;) {
    // Two statements, not "(? OR id > ?)": an OR with a parameter keeps SQLite from seeking by the primary key.
    SqlStatement st(s_.sql(), std::string("SELECT h.id, h.township, h.record, h.record_hash FROM households h WHERE ") +
                                       (first ? "" : "h.id > ? AND ") +
                                       "NOT EXISTS (SELECT 1 FROM run_households r WHERE r.run_id = ? AND r.household_id = h.id)" +
                                       in_scope + " ORDER BY h.id LIMIT ?");
    int p = 1;
    if (!first) st.bind(p++, last);
    st.bind(p++, skip_run);
    for (const std::string& v : scope_params) st.bind(p++, v);
    st.bind(p++, static_cast<std::int64_t>(batch));
    std::vector<StoredHousehold> rows;
    while (st.step())
      rows.push_back({st.column(0).text(), st.column(1).text(), st.column(2).text(), st.column(3).text()});
    if (rows.empty()) return;
    last = rows.back().id;
    first = false;
    bool more = rows.size() == batch;
    if (!each(std::move(rows)) || !more) return;
  }
}

std::vector<std::string> SqlHouseholdRepository::split_points(int parts) {
  std::vector<std::string> points;
  std::int64_t n = s_.sql().query_int64("SELECT count(*) FROM households");
  SqlStatement st(s_.sql(), "SELECT id FROM households ORDER BY id LIMIT 1 OFFSET ?");
  for (int k = 1; k < parts; ++k) {
    std::int64_t offset = n * k / parts;
    if (offset == 0) continue;
    st.reset();
    st.bind(1, offset);
    if (st.step() && (points.empty() || points.back() != st.column(0).text())) points.push_back(st.column(0).text());
  }
  return points;
}

std::vector<std::string> SqlHouseholdRepository::history(const std::string& id) {
  std::vector<std::string> out;
  SqlStatement old(s_.sql(), "SELECT record FROM household_history WHERE household_id = ? ORDER BY version");
  old.bind(1, id);
  while (old.step()) out.push_back(old.column(0).text());
  SqlStatement cur(s_.sql(), "SELECT record FROM households WHERE id = ?");
  cur.bind(1, id);
  if (cur.step()) out.push_back(cur.column(0).text());
  return out;
}

}  // namespace entitle

namespace entitle {

std::optional<std::string> SqlHouseholdRepository::record_version(const std::string& id, const std::string& record_hash) {
  SqlStatement& st = statement(version_, "SELECT 'households', record FROM households WHERE id = ?1 AND record_hash = ?2 "
                                              "UNION ALL SELECT 'household_history', record FROM household_history "
                                              "WHERE household_id = ?1 AND record_hash = ?2");
  st.bind(1, id);
  st.bind(2, record_hash);
  ResetOnExit done{st};
  if (!st.step()) return std::nullopt;
  std::string table = st.column(0).text();
  const SqlValue rec = st.column(1);
  if (!rec.is_text())
    throw s_.damaged(table, "(household " + id + ", record_hash " + record_hash.substr(0, 12) + "…)", "record", "the record's JSON text",
                      rec.is_null() ? "NULL" : "a value of another type");
  std::string record = rec.text();
  if (sha256_hex(record) != record_hash)
    throw s_.damaged(table, "(household " + id + ")", "record", "a record whose sha256 is its record_hash " + record_hash.substr(0, 12) + "…",
                      "a record hashing to " + sha256_hex(record).substr(0, 12) + "…");
  return record;
}

std::map<std::string, std::string> SqlHouseholdRepository::townships() {
  std::map<std::string, std::string> out;
  SqlStatement st(s_.sql(), "SELECT id, township FROM households");
  while (st.step()) {
    std::string id = st.column(0).text();
    const SqlValue tw = st.column(1);
    if (!tw.is_text()) throw s_.damaged("households", "(id " + id + ")", "township", "a division code", tw.is_null() ? "NULL" : tw.text());
    out.emplace(std::move(id), tw.text());
  }
  return out;
}

}  // namespace entitle

namespace entitle {

std::optional<CurrentHousehold> SqlHouseholdRepository::get(const std::string& id) {
  SqlStatement st(s_.sql(), "SELECT id, region, township, record, record_hash, version, coalesce(stored_by, ''), "
                                 "coalesce(stored_at, '') FROM households WHERE id = ?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  CurrentHousehold h;
  h.id = st.column(0).text();
  h.region = st.column(1).text();
  h.township = st.column(2).text();
  h.record = st.column(3).text();
  h.record_hash = st.column(4).text();
  const SqlValue version = st.column(5);  // the ETag of If-Match: a damaged one is said, never read as 0
  if (!version.is_integer() || version.int64() < 1 || version.int64() > 1000000000)
    throw s_.damaged("households", "(id " + id + ")", "version", "a version number (1 or more)", version.is_null() ? "NULL" : "'" + version.text() + "'");
  h.version = version.int32();
  h.stored_by = st.column(6).text();
  h.stored_at = st.column(7).text();
  if (sha256_hex(h.record) != h.record_hash)
    throw s_.damaged("households", "(id " + id + ")", "record", "a record whose sha256 is its record_hash", "another record");
  return h;
}

namespace {

/// "%a\_b%" for LIKE with ESCAPE '\': the user's text matches literally.
std::string like_pattern(const std::string& text, bool prefix) {
  std::string out = prefix ? "" : "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

}  // namespace

std::vector<HouseholdListing> SqlHouseholdRepository::search(const HouseholdQuery& q, std::int64_t& total) {
  std::string where = " WHERE 1 = 1";
  std::vector<std::string> binds;
  if (!q.scopes.empty()) {
    where += " AND (";
    for (std::size_t i = 0; i < q.scopes.size(); ++i) {
      where += (i ? " OR " : "") + std::string("h.township LIKE ? ESCAPE '\\'");
      binds.push_back(like_pattern(q.scopes[i], true));
    }
    where += ")";
  }
  if (!q.township.empty()) {
    where += " AND h.township LIKE ? ESCAPE '\\'";
    binds.push_back(like_pattern(q.township, true));
  }
  if (!q.text.empty()) {
    where += " AND (h.id LIKE ?1x ESCAPE '\\' OR EXISTS (SELECT 1 FROM members m WHERE m.household_id = h.id AND "
             "(m.name LIKE ?1x ESCAPE '\\' OR m.id_number LIKE ?1x ESCAPE '\\')))";
    std::string n = std::to_string(binds.size() + 1);
    for (std::size_t at; (at = where.find("?1x")) != std::string::npos;) where.replace(at, 3, "?" + n);
    binds.push_back(like_pattern(q.text, false));
  }
  SqlStatement count(s_.sql(), "SELECT count(*) FROM households h" + where);
  for (std::size_t i = 0; i < binds.size(); ++i) count.bind(int(i + 1), binds[i]);
  total = count.step() ? count.column(0).int64() : 0;
  SqlStatement st(s_.sql(),
                       "SELECT h.id, h.region, h.township, h.member_count, h.version, "
                       "(SELECT coalesce(m.name, '') FROM members m WHERE m.household_id = h.id AND m.relation = 'self' LIMIT 1), "
                       "(SELECT coalesce(m.id_number, '') FROM members m WHERE m.household_id = h.id AND m.relation = 'self' LIMIT 1) "
                       "FROM households h" + where + " ORDER BY h.id LIMIT " + std::to_string(std::max(0, q.limit)) +
                           " OFFSET " + std::to_string(std::max(0, q.offset)));
  for (std::size_t i = 0; i < binds.size(); ++i) st.bind(int(i + 1), binds[i]);
  std::vector<HouseholdListing> out;
  while (st.step()) {
    HouseholdListing l;
    l.id = st.column(0).text();
    l.region = st.column(1).text();
    l.township = st.column(2).text();
    l.members = st.column(3).int32();
    l.version = st.column(4).int32();
    l.head_name = st.column(5).text();
    l.head_id_number = st.column(6).text();
    out.push_back(std::move(l));
  }
  return out;
}

std::vector<HouseholdVersion> SqlHouseholdRepository::versions(const std::string& id) {
  std::vector<HouseholdVersion> out;
  SqlStatement st(s_.sql(),
                       "SELECT version, record_hash, coalesce(stored_by, 'import ' || import_id), coalesce(stored_at, '') FROM households "
                       "WHERE id = ?1 UNION ALL SELECT version, record_hash, coalesce(stored_by, 'import ' || import_id), "
                       "coalesce(stored_at, '') FROM household_history WHERE household_id = ?1 ORDER BY 1 DESC");
  st.bind(1, id);
  while (st.step()) {
    const SqlValue version = st.column(0);
    if (!version.is_integer() || version.int64() < 1 || version.int64() > 1000000000)
      throw s_.damaged("households or household_history", "(household " + id + ")", "version", "a version number (1 or more)",
                       version.is_null() ? "NULL" : "'" + version.text() + "'");
    out.push_back({version.int32(), st.column(1).text(), st.column(2).text(), st.column(3).text()});
  }
  return out;
}

std::optional<std::string> SqlHouseholdRepository::version_record(const std::string& id, int version) {
  SqlStatement st(s_.sql(), "SELECT record FROM households WHERE id = ?1 AND version = ?2 UNION ALL "
                                 "SELECT record FROM household_history WHERE household_id = ?1 AND version = ?2");
  st.bind(1, id);
  st.bind(2, version);
  if (!st.step()) return std::nullopt;
  return st.column(0).text();
}

}  // namespace entitle
