// http_server.cpp — request handling around the route table: session cookie → principal, role and township checks,
// the CSRF header, errors as JSON (never a stack trace or SQL), the access log, static files, shutdown.
#include "server/http_server.hpp"

#include <httplib.h>
#include <signal.h>
#include <sys/socket.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "engine/storage/storage_error.hpp"
#include "server/routes.hpp"

namespace entitle::server {
namespace {

using Json = nlohmann::ordered_json;

void send_error(httplib::Response& res, int status, const std::string& code, const std::string& message, const std::string& field = {},
                const std::vector<Json>& errors = {}) {
  Json e{{"code", code}, {"message", message}};
  if (!field.empty()) e["field"] = field;
  if (!errors.empty()) e["errors"] = errors;
  res.status = status;
  res.set_content(Json{{"error", e}}.dump(-1, ' ', false, Json::error_handler_t::replace), "application/json; charset=utf-8");  // a path with invalid UTF-8 is echoed, never thrown
}

/// 503: the case database's server cannot be reached or dropped the connection (it restarted); the next request
/// connects again. Retry-After tells a client when to try again.
void send_unavailable(httplib::Response& res) {
  res.set_header("Retry-After", "5");
  send_error(res, 503, "unavailable", "案件数据库暂时无法连接，请求未能完成，请稍后重试");
}

std::string session_token(const httplib::Request& req) {
  std::string cookies = req.get_header_value("Cookie");
  const std::string name = "entitle_session=";
  for (std::size_t at = 0; at < cookies.size();) {
    while (at < cookies.size() && (cookies[at] == ' ' || cookies[at] == ';')) ++at;
    std::size_t end = cookies.find(';', at);
    if (end == std::string::npos) end = cookies.size();
    if (cookies.compare(at, name.size(), name) == 0) return cookies.substr(at + name.size(), end - at - name.size());
    at = end;
  }
  return "";
}

bool same_token(const std::string& a, const std::string& b) {
  if (a.size() != b.size() || a.empty()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

thread_local std::chrono::steady_clock::time_point request_start;
thread_local std::string request_user;

/// Wraps a route's handler with the checks every request goes through.
httplib::Server::Handler guarded(Service& service, const Route& route, std::vector<std::string> names) {
  return [&service, &route, names](const httplib::Request& req, httplib::Response& res) {
    try {
      service.begin_request();
      std::optional<Principal> who;
      if (route.access != Access::Anyone) {
        who = service.authenticate(session_token(req));
        if (!who) return send_error(res, 401, "unauthenticated", "请先登录 (会话不存在或已过期)");
        request_user = who->user;
        if (route.access == Access::Roles &&
            std::find(route.roles.begin(), route.roles.end(), who->role) == route.roles.end())
          return send_error(res, 403, "forbidden", std::string("角色 ") + role_name(who->role) + " 无权进行此操作");
        if (route.csrf && !same_token(req.get_header_value("X-Entitle-CSRF"), who->csrf))
          return send_error(res, 403, "csrf", "缺少或错误的 CSRF 令牌 (请求头 X-Entitle-CSRF)");
      }
      // What this request writes is recorded in the ledger under the signed-in user (or as anonymous: a sign-in).
      service.act_as(who ? "web:" + who->user : std::string("web:anonymous"));
      Call call{req, res, who ? &*who : nullptr, names};
      route.handle(call);
    } catch (const ServiceError& e) {
      if (e.status >= 500) spdlog::error("{} {}: {}", req.method, req.path, e.what());
      if (e.status == 503) return send_unavailable(res);
      send_error(res, e.status, e.code, e.status >= 500 ? "服务器内部错误，详情见服务器日志" : e.what(), e.field, e.errors);
    } catch (const StorageError& e) {
      spdlog::error("{} {}: storage: {}", req.method, req.path, e.what());
      if (service.connection_lost()) return send_unavailable(res);
      send_error(res, 500, "internal", "案件数据库出错，详情见服务器日志");
    } catch (const std::exception& e) {
      spdlog::error("{} {}: {}", req.method, req.path, e.what());
      if (service.connection_lost()) return send_unavailable(res);
      send_error(res, 500, "internal", "服务器内部错误，详情见服务器日志");
    }
  };
}

void configure(httplib::Server& svr, Service& service, const std::vector<Route>& routes, const ServerOptions& o) {
  unsigned threads = o.threads ? o.threads : 8;
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  svr.set_payload_max_length(o.max_body);
  svr.set_read_timeout(30, 0);
  svr.set_write_timeout(30, 0);
  svr.set_keep_alive_max_count(1000);
  // Responses go out as two writes (headers, body): without TCP_NODELAY the body waits ~40 ms for the client's
  // delayed ACK on every keep-alive request (measured by tests/bench/run_load_bench.sh: p50 44 ms → 1.6 ms).
  svr.set_tcp_nodelay(true);
  svr.set_default_headers({{"X-Content-Type-Options", "nosniff"},
                           {"X-Frame-Options", "SAMEORIGIN"},
                           {"Referrer-Policy", "no-referrer"},
                           {"Cache-Control", "no-store"}});
  for (const Route& route : routes) {
    std::vector<std::string> names;
    std::string pattern = path_regex(route.path, names);
    auto handler = guarded(service, route, names);
    if (route.method == "GET") svr.Get(pattern, handler);
    else if (route.method == "POST") svr.Post(pattern, handler);
    else if (route.method == "PUT") svr.Put(pattern, handler);
    else if (route.method == "DELETE") svr.Delete(pattern, handler);
  }
  std::string openapi = openapi_document(routes).dump(2);
  svr.Get("^/api/openapi\\.json$", [openapi](const httplib::Request&, httplib::Response& res) {
    res.set_content(openapi, "application/json; charset=utf-8");
  });
  if (!o.web_dir.empty() && !svr.set_mount_point("/", o.web_dir))
    spdlog::warn("the web pages directory '{}' does not exist; only the API is served", o.web_dir);
  svr.set_file_extension_and_mimetype_mapping("js", "text/javascript; charset=utf-8");
  svr.set_file_extension_and_mimetype_mapping("mjs", "text/javascript; charset=utf-8");
  svr.set_file_extension_and_mimetype_mapping("css", "text/css; charset=utf-8");
  svr.set_file_extension_and_mimetype_mapping("html", "text/html; charset=utf-8");
  svr.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
    request_start = std::chrono::steady_clock::now();
    // cpp-httplib prefers brotli when a browser accepts it, and brotli at its default quality took 3.8 s for the
    // 1.1 MB ECharts file (gzip: 0.16 s). The request is the server's own object, so the header is edited in place
    // to leave gzip and deflate.
    std::string accepted = req.get_header_value("Accept-Encoding");
    if (accepted.find("br") != std::string::npos) {
      auto& r = const_cast<httplib::Request&>(req);
      r.headers.erase("Accept-Encoding");
      std::string kept;
      for (const char* e : {"gzip", "deflate"})
        if (accepted.find(e) != std::string::npos) kept += (kept.empty() ? "" : ", ") + std::string(e);
      if (!kept.empty()) r.headers.emplace("Accept-Encoding", kept);
    }
    request_user.clear();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Errors httplib produces itself (no route, body too large, bad request line) get the same JSON shape.
  svr.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    switch (res.status) {
      case 404: send_error(res, 404, "not_found", "没有这个地址: " + req.path.substr(0, 200)); break;
      case 413: send_error(res, 413, "too_large", "请求内容过大"); break;
      case 400: send_error(res, 400, "bad_request", "请求格式有误"); break;
      default: send_error(res, res.status, "error", "请求未能处理"); break;
    }
  });
  svr.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      spdlog::error("{} {}: {}", req.method, req.path, e.what());
    } catch (...) {
      spdlog::error("{} {}: unknown exception", req.method, req.path);
    }
    send_error(res, 500, "internal", "服务器内部错误，详情见服务器日志");
  });
  svr.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - request_start).count();
    spdlog::get("access")->info("{} {} {} {} {}us {}", req.method, req.path, res.status, res.body.size(), us,
                                request_user.empty() ? "-" : request_user);
  });
}

}  // namespace

std::vector<std::string> registered_paths(Service& service) {
  std::vector<std::string> out;
  for (const Route& r : api_routes(service)) out.push_back(r.method + " " + r.path);
  out.push_back("GET /api/openapi.json");
  return out;
}

int serve(Service& service, const ServerOptions& o) {
  if (!spdlog::get("access")) {
    auto access = spdlog::default_logger()->clone("access");
    access->set_level(spdlog::level::info);
    spdlog::register_logger(access);
  }
  // SIGTERM and SIGINT are taken by one waiting thread (blocked everywhere else), which stops the server cleanly.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  httplib::Server svr;
  std::vector<Route> routes = api_routes(service);
  configure(svr, service, routes, o);
  // cpp-httplib 0.11 listens with a backlog of 5: 50 clients connecting at once overflow it and the kernel drops
  // their SYNs. The listening socket is remembered here and its backlog raised after binding.
  int listening = -1;
  svr.set_socket_options([&listening](int fd) {
    int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listening = fd;
  });
  if (!svr.bind_to_port(o.host, o.port)) {
    std::cerr << "entitle: cannot listen on " << o.host << ":" << o.port << " (address in use or not available)\n";
    return 2;
  }
  if (listening >= 0) ::listen(listening, SOMAXCONN);
  std::thread waiter([&svr, &service, stop_signals] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    spdlog::get("access")->info("signal {}: stopping", sig);
    service.shutdown();
    svr.stop();
  });
  std::cout << "entitle: serving http://" << o.host << ":" << o.port << "/ (rules " << service.rules()->rules->hash.substr(0, 19)
            << "…); stop with Ctrl-C" << std::endl;
  svr.listen_after_bind();
  // listen returned: stopped by the signal thread, or failed. Wake the waiter if it is still waiting.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  std::cout << "entitle: server stopped" << std::endl;
  return 0;
}

}  // namespace entitle::server
