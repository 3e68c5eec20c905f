// openapi.cpp — the OpenAPI 3.0 document, generated from the route table (so it lists every route there is).
#include "server/routes.hpp"

namespace entitle::server {

nlohmann::ordered_json openapi_document(const std::vector<Route>& routes) {
  using Json = nlohmann::ordered_json;
  Json error_schema{{"type", "object"},
                    {"properties",
                     {{"error",
                       {{"type", "object"},
                        {"properties",
                         {{"code", {{"type", "string"}}}, {"message", {{"type", "string"}}}, {"field", {{"type", "string"}}}}}}}}}};
  Json paths = Json::object();
  for (const Route& r : routes) {
    std::vector<std::string> names;
    path_regex(r.path, names);
    Json op{{"summary", r.summary}, {"operationId", r.method + r.path}};
    Json params = Json::array();
    for (const auto& n : names) params.push_back(Json{{"name", n}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
    for (const auto& q : r.query) params.push_back(Json{{"name", q}, {"in", "query"}, {"required", false}, {"schema", {{"type", "string"}}}});
    if (r.csrf)
      params.push_back(Json{{"name", "X-Entitle-CSRF"}, {"in", "header"}, {"required", true}, {"schema", {{"type", "string"}}},
                            {"description", "登录时得到的 CSRF 令牌"}});
    if (!params.empty()) op["parameters"] = params;
    if (r.json_body)
      op["requestBody"] = Json{{"required", true}, {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}};
    Json ok_schema{{"type", r.produces == "text/html" ? "string" : "object"}};
    Json ok_content = Json::object();
    ok_content[r.produces] = Json{{"schema", ok_schema}};
    Json responses = Json::object();
    responses["200"] = Json{{"description", "成功"}, {"content", ok_content}};
    auto err = [&](const char* code, const char* what) {
      responses[code] = Json{{"description", what}, {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
    };
    if (r.json_body) err("400", "请求内容有误 (位置、字段与说明)");
    if (r.access != Access::Anyone) err("401", "未登录或会话已过期");
    if (r.access == Access::Roles || r.csrf) err("403", "无权限、超出乡镇范围或缺少 CSRF 令牌");
    if (r.path.find('{') != std::string::npos) err("404", "不存在");
    if (r.method == "PUT") err("412", "记录已被他人修改");
    op["responses"] = responses;
    if (r.access == Access::Roles) {
      std::string who;
      for (Role role : r.roles) who += (who.empty() ? "" : ", ") + std::string(role_name(role));
      op["description"] = "角色: " + who;
    }
    if (r.access != Access::Anyone) op["security"] = Json::array({Json{{"session", Json::array()}}});
    std::string method = r.method;
    for (char& ch : method) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    paths[r.path][method] = op;
  }
  paths["/api/openapi.json"]["get"] = Json{{"summary", "本 API 的 OpenAPI 3 文档"}, {"operationId", "GET/api/openapi.json"},
                                           {"responses", {{"200", {{"description", "成功"}}}}}};
  return Json{{"openapi", "3.0.3"},
              {"info", {{"title", "entitle — 社会救助认定 API"}, {"version", "1"},
                        {"description", "县乡社会救助经办、县级民政部门与审计人员使用的接口。金额均为十进制字符串 (元)。"}}},
              {"paths", paths},
              {"components",
               {{"schemas", {{"Error", error_schema}}},
                {"securitySchemes", {{"session", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "entitle_session"}}}}}}}};
}

}  // namespace entitle::server
