// The federation end to end with real processes, real mutual TLS and real SQLite files: a
// coordinator, a province (prov:32), a regency in it (kab:32.04) and a ministry (kl:pupr).
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "tests/integration/federation_fixture.hpp"

namespace simpul::testing {
namespace {

using nlohmann::json;

class FederationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fed_.Build({
        {"prov:32", "32", {"--class", "province"}},
        {"kab:32.04", "32.04", {"--class", "regency", "--parent", "prov:32"}},
        {"kl:pupr", "", {"--class", "ministry", "--categories", "infrastruktur"}},
    });
    if (HasFatalFailure()) return;
    fed_.StartAll();
  }

  // Files the sample complaint (a road in Kabupaten Bandung) at `node`; returns {id, code}.
  std::pair<std::string, std::string> File(const std::string& node) {
    NodeApi api(fed_.node(node).port());
    ApiReply r = api.Submit(SampleComplaint());
    EXPECT_EQ(r.status, 201) << r.body;
    return {r.json.value("tracking_id", ""), r.json.value("access_code", "")};
  }

  ApiReply Act(const std::string& node, const std::string& id, const std::string& action,
               const json& body = json::object()) {
    NodeApi api(fed_.node(node).port());
    return api.Act(fed_.Token(node), id, action, body);
  }

  json CaseAt(const std::string& node, const std::string& id) {
    NodeApi api(fed_.node(node).port());
    ApiReply r = api.Case(id, fed_.Token(node));
    return r.status == 200 ? r.json : json();
  }

  // Waits until `probe(case json)` holds for case `id` at `node`.
  template <class Probe>
  bool WaitCase(const std::string& node, const std::string& id, Probe probe) {
    return Federation::Eventually([&] {
      json c = CaseAt(node, id);
      return c.is_object() && probe(c);
    });
  }

  Federation fed_;
};

TEST_F(FederationTest, ComplaintAtMinistryIsRoutedForwardedAnsweredAndSeenByTheCitizen) {
  auto [id, code] = File("kl:pupr");
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(Act("kl:pupr", id, "verify").status, 200);

  // No wrong door: the directory's jurisdictions suggest the regency first.
  NodeApi pupr(fed_.node("kl:pupr").port());
  ApiReply routes = pupr.Get("/api/v1/cases/" + id + "/routes", fed_.Token("kl:pupr"));
  ASSERT_EQ(routes.status, 200) << routes.body;
  ASSERT_FALSE(routes.json["suggestions"].empty()) << routes.body;
  EXPECT_EQ(routes.json["suggestions"][0]["node_id"], "kab:32.04") << routes.body;

  ApiReply forwarded = Act("kl:pupr", id, "forward", {{"target_node", "kab:32.04"}});
  ASSERT_EQ(forwarded.status, 200) << forwarded.body;
  EXPECT_EQ(forwarded.json["state"], "forwarded");

  // It appears in the regency's queue with its origin, without the reporter's identity.
  ASSERT_TRUE(WaitCase("kab:32.04", id, [](const json&) { return true; }))
      << fed_.node("kab:32.04").LogTail() << fed_.node("kl:pupr").LogTail();
  json at_kab = CaseAt("kab:32.04", id);
  EXPECT_EQ(at_kab["state"], "submitted");
  EXPECT_EQ(at_kab["federation"]["upstream"], "kl:pupr");
  EXPECT_EQ(at_kab["federation"]["origin"], "kl:pupr");
  EXPECT_TRUE(at_kab["reporter"].is_null()) << at_kab.dump();
  EXPECT_EQ(at_kab.dump().find("Siti Aminah"), std::string::npos);

  // The regency accepts, assigns, answers and resolves.
  ASSERT_EQ(Act("kab:32.04", id, "verify").status, 200);
  auto unit = fed_.node("kab:32.04").AddUnit("dpu", "Dinas Pekerjaan Umum");
  ASSERT_TRUE(unit) << unit.error().message;
  ASSERT_EQ(Act("kab:32.04", id, "dispose", {{"unit", "dpu"}}).status, 200);
  ASSERT_EQ(Act("kab:32.04", id, "respond", {{"message", "Tim sudah meninjau lokasi."}}).status,
            200);
  ASSERT_EQ(Act("kab:32.04", id, "resolve", {{"message", "Jalan sudah ditambal."}}).status, 200);

  // The ministry sees the handler's progress; the citizen, tracking at the ministry, sees the
  // answer.
  ASSERT_TRUE(WaitCase("kl:pupr", id, [](const json& c) {
    return c["federation"].is_object() && c["federation"]["handler_state"] == "resolved";
  })) << CaseAt("kl:pupr", id).dump();
  ApiReply tracked = pupr.Track(id, code);
  ASSERT_EQ(tracked.status, 200) << tracked.body;
  EXPECT_EQ(tracked.json["handled_by"], "kab:32.04");
  EXPECT_EQ(tracked.json["handler_state"], "resolved");
  EXPECT_NE(tracked.body.find("Jalan sudah ditambal."), std::string::npos) << tracked.body;
  EXPECT_NE(tracked.body.find("Tim sudah meninjau lokasi."), std::string::npos) << tracked.body;

  // The citizen's reply at the ministry reaches the handler and reopens the case there.
  ASSERT_EQ(pupr.Reply(id, code, "Masih ada lubang di sisi timur.").status, 201);
  EXPECT_TRUE(WaitCase("kab:32.04", id, [](const json& c) { return c["state"] == "reopened"; }))
      << CaseAt("kab:32.04", id).dump();
}

TEST_F(FederationTest, DeclinedCaseReturnsToTheSenderWhichReroutesIt) {
  auto [id, code] = File("kl:pupr");
  ASSERT_EQ(Act("kl:pupr", id, "verify").status, 200);
  ASSERT_EQ(Act("kl:pupr", id, "forward", {{"target_node", "prov:32"}}).status, 200);
  ASSERT_TRUE(WaitCase("prov:32", id, [](const json&) { return true; }));
  ApiReply declined =
      Act("prov:32", id, "decline",
          {{"reason", "Jalan kabupaten, bukan wewenang provinsi."}, {"target_node", "kab:32.04"}});
  ASSERT_EQ(declined.status, 200) << declined.body;
  EXPECT_EQ(declined.json["state"], "archived");
  ASSERT_TRUE(WaitCase("kl:pupr", id, [](const json& c) { return c["state"] == "verified"; }))
      << CaseAt("kl:pupr", id).dump();
  json back = CaseAt("kl:pupr", id);
  EXPECT_NE(back.dump().find("kab:32.04"), std::string::npos);  // the suggested node is shown
  ASSERT_EQ(Act("kl:pupr", id, "forward", {{"target_node", "kab:32.04"}}).status, 200);
  EXPECT_TRUE(WaitCase("kab:32.04", id, [](const json& c) { return c["state"] == "submitted"; }));
}

TEST_F(FederationTest, MultiHopKeepsTheOriginInformed) {
  auto [id, code] = File("kl:pupr");
  ASSERT_EQ(Act("kl:pupr", id, "verify").status, 200);
  ASSERT_EQ(Act("kl:pupr", id, "forward", {{"target_node", "prov:32"}}).status, 200);
  ASSERT_TRUE(WaitCase("prov:32", id, [](const json&) { return true; }));
  ASSERT_EQ(Act("prov:32", id, "verify").status, 200);
  ASSERT_EQ(Act("prov:32", id, "forward", {{"target_node", "kab:32.04"}}).status, 200);
  ASSERT_TRUE(WaitCase("kab:32.04", id, [](const json&) { return true; }));
  json at_kab = CaseAt("kab:32.04", id);
  EXPECT_EQ(at_kab["federation"]["origin"], "kl:pupr");
  EXPECT_EQ(at_kab["federation"]["upstream"], "prov:32");
  ASSERT_EQ(Act("kab:32.04", id, "verify").status, 200);
  auto unit = fed_.node("kab:32.04").AddUnit("dpu", "Dinas Pekerjaan Umum");
  ASSERT_TRUE(unit) << unit.error().message;
  ASSERT_EQ(Act("kab:32.04", id, "dispose", {{"unit", "dpu"}}).status, 200);
  ASSERT_EQ(Act("kab:32.04", id, "respond", {{"message", "Perbaikan dijadwalkan."}}).status, 200);
  // The response travels regency → province → ministry, where the citizen reads it.
  NodeApi pupr(fed_.node("kl:pupr").port());
  EXPECT_TRUE(Federation::Eventually([&] {
    ApiReply t = pupr.Track(id, code);
    return t.status == 200 && t.body.find("Perbaikan dijadwalkan.") != std::string::npos;
  })) << pupr.Track(id, code).body;
  // And a citizen reply travels back down to the regency.
  ASSERT_EQ(pupr.Reply(id, code, "Terima kasih, kapan mulai?").status, 201);
  EXPECT_TRUE(WaitCase("kab:32.04", id, [](const json& c) {
    return c.dump().find("Terima kasih, kapan mulai?") != std::string::npos;
  }));
}

// The federation staff routes admit exactly their roles (they are registered only on a federated
// node, so the route-table authorisation matrix does not see them).
TEST_F(FederationTest, FederationStaffRoutesAdmitTheirRolesOnly) {
  auto [id, code] = File("kl:pupr");
  auto& node = fed_.node("kl:pupr");
  NodeApi api(node.port());
  const std::string peers = "/api/v1/federation/peers";
  const std::string routes = "/api/v1/cases/" + id + "/routes";
  EXPECT_EQ(api.Get(peers).status, 401);
  EXPECT_EQ(api.Get(routes).status, 401);
  const std::map<std::string, std::pair<int, int>> expected = {
      // role: {peers, routes}
      {"verifier", {403, 200}},
      {"unit_officer", {403, 403}},
      {"supervisor", {200, 200}},
      {"auditor", {200, 403}},
  };
  ASSERT_TRUE(node.AddUnit("dpu", "Direktorat Jalan"));
  for (const auto& [role, want] : expected) {
    auto password = node.AddUser("user_" + role, role, role == "unit_officer" ? "dpu" : "");
    ASSERT_TRUE(password) << role << ": " << password.error().message;
    const std::string token = api.Login("user_" + role, *password);
    EXPECT_EQ(api.Get(peers, token).status, want.first) << role;
    EXPECT_EQ(api.Get(routes, token).status, want.second) << role;
  }
  EXPECT_EQ(api.Get(peers, fed_.Token("kl:pupr")).status, 200);
  EXPECT_EQ(api.Get(routes, fed_.Token("kl:pupr")).status, 200);
}

}  // namespace
}  // namespace simpul::testing
