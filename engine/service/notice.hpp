// notice.hpp — the determination notice (审核确认告知书) for a household and month, as a printable HTML page.
//
// One self-contained A4 page (inline stylesheet, no scripts needed, no external resources) the township prints and
// hands the family: who the household is, what was decided for the month — granted programs with amount, period and
// members; refused ones with the reasons and the citation; programs not paid twice (已享受…，不重复享受); what is
// still undetermined (尚待补充：…); decisions that are provisional because a standard value is past its renewal
// (⏳) — the standard values used with their effective dates, the county's 复核/申诉 text, signature lines and a
// footer with the rules hash, the record version hash and the date generated.
//
// The 复核/申诉 text is a plain-text template the county edits (GET/PUT /api/notice-template). Each non-empty line
// is one paragraph. These placeholders are replaced (anything else in braces is printed as written):
//
//   {县}      the county's name (沁水县), from the rule set's regions
//   {乡镇}    the township's name (端氏镇)
//   {户编号}  the household's id (QS-0001)
//   {户主}    the name of the member whose relation is self
//   {月份}    the month decided, "2026年1月"
//   {日期}    the date issued, "2026年1月20日"
//
// The default text (default_notice_template()) states the general rights only: 复核 to the township or the county
// 民政局 within a number of days the county fills in (printed as a blank "____" until it does), 行政复议 or
// 行政诉讼 by law, and the duty to report changes (社会救助暂行办法 第十三条). It names no deadline of its own.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "engine/eval/household.hpp"
#include "engine/eval/result.hpp"
#include "engine/ir/ruleset.hpp"

namespace entitle {

/// A household member as the notice names them.
struct NoticeMember {
  std::string id;             // "P1"
  std::string name;           // the record's name; empty when it has none
  std::string relation;       // the relation's value name, "self"
  std::string relation_label; // its Chinese label, "本人"
  /// The name, or "成员P3" when the record gives none.
  std::string display() const { return name.empty() ? "成员" + id : name; }
};

/// The members of a loaded household in record order, with name and relation (fields `members`, `name`,
/// `relation` of the household record).
std::vector<NoticeMember> notice_members(const ir::RuleSet& rs, const Household& hh);

struct NoticeInput {
  const ir::RuleSet* rs = nullptr;
  /// The decision for the month. Evaluated with explain=true, the notice lists every standard value the granted
  /// and pending programs used with its effective date; without, only the stale ones (which every result carries).
  const HouseholdResult* result = nullptr;
  /// Names and relations of the members; when null, `members` is used, and when that is empty too, members are
  /// named by their ids.
  const Household* household = nullptr;
  std::vector<NoticeMember> members;
  /// Why each program not granted was refused, by program name: sentences for the family, printed as given, in
  /// order. A program without an entry gets sentences made from its failed conditions (Entitlement::failed).
  std::map<std::string, std::vector<std::string>> reasons;
  /// The county's 复核/申诉 text (see above); empty: default_notice_template().
  std::string template_text;
  std::string issued_date;   // YYYY-MM-DD: the date on the notice
  std::string generated;     // the date (or date and time) in the footer; empty: issued_date
  std::string record_hash;   // the hash of the record version decided ("sha256:…" or hex), shown short
};

/// The notice as one HTML document (UTF-8). Every text from the record, the rules and the template is escaped.
std::string render_notice_html(const NoticeInput& in);

/// The default 复核/申诉 text, with placeholders (see above).
const std::string& default_notice_template();

/// Replaces the placeholders of `text` by `values` (keys without braces: "县", "乡镇", …); a brace pair whose
/// name is not a key is left as written. Plain text in, plain text out (not escaped).
std::string fill_notice_template(const std::string& text, const std::map<std::string, std::string>& values);

/// The sentences made from a refused program's failed conditions when no reasons are given: "张三：不满足“…”
/// （实际 1950.00 ≥ 630.00）", "家庭成员均无“残疾”记录" — conditions in words with the rule set's labels, the same
/// condition for several members said once, at most `limit` (the last then ends in "等").
std::vector<std::string> notice_fallback_reasons(const ir::RuleSet& rs, const Entitlement& e,
                                                 const std::vector<NoticeMember>& members, std::size_t limit = 2);

/// A missing fact or standard as the family reads it: missing_in_words without the code in brackets, and a
/// member named by name ("郭长顺的「需要长期照护」").
std::string notice_missing_words(const ir::RuleSet& rs, const std::string& fact, const std::vector<NoticeMember>& members);

}  // namespace entitle
