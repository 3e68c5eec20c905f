// routes.cpp — the handlers of the HTTP API: each reads its request, calls the service and writes JSON.
#include "server/routes.hpp"

#include <regex>

#include "engine/service/request_record.hpp"

namespace entitle::server {
namespace {

using Json = nlohmann::ordered_json;

void send(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, Json::error_handler_t::replace), "application/json; charset=utf-8");
}

JsonNode body_object(const httplib::Request& req) {
  JsonNode body = parse_request_json(req.body);
  if (body.kind != JsonNode::Kind::Object) throw ServiceError(400, "bad_request", "请求内容应为 JSON 对象");
  return body;
}

std::string text_of(const JsonNode& body, const char* key, bool required = true) {
  const JsonNode* v = body.find(key);
  if (!v || v->kind == JsonNode::Kind::Null) {
    if (required) throw ServiceError(400, "bad_request", std::string("缺少 ") + key, key);
    return "";
  }
  if (v->kind != JsonNode::Kind::String) throw ServiceError(400, "bad_request", std::string(key) + " 应为字符串", key);
  return v->text;
}

std::int64_t int_param(const std::string& text, const char* name) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos)
    throw ServiceError(400, "bad_request", std::string(name) + " 应为正整数，收到 '" + text.substr(0, 40) + "'", name);
  return std::stoll(text);
}

std::string query(const httplib::Request& req, const char* name) {
  return req.has_param(name) ? req.get_param_value(name) : std::string();
}

int query_int(const httplib::Request& req, const char* name, int fallback) {
  std::string v = query(req, name);
  return v.empty() ? fallback : static_cast<int>(std::min<std::int64_t>(int_param(v, name), 1 << 30));
}

/// The version in an If-Match header: "3" or W/"3" or 3.
std::optional<int> if_match(const httplib::Request& req) {
  if (!req.has_header("If-Match")) return std::nullopt;
  std::string v = req.get_header_value("If-Match");
  std::string digits;
  for (char c : v)
    if (c >= '0' && c <= '9') digits += c;
  if (digits.empty() || digits.size() > 9) throw ServiceError(400, "bad_request", "If-Match 应为记录版本号，如 \"3\"");
  return std::stoi(digits);
}

}  // namespace

std::string Call::param(const std::string& name) const {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name && i + 1 < req.matches.size()) return req.matches[i + 1].str();
  return "";
}

std::string path_regex(const std::string& path, std::vector<std::string>& names) {
  std::string out = "^";
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '{') {
      std::size_t end = path.find('}', i);
      names.push_back(path.substr(i + 1, end - i - 1));
      out += "([^/]+)";
      i = end;
    } else if (std::string("\\^$.|?*+()[]").find(path[i]) != std::string::npos) {
      out += '\\';
      out += path[i];
    } else {
      out += path[i];
    }
  }
  return out + "$";
}

std::vector<Route> api_routes(Service& s) {
  const std::vector<Role> county{Role::County}, editors{Role::Caseworker, Role::County},
      readers{Role::Caseworker, Role::County, Role::Auditor}, overseers{Role::County, Role::Auditor},
      audit_readers{Role::County, Role::Auditor, Role::Admin}, admin{Role::Admin};
  std::vector<Route> r;
  auto add = [&](std::string method, std::string path, Access access, std::vector<Role> roles, bool csrf, std::string summary,
                 std::function<void(Call&)> handle, std::vector<std::string> q = {}, bool json_body = false,
                 std::string produces = "application/json") {
    Route route;
    route.method = std::move(method);
    route.path = std::move(path);
    route.access = access;
    route.roles = std::move(roles);
    route.csrf = csrf;
    route.summary = std::move(summary);
    route.handle = std::move(handle);
    route.query = std::move(q);
    route.json_body = json_body;
    route.produces = std::move(produces);
    r.push_back(std::move(route));
  };

  // --- sessions
  add("POST", "/api/login", Access::Anyone, {}, false, "登录: {user, password} → {user, role, csrf, townships} 与会话 Cookie",
      [&s](Call& c) {
        JsonNode body = body_object(c.req);
        auto [who, token] = s.login(text_of(body, "user"), text_of(body, "password"));
        c.res.set_header("Set-Cookie", "entitle_session=" + token + "; HttpOnly; SameSite=Strict; Path=/; Max-Age=28800");
        send(c.res, 200, s.me(who));
      }, {}, true);
  add("POST", "/api/logout", Access::Session, {}, true, "退出登录", [&s](Call& c) {
    s.logout(*c.who);
    c.res.set_header("Set-Cookie", "entitle_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    send(c.res, 200, Json{{"ok", true}});
  });
  add("GET", "/api/me", Access::Session, {}, false, "当前用户、角色、乡镇与 CSRF 令牌", [&s](Call& c) { send(c.res, 200, s.me(*c.who)); });

  // --- evaluation
  add("POST", "/api/calculate", Access::Session, {}, false, "计算一户一个月的待遇 (与 entitle eval --format json 相同)，不保存",
      [&s](Call& c) {
        c.res.status = 200;
        c.res.set_content(s.calculate(c.req.body, false), "application/json; charset=utf-8");
      }, {}, true);
  add("POST", "/api/explain", Access::Session, {}, false, "同上，附说明树与中文理由 (与 eval --explain 相同)", [&s](Call& c) {
    c.res.status = 200;
    c.res.set_content(s.calculate(c.req.body, true), "application/json; charset=utf-8");
  }, {}, true);
  add("GET", "/api/schema", Access::Session, {}, false, "规则集声明的家庭记录结构 (表单据此生成)、区划与项目",
      [&s](Call& c) { send(c.res, 200, s.schema()); });
  add("GET", "/api/standards", Access::Session, {}, false, "各项标准及其分日期取值、区划、来源", [&s](Call& c) { send(c.res, 200, s.standards()); });
  add("GET", "/api/catalogue", Access::Session, {}, false, "规则目录 (HTML)", [&s](Call& c) {
    c.res.status = 200;
    c.res.set_content(s.catalogue_html(), "text/html; charset=utf-8");
  }, {}, false, "text/html");

  // --- households
  add("GET", "/api/households", Access::Roles, readers, false, "家庭列表与检索 (户编号、户主姓名、身份证号)", [&s](Call& c) {
    HouseholdListQuery q;
    q.q = query(c.req, "q");
    q.township = query(c.req, "township");
    q.limit = query_int(c.req, "limit", 50);
    q.offset = query_int(c.req, "offset", 0);
    send(c.res, 200, s.list_households(*c.who, q));
  }, {"q", "township", "limit", "offset"});
  add("GET", "/api/households/{id}", Access::Roles, readers, false, "一户的当前记录 (ETag 为版本号)", [&s](Call& c) {
    auto [record, version] = s.household(*c.who, c.param("id"));
    c.res.status = 200;
    c.res.set_header("ETag", "\"" + std::to_string(version) + "\"");
    c.res.set_content(record, "application/json; charset=utf-8");
  });
  add("PUT", "/api/households/{id}", Access::Roles, editors, true, "保存一户的新版本 (If-Match: 版本号 时为条件更新)", [&s](Call& c) {
    Json out = s.put_household(*c.who, c.param("id"), c.req.body, if_match(c.req));
    c.res.set_header("ETag", "\"" + std::to_string(out["version"].get<int>()) + "\"");
    send(c.res, 200, out);
  }, {}, true);
  add("GET", "/api/households/{id}/versions", Access::Roles, readers, false, "一户记录的全部版本",
      [&s](Call& c) { send(c.res, 200, s.household_versions(*c.who, c.param("id"))); });
  add("GET", "/api/households/{id}/versions/{version}", Access::Roles, readers, false, "一户记录的某一版本", [&s](Call& c) {
    c.res.status = 200;
    c.res.set_content(s.household_version(*c.who, c.param("id"), static_cast<int>(int_param(c.param("version"), "version"))),
                      "application/json; charset=utf-8");
  });
  add("POST", "/api/households/{id}/decide", Access::Roles, editors, true, "按当前记录认定一个月的待遇并保存 (附说明与理由)",
      [&s](Call& c) {
        JsonNode body = body_object(c.req);
        send(c.res, 200, s.decide(*c.who, c.param("id"), text_of(body, "period")));
      }, {}, true);
  add("GET", "/api/households/{id}/decisions", Access::Roles, readers, false, "一户按月的认定历史 (批量运行与经办认定；已发布的为正式决定)",
      [&s](Call& c) { send(c.res, 200, s.decisions(*c.who, c.param("id"))); });
  add("GET", "/api/households/{id}/notice", Access::Roles, readers, false, "审核确认告知书 (可打印 HTML)", [&s](Call& c) {
    c.res.status = 200;
    c.res.set_content(s.notice(*c.who, c.param("id"), query(c.req, "period")), "text/html; charset=utf-8");
  }, {"period"}, false, "text/html");
  add("GET", "/api/notice-template", Access::Session, {}, false, "告知书中复核/申诉文字的模板", [&s](Call& c) {
    send(c.res, 200, Json{{"text", s.notice_template()}});
  });
  add("PUT", "/api/notice-template", Access::Roles, county, true, "修改告知书模板 {text}", [&s](Call& c) {
    JsonNode body = body_object(c.req);
    s.set_notice_template(*c.who, text_of(body, "text"));
    send(c.res, 200, Json{{"text", s.notice_template()}});
  }, {}, true);

  // --- runs
  add("GET", "/api/runs", Access::Roles, readers, false, "批量运行列表 (新的在前)", [&s](Call& c) { send(c.res, 200, s.runs()); });
  add("POST", "/api/runs", Access::Roles, county, true, "开始一次批量运行 {period, to?}", [&s](Call& c) {
    JsonNode body = body_object(c.req);
    send(c.res, 202, s.start_batch(*c.who, text_of(body, "period"), text_of(body, "to", false)));
  }, {}, true);
  add("GET", "/api/batch", Access::Roles, readers, false, "正在进行或最近一次批量运行的进度", [&s](Call& c) { send(c.res, 200, s.batch_status()); });
  add("GET", "/api/runs/{id}", Access::Roles, readers, false, "一次运行及其各项目合计", [&s](Call& c) {
    send(c.res, 200, s.run(int_param(c.param("id"), "id")));
  });
  add("GET", "/api/runs/{id}/impact", Access::Roles, overseers, false, "影响报告: 与较早一次运行相比谁增谁减、原因与费用", [&s](Call& c) {
    std::string from = query(c.req, "from");
    send(c.res, 200, s.impact(int_param(c.param("id"), "id"), from.empty() ? 0 : int_param(from, "from")));
  }, {"from"});
  add("GET", "/api/runs/{id}/review", Access::Roles, overseers, false, "需复核的案件与暂定决定", [&s](Call& c) {
    send(c.res, 200, s.review(int_param(c.param("id"), "id")));
  });
  add("POST", "/api/runs/{id}/approve", Access::Roles, county, true, "发布一次运行: 其决定成为正式决定", [&s](Call& c) {
    send(c.res, 200, s.approve(*c.who, int_param(c.param("id"), "id")));
  });

  // --- standards
  add("GET", "/api/amendments", Access::Roles, overseers, false, "已录入的标准调整", [&s](Call& c) { send(c.res, 200, s.amendments()); });
  add("POST", "/api/amendments", Access::Roles, county, true,
      "录入标准调整 {standard, region, key?, from, value, cite, period?}，并在后台预览其影响 (进度见 /api/batch)",
      [&s](Call& c) { send(c.res, 202, s.amend(*c.who, c.req.body)); }, {}, true);
  add("GET", "/api/amendments/{id}", Access::Roles, overseers, false, "一项标准调整及其影响预览 (preview: running | done | failed)",
      [&s](Call& c) { send(c.res, 200, s.amendment(int_param(c.param("id"), "id"))); });
  add("POST", "/api/amendments/{id}/adopt", Access::Roles, county, true, "采用标准调整 (此后的认定使用新值)", [&s](Call& c) {
    send(c.res, 200, s.adopt(*c.who, int_param(c.param("id"), "id")));
  });

  // --- audit
  add("GET", "/api/replay", Access::Roles, overseers, false, "重放一项已保存的决定并核对 (run, household, period)", [&s](Call& c) {
    std::string period = query(c.req, "period"), household = query(c.req, "household");
    if (household.empty()) throw ServiceError(400, "bad_request", "缺少 household", "household");
    if (!Month::parse(period)) throw ServiceError(400, "bad_request", "period 应为 YYYY-MM", "period");
    send(c.res, 200, s.replay(int_param(query(c.req, "run"), "run"), household, period));
  }, {"run", "household", "period"});
  add("GET", "/api/audit", Access::Roles, audit_readers, false, "审计日志 (新的在前)", [&s](Call& c) {
    std::string before = query(c.req, "before");
    send(c.res, 200, s.audit(query(c.req, "target"), query(c.req, "user"), before.empty() ? 0 : int_param(before, "before"),
                             query_int(c.req, "limit", 100)));
  }, {"target", "user", "before", "limit"});

  // --- users
  add("GET", "/api/users", Access::Roles, admin, false, "用户列表", [&s](Call& c) { send(c.res, 200, s.users()); });
  add("POST", "/api/users", Access::Roles, admin, true, "新增用户 {user, role, townships, password}", [&s](Call& c) {
    JsonNode body = body_object(c.req);
    std::vector<std::string> towns;
    if (const JsonNode* t = body.find("townships")) {
      if (t->kind != JsonNode::Kind::Array) throw ServiceError(400, "bad_request", "townships 应为代码列表", "townships");
      for (const JsonNode& code : t->items) {
        if (code.kind != JsonNode::Kind::String) throw ServiceError(400, "bad_request", "townships 应为代码列表", "townships");
        towns.push_back(code.text);
      }
    }
    s.add_user(c.who->user, text_of(body, "user"), text_of(body, "role"), towns, text_of(body, "password"));
    send(c.res, 201, Json{{"user", text_of(body, "user")}});
  }, {}, true);
  return r;
}

}  // namespace entitle::server
