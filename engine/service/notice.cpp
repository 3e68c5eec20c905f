// notice.cpp — the determination notice (审核确认告知书) for a household and month, as a printable HTML page.
#include "engine/service/notice.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

#include "engine/explain/missing_words.hpp"
#include "engine/explain/words.hpp"
#include "engine/values/calendar.hpp"

namespace entitle {
namespace {

// ---- small words ---------------------------------------------------------------------------------------------

std::string esc(const std::string& s) {
  std::string out;
  out.reserve(s.size() + 16);
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

/// "2026-01-20" → "2026年1月20日"; anything else as given.
std::string date_words(const std::string& iso) {
  auto d = Date::parse(iso.substr(0, 10));
  if (!d) return iso;
  return std::to_string(d->year()) + "年" + std::to_string(d->month()) + "月" + std::to_string(d->day_of_month()) + "日";
}

/// "2026-01" → "2026年1月"; anything else as given.
std::string month_words(const std::string& ym) {
  auto m = Month::parse(ym);
  if (!m) return ym;
  return std::to_string(m->year()) + "年" + std::to_string(m->month()) + "月";
}

std::string per_words(ir::Period p) {
  switch (p) {
    case ir::Period::Month: return "元/月";
    case ir::Period::Semester: return "元/学期";
    case ir::Period::Year: return "元/年";
    case ir::Period::Once: return "元（一次性）";
  }
  return "元";
}

std::string money(const Rational& r) { return r.has_at_most_decimals(2) ? r.to_fixed(2) : r.to_string(); }

/// "sha256:6ab0aa35c4af…" → "sha256:6ab0aa35c4af"; hex → its first 12 digits.
std::string short_hash(const std::string& h) {
  const std::string prefix = "sha256:";
  if (h.rfind(prefix, 0) == 0) return prefix + h.substr(prefix.size(), 12);
  return h.substr(0, 12);
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

std::string program_label(const ir::RuleSet& rs, const std::string& name) {
  for (const auto& p : rs.programs)
    if (p.name == name) return p.label.empty() ? p.name : p.label;
  return name;
}

const NoticeMember* member_by_id(const std::vector<NoticeMember>& members, const std::string& id) {
  for (const auto& m : members)
    if (m.id == id) return &m;
  return nullptr;
}

std::string member_name(const std::vector<NoticeMember>& members, const std::string& id) {
  if (const NoticeMember* m = member_by_id(members, id)) return m->display();
  return "成员" + id;
}

/// "members[P2]" or "members[P2].…" → "P2"; "" otherwise.
std::string member_of_subject(const std::string& subject) {
  const std::string head = "members[";
  if (subject.rfind(head, 0) != 0) return "";
  std::size_t close = subject.find(']', head.size());
  return close == std::string::npos ? "" : subject.substr(head.size(), close - head.size());
}

std::string names_of(const std::vector<NoticeMember>& members, const std::vector<std::string>& ids) {
  std::vector<std::string> names;
  for (const auto& id : ids) names.push_back(member_name(members, id));
  return join(names, "、");
}

std::string region_words(const ir::RuleSet& rs, const std::string& code) {
  if (code.empty() || code == "all") return "全国";
  std::string name = rs.region_name(code);
  return name.empty() ? code : name;
}

std::string key_label(const ir::RuleSet& rs, const ir::Standard& st, const std::string& key) {
  if (key.empty() || st.key_enum < 0) return key;
  const ir::EnumDef& e = rs.enums[st.key_enum];
  int v = e.find(key);
  return v < 0 || e.value_labels[v].empty() ? key : e.value_labels[v];
}

const ir::Standard* standard_named(const ir::RuleSet& rs, const std::string& name) {
  for (const auto& st : rs.standards)
    if (st.name == name) return &st;
  return nullptr;
}

/// "「最低生活保障标准」（沁水县·农村，自2020-01-01起）".
std::string stale_words(const ir::RuleSet& rs, const StaleValue& v) {
  std::string where = region_words(rs, v.region);
  if (!v.key.empty()) {
    const ir::Standard* st = standard_named(rs, v.standard);
    where += "·" + (st ? key_label(rs, *st, v.key) : v.key);
  }
  return "「" + (v.label.empty() ? v.standard : v.label) + "」（" + where + "，自" + v.from + "起）";
}

std::string provisional_note(const ir::RuleSet& rs, const std::vector<StaleValue>& stale) {
  std::vector<std::string> parts;
  for (const StaleValue& v : stale) parts.push_back(stale_words(rs, v));
  return "暂定：标注“暂定”的项目所用标准" + join(parts, "、") + "已超过更新周期，待县级民政部门确认。";
}

void add_stale(std::vector<StaleValue>& all, const StaleValue& v) {
  for (const StaleValue& x : all)
    if (x.standard == v.standard && x.region == v.region && x.key == v.key && x.from == v.from) return;
  all.push_back(v);
}

bool is_ascii_code(const std::string& s) {
  if (s.empty()) return false;
  for (unsigned char c : s)
    if (c >= 0x80 || !(std::isalnum(c) || c == '_' || c == '.' || c == '[' || c == ']' || c == '-')) return false;
  return true;
}

/// The node a failed condition's span belongs to (a condition: flag-typed), or -1.
int condition_node(const ir::RuleSet& rs, const SourceSpan& span) {
  int found = -1;
  for (std::size_t i = 0; i < rs.nodes.size(); ++i) {
    const ir::ExprNode& n = rs.nodes[i];
    if (n.span.file == span.file && n.span.begin == span.begin && n.span.end == span.end) {
      if (n.type.kind == ir::TypeKind::Bool) return int(i);
      if (found < 0) found = int(i);
    }
  }
  return found;
}

// ---- the page ------------------------------------------------------------------------------------------------

const char* kStyle = R"CSS(
@page { size: A4; margin: 18mm; }
* { box-sizing: border-box; }
html { background: #e8e6e1; }
body { margin: 0; color: #000; font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", "Songti SC", SimSun, serif;
  font-size: 10.5pt; line-height: 1.55; }
.toolbar { max-width: 210mm; margin: 6mm auto 0; font-family: "Noto Sans CJK SC", sans-serif; font-size: 10pt;
  color: #333; display: flex; gap: 4mm; align-items: center; }
.toolbar button { font: inherit; padding: 1mm 4mm; cursor: pointer; }
.toolbar a { color: #1a4f8b; }
.sheet { width: 210mm; min-height: 297mm; margin: 4mm auto 10mm; padding: 18mm; background: #fff;
  box-shadow: 0 1px 6px rgba(0, 0, 0, .25); }
.issuer { text-align: center; font-size: 15pt; letter-spacing: .15em; margin: 0; }
h1 { text-align: center; font-size: 22pt; font-weight: 700; letter-spacing: .35em; margin: 2mm 0 1mm; padding-left: .35em; }
.docno { text-align: center; font-size: 10pt; margin: 0 0 5mm; }
.rule { border: 0; border-top: 1.5pt solid #b00; margin: 0 0 5mm; }
p { margin: 0 0 2mm; }
.salutation { margin-top: 0; }
.lead, .template p { text-indent: 2em; }
h2 { font-size: 12pt; font-weight: 700; margin: 3.5mm 0 1.2mm; break-after: avoid; page-break-after: avoid; }
table { width: 100%; border-collapse: collapse; font-size: 9.5pt; line-height: 1.4; margin: 0 0 1mm; }
thead { display: table-header-group; }
th, td { border: .75pt solid #000; padding: .8mm 1.6mm; vertical-align: top; text-align: left; }
th { background: #efefef; font-weight: 700; text-align: center; white-space: nowrap; }
table { table-layout: fixed; }
td { overflow-wrap: anywhere; }
tr { break-inside: avoid; page-break-inside: avoid; }
td.amount { text-align: right; white-space: nowrap; }
td.date { white-space: nowrap; }
svg.hourglass { width: .7em; height: 1em; vertical-align: -.15em; margin-right: .2em; }
td.cite { font-size: 8.5pt; color: #222; }
tr.total td { font-weight: 700; }
p.note { font-size: 9pt; margin: 0 0 1mm; }
.prov { white-space: nowrap; }
.reasons { margin: 0; padding-left: 1.1em; }
.reasons li { margin: 0; }
.none { color: #333; }
.small { font-size: 9pt; }
.errors { border: 1pt solid #b00; padding: 2mm 3mm; margin: 2mm 0; }
.template { margin-top: 1mm; }
.signature { margin-top: 6mm; break-inside: avoid; page-break-inside: avoid; }
.signature .line { display: flex; justify-content: space-between; margin-bottom: 4mm; }
.signature .blank { display: inline-block; min-width: 38mm; border-bottom: .75pt solid #000; }
.signature .seal { text-align: right; margin-right: 6mm; line-height: 2; }
.receipt { margin-top: 5mm; padding-top: 2.5mm; border-top: .75pt dashed #555; font-size: 10pt; break-inside: avoid;
  page-break-inside: avoid; }
.receipt .blank { display: inline-block; min-width: 32mm; border-bottom: .75pt solid #000; }
.footer { margin-top: 5mm; padding-top: 1.5mm; border-top: .5pt solid #999; font-size: 8pt; color: #444;
  font-family: "Noto Sans CJK SC", sans-serif; line-height: 1.4; }
@media print {
  html { background: none; }
  .toolbar, .no-print { display: none !important; }
  .sheet { width: auto; min-height: 0; margin: 0; padding: 0; box-shadow: none; }
}
)CSS";

/// The provisional mark: an hourglass drawn inline (the CJK faces have no ⏳ glyph and an emoji font may be missing
/// where the page is printed); its accessible name is "⏳" as in the other outputs.
const char* kHourglass =
    "<svg class=\"hourglass\" viewBox=\"0 0 10 14\" role=\"img\" aria-label=\"⏳\">"
    "<path d=\"M1 1h8M1 13h8M2 1l3 6-3 6M8 1L5 7l3 6\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.1\"/>"
    "<path d=\"M3.2 12.5h3.6L5 9.8z\" fill=\"currentColor\"/></svg>";

std::string prov_mark() { return std::string(" <span class=\"prov\">") + kHourglass + "暂定</span>"; }

const char* const kNumerals[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};

struct StandardUse {
  int standard = -1;
  std::string key, region, from, value;
  bool stale = false;
};

/// Page-building state: the input plus what is derived once.
class NoticeWriter {
public:
  explicit NoticeWriter(const NoticeInput& in) : in_(in), rs_(*in.rs), r_(*in.result) {
    if (in.household) members_ = notice_members(rs_, *in.household);
    else members_ = in.members;
    for (const auto& m : members_)
      if (m.relation == "self" && head_.empty()) head_ = m.display();
    county_ = r_.region.size() >= 6 ? rs_.region_name(r_.region.substr(0, 6)) : "";
    township_ = r_.region.size() > 6 ? rs_.region_name(r_.region) : "";
  }

  std::string write() {
    out_ << "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
         << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         << "<title>审核确认告知书 · " << esc(r_.household) << " · " << esc(month_words(r_.period)) << "</title>\n"
         << "<style>" << kStyle << "</style>\n</head>\n<body>\n"
         << "<nav class=\"toolbar no-print\"><button type=\"button\" onclick=\"window.print()\">打印</button>"
         << "<span>用 A4 纸打印（浏览器“打印”，边距“默认”）；本栏不会打印。</span></nav>\n"
         << "<main class=\"sheet\">\n";
    header();
    granted();
    refused();
    excluded();
    pending();
    standards();
    errors();
    remedy();
    signature();
    footer();
    out_ << "</main>\n</body>\n</html>\n";
    return out_.str();
  }

private:
  std::string issuer() const {
    if (!township_.empty()) return county_ + township_ + "人民政府";
    if (!county_.empty()) return county_ + "民政局";
    return "";
  }

  void h2(const std::string& title) { out_ << "<h2>" << kNumerals[std::min(section_++, 9)] << "、" << esc(title) << "</h2>\n"; }

  void header() {
    if (std::string who = issuer(); !who.empty()) out_ << "<p class=\"issuer\">" << esc(who) << "</p>\n";
    out_ << "<h1>审核确认告知书</h1>\n"
         << "<p class=\"docno\">户编号：" << esc(r_.household) << "　　认定月份：" << esc(month_words(r_.period)) << "</p>\n"
         << "<hr class=\"rule\">\n";
    out_ << "<p class=\"salutation\">" << esc(head_.empty() ? "户编号 " + r_.household + " 家庭" : head_ + "（户主）及家庭成员")
         << "：</p>\n"
         << "<p class=\"lead\">经审核确认，你户" << esc(month_words(r_.period))
         << "社会救助及相关待遇的认定结果告知如下。</p>\n";
    h2("家庭基本情况");
    std::string place = county_ + township_;
    if (place.empty()) place = r_.region;
    else if (!r_.region.empty()) place += "（" + r_.region + "）";
    out_ << "<table class=\"info\">\n<colgroup><col style=\"width:15%\"><col style=\"width:39%\"><col style=\"width:15%\">"
            "<col style=\"width:31%\"></colgroup>\n"
         << "<tr><th>户编号</th><td>" << esc(r_.household) << "</td><th>户主</th><td>" << esc(head_.empty() ? "—" : head_)
         << "</td></tr>\n"
         << "<tr><th>所在地</th><td>" << esc(place) << "</td><th>认定月份</th><td>" << esc(month_words(r_.period))
         << "</td></tr>\n";
    std::vector<std::string> list;
    for (const auto& m : members_)
      list.push_back(m.display() + (m.relation_label.empty() ? "" : "（" + m.relation_label + "）"));
    out_ << "<tr><th>家庭成员</th><td colspan=\"3\">" << esc(join(list, "、"));
    if (!members_.empty()) out_ << "，共" << members_.size() << "人";
    out_ << "</td></tr>\n</table>\n";
  }

  const ir::ProgramDef& prog(const Entitlement& e) const { return rs_.programs[e.program]; }
  bool member_level(const Entitlement& e) const { return prog(e).entity != rs_.root_entity; }
  std::string label(const Entitlement& e) const { return prog(e).label.empty() ? prog(e).name : prog(e).label; }

  void granted() {
    h2("准予享受的待遇");
    std::vector<const Entitlement*> rows;
    for (const Entitlement& e : r_.entitlements)
      if (e.kind == DecisionKind::Granted && e.eligible.value_or(false) && e.missing.empty()) rows.push_back(&e);
    if (rows.empty()) {
      out_ << "<p class=\"none\">无。</p>\n";
      return;
    }
    out_ << "<table class=\"granted\">\n<colgroup><col style=\"width:24%\"><col style=\"width:17%\"><col style=\"width:29%\">"
            "<col style=\"width:30%\"></colgroup>\n"
         << "<thead><tr><th>项目</th><th>金额</th><th>享受成员</th><th>政策依据</th></tr></thead>\n<tbody>\n";
    Rational monthly;
    bool other_periods = false;
    std::vector<StaleValue> stale;  // of the granted programs, each once
    for (const Entitlement* e : rows) {
      const ir::ProgramDef& p = prog(*e);
      if (p.period == ir::Period::Month) monthly = monthly + e->amount;
      else other_periods = true;
      std::string who;
      if (!e->by_member.empty()) {
        std::vector<std::string> parts;
        for (const MemberAmount& m : e->by_member) parts.push_back(member_name(members_, m.member) + " " + money(m.amount));
        who = join(parts, "、");
      } else {
        who = names_of(members_, e->members);
      }
      out_ << "<tr><td>" << esc(label(*e)) << (e->provisional() ? prov_mark() : "")
           << "</td><td class=\"amount\">" << esc(money(e->amount) + " " + per_words(p.period)) << "</td><td>"
           << esc(who.empty() ? "—" : who) << "</td><td class=\"cite\">" << esc(p.cite) << "</td></tr>\n";
      for (const StaleValue& v : e->stale) add_stale(stale, v);
    }
    out_ << "<tr class=\"total\"><td>按月发放合计</td><td class=\"amount\">" << esc(money(monthly) + " 元/月")
         << "</td><td colspan=\"2\" class=\"small\">"
         << (other_periods ? "按学期、按年或一次性发放的项目不计入月合计。" : "") << "</td></tr>\n";
    out_ << "</tbody>\n</table>\n";
    if (!stale.empty()) out_ << "<p class=\"note\">" << kHourglass << esc(provisional_note(rs_, stale)) << "</p>\n";
  }

  void refused() {
    h2("不予享受的待遇");
    std::vector<const Entitlement*> rows;
    for (const Entitlement& e : r_.entitlements)
      if (e.kind == DecisionKind::NotGranted && e.excluded_by.empty()) rows.push_back(&e);
    if (rows.empty()) {
      out_ << "<p class=\"none\">无。</p>\n";
      return;
    }
    out_ << "<table class=\"refused\">\n<colgroup><col style=\"width:24%\"><col style=\"width:46%\"><col style=\"width:30%\">"
            "</colgroup>\n"
         << "<thead><tr><th>项目</th><th>不予享受的原因</th><th>政策依据</th></tr></thead>\n<tbody>\n";
    bool provisional = false;
    for (const Entitlement* e : rows) {
      const ir::ProgramDef& p = prog(*e);
      std::vector<std::string> why;
      if (auto it = in_.reasons.find(p.name); it != in_.reasons.end()) why = it->second;
      else why = notice_fallback_reasons(rs_, *e, members_);
      if (why.empty()) why.push_back("不符合本项目的认定条件。");
      out_ << "<tr><td>" << esc(label(*e)) << (e->provisional() ? prov_mark() : "") << "</td><td>";
      for (std::size_t i = 0; i < why.size(); ++i) out_ << (i ? "<br>" : "") << esc(why[i]);
      out_ << "</td><td class=\"cite\">" << esc(p.cite) << "</td></tr>\n";
      provisional = provisional || e->provisional();
    }
    out_ << "</tbody>\n</table>\n";
    if (provisional)
      out_ << "<p class=\"note\">" << kHourglass
           << "暂定：标注“暂定”的项目所用标准已超过更新周期（见“认定所用标准”），待县级民政部门确认。</p>\n";
  }

  void excluded() {
    std::vector<std::pair<std::string, std::string>> rows;  // program, text
    for (const Entitlement& e : r_.entitlements) {
      if (!member_level(e) || e.member_decisions.empty()) {
        if (e.kind == DecisionKind::Excluded || (e.kind == DecisionKind::NotGranted && !e.excluded_by.empty()))
          rows.emplace_back(label(e), "已享受「" + program_label(rs_, e.excluded_by) + "」，不重复享受。");
        continue;
      }
      for (const MemberDecision& d : e.member_decisions)
        if (d.kind == DecisionKind::Excluded)
          rows.emplace_back(label(e), member_name(members_, d.member) + "已享受「" + program_label(rs_, d.excluded_by) +
                                          "」，不重复享受。");
    }
    if (rows.empty()) return;
    h2("不重复享受的待遇");
    out_ << "<table class=\"excluded\">\n<colgroup><col style=\"width:24%\"><col style=\"width:76%\"></colgroup>\n"
         << "<thead><tr><th>项目</th><th>说明</th></tr></thead>\n<tbody>\n";
    for (const auto& [program, text] : rows) out_ << "<tr><td>" << esc(program) << "</td><td>" << esc(text) << "</td></tr>\n";
    out_ << "</tbody>\n</table>\n";
  }

  std::string missing_list(const std::vector<std::string>& missing) const {
    std::vector<std::string> parts;
    for (const auto& m : missing) parts.push_back(notice_missing_words(rs_, m, members_));
    return "尚待补充：" + join(parts, "；") + "。";
  }

  struct PendingRow {
    std::vector<std::string> programs;  // labels
    std::string text;
    std::vector<std::string> members;   // ids the text is about (said once for all of them)
    // a choice: the member ("" for the household), the options (sorted names), each option's words
    std::string who;
    std::vector<std::string> choice;
    std::vector<std::string> options;
    bool is_choice = false;
  };

  /// A choice is one row for the member (or household) however many of its options list it.
  void add_choice(std::vector<PendingRow>& rows, const Entitlement& e, const std::string& who,
                  std::vector<std::string> choice, bool known, const Rational& amount) const {
    std::sort(choice.begin(), choice.end());
    const ir::ProgramDef& p = prog(e);
    std::string option = "「" + label(e) + "」（" + (known ? money(amount) + " " + per_words(p.period) : "金额待定") + "）";
    for (PendingRow& r : rows)
      if (r.is_choice && r.who == who && r.choice == choice) {
        r.programs.push_back(label(e));
        r.options.push_back(option);
        return;
      }
    PendingRow r;
    r.programs = {label(e)};
    r.who = who;
    r.choice = choice;
    r.options = {option};
    r.is_choice = true;
    rows.push_back(std::move(r));
  }

  void pending() {
    std::vector<PendingRow> rows;
    auto row = [&](const Entitlement& e, std::string text, const std::string& member = "") {
      for (PendingRow& r : rows)
        if (!member.empty() && !r.is_choice && !r.members.empty() && r.programs[0] == label(e) && r.text == text) {
          r.members.push_back(member);
          return;
        }
      PendingRow r;
      r.programs = {label(e)};
      r.text = std::move(text);
      if (!member.empty()) r.members = {member};
      rows.push_back(std::move(r));
    };
    for (const Entitlement& e : r_.entitlements) {
      if (member_level(e) && !e.member_decisions.empty()) {
        for (const MemberDecision& d : e.member_decisions) {
          if (d.kind == DecisionKind::Undetermined)
            row(e, missing_list(d.missing), d.member);
          else if (d.kind == DecisionKind::AmountUndetermined)
            row(e, "符合条件，金额尚待确定。" + missing_list(d.missing), d.member);
          else if (d.kind == DecisionKind::ChoiceNeeded)
            add_choice(rows, e, d.member, d.choice, d.amount_known, d.amount);
        }
        continue;
      }
      switch (e.kind) {
        case DecisionKind::Undetermined:
          row(e, e.missing.empty() ? std::string("尚待确定。") : missing_list(e.missing));
          break;
        case DecisionKind::AmountUndetermined: {
          std::string who = e.members.empty() ? "" : names_of(members_, e.members) + "：";
          row(e, who + "符合条件，金额尚待确定。" + (e.missing.empty() ? "" : missing_list(e.missing)));
          break;
        }
        case DecisionKind::ChoiceNeeded:
          add_choice(rows, e, "", e.choice, e.option_amount_known, e.option_amount);
          break;
        default: break;
      }
    }
    if (rows.empty()) return;
    h2("尚待确定的事项");
    out_ << "<table class=\"pending\">\n<colgroup><col style=\"width:24%\"><col style=\"width:76%\"></colgroup>\n"
         << "<thead><tr><th>项目</th><th>情况</th></tr></thead>\n<tbody>\n";
    for (const PendingRow& r : rows) {
      std::string text = (r.members.empty() ? "" : names_of(members_, r.members) + "：") + r.text;
      if (r.is_choice)
        text = (r.who.empty() ? "" : member_name(members_, r.who) + "：") + "可在" + join(r.options, "与") +
               "中选择其一；家庭作出选择前暂不发放。";
      out_ << "<tr><td>" << esc(join(r.programs, "、")) << "</td><td>" << esc(text) << "</td></tr>\n";
    }
    out_ << "</tbody>\n</table>\n";
  }

  /// The standard values the decisions used: from the explanation (programs granted, pending, excluded, or
  /// provisional) and every stale value; one row each.
  std::vector<StandardUse> standard_uses() const {
    std::vector<StandardUse> uses;
    auto same = [](const StandardUse& a, const StandardUse& b) {
      return a.standard == b.standard && a.key == b.key && a.from == b.from && a.region == b.region;
    };
    auto add = [&](StandardUse u) {
      for (auto& x : uses)
        if (same(x, u)) {
          x.stale = x.stale || u.stale;
          if (x.value.empty()) x.value = u.value;
          return;
        }
      uses.push_back(std::move(u));
    };
    std::vector<StaleValue> stale;
    for (const Entitlement& e : r_.entitlements)
      for (const StaleValue& v : e.stale) stale.push_back(v);
    auto is_stale = [&](const StandardUse& u) -> const StaleValue* {
      const ir::Standard& st = rs_.standards[u.standard];
      for (const StaleValue& v : stale)
        if (v.standard == st.name && v.from == u.from && v.key == u.key &&
            (v.region == u.region || (v.region == "all" && u.region.empty())))
          return &v;
      return nullptr;
    };
    if (!r_.trace.empty()) {
      std::set<int> seen;
      std::vector<int> todo;
      for (const Entitlement& e : r_.entitlements)
        if (e.kind != DecisionKind::NotGranted || e.provisional())
          for (int id : e.trace_nodes) todo.push_back(id);
      while (!todo.empty()) {
        int id = todo.back();
        todo.pop_back();
        if (id < 0 || id >= int(r_.trace.size()) || !seen.insert(id).second) continue;
        const TraceNode& n = r_.trace[id];
        for (auto it = n.children.rbegin(); it != n.children.rend(); ++it) todo.push_back(*it);
        if (n.kind != TraceNode::Kind::Standard || n.effective_from.empty()) continue;
        const ir::Standard& st = rs_.standards[n.index];
        // Amounts of money the family can compare; not the ratios, counts or values not set (unsourced).
        if (st.type.kind != ir::TypeKind::Money || !Rational::parse_decimal(n.value)) continue;
        StandardUse u;
        u.standard = n.index;
        u.key = n.subject;
        u.region = n.region_code;
        u.from = n.effective_from;
        u.value = n.value;
        u.stale = is_stale(u);
        add(std::move(u));
      }
    }
    for (const StaleValue& v : stale) {
      const ir::Standard* st = standard_named(rs_, v.standard);
      if (!st) continue;
      StandardUse u;
      u.standard = int(st - rs_.standards.data());
      u.key = v.key;
      u.region = v.region == "all" ? "" : v.region;
      u.from = v.from;
      u.stale = true;
      add(std::move(u));
    }
    return uses;
  }

  void standards() {
    std::vector<StandardUse> uses = standard_uses();
    if (uses.empty()) return;
    h2("认定所用标准");
    out_ << "<table class=\"standards\">\n<colgroup><col style=\"width:33%\"><col style=\"width:11%\"><col style=\"width:16%\">"
            "<col style=\"width:14%\"><col style=\"width:26%\"></colgroup>\n"
         << "<thead><tr><th>标准</th><th>适用地区</th><th>标准值</th><th>执行起始日期</th><th>说明</th></tr></thead>\n<tbody>\n";
    for (const StandardUse& u : uses) {
      const ir::Standard& st = rs_.standards[u.standard];
      std::string name = st.label.empty() ? st.name : st.label;
      if (!u.key.empty()) name += "（" + key_label(rs_, st, u.key) + "）";
      std::string value = u.value.empty() ? "—" : u.value;
      if (!u.value.empty() && st.type.kind == ir::TypeKind::Money) {
        switch (st.per) {
          case ir::PerUnit::Month: value += " 元/月"; break;
          case ir::PerUnit::Year: value += " 元/年"; break;
          case ir::PerUnit::Semester: value += " 元/学期"; break;
          case ir::PerUnit::None: value += " 元"; break;
        }
      }
      std::string note = u.stale ? "已超过更新周期，待县级民政部门确认" : "";
      out_ << "<tr><td>" << esc(name) << "</td><td>" << esc(region_words(rs_, u.region)) << "</td><td class=\"amount\">"
           << esc(value) << "</td><td class=\"date\">" << esc(u.from) << "</td><td class=\"small\">"
           << (u.stale ? kHourglass : "") << esc(note) << "</td></tr>\n";
    }
    out_ << "</tbody>\n</table>\n";
  }

  void errors() {
    if (r_.errors.empty()) return;
    out_ << "<div class=\"errors\"><strong>计算出错，以下项目须人工复核，本告知书不作为发放依据：</strong><ul class=\"reasons\">";
    for (const EvalError& e : r_.errors)
      out_ << "<li>" << esc((e.program.empty() ? "" : program_label(rs_, e.program) + "：") + e.message) << "</li>";
    out_ << "</ul></div>\n";
  }

  void remedy() {
    std::map<std::string, std::string> values = {
        {"县", county_},
        {"乡镇", township_},
        {"户编号", r_.household},
        {"户主", head_},
        {"月份", month_words(r_.period)},
        {"日期", date_words(in_.issued_date)},
    };
    std::string text = fill_notice_template(in_.template_text.empty() ? default_notice_template() : in_.template_text, values);
    h2("复核与救济");
    out_ << "<div class=\"template\">\n";
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      std::size_t a = line.find_first_not_of(" \t");
      if (a == std::string::npos) continue;
      out_ << "<p>" << esc(line.substr(a)) << "</p>\n";
    }
    out_ << "</div>\n";
  }

  void signature() {
    std::string who = issuer();
    if (who.empty()) who = "乡镇人民政府";
    out_ << "<div class=\"signature\">\n"
         << "<div class=\"line\"><span>经办人：<span class=\"blank\"></span></span>"
         << "<span>审核人：<span class=\"blank\"></span></span></div>\n"
         << "<div class=\"seal\">" << esc(who) << "（盖章）<br>" << esc(date_words(in_.issued_date)) << "</div>\n"
         << "</div>\n"
         << "<div class=\"receipt\">本告知书已收到。　户主或家庭成员签收：<span class=\"blank\"></span>"
         << "　　签收日期：　　　年　　月　　日</div>\n";
  }

  void footer() {
    std::string generated = in_.generated.empty() ? in_.issued_date : in_.generated;
    out_ << "<div class=\"footer\">规则集 " << esc(short_hash(rs_.hash));
    if (!in_.record_hash.empty()) out_ << " · 案卷版本 " << esc(short_hash(in_.record_hash));
    out_ << " · 生成日期 " << esc(generated) << " · 户编号 " << esc(r_.household) << " · " << esc(r_.period) << "</div>\n";
  }

  const NoticeInput& in_;
  const ir::RuleSet& rs_;
  const HouseholdResult& r_;
  std::vector<NoticeMember> members_;
  std::string head_, county_, township_;
  int section_ = 0;
  std::ostringstream out_;
};

}  // namespace

std::vector<NoticeMember> notice_members(const ir::RuleSet& rs, const Household& hh) {
  std::vector<NoticeMember> out;
  if (hh.instances.empty()) return out;
  const Instance& root = hh.root();
  const ir::EntityDef& he = rs.entities[root.entity];
  int mf = he.find_field("members");
  if (mf < 0 || mf >= int(root.fields.size()) || root.fields[mf].tag != Value::Tag::List) return out;
  for (const Instance* m : root.fields[mf].list()) {
    const ir::EntityDef& me = rs.entities[m->entity];
    NoticeMember nm;
    nm.id = m->id;
    int nf = me.find_field("name");
    if (nf >= 0 && m->fields[nf].tag == Value::Tag::Text) nm.name = m->fields[nf].text();
    int rf = me.find_field("relation");
    if (rf >= 0) {
      const Value& v = m->fields[rf];
      const ir::FieldDef& fd = me.fields[rf];
      if (v.tag == Value::Tag::Enum && fd.type.kind == ir::TypeKind::Enum) {
        const ir::EnumDef& e = rs.enums[fd.type.ref];
        if (v.scalar >= 0 && v.scalar < int(e.values.size())) {
          nm.relation = e.values[v.scalar];
          nm.relation_label = e.value_labels[v.scalar].empty() ? nm.relation : e.value_labels[v.scalar];
        }
      } else if (v.tag == Value::Tag::Text) {
        nm.relation = nm.relation_label = v.text();
      }
    }
    out.push_back(std::move(nm));
  }
  return out;
}

const std::string& default_notice_template() {
  static const std::string text =
      "如对上述认定结果有异议，可以自收到本告知书之日起____日内，向{乡镇}人民政府或者{县}民政局提出复核申请，"
      "并提供相关证明材料。\n"
      "对认定结果不服的，也可以依法申请行政复议或者提起行政诉讼。\n"
      "家庭人口、收入、财产等状况发生变化的，请及时告知{乡镇}人民政府。\n";
  return text;
}

std::string fill_notice_template(const std::string& text, const std::map<std::string, std::string>& values) {
  std::string out;
  out.reserve(text.size() + 64);
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t open = text.find('{', at);
    if (open == std::string::npos) break;
    std::size_t close = text.find('}', open + 1);
    if (close == std::string::npos) break;
    out.append(text, at, open - at);
    auto it = values.find(text.substr(open + 1, close - open - 1));
    if (it != values.end()) {
      out += it->second;
      at = close + 1;
    } else {
      out += '{';  // not a placeholder: as written, and look for one after this brace
      at = open + 1;
    }
  }
  out.append(text, at, std::string::npos);
  return out;
}

/// The longest condition (in characters) a fallback reason quotes.
constexpr std::size_t kLongestQuoted = 60;

std::vector<std::string> notice_fallback_reasons(const ir::RuleSet& rs, const Entitlement& e,
                                                 const std::vector<NoticeMember>& members, std::size_t limit) {
  struct Item {
    std::string what;              // the condition in words, with the values found
    std::vector<std::string> who;  // member ids; empty: the household
  };
  std::vector<Item> items;
  for (const FailedCondition& f : e.failed) {
    int node = condition_node(rs, f.span);
    std::string words = node >= 0 ? describe_in_words(rs, node) : "";
    for (std::size_t x; (x = words.find(" (extension)")) != std::string::npos;) words.erase(x, 12);
    // A condition too long to read out (an aggregation over the supporters, say) is not quoted.
    std::size_t chars = 0;
    for (unsigned char c : words) chars += (c & 0xC0) != 0x80;
    if (chars > kLongestQuoted) words.clear();
    std::string what = words.empty() ? "不满足本项目的认定条件" : "不满足“" + words + "”";
    const std::string filled = "已填写";  // "残疾已填写" failing: the record has no 残疾
    if (node >= 0 && rs.nodes[node].op == ir::Op::IsPresent && !rs.nodes[node].flag && words.size() > filled.size() &&
        words.compare(words.size() - filled.size(), filled.size(), filled) == 0)
      what = "无“" + words.substr(0, words.size() - filled.size()) + "”记录";
    if (!f.relation.empty()) {
      std::string lhs = f.lhs, rhs = f.rhs;
      // An enum compared: its values by their labels ("小学 ≠ 普通高中", not "primary ≠ senior").
      if (node >= 0 && !rs.nodes[node].kids.empty()) {
        const ir::Type& t = rs.nodes[rs.nodes[node].kids[0]].type;
        if (t.kind == ir::TypeKind::Enum && t.ref >= 0) {
          const ir::EnumDef& en = rs.enums[t.ref];
          for (std::string* v : {&lhs, &rhs})
            if (int i = en.find(*v); i >= 0 && !en.value_labels[i].empty()) *v = en.value_labels[i];
        }
      }
      what += "（实际 " + lhs + " " + f.relation + " " + rhs + "）";
    }
    std::string id = member_of_subject(f.subject);
    bool merged = false;
    for (Item& it : items)
      if (it.what == what) {
        if (!id.empty() && std::find(it.who.begin(), it.who.end(), id) == it.who.end()) it.who.push_back(id);
        merged = true;
        break;
      }
    if (!merged) items.push_back({what, id.empty() ? std::vector<std::string>{} : std::vector<std::string>{id}});
  }
  std::vector<std::string> out;
  for (const Item& it : items) {
    if (out.size() == limit) {
      out.back() += "等";
      break;
    }
    std::string who;
    if (it.who.size() > 1 && it.who.size() == members.size()) who = "家庭成员均";
    else if (!it.who.empty()) who = names_of(members, it.who) + "：";
    out.push_back(who + it.what);
  }
  return out;
}

std::string notice_missing_words(const ir::RuleSet& rs, const std::string& fact, const std::vector<NoticeMember>& members) {
  // "standard NAME for REGION[ KEY] from DATE (…)": the value the county has to enter.
  if (fact.rfind("standard ", 0) == 0) {
    std::size_t name_end = fact.find(' ', 9), from_at = fact.find(" from ");
    const ir::Standard* st = name_end == std::string::npos ? nullptr : standard_named(rs, fact.substr(9, name_end - 9));
    if (st && fact.compare(name_end, 5, " for ") == 0 && from_at != std::string::npos && from_at > name_end + 5) {
      std::string where = fact.substr(name_end + 5, from_at - name_end - 5), region = where, key;
      if (where == "all regions") region = "all";
      else if (auto sp = where.find(' '); sp != std::string::npos) region = where.substr(0, sp), key = where.substr(sp + 1);
      std::string place = region_words(rs, region) + (key.empty() ? "" : "·" + key_label(rs, *st, key));
      std::string label = "标准「" + (st->label.empty() ? st->name : st->label) + "」（" + place + "）";
      if (fact.find("is stale") != std::string::npos) return label + "已超过更新周期，待县级民政部门确认";
      return label + "的取值，待县级民政部门录入";
    }
  }
  std::string s = missing_in_words(rs, fact);
  // Without the code in brackets at the end: "(members[P1].long_term_care_needed)", " (dibao_standard)".
  if (!s.empty() && s.back() == ')') {
    std::size_t open = s.rfind('(');
    if (open != std::string::npos && is_ascii_code(s.substr(open + 1, s.size() - open - 2))) {
      s.resize(open);
      while (!s.empty() && s.back() == ' ') s.pop_back();
    }
  }
  // "成员 P1 的「…」" → "郭长顺的「…」".
  const std::string head = "成员 ";
  if (s.rfind(head, 0) == 0) {
    std::size_t de = s.find(" 的", head.size());
    if (de != std::string::npos) s = member_name(members, s.substr(head.size(), de - head.size())) + s.substr(de + 1);
  }
  return s;
}

std::string render_notice_html(const NoticeInput& in) {
  if (!in.rs || !in.result) return "";
  return NoticeWriter(in).write();
}

}  // namespace entitle
