// reasons.hpp — why a program is or is not granted, as Chinese sentences a caseworker reads aloud.
//
//   家庭月人均收入 1950.00 元，高于农村最低生活保障标准 630.00 元，超出 1320.00 元。
//   成员 P2 张秀英：残疾人证未填写。
//   成员 P1 王建国不符合「属于老年人、残疾人或未成年人」：年龄 45 周岁，未满 60 周岁，还差 15 岁；残疾人证未填写；…。
//   已享受「特困人员基本生活」，不重复享受「城乡最低生活保障」。
//   享受「城乡最低生活保障」，每月 760.00 元；保障对象 4 人：P1 王建国、P2 张秀英、P3、P4。
//
// Made from the result alone (the failed conditions carry their expression node, the keys of the standards they
// read and the member decided, see FailedCondition), so the same result always gives the same sentences.
#pragma once
#include <string>
#include <vector>

#include "engine/eval/household.hpp"
#include "engine/eval/result.hpp"
#include "engine/ir/ruleset.hpp"

namespace entitle {

/// One sentence about one program's decision.
struct Reason {
  enum class Kind {
    Decision,     // what was decided: granted (amount, period, members), excluded, a choice to make, undetermined
    Condition,    // conditions not met: one or more of Entitlement::failed (see `failed`)
    Review,       // a reason to review (复核) the case
    Provisional,  // the decision uses standard values past their renewal
  };
  Kind kind = Kind::Decision;
  std::string text;         // one sentence, ending in "。"
  std::vector<int> failed;  // Condition: the failed conditions it says, as indices into Entitlement::failed
};

/// The sentences for one program of a household's result, in this order: the decision (and each member whose
/// decision is not simply granted or refused), the conditions not met (several conditions of one person that are
/// alternatives under one definition in one sentence, the same sentence once), the reasons to review, and the
/// standards past their renewal. Members are named by the record's `name` when `hh` is given, else by the names the
/// failed conditions carry, else by id. With an explained result (evaluated with explain) the conditions not met
/// are there; without, only the decision.
std::vector<Reason> explain_reasons(const ir::RuleSet& rs, const HouseholdResult& r, const Entitlement& e,
                                    const Household* hh_or_null);

/// The sentences alone (the "reasons" of the JSON result).
std::vector<std::string> reason_sentences(const ir::RuleSet& rs, const HouseholdResult& r, const Entitlement& e,
                                          const Household* hh_or_null);

/// One failed condition as a clause, without its subject or final "。": "家庭月人均收入 650.00 元，高于农村最低生活
/// 保障标准 630.00 元，超出 20.00 元", "残疾人证未填写", "不符合「持残疾人证」".
std::string failed_condition_clause(const ir::RuleSet& rs, const FailedCondition& f);

}  // namespace entitle
