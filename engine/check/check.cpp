// check.cpp — the checking pipeline: declare, resolve schema, bind bodies, then whole-set checks.
#include "engine/check/check.hpp"

#include <map>
#include <set>

#include "engine/base/json_tree.hpp"
#include "engine/check/binder.hpp"
#include "engine/check/set_checks.hpp"
#include "engine/check/type_names.hpp"
#include "engine/eval/result.hpp"

namespace entitle {
namespace x3 = boost::spirit::x3;
namespace {

using ir::Type;
using ir::TypeKind;

std::string opt(const boost::optional<std::string>& s) { return s ? *s : std::string(); }

class Checker {
public:
  Checker(const SourceManager& sm, DiagnosticSink& sink) : sm_(sm), sink_(sink), binder_(rs_, sm, sink) {}

  std::optional<ir::RuleSet> run(const std::vector<ast::RuleFile>& files) {
    for (const auto& f : files)
      for (const auto& d : f.decls) declare(d);
    for (std::size_t i = 0; i < rs_.entities.size(); ++i)
      if (rs_.entities[i].name == "household") rs_.root_entity = int(i);
    if (rs_.root_entity < 0) sink_.report_unlocated(DiagKind::MissingRootEntity);
    resolve_fields();
    // Signatures before bodies, so bodies may refer to anything in any order.
    for (auto& [t, decl] : table_decls_) bind_table(t, *decl);
    for (auto& [st, decl] : standard_decls_) bind_standard_header(st, *decl);
    for (auto& [p, decl] : program_decls_) bind_program_header(p, *decl);
    for (auto& [def, decl] : define_decls_) bind_definition(def, *decl);
    for (auto& [st, decl] : standard_decls_) bind_standard_rows(st, decl->rows, decl->name, false);
    for (const ast::AmendDecl* a : amend_decls_) {
      int st = -1;
      for (std::size_t i = 0; i < rs_.standards.size(); ++i)
        if (rs_.standards[i].name == a->standard) st = int(i);
      if (st < 0) sink_.report(DiagKind::UnknownName, a->span, {a->standard, " as a standard to amend"});
      else bind_standard_rows(st, a->rows, a->standard, true);
    }
    for (auto& [p, decl] : program_decls_) bind_program(p, *decl);
    for (const ast::CombineDecl* d : combine_decls_) bind_combination(*d);
    for (const ast::TestDecl* t : test_decls_) bind_test(*t);
    check_rows_in_regions();
    check::check_cycles(rs_, sink_);
    check::check_combinations(rs_, sink_);
    check::check_timelines(rs_, sink_);
    check::check_tables(rs_, sink_);
    if (sink_.has_errors()) return std::nullopt;
    return std::move(rs_);
  }

private:
  bool claim(const std::string& name, SourceSpan span, const char* what) {
    auto [it, fresh] = globals_.emplace(name, span);
    if (!fresh) {
      auto& d = sink_.report(DiagKind::DuplicateDeclaration, span, {name});
      d.notes.push_back({it->second, std::string("'") + name + "' was first declared here"});
      (void)what;
    }
    return fresh;
  }

  void declare(const ast::Decl& d) {
    struct V {
      Checker& c;
      void operator()(const ast::EnumDecl& e) const {
        if (!c.claim(e.name, e.span, "enum")) return;
        ir::EnumDef def;
        def.name = e.name;
        def.label = opt(e.label);
        def.span = e.span;
        for (const auto& v : e.values) {
          if (def.find(v.name) >= 0) c.sink_.report(DiagKind::DuplicateDeclaration, v.span, {v.name});
          def.values.push_back(v.name);
          def.value_labels.push_back(v.label ? *v.label : v.name);
        }
        c.rs_.enums.push_back(std::move(def));
      }
      void operator()(const ast::EntityDecl& e) const {
        if (!c.claim(e.name, e.span, "entity")) return;
        ir::EntityDef def;
        def.name = e.name;
        def.label = opt(e.label);
        def.span = e.span;
        c.rs_.entities.push_back(std::move(def));
        c.entity_decls_.push_back(&e);
      }
      void operator()(const ast::DefineDecl& d) const { c.pending_defs_.push_back(&d); }
      void operator()(const ast::StandardDecl& s) const {
        if (!c.claim(s.name, s.span, "standard")) return;
        ir::Standard st;
        st.name = s.name;
        st.label = opt(s.label);
        st.cite = opt(s.cite);
        st.span = s.span;
        c.rs_.standards.push_back(std::move(st));
        c.standard_decls_.push_back({int(c.rs_.standards.size()) - 1, &s});
      }
      void operator()(const ast::ProgramDecl& p) const {
        if (!c.claim(p.name, p.span, "program")) return;
        ir::ProgramDef pd;
        pd.name = p.name;
        pd.label = p.label;
        pd.cite = opt(p.cite);
        pd.span = p.span;
        c.rs_.programs.push_back(std::move(pd));
        c.program_decls_.push_back({int(c.rs_.programs.size()) - 1, &p});
      }
      void operator()(const ast::TableDecl& t) const {
        if (!c.claim(t.name, t.span, "table")) return;
        ir::TableDef td;
        td.name = t.name;
        td.label = opt(t.label);
        td.cite = opt(t.cite);
        td.span = t.span;
        c.rs_.tables.push_back(std::move(td));
        c.table_decls_.push_back({int(c.rs_.tables.size()) - 1, &t});
      }
      void operator()(const ast::TestDecl& t) const { c.test_decls_.push_back(&t); }
      void operator()(const ast::AmendDecl& a) const { c.amend_decls_.push_back(&a); }
      void operator()(const ast::CombineDecl& d) const { c.combine_decls_.push_back(&d); }
      void operator()(const ast::RegionsDecl& r) const {
        for (const ast::RegionEntry& e : r.entries) {
          std::size_t n = e.code.size();
          if (n != 2 && n != 4 && n != 6 && n != 9 && n != 12) {
            c.sink_.report(DiagKind::BadRegionCode, e.span, {e.code});
            continue;
          }
          if (const ir::RegionDef* before = c.rs_.region(e.code)) {
            auto& d = c.sink_.report(DiagKind::DuplicateDeclaration, e.span, {"region " + e.code});
            d.notes.push_back({before->span, "region " + e.code + " was first declared here"});
            continue;
          }
          c.rs_.regions.push_back({e.code, e.name, e.span});
        }
      }
    };
    boost::apply_visitor(V{*this}, d);
  }

  int entity_index(const std::string& name) const {
    for (std::size_t i = 0; i < rs_.entities.size(); ++i)
      if (rs_.entities[i].name == name) return int(i);
    return -1;
  }

  void resolve_fields() {
    // Field types first (entities may refer to each other), then definitions' names, then default values.
    for (std::size_t e = 0; e < entity_decls_.size(); ++e) {
      for (const ast::FieldDecl& f : entity_decls_[e]->fields) {
        ir::EntityDef& ent = rs_.entities[e];
        if (ent.find_field(f.name) >= 0) {
          sink_.report(DiagKind::DuplicateDeclaration, f.span, {ent.name + "." + f.name});
          continue;
        }
        ir::FieldDef fd;
        fd.name = f.name;
        fd.label = opt(f.label);
        fd.type = binder_.resolve_type(f.type);
        fd.optional = f.type.optional;
        fd.span = f.span;
        ent.fields.push_back(std::move(fd));
      }
    }
    for (const ast::DefineDecl* d : pending_defs_) {
      int e = entity_index(d->entity);
      if (e < 0) {
        sink_.report(DiagKind::UnknownEntity, d->span, {d->entity});
        continue;
      }
      ir::EntityDef& ent = rs_.entities[e];
      bool clash = ent.find_field(d->name) >= 0;
      for (int other : ent.defs) clash = clash || rs_.defs[other].name == d->name;
      if (clash) {
        sink_.report(DiagKind::DuplicateDeclaration, d->span, {d->entity + "." + d->name});
        continue;
      }
      ir::Definition def;
      def.name = d->name;
      def.label = opt(d->label);
      def.cite = opt(d->cite);
      def.entity = e;
      def.type = binder_.resolve_type(d->type);
      def.span = d->span;
      rs_.defs.push_back(std::move(def));
      ent.defs.push_back(int(rs_.defs.size()) - 1);
      define_decls_.push_back({int(rs_.defs.size()) - 1, d});
    }
    for (std::size_t e = 0; e < entity_decls_.size(); ++e)
      for (const ast::FieldDecl& f : entity_decls_[e]->fields) {
        if (!f.default_value) continue;
        int idx = rs_.entities[e].find_field(f.name);
        if (idx < 0) continue;
        check::Scope scope;
        scope.constant_only = true;
        ir::FieldDef& fd = rs_.entities[e].fields[idx];
        Type want = fd.type;
        fd.default_expr = binder_.bind_expecting(*f.default_value, scope, want, "the default of field '" + f.name + "'");
      }
    for (std::size_t e = 0; e < entity_decls_.size(); ++e)
      for (const ast::FieldDecl& f : entity_decls_[e]->fields) {
        if (!f.constraint) continue;
        int idx = rs_.entities[e].find_field(f.name);
        if (idx < 0) continue;
        bind_constraint(rs_.entities[e].fields[idx], *f.constraint);
      }
  }

  /// "grade : integer 1 .. 4", "amount : money >= 0": constant bounds of a number field.
  void bind_constraint(ir::FieldDef& fd, const ast::FieldConstraint& c) {
    if (!fd.type.is_numeric() || fd.type.kind == TypeKind::List) {
      sink_.report(DiagKind::TypeMismatch, c.span,
                   {"allowed values ('" + (c.op == "range" ? std::string("a .. b") : c.op + " a") + "')", "a number field",
                    check::type_name(rs_, fd.type)});
      return;
    }
    check::Scope scope;
    scope.constant_only = true;
    std::string what = "the allowed values of field '" + fd.name + "'";
    auto bound = [&](const ast::Expr& e) -> std::optional<Rational> {
      int n = binder_.bind_expecting(e, scope, fd.type, what);
      const ir::ExprNode& node = rs_.nodes[n];
      if (node.op == ir::Op::Const) return node.num;
      if (node.op == ir::Op::Neg && rs_.nodes[node.kids[0]].op == ir::Op::Const) return -rs_.nodes[node.kids[0]].num;
      sink_.report(DiagKind::TypeMismatch, ast::span_of(e), {what, "a number", "an expression"});
      return std::nullopt;
    };
    auto low = bound(c.low);
    if (c.op == "range") {
      fd.min = low;
      if (c.high) fd.max = bound(*c.high);
    } else if (c.op == ">=") {
      fd.min = low;
    } else if (c.op == "<=") {
      fd.max = low;
    } else if (low) {
      // Strict bounds on integers become inclusive ones; on decimals and money, one fen/0.01 inside.
      Rational step = fd.type.kind == TypeKind::Integer ? Rational(1) : Rational::fraction(1, 100);
      if (c.op == ">") fd.min = *low + step;
      else fd.max = *low - step;
    }
  }

  void bind_definition(int index, const ast::DefineDecl& d) {
    ir::Definition& def = rs_.defs[index];
    Type want = def.type;
    std::string what = "definition '" + d.entity + "." + d.name + "'";
    check::Scope scope;
    scope.self = def.entity;
    if (d.value) {
      int v = binder_.bind_expecting(*d.value, scope, want, what);
      rs_.defs[index].value = v;
    }
    std::map<std::string, SourceSpan> seen;
    for (const ast::DefException& ex : d.exceptions) {
      ir::ExceptionDef ed;
      ed.name = ex.name;
      ed.label = opt(ex.label);
      ed.span = ex.span;
      ed.when = binder_.bind_expecting(ex.when, scope, Type::of(TypeKind::Bool), "the condition of exception '" + ex.name + "'");
      ed.value = binder_.bind_expecting(ex.value, scope, want, "exception '" + ex.name + "' of " + what);
      if (!seen.emplace(ex.name, ex.span).second) sink_.report(DiagKind::DuplicateDeclaration, ex.span, {ex.name});
      rs_.defs[index].exceptions.push_back(ed);
    }
    check::check_exception_conflicts(rs_, sm_, rs_.defs[index].exceptions, sink_);
  }

  ir::PerUnit unit_of(const std::string& w, SourceSpan span) {
    if (w == "month") return ir::PerUnit::Month;
    if (w == "year") return ir::PerUnit::Year;
    if (w == "semester") return ir::PerUnit::Semester;
    sink_.report(DiagKind::BadUnit, span, {"per " + w, "(month, year or semester)"});
    return ir::PerUnit::None;
  }

  void bind_standard_header(int index, const ast::StandardDecl& s) {
    Type type = binder_.resolve_type(s.type);
    rs_.standards[index].type = type;
    ir::PerUnit per = ir::PerUnit::None;
    if (s.per) per = unit_of(*s.per, s.span);
    rs_.standards[index].per = per;
    if (s.renewed) {
      if (*s.renewed == "yearly") rs_.standards[index].renewal_months = 12;
      else if (*s.renewed == "half_yearly") rs_.standards[index].renewal_months = 6;
      else sink_.report(DiagKind::BadRenewal, s.span, {*s.renewed});
    }
    if (s.by && s.by->find('.') == std::string::npos) {
      // "by care_level": keyed by an enum; every use says which value, s[key].
      for (std::size_t i = 0; i < rs_.enums.size(); ++i)
        if (rs_.enums[i].name == *s.by) rs_.standards[index].key_enum = int(i);
      if (rs_.standards[index].key_enum < 0) sink_.report(DiagKind::UnknownType, s.span, {*s.by});
      rs_.standards[index].key_path = *s.by;
    } else if (s.by) {
      // "by household.area": the key comes from a household field of enum type.
      std::string path = *s.by;
      std::string field = path.rfind("household.", 0) == 0 ? path.substr(10) : path;
      int root = rs_.root_entity;
      int f = root >= 0 ? rs_.entities[root].find_field(field) : -1;
      if (f < 0 || rs_.entities[root].fields[f].type.kind != TypeKind::Enum) {
        sink_.report(DiagKind::UnknownField, s.span, {"the household (an enum field is needed for 'by')", path});
      } else {
        ir::ExprNode self;
        self.op = ir::Op::Root;
        self.type = Type::of(TypeKind::Entity, root);
        self.span = s.span;
        int base = binder_.add_node(self);
        ir::ExprNode get;
        get.op = ir::Op::Field;
        get.a = f;
        get.kids = {base};
        get.type = rs_.entities[root].fields[f].type;
        get.span = s.span;
        rs_.standards[index].key_expr = binder_.add_node(get);
        rs_.standards[index].key_enum = get.type.ref;
        rs_.standards[index].key_path = path;
      }
    }
  }

  /// Binds rows of a standard, from its declaration or from an amendment; an amendment's row for a region and key
  /// the standard already has adds its values to that row's timeline.
  void bind_standard_rows(int index, const std::vector<ast::StdRow>& rows, const std::string& name, bool amendment) {
    Type type = rs_.standards[index].type;
    ir::PerUnit per = rs_.standards[index].per;
    struct { const std::string& name; } s{name};
    for (const ast::StdRow& row : rows) {
      ir::StandardRow r;
      r.span = row.span;
      bool digits = !row.region.empty() && row.region.find_first_not_of("0123456789") == std::string::npos;
      std::size_t len = row.region.size();
      if (row.region == "all") {
        r.region = "";
      } else if (digits && (len == 2 || len == 4 || len == 6 || len == 9 || len == 12)) {
        r.region = row.region;
      } else {
        sink_.report(DiagKind::BadRegionCode, row.span, {row.region});
        continue;
      }
      int key_enum = rs_.standards[index].key_enum;
      if (row.key) {
        int v = key_enum >= 0 ? rs_.enums[key_enum].find(*row.key) : -1;
        if (v < 0) {
          sink_.report(DiagKind::BadStandardKey, row.span,
                       {s.name, key_enum >= 0 ? rs_.enums[key_enum].name : std::string("nothing (no 'by' clause)"), *row.key});
          continue;
        }
        r.key = v;
      }
      for (const ast::StdValue& v : row.values) {
        ir::StandardValue sv;
        sv.span = v.span;
        sv.cite = opt(v.cite);
        sv.assumed_date = v.assumed;
        auto from = Date::parse(v.from);
        if (!from) {
          sink_.report(DiagKind::BadDateLiteral, v.span, {v.from});
          continue;
        }
        sv.from = *from;
        if (v.until) {
          auto until = Date::parse(*v.until);
          if (!until) sink_.report(DiagKind::BadDateLiteral, v.span, {*v.until});
          else sv.until = *until;
        }
        if (v.amount) {
          check::Scope scope;  // standards may refer to other standards and constants
          sv.expr = binder_.bind_expecting(v.amount->value, scope, type, "a value of standard '" + s.name + "'");
          if (v.amount->per) {
            ir::PerUnit given = unit_of(*v.amount->per, v.amount->span);
            sv.given_per = *v.amount->per;
            if (given == ir::PerUnit::Year && per == ir::PerUnit::Month) sv.factor = Rational::fraction(1, 12);
            else if (given == ir::PerUnit::Month && per == ir::PerUnit::Year) sv.factor = Rational(12);
            else if (given != per && given != ir::PerUnit::None)
              sink_.report(DiagKind::BadUnit, v.amount->span, {"per " + *v.amount->per, std::string("per ") + ir::per_unit_name(per)});
          }
        }
        r.values.push_back(sv);
      }
      ir::StandardRow* existing = nullptr;
      for (ir::StandardRow& other : rs_.standards[index].rows)
        if (amendment && other.region == r.region && other.key == r.key) existing = &other;
      if (existing) existing->values.insert(existing->values.end(), r.values.begin(), r.values.end());
      else rs_.standards[index].rows.push_back(std::move(r));
    }
  }

  void bind_table(int index, const ast::TableDecl& t) {
    std::vector<Type> params;
    std::vector<std::string> names;
    for (const auto& p : t.params) {
      params.push_back(binder_.resolve_type(p.type));
      names.push_back(p.name);
    }
    Type result = binder_.resolve_type(t.result);
    std::string hit;
    for (char ch : t.hit) if (ch != ' ' && ch != '\t' && ch != '\n') hit += ch;
    ir::HitPolicy policy = ir::HitPolicy::Unique;
    if (hit == "unique") policy = ir::HitPolicy::Unique;
    else if (hit == "first") policy = ir::HitPolicy::First;
    else if (hit == "priority") policy = ir::HitPolicy::Priority;
    else if (hit == "collectsum") policy = ir::HitPolicy::CollectSum;
    else sink_.report(DiagKind::ExpectedToken, t.span, {"hit policy (unique, first, priority or collect sum)", "'" + t.hit + "'"});
    ir::TableDef& td = rs_.tables[index];
    td.params = params;
    td.param_names = names;
    td.result = result;
    td.hit = policy;
    for (const auto& row : t.rows) {
      SourceSpan span = row.empty() ? t.span : row.front().span;
      if (!row.empty()) span.end = row.back().span.end;
      if (row.size() != params.size() + 1) {
        sink_.report(DiagKind::TableArity, span, {std::to_string(row.size()), t.name, std::to_string(params.size())});
        continue;
      }
      std::vector<ir::TableCell> cells;
      for (std::size_t i = 0; i < row.size(); ++i) {
        Type want = i < params.size() ? params[i] : result;
        cells.push_back(bind_cell(row[i], want, i < params.size() ? "input '" + names[i] + "'" : std::string("the output")));
      }
      rs_.tables[index].rows.push_back(std::move(cells));
      rs_.tables[index].row_spans.push_back(span);
    }
  }

  ir::TableCell bind_cell(const ast::Cell& c, const Type& want, const std::string& what) {
    ir::TableCell cell;
    cell.span = c.span;
    check::Scope scope;
    scope.constant_only = true;
    if (c.op == "any") return cell;
    if (c.op == "in") {
      cell.kind = ir::TableCell::In;
      if (want.kind != TypeKind::Enum) {
        sink_.report(DiagKind::TypeMismatch, c.span, {"a set cell", "an enum column", check::type_name(rs_, want)});
        return cell;
      }
      for (const auto& w : c.set) {
        int v = rs_.enums[want.ref].find(w);
        if (v < 0) sink_.report(DiagKind::UnknownName, c.span, {w, " among the values of " + rs_.enums[want.ref].name});
        else cell.set.push_back(v);
      }
      return cell;
    }
    static const std::map<std::string, ir::TableCell::Kind> kKinds = {
        {"=", ir::TableCell::Eq}, {"<", ir::TableCell::Lt}, {"<=", ir::TableCell::Le}, {">", ir::TableCell::Gt},
        {">=", ir::TableCell::Ge}, {"!=", ir::TableCell::Ne}, {"range", ir::TableCell::Range}};
    cell.kind = kKinds.at(c.op);
    if (c.low) cell.a = binder_.bind_expecting(*c.low, scope, want, "a cell of " + what);
    if (c.high) cell.b = binder_.bind_expecting(*c.high, scope, want, "a cell of " + what);
    return cell;
  }

  void bind_program_header(int index, const ast::ProgramDecl& p) {
    int level = entity_index(p.level);
    if (level < 0) sink_.report(DiagKind::UnknownEntity, p.span, {p.level});
    ir::Period period = ir::Period::Month;
    if (p.period == "monthly") period = ir::Period::Month;
    else if (p.period == "semesterly") period = ir::Period::Semester;
    else if (p.period == "yearly") period = ir::Period::Year;
    else if (p.period == "once") period = ir::Period::Once;
    else sink_.report(DiagKind::ExpectedToken, p.span, {"monthly, semesterly, yearly or once", "'" + p.period + "'"});
    rs_.programs[index].entity = level;
    rs_.programs[index].period = period;
  }

  void bind_program(int index, const ast::ProgramDecl& p) {
    int level = rs_.programs[index].entity;
    if (level < 0) return;
    check::Scope scope;
    scope.self = level;
    Type boolean = Type::of(TypeKind::Bool), money = Type::of(TypeKind::Money),
         members = Type::of(TypeKind::List, level == rs_.root_entity ? member_entity() : -1);
    auto bind_clauses = [&](const std::vector<ast::Clause>& clauses, int& elig, int& amount, int& mem, const std::string& where) {
      std::set<std::string> seen;
      for (const ast::Clause& c : clauses) {
        if (!seen.insert(c.what).second) {
          sink_.report(DiagKind::DuplicateClause, c.span, {c.what, where});
          continue;
        }
        if (c.what == "eligible") elig = binder_.bind_expecting(c.value, scope, boolean, "'eligible when' of " + where);
        else if (c.what == "amount") amount = binder_.bind_expecting(c.value, scope, money, "the amount of " + where);
        else mem = binder_.bind_expecting(c.value, scope, members, "'members' of " + where);
      }
    };
    std::vector<ast::Clause> base;
    std::string where = "program '" + p.name + "'";
    for (const ast::ProgramItem& item : p.items) {
      if (auto* c = boost::get<ast::Clause>(&item)) base.push_back(*c);
    }
    int e = -1, a = -1, m = -1;
    bind_clauses(base, e, a, m, where);
    rs_.programs[index].eligible = e;
    rs_.programs[index].amount = a;
    rs_.programs[index].members = m;
    if (e < 0) sink_.report(DiagKind::MissingClause, p.span, {p.name, "eligible when"});
    if (a < 0) sink_.report(DiagKind::MissingClause, p.span, {p.name, "amount ="});
    for (const ast::ProgramItem& item : p.items) {
      if (auto* ex = boost::get<ast::ProgramException>(&item)) {
        ir::ExceptionDef ed;
        ed.name = ex->name;
        ed.label = opt(ex->label);
        ed.span = ex->span;
        ed.when = binder_.bind_expecting(ex->when, scope, boolean, "the condition of exception '" + ex->name + "'");
        bind_clauses(ex->body, ed.eligible, ed.amount, ed.members, "exception '" + ex->name + "'");
        rs_.programs[index].exceptions.push_back(ed);
      } else if (auto* w = boost::get<ast::WarningClause>(&item)) {
        ir::WarningDef wd;
        wd.message = w->message;
        wd.span = w->span;
        bool review = w->kind == "review";
        wd.when = binder_.bind_expecting(w->when, scope, boolean, review ? "the condition of a review" : "the condition of a warning");
        (review ? rs_.programs[index].reviews : rs_.programs[index].warnings).push_back(wd);
      } else if (auto* x = boost::get<ast::Excludes>(&item)) {
        for (const std::string& other : x->programs) {
          int o = -1;
          for (std::size_t i = 0; i < rs_.programs.size(); ++i)
            if (rs_.programs[i].name == other) o = int(i);
          if (o < 0) {
            sink_.report(DiagKind::UnknownProgram, x->span, {other});
            continue;
          }
          rs_.programs[o].excluded_by.push_back(index);
          ir::Combination pair;
          pair.kind = ir::CombinationKind::Exclusive;
          pair.programs = {index, o};
          pair.span = x->span;
          rs_.combinations.push_back(std::move(pair));
        }
      }
    }
    check::check_exception_conflicts(rs_, sm_, rs_.programs[index].exceptions, sink_);
    rs_.program_order.push_back(index);
  }

  int program_index(const std::string& name, SourceSpan span) {
    for (std::size_t i = 0; i < rs_.programs.size(); ++i)
      if (rs_.programs[i].name == name) return int(i);
    sink_.report(DiagKind::UnknownProgram, span, {name});
    return -1;
  }

  /// exclusive / choice / compatible / top_up: how programs combine for one person.
  void bind_combination(const ast::CombineDecl& d) {
    ir::Combination c;
    c.cite = opt(d.cite);
    c.span = d.span;
    bool ok = true;
    auto add = [&](const std::string& name) {
      int p = program_index(name, d.span);
      ok = ok && p >= 0;
      c.programs.push_back(p);
    };
    if (d.kind == "choice") {
      c.kind = ir::CombinationKind::Choice;
      for (const ast::ChoiceOption& o : d.options) {
        add(o.program);
        int p = c.programs.back();
        if (p < 0) continue;
        check::Scope scope;
        scope.self = rs_.programs[p].entity;
        c.chosen_when.push_back(binder_.bind_expecting(o.when, scope, Type::of(TypeKind::Bool),
                                                       "the condition that records '" + o.program + "' as chosen"));
      }
      // A program whose record kind is unknown was reported where it is declared; its options are not compared.
      auto entity_of = [&](std::size_t i) { return rs_.programs[c.programs[i]].entity; };
      for (std::size_t i = 1; ok && i < c.programs.size(); ++i)
        if (entity_of(0) >= 0 && entity_of(i) >= 0 && entity_of(i) != entity_of(0)) {
          sink_.report(DiagKind::BadCombination, d.span,
                       {"the options of a choice are decided for the same kind of record: '" + rs_.programs[c.programs[0]].name +
                        "' is for " + rs_.entities[rs_.programs[c.programs[0]].entity].name + ", '" +
                        rs_.programs[c.programs[i]].name + "' for " + rs_.entities[rs_.programs[c.programs[i]].entity].name});
          ok = false;
        }
      if (c.programs.size() < 2) {
        sink_.report(DiagKind::BadCombination, d.span, {"a choice needs at least two options"});
        ok = false;
      }
    } else {
      for (const auto& n : d.first) add(n);
      for (const auto& n : d.others) add(n);
      if (d.kind == "exclusive") c.kind = ir::CombinationKind::Exclusive;
      else if (d.kind == "top_up") c.kind = ir::CombinationKind::TopUp;
      else if (d.kind == "supplement") c.kind = ir::CombinationKind::Supplement;
      else c.kind = ir::CombinationKind::Compatible;
      if (c.kind == ir::CombinationKind::Compatible && c.programs.size() < 2) {
        sink_.report(DiagKind::BadCombination, d.span, {"'compatible' needs at least two programs"});
        ok = false;
      }
    }
    for (std::size_t i = 0; ok && i < c.programs.size(); ++i)
      for (std::size_t j = i + 1; j < c.programs.size(); ++j)
        if (c.programs[i] == c.programs[j]) {
          sink_.report(DiagKind::BadCombination, d.span, {"program '" + rs_.programs[c.programs[i]].name + "' is named twice"});
          ok = false;
        }
    if (!ok) return;
    if (c.kind == ir::CombinationKind::Exclusive) {
      // "exclusive A over B, C" is one pair per loser: {A, B}, {A, C}.
      for (std::size_t i = 1; i < c.programs.size(); ++i) {
        ir::Combination pair = c;
        pair.programs = {c.programs[0], c.programs[i]};
        rs_.programs[c.programs[i]].excluded_by.push_back(c.programs[0]);
        rs_.combinations.push_back(std::move(pair));
      }
      return;
    }
    rs_.combinations.push_back(std::move(c));
  }

  /// With declared regions, every standard row must name one of them (a typo would silently never match).
  void check_rows_in_regions() {
    if (rs_.regions.empty()) return;
    for (const ir::Standard& st : rs_.standards)
      for (const ir::StandardRow& row : st.rows)
        if (!row.region.empty() && rs_.region_name(row.region).empty())
          sink_.report(DiagKind::UndeclaredRegion, row.span, {row.region});
  }

  int member_entity() const {
    if (rs_.root_entity < 0) return -1;
    int f = rs_.entities[rs_.root_entity].find_field("members");
    return f >= 0 ? rs_.entities[rs_.root_entity].fields[f].type.ref : -1;
  }

  void bind_test(const ast::TestDecl& t) {
    ir::TestCase tc;
    tc.name = t.name;
    tc.span = t.span;
    auto m = Month::parse(t.month);
    if (!m) sink_.report(DiagKind::BadDateLiteral, t.span, {t.month});
    else tc.month = *m;
    if (t.household.kind == "file") {
      tc.household_origin = t.household.text;
    } else {
      tc.household_json = t.household.text;
      tc.household_origin = sm_.path(t.span.file);
      std::string error;
      if (!parse_json(tc.household_json, error)) sink_.report(DiagKind::BadInlineHousehold, t.household.span, {error});
    }
    for (const ast::Expectation& e : t.expects) {
      ir::TestExpectation te;
      te.program = e.program;
      te.field = e.field;
      te.member = opt(e.member);
      te.subject = opt(e.subject);
      te.span = e.span;
      check::Scope scope;
      scope.constant_only = true;
      std::string value_text(sm_.slice(ast::span_of(e.value)));
      if (int ent = entity_index(e.program); ent >= 0) {
        // "expect member["P2"].counted = false": a definition's value for one instance.
        for (int d : rs_.entities[ent].defs)
          if (rs_.defs[d].name == e.field) te.definition = d;
        if (te.definition < 0 || e.member || (ent != rs_.root_entity && !e.subject)) {
          sink_.report(DiagKind::BadTestExpectation, e.span, {e.program + (e.subject ? "[\"" + *e.subject + "\"]" : "") + "." + e.field});
          continue;
        }
        if (value_text == "undetermined") te.expect_undetermined = true;
        else te.value = binder_.bind_expecting(e.value, scope, rs_.defs[te.definition].type, "the expected value of " + e.program + "." + e.field);
        tc.expects.push_back(te);
        continue;
      }
      for (std::size_t i = 0; i < rs_.programs.size(); ++i)
        if (rs_.programs[i].name == e.program) te.program_index = int(i);
      if (te.program_index < 0) {
        sink_.report(DiagKind::UnknownProgram, e.span, {e.program});
        continue;
      }
      if (e.subject) {
        sink_.report(DiagKind::BadTestExpectation, e.span, {e.program + "[\"" + *e.subject + "\"]." + e.field});
        continue;
      }
      if (e.field == "eligible" || e.field == "review" || e.field == "provisional") {
        if (e.field == "eligible" && value_text == "undetermined") te.expect_undetermined = true;
        else te.value = binder_.bind_expecting(e.value, scope, Type::of(TypeKind::Bool), "expected " + e.field);
      } else if (e.field == "amount") {
        if (value_text == "undetermined") te.expect_undetermined = true;
        else te.value = binder_.bind_expecting(e.value, scope, Type::of(TypeKind::Money), "expected amount");
      } else if (e.field == "decision") {
        bool known = false;
        for (DecisionKind k : {DecisionKind::Granted, DecisionKind::NotGranted, DecisionKind::Undetermined,
                               DecisionKind::AmountUndetermined, DecisionKind::Excluded, DecisionKind::ChoiceNeeded})
          known = known || value_text == decision_kind_name(k);
        if (!known) {
          sink_.report(DiagKind::BadTestExpectation, e.span, {e.program + ".decision = " + value_text});
          continue;
        }
        te.word = value_text;
      } else {
        sink_.report(DiagKind::BadTestExpectation, e.span, {e.program + "." + e.field});
        continue;
      }
      tc.expects.push_back(te);
    }
    rs_.tests.push_back(std::move(tc));
  }

  const SourceManager& sm_;
  DiagnosticSink& sink_;
  ir::RuleSet rs_;
  check::Binder binder_;
  std::map<std::string, SourceSpan> globals_;
  std::vector<const ast::EntityDecl*> entity_decls_;
  std::vector<const ast::DefineDecl*> pending_defs_;
  std::vector<std::pair<int, const ast::DefineDecl*>> define_decls_;
  std::vector<std::pair<int, const ast::StandardDecl*>> standard_decls_;
  std::vector<std::pair<int, const ast::ProgramDecl*>> program_decls_;
  std::vector<std::pair<int, const ast::TableDecl*>> table_decls_;
  std::vector<const ast::TestDecl*> test_decls_;
  std::vector<const ast::AmendDecl*> amend_decls_;
  std::vector<const ast::CombineDecl*> combine_decls_;
};

}  // namespace

std::optional<ir::RuleSet> check_rule_files(const SourceManager& sm, const std::vector<ast::RuleFile>& files,
                                            DiagnosticSink& sink) {
  Checker c(sm, sink);
  return c.run(files);
}

}  // namespace entitle
