// sql_ledger.cpp — SQL for the ledger: appending signed entries, reading them back, and reading every protected
// subject as stored now (for sealing an entry and for `entitle audit verify`).
#include "engine/storage/sql/sql_ledger.hpp"



#include <array>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <set>

#include "engine/base/sha256.hpp"
#include "engine/storage/household_repository.hpp"
#include "engine/storage/sql/sql_storage.hpp"

namespace entitle {
namespace {

using ledger::Canon;

/// A table whose rows are each a subject of their own: "<prefix><key>".
struct RowTable {
  const char* prefix;
  const char* table;
  const char* key;
  const char* columns;  // named, in a fixed order, so the digest does not depend on how the table was altered
  bool integer_key;
};

const RowTable kRowTables[] = {
    {"run:", "runs", "id",
     "id, ruleset, period_from, period_to, started, finished, status, households, bad_records, approved_by, approved_at, kind", true},
    {"ruleset:", "rulesets", "hash", "hash, sources, stored", false},
    {"user:", "users", "name", "name, role, townships, password_hash, created", false},
    {"audit:", "audit_log", "id", "id, at, \"user\", action, target, before_hash, after_hash, detail", true},
    {"case_decision:", "case_decisions", "id",
     "id, household_id, period, ruleset, record_hash, record_version, result, decided_by, decided_at", true},
    {"amendment:", "amendments", "id",
     "id, standard, region, key, valid_from, value, cite, source, status, entered_by, entered_at, adopted_by, adopted_at, "
     "preview_run, base_run",
     true},
    {"setting:", "settings", "key", "key, value", false},
};

const char* kDecisionColumns =
    "period, program, eligible, amount, per, members, missing, kind, review, stale, exception, excluded_by, choice, option_amount";

void canon_column(Canon& c, const SqlValue& col) {
  switch (col.type()) {
    case SqlType::Integer: c.integer(col.int64()); break;
    case SqlType::Text: c.text(col.bytes()); break;
    case SqlType::Null: c.null(); break;
    case SqlType::Real: c.other('F', col.text()); break;
    default: c.other('B', col.bytes());
  }
}

const char* type_name(SqlType type) {
  switch (type) {
    case SqlType::Integer: return "整数 (INTEGER)";
    case SqlType::Text: return "文字 (TEXT)";
    case SqlType::Null: return "空 (NULL)";
    case SqlType::Real: return "浮点数 (REAL)";
    default: return "二进制 (BLOB)";
  }
}

/// The first of `expected` (column index, SQLite type) whose value in the current row is of another type, said.
std::optional<std::string> mistyped(SqlStatement& row, std::initializer_list<std::pair<int, SqlType>> expected) {
  for (auto [index, type] : expected) {
    const SqlValue col = row.column(index);
    if (col.type() != type)
      return std::string("列 ") + col.name() + " 应为" + type_name(type) + "，存储的是" + type_name(col.type()) +
             " (column " + col.name() + " holds a value of another type than entitle writes: edited outside entitle)";
  }
  return std::nullopt;
}

/// Where the search columns of a current household row (region, township, area, member_count) disagree with its
/// record, what differs: they are derived from the record when it is stored, and township decides who may see it.
std::optional<std::string> search_columns_disagree(const std::string& record, const SqlValue& region,
                                                   const SqlValue& township, const SqlValue& area,
                                                   const SqlValue& member_count) {
  nlohmann::json j = nlohmann::json::parse(record, nullptr, false);
  if (!j.is_object()) return std::string("记录不是 JSON 对象 (the stored record is not a JSON object)");
  auto text_of = [&](const char* key) { return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string(); };
  std::string r = text_of("region");
  std::size_t members = j.contains("members") && j["members"].is_array() ? j["members"].size() : 0;
  auto differs = [](const SqlValue& col, const std::string& want) { return col.type() != SqlType::Text || col.text() != want; };
  std::string what;
  if (differs(region, r)) what = "region";
  else if (differs(township, township_of(r))) what = "township";
  else if (area.is_null() ? !text_of("area").empty() : differs(area, text_of("area"))) what = "area";
  else if (member_count.type() != SqlType::Integer || member_count.int64() != static_cast<std::int64_t>(members)) what = "member_count";
  if (what.empty()) return std::nullopt;
  return "列 " + what + " 与记录不符 (column " + what + " disagrees with the record it is derived from: edited outside entitle)";
}

/// The digest of the current row of `row`, which selected RowTable `t`'s columns in order.
std::string row_digest(SqlConnection& db, const RowTable& t, SqlStatement& row) {
  // The columns of the row as read, each with its storage class (a key stored as a BLOB is not the same row as one
  // stored as TEXT), so the digest is of exactly what is stored.
  Canon c(t.table);
  for (int col = 0; col < row.column_count(); ++col) canon_column(c, row.column(col));
  if (std::string(t.table) == "rulesets") {  // a rule set's standard values belong to it
    SqlStatement v(db, "SELECT standard, label, region, key, valid_from, valid_until, value, cite FROM standards "
                                 "WHERE ruleset = ? ORDER BY standard, region, key, valid_from, valid_until, value, cite, label");
    v.bind(1, row.column(0).text());
    while (v.step())
      for (int col = 0; col < v.column_count(); ++col) canon_column(c, v.column(col));
  }
  return c.digest();
}

std::optional<std::string> optional_text(const SqlValue& col) {
  if (col.is_null()) return std::nullopt;
  return col.text();
}

}  // namespace

std::string utc_datetime() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string utc_timestamp() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string run_household_digest(std::int64_t run, const std::string& household, const std::string& input_hash,
                                 const std::optional<std::string>& error, std::vector<std::string> decisions) {
  std::sort(decisions.begin(), decisions.end());
  Canon c("run_household");
  c.integer(run).text(household).text(input_hash);
  if (error) c.text(*error);
  else c.null();
  c.integer(static_cast<std::int64_t>(decisions.size()));
  for (const std::string& d : decisions) c.text(d);
  return c.digest();
}

std::string group_name_households(std::int64_t seq) { return "households@" + std::to_string(seq); }
std::string group_name_decisions(std::int64_t run, std::int64_t seq) {
  return "decisions:" + std::to_string(run) + "@" + std::to_string(seq);
}

std::string household_version_digest(const std::string& id, std::int64_t version, const std::string& record_hash,
                                     std::int64_t import_id, const std::optional<std::string>& stored_by,
                                     const std::optional<std::string>& stored_at) {
  Canon c("household_version");
  c.text(id).integer(version).text(record_hash).integer(import_id);
  if (stored_by) c.text(*stored_by);
  else c.null();
  if (stored_at) c.text(*stored_at);
  else c.null();
  return c.digest();
}

SqlLedger::SqlLedger(SqlStorage& s) : s_(s), actor_(process_actor()) {}

std::int64_t SqlLedger::pending_seq() {
  if (seq_ == 0) seq_ = s_.sql().query_int64("SELECT coalesce(max(seq), 0) + 1 FROM ledger_entries");
  return seq_;
}

void SqlLedger::touch(const std::string& subject) {
  pending_seq();
  touched_[subject] = true;
}

void SqlLedger::add_group_row(const std::string& group, const std::string& row_digest) {
  pending_seq();
  groups_[group].add(row_digest);
}

void SqlLedger::discard() {
  seq_ = 0;
  groups_.clear();
  touched_.clear();
}

std::string SqlLedger::key_file() const {
  if (const char* env = std::getenv("ENTITLE_LEDGER_KEY"); env && *env) return env;
  return s_.default_key_file();
}

const ledger::SigningKey& SqlLedger::key() {
  if (!key_) {
    std::string file = key_file();
    if (s_.read_only()) {  // an auditor's look: read the key file, never make one
      if (file.empty()) throw StorageError("an in-memory case database has no key file");
      key_ = std::make_unique<ledger::SigningKey>(ledger::SigningKey::load(file));
    } else {
      key_ = std::make_unique<ledger::SigningKey>(file.empty() ? ledger::SigningKey::ephemeral()
                                                               : ledger::SigningKey::load_or_create(file));
    }
  }
  return *key_;
}

void SqlLedger::in_snapshot(const std::function<void()>& read) {
  // One read transaction: every read inside it sees the database as it was when it began (SQLite in WAL mode: as of
  // its first read).
  s_.sql().begin_read();
  try {
    read();
  } catch (...) {
    s_.sql().rollback();
    throw;
  }
  s_.sql().commit();
}

std::string SqlLedger::public_key() { return key().public_hex(); }

void SqlLedger::seal() {
  if (seq_ == 0) return;
  std::vector<ledger::LedgerItem> items;
  for (auto& [name, group] : groups_) items.push_back({name, group.finish()});
  for (const auto& [subject, _] : touched_) items.push_back({subject, digest_of(subject).value_or("absent")});
  append(std::move(items));
}

void SqlLedger::append(std::vector<ledger::LedgerItem> items) {
  std::string prev = ledger::kGenesisHash;
  if (seq_ > 1) {
    SqlStatement p(s_.sql(), "SELECT entry_hash FROM ledger_entries WHERE seq = ?");
    p.bind(1, seq_ - 1);
    if (p.step()) prev = p.column(0).text();
  }
  std::string at = utc_timestamp(), items_hash = ledger::items_digest(items);
  std::string hash = ledger::entry_hash(seq_, at, actor_, items_hash, prev);
  const ledger::SigningKey& k = key();
  SqlStatement e(s_.sql(), "INSERT INTO ledger_entries(seq, at, actor, items_digest, prev_hash, entry_hash, public_key, signature) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  e.bind(1, seq_);
  e.bind(2, at);
  e.bind(3, actor_);
  e.bind(4, items_hash);
  e.bind(5, prev);
  e.bind(6, hash);
  e.bind(7, k.public_hex());
  e.bind(8, k.sign(hash));
  e.exec();
  SqlStatement i(s_.sql(), "INSERT INTO ledger_items(seq, subject, digest) VALUES (?, ?, ?)");
  for (const ledger::LedgerItem& item : items) {
    i.bind(1, seq_);
    i.bind(2, item.subject);
    i.bind(3, item.digest);
    i.exec();
    i.reset();
  }
  discard();
}

std::optional<std::string> SqlLedger::digest_of(const std::string& subject) {
  for (const RowTable& t : kRowTables) {
    std::string prefix = t.prefix;
    if (subject.compare(0, prefix.size(), prefix) != 0) continue;
    std::string key = subject.substr(prefix.size());
    SqlStatement st(s_.sql(), std::string("SELECT ") + t.columns + " FROM " + t.table + " WHERE " + t.key + " = ?");
    if (t.integer_key) st.bind(1, static_cast<std::int64_t>(std::strtoll(key.c_str(), nullptr, 10)));
    else st.bind(1, key);
    if (!st.step()) return std::nullopt;
    return row_digest(s_.sql(), t, st);
  }
  return std::nullopt;
}

void SqlLedger::for_each_entry(const std::function<void(const LedgerEntry&)>& each) {
  // In the order stored (SQLite: by rowid, which an insertion out of sequence cannot hide; PostgreSQL keeps no such
  // order, and its triggers refuse every change to the table), so that verify sees entries out of sequence.
  SqlStatement e(s_.sql(), std::string("SELECT seq, at, actor, items_digest, prev_hash, entry_hash, public_key, signature "
                                       "FROM ledger_entries ORDER BY ") +
                               (s_.sql().dialect() == SqlDialect::Sqlite ? "rowid" : "seq"));
  SqlStatement i(s_.sql(), "SELECT subject, digest FROM ledger_items WHERE seq = ?");
  while (e.step()) {
    LedgerEntry x;
    x.seq = e.column(0).int64();
    x.at = e.column(1).text();
    x.actor = e.column(2).text();
    x.items_digest = e.column(3).text();
    x.prev_hash = e.column(4).text();
    x.entry_hash = e.column(5).text();
    x.public_key = e.column(6).text();
    x.signature = e.column(7).text();
    i.bind(1, x.seq);
    while (i.step()) x.items.push_back({i.column(0).text(), i.column(1).text()});
    i.reset();
    each(x);
  }
}

void SqlLedger::for_each_state(const std::function<void(const LedgerState&)>& each,
                                  const std::function<void(const LedgerAnomaly&)>& anomaly) {
  // Household versions, current and in history, grouped by the entry that wrote them.
  {
    std::map<std::string, ledger::GroupDigest> groups;
    for (const char* table : {"households", "household_history"}) {
      bool current = std::string(table) == "households";
      SqlStatement st = SqlStatement::streamed(s_.sql(), std::string("SELECT ") + (current ? "id" : "household_id") +
                                        ", version, record, record_hash, import_id, stored_by, stored_at, ledger_seq" +
                                        (current ? ", region, township, area, member_count" : "") + " FROM " + table);
      while (st.step()) {
        std::string id = st.column(0).text();
        std::int64_t version = st.column(1).int64();
        std::string record = st.column(2).text(), record_hash = st.column(3).text();
        std::string group = st.column(7).is_null() ? "households@unrecorded" : group_name_households(st.column(7).int64());
        std::string row = "表 " + std::string(table) + " 中户 " + id + " 第 " + std::to_string(version) + " 版";
        if (sha256_hex(record) != record_hash)
          anomaly({group, row + "的记录内容与其 record_hash 不符 (the record was edited: its sha256 is not its record_hash)"});
        if (auto wrong = mistyped(st, {{0, SqlType::Text}, {1, SqlType::Integer}, {2, SqlType::Text}, {3, SqlType::Text}, {4, SqlType::Integer}}))
          anomaly({group, row + "：" + *wrong});
        if (current)
          if (auto wrong = search_columns_disagree(record, st.column(8), st.column(9), st.column(10), st.column(11)))
            anomaly({group, row + "：" + *wrong});
        groups[group].add(household_version_digest(id, version, record_hash, st.column(4).int64(),
                                                   optional_text(st.column(5)), optional_text(st.column(6))));
      }
    }
    for (auto& [name, g] : groups) {
      std::size_t n = g.size();
      each({name, g.finish(), "表 households/household_history：" + std::to_string(n) + " 个户版本"});
    }
  }
  // Households finished in runs with their decisions, grouped by run and by the entry that wrote them.
  {
    std::map<std::string, ledger::GroupDigest> groups;
    SqlStatement rh = SqlStatement::streamed(s_.sql(), "SELECT run_id, household_id, input_hash, error, ledger_seq FROM run_households ORDER BY run_id, household_id");
    SqlStatement d = SqlStatement::streamed(s_.sql(), std::string("SELECT run_id, household_id, ") + kDecisionColumns +
                                     " FROM decisions ORDER BY run_id, household_id");
    bool d_more = d.step();
    auto decision_key_before = [&](std::int64_t run, const std::string& hh) {
      std::int64_t r = d.column(0).int64();
      return r < run || (r == run && d.column(1).text() < hh);
    };
    auto orphan = [&]() {
      anomaly({"decisions:" + std::to_string(d.column(0).int64()) + "@unrecorded",
               "表 decisions 中运行 " + std::to_string(d.column(0).int64()) + "、户 " + d.column(1).text() +
                   " 的决定没有对应的已完成户 (a decision row without its household in run_households: inserted?)"});
    };
    while (rh.step()) {
      std::int64_t run = rh.column(0).int64();
      std::string hh = rh.column(1).text();
      if (auto wrong = mistyped(rh, {{0, SqlType::Integer}, {1, SqlType::Text}, {2, SqlType::Text}}))
        anomaly({"decisions:" + std::to_string(run) + "@" + (rh.column(4).is_null() ? "unrecorded" : rh.column(4).text()),
                 "表 run_households 中运行 " + std::to_string(run) + "、户 " + hh + "：" + *wrong});
      while (d_more && decision_key_before(run, hh)) orphan(), d_more = d.step();
      std::vector<std::string> decisions;
      while (d_more && d.column(0).int64() == run && d.column(1).text() == hh) {
        if (auto wrong = mistyped(d, {{0, SqlType::Integer}, {1, SqlType::Text}}))
          anomaly({"decisions:" + std::to_string(run) + "@unrecorded", "表 decisions 中运行 " + std::to_string(run) + "、户 " + hh + "：" + *wrong});
        Canon c("decision");
        for (int col = 2; col < d.column_count(); ++col) canon_column(c, d.column(col));
        decisions.push_back(c.bytes());
        d_more = d.step();
      }
      std::string group = rh.column(4).is_null() ? "decisions:" + std::to_string(run) + "@unrecorded"
                                                   : group_name_decisions(run, rh.column(4).int64());
      groups[group].add(run_household_digest(run, hh, rh.column(2).text(), optional_text(rh.column(3)), std::move(decisions)));
    }
    while (d_more) orphan(), d_more = d.step();
    for (auto& [name, g] : groups) {
      std::size_t n = g.size();
      each({name, g.finish(), "表 run_households/decisions：" + std::to_string(n) + " 户及其决定"});
    }
  }
  // Rows that are subjects of their own.
  // Rows that are subjects of their own: every row as read (never looked up again by its key, so a second row whose key
  // reads the same, stored as another type, is not hidden behind the first).
  for (const RowTable& t : kRowTables) {
    SqlStatement rows(s_.sql(), std::string("SELECT ") + t.columns + " FROM " + t.table + " ORDER BY " + t.key);
    std::set<std::string> seen;
    while (rows.step()) {
      std::string key = rows.column(0).text(), subject = t.prefix + key;
      std::string where = std::string("表 ") + t.table + " 中 " + t.key + " = " + key;
      SqlType want = t.integer_key ? SqlType::Integer : SqlType::Text;
      if (rows.column(0).type() != want)
        anomaly({subject, where + "：" + *mistyped(rows, {{0, want}})});
      if (!seen.insert(subject).second) {
        anomaly({subject, where + "：同一键有两行，其中一行是在账本之外写入的 (two rows with this key: one was inserted outside entitle)"});
        continue;
      }
      each({subject, row_digest(s_.sql(), t, rows), where});
    }
  }
}

void SqlLedger::genesis() {
  bool any = false;
  for (const char* probe : {"SELECT 1 FROM households", "SELECT 1 FROM household_history", "SELECT 1 FROM run_households",
                            "SELECT 1 FROM runs", "SELECT 1 FROM rulesets", "SELECT 1 FROM users", "SELECT 1 FROM audit_log",
                            "SELECT 1 FROM case_decisions", "SELECT 1 FROM amendments", "SELECT 1 FROM settings"}) {
    SqlStatement st(s_.sql(), std::string(probe) + " LIMIT 1");
    if (st.step()) any = true;
  }
  if (!any) return;
  // A database with content but no ledger, beside a key file of its own: either its ledger was removed (to have a new
  // first entry sign whatever is stored now) or the file was replaced. Never sign that.
  if (std::string beside = s_.default_key_file(); !beside.empty() && std::filesystem::exists(beside))
    throw StorageError("案件数据库 '" + s_.location() + "' 有内容但没有账本，而它旁边已有账本密钥文件 '" + beside +
                       "'：账本可能被删除了；不会为现有内容签名，请向审计人员报告 (the case database has content but no ledger, while a "
                       "ledger key file exists beside it: its ledger may have been removed; entitle will not sign what is stored now — "
                       "report this to the auditors)");
  s_.sql().exec("UPDATE households SET ledger_seq = 1; UPDATE household_history SET ledger_seq = 1; UPDATE run_households SET ledger_seq = 1");
  std::vector<ledger::LedgerItem> items;
  for_each_state([&](const LedgerState& st) { items.push_back({st.subject, st.digest}); }, [](const LedgerAnomaly&) {});
  seq_ = 1;
  std::string saved = actor_;
  actor_ = kGenesisActor;
  append(std::move(items));
  actor_ = saved;
}

}  // namespace entitle
