// shared_servers_test.cpp — two `entitle serve` processes on one PostgreSQL case database, as a prefecture runs several
// web servers behind one address: a session signed in on one is good on the other, concurrent edits through both lose
// nothing (If-Match: exactly one wins), a decision or a batch run through one is read through the other, and the
// ledger of all they wrote verifies.
#include <gtest/gtest.h>

#include <atomic>
#include <iostream>
#include <set>
#include <thread>
#include <vector>

#include "../api/api_server.hpp"
#include "../storage/test_database.hpp"

namespace {

using namespace entitle::api_testing;
using entitle::testing::Backend;
using entitle::testing::TestDatabase;

class SharedServers : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    db_ = new TestDatabase(Backend::Postgres);
    a_ = new Server(db_->location(), true);
    b_ = new Server(db_->location(), false);
  }
  static void TearDownTestSuite() {
    delete b_;
    delete a_;
    delete db_;
  }
  static TestDatabase* db_;
  static Server *a_, *b_;
};
TestDatabase* SharedServers::db_ = nullptr;
Server* SharedServers::a_ = nullptr;
Server* SharedServers::b_ = nullptr;

TEST_F(SharedServers, ASessionSignedInOnOneServerIsGoodOnTheOther) {
  Session on_a = login_at(a_->port(), "cw");
  httplib::Client b("127.0.0.1", b_->port());
  auto me = b.Get("/api/me", on_a.headers());
  ASSERT_TRUE(me);
  ASSERT_EQ(me->status, 200) << me->body;
  EXPECT_EQ(Json::parse(me->body)["user"], "cw");
  // Signed out through B, the session is gone on A too.
  ASSERT_EQ(b.Post("/api/logout", on_a.headers(), "", "application/json")->status, 200);
  EXPECT_EQ(on_a.c->Get("/api/me", on_a.headers())->status, 401);
}

TEST_F(SharedServers, ConcurrentEditsThroughBothServersLoseNothing) {
  Session a = login_at(a_->port(), "cw"), b = login_at(b_->port(), "county");
  ConcurrentEdits e = edit_concurrently(a, a_->port(), b, b_->port());
  ASSERT_TRUE(e.first_stored);
  // Both start from the same version, one through each server; each stores a different change with If-Match.
  EXPECT_EQ(e.if_match_ok, 1);
  EXPECT_EQ(e.if_match_refused, 1);
  // Without If-Match, 20 writers split over both servers each store a version of their own: all are kept.
  EXPECT_EQ(e.unconditioned_stored, 20);
  EXPECT_EQ(e.versions_after, e.versions_before + 20);
  EXPECT_EQ(e.distinct_version_numbers, e.versions_after) << "every version has a number of its own";
}

TEST_F(SharedServers, WhatOneServerDecidesTheOtherReads) {
  Session a = login_at(a_->port(), "cw"), b = login_at(b_->port(), "auditor");
  auto decided = a.c->Post("/api/households/QS-0001/decide", a.headers(), R"({"period":"2026-01"})", "application/json");
  ASSERT_TRUE(decided && decided->status == 200) << (decided ? decided->body : "");
  const Json decision = Json::parse(decided->body);
  auto history = b.c->Get("/api/households/QS-0001/decisions", b.headers());
  ASSERT_TRUE(history && history->status == 200) << (history ? history->body : "");
  EXPECT_NE(history->body.find(decision["decision_id"].dump()), std::string::npos)
      << "the decision stored through A is in the history read through B: " << history->body;

  // A batch started on B runs to its end; A lists its run and its totals.
  Session county = login_at(b_->port(), "county");
  auto start = county.c->Post("/api/runs", county.headers(), R"({"period":"2026-02"})", "application/json");
  ASSERT_TRUE(start && start->status == 202) << (start ? start->body : "");
  Json status = batch_when_finished(county);
  ASSERT_EQ(status["state"], "done") << status.dump();
  const std::string run = status["run"].dump();
  auto listed = a.c->Get("/api/runs/" + run, a.headers());
  ASSERT_TRUE(listed && listed->status == 200) << (listed ? listed->body : "");
  EXPECT_EQ(Json::parse(listed->body)["id"].dump(), run) << listed->body;
}

// The database server ends every connection (as a restart or a failover does): a request that meets a dropped
// connection is a 503 `unavailable` in Chinese, never a 500, and the server connects again by itself — each of its
// threads fails at most once, and the session survives (it is in the database).
TEST_F(SharedServers, ADroppedConnectionIsA503AndTheServerConnectsAgain) {
  Session cw = login_at(a_->port(), "cw");
  // Requests at once, so that every thread of the server has opened its connection before they are ended.
  std::vector<std::thread> warm;
  for (int i = 0; i < 16; ++i)
    warm.emplace_back([&] {
      httplib::Client c("127.0.0.1", a_->port());
      auto r = c.Get("/api/households/QS-0001", cw.headers());
      EXPECT_TRUE(r && r->status == 200);
    });
  for (auto& t : warm) t.join();
  const std::string& uri = db_->location();  // postgresql://user@/NAME?host=…
  const std::size_t slash = uri.find('/', uri.find("://") + 3);
  const std::string name = uri.substr(slash + 1, uri.find('?') - slash - 1);
  const std::string kill = "psql -qtA '" + entitle::testing::test_pg_server() +
                           "' -c \"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '" + name +
                           "' AND pid <> pg_backend_pid()\" > " + db_->file("ended.out");
  ASSERT_EQ(run(kill), 0);
  std::ifstream ended(db_->file("ended.out"));
  int connections = 0;
  ended >> connections;
  ASSERT_GT(connections, 0) << "no connection of the servers was ended: the test would prove nothing";
  int ok = 0, unavailable = 0, other = 0;
  for (int i = 0; i < 40; ++i) {
    httplib::Client c("127.0.0.1", a_->port());  // a connection of its own each time: any of the server's threads
    auto r = c.Get("/api/households/QS-0001", cw.headers());
    if (!r) {
      ++other;
    } else if (r->status == 200) {
      ++ok;
    } else if (r->status == 503) {
      ++unavailable;
      EXPECT_EQ(error_of(r)["code"], "unavailable");
      EXPECT_EQ(error_of(r)["message"], "案件数据库暂时无法连接，请求未能完成，请稍后重试");
      EXPECT_EQ(r->get_header_value("Retry-After"), "5");
    } else {
      ++other;
      ADD_FAILURE() << r->status << " " << r->body;
    }
  }
  std::cout << "after the connections were ended: " << ok << " answered, " << unavailable << " unavailable\n";
  EXPECT_EQ(other, 0);
  EXPECT_LE(unavailable, 8) << "each of the server's 8 threads meets its dropped connection once at most";
  EXPECT_GE(unavailable, 1) << "no request met a dropped connection: the test proved nothing";
  EXPECT_GE(ok, 32);
  // And writes go on.
  auto put = cw.c->Put("/api/households/QS-0001", cw.headers(), sample_household(), "application/json");
  for (int i = 0; i < 8 && put && put->status == 503; ++i)
    put = cw.c->Put("/api/households/QS-0001", cw.headers(), sample_household(), "application/json");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 200) << put->body;
}

// Last: everything both servers wrote is in one ledger, and it verifies.
TEST_F(SharedServers, ZzTheLedgerOfBothServersVerifies) {
  const std::string out = db_->file("verify.out");
  int rc = run(kEntitle + " audit verify --db '" + db_->location() + "' > " + out + " 2>&1");
  std::ifstream in(out);
  EXPECT_EQ(WEXITSTATUS(rc), 0) << std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace
