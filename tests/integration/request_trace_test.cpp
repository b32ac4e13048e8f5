// Logs across a federation hop, with real processes and mutual TLS: a staff request's
// X-Request-Id reaches the receiving node's log line for the envelope it caused, and no personal
// data or secret reaches either node's log or /metrics.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "crypto/random.hpp"
#include "tests/integration/federation_fixture.hpp"

namespace simpul::testing {
namespace {

using nlohmann::json;

class RequestTraceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fed_.LogAs("debug", "json");
    fed_.Build({
        {"kab:32.04", "32.04", {"--class", "regency"}},
        {"kl:pupr", "", {"--class", "ministry", "--categories", "infrastruktur"}},
    });
    if (HasFatalFailure()) return;
    fed_.StartAll();
  }

  static std::string ReadLog(const NodeProcess& node) {
    std::ifstream in(node.log_path());
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // The JSON log lines of `node` whose "event" is `event`.
  static std::vector<json> Events(const NodeProcess& node, const std::string& event) {
    std::vector<json> out;
    std::istringstream lines(ReadLog(node));
    for (std::string line; std::getline(lines, line);) {
      auto j = json::parse(line, nullptr, false);
      if (j.is_object() && j.value("event", "") == event) out.push_back(std::move(j));
    }
    return out;
  }

  // Staff action `action` at `node` sent with X-Request-Id `request_id`.
  ApiReply ActWithRequestId(const std::string& node, const std::string& id,
                            const std::string& action, const json& body,
                            const std::string& request_id) {
    NodeApi api(fed_.node(node).port());
    HttpHeaders headers = Bearer(fed_.Token(node));
    headers.emplace_back("X-Request-Id", request_id);
    return api.Send("POST", "/api/v1/cases/" + id + "/" + action, body.dump(), headers);
  }

  // The receiver's "envelope_applied" line for a case.forward of `id`, once it is logged.
  json AppliedForward(const std::string& node, const std::string& id) {
    json found;
    Federation::Eventually([&] {
      for (auto& e : Events(fed_.node(node), "envelope_applied")) {
        if (e.value("type", "") == "case.forward" && e.value("case", "") == id) {
          found = std::move(e);
          return true;
        }
      }
      return false;
    });
    return found;
  }

  Federation fed_;
};

TEST_F(RequestTraceTest, ForwardCarriesTheStaffRequestIdIntoTheReceiversLog) {
  NodeApi pupr(fed_.node("kl:pupr").port());
  ApiReply filed = pupr.Submit(SampleComplaint());
  ASSERT_EQ(filed.status, 201) << filed.body;
  const std::string id = filed.json.value("tracking_id", "");
  ASSERT_EQ(ActWithRequestId("kl:pupr", id, "verify", json::object(), "trace-verify").status, 200);
  const std::string request_id = "trace-fwd-" + crypto::RandomToken(8);
  ApiReply forwarded =
      ActWithRequestId("kl:pupr", id, "forward", {{"target_node", "kab:32.04"}}, request_id);
  ASSERT_EQ(forwarded.status, 200) << forwarded.body;

  // The sender: the action and the envelope it queued name the request.
  bool action_logged = false;
  for (const auto& e : Events(fed_.node("kl:pupr"), "case_action")) {
    action_logged |= e.value("request_id", "") == request_id && e.value("action", "") == "forward";
  }
  EXPECT_TRUE(action_logged) << fed_.node("kl:pupr").LogTail();
  std::string msg_id;
  for (const auto& e : Events(fed_.node("kl:pupr"), "envelope_queued")) {
    if (e.value("request_id", "") == request_id && e.value("type", "") == "case.forward") {
      msg_id = e.value("msg_id", "");
    }
  }
  ASSERT_FALSE(msg_id.empty()) << fed_.node("kl:pupr").LogTail();

  // The receiver: the applied envelope names the sender's request and its own inbox request.
  json applied = AppliedForward("kab:32.04", id);
  ASSERT_TRUE(applied.is_object()) << fed_.node("kab:32.04").LogTail(6000);
  EXPECT_EQ(applied.value("origin_request_id", ""), request_id) << applied.dump();
  EXPECT_EQ(applied.value("msg_id", ""), msg_id) << applied.dump();
  EXPECT_EQ(applied.value("peer", ""), "kl:pupr");
  EXPECT_EQ(applied.value("level", ""), "info");
  const std::string own = applied.value("request_id", "");
  EXPECT_FALSE(own.empty());
  EXPECT_NE(own, request_id);
}

TEST_F(RequestTraceTest, LogsAndMetricsHoldNoPersonalDataOrSecrets) {
  const std::string tag = crypto::RandomToken(10);
  const std::string name = "Wiryawan Planted" + tag;
  const std::string nik =
      "3204" + std::to_string(100000000000ULL + std::hash<std::string>{}(tag) % 899999999999ULL);
  const std::string phone = "0857" + nik.substr(4, 8);
  const std::string email = "planted." + tag + "@example.org";
  const std::string title = "Judul rahasia " + tag;
  const std::string text = "Isi aduan yang tidak boleh tercatat " + tag;
  const std::string reply_text = "Balasan pelapor " + tag;
  const std::string staff_note = "Catatan staf " + tag;
  json complaint = SampleComplaint();
  complaint["title"] = title;
  complaint["body"] = text;
  complaint["reporter"] = {{"name", name}, {"nik", nik}, {"phone", phone}, {"email", email}};

  NodeApi pupr(fed_.node("kl:pupr").port());
  ApiReply filed = pupr.Submit(complaint);
  ASSERT_EQ(filed.status, 201) << filed.body;
  const std::string id = filed.json.value("tracking_id", "");
  const std::string access_code = filed.json.value("access_code", "");
  ASSERT_FALSE(access_code.empty());
  // Sign-in: the password and the session token are secrets.
  const std::string password = fed_.node("kl:pupr").admin_password();
  const std::string token = pupr.Login("admin", password);
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(pupr.Track(id, access_code).status, 200);
  EXPECT_EQ(pupr.Act(token, id, "verify", {{"reason", staff_note}}).status, 200);
  EXPECT_EQ(pupr.Reply(id, access_code, reply_text).status, 201);
  ApiReply forwarded = pupr.Act(token, id, "forward", {{"target_node", "kab:32.04"}});
  ASSERT_EQ(forwarded.status, 200) << forwarded.body;
  ASSERT_TRUE(AppliedForward("kab:32.04", id).is_object()) << fed_.node("kab:32.04").LogTail(6000);

  const std::vector<std::pair<std::string, std::string>> secrets = {{"reporter name", name},
                                                                    {"NIK", nik},
                                                                    {"phone", phone},
                                                                    {"email", email},
                                                                    {"title", title},
                                                                    {"complaint text", text},
                                                                    {"reporter reply", reply_text},
                                                                    {"staff note", staff_note},
                                                                    {"access code", access_code},
                                                                    {"password", password},
                                                                    {"session token", token}};
  for (const std::string node : {"kl:pupr", "kab:32.04"}) {
    const std::string log = ReadLog(fed_.node(node));
    ASSERT_FALSE(log.empty()) << node;
    // The scan means something: the log does hold this request's lines.
    EXPECT_NE(log.find(id), std::string::npos) << node << " never logged the case";
    const std::string metrics = NodeApi(fed_.node(node).port()).Get("/metrics").body;
    ASSERT_FALSE(metrics.empty()) << node;
    for (const auto& [what, value] : secrets) {
      EXPECT_EQ(log.find(value), std::string::npos) << node << "'s log holds the " << what;
      EXPECT_EQ(metrics.find(value), std::string::npos) << node << "'s /metrics hold the " << what;
    }
  }
}

}  // namespace
}  // namespace simpul::testing
