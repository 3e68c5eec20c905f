// sql_rulesets.cpp — SQL for rule sets and their standards.
#include "engine/storage/sql/sql_rulesets.hpp"

#include "engine/storage/sql/sql_connection.hpp"
#include "engine/storage/sql/sql_connection.hpp"

#include <nlohmann/json.hpp>

#include "engine/storage/sql/sql_ledger.hpp"
#include "engine/storage/sql/sql_storage.hpp"

namespace entitle {

void SqlRulesetRepository::store(const LoadedRules& loaded) {
  SqlStorage& db = s_;
  const ir::RuleSet& rs = *loaded.rules;
  SqlStatement exists(db.sql(), "SELECT 1 FROM rulesets WHERE hash = ?");
  exists.bind(1, rs.hash);
  if (exists.step()) return;
  nlohmann::json sources = nlohmann::json::array();
  for (std::size_t f = 0; f < rs.files.size(); ++f)
    sources.push_back({{"file", rs.files[f]}, {"text", loaded.sources.text(static_cast<FileId>(f))}});
  db.in_write([&] {
  SqlStatement ins(db.sql(), "INSERT INTO rulesets(hash, sources, stored) VALUES (?, ?, ?)");
  ins.bind(1, rs.hash);
  ins.bind(2, sources.dump());
  ins.bind(3, utc_datetime());
  ins.exec();
  SqlStatement st(db.sql(),
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
        else st.bind_null(7);
        if (v.expr < 0) st.bind_null(8);
        else st.bind(8, std::string(loaded.sources.slice(rs.nodes[v.expr].span)) + (v.given_per.empty() ? "" : " per " + v.given_per));
        st.bind(9, v.cite.empty() ? s.cite : v.cite);
        st.exec();
        st.reset();
      }
  db.sql_ledger().touch("ruleset:" + rs.hash);
  });
}

std::vector<std::pair<std::string, std::string>> SqlRulesetRepository::sources(const std::string& hash) {
  SqlStorage& db = s_;
  std::vector<std::pair<std::string, std::string>> out;
  SqlStatement st(db.sql(), "SELECT sources FROM rulesets WHERE hash = ?");
  st.bind(1, hash);
  if (!st.step()) return out;
  const SqlValue col = st.column(0);
  auto damaged = [&](const std::string& found) {
    return db.damaged("rulesets", "(hash " + hash + ")", "sources", "a JSON list of {\"file\", \"text\"}", found);
  };
  if (!col.is_text()) throw damaged(col.is_null() ? "NULL" : "a value of another type");
  nlohmann::json files = nlohmann::json::parse(col.text(), nullptr, false);
  if (files.is_discarded() || !files.is_array()) throw damaged("'" + col.text() + "'");
  for (const auto& f : files) {
    if (!f.is_object() || !f.contains("file") || !f.contains("text") || !f["file"].is_string() || !f["text"].is_string())
      throw damaged("an entry " + f.dump().substr(0, 60));
    out.emplace_back(f["file"].get<std::string>(), f["text"].get<std::string>());
  }
  return out;
}

}  // namespace entitle
