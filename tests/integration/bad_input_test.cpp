// What a real simpuld does with bad requests: for each, the right status and error code, and
// nothing changed (no case added, the seed case untouched).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

#include "tests/integration/node_api.hpp"
#include "tests/support/node_process.hpp"

namespace simpul::testing {
namespace {

using nlohmann::json;

constexpr std::size_t kDefaultBodyLimit = 1 << 20;
constexpr std::size_t kUploadLimit = 40 << 20;

// Brackets nesting `depth` levels deep inside a value: "[[...]]".
std::string NestedArrays(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

class BadInputTest : public ::testing::Test {
 protected:
  // One node for the suite: every test leaves it as it found it, which is what the tests check.
  static void SetUpTestSuite() {
    auto created = NodeProcess::Create();
    ASSERT_TRUE(created) << created.error().message;
    auto auditor_password = (*created)->AddUser("auditor1", "auditor");
    ASSERT_TRUE(auditor_password) << auditor_password.error().message;
    auto started = (*created)->Start();
    ASSERT_TRUE(started) << started.error().message;
    node_ = std::move(*created).release();
    api_ = new NodeApi(node_->port());
    admin_ = api_->Login("admin", node_->admin_password());
    auditor_ = api_->Login("auditor1", *auditor_password);
    ApiReply seed = api_->Submit(SampleComplaint());
    ASSERT_EQ(seed.status, 201) << seed.body;
    seed_id_ = seed.json["tracking_id"].get<std::string>();
  }

  static void TearDownTestSuite() {
    delete api_;
    delete node_;
    api_ = nullptr;
    node_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(api_, nullptr) << "the node did not start";
    ASSERT_FALSE(admin_.empty());
    cases_before_ = api_->CaseCount(admin_);
    seed_events_before_ = SeedEventCount();
    ASSERT_GE(cases_before_, 1);
  }

  std::size_t SeedEventCount() {
    ApiReply seed = api_->Case(seed_id_, admin_);
    EXPECT_EQ(seed.status, 200) << seed.body;
    return seed.json.is_object() ? seed.json["events"].size() : 0;
  }

  // Checks the status and error code of `reply` and that the node's cases did not change.
  void ExpectRejected(const ApiReply& reply, int status, const std::string& code) {
    EXPECT_EQ(reply.status, status) << reply.body;
    EXPECT_EQ(reply.error_code(), code) << reply.body;
    EXPECT_EQ(api_->CaseCount(admin_), cases_before_) << "no case may be added";
    EXPECT_EQ(SeedEventCount(), seed_events_before_) << "the seed case may not change";
  }

  ApiReply SubmitRaw(const std::string& body,
                     const std::string& content_type = "application/json") {
    return api_->Send("POST", "/api/v1/complaints", body, {{"Content-Type", content_type}});
  }

  static NodeProcess* node_;
  static NodeApi* api_;
  static std::string admin_;
  static std::string auditor_;
  static std::string seed_id_;
  std::int64_t cases_before_ = 0;
  std::size_t seed_events_before_ = 0;
};

NodeProcess* BadInputTest::node_ = nullptr;
NodeApi* BadInputTest::api_ = nullptr;
std::string BadInputTest::admin_;
std::string BadInputTest::auditor_;
std::string BadInputTest::seed_id_;

TEST_F(BadInputTest, MalformedJsonIsInvalidArgument) {
  ApiReply r = SubmitRaw(R"({"category": "infrastruktur.jalan", "title": )");
  ExpectRejected(r, 400, "invalid_argument");
  EXPECT_NE(r.error_message().find("malformed JSON"), std::string::npos) << r.body;
}

TEST_F(BadInputTest, WrongFieldTypeIsInvalidArgument) {
  json complaint = SampleComplaint();
  complaint["title"] = 42;
  ApiReply r = api_->Submit(complaint);
  ExpectRejected(r, 400, "invalid_argument");
  EXPECT_EQ(r.error_message(), "title: must be a string");
}

TEST_F(BadInputTest, MissingRequiredFieldIsInvalidArgument) {
  json complaint = SampleComplaint();
  complaint.erase("body");
  ApiReply r = api_->Submit(complaint);
  ExpectRejected(r, 400, "invalid_argument");
  EXPECT_EQ(r.error_message(), "body: required");
}

TEST_F(BadInputTest, BodyOverDefaultLimitIsTooLarge) {
  const std::string filler(kDefaultBodyLimit, 'a');
  ApiReply r = api_->Send("POST", "/api/v1/auth/login",
                          R"({"username":"admin","password":")" + filler + R"("})");
  ExpectRejected(r, 413, "too_large");
  EXPECT_NE(r.error_message().find(std::to_string(kDefaultBodyLimit)), std::string::npos);
}

TEST_F(BadInputTest, UploadOverLimitIsRefusedFromContentLength) {
  // Only the header is sent: the node must refuse on Content-Length before reading a body.
  ApiReply r = api_->Raw(
      "POST /api/v1/complaints HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Content-Type: application/json\r\nContent-Length: " +
      std::to_string(kUploadLimit + 1) + "\r\n\r\n");
  ExpectRejected(r, 413, "too_large");
  EXPECT_NE(r.error_message().find(std::to_string(kUploadLimit)), std::string::npos) << r.body;
}

TEST_F(BadInputTest, JsonNestedDeeperThanSixteenIsInvalidArgument) {
  // The body object is level 1, so 15 arrays inside it are the deepest allowed: the login is
  // parsed and fails only on the password.
  ApiReply allowed = api_->Send(
      "POST", "/api/v1/auth/login",
      R"({"username":"admin","password":"wrong-password","x":)" + NestedArrays(15) + "}");
  EXPECT_EQ(allowed.status, 401) << allowed.body;

  ApiReply r = api_->Send(
      "POST", "/api/v1/auth/login",
      R"({"username":"admin","password":"wrong-password","x":)" + NestedArrays(16) + "}");
  ExpectRejected(r, 400, "invalid_argument");
  EXPECT_NE(r.error_message().find("nested deeper than 16"), std::string::npos) << r.body;
}

TEST_F(BadInputTest, InvalidUtf8IsInvalidArgument) {
  json complaint = SampleComplaint();
  complaint["title"] = "@TITLE@";
  std::string body = complaint.dump();
  body.replace(body.find("@TITLE@"), 7, "Jalan \xff\xfe rusak");
  ApiReply r = SubmitRaw(body);
  ExpectRejected(r, 400, "invalid_argument");
}

TEST_F(BadInputTest, UnknownRegionIsInvalidArgument) {
  json complaint = SampleComplaint();
  complaint["region"] = "99.99";
  ApiReply r = api_->Submit(complaint);
  ExpectRejected(r, 400, "invalid_argument");
  EXPECT_NE(r.error_message().find("99.99"), std::string::npos) << r.body;
}

TEST_F(BadInputTest, UnknownCategoryIsInvalidArgument) {
  json complaint = SampleComplaint();
  complaint["category"] = "tidak.ada";
  ApiReply r = api_->Submit(complaint);
  ExpectRejected(r, 400, "invalid_argument");
  EXPECT_NE(r.error_message().find("tidak.ada"), std::string::npos) << r.body;
}

TEST_F(BadInputTest, IllegalTransitionIsConflictNamingAllowedActions) {
  ApiReply r = api_->Act(admin_, seed_id_, "close");
  ExpectRejected(r, 409, "conflict");
  EXPECT_NE(r.error_message().find("allowed:"), std::string::npos) << r.body;
  EXPECT_NE(r.error_message().find("verify"), std::string::npos) << r.body;
  EXPECT_EQ(api_->Case(seed_id_, admin_).json["state"], "submitted");
}

TEST_F(BadInputTest, MissingCredentialsAreUnauthenticated) {
  ExpectRejected(api_->Get("/api/v1/cases"), 401, "unauthenticated");
  ExpectRejected(api_->Send("POST", "/api/v1/cases/" + seed_id_ + "/verify", "{}",
                            {{"Authorization", "Basic YWRtaW46YWRtaW4="}}),
                 401, "unauthenticated");
}

TEST_F(BadInputTest, WrongPasswordIsUnauthenticated) {
  ApiReply wrong =
      api_->Post("/api/v1/auth/login", {{"username", "admin"}, {"password", "not-the-password"}});
  ExpectRejected(wrong, 401, "unauthenticated");
  ApiReply unknown =
      api_->Post("/api/v1/auth/login", {{"username", "nobody"}, {"password", "not-the-password"}});
  ExpectRejected(unknown, 401, "unauthenticated");
  EXPECT_EQ(wrong.error_message(), unknown.error_message()) << "no hint which part was wrong";
}

TEST_F(BadInputTest, WrongRoleIsPermissionDenied) {
  ASSERT_FALSE(auditor_.empty());
  ExpectRejected(api_->Act(auditor_, seed_id_, "verify"), 403, "permission_denied");
  ExpectRejected(api_->Post("/api/v1/units", {{"code", "audit"}, {"name", "Audit"}}, auditor_), 403,
                 "permission_denied");
  EXPECT_EQ(api_->Get("/api/v1/cases", auditor_).status, 200) << "the token itself is valid";
}

// Session expiry itself needs a clock: tests/node/service/auth_service_test.cpp drives it with a
// fake one. Here a session ends the way an administrator ends it: by disabling the account.
TEST_F(BadInputTest, DisabledAccountsSessionIsUnauthenticated) {
  const json user = {
      {"username", "verifier-leaving"}, {"password", "integration-verifier"}, {"role", "verifier"}};
  ASSERT_EQ(api_->Post("/api/v1/users", user, admin_).status, 201);
  const std::string token = api_->Login("verifier-leaving", "integration-verifier");
  ASSERT_EQ(api_->Get("/api/v1/auth/me", token).status, 200);

  ApiReply disabled = api_->Patch("/api/v1/users/verifier-leaving", {{"disabled", true}}, admin_);
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_EQ(disabled.json["disabled"], true);

  ExpectRejected(api_->Act(token, seed_id_, "verify"), 401, "unauthenticated");
  ExpectRejected(api_->Get("/api/v1/auth/me", token), 401, "unauthenticated");
  ExpectRejected(api_->Post("/api/v1/auth/login", {{"username", "verifier-leaving"},
                                                   {"password", "integration-verifier"}}),
                 401, "unauthenticated");
}

TEST_F(BadInputTest, WrongContentTypeIsInvalidArgument) {
  ApiReply r = SubmitRaw(SampleComplaint().dump(), "text/plain");
  ExpectRejected(r, 400, "invalid_argument");
  EXPECT_NE(r.error_message().find("application/json"), std::string::npos) << r.body;
}

TEST_F(BadInputTest, UnknownRouteIsNotFound) {
  ExpectRejected(api_->Get("/api/v1/nothing-here"), 404, "not_found");
  ExpectRejected(api_->Post("/api/v1/complaints/" + seed_id_ + "/delete", json::object()), 404,
                 "not_found");
}

TEST_F(BadInputTest, WrongMethodIsMethodNotAllowed) {
  ExpectRejected(api_->Send("DELETE", "/api/v1/complaints"), 405, "method_not_allowed");
  ExpectRejected(api_->Send("DELETE", "/api/v1/cases/" + seed_id_, {}, Bearer(admin_)), 405,
                 "method_not_allowed");
}

TEST_F(BadInputTest, GarbageRequestLeavesNodeServing) {
  ApiReply r = api_->Raw("NOT AN HTTP REQUEST\r\n\r\n");
  EXPECT_EQ(r.status, 0) << "the connection is dropped without a reply: " << r.body;
  EXPECT_EQ(api_->Get("/healthz").status, 200);
  EXPECT_EQ(api_->CaseCount(admin_), cases_before_);
}

}  // namespace
}  // namespace simpul::testing
