// generator.cpp — household sizes, ages, incomes with a low-income tail, disability by grade and kind, students by
// stage, supporters outside the household, orphans, benefit history; valid resident identity numbers.
#include "engine/casework/generator.hpp"

#include <string>
#include <vector>

#include "engine/eval/household.hpp"

namespace entitle {
namespace {

/// SplitMix64: tiny, fast, and identical everywhere.
struct Random {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
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

struct Person {
  std::string id, relation;
  Date birth;
  bool male = true;
  std::string json;  // extra fields, each starting with ','
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

}  // namespace

std::string generate_population(const ir::RuleSet& rs, const GenOptions& o, const std::function<void(std::string&&)>& each) {
  std::vector<std::string> townships;
  for (const ir::RegionDef& r : rs.regions)
    if (r.code.size() == 12 && r.code.compare(0, 6, o.region) == 0) townships.push_back(r.code);
  if (townships.empty()) {
    if (o.region.size() == 6 && rs.regions.empty()) townships.push_back(o.region);
    else return "region " + o.region + " is not a county with townships declared in the rule set's regions";
  }
  Random rng{o.seed * 0x2545F4914F6CDD1Dull + 17};
  static const char* kDisability[] = {"visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple"};
  for (std::size_t h = 0; h < o.households; ++h) {
    std::string hid = "G" + o.region + "-" + std::to_string(h + 1);
    std::string township = townships[rng.below(static_cast<int>(townships.size()))];
    bool rural = rng.chance(70);
    int size = 1 + rng.pick({16, 26, 24, 20, 10, 4});
    std::vector<Person> people;
    int sequence = rng.below(400);
    // The applicant; an elderly applicant lives alone or with a spouse more often.
    bool elderly_household = rng.chance(size <= 2 ? 45 : 12);
    int self_age = elderly_household ? 60 + rng.below(30) : 25 + rng.below(35);
    Person self{"P1", "self", birth_at_age(rng, o.reference, self_age), rng.chance(55), ""};
    people.push_back(self);
    bool has_spouse = size >= 2 && rng.chance(80);
    if (has_spouse)
      people.push_back({"P2", "spouse", birth_at_age(rng, o.reference, std::max(20, self_age - 5 + rng.below(10))), !self.male, ""});
    bool orphan_case = !has_spouse && self_age >= 55 && size >= 2 && rng.permille(40);
    while (static_cast<int>(people.size()) < size) {
      std::string pid = "P" + std::to_string(people.size() + 1);
      if (orphan_case) {
        people.push_back({pid, "grandchild", birth_at_age(rng, o.reference, 3 + rng.below(14)), rng.chance(50), ""});
        continue;
      }
      if (!elderly_household && self_age >= 40 && rng.chance(15) && people.size() == (has_spouse ? 2u : 1u)) {
        people.push_back({pid, "parent", birth_at_age(rng, o.reference, self_age + 22 + rng.below(10)), rng.chance(45), ""});
        continue;
      }
      int max_child = std::max(1, std::min(30, self_age - 20));
      people.push_back({pid, "child", birth_at_age(rng, o.reference, rng.below(max_child)), rng.chance(52), ""});
    }
    // Attributes person by person.
    bool low_income = rng.chance(rural ? 22 : 14);
    std::string members;
    for (Person& p : people) {
      int age = age_in_years(p.birth, o.reference);
      std::string extra;
      if (rng.chance(85)) extra += ",\"id_number\":\"" + id_number(o.region, p.birth, sequence++, p.male) + "\"";
      extra += std::string(",\"sex\":\"") + (p.male ? "male" : "female") + "\"";
      if (p.relation == "child" && age >= 18 && rng.chance(40)) extra += ",\"lives_with_household\":false";
      if (age >= 18 && rng.permille(8)) extra += ",\"excluded\":\"prison\"";
      if (rng.chance(age >= 60 ? 12 : 4)) {
        int grade = 1 + rng.pick({15, 25, 30, 30});
        extra += ",\"disability\":{\"grade\":" + std::to_string(grade) + ",\"kind\":\"" + kDisability[rng.below(7)] + "\"}";
        if (grade <= 2) extra += std::string(",\"long_term_care_needed\":") + (rng.chance(60) ? "true" : "false");
      }
      if (age >= 75 && rng.chance(50)) extra += ",\"self_care_failed\":" + std::to_string(rng.below(7));
      if (rng.permille(age >= 50 ? 30 : 8)) extra += ",\"serious_illness\":true";
      if (const char* stage = stage_for_age(age)) {
        if (rng.chance(93)) {
          bool boarding = (std::string(stage) == "junior" || std::string(stage) == "senior") && rng.chance(45);
          extra += std::string(",\"school\":{\"stage\":\"") + stage + "\",\"boarding\":" + (boarding ? "true" : "false") + "}";
        }
      } else if (age >= 18 && age <= 21 && rng.chance(30)) {
        extra += ",\"school\":{\"stage\":\"college\",\"boarding\":true}";
      }
      if (p.relation == "grandchild" && orphan_case)
        extra += std::string(",\"orphan\":\"") + (rng.chance(50) ? "orphan\",\"orphan_care\":\"scattered\"" : "de_facto_unsupported\"");
      // Incomes: working-age adults earn, with a low-income tail; the elderly have the basic pension.
      std::string incomes;
      auto add_income = [&](const char* kind, int amount, const char* per) {
        incomes += std::string(incomes.empty() ? "" : ",") + "{\"kind\":\"" + kind + "\",\"amount\":" + money(amount) + ",\"per\":\"" + per + "\"}";
      };
      if (age >= 18 && age < 60 && (p.relation != "child" || rng.chance(60))) {
        int roll = rng.below(100);
        if (low_income) {
          if (roll < 40) {
          } else {
            add_income(rng.chance(50) ? "wage" : "business", 100 * (1 + rng.below(9)), "month");
            extra += ",\"employed\":true";
          }
        } else if (roll >= 10) {
          add_income("wage", 1200 + 100 * rng.below(60), "month");
          extra += ",\"employed\":true";
        }
      }
      if (age >= 60) {
        add_income("pension_basic", 1500 + 100 * rng.below(10), "year");
        // Outside the low-income tail, most older people have an occupational pension or family support.
        if (!low_income && rng.chance(rural ? 55 : 80))
          add_income(rural ? "support_received" : "pension_other", rural ? 500 + 50 * rng.below(20) : 1800 + 100 * rng.below(25), "month");
      }
      if (age >= 80 && rng.chance(50)) add_income("gaoling", 600, "year");
      if (!incomes.empty()) extra += ",\"incomes\":[" + incomes + "]";
      members += std::string(members.empty() ? "" : ",") + "{\"id\":\"" + p.id + "\",\"relation\":\"" + p.relation +
                 "\",\"birth_date\":\"" + p.birth.to_string() + "\"" + extra + "}";
    }
    // Supporters outside the household: adult children of an elderly applicant.
    std::string supporters;
    if (self_age >= 60 && rng.chance(75)) {
      int n = 1 + rng.below(3);
      for (int s = 0; s < n; ++s) {
        Date b = birth_at_age(rng, o.reference, std::max(22, self_age - 25 - rng.below(12)));
        supporters += std::string(supporters.empty() ? "" : ",") + "{\"of\":\"P1\",\"relation\":\"child\",\"birth_date\":\"" +
                      b.to_string() + "\",\"annual_income\":" + money(6000 + 1000 * rng.below(60)) +
                      (rng.chance(10) ? ",\"on_dibao\":true" : "") + "}";
      }
    }
    std::string json = "{\"id\":\"" + hid + "\",\"region\":\"" + township + "\",\"area\":\"" + (rural ? "rural" : "urban") + "\"";
    if (low_income && rng.chance(45))
      json += ",\"status\":{\"dibao_since\":\"" + Month::of(Date{o.reference.day - 30 * (1 + rng.below(60))}).to_string() + "\"}";
    if (rng.permille(15)) json += ",\"hardship\":{\"kind\":\"" + std::string(rng.chance(60) ? "emergency" : "expenditure") + "\",\"months\":" + std::to_string(1 + rng.below(6)) + "}";
    json += ",\"members\":[" + members + "]";
    if (!supporters.empty()) json += ",\"supporters\":[" + supporters + "]";
    json += "}";
    each(std::move(json));
  }
  return "";
}

}  // namespace entitle
