// generator.cpp — household types (elderly living alone, couples, families with children, three generations,
// grandparents raising grandchildren), ages with plausible gaps between generations, household income drawn per
// person with a low-income tail, disability by grade and kind, students by stage, supporters outside the household,
// orphans and 事实无人抚养 children, and cases in payment (低保 by household or 单人户, 渐退, 特困, the orphan
// guarantee); valid resident identity numbers.
//
// Calibration, measured with `entitle gen --households 10000 --region 140521 --seed S` then `entitle batch --period
// 2026-01` with the shipped rules: 6.4–6.6 % of households granted 低保 (seeds 1, 7, 2026; 7.8 % in 2025-12, when
// the basic pension is not counted); about 5 % recorded as in payment, 0.3 % in 渐退. Parents are 19–42 years older
// than their children (and the applicant's parents than the applicant), grandparents 39–78 older than the
// grandchildren they raise, spouses at most 6 years apart. tests/unit/casework_test.cpp (Generator.*) checks these.
#include "engine/casework/generator.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "engine/base/json_tree.hpp"
#include "engine/base/splitmix64.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/eval/household.hpp"

namespace entitle {
namespace {

/// Draws of the shapes the generator needs, from SplitMix64.
struct Random : SplitMix64 {
  int below(int n) { return n <= 1 ? 0 : static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
  /// A whole number in lo..hi (inclusive); lo when the range is empty.
  int between(int lo, int hi) { return hi <= lo ? lo : lo + below(hi - lo + 1); }
  bool chance(int percent) { return below(1000) < percent * 10; }
  bool permille(int p) { return below(1000) < p; }
  /// Picks an index with the given weights.
  int pick(std::initializer_list<int> weights) {
    int total = 0;
    for (int w : weights) total += w;
    int r = below(total), i = 0;
    for (int w : weights) {
      if (r < w) return i;
      r -= w;
      ++i;
    }
    return i - 1;
  }
};

struct Income {
  const char* kind;
  int amount;  // whole yuan
  bool yearly;
  int monthly() const { return yearly ? amount / 12 : amount; }
};

/// A plausible Chinese name for a generated person, derived from the household and member ids alone (FNV-1a), so
/// adding names leaves every other generated value as it was. Men and women get different given-name characters.
std::string generated_name(const std::string& household, const std::string& member, bool male) {
  static const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
                                    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹"};
  static const char* kMale[] = {"建国", "志强", "海军", "国平", "文斌", "永红", "晓东", "俊杰", "明", "伟", "军", "勇", "斌", "磊", "涛", "鹏"};
  static const char* kFemale[] = {"秀英", "桂兰", "玉梅", "丽娟", "红霞", "淑珍", "晓燕", "静", "芳", "敏", "娜", "艳", "婷", "雪梅", "春花", "翠萍"};
  std::uint64_t h = 1469598103934665603ull;
  for (char c : household + "/" + member) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return std::string(kSurnames[h % 32]) + (male ? kMale[(h >> 8) % 16] : kFemale[(h >> 8) % 16]);
}

struct Person {
  std::string id, relation;
  int age = 0;
  Date birth;
  bool male = true;
  bool lives_away = false, prison = false, student = false, employed = false, serious_illness = false;
  int disability_grade = 0;  // 0: none
  const char* disability_kind = "";
  std::string orphan;        // "", "orphan", "de_facto_unsupported"
  bool tekun_recorded = false, orphan_recorded = false;
  std::vector<Income> incomes;
  std::string json;          // other member fields, each starting with ','

  bool elderly() const { return age >= 60; }
  bool working_age() const { return age >= 18 && age < 60; }
  bool severely_disabled() const { return disability_grade >= 1 && disability_grade <= 2; }
  /// Counted in the 低保 household as the rules count (民发〔2021〕57号 第七条), near enough for choosing incomes.
  bool counted() const {
    if (prison || tekun_recorded) return false;
    if (relation == "self" || relation == "spouse") return true;
    if (relation == "child" && (age < 18 || student)) return true;
    return !lives_away;
  }
  /// Can carry the household's earnings.
  bool can_earn() const { return working_age() && !student && !prison && !lives_away && !severely_disabled(); }
  int monthly_income() const {
    int sum = 0;
    for (const Income& i : incomes) sum += i.monthly();
    return sum;
  }
};

std::string two(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

std::string id_number(const std::string& county, Date birth, int sequence, bool male) {
  int seq = sequence % 500 * 2 + (male ? 1 : 0);
  if (seq == 0) seq = 2;
  std::string s = county + std::to_string(birth.year()) + two(birth.month()) + two(birth.day_of_month());
  std::string seq3 = std::to_string(seq);
  while (seq3.size() < 3) seq3 = "0" + seq3;
  s += seq3.substr(seq3.size() - 3);
  return s + id_number_check_char(s);
}

Date birth_at_age(Random& rng, Date reference, int age) {
  int days = rng.below(365);
  return Date{reference.day - age * 365 - age / 4 - days};
}

const char* stage_for_age(int age) {
  if (age < 3) return nullptr;
  if (age < 5) return "kindergarten";
  if (age < 6) return "kindergarten_final";
  if (age < 12) return "primary";
  if (age < 15) return "junior";
  if (age < 18) return "senior";
  return nullptr;
}

std::string money(int yuan) { return "\"" + std::to_string(yuan) + "\""; }
std::string money_text(const Rational& amount) { return "\"" + amount.to_fixed(2) + "\""; }

std::string id_list(const std::vector<std::string>& ids) {
  std::string out = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? ",\"" : "\"") + ids[i] + "\"";
  return out + "]";
}

int round10(int v) { return std::max(10, (v + 5) / 10 * 10); }

/// The 低保 standard per person and month the generator aims incomes at (the rules decide; this only shapes the
/// population): 沁水县 2020 values; for other counties values of the same order.
int assumed_standard(const std::string& county, bool rural) {
  if (county == "140521") return rural ? 440 : 630;
  return rural ? 420 : 600;
}

enum class Kind { ElderAlone, ElderCouple, Single, Couple, Family, ThreeGenerations, ElderWithAdultChild, Grandchildren };

/// The spouse's age: husbands are more often the older, by up to 7 years; never under 20.
int spouse_age(Random& rng, int self_age, bool self_male) {
  int gap = rng.pick({20, 25, 20, 15, 10, 6, 4});  // 0..6 years
  if (rng.chance(15)) gap = -gap;                  // the less usual direction
  return std::max(20, self_male ? self_age - gap : self_age + gap);
}

/// Age of a child of parents aged `younger` and `older`: 20–42 years younger than each; nullopt-like -1 when none fits.
int child_age(Random& rng, int younger, int older, int max_age) {
  int lo = std::max(0, older - 42), hi = std::min(max_age, younger - 20);
  return hi < lo ? -1 : rng.between(lo, hi);
}

}  // namespace

std::string generate_population(const ir::RuleSet& rs, const GenOptions& o, const std::function<void(std::string&&)>& each) {
  std::vector<std::string> townships;
  for (const ir::RegionDef& r : rs.regions)
    if (r.code.size() == 12 && r.code.compare(0, 6, o.region) == 0) townships.push_back(r.code);
  if (townships.empty()) {
    if (o.region.size() == 6 && rs.regions.empty()) townships.push_back(o.region);
    else return "region " + o.region + " is not a county with townships declared in the rule set's regions";
  }
  // Fields of `status` the rule set's schema declares: a field it does not know would make the record invalid.
  auto status_has = [&](const char* field) {
    for (const ir::EntityDef& e : rs.entities)
      if (e.name == "status") return e.find_field(field) >= 0;
    return false;
  };
  const bool has_route = status_has("dibao_route"), has_dibao_members = status_has("dibao_members");
  const bool has_phaseout = status_has("phaseout_since"), has_orphan_members = status_has("orphan_members");
  const bool has_tekun_members = status_has("tekun_members"), has_rise_from_work = status_has("rise_from_work");
  // The county's payment roll: a household the rules grant 低保 in the month before the reference is (mostly) a
  // case in payment, recorded with the route and members the decision used.
  int dibao_program = -1;
  for (std::size_t i = 0; i < rs.programs.size(); ++i)
    if (rs.programs[i].name == "dibao" && rs.programs[i].entity == rs.root_entity) dibao_program = int(i);
  Evaluator roll(rs);
  EvalScratch scratch;
  const Month this_month = Month::of(o.reference);
  auto months_ago = [&](int n) { return Month{this_month.index - n}.to_string(); };

  Random rng{o.seed * 0x2545F4914F6CDD1Dull + 17};
  static const char* kDisability[] = {"visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple"};
  for (std::size_t h = 0; h < o.households; ++h) {
    std::string hid = "G" + o.region + "-" + std::to_string(h + 1);
    std::string township = townships[rng.below(static_cast<int>(townships.size()))];
    bool rural = rng.chance(70);
    const int standard = assumed_standard(o.region, rural);
    Kind kind = static_cast<Kind>(rng.pick({12, 13, 8, 10, 33, 12, 7, 5}));
    std::vector<Person> people;
    auto add = [&](const std::string& relation, int age, bool male) -> Person& {
      Person p;
      p.id = "P" + std::to_string(people.size() + 1);
      p.relation = relation;
      p.age = age;
      p.birth = birth_at_age(rng, o.reference, age);
      p.male = male;
      people.push_back(std::move(p));
      return people.back();
    };
    auto add_children = [&](int n, int younger, int older, int max_age, const char* relation) {
      for (int c = 0; c < n; ++c) {
        int a = child_age(rng, younger, older, max_age);
        if (a >= 0) add(relation, a, rng.chance(52));
      }
    };
    // ---- who lives here
    bool self_male = rng.chance(55);
    int self_age = 0;
    switch (kind) {
      case Kind::ElderAlone: self_age = 60 + rng.below(16) + rng.below(16); break;
      case Kind::ElderCouple: self_age = 60 + rng.below(14) + rng.below(14); break;
      case Kind::Single: self_age = rng.between(20, 59); break;
      case Kind::Couple: self_age = rng.chance(50) ? rng.between(22, 35) : rng.between(45, 59); break;
      case Kind::Family: self_age = rng.between(24, 55); break;
      case Kind::ThreeGenerations: self_age = rng.between(26, 50); break;
      case Kind::ElderWithAdultChild: self_age = rng.between(62, 86); break;
      case Kind::Grandchildren: self_age = rng.between(52, 78); break;
    }
    add("self", self_age, self_male);
    bool spouse = kind == Kind::ElderCouple || kind == Kind::Couple ||
                  (kind == Kind::Family && rng.chance(88)) || (kind == Kind::ThreeGenerations && rng.chance(85)) ||
                  (kind == Kind::ElderWithAdultChild && rng.chance(45)) || (kind == Kind::Grandchildren && rng.chance(60));
    int younger = self_age, older = self_age;
    if (spouse) {
      int a = spouse_age(rng, self_age, self_male);
      add("spouse", a, !self_male);
      younger = std::min(younger, a);
      older = std::max(older, a);
    }
    bool orphans = false;
    switch (kind) {
      case Kind::Family: add_children(1 + rng.pick({50, 38, 12}), younger, older, 30, "child"); break;
      case Kind::ThreeGenerations: {
        add_children(rng.pick({10, 50, 32, 8}), younger, older, 25, "child");
        // The applicant's parents: 20–42 years older than the applicant, within a few years of each other.
        int gap = rng.between(20, 38);
        add("parent", self_age + gap, rng.chance(45));
        if (rng.chance(45)) add("parent", self_age + std::min(42, gap + rng.between(0, 4)), !people.back().male);
        break;
      }
      case Kind::ElderWithAdultChild: add_children(1, younger, older, 60, "child"); break;
      case Kind::Grandchildren: {
        // Grandparents raising grandchildren whose parents work away — or died, or cannot care for them.
        orphans = rng.chance(16);
        int n = 1 + rng.pick({60, 30, 10});
        for (int c = 0; c < n; ++c) {
          int lo = std::max(0, older - 84), hi = std::min(17, younger - 40);
          if (hi >= lo) add("grandchild", rng.between(lo, hi), rng.chance(52));
        }
        break;
      }
      default: break;
    }
    const bool only_elderly = std::all_of(people.begin(), people.end(), [](const Person& p) { return p.elderly(); });
    // ---- where the household stands: poor (below the 低保 line), near the line, or not poor
    int poor = kind == Kind::Grandchildren ? (rural ? 170 : 100) : only_elderly ? (rural ? 90 : 40) : (rural ? 35 : 20);
    int cls = rng.permille(poor) ? 0 : rng.chance(9) ? 1 : 2;  // 0 poor, 1 near the line, 2 not poor
    // ---- attributes person by person
    int sequence = rng.below(400);
    bool orphan_de_facto = orphans && rng.chance(55);
    for (Person& p : people) {
      if (p.relation == "child" && p.age >= 18 && kind == Kind::Family && rng.chance(40)) p.lives_away = true;
      if (p.age >= 18 && rng.permille(6)) p.prison = true;
      if (rng.chance(p.age >= 60 ? 10 : 3)) {  // about 6 % of people hold a 残疾人证, a quarter of them grade 1 or 2
        p.disability_grade = 1 + rng.pick({10, 15, 35, 40});
        p.disability_kind = kDisability[rng.below(7)];
      }
      if (rng.permille(p.age >= 50 ? 30 : 8)) p.serious_illness = true;
      if (stage_for_age(p.age) && p.age >= 6) p.student = rng.chance(97);
      else if (stage_for_age(p.age)) p.student = rng.chance(85);
      else if (p.age >= 18 && p.age <= 21 && !p.prison) p.student = rng.chance(30);
      if (orphans && p.relation == "grandchild") p.orphan = orphan_de_facto ? "de_facto_unsupported" : "orphan";
    }
    // ---- incomes: a per-capita target for the household, carried by its earners; the elderly have the basic pension
    std::vector<Person*> counted, earners;
    for (Person& p : people) {
      if (p.counted()) counted.push_back(&p);
      if (p.can_earn() && p.counted()) earners.push_back(&p);
    }
    int per_capita = cls == 0   ? standard * rng.between(15, 95) / 100
                     : cls == 1 ? standard * rng.between(105, 160) / 100
                                : standard * (rng.between(165, 400) + (rng.chance(30) ? rng.between(0, 600) : 0)) / 100;
    int fixed = 0;
    for (Person& p : people)
      if (p.elderly()) {
        bool urban_retiree = !rural && cls == 2 && rng.chance(70);
        if (urban_retiree) p.incomes.push_back({"pension_other", round10(2200 + 100 * rng.below(30)), false});
        else p.incomes.push_back({"pension_basic", 1500 + 100 * rng.below(10), true});
        if (p.counted()) fixed += p.incomes.back().monthly();
        if (p.age >= 80 && rng.chance(50)) p.incomes.push_back({"gaoling", 600, true});
      }
    int remaining = per_capita * static_cast<int>(std::max<std::size_t>(1, counted.size())) - fixed;
    if (remaining > 0 && !earners.empty()) {
      // One main earner; others share what is left.
      int main_share = earners.size() == 1 ? 100 : rng.between(55, 85);
      for (std::size_t i = 0; i < earners.size(); ++i) {
        int share = i == 0 ? main_share : (100 - main_share) / static_cast<int>(earners.size() - 1);
        int amount = remaining * share / 100;
        if (amount < 60) continue;
        earners[i]->incomes.push_back({rng.chance(cls == 0 ? 50 : 75) ? "wage" : "business", round10(amount), false});
        earners[i]->employed = true;
      }
    } else if (remaining > 0) {
      // No one of working age: support from children elsewhere (rural) or an occupational pension (urban).
      Person* who = counted.empty() ? &people[0] : counted[0];
      who->incomes.push_back({rural || !who->elderly() ? "support_received" : "pension_other", round10(remaining), false});
    }
    for (Person& p : people)  // members living elsewhere or working away earn their own living (not counted)
      if (!p.counted() && p.working_age() && !p.prison && !p.student && rng.chance(85)) {
        p.incomes.push_back({"wage", round10(2500 + 100 * rng.below(40)), false});
        p.employed = true;
      }
    // ---- supporters outside the household
    std::string supporters;
    auto add_supporter = [&](const std::string& of, const char* relation, Date birth, const std::string& more) {
      supporters += std::string(supporters.empty() ? "" : ",") + "{\"of\":\"" + of + "\",\"relation\":\"" + relation +
                    "\",\"birth_date\":\"" + birth.to_string() + "\"" + more + "}";
    };
    // Adult children living elsewhere owe support to both parents; 五保: an elderly person living alone with no
    // children or other obligated persons.
    bool no_family = kind == Kind::ElderAlone && cls == 0 && rng.chance(45);
    if (self_age >= 60 && !no_family && kind != Kind::ElderWithAdultChild && rng.chance(95)) {
      int n = 1 + rng.pick({35, 40, 25});
      for (int s = 0; s < n; ++s) {
        int age = child_age(rng, younger, older, 60);
        if (age < 20) continue;
        int income = cls == 0 ? 3000 + 500 * rng.below(30) : 12000 + 1000 * rng.below(60);
        std::string more = ",\"annual_income\":" + money(income) + (cls == 0 && rng.chance(12) ? ",\"on_dibao\":true" : "");
        Date birth = birth_at_age(rng, o.reference, age);
        add_supporter("P1", "child", birth, more);
        if (spouse) add_supporter("P2", "child", birth, more);
      }
    }
    // Left-behind grandchildren: their parents work away; a 事实无人抚养 child's parents cannot support them.
    if (kind == Kind::Grandchildren && (!orphans || orphan_de_facto))
      for (const Person& p : people) {
        if (p.relation != "grandchild") continue;
        int n = orphans ? 1 : 1 + rng.pick({40, 60});
        for (int s = 0; s < n; ++s) {
          int age = rng.between(std::max(p.age + 20, older - 42), std::min(p.age + 42, younger - 20));
          std::string more = orphans ? std::string(",\"incapacitated\":\"") + (rng.chance(50) ? "prison" : "missing") + "\""
                                     : ",\"annual_income\":" + money(20000 + 1000 * rng.below(60));
          add_supporter(p.id, "parent", birth_at_age(rng, o.reference, age), more);
        }
      }
    // ---- cases in payment
    std::vector<std::string> tekun_ids, orphan_ids;
    if (no_family && rng.chance(80)) people[0].tekun_recorded = true;
    for (Person& p : people) {
      if (p.orphan.empty()) continue;
      int choice = rng.below(100);  // the guardian's choice between the orphan guarantee and 特困 (Art. 9)
      if (choice < 60) p.orphan_recorded = true;
      else if (choice < 75 && p.orphan == "orphan") p.tekun_recorded = true;
    }
    for (const Person& p : people) {
      if (p.tekun_recorded && has_tekun_members) tekun_ids.push_back(p.id);
      if (p.orphan_recorded && has_orphan_members) orphan_ids.push_back(p.id);
    }
    std::vector<std::string> dibao_ids;
    int household_income = 0;
    for (const Person& p : people)
      if (p.counted()) {
        dibao_ids.push_back(p.id);
        household_income += p.monthly_income();
      }
    std::string status;
    auto add_status = [&](const std::string& field) { status += (status.empty() ? "" : ",") + field; };
    const Person* alone = nullptr;  // a severely disabled adult out of work: 单人户施保
    for (const Person& p : people)
      if (!alone && p.counted() && p.age >= 18 && !p.employed && p.severely_disabled()) alone = &p;
    const bool wage_earner = std::any_of(people.begin(), people.end(), [](const Person& p) {
      return p.counted() && p.employed && !p.incomes.empty() && std::string(p.incomes[0].kind) == "wage";
    });
    int n = static_cast<int>(dibao_ids.size());
    (void)alone;
    (void)household_income;
    // Cases in payment are what the rules granted last month (below), except a few households in a 渐退期.
    bool phasing_out = false;
    if (cls == 1 && n > 0 && wage_earner && rng.chance(5)) {
      phasing_out = true;
      // Income rose through work: the household is in its 渐退期 (phase-out) of up to six months.
      int began = rng.below(6);
      add_status("\"dibao_since\":\"" + months_ago(began + 6 + rng.below(48)) + "\"");
      add_status("\"dibao_amount\":" + money(round10(standard * n * rng.between(15, 50) / 100)));
      if (has_route) add_status("\"dibao_route\":\"household\"");
      if (has_dibao_members) add_status("\"dibao_members\":" + id_list(dibao_ids));
      if (has_phaseout) add_status("\"phaseout_since\":\"" + months_ago(began) + "\"");
      if (has_rise_from_work) add_status("\"rise_from_work\":true");
    }
    const int enrol_draw = rng.below(100), since_draw = rng.below(96);
    if (!tekun_ids.empty()) add_status("\"tekun_members\":" + id_list(tekun_ids));
    if (!orphan_ids.empty()) add_status("\"orphan_members\":" + id_list(orphan_ids));
    // ---- the record
    std::string members;
    for (Person& p : people) {
      std::string extra;
      if (rng.chance(85)) extra += ",\"id_number\":\"" + id_number(o.region, p.birth, sequence++, p.male) + "\"";
      extra += std::string(",\"sex\":\"") + (p.male ? "male" : "female") + "\"";
      if (p.lives_away) extra += ",\"lives_with_household\":false";
      if (p.prison) extra += ",\"excluded\":\"prison\"";
      if (p.disability_grade) {
        extra += ",\"disability\":{\"grade\":" + std::to_string(p.disability_grade) + ",\"kind\":\"" + p.disability_kind + "\"}";
        if (p.disability_grade <= 2) extra += std::string(",\"long_term_care_needed\":") + (rng.chance(60) ? "true" : "false");
      }
      if ((p.age >= 75 && rng.chance(50)) || (p.severely_disabled() && rng.chance(50)))
        extra += ",\"self_care_failed\":" + std::to_string(rng.below(7));
      if (p.serious_illness) extra += ",\"serious_illness\":true";
      if (p.student) {
        if (const char* stage = stage_for_age(p.age)) {
          bool boarding = (std::string(stage) == "junior" || std::string(stage) == "senior") && rng.chance(45);
          extra += std::string(",\"school\":{\"stage\":\"") + stage + "\",\"boarding\":" + (boarding ? "true" : "false") + "}";
        } else {
          extra += ",\"school\":{\"stage\":\"college\",\"boarding\":true}";
        }
      }
      if (!p.orphan.empty()) {
        extra += ",\"orphan\":\"" + p.orphan + "\"";
        if (p.orphan == "orphan") extra += std::string(",\"orphan_care\":\"") + (rng.chance(85) ? "scattered" : "institutional") + "\"";
      }
      if (p.employed) extra += ",\"employed\":true";
      if (!p.incomes.empty()) {
        extra += ",\"incomes\":[";
        for (std::size_t i = 0; i < p.incomes.size(); ++i)
          extra += std::string(i ? "," : "") + "{\"kind\":\"" + p.incomes[i].kind + "\",\"amount\":" + money(p.incomes[i].amount) +
                   ",\"per\":\"" + (p.incomes[i].yearly ? "year" : "month") + "\"}";
        extra += "]";
      }
      members += std::string(members.empty() ? "" : ",") + "{\"id\":\"" + p.id + "\",\"name\":\"" + generated_name(hid, p.id, p.male) +
                 "\",\"relation\":\"" + p.relation +
                 "\",\"birth_date\":\"" + p.birth.to_string() + "\"" + extra + "}";
    }
    std::string hardship;
    if (rng.permille(15)) hardship = ",\"hardship\":{\"kind\":\"" + std::string(rng.chance(60) ? "emergency" : "expenditure") + "\",\"months\":" + std::to_string(1 + rng.below(6)) + "}";
    auto assemble = [&](const std::string& st) {
      std::string json = "{\"id\":\"" + hid + "\",\"region\":\"" + township + "\",\"area\":\"" + (rural ? "rural" : "urban") + "\"";
      if (!st.empty()) json += ",\"status\":{" + st + "}";
      json += hardship + ",\"members\":[" + members + "]";
      if (!supporters.empty()) json += ",\"supporters\":[" + supporters + "]";
      return json + "}";
    };
    std::string json = assemble(status);
    if (!phasing_out && dibao_program >= 0 && enrol_draw < 92) {
      std::string error;
      std::vector<InputError> errors;
      Household hh;
      auto record = parse_json(json, error);
      if (record && load_household(rs, *record, hid, hh, errors)) {
        HouseholdResult last = roll.evaluate(hh, Month{this_month.index - 1}, false, nullptr, scratch);
        const Entitlement& d = last.entitlements[dibao_program];
        if (last.errors.empty() && d.kind == DecisionKind::Granted && !d.members.empty()) {
          std::string roll_status = "\"dibao_since\":\"" + months_ago(1 + since_draw) + "\",\"dibao_amount\":" + money_text(d.amount);
          if (has_route) roll_status += std::string(",\"dibao_route\":\"") + (d.exception == "single_person" ? "single_person" : "household") + "\"";
          if (has_dibao_members) roll_status += ",\"dibao_members\":" + id_list(d.members);
          json = assemble(roll_status + (status.empty() ? "" : "," + status));
        }
      }
    }
    each(std::move(json));
  }
  return "";
}

}  // namespace entitle
