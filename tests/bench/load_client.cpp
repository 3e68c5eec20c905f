// load_client.cpp — the load benchmark's client: C concurrent clients, each logging in once and then POSTing
// /api/calculate N times over one keep-alive connection, cycling through the records of a JSON Lines file. Prints
// errors (with the first few bodies), throughput and the latency percentiles; nothing is asserted beyond the exit
// status (1 when any request failed). Driven by tests/bench/run_load_bench.sh.
//
//   entitle_load_client --port P --records F [--clients 50] [--requests 2000] [--user bench] [--password bench-password]
//                       [--period 2026-01] [--timeout 60] [--nodelay on|off] [--ready-file F]
//   entitle_load_client --free-port        prints a free loopback port (a plain socket, bound then closed)
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

using Clock = std::chrono::steady_clock;

/// A free loopback port: a plain socket bound to port 0, read, and closed (so the server started next can bind it and
/// nothing inherits it).
int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t n = sizeof a;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n) == 0)
    port = ntohs(a.sin_port);
  close(fd);
  return port;
}

struct Options {
  int port = 0;
  std::string records;
  int clients = 50;
  int requests = 2000;
  std::string user = "bench", password = "bench-password", period = "2026-01";
  int timeout = 60;
  std::string ready_file;  // written when every client has logged in and the clock starts (the script starts perf then)
  bool nodelay = true;  // TCP_NODELAY on the client's socket, as browsers and curl set it
};

/// What one client saw.
struct ClientResult {
  std::vector<std::int64_t> latency_us;  // every calculation, in order
  std::vector<std::int64_t> connect_us;  // the calculations that had to open a (new) connection
  long errors = 0, failed_calculations = 0;
  std::map<std::string, long> kinds;  // "login: Read", "calculate: 500", … → count
  std::vector<std::string> first_errors;
};

std::int64_t percentile(const std::vector<std::int64_t>& sorted, double p) {  // nearest rank
  if (sorted.empty()) return 0;
  std::size_t rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(sorted.size()) + 0.999999);
  rank = std::min(std::max<std::size_t>(rank, 1), sorted.size());
  return sorted[rank - 1];
}

std::string ms(std::int64_t us) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f ms", static_cast<double>(us) / 1000.0);
  return b;
}

/// Counts down to zero, then lets everyone through (std::barrier is C++20).
class StartLine {
public:
  explicit StartLine(int n) : left_(n) {}
  void arrive_and_wait() {
    std::unique_lock<std::mutex> lock(m_);
    if (--left_ == 0) {
      start_ = Clock::now();
      cv_.notify_all();
    } else {
      cv_.wait(lock, [this] { return left_ == 0; });
    }
  }
  Clock::time_point start() const { return start_; }

private:
  std::mutex m_;
  std::condition_variable cv_;
  int left_;
  Clock::time_point start_;
};

void note_error(ClientResult& r, const std::string& kind, const std::string& what) {
  ++r.errors;
  ++r.kinds[kind];
  if (r.first_errors.size() < 5) r.first_errors.push_back(what.substr(0, 400));
}

void run_client(const Options& o, int index, const std::vector<std::string>& bodies, StartLine& start, ClientResult& r) {
  httplib::Client c("127.0.0.1", o.port);
  c.set_read_timeout(o.timeout, 0);
  c.set_write_timeout(o.timeout, 0);
  c.set_connection_timeout(o.timeout, 0);
  c.set_tcp_nodelay(o.nodelay);
  // Login on a connection of its own (keep-alive off: closed right after), so that no server thread is held by an idle
  // logged-in client while the others log in.
  std::string cookie;
  nlohmann::json login{{"user", o.user}, {"password", o.password}};
  if (auto res = c.Post("/api/login", login.dump(), "application/json")) {
    std::string set_cookie = res->get_header_value("Set-Cookie");
    const std::string name = "entitle_session=";
    if (res->status == 200 && set_cookie.compare(0, name.size(), name) == 0)
      cookie = set_cookie.substr(0, set_cookie.find(';'));
    else
      note_error(r, "login: HTTP " + std::to_string(res->status), "login: " + std::to_string(res->status) + " " + res->body);
  } else {
    note_error(r, "login: " + httplib::to_string(res.error()), "login: " + httplib::to_string(res.error()));
  }
  start.arrive_and_wait();
  if (index == 0 && !o.ready_file.empty()) std::ofstream(o.ready_file) << "started\n";
  if (cookie.empty()) return;
  c.set_keep_alive(true);
  httplib::Headers headers{{"Cookie", cookie}};
  r.latency_us.reserve(static_cast<std::size_t>(o.requests));
  for (int k = 0; k < o.requests; ++k) {
    const std::string& body = bodies[(static_cast<std::size_t>(index) * static_cast<std::size_t>(o.requests) + k) % bodies.size()];
    bool fresh = !c.is_socket_open();
    auto t0 = Clock::now();
    auto res = c.Post("/api/calculate", headers, body, "application/json");
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count();
    r.latency_us.push_back(us);
    if (fresh) r.connect_us.push_back(us);
    if (res && res->status == 200 && res->body.find("\"entitlements\"") != std::string::npos) continue;
    ++r.failed_calculations;
    std::string where = "calculate #" + std::to_string(k) + (fresh ? " (new connection)" : "") + ": ";
    if (!res)
      note_error(r, "calculate: " + httplib::to_string(res.error()), where + httplib::to_string(res.error()));
    else
      note_error(r, "calculate: HTTP " + std::to_string(res->status), where + std::to_string(res->status) + " " + res->body);
  }
}

int usage() {
  std::fprintf(stderr,
               "usage: entitle_load_client --port P --records FILE.jsonl [--clients 50] [--requests 2000] [--user bench]\n"
               "                           [--password bench-password] [--period 2026-01] [--timeout SECONDS] [--nodelay on|off]\n"
               "                           [--ready-file F]\n"
               "       entitle_load_client --free-port\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--free-port") {
      int p = free_port();
      if (!p) return 1;
      std::printf("%d\n", p);
      return 0;
    }
    if (i + 1 >= argc) return usage();
    std::string v = argv[++i];
    if (a == "--port") o.port = std::atoi(v.c_str());
    else if (a == "--records") o.records = v;
    else if (a == "--clients") o.clients = std::atoi(v.c_str());
    else if (a == "--requests") o.requests = std::atoi(v.c_str());
    else if (a == "--user") o.user = v;
    else if (a == "--password") o.password = v;
    else if (a == "--period") o.period = v;
    else if (a == "--timeout") o.timeout = std::atoi(v.c_str());
    else if (a == "--nodelay") o.nodelay = v != "off";
    else if (a == "--ready-file") o.ready_file = v;
    else return usage();
  }
  if (o.port <= 0 || o.records.empty() || o.clients <= 0 || o.requests <= 0) return usage();

  std::vector<std::string> bodies;
  std::ifstream in(o.records);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) bodies.push_back("{\"household\":" + line + ",\"period\":\"" + o.period + "\"}");
  if (bodies.empty()) {
    std::fprintf(stderr, "entitle_load_client: no records in %s\n", o.records.c_str());
    return 2;
  }

  std::vector<ClientResult> results(static_cast<std::size_t>(o.clients));
  StartLine start(o.clients);
  std::vector<std::thread> threads;
  auto login_start = Clock::now();
  for (int i = 0; i < o.clients; ++i) threads.emplace_back(run_client, std::cref(o), i, std::cref(bodies), std::ref(start), std::ref(results[i]));
  for (auto& t : threads) t.join();
  auto end = Clock::now();

  std::vector<std::int64_t> all, connects;
  long errors = 0, failed = 0, no_login = 0;
  std::map<std::string, long> kinds;
  std::vector<std::string> first_errors;
  for (const ClientResult& r : results) {
    for (const auto& [kind, n] : r.kinds) kinds[kind] += n;
    all.insert(all.end(), r.latency_us.begin(), r.latency_us.end());
    connects.insert(connects.end(), r.connect_us.begin(), r.connect_us.end());
    errors += r.errors;
    failed += r.failed_calculations;
    if (r.latency_us.empty()) ++no_login;
    for (const std::string& e : r.first_errors)
      if (first_errors.size() < 5) first_errors.push_back(e);
  }
  std::sort(all.begin(), all.end());
  std::sort(connects.begin(), connects.end());
  double secs = std::chrono::duration<double>(end - start.start()).count();
  double login_secs = std::chrono::duration<double>(start.start() - login_start).count();

  std::printf("clients %d x requests %d = %zu calculations made over %zu distinct records (period %s; client TCP_NODELAY %s)\n",
              o.clients, o.requests, all.size(), bodies.size(), o.period.c_str(), o.nodelay ? "on" : "off");
  std::printf("logins (argon2id, %d concurrent, before the clock)   %.2f s%s\n", o.clients, login_secs,
              no_login ? (";   " + std::to_string(no_login) + " client(s) could not log in and made no calculation").c_str() : "");
  std::printf("errors          %ld", errors);
  for (const auto& [kind, n] : kinds) std::printf("   %s x%ld", kind.c_str(), n);
  std::printf("\n");
  for (const std::string& e : first_errors) std::printf("  error: %s\n", e.c_str());
  std::printf("wall time       %.2f s\n", secs);
  std::printf("throughput      %.0f requests/s (successful calculations / wall time)\n",
              secs > 0 ? static_cast<double>(all.size() - static_cast<std::size_t>(failed)) / secs : 0.0);
  std::printf("latency         p50 %s   p90 %s   p99 %s   max %s\n", ms(percentile(all, 50)).c_str(), ms(percentile(all, 90)).c_str(),
              ms(percentile(all, 99)).c_str(), ms(all.empty() ? 0 : all.back()).c_str());
  std::printf("connections     %zu opened; their first request (incl. waiting for a server thread): p50 %s   max %s\n", connects.size(),
              ms(percentile(connects, 50)).c_str(), ms(connects.empty() ? 0 : connects.back()).c_str());
  return errors == 0 ? 0 : 1;
}
