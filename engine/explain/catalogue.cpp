// catalogue.cpp — builds the catalogue document from a checked rule set.
#include "engine/explain/catalogue.hpp"

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
    for (int q : pd.excluded_by)
      doc.paragraph("排除: 同一对象享受「" + rs.programs[q].label + "」(" + rs.programs[q].name + ") 时不再享受本项目。");
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
  std::vector<std::vector<std::string>> missing_rows;
  for (const ir::Standard& st : rs.standards) {
    doc.heading(3, with_label(st.label, st.name), "standard-" + st.name);
    std::string unit = st.per == ir::PerUnit::None ? "" : std::string("每") + (st.per == ir::PerUnit::Month ? "月" : st.per == ir::PerUnit::Year ? "年" : "学期");
    std::string keyed = st.key_enum >= 0 ? "；按 " + with_label(rs.enums[st.key_enum].label, rs.enums[st.key_enum].name) + " 区分" : "";
    doc.list({"单位: " + (unit.empty() ? std::string("—") : unit) + keyed, "依据: " + st.cite, "位置: " + where(rs, sm, st.span)});
    std::vector<std::vector<std::string>> rows;
    for (const ir::StandardRow& row : st.rows) {
      std::string region = row.region.empty() ? "全国" : row.region;
      std::string name = row.region.empty() ? "" : rs.region_name(row.region);
      std::string key = row.key >= 0 ? with_label(rs.enums[st.key_enum].value_labels[row.key], rs.enums[st.key_enum].values[row.key]) : "—";
      for (const ir::StandardValue& v : row.values) {
        std::string value = v.expr < 0 ? "未找到公开来源 (无来源)" : text_of(sm, rs, v.expr) + (v.given_per.empty() ? "" : " / " + v.given_per);
        rows.push_back({region, name, key, v.from.to_string(), v.until ? v.until->to_string() : "", value, v.cite, where(rs, sm, v.span)});
        if (v.expr < 0)
          missing_rows.push_back({with_label(st.label, st.name), region + (name.empty() ? "" : " " + name), key, v.from.to_string(), v.cite});
      }
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

  // ---------------------------------------------------------------- what is missing
  doc.heading(2, "待录入的标准 (未找到公开来源)", "missing");
  doc.paragraph("下列取值在规则中声明为“无来源”。需要它们的决定会显示“无法确定”并列出所缺标准；县级民政部门依据正式文件录入后，同一规则即可计算金额。");
  doc.table({"标准", "区划", "分类", "自", "说明"}, missing_rows);
  return doc;
}

}  // namespace entitle
