// pg_connection.cpp — libpq behind SqlConnection and SqlStatement.
#include "engine/storage/postgres/pg_connection.hpp"

#include "engine/storage/sql/sql_rows.hpp"

#include <libpq-fe.h>

#include <cstdlib>
#include <cstring>
#include <optional>
#include <utility>
#include <vector>

namespace entitle {
namespace {

/// Owns one PGresult.
struct Result {
  PGresult* r = nullptr;
  Result() = default;
  explicit Result(PGresult* res) : r(res) {}
  Result(Result&& o) noexcept : r(o.r) { o.r = nullptr; }
  Result& operator=(Result&& o) noexcept {
    if (this != &o) {
      if (r) PQclear(r);
      r = o.r;
      o.r = nullptr;
    }
    return *this;
  }
  ~Result() {
    if (r) PQclear(r);
  }
};

/// The result, or a PgError with the server's message and SQLSTATE (or the connection's, when there is no result).
/// `copy_in`: the statement is a COPY … FROM STDIN, whose success is the server waiting for the rows.
Result checked(PGconn* conn, PGresult* res, const std::string& sql, bool copy_in = false) {
  Result out(res);
  ExecStatusType status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (status == (copy_in ? PGRES_COPY_IN : PGRES_COMMAND_OK) || (!copy_in && status == PGRES_TUPLES_OK)) return out;
  std::string message = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  if (PQstatus(conn) == CONNECTION_BAD && !state) state = "08006";
  std::string shown = sql.size() > 120 ? sql.substr(0, 120) + "…" : sql;
  throw PgError(message + " (SQL: " + shown + ")", state ? state : "");
}

SqlType type_of(Oid oid) {
  switch (oid) {
    case 20: case 21: case 23: case 26: return SqlType::Integer;  // int8, int2, int4, oid
    case 700: case 701: case 1700: return SqlType::Real;          // float4, float8, numeric
    case 17: return SqlType::Blob;                                // bytea
    default: return SqlType::Text;
  }
}

/// What a statement and a cursor share: parameters bound by position, and the rows of a result read one by one.
class PgRows : public SqlStatement::Impl {
public:
  explicit PgRows(const std::string& sql) : original_(sql) {
    sql_ = pg_placeholders(sql, count_);
    params_.resize(static_cast<std::size_t>(count_));
  }
  void bind_int64(int index, std::int64_t value) override { slot(index) = std::to_string(value); }
  void bind_text(int index, std::string_view value) override { slot(index) = std::string(value); }
  void bind_null(int index) override { slot(index).reset(); }
  void clear_bindings() override {
    for (auto& p : params_) p.reset();
  }
  int column_count() override { return result_.r ? PQnfields(result_.r) : 0; }
  SqlType column_type(int index) override {
    if (PQgetisnull(result_.r, row_, index)) return SqlType::Null;
    return type_of(PQftype(result_.r, index));
  }
  std::int64_t column_int64(int index) override {
    if (PQgetisnull(result_.r, row_, index)) return 0;
    return std::strtoll(PQgetvalue(result_.r, row_, index), nullptr, 10);
  }
  std::string_view column_text(int index) override {
    if (PQgetisnull(result_.r, row_, index)) return {};
    return std::string_view(PQgetvalue(result_.r, row_, index), static_cast<std::size_t>(PQgetlength(result_.r, row_, index)));
  }
  const char* column_name(int index) override { return PQfname(result_.r, index); }

protected:
  std::vector<const char*> values() const {
    std::vector<const char*> out;
    out.reserve(params_.size());
    for (const auto& p : params_) out.push_back(p ? p->c_str() : nullptr);
    return out;
  }

  std::string original_, sql_;
  int count_ = 0;
  std::vector<std::optional<std::string>> params_;
  Result result_;
  int row_ = -1;

private:
  std::optional<std::string>& slot(int index) {
    if (index < 1) throw std::out_of_range("parameter index " + std::to_string(index));
    if (static_cast<std::size_t>(index) > params_.size()) params_.resize(static_cast<std::size_t>(index));
    return params_[static_cast<std::size_t>(index) - 1];
  }
};

/// A statement run whole: its rows arrive in one result.
class PgStatement final : public PgRows {
public:
  PgStatement(PgConnection& c, const std::string& sql) : PgRows(sql), c_(c) {}
  bool step() override {
    if (!ran_) run();
    ++row_;
    return row_ < PQntuples(result_.r);
  }
  int exec() override {
    run();
    const char* n = PQcmdTuples(result_.r);
    return n && *n ? std::atoi(n) : 0;
  }
  void reset() override {
    result_ = Result();
    ran_ = false;
    row_ = -1;
  }

private:
  void run() {
    std::vector<const char*> v = values();
    int n = static_cast<int>(v.size());
    std::string name = c_.prepared_name(sql_, n);
    PGresult* res = name.empty() ? PQexecParams(c_.handle(), sql_.c_str(), n, nullptr, v.data(), nullptr, nullptr, 0)
                                 : PQexecPrepared(c_.handle(), name.c_str(), n, v.data(), nullptr, nullptr, 0);
    result_ = checked(c_.handle(), res, original_);
    ran_ = true;
    row_ = -1;
  }

  PgConnection& c_;
  bool ran_ = false;
};

/// A query whose rows may be many, read through a cursor a page at a time, so a run of millions of decisions is never
/// held whole in memory.
class PgCursor final : public PgRows {
public:
  static constexpr int kPage = 5000;

  PgCursor(PgConnection& c, const std::string& sql) : PgRows(sql), c_(c) {}
  ~PgCursor() override {
    try {
      close();
    } catch (...) {  // the connection is gone or the transaction aborted: the error that did it has been reported
    }
  }
  bool step() override {
    if (!open_ && !done_) open();
    for (;;) {
      if (result_.r && ++row_ < PQntuples(result_.r)) return true;
      if (done_) return false;
      fetch();
    }
  }
  int exec() override { throw std::logic_error("a cursor is read with step(), not run with exec()"); }
  void reset() override {
    close();
    done_ = false;
  }

private:
  void open() {
    name_ = c_.cursor_opened();
    std::string declare = "DECLARE " + name_ + " NO SCROLL CURSOR FOR " + sql_;
    std::vector<const char*> v = values();
    try {
      checked(c_.handle(), PQexecParams(c_.handle(), declare.c_str(), static_cast<int>(v.size()), nullptr, v.data(), nullptr, nullptr, 0),
              original_);
    } catch (...) {  // not declared: the transaction begun for it (if any) ends here, so the connection stays usable
      c_.cursor_closed(name_, PgConnection::CursorEnd::NotDeclared);
      throw;
    }
    open_ = true;
    result_ = Result();
    row_ = -1;
  }
  void fetch() {
    std::string sql = "FETCH FORWARD " + std::to_string(kPage) + " FROM " + name_;
    result_ = checked(c_.handle(), PQexec(c_.handle(), sql.c_str()), original_);
    row_ = -1;
    if (PQntuples(result_.r) < kPage) {  // the last page: the cursor is closed, its rows are still read from result_
      done_ = true;
      close_cursor();
    }
  }
  void close() {
    result_ = Result();
    row_ = -1;
    close_cursor();
  }
  void close_cursor() {
    if (!open_) return;
    open_ = false;
    c_.cursor_closed(name_, done_ ? PgConnection::CursorEnd::ReadToEnd : PgConnection::CursorEnd::Left);
  }

  PgConnection& c_;
  std::string name_;
  bool open_ = false, done_ = false;
};

void ignore_notice(void*, const char*) {}

/// `text` as a field of COPY's text format: backslash, tab, newline and carriage return escaped.
void append_copy_field(std::string& out, const std::string& text) {
  for (char ch : text) {
    switch (ch) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += ch;
    }
  }
}

}  // namespace

std::string pg_placeholders(const std::string& sql, int& count) {
  std::string out;
  out.reserve(sql.size() + 16);
  int highest = 0;
  char quote = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    char ch = sql[i];
    if (quote) {
      out += ch;
      if (ch == quote) quote = 0;
      continue;
    }
    if (ch == '\'' || ch == '"') {
      quote = ch;
      out += ch;
      continue;
    }
    if (ch != '?') {
      out += ch;
      continue;
    }
    std::size_t j = i + 1;
    int number = 0;
    while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') number = number * 10 + (sql[j++] - '0');
    if (j == i + 1) number = highest + 1;  // a bare '?': one more than the highest so far, as SQLite numbers it
    if (number > highest) highest = number;
    out += "$" + std::to_string(number);
    i = j - 1;
  }
  count = highest;
  return out;
}

std::string pg_redacted(const std::string& uri) {
  std::string out = uri;
  // postgresql://user:secret@host → postgresql://user@host
  if (std::size_t scheme = out.find("://"); scheme != std::string::npos) {
    std::size_t at = out.find('@', scheme + 3), slash = out.find('/', scheme + 3);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      std::size_t colon = out.find(':', scheme + 3);
      if (colon != std::string::npos && colon < at) out.erase(colon, at - colon);
    }
  }
  // …?password=secret&… → …?password=…&…
  for (std::size_t p = out.find("password="); p != std::string::npos; p = out.find("password=", p + 1)) {
    std::size_t end = out.find('&', p);
    out.replace(p + 9, (end == std::string::npos ? out.size() : end) - (p + 9), "…");
  }
  return out;
}

PgConnection::PgConnection(const std::string& uri) {
  // Over TCP, a server that vanished without closing the connection (a failover, a cut network) is noticed within
  // about a minute instead of hanging every request: keepalives and a user timeout, and at most 10 s to connect.
  // These come before the URI, so anything the URI itself says wins (libpq: later entries override earlier ones).
  const char* keywords[] = {"connect_timeout", "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count",
                            "tcp_user_timeout", "dbname", nullptr};
  const char* values[] = {"10", "1", "30", "10", "3", "60000", uri.c_str(), nullptr};
  conn_ = PQconnectdbParams(keywords, values, 1);
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    std::string message = conn_ ? PQerrorMessage(conn_) : "out of memory";
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    if (conn_) PQfinish(conn_);
    conn_ = nullptr;
    throw PgError(message, "08001");
  }
  PQsetNoticeProcessor(conn_, ignore_notice, nullptr);  // "already exists, skipping" and the like are not for people
  exec("SET client_min_messages = warning; SET TIME ZONE 'UTC'; SET client_encoding = 'UTF8'");
}

PgConnection::~PgConnection() {
  if (conn_) PQfinish(conn_);
}

std::unique_ptr<SqlStatement::Impl> PgConnection::prepare(const std::string& sql) { return std::make_unique<PgStatement>(*this, sql); }

std::unique_ptr<SqlStatement::Impl> PgConnection::prepare_stream(const std::string& sql) { return std::make_unique<PgCursor>(*this, sql); }

std::string PgConnection::cursor_opened() {
  // A cursor lives in a transaction: outside one, the first cursor begins a read-only one, ended with the last.
  if (cursors_open_ == 0 && !in_transaction()) {
    begin_read();
    cursor_transaction_ = true;
  }
  ++cursors_open_;
  return "entitle_cursor_" + std::to_string(++cursor_serial_);
}

void PgConnection::cursor_closed(const std::string& name, CursorEnd end) {
  // Best effort, never throwing: a cursor left before its end is closed only while it still exists (an aborted or
  // ended transaction has closed it, and a CLOSE of a cursor that is gone would abort the transaction that follows).
  --cursors_open_;
  try {
    if (end == CursorEnd::ReadToEnd) {
      exec("CLOSE " + name);
    } else if (end == CursorEnd::Left && PQtransactionStatus(conn_) == PQTRANS_INTRANS) {
      Result open = checked(conn_, PQexecParams(conn_, "SELECT 1 FROM pg_cursors WHERE name = $1", 1, nullptr,
                                                std::vector<const char*>{name.c_str()}.data(), nullptr, nullptr, 0),
                            "pg_cursors");
      if (PQntuples(open.r) > 0) exec("CLOSE " + name);
    }
  } catch (...) {  // the connection is gone: nothing to close
  }
  if (cursors_open_ == 0 && cursor_transaction_) {
    cursor_transaction_ = false;
    try {
      if (PQtransactionStatus(conn_) == PQTRANS_INTRANS) commit();
      else if (in_transaction()) rollback();
    } catch (...) {  // a read-only transaction: nothing of it to keep
    }
  }
}

std::string PgConnection::prepared_name(const std::string& sql, int params) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    prepared_.emplace(sql, "");
    return "";
  }
  if (it->second.empty()) {
    std::string name = "entitle_" + std::to_string(++prepared_count_);
    checked(conn_, PQprepare(conn_, name.c_str(), sql.c_str(), params, nullptr), sql);
    it->second = name;
  }
  return it->second;
}

std::size_t PgConnection::insert_rows(const SqlRows& rows) {
  if (rows.empty()) return 0;
  const std::size_t width = rows.columns().size();
  if (rows.cells().size() % width != 0) throw std::logic_error("SqlRows for " + rows.table() + ": an unfinished row");
  std::string names;
  for (const std::string& c : rows.columns()) names += (names.empty() ? "\"" : ", \"") + c + "\"";
  const std::string sql = "COPY " + rows.table() + "(" + names + ") FROM STDIN";
  checked(conn_, PQexec(conn_, sql.c_str()), sql, true);
  std::string buffer;
  buffer.reserve(1 << 20);
  auto send = [&] {
    if (!buffer.empty() && PQputCopyData(conn_, buffer.data(), static_cast<int>(buffer.size())) != 1) {
      std::string message = PQerrorMessage(conn_);
      throw PgError("COPY into " + rows.table() + " failed: " + message, "08006");
    }
    buffer.clear();
  };
  const auto& cells = rows.cells();
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const SqlRows::Cell& cell = cells[i];
    switch (cell.kind) {
      case SqlRows::Kind::Null: buffer += "\\N"; break;
      case SqlRows::Kind::Integer: buffer += std::to_string(cell.integer); break;
      case SqlRows::Kind::Text: append_copy_field(buffer, cell.text); break;
    }
    buffer += (i + 1) % width == 0 ? '\n' : '\t';
    if (buffer.size() >= (1u << 20)) send();
  }
  send();
  if (PQputCopyEnd(conn_, nullptr) != 1) throw PgError("COPY into " + rows.table() + " failed: " + PQerrorMessage(conn_), "08006");
  // The COPY's outcome (a unique or check violation, a full disk) comes as its result.
  // Every result is read before the first failure is reported, so the connection is ready for the next statement.
  std::vector<Result> results;
  for (PGresult* res = PQgetResult(conn_); res; res = PQgetResult(conn_)) results.emplace_back(res);
  for (Result& r : results) checked(conn_, std::exchange(r.r, nullptr), sql);
  return rows.row_count();
}

void PgConnection::exec(const std::string& sql) { checked(conn_, PQexec(conn_, sql.c_str()), sql); }

void PgConnection::begin_write() {
  exec("BEGIN");
  exec("SELECT pg_advisory_xact_lock(" + std::to_string(kPgWriteLock) + ")");
}

void PgConnection::begin_read() { exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); }

void PgConnection::commit() {
  // A transaction an error has aborted answers COMMIT with ROLLBACK: that is a failure, never a silent loss.
  Result r = checked(conn_, PQexec(conn_, "COMMIT"), "COMMIT");
  if (std::strcmp(PQcmdStatus(r.r), "ROLLBACK") == 0)
    throw PgError("the transaction was rolled back by an earlier error, not committed", "25P02");
}

void PgConnection::rollback() { exec("ROLLBACK"); }

bool PgConnection::connected() { return conn_ && PQstatus(conn_) == CONNECTION_OK; }

bool PgConnection::in_transaction() { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }

}  // namespace entitle
