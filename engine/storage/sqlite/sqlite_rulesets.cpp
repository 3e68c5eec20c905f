// sqlite_rulesets.cpp — SQL for rule sets and their standards.
#include "engine/storage/sqlite/sqlite_rulesets.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <nlohmann/json.hpp>

#include "engine/storage/sqlite/sqlite_ledger.hpp"
#include "engine/storage/sqlite/sqlite_storage.hpp"

namespace entitle {

void SqliteRulesetRepository::store(const LoadedRules& loaded) {
  SqliteStorage& db = s_;
  const ir::RuleSet& rs = *loaded.rules;
  SQLite::Statement exists(db.db(), "SELECT 1 FROM rulesets WHERE hash = ?");
  exists.bind(1, rs.hash);
  if (exists.executeStep()) return;
  nlohmann::json sources = nlohmann::json::array();
  for (std::size_t f = 0; f < rs.files.size(); ++f)
    sources.push_back({{"file", rs.files[f]}, {"text", loaded.sources.text(static_cast<FileId>(f))}});
  db.in_write([&] {
  SQLite::Statement ins(db.db(), "INSERT INTO rulesets(hash, sources, stored) VALUES (?, ?, datetime('now'))");
  ins.bind(1, rs.hash);
  ins.bind(2, sources.dump());
  ins.exec();
  SQLite::Statement st(db.db(),
                       "INSERT INTO standards(ruleset, standard, label, region, key, valid_from, valid_until, value, cite) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const ir::Standard& s : rs.standards)
    for (const ir::StandardRow& row : s.rows)
      for (const ir::StandardValue& v : row.values) {
        st.bind(1, rs.hash);
        st.bind(2, s.name);
        st.bind(3, s.label);
        st.bind(4, row.region.empty() ? std::string("all") : row.region);
        st.bind(5, row.key >= 0 ? rs.enums[s.key_enum].values[row.key] : std::string());
        st.bind(6, v.from.to_string());
        if (v.until) st.bind(7, v.until->to_string());
        else st.bind(7);
        if (v.expr < 0) st.bind(8);
        else st.bind(8, std::string(loaded.sources.slice(rs.nodes[v.expr].span)) + (v.given_per.empty() ? "" : " per " + v.given_per));
        st.bind(9, v.cite.empty() ? s.cite : v.cite);
        st.exec();
        st.reset();
      }
  db.sqlite_ledger().touch("ruleset:" + rs.hash);
  });
}

std::vector<std::pair<std::string, std::string>> SqliteRulesetRepository::sources(const std::string& hash) {
  SqliteStorage& db = s_;
  std::vector<std::pair<std::string, std::string>> out;
  SQLite::Statement st(db.db(), "SELECT sources FROM rulesets WHERE hash = ?");
  st.bind(1, hash);
  if (!st.executeStep()) return out;
  const SQLite::Column col = st.getColumn(0);
  auto damaged = [&](const std::string& found) {
    return db.damaged("rulesets", "(hash " + hash + ")", "sources", "a JSON list of {\"file\", \"text\"}", found);
  };
  if (!col.isText()) throw damaged(col.isNull() ? "NULL" : "a value of another type");
  nlohmann::json files = nlohmann::json::parse(col.getString(), nullptr, false);
  if (files.is_discarded() || !files.is_array()) throw damaged("'" + col.getString() + "'");
  for (const auto& f : files) {
    if (!f.is_object() || !f.contains("file") || !f.contains("text") || !f["file"].is_string() || !f["text"].is_string())
      throw damaged("an entry " + f.dump().substr(0, 60));
    out.emplace_back(f["file"].get<std::string>(), f["text"].get<std::string>());
  }
  return out;
}

}  // namespace entitle
