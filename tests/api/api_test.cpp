// api_test.cpp — the HTTP API against a real `entitle serve` process on a loopback port: every role × endpoint
// (401, 403, 200), township scoping, CSRF, located JSON errors, oversized bodies, concurrent edits, the OpenAPI
// document listing every route, a clean stop on SIGTERM.
#include <gtest/gtest.h>
#include <SQLiteCpp/Database.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/socket.h>

#include <fstream>
#include <map>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "api_server.hpp"

namespace {

using namespace entitle::api_testing;

class Api : public ::testing::Test {
protected:
  static void SetUpTestSuite() { server_ = new Server(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static httplib::Client client() { return httplib::Client("127.0.0.1", server_->port()); }
  static Session login(const std::string& user) { return login_at(server_->port(), user); }
  static Server* server_;
};
Server* Api::server_ = nullptr;

TEST_F(Api, LoginRefusesAWrongPasswordAndAnUnknownUserAlike) {
  auto c = client();
  auto wrong = c.Post("/api/login", R"({"user":"cw","password":"nope"})", "application/json");
  auto unknown = c.Post("/api/login", R"({"user":"nobody","password":"nope"})", "application/json");
  ASSERT_TRUE(wrong && unknown);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(unknown->status, 401);
  EXPECT_EQ(error_of(wrong)["message"], error_of(unknown)["message"]);
  EXPECT_EQ(error_of(wrong)["code"], "unauthenticated");
}

TEST_F(Api, EveryEndpointWithoutASessionIs401ExceptTheOpenOnes) {
  auto c = client();
  auto got = c.Get("/api/openapi.json");
  ASSERT_TRUE(got) << "GET /api/openapi.json: " << httplib::to_string(got.error());
  auto doc = Json::parse(got->body);
  int checked = 0;
  for (auto& [path, ops] : doc["paths"].items())
    for (auto& [method, op] : ops.items()) {
      if (path == "/api/openapi.json" || path == "/api/login") continue;
      std::string p = path;
      for (auto at = p.find('{'); at != std::string::npos; at = p.find('{')) p.replace(at, p.find('}') - at + 1, "1");
      httplib::Result r = method == "get" ? c.Get(p.c_str()) : method == "put" ? c.Put(p.c_str(), "{}", "application/json")
                                                                               : c.Post(p.c_str(), "{}", "application/json");
      ASSERT_TRUE(r) << method << " " << p;
      EXPECT_EQ(r->status, 401) << method << " " << p;
      EXPECT_EQ(error_of(r)["code"], "unauthenticated") << method << " " << p;
      ++checked;
    }
  EXPECT_GT(checked, 25);
}

TEST_F(Api, RolesAreEnforcedOnEveryEndpoint) {
  // Expected status per role for a representative call of each route (200/202/201 = allowed; 403 = refused).
  std::map<std::string, Session> s;
  for (const char* u : {"cw", "county", "auditor", "admin"}) s.emplace(u, login(u));
  std::string hh = sample_household();
  struct Case { std::string method, path, body; std::set<std::string> allowed; };
  std::vector<Case> cases = {
      {"GET", "/api/me", "", {"cw", "county", "auditor", "admin"}},
      {"GET", "/api/schema", "", {"cw", "county", "auditor", "admin"}},
      {"POST", "/api/calculate", R"({"household":)" + hh + R"(,"period":"2026-01"})", {"cw", "county", "auditor", "admin"}},
      {"GET", "/api/households?limit=2", "", {"cw", "county", "auditor"}},
      {"GET", "/api/runs", "", {"cw", "county", "auditor"}},
      {"GET", "/api/audit?limit=5", "", {"county", "auditor", "admin"}},
      {"GET", "/api/users", "", {"admin"}},
      {"GET", "/api/amendments", "", {"county", "auditor"}},
      {"PUT", "/api/notice-template", R"({"text":"如有异议，请于 {日期} 起向{乡镇}人民政府申请复核。"})", {"county"}},
  };
  for (const Case& k : cases)
    for (auto& [user, sess] : s) {
      httplib::Result r = k.method == "GET"   ? sess.c->Get(k.path.c_str(), sess.headers())
                          : k.method == "PUT" ? sess.c->Put(k.path.c_str(), sess.headers(), k.body, "application/json")
                                              : sess.c->Post(k.path.c_str(), sess.headers(), k.body, "application/json");
      ASSERT_TRUE(r) << k.method << " " << k.path << " as " << user;
      if (k.allowed.count(user)) EXPECT_LT(r->status, 300) << k.method << " " << k.path << " as " << user << ": " << r->body;
      else {
        EXPECT_EQ(r->status, 403) << k.method << " " << k.path << " as " << user << ": " << r->body;
        EXPECT_EQ(error_of(r)["code"], "forbidden");
      }
    }
}

TEST_F(Api, EveryRoleOnEveryEndpointIsAllowedOrRefusedAsDocumented) {
  // The roles of each route come from the OpenAPI document ("角色: a, b"); every other role gets 403 forbidden, and
  // the named roles never do (their calls may still be 400/404 for the placeholder ids and bodies used here).
  std::map<std::string, Session> s;
  for (const char* u : {"cw", "county", "auditor", "admin"}) s.emplace(u, login(u));
  const std::map<std::string, std::string> role_of{{"cw", "caseworker"}, {"county", "county"}, {"auditor", "auditor"}, {"admin", "admin"}};
  auto doc = Json::parse(client().Get("/api/openapi.json")->body);
  int checked = 0;
  for (auto& [path, ops] : doc["paths"].items())
    for (auto& [method, op] : ops.items()) {
      if (!op.contains("description")) continue;  // open to every signed-in user (checked elsewhere)
      std::string roles = op["description"];
      std::string p = path;
      for (auto at = p.find('{'); at != std::string::npos; at = p.find('{')) p.replace(at, p.find('}') - at + 1, "999999");
      if (method == "post" && p.rfind("/api/runs", 0) == 0 && p.size() == 9) continue;  // would start a batch: tested below
      for (auto& [user, sess] : s) {
        httplib::Result r = method == "get"   ? sess.c->Get(p.c_str(), sess.headers())
                            : method == "put" ? sess.c->Put(p.c_str(), sess.headers(), "{}", "application/json")
                                              : sess.c->Post(p.c_str(), sess.headers(), "{}", "application/json");
        ASSERT_TRUE(r) << method << " " << p << " as " << user;
        bool allowed = roles.find(role_of.at(user)) != std::string::npos;
        if (allowed) EXPECT_NE(r->status, 403) << method << " " << p << " as " << user << ": " << r->body;
        else EXPECT_EQ(r->status, 403) << method << " " << p << " as " << user << ": " << r->body;
        ++checked;
      }
    }
  EXPECT_GT(checked, 80);
  // Starting a batch: refused for everyone but the county user (who is not asked here, so no batch starts).
  for (const char* u : {"cw", "auditor", "admin"})
    EXPECT_EQ(s.at(u).c->Post("/api/runs", s.at(u).headers(), R"({"period":"2026-01"})", "application/json")->status, 403) << u;
}

TEST_F(Api, CalculateIsByteForByteTheCommandLinesResult) {
  Session cw = login("cw");
  std::string hh = sample_household();
  auto r = cw.c->Post("/api/calculate", cw.headers(), R"({"household":)" + hh + R"(,"period":"2026-01"})", "application/json");
  ASSERT_TRUE(r && r->status == 200) << (r ? r->body : "");
  fs::path f = fs::temp_directory_path() / ("entitle_api_hh_" + std::to_string(getpid()) + ".json");
  std::ofstream(f) << hh << '\n';
  std::string out = (fs::temp_directory_path() / ("entitle_api_out_" + std::to_string(getpid()))).string();
  ASSERT_EQ(run(kEntitle + " eval --rules " + kRules + " --household " + f.string() + " --period 2026-01 --format json > " + out), 0);
  std::ifstream in(out);
  std::string cli(std::istreambuf_iterator<char>(in), {});
  EXPECT_EQ(r->body + "\n", cli);
  auto ex = cw.c->Post("/api/explain", cw.headers(), R"({"household":)" + hh + R"(,"period":"2026-01"})", "application/json");
  ASSERT_TRUE(ex && ex->status == 200);
  ASSERT_EQ(run(kEntitle + " eval --rules " + kRules + " --household " + f.string() + " --period 2026-01 --format json --explain > " + out), 0);
  std::ifstream in2(out);
  EXPECT_EQ(ex->body + "\n", std::string(std::istreambuf_iterator<char>(in2), {}));
  fs::remove(f);
  fs::remove(out);
}

TEST_F(Api, BadJsonIsA400NamingLineAndColumn) {
  Session cw = login("cw");
  auto r = cw.c->Post("/api/calculate", cw.headers(), "{\"household\":\n  {\"id\": \"x\",,}}", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  Json e = error_of(r);
  EXPECT_EQ(e["code"], "bad_json");
  EXPECT_NE(e["message"].get<std::string>().find("第 2 行"), std::string::npos) << e["message"];
}

TEST_F(Api, AnInvalidRecordNamesTheFieldInChinese) {
  Session cw = login("cw");
  Json hh = Json::parse(sample_household());
  hh["members"][0]["birth_date"] = "1951-13-40";
  auto r = cw.c->Post("/api/calculate", cw.headers(), Json{{"household", hh}, {"period", "2026-01"}}.dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  Json e = error_of(r);
  EXPECT_EQ(e["code"], "invalid_record");
  EXPECT_EQ(e["field"], "members[P1].birth_date");
  EXPECT_FALSE(e["errors"].empty());
}

TEST_F(Api, OversizedBodiesAre413) {
  Session cw = login("cw");
  std::string big(9u << 20, ' ');
  auto r = cw.c->Post("/api/calculate", cw.headers(), big, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
}

TEST_F(Api, StateChangesNeedTheSessionsCsrfToken) {
  Session cw = login("cw"), other = login("county");
  std::string hh = sample_household();
  auto none = cw.c->Put("/api/households/QS-0001", cw.headers(false), hh, "application/json");
  httplib::Headers wrong{{"Cookie", cw.cookie}, {"X-Entitle-CSRF", other.csrf}};
  auto foreign = cw.c->Put("/api/households/QS-0001", wrong, hh, "application/json");
  ASSERT_TRUE(none && foreign);
  EXPECT_EQ(none->status, 403);
  EXPECT_EQ(error_of(none)["code"], "csrf");
  EXPECT_EQ(foreign->status, 403);
  EXPECT_EQ(error_of(foreign)["code"], "csrf");
  auto ok = cw.c->Put("/api/households/QS-0001", cw.headers(), hh, "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
}

TEST_F(Api, ACaseworkerSeesAndEditsOnlyItsTownships) {
  Session cw = login("cw"), other = login("cw_other");
  std::string hh = sample_household();  // 端氏镇
  ASSERT_EQ(cw.c->Put("/api/households/QS-0001", cw.headers(), hh, "application/json")->status, 200);
  auto get_other = other.c->Get("/api/households/QS-0001", other.headers());
  ASSERT_TRUE(get_other);
  EXPECT_EQ(get_other->status, 403);
  auto put_other = other.c->Put("/api/households/QS-0001", other.headers(), hh, "application/json");
  EXPECT_EQ(put_other->status, 403);
  auto list = Json::parse(cw.c->Get("/api/households?limit=500", cw.headers())->body);
  ASSERT_GT(list["total"].get<int>(), 0);
  for (const auto& h : list["households"]) EXPECT_EQ(h["township"].get<std::string>().substr(0, 9), "140521103");
  auto list_other = Json::parse(other.c->Get("/api/households?q=QS-0001", other.headers())->body);
  EXPECT_EQ(list_other["total"], 0);
  EXPECT_EQ(cw.c->Get("/api/households/NO-SUCH", cw.headers())->status, 404);
  // An auditor reads it but cannot change it.
  Session aud = login("auditor");
  EXPECT_EQ(aud.c->Get("/api/households/QS-0001", aud.headers())->status, 200);
  EXPECT_EQ(aud.c->Put("/api/households/QS-0001", aud.headers(), hh, "application/json")->status, 403);
}

TEST_F(Api, ConcurrentEditsOfOneHouseholdLoseNothing) {
  Session a = login("cw"), b = login("county");
  ConcurrentEdits e = edit_concurrently(a, server_->port(), b, server_->port());
  ASSERT_TRUE(e.first_stored);
  // Both start from the same version; each stores a different change with If-Match. Exactly one wins.
  EXPECT_EQ(e.if_match_ok, 1);
  EXPECT_EQ(e.if_match_refused, 1);
  // Without If-Match, 20 concurrent writers each store their own version: every one is kept in the history.
  EXPECT_EQ(e.unconditioned_stored, 20);
  EXPECT_EQ(e.versions_after, e.versions_before + 20);
  EXPECT_EQ(e.distinct_version_numbers, e.versions_after);
}

TEST_F(Api, DecideStoresTheDecisionAndTheAuditLogRecordsIt) {
  Session cw = login("cw");
  ASSERT_EQ(cw.c->Put("/api/households/QS-0001", cw.headers(), sample_household(), "application/json")->status, 200);
  auto r = cw.c->Post("/api/households/QS-0001/decide", cw.headers(), R"({"period":"2026-01"})", "application/json");
  ASSERT_TRUE(r && r->status == 200) << (r ? r->body : "");
  Json d = Json::parse(r->body);
  EXPECT_EQ(d["result"]["household"], "QS-0001");
  EXPECT_TRUE(d["result"].contains("explanation"));
  auto hist = Json::parse(cw.c->Get("/api/households/QS-0001/decisions", cw.headers())->body);
  bool found = false;
  for (const auto& h : hist) found |= h["source"] == "casework" && h["decision_id"] == d["decision_id"] && h["by"] == "cw";
  EXPECT_TRUE(found);
  Session aud = login("auditor");
  auto log = Json::parse(aud.c->Get("/api/audit?target=household:QS-0001", aud.headers())->body);
  std::set<std::string> actions;
  for (const auto& e : log) actions.insert(e["action"]);
  EXPECT_TRUE(actions.count("decide"));
  EXPECT_TRUE(actions.count("household_put"));
  auto notice = cw.c->Get("/api/households/QS-0001/notice?period=2026-01", cw.headers());
  ASSERT_TRUE(notice && notice->status == 200);
  EXPECT_NE(notice->body.find("审核确认告知书"), std::string::npos);
}

TEST_F(Api, ACountyUserRunsABatchApprovesItAndTheHistoryShowsTheDecisionOfRecord) {
  Session county = login("county"), cw = login("cw");
  ASSERT_EQ(cw.c->Put("/api/households/QS-0001", cw.headers(), sample_household(), "application/json")->status, 200);
  auto start = county.c->Post("/api/runs", county.headers(), R"({"period":"2026-02"})", "application/json");
  ASSERT_TRUE(start && start->status == 202) << (start ? start->body : "");
  Json status = batch_when_finished(county);
  ASSERT_EQ(status["state"], "done") << status.dump();
  std::int64_t run = status["run"];
  EXPECT_EQ(cw.c->Post(("/api/runs/" + std::to_string(run) + "/approve").c_str(), cw.headers(), "", "application/json")->status, 403);
  auto ok = county.c->Post(("/api/runs/" + std::to_string(run) + "/approve").c_str(), county.headers(), "", "application/json");
  ASSERT_TRUE(ok && ok->status == 200) << (ok ? ok->body : "");
  auto again = county.c->Post(("/api/runs/" + std::to_string(run) + "/approve").c_str(), county.headers(), "", "application/json");
  EXPECT_EQ(again->status, 409);
  auto hist = Json::parse(cw.c->Get("/api/households/QS-0001/decisions", cw.headers())->body);
  bool of_record = false;
  for (const auto& h : hist) of_record |= h["source"] == "run" && h["run"] == run && h["approved"] == true && h["period"] == "2026-02";
  EXPECT_TRUE(of_record) << hist.dump();
  // The auditor replays it and it reproduces.
  Session aud = login("auditor");
  auto rep = aud.c->Get(("/api/replay?run=" + std::to_string(run) + "&household=QS-0001&period=2026-02").c_str(), aud.headers());
  ASSERT_TRUE(rep && rep->status == 200) << (rep ? rep->body : "");
  Json replayed = Json::parse(rep->body);
  EXPECT_EQ(replayed["verdict"], "same");
  EXPECT_GT(replayed["record_version"].get<int>(), 0);
  // The approved run is the decision of record for its month; its history entry names the record version.
  bool listed = false;
  for (const auto& r : Json::parse(county.c->Get("/api/runs", county.headers())->body))
    if (r["id"] == run) listed = r["of_record"] == true;
  EXPECT_TRUE(listed);
  for (const auto& h : hist)
    if (h["source"] == "run" && h["run"] == run) EXPECT_GT(h["record_version"].get<int>(), 0);
}

TEST_F(Api, AnAmendmentIsPreviewedInTheBackgroundThenAdopted) {
  Session county = login("county"), aud = login("auditor");
  Json body{{"standard", "dibao_standard"}, {"region", "140521"}, {"key", "rural"}, {"from", "2026-03-01"}, {"value", "520"},
            {"cite", "测试: 模拟调标"}};
  Json bad = body;
  bad["key"] = "suburb";
  auto refused = county.c->Post("/api/amendments", county.headers(), bad.dump(), "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400);
  EXPECT_EQ(error_of(refused)["field"], "key");
  auto r = county.c->Post("/api/amendments", county.headers(), body.dump(), "application/json");
  ASSERT_TRUE(r && r->status == 202) << (r ? r->body : "");
  std::int64_t id = Json::parse(r->body)["id"];
  Json a;
  for (int i = 0; i < 600; ++i) {
    a = Json::parse(aud.c->Get(("/api/amendments/" + std::to_string(id)).c_str(), aud.headers())->body);
    if (a["preview"] != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(a["preview"], "done") << a.dump();
  // 520 is above 沁水's rural standard in force (440 from 2020): the monthly cost rises, the changed standard is
  // listed, and anyone paid less is named with the reason (a family that now qualifies as a whole is no longer a
  // 单人户 case: FACTS.md §1, Art. 8 and the 2022 notice forbid covering some members of an eligible family).
  EXPECT_EQ(a["impact"]["monthly_delta"].get<std::string>().front(), '+') << a["impact"]["monthly_delta"];
  ASSERT_FALSE(a["impact"]["changed_standards"].empty());
  EXPECT_EQ(a["impact"]["changed_standards"][0]["new_value"].get<std::string>().find("520"), 0u);
  for (const auto& l : a["impact"]["losers"]) {
    std::string why = l["reasons"].dump();
    EXPECT_NE(why.find("dibao_standard"), std::string::npos) << l.dump();
  }
  EXPECT_EQ(aud.c->Post(("/api/amendments/" + std::to_string(id) + "/adopt").c_str(), aud.headers(), "", "application/json")->status, 403);
  auto adopted = county.c->Post(("/api/amendments/" + std::to_string(id) + "/adopt").c_str(), county.headers(), "", "application/json");
  ASSERT_TRUE(adopted && adopted->status == 200) << (adopted ? adopted->body : "");
  bool found = false;
  for (const auto& s : Json::parse(county.c->Get("/api/standards", county.headers())->body))
    if (s["standard"] == "dibao_standard")
      for (const auto& row : s["rows"])
        for (const auto& v : row["values"]) {
          bool mine = v["from"] == "2026-03-01" && v["value"].get<std::string>().find("520") == 0;
          found |= mine;
          // In force today (2026-03-01 has begun): the new value, not the 2020 one it follows in the same row.
          if (row["region"] == "140521" && row["key"] == "rural" && !mine && v["from"] < "2026-03-01")
            EXPECT_FALSE(v["in_force_today"].get<bool>()) << v.dump();
          if (mine) EXPECT_TRUE(v["in_force_today"].get<bool>());
        }
  EXPECT_TRUE(found);
  EXPECT_EQ(county.c->Post(("/api/amendments/" + std::to_string(id) + "/adopt").c_str(), county.headers(), "", "application/json")->status, 409);
}

TEST_F(Api, BadUsersAreRefusedWithTheFieldInChinese) {
  Session admin = login("admin");
  auto post = [&](const Json& body) { return admin.c->Post("/api/users", admin.headers(), body.dump(), "application/json"); };
  struct Bad { Json body; std::string field, says; };
  std::vector<Bad> cases = {
      {{{"user", "x1"}, {"role", "boss"}, {"townships", Json::array()}, {"password", "long-enough-1"}}, "role", "角色应为"},
      {{{"user", "x2"}, {"role", "county"}, {"townships", Json::array()}, {"password", "short"}}, "password", "至少 8 个字符"},
      {{{"user", "x3"}, {"role", "caseworker"}, {"townships", Json::array()}, {"password", "long-enough-1"}}, "townships", "至少要有一个乡镇"},
      {{{"user", "x4"}, {"role", "caseworker"}, {"townships", {"1405"}}, {"password", "long-enough-1"}}, "townships", "乡镇代码应为"},
      {{{"user", "x5"}, {"role", "caseworker"}, {"townships", {"140599100"}}, {"password", "long-enough-1"}}, "townships", "不在服务区划内"},
      {{{"user", "cw"}, {"role", "county"}, {"townships", Json::array()}, {"password", "long-enough-1"}}, "user", "已存在"},
  };
  for (const Bad& b : cases) {
    auto r = post(b.body);
    ASSERT_TRUE(r);
    EXPECT_GE(r->status, 400) << b.body.dump();
    Json e = error_of(r);
    EXPECT_EQ(e["field"], b.field) << b.body.dump();
    EXPECT_NE(e["message"].get<std::string>().find(b.says), std::string::npos) << e.dump();
  }
  // The command line says the same, and exits 2.
  EXPECT_EQ(WEXITSTATUS(run("echo short | " + kEntitle + " user add y1 --role county --db " + server_->db() + " --rules " + kRules +
                            " --password-stdin 2>/dev/null")),
            2);
}

TEST_F(Api, StandardsSayWhichValuesAreInForceAndStaleToday) {
  Session cw = login("cw");
  auto standards = Json::parse(cw.c->Get("/api/standards", cw.headers())->body);
  int in_force = 0, stale = 0;
  for (const auto& s : standards)
    for (const auto& row : s["rows"])
      for (const auto& v : row["values"]) {
        in_force += v["in_force_today"].get<bool>();
        stale += v["stale_today"].get<bool>();
        if (v["stale_today"].get<bool>()) EXPECT_TRUE(v["in_force_today"].get<bool>());
        if (v["value"].is_null()) EXPECT_FALSE(v["stale_today"].get<bool>());
      }
  EXPECT_GT(in_force, 0);
  EXPECT_GT(stale, 0);  // 沁水's 2020 低保 values are past their yearly renewal (docs/catalogue: 待确认的标准)
}

TEST_F(Api, TheOpenApiDocumentListsEveryRouteTheServerHas) {
  auto doc = Json::parse(client().Get("/api/openapi.json")->body);
  EXPECT_EQ(doc["openapi"], "3.0.3");
  std::set<std::string> documented;
  for (auto& [path, ops] : doc["paths"].items())
    for (auto& [method, op] : ops.items()) {
      std::string m = method;
      for (char& ch : m) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      documented.insert(m + " " + path);
    }
  // The routes the server registers, from its own source (server/routes.cpp: every add("METHOD", "/path", ...)).
  std::ifstream in(std::string(ENTITLE_SOURCE_DIR) + "/server/routes.cpp");
  std::string src(std::istreambuf_iterator<char>(in), {});
  std::set<std::string> registered{"GET /api/openapi.json"};
  for (std::size_t at = src.find("add(\""); at != std::string::npos; at = src.find("add(\"", at + 1)) {
    std::size_t m_end = src.find('"', at + 5);
    std::size_t p_start = src.find('"', m_end + 1) + 1;
    std::size_t p_end = src.find('"', p_start);
    registered.insert(src.substr(at + 5, m_end - at - 5) + " " + src.substr(p_start, p_end - p_start));
  }
  EXPECT_GT(registered.size(), 25u);
  EXPECT_EQ(documented, registered);
  // docs/http-api.md names every route too.
  std::ifstream doc_in(std::string(ENTITLE_SOURCE_DIR) + "/docs/http-api.md");
  std::string docs(std::istreambuf_iterator<char>(doc_in), {});
  for (const std::string& r : registered) EXPECT_NE(docs.find("`" + r), std::string::npos) << r << " is not in docs/http-api.md";
  // And every documented route answers (not 404) for a signed-in county user.
  Session county = login("county");
  for (const std::string& r : documented) {
    std::string method = r.substr(0, r.find(' ')), path = r.substr(r.find(' ') + 1);
    if (method != "GET" || path.find('{') != std::string::npos) continue;
    auto res = county.c->Get(path.c_str(), county.headers());
    ASSERT_TRUE(res) << r;
    EXPECT_NE(res->status, 404) << r << ": " << res->body;
  }
}

TEST_F(Api, UnknownPathsAndServerErrorsNeverLeakInternals) {
  Session county = login("county");
  auto r = county.c->Get("/api/no-such-thing", county.headers());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(error_of(r)["code"], "not_found");
  auto bad_run = county.c->Get("/api/runs/99999/impact?from=1", county.headers());
  ASSERT_TRUE(bad_run);
  EXPECT_EQ(bad_run->status, 404);
  EXPECT_EQ(bad_run->body.find("SELECT"), std::string::npos);
  EXPECT_EQ(bad_run->body.find("sqlite"), std::string::npos);
}

// Static files: no path outside the web directory is ever served, however the dots are written.
TEST_F(Api, StaticFilesNeverLeaveTheWebDirectory) {
  httplib::Client c = client();
  for (const std::string path : {"/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2f..%2fetc%2fpasswd",
                                 "/js/../../../../../etc/passwd", "/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc/passwd", "/....//....//etc/passwd",
                                 "/../README.md", "/..%5c..%5cREADME.md", "/%252e%252e/README.md"}) {
    auto r = c.Get(path);
    if (!r) continue;  // a refused connection leaks nothing either
    EXPECT_NE(r->status, 200) << path << " was served";
    EXPECT_EQ(r->body.find("root:"), std::string::npos) << path;
    EXPECT_EQ(r->body.find("entitle"), std::string::npos) << path << ": " << r->body.substr(0, 200);
  }
  // The database beside the web directory's parent is not reachable either.
  auto db = c.Get("/../" + fs::path(server_->db()).filename().string());
  if (db) {
    EXPECT_EQ(db->body.find("SQLite format"), std::string::npos);
  }
}

// Sessions end 30 minutes after the last request and 8 hours after sign-in, whatever the cookie says.
TEST_F(Api, SessionsExpireWhenIdleOrOld) {
  for (const std::string column : {"last_seen", "created"}) {
    Session s = login("auditor");
    ASSERT_EQ(s.c->Get("/api/me", s.headers())->status, 200);
    {
      SQLite::Database db(server_->db(), SQLite::OPEN_READWRITE);
      db.exec("PRAGMA busy_timeout = 10000");
      std::int64_t age = column == "last_seen" ? 30 * 60 + 5 : 8 * 3600 + 5;
      db.exec("UPDATE sessions SET " + column + " = " + column + " - " + std::to_string(age) + " WHERE user = 'auditor'");
    }
    auto r = s.c->Get("/api/me", s.headers());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << column << ": " << r->body;
    EXPECT_EQ(error_of(r)["code"], "unauthenticated");
  }
}

// Server errors carry a Chinese message and nothing of the inside: no SQL, no file paths, no exception text.
TEST_F(Api, ErrorBodiesNeverCarrySqlPathsOrStackTraces) {
  Session county = login("county");
  std::vector<httplib::Result> results;
  results.push_back(county.c->Get("/api/runs/abc", county.headers()));
  results.push_back(county.c->Get("/api/households/%27%3B%20DROP%20TABLE%20households%3B--", county.headers()));
  results.push_back(county.c->Post("/api/calculate", "{\"household\": 5}", "application/json"));
  results.push_back(county.c->Get("/api/replay?run=1&household=NOPE&period=2026-13", county.headers()));
  results.push_back(county.c->Get("/api/audit?limit=abc", county.headers()));
  for (const auto& r : results) {
    ASSERT_TRUE(r);
    EXPECT_GE(r->status, 400);
    for (const char* leak : {"SELECT", "sqlite", "SQLite", "std::", "what()", "/work/", "/tmp/", ".cpp", "nlohmann", "terminate"})
      EXPECT_EQ(r->body.find(leak), std::string::npos) << leak << " in " << r->body;
  }
}

// Without --listen the server binds the loopback address only (docs/http-api.md).
TEST(ServeDefaults, ListensOnLoopbackOnlyUnlessTold) {
  std::string out = "/tmp/entitle_serve_help_" + std::to_string(getpid());
  ASSERT_EQ(run(kEntitle + " serve --help > " + out), 0);
  std::ifstream in(out);
  std::string help((std::istreambuf_iterator<char>(in)), {});
  fs::remove(out);
  EXPECT_NE(help.find("default 127.0.0.1:8080"), std::string::npos) << help;
  // And what it prints when it starts (a second server on the suite's database, on the default address).
  std::string log = "/tmp/entitle_serve_default_" + std::to_string(getpid()) + ".log";
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    std::string db = "/tmp/entitle_serve_default_" + std::to_string(getppid()) + ".db";
    execl(kEntitle.c_str(), kEntitle.c_str(), "serve", "--db", db.c_str(), "--rules", kRules.c_str(), "--threads", "2",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  std::string text;
  for (int i = 0; i < 1200 && text.find("127.0.0.1:8080") == std::string::npos; ++i) {  // up to a minute on a loaded machine
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::ifstream l(log);
    text.assign(std::istreambuf_iterator<char>(l), {});
  }
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  fs::remove(log);
  for (const char* suffix : {"", "-wal", "-shm", ".ledger-key"}) fs::remove("/tmp/entitle_serve_default_" + std::to_string(getpid()) + ".db" + suffix);
  // Either it serves on the loopback address, or (port taken) it says it cannot listen there: never 0.0.0.0.
  EXPECT_NE(text.find("127.0.0.1:8080"), std::string::npos) << text;
  EXPECT_EQ(text.find("0.0.0.0"), std::string::npos) << text;
}

// The batch lock (docs/cli.md, batch): a batch or an amendment's preview is refused while another process (a
// command-line batch or import) holds the database's lock, and the server's own job holds it while it runs, so a
// command-line batch is refused meanwhile.
TEST_F(Api, BatchesAreRefusedWhileAnotherProcessHoldsTheBatchLockAndTheServersJobHoldsIt) {
  Session county = login("county");
  // Another process's batch holds the lock: here this test, through flock(), recording a holder as `entitle batch` does.
  std::string lock_file = server_->db() + ".batch-lock";
  int fd = open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(flock(fd, LOCK_EX | LOCK_NB), 0) << "no job of the server may be running now";
  std::string holder = "pid 4242\nhost county-pc\nstarted 2026-01-05T08:30:00Z\nkind batch\ndetail 2026-01..2026-01\nuser \n"
                       "command entitle batch\nrun 3\nscope \n";
  ASSERT_EQ(pwrite(fd, holder.data(), holder.size(), 0), static_cast<ssize_t>(holder.size()));
  ASSERT_EQ(ftruncate(fd, static_cast<off_t>(holder.size())), 0);
  auto refused = county.c->Post("/api/runs", county.headers(), R"({"period":"2026-04"})", "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 409);
  std::string message = error_of(refused)["message"];
  EXPECT_NE(message.find("另一个批量计算正在进行：案件数据库 '" + server_->db() +
                         "'，月份 2026-01..2026-01，第 3 次运行，entitle batch (进程 4242，主机 county-pc，开始于 2026-01-05T08:30:00Z)"),
            std::string::npos)
      << message;
  // An amendment is refused before it is stored (its preview could not run).
  std::size_t amendments = Json::parse(county.c->Get("/api/amendments", county.headers())->body).size();
  Json body{{"standard", "dibao_standard"}, {"region", "140521"}, {"key", "rural"}, {"from", "2026-04-01"}, {"value", "530"},
            {"cite", "测试: 锁"}};
  auto amend = county.c->Post("/api/amendments", county.headers(), body.dump(), "application/json");
  ASSERT_TRUE(amend);
  EXPECT_EQ(amend->status, 409) << amend->body;
  EXPECT_EQ(Json::parse(county.c->Get("/api/amendments", county.headers())->body).size(), amendments);
  close(fd);  // released: the server may run its batch
  // The server's own job holds the lock while it runs. The server is stopped (SIGSTOP) right after the job starts, so
  // the job cannot end meanwhile; if it had already ended (the lock file is emptied when released), another month.
  bool caught = false;
  for (int month = 5; month <= 12 && !caught; ++month) {
    std::string period = "2026-" + std::string(month < 10 ? "0" : "") + std::to_string(month);
    auto start = county.c->Post("/api/runs", county.headers(), Json{{"period", period}}.dump(), "application/json");
    ASSERT_TRUE(start && start->status == 202) << (start ? start->body : "");
    kill(server_->pid(), SIGSTOP);
    std::ifstream in(lock_file);
    std::string recorded((std::istreambuf_iterator<char>(in)), {});
    if (recorded.find("pid " + std::to_string(server_->pid()) + "\n") != std::string::npos) {
      caught = true;
      std::string err = (fs::path(server_->db()).parent_path() / "refused.err").string();
      int rc = run(kEntitle + " batch --db " + server_->db() + " --rules " + kRules + " --period " + period + " > /dev/null 2> " + err);
      EXPECT_EQ(WEXITSTATUS(rc), 2);
      std::ifstream e(err);
      std::string said((std::istreambuf_iterator<char>(e)), {});
      EXPECT_NE(said.find("另一个批量计算正在进行：案件数据库 '" + server_->db() + "'，月份 " + period + ".." + period),
                std::string::npos) << said;
      EXPECT_NE(said.find("，用户 county，entitle serve (进程 " + std::to_string(server_->pid()) + "，"), std::string::npos) << said;
    }
    kill(server_->pid(), SIGCONT);
    Json status = batch_when_finished(county);
    ASSERT_EQ(status["state"], "done") << status.dump();
  }
  EXPECT_TRUE(caught) << "the server's batch always ended before the server could be stopped";
}

// After everything the suite did through the web (edits, decisions, batches, approvals, amendments, users, sign-ins),
// the ledger verifies: nothing the server writes escapes it. Run while the server is up (verify reads one snapshot)
// and again after it has stopped.
TEST_F(Api, ZyTheLedgerOfEverythingTheWebDidVerifies) {
  const std::string out = (fs::path(server_->db()).parent_path() / "verify.out").string();
  const std::string key = (fs::path(server_->db()).parent_path() / "key.out").string();
  ASSERT_EQ(run(kEntitle + " audit key --db " + server_->db() + " > " + key + " 2>/dev/null"), 0);
  std::ifstream k(key);
  std::string public_key;
  std::getline(k, public_key);
  ASSERT_EQ(public_key.size(), 64u);
  std::string verify = kEntitle + " audit verify --db " + server_->db() + " --public-key " + public_key + " > " + out + " 2>&1";
  auto text = [&] {
    std::ifstream in(out);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  EXPECT_EQ(run(verify), 0) << text();
  SQLite::Database db(server_->db(), SQLite::OPEN_READONLY);
  EXPECT_GT(db.execAndGet("SELECT count(*) FROM ledger_entries WHERE actor = 'web:county'").getInt64(), 0)
      << "entries name the web user who wrote them";
}

// Last (gtest runs tests in declaration order within a suite): the server stops cleanly on SIGTERM.
TEST_F(Api, ZzStopsCleanlyOnSigterm) {
  EXPECT_EQ(server_->stop(), 0);
  EXPECT_NE(server_->log().find("server stopped"), std::string::npos) << server_->log();
  EXPECT_EQ(run(kEntitle + " audit verify --db " + server_->db() + " > /dev/null 2>&1"), 0);
}

}  // namespace
