// sql_runs.cpp — SQL for runs, run_households and decisions; every value read back is checked against what its
// column must hold.
#include "engine/storage/sql/sql_runs.hpp"

#include "engine/storage/sql/sql_connection.hpp"
#include "engine/storage/sql/sql_rows.hpp"

#include <nlohmann/json.hpp>

#include "engine/storage/sql/sql_ledger.hpp"
#include "engine/storage/sql/sql_storage.hpp"
#include "engine/values/calendar.hpp"

namespace entitle {

namespace {

std::string in_quotes(const std::string& s) { return "'" + s + "'"; }

/// A name a rule file can declare: letters, digits, '_' or non-ASCII UTF-8, not starting with a digit.
bool is_rule_name(const std::string& s) {
  if (s.empty() || s.size() > 200 || (s[0] >= '0' && s[0] <= '9') || !is_valid_utf8(s)) return false;
  for (char ch : s) {
    unsigned char u = static_cast<unsigned char>(ch);
    if (!(u >= 0x80 || u == '_' || (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z'))) return false;
  }
  return true;
}

/// What a column holds, shown in an error: the text as stored, or its SQLite type.
std::string shown(const SqlValue& c) {
  if (c.is_null()) return "NULL";
  if (c.is_text()) return in_quotes(c.text());
  if (c.is_integer()) return "the number " + std::to_string(c.int64());
  if (c.is_real()) return "the number " + c.text();
  return "a blob of " + std::to_string(c.bytes().size()) + " bytes";
}

/// Reads the columns of one row, naming the table and the row's key in any error.
class RowReader {
public:
  RowReader(const SqlStorage& db, SqlStatement& st, std::string table) : db_(db), st_(st), table_(std::move(table)) {}
  void key(std::string k) { key_ = std::move(k); }

  std::string text(int i, const char* column) {
    const SqlValue c = st_.column(i);
    if (!c.is_text()) throw fail(column, "text", shown(c));
    return c.text();
  }
  std::optional<std::string> optional_text(int i, const char* column) {
    if (st_.column(i).is_null()) return std::nullopt;
    return text(i, column);
  }
  std::int64_t integer(int i, const char* column) {
    const SqlValue c = st_.column(i);
    if (!c.is_integer()) throw fail(column, "a whole number", shown(c));
    return c.int64();
  }
  std::string month(int i, const char* column) {
    std::string m = text(i, column);
    if (!Month::parse(m)) throw fail(column, "a month YYYY-MM", in_quotes(m));
    return m;
  }
  std::optional<Rational> amount(int i, const char* column) {
    auto t = optional_text(i, column);
    if (!t) return std::nullopt;
    auto r = Rational::parse_decimal(*t);
    if (!r || r->sign() < 0 || !r->has_at_most_decimals(2) || Rational(kMaxStoredAmount) < *r)
      throw fail(column, "an exact amount of money (0.00 to " + std::to_string(kMaxStoredAmount) + ".00, at most two decimals)",
                 in_quotes(*t));
    return r;
  }
  nlohmann::json json_array(int i, const char* column, const char* of_what) {
    auto t = optional_text(i, column);
    if (!t) return nlohmann::json::array();
    nlohmann::json j = nlohmann::json::parse(*t, nullptr, false);
    if (j.is_discarded() || !j.is_array()) throw fail(column, std::string("a JSON list of ") + of_what, in_quotes(*t));
    return j;
  }
  std::vector<std::string> strings(int i, const char* column) {
    nlohmann::json j = json_array(i, column, "texts");
    std::vector<std::string> out;
    for (const auto& e : j) {
      if (!e.is_string()) throw fail(column, "a JSON list of texts", in_quotes(st_.column(i).text()));
      out.push_back(e.get<std::string>());
    }
    return out;
  }
  std::vector<StaleValue> stale(int i, const char* column) {
    nlohmann::json j = json_array(i, column, "standard values");
    std::vector<StaleValue> out;
    for (const auto& e : j) {
      auto field = [&](const char* name, std::string& into) {
        auto it = e.find(name);
        if (it == e.end()) return;
        if (!it->is_string())
          throw fail(column, std::string("a JSON list of standard values with text fields (\"") + name + "\")",
                     in_quotes(st_.column(i).text()));
        into = it->get<std::string>();
      };
      if (!e.is_object()) throw fail(column, "a JSON list of standard values (objects)", in_quotes(st_.column(i).text()));
      StaleValue v;
      field("standard", v.standard);
      field("label", v.label);
      field("region", v.region);
      field("key", v.key);
      field("from", v.from);
      field("cite", v.cite);
      field("renewal", v.renewal);
      if (v.standard.empty()) throw fail(column, "a JSON list of standard values, each naming its \"standard\"", in_quotes(st_.column(i).text()));
      out.push_back(std::move(v));
    }
    return out;
  }
  StorageError fail(const char* column, const std::string& expected, const std::string& found) const {
    return db_.damaged(table_, key_, column, expected, found);
  }

private:
  const SqlStorage& db_;
  SqlStatement& st_;
  std::string table_, key_;
};

const char* kRunColumns = "SELECT id, ruleset, period_from, period_to, status, households, bad_records, kind, started, "
                          "coalesce(finished, ''), coalesce(approved_by, ''), coalesce(approved_at, '') FROM runs ";

RunInfo read_run(const SqlStorage& db, SqlStatement& st) {
  RowReader row(db, st, "runs");
  RunInfo r;
  r.id = st.column(0).int64();  // the INTEGER PRIMARY KEY is always an integer
  row.key("(id " + std::to_string(r.id) + ")");
  r.ruleset = row.text(1, "ruleset");
  r.period_from = row.month(2, "period_from");
  r.period_to = row.month(3, "period_to");
  r.status = row.text(4, "status");
  if (r.status != "running" && r.status != "complete") throw row.fail("status", "'running' or 'complete'", in_quotes(r.status));
  r.households = row.integer(5, "households");
  r.bad_records = row.integer(6, "bad_records");
  r.kind = row.text(7, "kind");
  r.started = row.text(8, "started");
  r.finished = row.text(9, "finished");
  r.approved_by = row.text(10, "approved_by");
  r.approved_at = row.text(11, "approved_at");
  return r;
}

const char* kDecisionColumns =
    "SELECT household_id, period, program, eligible, amount, per, members, missing, kind, review, stale, exception, excluded_by, "
    "choice, option_amount FROM decisions ";

StoredDecision read_decision(const SqlStorage& db, SqlStatement& st, std::int64_t run) {
  RowReader row(db, st, "decisions");
  StoredDecision d;
  row.key("(run " + std::to_string(run) + ")");
  d.household = row.text(0, "household_id");
  d.period = row.text(1, "period");
  d.program = row.text(2, "program");
  row.key("(run " + std::to_string(run) + ", household " + d.household + ", " + d.period + ", " + d.program + ")");
  if (!Month::parse(d.period) || d.period.size() != 7) throw row.fail("period", "a month YYYY-MM", in_quotes(d.period));
  if (!is_rule_name(d.program)) throw row.fail("program", "a program's name", in_quotes(d.program));
  const SqlValue eligible = st.column(3);
  if (!eligible.is_null() && !(eligible.is_integer() && (eligible.int64() == 0 || eligible.int64() == 1)))
    throw row.fail("eligible", "1, 0 or NULL", shown(eligible));
  d.amount = row.amount(4, "amount");
  d.per = row.text(5, "per");
  if (d.per != "month" && d.per != "semester" && d.per != "year" && d.per != "once")
    throw row.fail("per", "month, semester, year or once", in_quotes(d.per));
  d.members = row.strings(6, "members");
  d.missing = row.strings(7, "missing");
  auto kind_text = row.optional_text(8, "kind");
  if (!kind_text) throw row.fail("kind", "the decision's kind", "NULL");
  auto kind = decision_kind_from_name(*kind_text);
  if (!kind)
    throw row.fail("kind", "granted, amount_undetermined, undetermined, not_granted, excluded or choice_needed", in_quotes(*kind_text));
  d.kind = *kind;
  // The kind and the eligible and amount columns must tell the same story.
  bool consistent = true;
  switch (d.kind) {
    case DecisionKind::Granted: consistent = !eligible.is_null() && eligible.int64() == 1 && d.amount; break;
    case DecisionKind::AmountUndetermined: consistent = !eligible.is_null() && eligible.int64() == 1 && !d.amount; break;
    case DecisionKind::Undetermined: consistent = eligible.is_null() && !d.amount; break;
    default: consistent = !eligible.is_null() && eligible.int64() == 0 && !d.amount; break;
  }
  if (!consistent)
    throw row.fail("kind", "a kind agreeing with eligible and amount (" + shown(eligible) + ", " +
                               (d.amount ? in_quotes(d.amount->to_fixed(2)) : std::string("NULL")) + ")",
                   in_quotes(*kind_text));
  d.review = row.strings(9, "review");
  d.stale = row.stale(10, "stale");
  d.exception = row.optional_text(11, "exception").value_or("");
  d.excluded_by = row.optional_text(12, "excluded_by").value_or("");
  d.choice = row.strings(13, "choice");
  d.option_amount = row.amount(14, "option_amount");
  return d;
}

std::string json_list(const std::vector<std::string>& items) { return nlohmann::json(items).dump(); }

std::string json_stale(const std::vector<StaleValue>& values) {
  nlohmann::json out = nlohmann::json::array();
  for (const StaleValue& v : values)
    out.push_back({{"standard", v.standard}, {"label", v.label}, {"region", v.region}, {"key", v.key}, {"from", v.from},
                   {"cite", v.cite}, {"renewal", v.renewal}});
  return out.dump();
}

}  // namespace

std::optional<RunInfo> SqlRunRepository::find_unfinished(const std::string& ruleset, const std::string& from, const std::string& to,
                                                 const std::string& kind) {
  SqlStatement st(s_.sql(), std::string(kRunColumns) +
                                     "WHERE ruleset = ? AND period_from = ? AND period_to = ? AND status = 'running' AND kind = ? "
                                     "ORDER BY id DESC LIMIT 1");
  st.bind(4, kind);
  st.bind(1, ruleset);
  st.bind(2, from);
  st.bind(3, to);
  if (st.step()) return read_run(s_, st);
  return std::nullopt;
}

RunInfo SqlRunRepository::create(const std::string& ruleset, const std::string& from, const std::string& to, const std::string& kind) {
  std::int64_t id = 0;
  s_.in_write([&] {
    SqlStatement st(s_.sql(), "INSERT INTO runs(ruleset, period_from, period_to, started, status, kind) "
                                   "VALUES (?, ?, ?, ?, 'running', ?) RETURNING id");
    st.bind(4, utc_timestamp());
    st.bind(5, kind);
    st.bind(1, ruleset);
    st.bind(2, from);
    st.bind(3, to);
    st.step();
    id = st.column(0).int64();
    st.reset();
    s_.sql_ledger().touch("run:" + std::to_string(id));
  });
  return *get(id);
}

std::optional<RunInfo> SqlRunRepository::get(std::int64_t id) {
  SqlStatement st(s_.sql(), std::string(kRunColumns) + "WHERE id = ?");
  st.bind(1, id);
  if (st.step()) return read_run(s_, st);
  return std::nullopt;
}

std::vector<RunInfo> SqlRunRepository::list() {
  std::vector<RunInfo> out;
  SqlStatement st(s_.sql(), std::string(kRunColumns) + "ORDER BY id");
  while (st.step()) out.push_back(read_run(s_, st));
  return out;
}

void SqlRunRepository::write(std::int64_t run, const std::vector<HouseholdOutcome>& chunk) {
  s_.in_write([&] { write_in_transaction(run, chunk); });
}

void SqlRunRepository::write_in_transaction(std::int64_t run, const std::vector<HouseholdOutcome>& chunk) {
  SqlLedger& ledger = s_.sql_ledger();
  const std::int64_t seq = ledger.pending_seq();
  const std::string group = group_name_decisions(run, seq);
  SqlRows done("run_households", {"run_id", "household_id", "input_hash", "error", "ledger_seq"});
  SqlRows dec("decisions", {"run_id", "household_id", "period", "program", "eligible", "amount", "per", "members", "missing", "kind",
                            "review", "stale", "exception", "excluded_by", "choice", "option_amount"});
  done.reserve_rows(chunk.size());
  // Each value is added to its row and written into the decision's canonical bytes (the ledger's digest) in column
  // order.
  std::optional<ledger::Canon> canon;
  auto text = [&](const std::string& s) {
    dec.add(s);
    canon->text(s);
  };
  auto text_or_null = [&](const std::string& s) {
    if (s.empty()) dec.add_null(), canon->null();
    else dec.add(s), canon->text(s);
  };
  auto null = [&] {
    dec.add_null();
    canon->null();
  };
  std::int64_t bad = 0;
  for (const HouseholdOutcome& h : chunk) {
    done.add(run);
    done.add(h.household_id);
    done.add(h.input_hash);
    if (h.error.empty()) done.add_null();
    else done.add(h.error), ++bad;
    done.add(seq);
    std::vector<std::string> decision_bytes;
    for (const StoredDecision& d : h.decisions) {
      canon.emplace("decision");
      dec.add(run);
      dec.add(h.household_id);
      text(d.period);
      text(d.program);
      switch (d.kind) {
        case DecisionKind::Granted:
        case DecisionKind::AmountUndetermined: dec.add(1), canon->integer(1); break;
        case DecisionKind::Undetermined: null(); break;
        default: dec.add(0), canon->integer(0); break;
      }
      // Only a granted decision has an amount; the amount column stays NULL for every other kind.
      if (d.kind == DecisionKind::Granted && d.amount) text(d.amount->to_fixed(2));
      else null();
      text(d.per);
      text(json_list(d.members));
      text_or_null(d.missing.empty() ? std::string() : json_list(d.missing));
      // A granted decision without a known amount is stored as what it is: amount undetermined.
      DecisionKind kind = d.kind == DecisionKind::Granted && !d.amount ? DecisionKind::AmountUndetermined : d.kind;
      text(std::string(decision_kind_name(kind)));
      text_or_null(d.review.empty() ? std::string() : json_list(d.review));
      text_or_null(d.stale.empty() ? std::string() : json_stale(d.stale));
      text_or_null(d.exception);
      text_or_null(d.excluded_by);
      text_or_null(d.choice.empty() ? std::string() : json_list(d.choice));
      if (d.kind == DecisionKind::ChoiceNeeded && d.option_amount) text(d.option_amount->to_fixed(2));
      else null();
      decision_bytes.push_back(canon->bytes());
    }
    ledger.add_group_row(group, run_household_digest(run, h.household_id, h.input_hash,
                                                     h.error.empty() ? std::nullopt : std::optional<std::string>(h.error),
                                                     std::move(decision_bytes)));
  }
  s_.sql().insert_rows(done);
  s_.sql().insert_rows(dec);
  SqlStatement upd(s_.sql(), "UPDATE runs SET households = households + ?, bad_records = bad_records + ? WHERE id = ?");
  upd.bind(1, static_cast<std::int64_t>(chunk.size()));
  upd.bind(2, bad);
  upd.bind(3, run);
  upd.exec();
  ledger.touch("run:" + std::to_string(run));
}

void SqlRunRepository::finish(std::int64_t run) {
  s_.in_write([&] {
    SqlStatement st(s_.sql(), "UPDATE runs SET status = 'complete', finished = ? WHERE id = ?");
    st.bind(1, utc_timestamp());
    st.bind(2, run);
    st.exec();
    s_.sql_ledger().touch("run:" + std::to_string(run));
  });
}

std::int64_t SqlRunRepository::done_count(std::int64_t run) {
  SqlStatement st(s_.sql(), "SELECT count(*) FROM run_households WHERE run_id = ?");
  st.bind(1, run);
  st.step();
  return st.column(0).int64();
}

std::map<std::string, std::string> SqlRunRepository::finished_households(std::int64_t run) {
  std::map<std::string, std::string> out;
  SqlStatement st(s_.sql(), "SELECT household_id, input_hash FROM run_households WHERE run_id = ? AND error IS NULL");
  st.bind(1, run);
  RowReader row(s_, st, "run_households");
  while (st.step()) {
    row.key("(run " + std::to_string(run) + ")");
    std::string id = row.text(0, "household_id");
    row.key("(run " + std::to_string(run) + ", household " + id + ")");
    out[id] = row.text(1, "input_hash");
  }
  return out;
}

std::optional<std::pair<std::string, std::string>> SqlRunRepository::household_in_run(std::int64_t run, const std::string& household) {
  SqlStatement st(s_.sql(), "SELECT input_hash, error FROM run_households WHERE run_id = ? AND household_id = ?");
  st.bind(1, run);
  st.bind(2, household);
  if (!st.step()) return std::nullopt;
  RowReader row(s_, st, "run_households");
  row.key("(run " + std::to_string(run) + ", household " + household + ")");
  return std::make_pair(row.text(0, "input_hash"), row.optional_text(1, "error").value_or(""));
}

std::vector<std::string> SqlRunRepository::error_examples(std::int64_t run, int limit) {
  std::vector<std::string> out;
  SqlStatement st(s_.sql(), "SELECT household_id, error FROM run_households WHERE run_id = ? AND error IS NOT NULL ORDER BY household_id LIMIT ?");
  st.bind(1, run);
  st.bind(2, limit);
  RowReader row(s_, st, "run_households");
  while (st.step()) {
    row.key("(run " + std::to_string(run) + ")");
    std::string id = row.text(0, "household_id");
    row.key("(run " + std::to_string(run) + ", household " + id + ")");
    out.push_back(id + ": " + row.text(1, "error"));
  }
  return out;
}

void SqlRunRepository::for_each_decision(std::int64_t run, const std::string& from, const std::string& to,
                                 const std::function<void(const StoredDecision&)>& each) {
  // Every row of the run is read (the key's first column is the run) and its month checked against the run's months,
  // so a damaged period is an error rather than a decision silently left out. In key order on every backend (SQLite's
  // table is stored in it; PostgreSQL reads its primary key's index), so reports list decisions alike.
  std::optional<RunInfo> info = get(run);
  SqlStatement st = SqlStatement::streamed(s_.sql(), std::string(kDecisionColumns) + "WHERE run_id = ? ORDER BY household_id, period, program");
  st.bind(1, run);
  while (st.step()) {
    const SqlValue p = st.column(1);
    if (info && p.is_text()) {  // the usual case, without decoding the row: a month of the run outside from..to
      std::string period = p.text();
      if (period.size() == 7 && period >= info->period_from && period <= info->period_to && Month::parse(period) &&
          (period < from || period > to))
        continue;
    }
    StoredDecision d = read_decision(s_, st, run);
    if (info && (d.period < info->period_from || d.period > info->period_to))
      throw s_.damaged("decisions", "(run " + std::to_string(run) + ", household " + d.household + ", " + d.period + ", " + d.program + ")",
                       "period", "a month of the run (" + info->period_from + " to " + info->period_to + ")", in_quotes(d.period));
    if (d.period >= from && d.period <= to) each(d);
  }
}

std::vector<StoredDecision> SqlRunRepository::decisions_of(std::int64_t run, const std::string& household, const std::string& period) {
  std::vector<StoredDecision> out;
  SqlStatement st(s_.sql(), std::string(kDecisionColumns) + "WHERE run_id = ? AND household_id = ? AND period = ? ORDER BY program");
  st.bind(1, run);
  st.bind(2, household);
  st.bind(3, period);
  while (st.step()) out.push_back(read_decision(s_, st, run));
  return out;
}

}  // namespace entitle

namespace entitle {

bool SqlRunRepository::approve(std::int64_t run, const std::string& user) {
  SqlStatement st(s_.sql(), "UPDATE runs SET approved_by = ?, approved_at = ? "
                                 "WHERE id = ? AND status = 'complete' AND kind = 'batch' AND approved_by IS NULL");
  st.bind(1, user);
  st.bind(2, utc_timestamp());
  st.bind(3, run);
  bool approved = false;
  s_.in_write([&] {
    approved = st.exec() == 1;
    if (approved) s_.sql_ledger().touch("run:" + std::to_string(run));
  });
  return approved;
}

std::optional<RunInfo> SqlRunRepository::approved_for(const std::string& period) {
  SqlStatement st(s_.sql(), std::string(kRunColumns) +
                                     "WHERE approved_by IS NOT NULL AND period_from <= ?1 AND period_to >= ?1 "
                                     "ORDER BY approved_at DESC, id DESC LIMIT 1");
  st.bind(1, period);
  if (st.step()) return read_run(s_, st);
  return std::nullopt;
}

std::vector<RunInfo> SqlRunRepository::runs_of_household(const std::string& household) {
  std::vector<RunInfo> out;
  SqlStatement st(s_.sql(), std::string(kRunColumns) +
                                     "WHERE kind = 'batch' AND id IN (SELECT run_id FROM run_households WHERE household_id = ?) "
                                     "ORDER BY id DESC");
  st.bind(1, household);
  while (st.step()) out.push_back(read_run(s_, st));
  return out;
}

}  // namespace entitle
