// routes.hpp — the HTTP API as one table: method, path, who may call it, whether it needs the CSRF header, what it
// does. The server registers exactly these routes and the OpenAPI document is generated from the same table.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <httplib.h>

#include "engine/service/service.hpp"

namespace entitle::server {

/// Who may call a route.
enum class Access {
  Anyone,     // no session needed
  Session,    // any signed-in user
  Roles,      // signed in with one of `roles`
};

struct Call {
  const httplib::Request& req;
  httplib::Response& res;
  const Principal* who;  // null for Access::Anyone
  /// The path parameter `name` ({id} in the path), as given.
  std::string param(const std::string& name) const;
  std::vector<std::string> names;  // parameter names in path order
};

struct Route {
  std::string method;   // GET, POST, PUT, DELETE
  std::string path;     // "/api/households/{id}"
  Access access = Access::Session;
  std::vector<Role> roles;  // Access::Roles
  bool csrf = false;        // state-changing: needs X-Entitle-CSRF
  std::string summary;      // one line, for the OpenAPI document
  std::vector<std::string> query;  // query parameters, for the OpenAPI document
  bool json_body = false;   // takes a JSON body
  std::string produces = "application/json";
  std::function<void(Call&)> handle;
};

/// Every route of the API.
std::vector<Route> api_routes(Service& service);

/// The OpenAPI 3.0 document of the routes.
nlohmann::ordered_json openapi_document(const std::vector<Route>& routes);

/// "/api/households/{id}" → "^/api/households/([^/]+)$" (and the parameter names).
std::string path_regex(const std::string& path, std::vector<std::string>& names);

}  // namespace entitle::server
