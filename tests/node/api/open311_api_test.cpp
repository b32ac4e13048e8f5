// The Open311 facade over a real CaseService and SQLite database, dispatched through the route
// table: API keys (hashed, revocable, rate-limited), filing through normal intake, and what
// GET requests may show (never confidential or unverified cases, never the reporter).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "node/api/open311_routes.hpp"
#include "node/api/routes.hpp"
#include "node/store/case_store.hpp"
#include "tests/node/service/service_test_support.hpp"

namespace simpul::api {
namespace {

using nlohmann::json;
using service::testing::RunAwait;

class Open311ApiTest : public service::testing::ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    keys_ = std::make_unique<service::Open311Keys>(*db_, clock_, /*per_minute=*/3);
    api_ = std::make_unique<Open311Api>(Open311Api{*cases_, *keys_, *catalog_, *db_, clock_,
                                                   "Pemerintah Kabupaten Bandung", "32.04",
                                                   DiscoveryInfo{"t", "c", "k", "u"}});
    router_ = std::make_unique<http::Router>(
        [](std::string) -> boost::asio::awaitable<Result<service::Principal>> {
          co_return Fail(ErrorCode::kUnauthenticated, "no sessions here");
        });
    AddOpen311Routes(*router_, *api_);
    auto issued = keys_->IssueSync("Aplikasi Warga");
    ASSERT_TRUE(issued) << issued.error().message;
    key_ = issued->secret;
  }

  http::ApiResponse Call(http::Method method, const std::string& path, std::string body = "",
                         std::map<std::string, std::string> query = {},
                         std::string content_type = "application/x-www-form-urlencoded") {
    http::ApiRequest req;
    req.method = method;
    req.path = path;
    req.body = std::move(body);
    req.query = std::move(query);
    req.content_type = std::move(content_type);
    const http::Route* route = router_->Match(method, path, &req.params);
    EXPECT_NE(route, nullptr) << path;
    if (route == nullptr) return {};
    return RunAwait(io_, router_->Dispatch(req, route));
  }

  // What the server does: the matched route, or the router's own 404/405 without one.
  http::ApiResponse Serve(http::Method method, const std::string& path) {
    http::ApiRequest req;
    req.method = method;
    req.path = path;
    const http::Route* route = router_->Match(method, path, &req.params);
    return RunAwait(io_, router_->Dispatch(req, route));
  }

  // Files a request through POST requests.json; returns its tracking id ("" on failure).
  std::string File(const std::string& extra = "") {
    auto r = Call(http::Method::kPost, "/open311/v2/requests.json",
                  "api_key=" + key_ +
                      "&service_code=infrastruktur.jalan&description=Jalan+berlubang+di+depan+"
                      "pasar+Banjaran&first_name=Siti&last_name=Aminah&phone=081234567890" +
                      extra);
    EXPECT_EQ(r.status, 201) << r.body;
    auto doc = json::parse(r.body, nullptr, false);
    return doc.is_array() ? doc[0].value("service_request_id", "") : "";
  }

  json List(std::map<std::string, std::string> query = {}) {
    auto r = Call(http::Method::kGet, "/open311/v2/requests.json", "", std::move(query));
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body, nullptr, false);
  }

  std::int64_t CaseCount() {
    return db_
        ->ReadSync<std::int64_t>([](store::Connection& c) { return store::CaseStore::CountAll(c); })
        .value_or(-1);
  }

  std::unique_ptr<service::Open311Keys> keys_;
  std::unique_ptr<Open311Api> api_;
  std::unique_ptr<http::Router> router_;
  std::string key_;
};

TEST_F(Open311ApiTest, KeysAreStoredOnlyAsHashesAndRevokedKeysAreRefused) {
  EXPECT_TRUE(key_.starts_with("o311_"));
  EXPECT_GE(key_.size(), 40u);
  auto stored = db_->ReadSync<std::string>([](store::Connection& c) -> Result<std::string> {
    auto s = c.Prepare("SELECT hex(key_hash) || prefix || label FROM open311_keys");
    if (!s) return tl::unexpected(s.error());
    auto row = s->Step();
    if (!row) return tl::unexpected(row.error());
    return s->Text(0);
  });
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->find(key_.substr(12)), std::string::npos) << "the secret part is stored";
  auto ok = RunAwait(io_, keys_->Authenticate(key_));
  ASSERT_TRUE(ok) << ok.error().message;
  ASSERT_TRUE(keys_->RevokeSync(ok->id));
  EXPECT_EQ(keys_->RevokeSync(ok->id).error().code, ErrorCode::kConflict);
  EXPECT_EQ(RunAwait(io_, keys_->Authenticate(key_)).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(keys_->ListSync().value().at(0).revoked_at, now_);
  EXPECT_FALSE(keys_->IssueSync("").has_value());
}

TEST_F(Open311ApiTest, EachKeyIsRateLimitedPerMinute) {
  auto other = keys_->IssueSync("Aplikasi Lain");
  ASSERT_TRUE(other);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(RunAwait(io_, keys_->Authenticate(key_)));
  EXPECT_EQ(RunAwait(io_, keys_->Authenticate(key_)).error().code, ErrorCode::kRateLimited);
  EXPECT_TRUE(RunAwait(io_, keys_->Authenticate(other->secret))) << "another key's budget";
  Advance(std::chrono::minutes(1));
  EXPECT_TRUE(RunAwait(io_, keys_->Authenticate(key_)));
}

TEST_F(Open311ApiTest, AWrongKeyIsRefusedInTheSpecFormatAndNothingIsStored) {
  for (const std::string& key :
       std::vector<std::string>{"", "api_key=o311_wrong&", "api_key=" + key_ + "x&"}) {
    auto r = Call(http::Method::kPost, "/open311/v2/requests.xml",
                  key + "service_code=infrastruktur.jalan&description=Jalan+berlubang+besar");
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(r.content_type, "text/xml; charset=utf-8");
    EXPECT_NE(r.body.find("<errors><error><code>403</code><description>invalid api_key"),
              std::string::npos)
        << r.body;
  }
  EXPECT_EQ(CaseCount(), 0);
}

TEST_F(Open311ApiTest, PostFilesThroughNormalIntakeWithTheIdentitySealed) {
  const std::string id = File("&attribute%5Bregion%5D=32.04&lat=-7.05&long=107.59");
  ASSERT_FALSE(id.empty());
  auto view = Get(admin_, id);
  ASSERT_TRUE(view) << view.error().message;
  EXPECT_EQ(view->record.channel, domain::Channel::kOpen311);
  EXPECT_EQ(view->record.title, "Jalan berlubang di depan pasar Banjaran");
  EXPECT_EQ(view->record.region, "32.04");
  ASSERT_TRUE(view->reporter.has_value());
  EXPECT_EQ(view->reporter->name, "Siti Aminah");
  auto bad = Call(http::Method::kPost, "/open311/v2/requests.json",
                  "api_key=" + key_ + "&service_code=tidak.ada&description=Jalan+berlubang+besar");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(json::parse(bad.body)[0]["code"], 400) << bad.body;
  EXPECT_EQ(CaseCount(), 1);
}

TEST_F(Open311ApiTest, AcceptsAJsonObjectAndRefusesOtherBodies) {
  json body = {{"api_key", key_},
               {"service_code", "infrastruktur.jalan"},
               {"description", "Lampu jalan mati sejak seminggu"},
               {"attribute", {{"anonymous", true}}}};
  auto r =
      Call(http::Method::kPost, "/open311/v2/requests.json", body.dump(), {}, "application/json");
  ASSERT_EQ(r.status, 201) << r.body;
  auto view = Get(admin_, json::parse(r.body)[0]["service_request_id"]);
  ASSERT_TRUE(view);
  EXPECT_TRUE(view->record.anonymous);
  auto plain = Call(http::Method::kPost, "/open311/v2/requests.json", "x", {}, "text/plain");
  EXPECT_EQ(plain.status, 400);
  EXPECT_EQ(CaseCount(), 1);
}

TEST_F(Open311ApiTest, GetShowsOnlyVerifiedNonConfidentialCases) {
  const std::string open_id = File();
  const std::string secret_id = File("&attribute%5Bconfidential%5D=true");
  const std::string unverified_id = File();
  ActOk(verifier_, open_id, domain::CaseAction::kVerify);
  ActOk(verifier_, secret_id, domain::CaseAction::kVerify);
  json list = List();
  ASSERT_EQ(list.size(), 1u) << list.dump();
  EXPECT_EQ(list[0]["service_request_id"], open_id);
  EXPECT_EQ(list[0]["status"], "open");
  EXPECT_EQ(list[0].dump().find("Siti"), std::string::npos) << "reporter identity shown";
  for (const std::string& hidden : {secret_id, unverified_id}) {
    auto r = Call(http::Method::kGet, "/open311/v2/requests/" + hidden + ".json");
    EXPECT_EQ(r.status, 404) << hidden << ": " << r.body;
    EXPECT_EQ(List({{"service_request_id", hidden}}).size(), 0u);
  }
}

TEST_F(Open311ApiTest, StatusNotesAndStatusFollowThePublicResponses) {
  const std::string id = File();
  ActOk(verifier_, id, domain::CaseAction::kVerify);
  auto officer = CreateUnitOfficer("pupr", "petugas");
  service::ActionCommand dispose;
  dispose.action = domain::CaseAction::kDispose;
  dispose.unit_code = "pupr";
  ASSERT_TRUE(Act(verifier_, id, dispose));
  ActOk(officer, id, domain::CaseAction::kRespond, "Tim sudah meninjau lokasi.");
  json one = List({{"service_request_id", id}});
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0]["status_notes"], "Tim sudah meninjau lokasi.");
  EXPECT_EQ(one[0]["agency_responsible"], "Pemerintah Kabupaten Bandung / Unit pupr");
  EXPECT_TRUE(one[0]["expected_datetime"].is_string());
  EXPECT_EQ(List({{"status", "closed"}}).size(), 0u);
  ActOk(officer, id, domain::CaseAction::kResolve, "Lubang sudah ditambal.");
  json closed = List({{"status", "closed"}});
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0]["status_notes"], "Lubang sudah ditambal.");
  EXPECT_EQ(List({{"status", "open"}}).size(), 0u);
  EXPECT_EQ(List({{"service_code", "kesehatan.puskesmas"}}).size(), 0u);
  EXPECT_EQ(List({{"end_date", "2026-07-01T00:00:00Z"}}).size(), 0u) << "filed after end_date";
  auto xml = Call(http::Method::kGet, "/open311/v2/requests/" + id + ".xml");
  EXPECT_EQ(xml.status, 200);
  EXPECT_NE(xml.body.find("<status>closed</status>"), std::string::npos) << xml.body;
}

// Found by the api_request fuzz target: a percent-decoded path that is not UTF-8, named in the
// error, made the JSON writer throw (a 500) instead of answering 404.
TEST_F(Open311ApiTest, AnErrorNamingAPathThatIsNotUtf8IsStillAValidDocument) {
  auto json_error = Serve(http::Method::kGet, "/open311/v2/\xff.json");
  EXPECT_EQ(json_error.status, 404);
  auto doc = json::parse(json_error.body, nullptr, false);
  ASSERT_TRUE(doc.is_array()) << json_error.body;
  EXPECT_NE(doc[0]["description"].get<std::string>().find("\xEF\xBF\xBD"), std::string::npos);
  auto xml_error = Serve(http::Method::kGet, "/open311/v2/\xff.xml");
  EXPECT_EQ(xml_error.status, 404);
  EXPECT_NE(xml_error.body.find("\xEF\xBF\xBD"), std::string::npos) << xml_error.body;
}

// Found by the api_request fuzz target: a list filter that is not UTF-8 made the store's JSON
// writer throw on a database thread, which terminated the node.
TEST_F(Open311ApiTest, ListFiltersThatAreNotUtf8MatchNothing) {
  for (const char* filter : {"service_request_id", "service_code"}) {
    SCOPED_TRACE(filter);
    auto r = Call(http::Method::kGet, "/open311/v2/requests.json", "", {{filter, "KAB\xff"}});
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(json::parse(r.body), json::array());
  }
}

TEST_F(Open311ApiTest, UnknownPathsAndWrongMethodsAnswerInTheSpecErrorFormat) {
  struct Case {
    http::Method method;
    std::string path;
    int status;
    std::string allow;
  };
  const Case cases[] = {
      {http::Method::kGet, "/open311/v2/nope.json", 404, ""},
      {http::Method::kGet, "/open311/v2/", 404, ""},
      {http::Method::kHead, "/open311/v2/requests/a/b.json", 404, ""},
      {http::Method::kDelete, "/open311/v2/requests.json", 405, "GET, HEAD, POST"},
      {http::Method::kPost, "/open311/v2/services.json", 405, "GET, HEAD"},
      {http::Method::kPut, "/open311/v2/requests/KAB3204-000001.json", 405, "GET, HEAD"},
      {http::Method::kGet, "/open311/v2/nope.xml", 404, ""},
      {http::Method::kPatch, "/open311/v2/discovery.xml", 405, "GET, HEAD"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path);
    auto r = Serve(c.method, c.path);
    EXPECT_EQ(r.status, c.status) << r.body;
    std::string allow;
    for (const auto& [name, value] : r.headers) {
      if (name == "Allow") allow = value;
    }
    EXPECT_EQ(allow, c.allow);
    if (c.path.ends_with(".xml")) {
      EXPECT_EQ(r.content_type, "text/xml; charset=utf-8");
      EXPECT_NE(r.body.find("<errors><error><code>" + std::to_string(c.status) + "</code>"),
                std::string::npos)
          << r.body;
      continue;
    }
    EXPECT_EQ(r.content_type, "application/json; charset=utf-8");
    auto doc = json::parse(r.body, nullptr, false);
    ASSERT_TRUE(doc.is_array()) << r.body;
    ASSERT_EQ(doc.size(), 1u);
    EXPECT_EQ(doc[0]["code"], c.status);
    EXPECT_TRUE(doc[0]["description"].is_string());
    EXPECT_FALSE(doc[0].contains("error"));
  }
  EXPECT_EQ(CaseCount(), 0);
  // Outside /open311/v2/ the node's own JSON error stays.
  auto api = Serve(http::Method::kGet, "/api/v1/nope");
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(json::parse(api.body)["error"]["code"], "not_found");
  // The served routes are unchanged.
  EXPECT_EQ(Serve(http::Method::kGet, "/open311/v2/services.json").status, 200);
  EXPECT_EQ(Serve(http::Method::kHead, "/open311/v2/discovery.json").status, 200);
}

}  // namespace
}  // namespace simpul::api
