// notice_service.cpp — Service: the determination notice of a household for a month, and the county's template.
#include <ctime>

#include "engine/base/sha256.hpp"
#include "engine/casework/batch.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/explain/reasons.hpp"
#include "engine/service/notice.hpp"
#include "engine/service/request_record.hpp"
#include "engine/service/service.hpp"

namespace entitle {

std::string Service::notice(const Principal& p, const std::string& id, const std::string& period) {
  auto e = evaluate_stored(p, id, period);
  const ir::RuleSet& rs = *e->rules->rules;
  const CurrentHousehold* h = &e->stored;
  const Month* month = &e->month;
  const Household& hh = e->household;
  const HouseholdResult& r = e->result;
  std::string day = today_utc().to_string();
  NoticeInput in;
  in.rs = &rs;
  in.result = &r;
  in.household = &hh;
  in.template_text = notice_template();
  in.issued_date = day;
  in.record_hash = h->record_hash;
  for (const Entitlement& e : r.entitlements)
    if (effective_kind(e) == DecisionKind::NotGranted) in.reasons[rs.programs[e.program].name] = reason_sentences(rs, r, e, &hh);
  audit_append(p.user, "notice", "household:" + id, h->record_hash, "", Json{{"period", month->to_string()}, {"ruleset", rs.hash}});
  return render_notice_html(in);
}

std::string Service::notice_template() {
  auto t = storage().casework().setting("notice_template");
  return t ? *t : default_notice_template();
}

void Service::set_notice_template(const Principal& p, const std::string& text) {
  if (text.size() > 20000) throw ServiceError(400, "bad_request", "告知书模板过长 (至多 20000 字节)", "text");
  std::string before = notice_template();
  storage().casework().set_setting("notice_template", text);
  audit_append(p.user, "notice_template", "setting:notice_template", sha256_hex(before), sha256_hex(text), Json::object());
}

}  // namespace entitle
