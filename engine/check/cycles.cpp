// cycles.cpp — finds circular dependencies between definitions, standards and programs.
#include <functional>

#include "engine/check/set_checks.hpp"

namespace entitle::check {
namespace {

// Graph vertices: definitions [0, D), standards [D, D+S), programs [D+S, D+S+P).
struct Graph {
  const ir::RuleSet& rs;
  int D, S;
  std::vector<std::vector<int>> out;

  explicit Graph(const ir::RuleSet& r) : rs(r), D(int(r.defs.size())), S(int(r.standards.size())) {
    out.resize(D + S + r.programs.size());
  }
  void refs(int node, int from) {
    if (node < 0) return;
    const ir::ExprNode& n = rs.nodes[node];
    if (n.op == ir::Op::Def) add(from, n.a);
    if (n.op == ir::Op::StandardRef) add(from, D + n.a);
    if (n.op == ir::Op::ProgramEligible || n.op == ir::Op::ProgramAmount) add(from, D + S + n.a);
    for (int k : n.kids) refs(k, from);
  }
  void add(int from, int to) {
    for (int x : out[from]) if (x == to) return;
    out[from].push_back(to);
  }
  std::string name(int v) const {
    if (v < D) return rs.entities[rs.defs[v].entity].name + "." + rs.defs[v].name;
    if (v < D + S) return "standard " + rs.standards[v - D].name;
    return "program " + rs.programs[v - D - S].name;
  }
  SourceSpan span(int v) const {
    if (v < D) return rs.defs[v].span;
    if (v < D + S) return rs.standards[v - D].span;
    return rs.programs[v - D - S].span;
  }
};

}  // namespace

void check_cycles(const ir::RuleSet& rs, DiagnosticSink& sink) {
  Graph g(rs);
  for (int d = 0; d < g.D; ++d) {
    g.refs(rs.defs[d].value, d);
    for (const auto& e : rs.defs[d].exceptions) {
      g.refs(e.when, d);
      g.refs(e.value, d);
    }
  }
  for (int s = 0; s < g.S; ++s)
    for (const auto& row : rs.standards[s].rows)
      for (const auto& v : row.values) g.refs(v.expr, g.D + s);
  for (std::size_t p = 0; p < rs.programs.size(); ++p) {
    int v = g.D + g.S + int(p);
    const auto& pr = rs.programs[p];
    for (int n : {pr.eligible, pr.amount, pr.members}) g.refs(n, v);
    for (const auto& e : pr.exceptions)
      for (int n : {e.when, e.eligible, e.amount, e.members}) g.refs(n, v);
    for (int q : pr.excluded_by) g.add(v, g.D + g.S + q);
  }
  // Depth-first search; a grey vertex met again closes a cycle.
  std::vector<int> colour(g.out.size(), 0), stack;
  std::vector<bool> reported(g.out.size(), false);
  std::function<void(int)> visit = [&](int v) {
    colour[v] = 1;
    stack.push_back(v);
    for (int w : g.out[v]) {
      if (colour[w] == 0) {
        visit(w);
      } else if (colour[w] == 1 && !reported[w]) {
        std::string path;
        std::size_t i = stack.size();
        while (i > 0 && stack[i - 1] != w) --i;
        for (std::size_t k = i - 1; k < stack.size(); ++k) {
          path += g.name(stack[k]) + " → ";
          reported[stack[k]] = true;
        }
        path += g.name(w);
        sink.report(DiagKind::DefinitionCycle, g.span(w), {path});
      }
    }
    stack.pop_back();
    colour[v] = 2;
  };
  for (std::size_t v = 0; v < g.out.size(); ++v)
    if (colour[v] == 0) visit(int(v));
}

void check_exception_conflicts(const ir::RuleSet& rs, const SourceManager& sm, const std::vector<ir::ExceptionDef>& exs,
                               DiagnosticSink& sink) {
  auto text = [&](int node) { return node < 0 ? std::string() : std::string(sm.slice(rs.nodes[node].span)); };
  for (std::size_t i = 0; i < exs.size(); ++i)
    for (std::size_t j = i + 1; j < exs.size(); ++j) {
      if (exs[i].when < 0 || exs[j].when < 0 || text(exs[i].when) != text(exs[j].when)) continue;
      bool differ = text(exs[i].value) != text(exs[j].value) || text(exs[i].amount) != text(exs[j].amount) ||
                    text(exs[i].eligible) != text(exs[j].eligible) || text(exs[i].members) != text(exs[j].members);
      if (!differ) continue;
      auto& d = sink.report(DiagKind::ConflictingExceptions, exs[j].span, {exs[i].name, exs[j].name});
      d.notes.push_back({exs[i].span, "exception '" + exs[i].name + "' is here"});
    }
}

}  // namespace entitle::check
