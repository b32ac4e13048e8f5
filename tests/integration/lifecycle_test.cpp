// A complaint's whole life over HTTP against a real simpuld process: intake, tracking, staff
// actions with their role checks, privacy flags, the signed receipt, metrics and a restart.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "crypto/bytes.hpp"
#include "crypto/ed25519.hpp"
#include "tests/integration/node_api.hpp"
#include "tests/support/node_process.hpp"

namespace simpul::testing {
namespace {

using nlohmann::json;

class LifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = NodeProcess::Create();
    ASSERT_TRUE(created) << created.error().message;
    node_ = std::move(*created);
    auto started = node_->Start();
    ASSERT_TRUE(started) << started.error().message;
    api_ = std::make_unique<NodeApi>(node_->port());
    admin_ = api_->Login("admin", node_->admin_password());
    ASSERT_FALSE(admin_.empty());
  }

  // Creates a staff account through the admin API and signs it in; returns its token.
  std::string AddStaff(const std::string& username, const std::string& role,
                       const std::string& unit = "") {
    const std::string password = "integration-" + username;
    json user = {{"username", username}, {"password", password}, {"role", role}};
    if (!unit.empty()) user["unit"] = unit;
    ApiReply created = api_->Post("/api/v1/users", user, admin_);
    EXPECT_EQ(created.status, 201) << created.body;
    return api_->Login(username, password);
  }

  void AddUnit(const std::string& code, const std::string& name) {
    ApiReply created = api_->Post("/api/v1/units", {{"code", code}, {"name", name}}, admin_);
    EXPECT_EQ(created.status, 201) << created.body;
  }

  // Submits `complaint` and returns the 201 body (tracking_id, access_code, receipt).
  json SubmitOk(const json& complaint = SampleComplaint()) {
    ApiReply r = api_->Submit(complaint);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json.is_object() ? r.json : json::object();
  }

  // Runs a staff action that must succeed and returns the case's new state.
  std::string ActOk(const std::string& token, const std::string& id, const std::string& action,
                    const json& body = json::object()) {
    ApiReply r = api_->Act(token, id, action, body);
    EXPECT_EQ(r.status, 200) << action << ": " << r.body;
    return r.json.is_object() ? r.json.value("state", "") : "";
  }

  std::unique_ptr<NodeProcess> node_;
  std::unique_ptr<NodeApi> api_;
  std::string admin_;
};

std::vector<std::string> Actions(const json& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.value("action", ""));
  return out;
}

std::vector<std::string> Messages(const json& events) {
  std::vector<std::string> out;
  for (const auto& e : events) {
    if (e.contains("message")) out.push_back(e["message"].get<std::string>());
  }
  return out;
}

TEST_F(LifecycleTest, ComplaintWalksFromSubmissionToClosure) {
  json receipt = SubmitOk();
  const std::string id = receipt.value("tracking_id", "");
  const std::string code = receipt.value("access_code", "");
  ASSERT_FALSE(id.empty());
  ASSERT_FALSE(code.empty());

  ApiReply tracked = api_->Track(id, code);
  ASSERT_EQ(tracked.status, 200) << tracked.body;
  EXPECT_EQ(tracked.json["state"], "submitted");
  EXPECT_EQ(Actions(tracked.json["events"]), std::vector<std::string>{"submit"});
  ApiReply wrong_code = api_->Track(id, "AAAA-BBBB-CCCC");
  EXPECT_EQ(wrong_code.status, 404);
  EXPECT_EQ(wrong_code.error_code(), "not_found");

  const std::string verifier = AddStaff("verifier1", "verifier");
  EXPECT_EQ(ActOk(verifier, id, "verify"), "verified");

  AddUnit("dinas-pu", "Dinas Pekerjaan Umum");
  const std::string officer = AddStaff("officer1", "unit_officer", "dinas-pu");
  EXPECT_EQ(api_->Case(id, officer).status, 403) << "not yet assigned to the officer's unit";
  EXPECT_EQ(ActOk(verifier, id, "dispose", {{"unit", "dinas-pu"}}), "dispositioned");

  ApiReply queue = api_->Get("/api/v1/cases", officer);
  ASSERT_EQ(queue.status, 200) << queue.body;
  ASSERT_EQ(queue.json["total"], 1);
  EXPECT_EQ(queue.json["items"][0]["tracking_id"], id);
  EXPECT_EQ(queue.json["items"][0]["unit"], "dinas-pu");
  ApiReply by_unit = api_->Get("/api/v1/cases?unit=dinas-pu", admin_);
  ASSERT_EQ(by_unit.status, 200) << by_unit.body;
  EXPECT_EQ(by_unit.json["total"], 1);

  const std::string first_response = "Tim sudah dijadwalkan memeriksa lokasi.";
  const std::string first_resolution = "Jalan sudah ditambal.";
  EXPECT_EQ(ActOk(officer, id, "respond", {{"message", first_response}}), "in_progress");
  EXPECT_EQ(ActOk(officer, id, "resolve", {{"message", first_resolution}}), "resolved");

  tracked = api_->Track(id, code);
  ASSERT_EQ(tracked.status, 200) << tracked.body;
  EXPECT_EQ(tracked.json["state"], "resolved");
  EXPECT_EQ(Messages(tracked.json["events"]),
            (std::vector<std::string>{first_response, first_resolution}));
  EXPECT_EQ(tracked.body.find("officer1"), std::string::npos) << "staff names stay internal";

  ApiReply reply = api_->Reply(id, code, "Masih berlubang di sisi kiri jalan.");
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(reply.json["state"], "reopened");

  EXPECT_EQ(ActOk(officer, id, "respond", {{"message", "Sisi kiri dijadwalkan besok."}}),
            "in_progress");
  EXPECT_EQ(ActOk(officer, id, "resolve", {{"message", "Sisi kiri sudah ditambal."}}), "resolved");
  const std::string supervisor = AddStaff("supervisor1", "supervisor");
  EXPECT_EQ(ActOk(supervisor, id, "close"), "closed");

  ApiReply detail = api_->Case(id, supervisor);
  ASSERT_EQ(detail.status, 200) << detail.body;
  EXPECT_EQ(Actions(detail.json["events"]),
            (std::vector<std::string>{"submit", "verify", "dispose", "respond", "resolve",
                                      "reporter_reply", "respond", "resolve", "close"}));
  EXPECT_TRUE(detail.json["allowed_actions"].empty());

  tracked = api_->Track(id, code);
  EXPECT_EQ(tracked.json["state"], "closed");
  ApiReply late_reply = api_->Reply(id, code, "Satu lagi.");
  EXPECT_EQ(late_reply.status, 409);
  EXPECT_EQ(late_reply.error_code(), "conflict");

  ApiReply metrics = api_->Get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("simpul_cases{state=\"closed\"} 1\n"), std::string::npos)
      << metrics.body;
  EXPECT_EQ(metrics.body.find("simpul_cases{state=\"submitted\"}"), std::string::npos);
  EXPECT_NE(metrics.body.find("simpul_http_requests_total{route=\"complaint_submit\","
                              "status=\"201\"} 1\n"),
            std::string::npos);
}

TEST_F(LifecycleTest, ReceiptSignatureVerifiesWithNodeKey) {
  json submitted = SubmitOk();
  ApiReply info = api_->Get("/api/v1/node");
  ASSERT_EQ(info.status, 200) << info.body;
  const json& key_info = info.json["keys"][0];
  auto key = crypto::ParsePublicKeyBase64(key_info.value("public_key", ""));
  ASSERT_TRUE(key) << key.error().message;

  const json& receipt = submitted["receipt"];
  const std::string canonical = receipt.value("payload_canonical", "");
  auto signature = crypto::Base64Decode(receipt.value("signature", ""));
  ASSERT_TRUE(signature) << signature.error().message;
  const std::string domain = "simpul/v1/receipt\n";
  EXPECT_TRUE(crypto::Ed25519Verify(*key, crypto::AsBytes(domain + canonical), *signature));

  json payload = json::parse(canonical);
  EXPECT_EQ(payload, receipt["payload"]);
  EXPECT_EQ(payload["tracking_id"], submitted["tracking_id"]);
  EXPECT_EQ(payload["commitment"], submitted["commitment"]);
  EXPECT_EQ(payload["node"], "kab:32.04");
  EXPECT_EQ(payload["kid"], key_info["kid"]);

  std::string forged = canonical;
  forged.replace(forged.find(submitted.value("tracking_id", "")), 1, "X");
  EXPECT_FALSE(crypto::Ed25519Verify(*key, crypto::AsBytes(domain + forged), *signature));
  EXPECT_FALSE(crypto::Ed25519Verify(*key, crypto::AsBytes(canonical), *signature))
      << "the signature covers the domain prefix";
}

TEST_F(LifecycleTest, StaffActionsAreCheckedByRoleAndUnit) {
  const std::string id = SubmitOk().value("tracking_id", "");
  AddUnit("dinas-pu", "Dinas Pekerjaan Umum");
  AddUnit("dinkes", "Dinas Kesehatan");
  const std::string verifier = AddStaff("verifier1", "verifier");
  const std::string auditor = AddStaff("auditor1", "auditor");
  const std::string officer = AddStaff("officer-pu", "unit_officer", "dinas-pu");
  const std::string other_officer = AddStaff("officer-dinkes", "unit_officer", "dinkes");
  EXPECT_EQ(ActOk(verifier, id, "verify"), "verified");
  EXPECT_EQ(ActOk(verifier, id, "dispose", {{"unit", "dinas-pu"}}), "dispositioned");
  const json respond = {{"message", "Sedang ditangani."}};

  ApiReply by_auditor = api_->Act(auditor, id, "respond", respond);
  EXPECT_EQ(by_auditor.status, 403) << by_auditor.body;
  EXPECT_EQ(by_auditor.error_code(), "permission_denied");
  EXPECT_EQ(api_->Case(id, auditor).status, 200) << "auditors read every case";

  ApiReply by_other_unit = api_->Act(other_officer, id, "respond", respond);
  EXPECT_EQ(by_other_unit.status, 403) << by_other_unit.body;
  EXPECT_EQ(by_other_unit.error_code(), "permission_denied");
  EXPECT_EQ(api_->Case(id, other_officer).status, 403);

  ApiReply no_token = api_->Post("/api/v1/cases/" + id + "/respond", respond);
  EXPECT_EQ(no_token.status, 401) << no_token.body;
  EXPECT_EQ(no_token.error_code(), "unauthenticated");

  ApiReply bad_token = api_->Act("not-a-session-token", id, "respond", respond);
  EXPECT_EQ(bad_token.status, 401) << bad_token.body;
  EXPECT_EQ(bad_token.error_code(), "unauthenticated");

  ApiReply detail = api_->Case(id, admin_);
  ASSERT_EQ(detail.status, 200);
  EXPECT_EQ(detail.json["state"], "dispositioned");
  EXPECT_EQ(detail.json["events"].size(), 3u) << "refused actions leave no event";
  EXPECT_EQ(ActOk(officer, id, "respond", respond), "in_progress")
      << "the refused action was possible for the right caller";
}

TEST_F(LifecycleTest, AnonymousComplaintHidesReporterFromStaff) {
  json anonymous = SampleComplaint();
  anonymous["anonymous"] = true;
  anonymous["reporter"]["name"] = "Budi Rahasia";
  const std::string hidden_id = SubmitOk(anonymous).value("tracking_id", "");
  const std::string named_id = SubmitOk().value("tracking_id", "");

  ApiReply hidden = api_->Case(hidden_id, admin_);
  ASSERT_EQ(hidden.status, 200) << hidden.body;
  EXPECT_EQ(hidden.json["anonymous"], true);
  EXPECT_EQ(hidden.json["identity"], "hidden_anonymous");
  EXPECT_TRUE(hidden.json["reporter"].is_null());
  EXPECT_EQ(hidden.body.find("Budi Rahasia"), std::string::npos);
  EXPECT_EQ(hidden.body.find("081234567890"), std::string::npos);

  ApiReply named = api_->Case(named_id, admin_);
  ASSERT_EQ(named.status, 200) << named.body;
  EXPECT_EQ(named.json["identity"], "shown");
  EXPECT_EQ(named.json["reporter"]["name"], "Siti Aminah");
}

TEST_F(LifecycleTest, ConfidentialComplaintStaysOutOfPublicFeed) {
  json secret = SampleComplaint();
  secret["confidential"] = true;
  secret["title"] = "Pungutan liar di kantor kecamatan";
  json secret_receipt = SubmitOk(secret);
  const std::string secret_id = secret_receipt.value("tracking_id", "");
  const std::string public_id = SubmitOk().value("tracking_id", "");
  // The feed shows only verified cases, so both are verified: only the flag tells them apart.
  EXPECT_EQ(ActOk(admin_, secret_id, "verify"), "verified");
  EXPECT_EQ(ActOk(admin_, public_id, "verify"), "verified");

  ApiReply feed = api_->Get("/api/v1/feed");
  ASSERT_EQ(feed.status, 200) << feed.body;
  EXPECT_EQ(feed.json["total"], 1);
  ASSERT_EQ(feed.json["items"].size(), 1u);
  EXPECT_EQ(feed.json["items"][0]["tracking_id"], public_id);
  EXPECT_EQ(feed.body.find(secret_id), std::string::npos);
  EXPECT_EQ(feed.body.find("Pungutan liar"), std::string::npos);
  EXPECT_EQ(feed.body.find("Siti Aminah"), std::string::npos) << "no identities in the feed";

  ApiReply tracked = api_->Track(secret_id, secret_receipt.value("access_code", ""));
  ASSERT_EQ(tracked.status, 200) << tracked.body;
  EXPECT_EQ(tracked.json["confidential"], true);
}

// The intake route raises the 1 MiB default body limit: a 1.5 MiB attachment goes through and
// comes back byte for byte.
TEST_F(LifecycleTest, AttachmentAboveDefaultBodyLimitIsAccepted) {
  std::string pdf = "%PDF-1.4\n";
  pdf.resize(3 * (1 << 20) / 2, 'x');
  json complaint = SampleComplaint();
  complaint["attachments"] = {{{"filename", "foto-jalan.pdf"},
                               {"media_type", "application/pdf"},
                               {"content_base64", crypto::Base64Encode(crypto::AsBytes(pdf))}}};
  const std::string id = SubmitOk(complaint).value("tracking_id", "");
  ASSERT_FALSE(id.empty());

  ApiReply detail = api_->Case(id, admin_);
  ASSERT_EQ(detail.status, 200) << detail.body;
  ASSERT_EQ(detail.json["attachments"].size(), 1u);
  EXPECT_EQ(detail.json["attachments"][0]["size"], pdf.size());
  ApiReply file = api_->Get(
      "/api/v1/cases/" + id + "/attachments/" + detail.json["attachments"][0].value("sha256", ""),
      admin_);
  ASSERT_EQ(file.status, 200);
  EXPECT_EQ(file.body, pdf);
}

TEST_F(LifecycleTest, CaseAndHistorySurviveRestart) {
  json submitted = SubmitOk();
  const std::string id = submitted.value("tracking_id", "");
  AddUnit("dinas-pu", "Dinas Pekerjaan Umum");
  EXPECT_EQ(ActOk(admin_, id, "verify"), "verified");
  EXPECT_EQ(ActOk(admin_, id, "dispose", {{"unit", "dinas-pu"}}), "dispositioned");
  ApiReply before = api_->Case(id, admin_);
  ASSERT_EQ(before.status, 200) << before.body;

  api_->http().Close();  // an idle keep-alive connection would hold up the node's shutdown
  auto restarted = node_->Restart();
  ASSERT_TRUE(restarted) << restarted.error().message;
  api_ = std::make_unique<NodeApi>(node_->port());
  EXPECT_EQ(api_->Get("/readyz").status, 200);
  const std::string admin = api_->Login("admin", node_->admin_password());

  ApiReply after = api_->Case(id, admin);
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_EQ(after.json["state"], "dispositioned");
  EXPECT_EQ(after.json["unit"], "dinas-pu");
  EXPECT_EQ(after.json["events"], before.json["events"]);
  EXPECT_EQ(after.json["commitment"], before.json["commitment"]);
  EXPECT_EQ(after.json["reporter"]["name"], "Siti Aminah") << "the identity key still opens";
  ApiReply tracked = api_->Track(id, submitted.value("access_code", ""));
  EXPECT_EQ(tracked.status, 200) << "the access code still works";

  json next = SubmitOk();
  EXPECT_NE(next.value("tracking_id", ""), id) << "the tracking sequence is not reused";
}

}  // namespace
}  // namespace simpul::testing
