// An Open311 GeoReport v2 client against a real simpuld process: keys issued and revoked with
// simpulctl while the node runs, a request filed with a key (form-encoded, as the spec defines)
// and read back by id and in the filtered list in JSON and XML, a confidential request that
// never appears, and a wrong key that is refused with nothing stored.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

#include "crypto/bytes.hpp"
#include "crypto/ed25519.hpp"
#include "tests/integration/node_api.hpp"
#include "tests/support/node_process.hpp"

namespace simpul::testing {
namespace {

using nlohmann::json;

const HttpHeaders kForm = {{"Content-Type", "application/x-www-form-urlencoded"}};

class Open311Test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = NodeProcess::Create();
    ASSERT_TRUE(created) << created.error().message;
    node_ = std::move(*created);
    ASSERT_TRUE(node_->Start());
    api_ = std::make_unique<NodeApi>(node_->port());
    admin_ = api_->Login("admin", node_->admin_password());
    ASSERT_FALSE(admin_.empty());
    key_ = IssueKey("Aplikasi Warga Bandung");
    ASSERT_TRUE(key_.starts_with("o311_")) << key_;
  }

  // `simpulctl open311 key add` against the running node's database; returns the key.
  json IssueKeyJson(const std::string& label) {
    auto out = node_->Ctl({"--json", "open311", "key", "add", "--label", label});
    EXPECT_TRUE(out && out->exit_code == 0) << (out ? out->out : out.error().message);
    return out ? json::parse(out->out, nullptr, false) : json();
  }
  std::string IssueKey(const std::string& label) {
    json j = IssueKeyJson(label);
    return j.is_object() ? j.value("api_key", "") : "";
  }

  ApiReply PostForm(const std::string& target, const std::string& body) {
    return api_->Send("POST", target, body, kForm);
  }

  std::string FileRoadRequest(const std::string& key, const std::string& extra = "") {
    ApiReply r = PostForm("/open311/v2/requests.json",
                          "api_key=" + key +
                              "&service_code=infrastruktur.jalan&description=Jalan+berlubang+"
                              "besar+di+depan+pasar+Banjaran&address_string=Jl.+Raya+Banjaran"
                              "&lat=-7.05&long=107.59&first_name=Siti&last_name=Aminah"
                              "&email=siti%40example.id" +
                              extra);
    EXPECT_EQ(r.status, 201) << r.body;
    if (!r.json.is_array() || r.json.empty()) return "";
    last_reply_ = r.json[0];
    return r.json[0].value("service_request_id", "");
  }

  std::unique_ptr<NodeProcess> node_;
  std::unique_ptr<NodeApi> api_;
  std::string admin_, key_;
  json last_reply_;
};

TEST_F(Open311Test, DiscoveryAndServicesDescribeThisNode) {
  ApiReply discovery = api_->Get("/open311/v2/discovery.json");
  ASSERT_EQ(discovery.status, 200) << discovery.body;
  const json& endpoint = discovery.json["endpoints"][0];
  EXPECT_EQ(endpoint["url"], "http://127.0.0.1:" + std::to_string(node_->port()) + "/open311/v2");
  EXPECT_EQ(endpoint["formats"], json({"text/xml", "application/json"}));
  ApiReply services = api_->Get("/open311/v2/services.json");
  ASSERT_EQ(services.status, 200);
  bool found = false;
  for (const auto& s : services.json) found = found || s["service_code"] == "infrastruktur.jalan";
  EXPECT_TRUE(found) << services.body;
  ApiReply xml = api_->Get("/open311/v2/services/infrastruktur.jalan.xml");
  ASSERT_EQ(xml.status, 200);
  EXPECT_TRUE(
      xml.body.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                           "<service_definition><service_code>infrastruktur.jalan"))
      << xml.body;
  EXPECT_NE(xml.body.find("<code>confidential</code>"), std::string::npos);
  ApiReply missing = api_->Get("/open311/v2/services/tidak.ada.json");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.json[0]["code"], 404) << missing.body;
}

TEST_F(Open311Test, AClientFilesARequestAndReadsItBackInJsonAndXml) {
  const std::string id = FileRoadRequest(key_);
  ASSERT_FALSE(id.empty());
  // The receipt rides along as an extension field and verifies with the node's key.
  const json& receipt = last_reply_["simpul_receipt"];
  auto node_key = crypto::ParsePublicKeyBase64(
      api_->Get("/api/v1/node").json["keys"][0].value("public_key", ""));
  ASSERT_TRUE(node_key);
  auto signature = crypto::Base64Decode(receipt.value("signature", ""));
  ASSERT_TRUE(signature);
  EXPECT_TRUE(crypto::Ed25519Verify(
      *node_key, crypto::AsBytes("simpul/v1/receipt\n" + receipt.value("payload_canonical", "")),
      *signature));
  EXPECT_FALSE(receipt.value("access_code", "").empty());
  ApiReply staff_view = api_->Case(id, admin_);
  ASSERT_EQ(staff_view.status, 200);
  EXPECT_EQ(staff_view.json["channel"], "open311");

  EXPECT_EQ(api_->Get("/open311/v2/requests/" + id + ".json").status, 404)
      << "not public before verification";
  ASSERT_EQ(api_->Act(admin_, id, "verify").status, 200);

  ApiReply one = api_->Get("/open311/v2/requests/" + id + ".json");
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.json[0]["service_request_id"], id);
  EXPECT_EQ(one.json[0]["status"], "open");
  EXPECT_EQ(one.json[0]["address"], "Jl. Raya Banjaran");
  EXPECT_DOUBLE_EQ(one.json[0]["lat"].get<double>(), -7.05);
  EXPECT_EQ(one.body.find("Siti"), std::string::npos) << "reporter identity is not public";
  ApiReply xml = api_->Get("/open311/v2/requests/" + id + ".xml");
  ASSERT_EQ(xml.status, 200);
  EXPECT_NE(xml.body.find("<service_requests><request><service_request_id>" + id +
                          "</service_request_id><status>open</status>"),
            std::string::npos)
      << xml.body;

  const std::string list =
      "/open311/v2/requests.json?service_code=infrastruktur.jalan"
      "&status=open&start_date=2020-01-01T00:00:00%2B07:00"
      "&end_date=2020-03-01T00:00:00Z";
  ApiReply old_range = api_->Get(list);
  ASSERT_EQ(old_range.status, 200) << old_range.body;
  EXPECT_TRUE(old_range.json.empty()) << "filed today, outside that range";
  ApiReply listed = api_->Get(
      "/open311/v2/requests.xml?service_code=infrastruktur.jalan"
      "&status=open&page=1&page_size=10");
  ASSERT_EQ(listed.status, 200);
  EXPECT_NE(listed.body.find("<service_request_id>" + id + "</service_request_id>"),
            std::string::npos);
  ApiReply closed = api_->Get("/open311/v2/requests.json?status=closed");
  ASSERT_EQ(closed.status, 200);
  EXPECT_TRUE(closed.json.empty()) << closed.body;
}

TEST_F(Open311Test, AConfidentialRequestNeverAppears) {
  const std::string id = FileRoadRequest(key_, "&attribute%5Bconfidential%5D=true");
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(api_->Act(admin_, id, "verify").status, 200);
  ApiReply one = api_->Get("/open311/v2/requests/" + id + ".xml");
  EXPECT_EQ(one.status, 404);
  EXPECT_NE(one.body.find("<errors><error><code>404</code>"), std::string::npos) << one.body;
  for (const std::string& target :
       {std::string("/open311/v2/requests.json"),
        "/open311/v2/requests.json?service_request_id=" + id, std::string("/api/v1/feed")}) {
    ApiReply r = api_->Get(target);
    ASSERT_EQ(r.status, 200) << target;
    EXPECT_EQ(r.body.find(id), std::string::npos) << target << ": " << r.body;
  }
}

TEST_F(Open311Test, AWrongOrRevokedKeyIsRefusedAndNothingIsStored) {
  const std::int64_t before = api_->CaseCount(admin_);
  ApiReply wrong = PostForm("/open311/v2/requests.json",
                            "api_key=o311_not-a-key&service_code=infrastruktur.jalan"
                            "&description=Jalan+berlubang+besar&first_name=A&phone=0812345678");
  EXPECT_EQ(wrong.status, 403);
  ASSERT_TRUE(wrong.json.is_array()) << wrong.body;
  EXPECT_EQ(wrong.json[0]["code"], 403);
  ApiReply missing = PostForm("/open311/v2/requests.xml", "service_code=infrastruktur.jalan");
  EXPECT_EQ(missing.status, 403);
  EXPECT_NE(missing.body.find("<errors><error><code>403</code>"), std::string::npos);

  json second = IssueKeyJson("Aplikasi Kedua");
  ASSERT_FALSE(FileRoadRequest(second.value("api_key", "")).empty()) << "issued while running";
  auto revoked = node_->Ctl({"open311", "key", "revoke", std::to_string(second.value("id", 0))});
  ASSERT_TRUE(revoked && revoked->exit_code == 0);
  ApiReply after = PostForm("/open311/v2/requests.json",
                            "api_key=" + second.value("api_key", "") +
                                "&service_code=infrastruktur.jalan&description=Jalan+berlubang"
                                "+besar&first_name=A&phone=0812345678");
  EXPECT_EQ(after.status, 403) << after.body;
  EXPECT_EQ(api_->CaseCount(admin_), before + 1) << "only the request with a valid key";
  auto listed = node_->Ctl({"--json", "open311", "key", "list"});
  ASSERT_TRUE(listed && listed->exit_code == 0);
  EXPECT_EQ(listed->out.find(key_), std::string::npos) << "list never shows a key";
}

}  // namespace
}  // namespace simpul::testing
