// api_server.hpp — what the HTTP API tests share: an `entitle serve` process on a loopback port over a case database
// (SQLite or PostgreSQL), a signed-in session with its cookie and CSRF token, the error object of a response.
#pragma once
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace entitle::api_testing {

namespace fs = std::filesystem;
using Json = nlohmann::json;

inline const std::string kEntitle = ENTITLE_BINARY;
inline const std::string kRules = ENTITLE_RULES_DIR;

inline int run(const std::string& cmd) { return std::system(cmd.c_str()); }

/// A free loopback port: bind a socket to port 0, read the port, close the socket (closed, so the server started
/// next does not inherit it).
inline int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t n = sizeof a;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n) != 0) {
    close(fd);
    return 0;
  }
  close(fd);
  return ntohs(a.sin_port);
}

/// The first household of the samples: QS-0001 in 端氏镇 (140521103).
inline std::string sample_household() {
  std::ifstream in(kRules + "/samples/households.jsonl");
  std::string line;
  std::getline(in, line);
  return line;
}

/// An `entitle serve` process on a free loopback port, its log in a folder of its own.
class Server {
public:
  /// A server on a new SQLite database in its folder, filled as below.
  Server() : Server("", true) {}
  /// A server on `db` (empty: a new SQLite file in its folder). `fill`: first 120 generated households of 沁水县 and
  /// one user of each role, every password "password-" + the user's name; otherwise the database is used as it is.
  Server(const std::string& db, bool fill) {
    static int serial = 0;
    dir_ = fs::temp_directory_path() / ("entitle_api_" + std::to_string(getpid()) + "_" + std::to_string(serial++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = db.empty() ? (dir_ / "cases.db").string() : db;
    if (fill) {
      EXPECT_EQ(run(kEntitle + " gen --households 120 --region 140521 --seed 11 --rules " + kRules + " --db '" + db_ + "' > /dev/null"), 0);
      add_user("cw", "caseworker", "--township 140521103");
      add_user("cw_other", "caseworker", "--township 140521100");
      add_user("county", "county", "");
      add_user("auditor", "auditor", "");
      add_user("admin", "admin", "");
    }
    port_ = free_port();
    pid_ = fork();
    if (pid_ == 0) {
      std::string listen = "127.0.0.1:" + std::to_string(port_), log = (dir_ / "serve.log").string();
      int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, 1);
      dup2(fd, 2);
      execl(kEntitle.c_str(), kEntitle.c_str(), "serve", "--db", db_.c_str(), "--rules", kRules.c_str(), "--listen", listen.c_str(),
            "--threads", "8", static_cast<char*>(nullptr));
      _exit(127);
    }
    httplib::Client c("127.0.0.1", port_);
    for (int i = 0; i < 200; ++i) {
      if (auto r = c.Get("/api/openapi.json"); r && r->status == 200) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "the server did not start; log:\n" << log();
  }
  ~Server() {
    if (::testing::UnitTest::GetInstance()->failed_test_count() > 0) std::cerr << "server log:\n" << log();
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    fs::remove_all(dir_);
  }
  /// Stops the server with SIGTERM; its exit status.
  int stop() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::string log() const {
    std::ifstream in(dir_ / "serve.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& db() const { return db_; }

private:
  void add_user(const std::string& name, const std::string& role, const std::string& towns) {
    EXPECT_EQ(run("echo 'password-" + name + "' | " + kEntitle + " user add " + name + " --role " + role + " " + towns + " --db '" + db_ + "'" +
                  " --rules " + kRules + " --password-stdin > /dev/null"),
              0);
  }
  fs::path dir_;
  std::string db_;
  int port_ = 0;
  pid_t pid_ = -1;
};

/// One user's session: the cookie and the CSRF token.
struct Session {
  std::unique_ptr<httplib::Client> c;
  std::string cookie, csrf;
  httplib::Headers headers(bool with_csrf = true) const {
    httplib::Headers h{{"Cookie", cookie}};
    if (with_csrf) h.emplace("X-Entitle-CSRF", csrf);
    return h;
  }
};

/// Signs `user` in on the server at `port` (password "password-" + user), checking the cookie's attributes.
inline Session login_at(int port, const std::string& user) {
  Session s;
  s.c = std::make_unique<httplib::Client>("127.0.0.1", port);
  auto r = s.c->Post("/api/login", Json{{"user", user}, {"password", "password-" + user}}.dump(), "application/json");
  EXPECT_TRUE(r && r->status == 200) << user << ": " << (r ? r->body : "no response");
  if (!r) return s;
  std::string set = r->get_header_value("Set-Cookie");
  EXPECT_NE(set.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set.find("SameSite=Strict"), std::string::npos);
  s.cookie = set.substr(0, set.find(';'));
  s.csrf = Json::parse(r->body)["csrf"];
  return s;
}

/// The `error` object of an error response.
inline Json error_of(const httplib::Result& r) {
  EXPECT_TRUE(r);
  Json j = Json::parse(r->body, nullptr, false);
  EXPECT_TRUE(j.is_object() && j.contains("error")) << r->body;
  return j.is_object() && j.contains("error") ? j["error"] : Json::object();
}

/// The server's background job once it has stopped running (GET /api/batch polled for at most 30 s).
inline Json batch_when_finished(const Session& s) {
  Json status;
  for (int i = 0; i < 600; ++i) {
    status = Json::parse(s.c->Get("/api/batch", s.headers())->body);
    if (status["state"] != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return status;
}

/// What concurrent edits of the sample household QS-0001 did (ConcurrentEditsOfOneHouseholdLoseNothing and its
/// two-server form): first `a` stores the sample; then `a` through `port_a` and `b` through `port_b` each store a
/// different change with If-Match on that version at once; then 20 writers without If-Match, alternately through
/// port_a and port_b.
struct ConcurrentEdits {
  bool first_stored = false;
  int if_match_ok = 0, if_match_refused = 0, unconditioned_stored = 0;
  std::size_t versions_before = 0, versions_after = 0, distinct_version_numbers = 0;
};

inline ConcurrentEdits edit_concurrently(const Session& a, int port_a, const Session& b, int port_b) {
  ConcurrentEdits out;
  const Json hh = Json::parse(sample_household());
  auto first = a.c->Put("/api/households/QS-0001", a.headers(), hh.dump(), "application/json");
  out.first_stored = first && first->status == 200;
  if (!out.first_stored) return out;
  const std::string etag = first->get_header_value("ETag");
  std::atomic<int> ok{0}, refused{0};
  auto edit = [&](const Session& s, int port, const std::string& name) {
    Json mine = hh;
    mine["members"][0]["name"] = name;
    httplib::Headers h = s.headers();
    h.emplace("If-Match", etag);
    httplib::Client c("127.0.0.1", port);
    auto r = c.Put("/api/households/QS-0001", h, mine.dump(), "application/json");
    if (r && r->status == 200) ++ok;
    else if (r && r->status == 412) ++refused;
  };
  std::thread t1([&] { edit(a, port_a, "甲"); }), t2([&] { edit(b, port_b, "乙"); });
  t1.join();
  t2.join();
  out.if_match_ok = ok;
  out.if_match_refused = refused;

  out.versions_before = Json::parse(a.c->Get("/api/households/QS-0001/versions", a.headers())->body).size();
  std::vector<std::thread> writers;
  std::atomic<int> stored{0};
  for (int i = 0; i < 20; ++i)
    writers.emplace_back([&, i] {
      Json mine = hh;
      mine["members"][0]["name"] = "成员" + std::to_string(i);
      httplib::Client c("127.0.0.1", i % 2 ? port_b : port_a);
      auto r = c.Put("/api/households/QS-0001", a.headers(), mine.dump(), "application/json");
      if (r && r->status == 200) ++stored;
    });
  for (auto& t : writers) t.join();
  out.unconditioned_stored = stored;
  auto versions = Json::parse(b.c->Get("/api/households/QS-0001/versions", b.headers())->body);
  out.versions_after = versions.size();
  std::set<int> numbers;
  for (const auto& v : versions) numbers.insert(v["version"].get<int>());
  out.distinct_version_numbers = numbers.size();
  return out;
}

}  // namespace entitle::api_testing
