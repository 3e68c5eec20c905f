// tables.cpp — static completeness (gaps) and uniqueness (overlaps) of decision tables, by enumerating every
// region the rows' boundaries cut each input column into.
#include <set>

#include "engine/check/set_checks.hpp"

namespace entitle::check {
namespace {

using ir::TableCell;
using ir::TypeKind;

std::optional<Rational> constant(const ir::RuleSet& rs, int node) {
  if (node < 0) return std::nullopt;
  const ir::ExprNode& n = rs.nodes[node];
  if (n.op == ir::Op::Neg) {
    auto v = constant(rs, n.kids[0]);
    return v ? std::optional<Rational>(-*v) : std::nullopt;
  }
  if (n.op != ir::Op::Const) return std::nullopt;
  if (n.type.is_numeric()) return n.num;
  return Rational(n.scalar);
}

bool matches(const ir::RuleSet& rs, const TableCell& c, const Rational& v) {
  auto a = constant(rs, c.a), b = constant(rs, c.b);
  switch (c.kind) {
    case TableCell::Any: return true;
    case TableCell::Eq: return a && v == *a;
    case TableCell::Ne: return a && v != *a;
    case TableCell::Lt: return a && v < *a;
    case TableCell::Le: return a && v <= *a;
    case TableCell::Gt: return a && v > *a;
    case TableCell::Ge: return a && v >= *a;
    case TableCell::Range: return a && b && *a <= v && v <= *b;
    case TableCell::In:
      for (int s : c.set)
        if (Rational(s) == v) return true;
      return false;
  }
  return false;
}

std::string show(const ir::RuleSet& rs, const ir::Type& t, const Rational& v) {
  if (t.kind == TypeKind::Enum) return rs.enums[t.ref].values[v.num()];
  if (t.kind == TypeKind::Bool) return v.num() ? "true" : "false";
  return v.to_string(4);
}

}  // namespace

void check_tables(const ir::RuleSet& rs, DiagnosticSink& sink) {
  for (const ir::TableDef& t : rs.tables) {
    if (t.rows.empty()) continue;
    // Candidate points per column.
    std::vector<std::vector<Rational>> points(t.params.size());
    bool enumerable = true;
    for (std::size_t col = 0; col < t.params.size(); ++col) {
      const ir::Type& ty = t.params[col];
      if (ty.kind == TypeKind::Enum) {
        for (std::size_t v = 0; v < rs.enums[ty.ref].values.size(); ++v) points[col].push_back(Rational(std::int64_t(v)));
      } else if (ty.kind == TypeKind::Bool) {
        points[col] = {Rational(0), Rational(1)};
      } else if (ty.is_numeric()) {
        Rational step = ty.kind == TypeKind::Integer ? Rational(1) : Rational::fraction(1, 100);
        std::set<std::pair<std::int64_t, std::int64_t>> seen;
        auto add = [&](const Rational& r) {
          if (seen.insert({r.num(), r.den()}).second) points[col].push_back(r);
        };
        for (const auto& row : t.rows)
          for (int node : {row[col].a, row[col].b})
            if (auto c = constant(rs, node)) {
              add(*c);
              // A bound at the edge of exact arithmetic has no neighbour beyond it; the gap check skips that side.
              try { add(*c - step); } catch (const ArithmeticOverflow&) {}
              try { add(*c + step); } catch (const ArithmeticOverflow&) {}
            }
        if (points[col].empty()) add(Rational(0));
      } else {
        enumerable = false;
      }
    }
    if (!enumerable) continue;
    std::size_t total = 1;
    for (const auto& p : points) total *= std::max<std::size_t>(1, p.size());
    if (total > 200000) continue;
    bool gap_reported = false;
    std::set<std::pair<std::size_t, std::size_t>> overlap_reported;
    std::vector<std::size_t> idx(points.size(), 0);
    for (std::size_t n = 0; n < total; ++n) {
      std::vector<std::size_t> hits;
      for (std::size_t r = 0; r < t.rows.size(); ++r) {
        bool all = true;
        for (std::size_t col = 0; col < points.size() && all; ++col) all = matches(rs, t.rows[r][col], points[col][idx[col]]);
        if (all) hits.push_back(r);
      }
      auto describe = [&]() {
        std::string s;
        for (std::size_t col = 0; col < points.size(); ++col)
          s += (col ? ", " : "") + t.param_names[col] + " = " + show(rs, t.params[col], points[col][idx[col]]);
        return s;
      };
      if (hits.empty() && !gap_reported && t.hit != ir::HitPolicy::CollectSum) {
        sink.report(DiagKind::TableGap, t.span, {t.name, describe()});
        gap_reported = true;
      }
      if (hits.size() >= 2 && t.hit == ir::HitPolicy::Unique && overlap_reported.insert({hits[0], hits[1]}).second) {
        auto& d = sink.report(DiagKind::TableOverlap, t.row_spans[hits[1]],
                              {t.name, std::to_string(hits[0] + 1), std::to_string(hits[1] + 1), describe()});
        d.notes.push_back({t.row_spans[hits[0]], "row " + std::to_string(hits[0] + 1) + " is here"});
      }
      for (std::size_t col = 0; col < idx.size(); ++col) {
        if (++idx[col] < points[col].size()) break;
        idx[col] = 0;
      }
    }
  }
}

}  // namespace entitle::check
