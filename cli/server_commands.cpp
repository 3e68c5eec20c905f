// server_commands.cpp — `entitle serve` (the web application and HTTP API) and `entitle user add`.
#include "cli/server_commands.hpp"

#include <iostream>

#include "engine/service/service.hpp"
#include "server/http_server.hpp"

namespace entitle::cli {
namespace {

/// "127.0.0.1:8080", "0.0.0.0:80", "[::1]:8080" or ":8080" → host and port.
bool parse_listen(const std::string& text, std::string& host, int& port) {
  std::size_t colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "127.0.0.1";
  std::string p = text.substr(colon + 1);
  if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos) return false;
  port = std::stoi(p);
  return port > 0 && port < 65536;
}

}  // namespace

int run_serve(const std::string& db, const std::string& rules, const std::string& listen, unsigned threads, const std::string& web) {
  server::ServerOptions o;
  if (!parse_listen(listen, o.host, o.port)) {
    std::cerr << "entitle: --listen expects HOST:PORT (e.g. 127.0.0.1:8080), found '" << listen << "'\n";
    return 2;
  }
  o.threads = threads;
  o.web_dir = web.empty() ? ENTITLE_WEB_DIR : web;
  try {
    Service service(db, rules);
    return server::serve(service, o);
  } catch (const ServiceError& e) {
    std::cerr << "entitle: " << e.what() << '\n';
    return 2;
  }
}

int run_user_add(const std::string& name, const std::string& role, const std::vector<std::string>& townships, const std::string& db,
                 const std::string& rules, bool password_stdin) {
  if (!password_stdin) {
    std::cerr << "entitle: user add reads the password from standard input: give --password-stdin\n";
    return 2;
  }
  std::string password;
  std::getline(std::cin, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  try {
    Service service(db, rules);
    service.add_user("cli", name, role, townships, password);
  } catch (const ServiceError& e) {
    std::cerr << "entitle: " << e.what() << (e.field.empty() ? "" : " (" + e.field + ")") << '\n';
    return 2;
  }
  std::cout << "user " << name << " added (" << role << ")\n";
  return 0;
}

}  // namespace entitle::cli
