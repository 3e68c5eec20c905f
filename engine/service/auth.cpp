// auth.cpp — Service: sign-in, sessions, users and township scoping.
#include <ctime>

#include "engine/base/sha256.hpp"
#include "engine/service/passwords.hpp"
#include "engine/service/service.hpp"

namespace entitle {
namespace {

constexpr std::int64_t kSessionMaxAge = 8 * 3600;   // seconds after login
constexpr std::int64_t kSessionMaxIdle = 30 * 60;   // seconds without a request

std::int64_t now_seconds() { return static_cast<std::int64_t>(std::time(nullptr)); }

Principal principal_of(const UserRecord& u, const SessionRecord& s) {
  Principal p;
  p.user = u.name;
  p.role = *role_from_name(u.role);
  p.townships = u.townships;
  p.csrf = s.csrf;
  p.session = s.token_hash;
  return p;
}

bool all_digits(const std::string& s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return !s.empty();
}

}  // namespace

const char* role_name(Role r) {
  switch (r) {
    case Role::Caseworker: return "caseworker";
    case Role::County: return "county";
    case Role::Auditor: return "auditor";
    case Role::Admin: return "admin";
  }
  return "";
}

std::optional<Role> role_from_name(const std::string& name) {
  for (Role r : {Role::Caseworker, Role::County, Role::Auditor, Role::Admin})
    if (name == role_name(r)) return r;
  return std::nullopt;
}

std::pair<Principal, std::string> Service::login(const std::string& user, const std::string& password) {
  UserRepository& users = storage().users();
  auto u = users.find(user);
  // The same refusal for an unknown name and a wrong password: a caller learns nothing about which names exist.
  if (!u || !verify_password(u->password_hash, password)) {
    audit_append(user.substr(0, 64), "login_failed", "user:" + user.substr(0, 64), "", "", Json::object());
    throw ServiceError(401, "unauthenticated", "用户名或密码不正确");
  }
  std::int64_t now = now_seconds();
  users.purge_sessions(now - kSessionMaxAge, now - kSessionMaxIdle);
  std::string token = random_token();
  SessionRecord s{sha256_hex(token), u->name, random_token(), now, now};
  users.create_session(s);
  audit_append(u->name, "login", "user:" + u->name, "", "", Json::object());
  return {principal_of(*u, s), token};
}

std::optional<Principal> Service::authenticate(const std::string& token) {
  if (token.empty()) return std::nullopt;
  UserRepository& users = storage().users();
  std::string hash = sha256_hex(token);
  auto s = users.find_session(hash);
  if (!s) return std::nullopt;
  std::int64_t now = now_seconds();
  if (now - s->created > kSessionMaxAge || now - s->last_seen > kSessionMaxIdle) {
    users.delete_session(hash);
    return std::nullopt;
  }
  auto u = users.find(s->user);
  if (!u || !role_from_name(u->role)) return std::nullopt;
  if (now - s->last_seen >= 30) users.touch_session(hash, now);  // not a write per request
  return principal_of(*u, *s);
}

void Service::logout(const Principal& p) {
  storage().users().delete_session(p.session);
  audit_append(p.user, "logout", "user:" + p.user, "", "", Json::object());
}

void Service::add_user(const std::string& actor, const std::string& name, const std::string& role,
                       const std::vector<std::string>& townships, const std::string& password) {
  if (name.empty() || name.size() > 64 || name.find_first_of(" \t\r\n:/") != std::string::npos)
    throw ServiceError(400, "bad_request", "用户名应为 1–64 个字符，不含空格、冒号或斜杠", "user");
  auto r = role_from_name(role);
  if (!r) throw ServiceError(400, "bad_request", "角色应为 caseworker、county、auditor 或 admin，收到 '" + role + "'", "role");
  if (password.size() < 8) throw ServiceError(400, "bad_request", "密码至少 8 个字符", "password");
  std::vector<std::string> codes;
  for (const std::string& t : townships) {
    if (!all_digits(t) || (t.size() != 6 && t.size() != 9 && t.size() != 12))
      throw ServiceError(400, "bad_request", "乡镇代码应为 9 位或 12 位乡镇代码、或 6 位县级代码，收到 '" + t + "'", "townships");
    std::string code = t.size() == 12 ? t.substr(0, 9) : t;
    auto rules_now = rules();
    if (!rules_now->rules->regions.empty() && rules_now->rules->region_name(code).empty())
      throw ServiceError(400, "bad_request", "规则中没有区划代码 " + t + " (不在服务区划内)", "townships");
    codes.push_back(code);
  }
  if (*r == Role::Caseworker && codes.empty())
    throw ServiceError(400, "bad_request", "经办人员 (caseworker) 至少要有一个乡镇 (--township)", "townships");
  UserRecord u{name, role, hash_password(password), "", codes};
  if (!storage().users().add(u)) throw ServiceError(409, "conflict", "用户 " + name + " 已存在", "user");
  audit_append(actor, "user_add", "user:" + name, "", "", Json{{"role", role}, {"townships", codes}});
}

Json Service::users() {
  Json out = Json::array();
  for (const UserRecord& u : storage().users().list())
    out.push_back(Json{{"user", u.name}, {"role", u.role}, {"townships", u.townships}, {"created", u.created}});
  return out;
}

Json Service::me(const Principal& p) {
  auto r = rules();
  Json towns = Json::array();
  for (const std::string& t : p.townships) towns.push_back(Json{{"code", t}, {"name", r->rules->region_name(t)}});
  return Json{{"user", p.user}, {"role", role_name(p.role)}, {"csrf", p.csrf}, {"townships", towns}};
}

bool Service::may_see(const Principal& p, const std::string& township) const {
  if (p.role != Role::Caseworker) return true;
  for (const std::string& t : p.townships)
    if (township.compare(0, t.size(), t) == 0) return true;
  return false;
}

}  // namespace entitle
