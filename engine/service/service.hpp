// service.hpp — the operations of the case office that the web server (and, in time, every CLI command) calls:
// sign-in and users, evaluate and explain, households and their versions, decisions, notices, batch runs, impact,
// approval, standards and amendments, replay and the audit log. Every change is written to the audit log here.
// Access rules that depend on data (a caseworker's townships) are enforced here; the server checks roles.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/api/rules_loader.hpp"
#include "engine/eval/household.hpp"
#include "engine/eval/result.hpp"
#include "engine/storage/household_repository.hpp"
#include "engine/storage/storage.hpp"

namespace entitle {

using Json = nlohmann::ordered_json;

/// A refusal a client sees: HTTP status, a stable code, a Chinese message, and the field at fault when there is one.
struct ServiceError : std::runtime_error {
  ServiceError(int status, std::string code, const std::string& message, std::string field = {})
      : std::runtime_error(message), status(status), code(std::move(code)), field(std::move(field)) {}
  int status;
  std::string code, field;
  std::vector<Json> errors;  // invalid_record: every problem, {"field","message"}
};

enum class Role { Caseworker, County, Auditor, Admin };
const char* role_name(Role r);
std::optional<Role> role_from_name(const std::string& name);

/// Who is asking: the signed-in user of a session.
struct Principal {
  std::string user;
  Role role = Role::Auditor;
  std::vector<std::string> townships;  // caseworker: the township (or county) codes it may see
  std::string csrf, session;           // session: the sha256 of its token
};

struct HouseholdListQuery {
  std::string q, township;
  int limit = 50, offset = 0;
};

class Service {
public:
  /// Opens (and upgrades) the database and loads the rules plus the amendments adopted in it. Throws ServiceError
  /// when the rules have errors.
  Service(std::string db_path, std::string rules_dir);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // --- users and sessions (auth.cpp)
  /// A new session for a correct name and password: the principal and the cookie's token. 401 otherwise.
  std::pair<Principal, std::string> login(const std::string& user, const std::string& password);
  /// The principal of a live session token; none when unknown or expired (idle 30 min or 8 h old).
  std::optional<Principal> authenticate(const std::string& token);
  void logout(const Principal& p);
  /// Adds a user (the `entitle user add` command and POST /api/users). `actor` is who did it, for the audit log.
  void add_user(const std::string& actor, const std::string& name, const std::string& role,
                const std::vector<std::string>& townships, const std::string& password);
  Json users();
  Json me(const Principal& p);
  /// Whether the principal may see a household of this township (9-digit code or county code).
  bool may_see(const Principal& p, const std::string& township) const;

  // --- evaluation (evaluate.cpp)
  /// `{"household": RECORD, "period": "YYYY-MM"}` → the result JSON exactly as `entitle eval --format json`
  /// prints it (with `explain`: as `--explain`). Nothing stored.
  std::string calculate(const std::string& body, bool explain);
  /// The household record as the rule set declares it, for the form.
  Json schema();
  Json standards();
  std::string catalogue_html();

  // --- households (households.cpp)
  Json list_households(const Principal& p, const HouseholdListQuery& q);
  /// The stored record and its version; 404 / 403.
  std::pair<std::string, int> household(const Principal& p, const std::string& id);
  /// Stores a new version of a household (or its first); `if_match`: the version the editor started from.
  Json put_household(const Principal& p, const std::string& id, const std::string& body, std::optional<int> if_match);
  Json household_versions(const Principal& p, const std::string& id);
  std::string household_version(const Principal& p, const std::string& id, int version);
  /// Evaluates the current record for a month, stores the decision and returns it with its explanation.
  Json decide(const Principal& p, const std::string& id, const std::string& period);
  Json decisions(const Principal& p, const std::string& id);
  std::string notice(const Principal& p, const std::string& id, const std::string& period);
  std::string notice_template();
  void set_notice_template(const Principal& p, const std::string& text);

  // --- runs (runs.cpp)
  Json runs();
  Json run(std::int64_t id);
  /// Starts a batch in the background; 409 busy while one runs.
  Json start_batch(const Principal& p, const std::string& from, const std::string& to);
  Json batch_status();
  Json impact(std::int64_t to, std::int64_t from);
  Json review(std::int64_t run);
  Json approve(const Principal& p, std::int64_t run);
  Json amendments();
  /// Stores a draft amendment and starts its impact preview in the background (202; progress in batch_status()).
  Json amend(const Principal& p, const std::string& body);
  /// One amendment with its preview's state and, once done, its impact.
  Json amendment(std::int64_t id);
  Json adopt(const Principal& p, std::int64_t id);
  Json replay(std::int64_t run, const std::string& household, const std::string& period);
  Json audit(const std::string& target, const std::string& user, std::int64_t before, int limit);

  /// Stops a running batch after its current write transaction and waits for it (graceful shutdown).
  void shutdown();

  /// The rules in force now (the directory plus adopted amendments).
  std::shared_ptr<const LoadedRules> rules() const;
  /// Who this thread's writes are recorded under in the ledger until the next call ("web:li", "web:anonymous").
  void act_as(const std::string& actor);
  /// Called first by every request: a connection of this thread that is no longer usable is dropped.
  void begin_request();
  /// Whether this thread's connection to a database server was lost (a request failed because the server restarted
  /// or ended it): it is dropped, and the next request connects again.
  bool connection_lost();

private:
  /// This thread's connection to the database (a Storage is not shared between threads), opened again when a database
  /// server has dropped it; a 503 ServiceError while the server cannot be reached.
  Storage& storage();
  std::unique_ptr<Storage>& this_thread_storage();
  void audit_append(const std::string& user, const std::string& action, const std::string& target, const std::string& before,
                    const std::string& after, const Json& detail);
  std::shared_ptr<const LoadedRules> load_with_amendments(const std::vector<std::pair<std::string, std::string>>& extra);
  std::string require_visible(const Principal& p, const std::string& id);  // the household's township, or 404/403
  /// A stored household's current record decided for a month with its explanation (decide and the notice).
  struct StoredEvaluation {
    std::shared_ptr<const LoadedRules> rules;
    CurrentHousehold stored;
    Month month;
    Household household;
    HouseholdResult result;
  };
  std::unique_ptr<StoredEvaluation> evaluate_stored(const Principal& p, const std::string& id, const std::string& period);

  std::string db_path_, rules_dir_;
  mutable std::mutex rules_mutex_;
  std::shared_ptr<const LoadedRules> rules_;

  /// The one background job a server runs at a time: a batch, or an amendment's impact preview.
  struct BatchJob {
    std::thread thread;
    std::atomic<bool> cancel{false};
    std::atomic<std::int64_t> done{0}, total{0}, run{0};
    std::string kind = "batch";  // batch | preview
    std::int64_t amendment = 0;  // preview: the amendment
    std::string state = "idle", error, user, period_from, period_to;  // guarded by batch_mutex_
    std::optional<BatchLock> lock;  // the database's batch lock, held while the job runs (run_batch is given it)
  };
  /// The database's batch lock for a background job, or 409 busy naming who holds it: this server's own job, or a
  /// batch or import of another process (`entitle batch`, another server) on the same database.
  BatchLock lock_for_job(const std::string& kind, const std::string& detail, const std::string& user);
  /// Starts `work` on its own thread and connection as the background job, holding `lock` until it ends; 409 busy while
  /// another runs. The job's state becomes done, stopped (cancelled) or failed (the exception is logged, never shown).
  void start_job(std::unique_ptr<BatchJob> job, BatchLock lock, std::function<void(Storage&, BatchJob&)> work);
  std::mutex batch_mutex_;
  std::unique_ptr<BatchJob> batch_;
};

}  // namespace entitle
