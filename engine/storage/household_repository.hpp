// household_repository.hpp — households in the case database: stored whole, with history on re-import.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace entitle {

struct MemberRow {
  std::string member_id, relation, birth_date, id_number, name;
  int disability_grade = 0;  // 0: none
};

/// One household to store: its record as read, and the member rows kept beside it for search.
struct HouseholdPut {
  std::string id, region, area, record;
  std::vector<MemberRow> members;
  std::string stored_by;  // empty: "import N"
};

struct StoredHousehold {
  std::string id, township, record, record_hash;
};

/// The current version of one household, as the web page reads it.
struct CurrentHousehold {
  std::string id, region, township, record, record_hash, stored_by, stored_at;
  int version = 0;
};

/// One line of the household list: who the applicant (本人) is, for search results.
struct HouseholdListing {
  std::string id, region, township, head_name, head_id_number;
  int members = 0, version = 0;
};

/// One stored version of a household record (its content is read with `version_record`).
struct HouseholdVersion {
  int version = 0;
  std::string record_hash, stored_by, stored_at;
};

/// Which households a list shows: `text` matches 户编号, a member's name or 身份证号 (substring); `scopes` are
/// township or county code prefixes (empty: all).
struct HouseholdQuery {
  std::string text;
  std::vector<std::string> scopes;
  std::string township;  // only this township (9-digit code or prefix); empty: any
  int limit = 50, offset = 0;
};

/// The households one batch worker decides: those whose township code starts with `township` (digits; empty: any)
/// and whose id lies in [id_from, id_to) (empty: unbounded). The whole database by default.
struct HouseholdScope {
  std::string township, id_from, id_to;
  bool whole() const { return township.empty() && id_from.empty() && id_to.empty(); }
};

class HouseholdRepository {
public:
  virtual ~HouseholdRepository() = default;

  /// Records the start of an import from `source`; returns its id.
  virtual int begin_import(const std::string& source) = 0;
  virtual void finish_import(int import_id, std::size_t records, std::size_t stored, std::size_t unchanged,
                             std::size_t rejected) = 0;

  enum class Put { New, Updated, Unchanged };
  /// Stores households in their order, as storing them one after another would (a household twice: its second record
  /// is a new version of the first), in the open write transaction or one of its own. A changed record moves the old
  /// version to history. What became of each, in the same order.
  virtual std::vector<Put> put_many(const std::vector<HouseholdPut>& households, int import_id) = 0;
  /// Stores one household, as put_many. `stored_by` empty: "import N".
  Put put(const std::string& id, const std::string& region, const std::string& area, const std::string& record,
          const std::vector<MemberRow>& members, int import_id, const std::string& stored_by = "") {
    return put_many({HouseholdPut{id, region, area, record, members, stored_by}}, import_id).front();
  }

  /// The current version of a household, or none.
  virtual std::optional<CurrentHousehold> get(const std::string& id) = 0;
  /// Households matching the query, by id, and how many match in all.
  virtual std::vector<HouseholdListing> search(const HouseholdQuery& q, std::int64_t& total) = 0;
  /// Every stored version of a household, newest first (empty when unknown).
  virtual std::vector<HouseholdVersion> versions(const std::string& id) = 0;
  /// The record of one version, or none.
  virtual std::optional<std::string> version_record(const std::string& id, int version) = 0;

  /// How many households are stored (in `scope`; not yet done in run `not_done_in_run` when it is not 0).
  virtual std::size_t count(const HouseholdScope& scope = {}, std::int64_t not_done_in_run = 0) = 0;
  /// Visits the households of `scope` in id order, `batch` at a time, skipping those done in run `skip_run` (0: none);
  /// stops when `each` returns false.
  virtual void scan(std::int64_t skip_run, std::size_t batch, const std::function<bool(std::vector<StoredHousehold>&&)>& each,
                    const HouseholdScope& scope = {}) = 0;
  /// The ids that cut the households, in id order, into `parts` parts of (nearly) equal size: parts − 1 ids, each the
  /// first of a part after the first (fewer when there are fewer households than parts).
  virtual std::vector<std::string> split_points(int parts) = 0;
  /// The stored record of a household, and its earlier versions (oldest first).
  virtual std::vector<std::string> history(const std::string& id) = 0;
  /// The version of a household's record whose hash is `record_hash` (a run's input hash): the current record or
  /// one kept in history; none when neither has it. A stored record that does not match its hash is a StorageError.
  virtual std::optional<std::string> record_version(const std::string& id, const std::string& record_hash) = 0;
  /// Every household's township code, by household id.
  virtual std::map<std::string, std::string> townships() = 0;
};

/// "140521103000" → "140521103"; "140521103" stays; a 6-digit county code stays.
std::string township_of(const std::string& region);

}  // namespace entitle
