// catalogue.cpp — builds the catalogue document from a checked rule set.
#include "engine/explain/catalogue.hpp"

#include <algorithm>
#include <functional>
#include <set>

#include "engine/explain/render.hpp"
#include "engine/explain/words.hpp"

namespace entitle {
namespace {

std::string text_of(const SourceManager& sm, const ir::RuleSet& rs, int node) {
  return node < 0 ? "" : std::string(sm.slice(rs.nodes[node].span));
}

std::string with_label(const std::string& label, const std::string& name) {
  return label.empty() ? name : label + " (" + name + ")";
}

const char* period_words(ir::Period p) {
  switch (p) {
    case ir::Period::Month: return "按月";
    case ir::Period::Semester: return "按学期";
    case ir::Period::Year: return "按年";
    case ir::Period::Once: return "一次性";
  }
  return "";
}

/// Definitions, standards and tables a node depends on, transitively through definitions.
struct Uses {
  std::vector<int> defs, standards, tables;
  std::set<int> seen_defs, seen_standards, seen_tables;
};

void collect(const ir::RuleSet& rs, int node, Uses& u) {
  if (node < 0) return;
  const ir::ExprNode& n = rs.nodes[node];
  if (n.op == ir::Op::Def && u.seen_defs.insert(n.a).second) {
    const ir::Definition& d = rs.defs[n.a];
    collect(rs, d.value, u);
    for (const auto& e : d.exceptions) {
      collect(rs, e.when, u);
      collect(rs, e.value, u);
    }
    u.defs.push_back(n.a);
  }
  if (n.op == ir::Op::StandardRef && u.seen_standards.insert(n.a).second) u.standards.push_back(n.a);
  if (n.op == ir::Op::Table && u.seen_tables.insert(n.a).second) u.tables.push_back(n.a);
  for (int k : n.kids) collect(rs, k, u);
}

const char* combination_words(ir::CombinationKind k) {
  switch (k) {
    case ir::CombinationKind::Exclusive: return "互斥 (优先者先定，另一项不重复享受)";
    case ir::CombinationKind::Choice: return "择一 (由家庭选择并记录；未记录前两项均不发放)";
    case ir::CombinationKind::Compatible: return "可兼得";
    case ir::CombinationKind::TopUp: return "补差 (补足至标准，按对方实际发放额计算)";
    case ir::CombinationKind::Supplement: return "附加 (随基础项目发放，组合规则同基础项目)";
  }
  return "";
}

std::string program_names(const ir::RuleSet& rs, const std::vector<int>& ps, std::size_t from = 0) {
  std::string out;
  for (std::size_t i = from; i < ps.size(); ++i)
    out += (out.empty() ? "" : "、") + std::string("「") + rs.programs[ps[i]].label + "」(" + rs.programs[ps[i]].name + ")";
  return out;
}

/// One combination in a sentence.
std::string combination_sentence(const ir::RuleSet& rs, const ir::Combination& c) {
  switch (c.kind) {
    case ir::CombinationKind::Exclusive:
      return program_names(rs, {c.programs[0]}) + " 优先于 " + program_names(rs, c.programs, 1) + "：同一对象享受前者时不再享受后者";
    case ir::CombinationKind::Choice: return program_names(rs, c.programs) + " 由家庭选择其一";
    case ir::CombinationKind::Compatible: return program_names(rs, c.programs) + " 可同时享受";
    case ir::CombinationKind::TopUp: return program_names(rs, {c.programs[0]}) + " 对 " + program_names(rs, c.programs, 1) + " 的实际发放额补差";
    case ir::CombinationKind::Supplement:
      return program_names(rs, {c.programs[0]}) + " 随 " + program_names(rs, {c.programs[1]}) + " 发放，与其他项目的组合同后者";
  }
  return "";
}

/// "dibao.rules:42": relative to the rule set, so the catalogue does not depend on where the rules were read from.
std::string where(const ir::RuleSet& rs, const SourceManager& sm, const SourceSpan& span) {
  if (span.file >= rs.files.size()) return where(rs, sm, span);
  return rs.files[span.file] + ":" + std::to_string(sm.line_col(span.file, span.begin).line);
}

}  // namespace

Document build_catalogue(const ir::RuleSet& rs, const SourceManager& sm) {
  Document doc;
  doc.heading(1, "社会救助规则目录 (entitle rule catalogue)");
  std::string files;
  for (const auto& f : rs.files) files += (files.empty() ? "" : ", ") + f;
  doc.paragraph("规则集 " + rs.hash + "；文件: " + files + "。本目录由规则文件自动生成，供县级民政部门逐条核对规则与文件是否一致。"
                "标注“未找到公开来源”的取值在录入前会使相关决定显示为“无法确定”，不会以零或估计值代替。");

  // ---------------------------------------------------------------- programs
  doc.heading(2, "救助项目", "programs");
  for (int p : rs.program_order) {
    const ir::ProgramDef& pd = rs.programs[p];
    doc.heading(3, pd.label + " (" + pd.name + ")", "program-" + pd.name);
    doc.list({"对象: " + std::string(pd.entity == rs.root_entity ? "家庭" : "个人 (" + rs.entities[pd.entity].label + ")") +
                  "；发放: " + period_words(pd.period),
              "依据: " + pd.cite, "位置: " + where(rs, sm, pd.span)});
    doc.paragraph("条件: " + describe_in_words(rs, pd.eligible) + "。");
    doc.code("eligible when " + text_of(sm, rs, pd.eligible));
    doc.paragraph("金额: " + describe_in_words(rs, pd.amount) + "。");
    doc.code("amount = " + text_of(sm, rs, pd.amount));
    if (pd.members >= 0) doc.paragraph("享受对象: " + describe_in_words(rs, pd.members) + "。");
    if (!pd.exceptions.empty()) {
      std::vector<std::vector<std::string>> rows;
      for (const auto& e : pd.exceptions) {
        std::string overrides;
        if (e.eligible >= 0) overrides += "条件: " + describe_in_words(rs, e.eligible) + "\n";
        if (e.amount >= 0) overrides += "金额: " + describe_in_words(rs, e.amount) + "\n";
        if (e.members >= 0) overrides += "对象: " + describe_in_words(rs, e.members);
        rows.push_back({with_label(e.label, e.name), describe_in_words(rs, e.when), overrides, where(rs, sm, e.span)});
      }
      doc.paragraph("例外:");
      doc.table({"例外", "适用情形", "改为", "位置"}, rows);
    }
    if (!pd.warnings.empty()) {
      std::vector<std::string> items;
      for (const auto& w : pd.warnings) items.push_back(w.message + "（当" + describe_in_words(rs, w.when) + "）");
      doc.paragraph("决定附带的提示:");
      doc.list(items);
    }
    if (!pd.reviews.empty()) {
      std::vector<std::string> items;
      for (const auto& w : pd.reviews) items.push_back(w.message + "（当" + describe_in_words(rs, w.when) + "）");
      doc.paragraph("需复核的情形 (决定照常作出，并列入影响报告的“需复核”名单):");
      doc.list(items);
    }
    std::vector<std::string> combos;
    for (const ir::Combination& c : rs.combinations)
      if (c.kind != ir::CombinationKind::Compatible && std::find(c.programs.begin(), c.programs.end(), p) != c.programs.end())
        combos.push_back(combination_sentence(rs, c) + (c.cite.empty() ? "" : "。依据: " + c.cite));
    if (!combos.empty()) {
      doc.paragraph("与其他项目的组合 (见“组合规则”):");
      doc.list(combos);
    }
    Uses uses;
    for (int n : {pd.eligible, pd.amount, pd.members}) collect(rs, n, uses);
    for (const auto& e : pd.exceptions)
      for (int n : {e.when, e.eligible, e.amount, e.members}) collect(rs, n, uses);
    if (!uses.defs.empty()) {
      std::vector<std::vector<std::string>> rows;
      for (int d : uses.defs) {
        const ir::Definition& def = rs.defs[d];
        std::string meaning = def.value >= 0 ? describe_in_words(rs, def.value) : "";
        for (const auto& e : def.exceptions)
          meaning += "\n例外「" + with_label(e.label, e.name) + "」: 当" + describe_in_words(rs, e.when) + "时为" + describe_in_words(rs, e.value);
        rows.push_back({with_label(def.label, rs.entities[def.entity].name + "." + def.name), meaning, def.cite, where(rs, sm, def.span)});
      }
      doc.paragraph("所用定义 (按依赖顺序):");
      doc.table({"定义", "含义", "依据", "位置"}, rows);
    }
    if (!uses.standards.empty()) {
      std::vector<std::string> items;
      for (int s : uses.standards) items.push_back(with_label(rs.standards[s].label, rs.standards[s].name));
      doc.paragraph("所用标准 (取值见下文“标准”):");
      doc.list(items);
    }
  }

  // ---------------------------------------------------------------- standards
  doc.heading(2, "标准", "standards");
  doc.paragraph("每个取值自其日期起生效，直至同一区划的下一个取值；区划越具体越优先 (乡镇 > 县 > 地市 > 省 > 全国)。"
                "县级民政部门录入新标准的方法见 docs/county-office.md。");
  std::vector<std::vector<std::string>> missing_rows, stale_rows, assumed_rows;
  for (const ir::Standard& st : rs.standards) {
    doc.heading(3, with_label(st.label, st.name), "standard-" + st.name);
    std::string unit = st.per == ir::PerUnit::None ? "" : std::string("每") + (st.per == ir::PerUnit::Month ? "月" : st.per == ir::PerUnit::Year ? "年" : "学期");
    std::string keyed = st.key_enum >= 0 ? "；按 " + with_label(rs.enums[st.key_enum].label, rs.enums[st.key_enum].name) + " 区分" : "";
    std::string renewal = st.renewal_months == 12 ? "每年更新 (超过一年未录入新值的取值为暂定)"
                          : st.renewal_months > 0 ? "每 " + std::to_string(st.renewal_months) + " 个月更新" : "";
    std::vector<std::string> facts = {"单位: " + (unit.empty() ? std::string("—") : unit) + keyed, "依据: " + st.cite,
                                      "位置: " + where(rs, sm, st.span)};
    if (!renewal.empty()) facts.push_back("更新: " + renewal);
    doc.list(facts);
    std::vector<std::vector<std::string>> rows;
    for (const ir::StandardRow& row : st.rows) {
      std::string region = row.region.empty() ? "全国" : row.region;
      std::string name = row.region.empty() ? "" : rs.region_name(row.region);
      std::string key = row.key >= 0 ? with_label(rs.enums[st.key_enum].value_labels[row.key], rs.enums[st.key_enum].values[row.key]) : "—";
      const ir::StandardValue* last = nullptr;
      for (const ir::StandardValue& v : row.values) {
        std::string value = v.expr < 0 ? "未找到公开来源 (无来源)" : text_of(sm, rs, v.expr) + (v.given_per.empty() ? "" : " / " + v.given_per);
        std::string from = v.from.to_string() + (v.assumed_date ? " (推定)" : "");
        rows.push_back({region, name, key, from, v.until ? v.until->to_string() : "", value, v.cite, where(rs, sm, v.span)});
        if (v.expr < 0)
          missing_rows.push_back({with_label(st.label, st.name), region + (name.empty() ? "" : " " + name), key, v.from.to_string(), v.cite});
        if (v.assumed_date)
          assumed_rows.push_back({with_label(st.label, st.name), region + (name.empty() ? "" : " " + name), key, v.from.to_string(), value, v.cite});
        if (!last || last->from < v.from) last = &v;
      }
      // The newest value of a renewed standard becomes stale one renewal period after its date.
      if (last && last->expr >= 0 && !last->until && st.renewal_months > 0)
        stale_rows.push_back({with_label(st.label, st.name), region + (name.empty() ? "" : " " + name), key,
                              text_of(sm, rs, last->expr) + (last->given_per.empty() ? "" : " / " + last->given_per),
                              last->from.to_string(), add_months(last->from, st.renewal_months).to_string(), last->cite});
    }
    doc.table({"区划", "名称", "分类", "自", "至", "取值", "取值依据", "位置"}, rows);
  }

  // ---------------------------------------------------------------- tables
  if (!rs.tables.empty()) {
    doc.heading(2, "决策表", "tables");
    for (const ir::TableDef& t : rs.tables) {
      doc.heading(3, with_label(t.label, t.name));
      doc.list({"依据: " + t.cite, "位置: " + where(rs, sm, t.span)});
      std::vector<std::string> headers = t.param_names;
      headers.push_back("结果");
      std::vector<std::vector<std::string>> rows;
      for (std::size_t r = 0; r < t.rows.size(); ++r) {
        std::vector<std::string> cells;
        for (const ir::TableCell& c : t.rows[r]) cells.push_back(std::string(sm.slice(c.span)));
        rows.push_back(cells);
      }
      doc.table(headers, rows);
    }
  }

  // ---------------------------------------------------------------- regions
  if (!rs.regions.empty()) {
    doc.heading(2, "服务区划", "regions");
    std::vector<std::vector<std::string>> rows;
    for (const ir::RegionDef& r : rs.regions) rows.push_back({r.code, r.name});
    doc.table({"代码", "名称"}, rows);
  }

  // ---------------------------------------------------------------- combinations
  doc.heading(2, "组合规则 (同一对象可否同时享受)", "combinations");
  doc.paragraph("每两个项目之间的关系都在规则中声明 (entitle check 会报告未声明的组合)。互斥时优先者先定；择一时未记录选择前两项均不发放。");
  {
    std::vector<std::vector<std::string>> rows;
    for (const ir::Combination& c : rs.combinations)
      rows.push_back({combination_words(c.kind), combination_sentence(rs, c), c.cite, where(rs, sm, c.span)});
    doc.table({"关系", "内容", "依据", "位置"}, rows);
  }

  // ---------------------------------------------------------------- what is missing
  doc.heading(2, "待录入的标准 (未找到公开来源)", "missing");
  doc.paragraph("下列取值在规则中声明为“无来源”。需要它们的决定会显示“无法确定”并列出所缺标准；县级民政部门依据正式文件录入后，同一规则即可计算金额。");
  doc.table({"标准", "区划", "分类", "自", "说明"}, missing_rows);
  doc.heading(2, "待确认的标准 (超过更新周期后为暂定)", "stale");
  doc.paragraph("下列取值是各区划最新的取值；标准声明了更新周期，自“暂定自”之日起仍按此取值计算，但决定标为“暂定”并写明所用取值及其来源，"
                "直至县级民政部门录入或确认当期标准。使用 entitle eval --strict-standards 时这些决定为“无法确定”。");
  doc.table({"标准", "区划", "分类", "取值", "自", "暂定自", "来源"}, stale_rows);
  doc.heading(2, "推定的生效日期", "assumed");
  doc.paragraph("来源只给出年份或学期、未给出具体日期的取值，其生效日期为推定 (如年初、春季学期 3 月 1 日、秋季学期 9 月 1 日)；县级民政部门可按正式文件修改。");
  doc.table({"标准", "区划", "分类", "推定自", "取值", "来源"}, assumed_rows);
  return doc;
}

}  // namespace entitle
