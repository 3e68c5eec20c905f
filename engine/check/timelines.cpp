// timelines.cpp — checks each standard's dated values per region and key.
#include <map>

#include "engine/check/set_checks.hpp"

namespace entitle::check {

void check_timelines(const ir::RuleSet& rs, DiagnosticSink& sink) {
  for (const ir::Standard& st : rs.standards) {
    std::map<std::pair<std::string, int>, SourceSpan> rows_seen;
    for (const ir::StandardRow& row : st.rows) {
      std::string where = (row.region.empty() ? std::string("all regions") : row.region) +
                          (row.key >= 0 ? " " + rs.enums[st.key_enum].values[row.key] : std::string());
      if (!rows_seen.emplace(std::make_pair(row.region, row.key), row.span).second) {
        auto& d = sink.report(DiagKind::DuplicateDeclaration, row.span, {"the row for " + where + " of standard " + st.name});
        d.notes.push_back({rows_seen[{row.region, row.key}], "first row for " + where});
      }
      for (std::size_t i = 1; i < row.values.size(); ++i) {
        const ir::StandardValue& prev = row.values[i - 1];
        const ir::StandardValue& cur = row.values[i];
        if (cur.from < prev.from) {
          sink.report(DiagKind::TimelineOrder, cur.span, {st.name, where, cur.from.to_string()});
        } else if (cur.from == prev.from || (prev.until && !(*prev.until < cur.from))) {
          sink.report(DiagKind::TimelineOverlap, cur.span, {st.name, where, cur.from.to_string()});
        } else if (prev.until && prev.until->day + 1 < cur.from.day) {
          Date gap_start{prev.until->day + 1}, gap_end{cur.from.day - 1};
          sink.report(DiagKind::TimelineGap, cur.span, {st.name, where, gap_start.to_string(), gap_end.to_string()});
        }
      }
    }
  }
}

}  // namespace entitle::check
