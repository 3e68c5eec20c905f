// http_server.hpp — `entitle serve`: the HTTP server (cpp-httplib) in front of the service: sessions, roles, CSRF,
// JSON errors, size limits, the access log, static pages, graceful shutdown on SIGTERM/SIGINT.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "engine/service/service.hpp"

namespace entitle::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  unsigned threads = 64;  // cpp-httplib holds a thread per keep-alive connection: at least the clients served at once
  std::string web_dir;                    // static pages; empty: none
  std::size_t max_body = 8u << 20;        // bytes; larger requests get 413
};

/// Serves until SIGTERM or SIGINT; returns the process exit code (0 after a clean stop, 2 when it cannot listen).
int serve(Service& service, const ServerOptions& options);

/// The path patterns the server registers (as in the OpenAPI document), for the test that compares them.
std::vector<std::string> registered_paths(Service& service);

}  // namespace entitle::server
