// combinations.cpp — how programs combine for one person: every pair declared once, exclusions that are really
// applied, top-ups that read what they top up.
#include <map>

#include "engine/check/set_checks.hpp"

namespace entitle::check {
namespace {

const char* kind_words(ir::CombinationKind k) {
  switch (k) {
    case ir::CombinationKind::Exclusive: return "exclusive";
    case ir::CombinationKind::Choice: return "a choice";
    case ir::CombinationKind::Compatible: return "compatible";
    case ir::CombinationKind::TopUp: return "a top-up";
    case ir::CombinationKind::Supplement: return "a supplement";
  }
  return "";
}

}  // namespace

void check_combinations(const ir::RuleSet& rs, DiagnosticSink& sink) {
  const std::size_t P = rs.programs.size();
  std::map<std::pair<int, int>, const ir::Combination*> declared;
  auto declare = [&](int a, int b, const ir::Combination& c) {
    std::pair<int, int> key{std::min(a, b), std::max(a, b)};
    auto [it, fresh] = declared.emplace(key, &c);
    if (!fresh && it->second->kind != c.kind) {
      auto& d = sink.report(DiagKind::CombinationDeclaredTwice, c.span,
                            {rs.programs[key.first].name, rs.programs[key.second].name, kind_words(it->second->kind), kind_words(c.kind)});
      d.notes.push_back({it->second->span, "first declared here"});
    }
  };
  for (const ir::Combination& c : rs.combinations) {
    switch (c.kind) {
      case ir::CombinationKind::Exclusive:
      case ir::CombinationKind::TopUp:
      case ir::CombinationKind::Supplement:
        for (std::size_t i = 1; i < c.programs.size(); ++i) declare(c.programs[0], c.programs[i], c);
        break;
      case ir::CombinationKind::Choice:
      case ir::CombinationKind::Compatible:
        for (std::size_t i = 0; i < c.programs.size(); ++i)
          for (std::size_t j = i + 1; j < c.programs.size(); ++j) declare(c.programs[i], c.programs[j], c);
        break;
    }
  }
  // A supplement combines with every other program as its base does.
  std::vector<int> base(P, -1);
  for (const ir::Combination& c : rs.combinations)
    if (c.kind == ir::CombinationKind::Supplement) base[c.programs[0]] = c.programs[1];
  auto root = [&](int p) {
    for (std::size_t hops = 0; base[p] >= 0 && hops < P; ++hops) p = base[p];
    return p;
  };
  auto is_declared = [&](int a, int b) {
    if (declared.count({std::min(a, b), std::max(a, b)})) return true;
    int ra = root(a), rb = root(b);
    return ra != rb && declared.count({std::min(ra, rb), std::max(ra, rb)}) > 0;
  };
  // Nothing stacks silently: every pair of programs is declared.
  for (std::size_t b = 0; b < P; ++b)
    for (std::size_t a = 0; a < b; ++a)
      if (!is_declared(int(a), int(b)))
        sink.report(DiagKind::UndeclaredCombination, rs.programs[b].span, {rs.programs[a].name, rs.programs[b].name});

  ProgramGraph g(rs, false);
  for (const ir::Combination& c : rs.combinations) {
    if (c.kind == ir::CombinationKind::Exclusive) {
      int win = c.programs[0], lose = c.programs[1];
      bool member_over_household = rs.programs[win].entity != rs.root_entity && rs.programs[lose].entity == rs.root_entity;
      if (member_over_household && !g.reaches(g.amount_vertex(lose), g.amount_vertex(win)))
        sink.report(DiagKind::CombinationNotApplied, c.span,
                    {"'" + rs.programs[win].name + "' is declared exclusive over the household program '" + rs.programs[lose].name +
                     "', but whom '" + rs.programs[lose].name + "' counts does not depend on '" + rs.programs[win].name +
                     "': leave a person granted '" + rs.programs[win].name + "' out of its members (e.g. not eligible(" +
                     rs.programs[win].name + ", member))"});
    } else if (c.kind == ir::CombinationKind::Supplement) {
      if (!g.reaches(g.own_vertex(c.programs[0]), g.amount_vertex(c.programs[1])))
        sink.report(DiagKind::CombinationNotApplied, c.span,
                    {"'" + rs.programs[c.programs[0]].name + "' is declared a supplement to '" + rs.programs[c.programs[1]].name +
                     "', but its eligibility does not require '" + rs.programs[c.programs[1]].name + "' (use eligible(" +
                     rs.programs[c.programs[1]].name + ", …))"});
    } else if (c.kind == ir::CombinationKind::TopUp) {
      for (std::size_t i = 1; i < c.programs.size(); ++i)
        if (!g.reaches(g.amount_vertex(c.programs[0]), g.amount_vertex(c.programs[i])))
          sink.report(DiagKind::CombinationNotApplied, c.span,
                      {"'" + rs.programs[c.programs[0]].name + "' is declared a top-up over '" + rs.programs[c.programs[i]].name +
                       "', but its amount does not read what '" + rs.programs[c.programs[i]].name +
                       "' pays (use amount(" + rs.programs[c.programs[i]].name + ", …))"});
    }
  }
}

}  // namespace entitle::check
