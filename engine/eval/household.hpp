// household.hpp — a household record loaded against the rule set's declared entities, and the loader that
// validates it: every problem names the record, the field path and what was expected.
#pragma once
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/json_tree.hpp"
#include "engine/base/recycling_pool.hpp"
#include "engine/eval/value.hpp"
#include "engine/ir/ruleset.hpp"

namespace entitle {

/// One entity instance: the household, a member, an income, …
struct Instance {
  int entity = -1;
  int index = 0;              // position in Household::instances, for memo tables
  std::vector<Value> fields;  // Missing with an empty set = absent optional field
  std::vector<bool> present;
  std::string path;           // fact path, e.g. "members[P1].incomes[0]"
  std::string id;             // the record's "id" field when it has one
  /// Empties the instance for the next record, keeping the memory of its vectors and strings.
  void clear() {
    entity = -1;
    index = 0;
    fields.clear();
    present.clear();
    path.clear();
    id.clear();
  }
};

/// Values inside point at instances, lists and texts of the same household, so it moves but never copies. Loading
/// a record into a household that held another reuses its memory (a bulk reader keeps one per thread).
struct Household {
  Household() = default;
  Household(const Household&) = delete;
  Household& operator=(const Household&) = delete;
  Household(Household&&) = default;
  Household& operator=(Household&&) = default;

  RecyclingPool<Instance> instances;  // [0] is the household; addresses are stable
  RecyclingPool<std::vector<const Instance*>> lists;
  RecyclingPool<std::string> texts;
  std::string id;
  std::string region;
  const Instance& root() const { return instances.front(); }
  /// Forgets the record (load_household starts with this), keeping the memory for the next one.
  void clear() {
    instances.clear();
    lists.clear();
    texts.clear();
    id.clear();
    region.clear();
  }
};

/// A problem with an input record.
struct InputError {
  std::string record;  // record id, or "line N"
  std::string field;   // field path, e.g. "members[P2].birth_date"
  std::string message; // what was expected
  std::string to_string() const;
};

/// The limits on a household record (docs/data-formats.md, "Limits"); each is a Chinese-first record error.
/// Members of one household: real households have fewer than 20.
constexpr std::size_t kMaxMembers = 100;
/// Entries of any other list in a record (incomes, supporters, …).
constexpr std::size_t kMaxListItems = 1000;
/// Size of a number (integer, decimal or money) either way, and decimals of a decimal number (money: two).
constexpr std::int64_t kMaxNumber = 1000000000;
constexpr int kMaxDecimals = 6;
/// Bytes of one text value (a name, an id, …).
constexpr std::size_t kMaxTextBytes = 1000;
/// Bytes of one record: a JSON Lines line, a whole JSON file, the rows of one household in a CSV file, a stored record.
constexpr std::size_t kMaxRecordBytes = 1 << 20;
/// Bytes of a CSV file (read whole); JSON Lines files are read line by line and have no limit.
constexpr std::size_t kMaxCsvBytes = std::size_t(256) << 20;

/// Bounds a record is checked against besides its schema. `entitle import` sets `not_after` (today); `entitle eval`
/// and the rule tests set `month` (the month evaluated).
struct LoadOptions {
  /// Dates after this day are refused ("in the future"), and months named *_since after its month; unchecked
  /// when absent.
  std::optional<Date> not_after;
  /// The month evaluated: a birth_date after its last day, or a month named *_since (status.dibao_since,
  /// status.phaseout_since) after it, is refused. Unchecked when absent.
  std::optional<Month> month;
  /// At most this many members (kMaxMembers; a test or a measurement may allow more).
  std::size_t max_members = kMaxMembers;

  static LoadOptions evaluating(Month m) {
    LoadOptions o;
    o.month = m;
    return o;
  }
};

/// Builds a household from a parsed JSON record (`out` is cleared first, its memory reused). Returns false and fills
/// `errors` when the record is invalid.
bool load_household(const ir::RuleSet& rs, const JsonNode& record, const std::string& record_label, Household& out,
                    std::vector<InputError>& errors, const LoadOptions& options = {});

/// How a text names a value of an enum: by the value's name (`rural`) or by its label (`农村`). A text that could
/// name two values (two values share the label, or a label is another value's name) names none: `ambiguous`
/// lists them, and the loader refuses the text naming both.
struct EnumMatch {
  int value = -1;
  bool by_label = false;
  std::vector<int> ambiguous;
};
EnumMatch match_enum(const ir::EnumDef& e, const std::string& text);

/// Rewrites enum values written by their label to their name, in place (`"area":"农村"` → `"area":"rural"`), so a
/// stored record does not depend on the labels of the rule set it was imported with. Only values the loader would
/// accept unambiguously are rewritten. Returns how many were.
int canonicalise_enum_labels(const ir::RuleSet& rs, JsonNode& record);

/// A field label without its trailing remark in parentheses: "人均住房面积 (平方米)" → "人均住房面积".
std::string short_label(const std::string& label);

/// GB 11643-1999 check character ('0'-'9' or 'X') for the first 17 digits; '\0' when they are not 17 digits.
char id_number_check_char(const std::string& first17);

}  // namespace entitle
