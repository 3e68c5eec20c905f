// service.cpp — Service: the database connections, the rules in force (with adopted amendments), the audit log.
#include "engine/service/service.hpp"

#include <map>

#include "engine/explain/render.hpp"

namespace entitle {

Service::Service(std::string db_path, std::string rules_dir) : db_path_(std::move(db_path)), rules_dir_(std::move(rules_dir)) {
  std::vector<std::pair<std::string, std::string>> extra;
  for (const Amendment& a : storage().casework().amendments())
    if (a.status == "adopted") extra.emplace_back("amendments/" + std::to_string(a.id) + ".rules", a.source);
  rules_ = load_with_amendments(extra);
  if (!rules_->rules)
    throw ServiceError(500, "internal", "the rules in " + rules_dir_ + " have errors:\n" +
                                            render_diagnostics(rules_->sources, rules_->diagnostics.sorted()));
}

Service::~Service() { shutdown(); }

std::unique_ptr<Storage>& Service::this_thread_storage() {
  // One connection per thread and database: a Storage (an SQLite connection) must not be shared between threads. The
  // server's thread pool is fixed, so the number of connections is bounded.
  thread_local std::map<std::string, std::unique_ptr<Storage>> connections;
  return connections[db_path_];
}

void Service::begin_request() {
  // A connection the database server dropped (it restarted), or one an earlier failure left inside a transaction, is
  // not used again: the request connects afresh. Checked only here, never while a request holds the Storage.
  std::unique_ptr<Storage>& slot = this_thread_storage();
  if (slot && (!slot->connected() || slot->in_transaction())) slot.reset();
}

Storage& Service::storage() {
  std::unique_ptr<Storage>& slot = this_thread_storage();
  if (!slot) {
    try {
      slot = open_storage(db_path_);
    } catch (const StorageError& e) {  // the database existed when the server started: its server is unreachable now
      throw ServiceError(503, "unavailable", std::string("案件数据库暂时无法连接，请稍后再试 (") + e.what() + ")");
    }
  }
  return *slot;
}

bool Service::connection_lost() {
  std::unique_ptr<Storage>& slot = this_thread_storage();
  if (!slot || slot->connected()) return false;
  slot.reset();
  return true;
}

void Service::act_as(const std::string& actor) { storage().ledger().set_actor(actor); }

std::shared_ptr<const LoadedRules> Service::rules() const {
  std::lock_guard<std::mutex> lock(rules_mutex_);
  return rules_;
}

std::shared_ptr<const LoadedRules> Service::load_with_amendments(const std::vector<std::pair<std::string, std::string>>& extra) {
  return std::shared_ptr<const LoadedRules>(load_rules(rules_dir_, extra).release());
}

void Service::audit_append(const std::string& user, const std::string& action, const std::string& target, const std::string& before,
                           const std::string& after, const Json& detail) {
  AuditEntry e;
  e.user = user;
  e.action = action;
  e.target = target;
  e.before_hash = before;
  e.after_hash = after;
  e.detail = detail.dump();
  storage().audit().append(e);
}

Json Service::audit(const std::string& target, const std::string& user, std::int64_t before, int limit) {
  AuditQuery q;
  q.target = target;
  q.user = user;
  q.before = before;
  q.limit = std::min(std::max(limit, 1), 1000);
  Json out = Json::array();
  for (const AuditEntry& e : storage().audit().list(q)) {
    Json detail = Json::parse(e.detail, nullptr, false);
    out.push_back(Json{{"id", e.id}, {"at", e.at}, {"user", e.user}, {"action", e.action}, {"target", e.target},
                       {"before_hash", e.before_hash}, {"after_hash", e.after_hash},
                       {"detail", detail.is_discarded() ? Json(e.detail) : detail}});
  }
  return out;
}

}  // namespace entitle
