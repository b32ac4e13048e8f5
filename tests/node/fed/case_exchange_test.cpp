#include "node/fed/case_exchange.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/node/fed/fed_test_fixture.hpp"

namespace simpul::fed::testing {
namespace {

using domain::CaseAction;
using domain::CaseState;

class CaseExchangeTest : public FedTest {
 protected:
  // Files ValidDraft() here (reporter named, with NIK) and verifies it; returns its tracking id.
  std::string SubmitVerified() {
    auto submitting = cases_->Submit(service::testing::ValidDraft());
    auto submitted = simpul::testing::RunAwait(io_, std::move(submitting));
    EXPECT_TRUE(submitted.has_value()) << submitted.error().message;
    if (!submitted) return "";
    service::ActionCommand verify;
    verify.action = CaseAction::kVerify;
    auto verified = Act(submitted->tracking_id, verify);
    EXPECT_TRUE(verified.has_value()) << verified.error().message;
    return submitted->tracking_id;
  }
  Result<service::CaseView> Act(const std::string& tracking_id, service::ActionCommand cmd) {
    auto acting = cases_->Act(verifier_, tracking_id, std::move(cmd));
    return simpul::testing::RunAwait(io_, std::move(acting));
  }
  Result<service::CaseView> Forward(const std::string& tracking_id, std::string target) {
    service::ActionCommand forward;
    forward.action = CaseAction::kForward;
    forward.target_node = std::move(target);
    return Act(tracking_id, std::move(forward));
  }
};

TEST_F(CaseExchangeTest, ForwardSendsTheCaseWithoutReporterIdentity) {
  const auto id = SubmitVerified();
  ASSERT_FALSE(id.empty());

  auto forwarded = Forward(id, std::string(kRegency));

  ASSERT_TRUE(forwarded.has_value()) << forwarded.error().message;
  EXPECT_EQ(forwarded->record.state, CaseState::kForwarded);
  const auto sent = OutboxTo(kRegency);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].type, "case.forward");
  EXPECT_EQ(sent[0].case_ref, id);
  EXPECT_EQ(sent[0].seq, 1);
  const auto reporter = service::testing::ValidDraft().reporter;
  EXPECT_EQ(sent[0].envelope.find(reporter.name), std::string::npos);
  EXPECT_EQ(sent[0].envelope.find(reporter.nik), std::string::npos);
  EXPECT_EQ(sent[0].envelope.find(reporter.phone), std::string::npos);
  EXPECT_EQ(sent[0].envelope.find(reporter.email), std::string::npos);
  EXPECT_FALSE(json::parse(sent[0].envelope).at("body").at("case").contains("reporter"));

  // What the regency receives verifies as from this node, and names the case.
  const federation::VerifyContext ctx{
      .keys = *directory_, .self_id = kRegency, .tls_peer_id = kSelf, .now = now_};
  auto env = federation::VerifyEnvelope(sent[0].envelope, ctx);
  ASSERT_TRUE(env.has_value()) << env.error().message;
  EXPECT_EQ(env->case_id, id);
  EXPECT_EQ(json::parse(*env->body).at("case").at("origin"), kSelf);
  const auto link = LinkOf(forwarded->record.id);
  ASSERT_TRUE(link.has_value());
  EXPECT_EQ(link->handler, kRegency);
  EXPECT_EQ(link->handler_state, "submitted");
}

TEST_F(CaseExchangeTest, DeclineFromTheHandlerReturnsTheCaseToVerified) {
  const auto id = SubmitVerified();
  ASSERT_TRUE(Forward(id, std::string(kRegency)).has_value());
  const auto rec = FindCase(id);
  ASSERT_TRUE(rec.has_value());
  const auto events_before = EventsOf(rec->id).size();

  const auto decline =
      Next(regency_, MessageType::kCaseDecline, id,
           R"({"reason":"Jalan provinsi, bukan kabupaten","suggested_node":"prov:32"})");
  const auto outcome = ReceiveOne(regency_.from, decline);

  EXPECT_EQ(outcome.status, "applied") << (outcome.error ? outcome.error->message : "");
  EXPECT_EQ(FindCase(id)->state, CaseState::kVerified);
  const auto events = EventsOf(rec->id);
  ASSERT_EQ(events.size(), events_before + 1);
  EXPECT_EQ(events.back().action, CaseAction::kPeerUpdate);
  EXPECT_EQ(events.back().state_after, CaseState::kVerified);
  EXPECT_EQ(events.back().actor, "node:kab:32.04");
  EXPECT_FALSE(events.back().is_public);
  EXPECT_EQ(json::parse(events.back().detail).at("reason"), "Jalan provinsi, bukan kabupaten");
  const auto link = LinkOf(rec->id);
  ASSERT_TRUE(link.has_value());
  EXPECT_EQ(link->handler, "");
  EXPECT_EQ(link->handler_state, "");

  // With the handler cleared, the regency may no longer report on the case.
  const auto late = Next(regency_, MessageType::kCaseStatus, id, R"({"state":"in_progress"})");
  const auto refused = ReceiveOne(regency_.from, late);
  EXPECT_EQ(refused.status, "dead");
  ASSERT_TRUE(refused.error.has_value());
  EXPECT_EQ(refused.error->code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(FindCase(id)->state, CaseState::kVerified);
}

TEST_F(CaseExchangeTest, StatusAndResponseFromTheHandlerAfterASecondForward) {
  const auto id = SubmitVerified();
  ASSERT_TRUE(Forward(id, std::string(kRegency)).has_value());
  const auto decline = Next(regency_, MessageType::kCaseDecline, id,
                            R"({"reason":"Salah alamat","suggested_node":"kl:kemenkes"})");
  ASSERT_EQ(ReceiveOne(regency_.from, decline).status, "applied");
  auto again = Forward(id, std::string(kRegency));
  ASSERT_TRUE(again.has_value()) << again.error().message;
  ASSERT_EQ(OutboxTo(kRegency).size(), 2u);
  const auto case_id = again->record.id;
  const auto events_before = EventsOf(case_id).size();

  const auto status =
      Next(regency_, MessageType::kCaseStatus, id, R"({"state":"in_progress","note":"Survei"})");
  const auto response = Next(regency_, MessageType::kCaseResponse, id,
                             R"({"message":"Perbaikan dijadwalkan pekan depan."})");
  auto outcomes = Receive(regency_.from, {status, response});

  ASSERT_TRUE(outcomes.has_value()) << outcomes.error().message;
  ASSERT_EQ(outcomes->size(), 2u);
  EXPECT_EQ((*outcomes)[0].status, "applied");
  EXPECT_EQ((*outcomes)[1].status, "applied");
  const auto link = LinkOf(case_id);
  ASSERT_TRUE(link.has_value());
  EXPECT_EQ(link->handler, kRegency);
  EXPECT_EQ(link->handler_state, "in_progress");
  EXPECT_EQ(FindCase(id)->state, CaseState::kForwarded);
  const auto events = EventsOf(case_id);
  ASSERT_EQ(events.size(), events_before + 2);
  EXPECT_EQ(events[events_before].action, CaseAction::kPeerUpdate);
  EXPECT_EQ(json::parse(events[events_before].detail).at("state"), "in_progress");
  const auto& answer = events.back();
  EXPECT_EQ(answer.action, CaseAction::kPeerUpdate);
  EXPECT_TRUE(answer.is_public);
  EXPECT_EQ(json::parse(answer.detail).at("message"), "Perbaikan dijadwalkan pekan depan.");
  // This node is the origin: there is nobody upstream to relay to.
  EXPECT_EQ(OutboxTo(kRegency).size(), 2u);
  EXPECT_TRUE(OutboxTo(kMinistry).empty());
}

// This node as the middle hop: the ministry forwarded the case here and this node forwarded it on
// to the regency. What it relays either way carries the request id of the sender's request that
// caused the envelope (X-Simpul-Request-Ids), so the three nodes' logs join up.
TEST_F(CaseExchangeTest, RelaysCarryTheOriginRequestIdToTheNextHop) {
  const std::string id = "KLKEMENKES-000007";
  ASSERT_EQ(ReceiveOne(ministry_.from, NextForward(ministry_, id)).status, "applied");
  service::ActionCommand verify;
  verify.action = CaseAction::kVerify;
  ASSERT_TRUE(Act(id, verify).has_value());
  ASSERT_TRUE(Forward(id, std::string(kRegency)).has_value());
  const auto up_before = OutboxTo(kMinistry).size();
  const auto down_before = OutboxTo(kRegency).size();

  const auto response = Next(regency_, MessageType::kCaseResponse, id,
                             R"({"message":"Perbaikan dijadwalkan pekan depan."})");
  auto answered = Receive(regency_.from, {response},
                          InboxTrace{"ours-1", {{MsgIdOf(response), "kab-request-7"}}});
  ASSERT_TRUE(answered.has_value()) << answered.error().message;
  ASSERT_EQ(answered->at(0).status, "applied");
  const auto up = OutboxTo(kMinistry);
  ASSERT_EQ(up.size(), up_before + 1);
  EXPECT_EQ(up.back().type, "case.response");
  EXPECT_EQ(up.back().request_id, "kab-request-7");

  const auto reply =
      Next(ministry_, MessageType::kCaseReply, id, R"({"message":"Masih berlubang."})");
  auto replied =
      Receive(ministry_.from, {reply}, InboxTrace{"ours-2", {{MsgIdOf(reply), "pupr-request-9"}}});
  ASSERT_TRUE(replied.has_value()) << replied.error().message;
  ASSERT_EQ(replied->at(0).status, "applied");
  const auto down = OutboxTo(kRegency);
  ASSERT_EQ(down.size(), down_before + 1);
  EXPECT_EQ(down.back().type, "case.reply");
  EXPECT_EQ(down.back().request_id, "pupr-request-9");

  // Without an id from the sender, the relay carries none.
  const auto status = Next(regency_, MessageType::kCaseStatus, id, R"({"state":"resolved"})");
  ASSERT_EQ(ReceiveOne(regency_.from, status).status, "applied");
  EXPECT_EQ(OutboxTo(kMinistry).back().request_id, "");
}

}  // namespace
}  // namespace simpul::fed::testing
