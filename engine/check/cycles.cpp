// cycles.cpp — finds circular dependencies between definitions, standards and programs. A program is three
// vertices: its own eligibility, its final decision (after the programs that exclude it or that it is a choice
// with) and its amount and members; so a choice between two programs is no circle, while a real one is.
#include <algorithm>
#include <functional>

#include "engine/check/set_checks.hpp"

namespace entitle::check {

// Graph vertices: definitions [0, D), standards [D, D+S), then per program p: own eligibility D+S+3p, final
// decision D+S+3p+1, amount and members D+S+3p+2.
ProgramGraph::ProgramGraph(const ir::RuleSet& r, bool exclusions) : rs(r), D(int(r.defs.size())), S(int(r.standards.size())) {
  out.resize(D + S + 3 * r.programs.size());
  weight.assign(out.size(), 0);
  // Depth of every expression node, bottom-up without recursion (an expression may be thousands of nodes deep).
  node_depth.assign(rs.nodes.size(), 0);
  std::vector<std::pair<int, std::size_t>> todo;  // node, its next kid to visit
  for (std::size_t root = 0; root < rs.nodes.size(); ++root) {
    if (node_depth[root] != 0) continue;
    node_depth[root] = -1;  // being computed
    todo.push_back({int(root), 0});
    while (!todo.empty()) {
      int v = todo.back().first;
      const std::vector<int>& kids = rs.nodes[v].kids;
      if (todo.back().second < kids.size()) {
        int k = kids[todo.back().second++];
        if (k >= 0 && node_depth[k] == 0) {
          node_depth[k] = -1;
          todo.push_back({k, 0});
        }
        continue;
      }
      int d = 0;
      for (int k : kids)
        if (k >= 0) d = std::max(d, node_depth[k]);
      node_depth[v] = d + 1;
      todo.pop_back();
    }
  }
  for (int d = 0; d < D; ++d) {
    refs(rs.defs[d].value, d);
    for (const auto& e : rs.defs[d].exceptions) {
      refs(e.when, d);
      refs(e.value, d);
    }
  }
  for (int s = 0; s < S; ++s) {
    for (const auto& row : rs.standards[s].rows)
      for (const auto& v : row.values) refs(v.expr, D + s);
    if (rs.standards[s].key_expr >= 0) refs(rs.standards[s].key_expr, D + s);
  }
  for (std::size_t p = 0; p < rs.programs.size(); ++p) {
    const auto& pr = rs.programs[p];
    int own = own_vertex(int(p)), fin = final_vertex(int(p)), amt = amount_vertex(int(p));
    refs(pr.eligible, own);
    for (const auto& e : pr.exceptions)
      if (e.eligible >= 0) {
        refs(e.when, own);
        refs(e.eligible, own);
      }
    add(fin, own);
    // A program that takes precedence is decided first; a member program over a household program is checked
    // after the household program's members are known (the rules leave its persons out).
    for (int q : pr.excluded_by)
      if (exclusions) add(rs.programs[q].entity != pr.entity && pr.entity == rs.root_entity ? amt : fin, amount_vertex(q));
    add(amt, fin);
    for (int n : {pr.amount, pr.members}) refs(n, amt);
    for (const auto& e : pr.exceptions)
      if (e.amount >= 0 || e.members >= 0) {
        refs(e.when, amt);
        refs(e.amount, amt);
        refs(e.members, amt);
      }
    // Warnings and review reasons are raised after the decision is complete: they add no dependency.
  }
  for (const ir::Combination& c : rs.combinations) {
    if (c.kind != ir::CombinationKind::Choice) continue;
    for (std::size_t i = 0; i < c.programs.size(); ++i) {
      int fin = final_vertex(c.programs[i]);
      for (std::size_t j = 0; j < c.programs.size(); ++j) {
        refs(c.chosen_when[j], fin);
        if (j != i) add(fin, own_vertex(c.programs[j]));
      }
    }
  }
}

void ProgramGraph::refs(int root, int from) {
  if (root < 0) return;
  weight[from] = std::max(weight[from], node_depth[root]);
  std::vector<int> todo = {root};  // not recursive: an expression may be thousands of nodes deep
  while (!todo.empty()) {
    const ir::ExprNode& n = rs.nodes[todo.back()];
    todo.pop_back();
    if (n.op == ir::Op::Def) add(from, n.a);
    if (n.op == ir::Op::StandardRef) add(from, D + n.a);
    if (n.op == ir::Op::ProgramEligible || n.op == ir::Op::ProgramAmount) add(from, amount_vertex(n.a));
    for (int k : n.kids)
      if (k >= 0) todo.push_back(k);
  }
}

void ProgramGraph::add(int from, int to) {
  for (int x : out[from])
    if (x == to) return;
  out[from].push_back(to);
}

std::string ProgramGraph::name(int v) const {
  if (v < D) return rs.entities[rs.defs[v].entity].name + "." + rs.defs[v].name;
  if (v < D + S) return "standard " + rs.standards[v - D].name;
  int p = (v - D - S) / 3, part = (v - D - S) % 3;
  std::string n = "program " + rs.programs[p].name;
  if (part == 0) return n + " (its own conditions)";
  if (part == 1) return n + " (after exclusions and choices)";
  return n;
}

SourceSpan ProgramGraph::span(int v) const {
  if (v < D) return rs.defs[v].span;
  if (v < D + S) return rs.standards[v - D].span;
  return rs.programs[(v - D - S) / 3].span;
}

bool ProgramGraph::reaches(int from, int to) const {
  std::vector<bool> seen(out.size(), false);
  std::vector<int> todo = {from};
  while (!todo.empty()) {
    int v = todo.back();
    todo.pop_back();
    if (v == to) return true;
    if (seen[v]) continue;
    seen[v] = true;
    for (int w : out[v]) todo.push_back(w);
  }
  return false;
}

void check_cycles(const ir::RuleSet& rs, DiagnosticSink& sink) {
  ProgramGraph g(rs, true);
  // Depth-first search without recursion (a rule set may chain thousands of definitions); a grey vertex met again
  // closes a cycle. A vertex's evaluation depth is known when it turns black: its deepest expression, plus its
  // deepest dependency's depth and the cost of using it.
  std::vector<int> colour(g.out.size(), 0), stack, depth(g.out.size(), 0), via(g.out.size(), -1);
  std::vector<std::size_t> next;  // per stack entry: its next edge to follow
  std::vector<bool> reported(g.out.size(), false);
  bool any_cycle = false;
  for (std::size_t start = 0; start < g.out.size(); ++start) {
    if (colour[start] != 0) continue;
    colour[start] = 1;
    stack.push_back(int(start));
    next.push_back(0);
    while (!stack.empty()) {
      int v = stack.back();
      if (next.back() < g.out[v].size()) {
        int w = g.out[v][next.back()++];
        if (colour[w] == 0) {
          colour[w] = 1;
          stack.push_back(w);
          next.push_back(0);
        } else if (colour[w] == 1 && !reported[w]) {
          any_cycle = true;
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
        continue;
      }
      int d = 0;
      for (int w : g.out[v])
        if (colour[w] == 2 && depth[w] + kReferenceDepth > d) d = depth[w] + kReferenceDepth, via[v] = w;
      depth[v] = g.weight[v] + d;
      colour[v] = 2;
      stack.pop_back();
      next.pop_back();
    }
  }
  if (any_cycle) return;
  // The shallowest vertices past the limit (those whose dependencies are all within it), each once.
  for (std::size_t v = 0; v < g.out.size(); ++v) {
    if (depth[v] <= kMaxEvaluationDepth || (via[v] >= 0 && depth[via[v]] > kMaxEvaluationDepth)) continue;
    std::vector<std::string> chain;
    for (int u = int(v); u >= 0; u = via[u]) chain.push_back(g.name(u));
    std::string path;
    if (chain.size() > 4) path = chain[0] + " → " + chain[1] + " → … (" + std::to_string(chain.size() - 3) + " more) → " + chain.back();
    else
      for (std::size_t i = 0; i < chain.size(); ++i) path += (i ? " → " : "") + chain[i];
    sink.report(DiagKind::DependencyTooDeep, g.span(int(v)), {g.name(int(v)), std::to_string(kMaxEvaluationDepth), path});
  }
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
