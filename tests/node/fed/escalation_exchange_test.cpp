#include "node/fed/escalation_exchange.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "node/store/escalation_store.hpp"
#include "tests/node/fed/fed_test_fixture.hpp"

namespace simpul::fed::testing {
namespace {

using domain::CaseState;
using domain::EscalationLevel;

constexpr std::int64_t kDueAt = 1'783'000'000'000;

// A case.escalate body as kab:32.04's sweeper writes it.
std::string EscalateBody(std::string_view level) {
  return json{{"level", level},       {"clock", "verify"},
              {"due_at", kDueAt},     {"overdue_working_days", 6},
              {"state", "submitted"}, {"category", "infrastruktur.jalan"},
              {"region", "32.04"}}
      .dump();
}

class EscalationExchangeTest : public FedTest {
 protected:
  std::vector<store::ReceivedEscalation> Received() {
    return Read<store::EscalationPage>([](store::Connection& c) {
             return store::EscalationStore::Received(c, store::EscalationQuery{});
           })
        .items;
  }
  // Applies `env` with `exchange` in one write job, as the inbox would.
  Result<void> ApplyWith(EscalationExchange& exchange, const federation::VerifiedEnvelope& env) {
    auto r = db_->WriteSync<int>([&](store::Connection& c) -> Result<int> {
      if (auto applied = exchange.Apply(c, env); !applied) return tl::unexpected(applied.error());
      return 0;
    });
    if (!r) return tl::unexpected(r.error());
    return {};
  }
  federation::VerifiedEnvelope Escalation(std::string from, std::string_view level) const {
    federation::VerifiedEnvelope env;
    env.type = MessageType::kCaseEscalate;
    env.msg_id = crypto::NewUuidV7(now_);
    env.from = std::move(from);
    env.case_id = "KLKEMENKES-000009";
    env.created_at = now_;
    env.body = EscalateBody(level);
    return env;
  }
};

TEST_F(EscalationExchangeTest, RecordsAnEscalationFromAChildOnceEvenWhenResent) {
  const std::string first =
      Next(regency_, MessageType::kCaseEscalate, "KAB3204-000007", EscalateBody("parent"));
  EXPECT_EQ(ReceiveOne(std::string(kRegency), first).status, "applied");
  auto rows = Received();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].from_node, kRegency);
  EXPECT_EQ(rows[0].case_ref, "KAB3204-000007");
  EXPECT_EQ(rows[0].level, EscalationLevel::kParent);
  EXPECT_EQ(rows[0].clock, "verify");
  EXPECT_EQ(rows[0].due_at.time_since_epoch().count(), kDueAt);
  EXPECT_EQ(rows[0].overdue_working_days, 6);
  EXPECT_EQ(rows[0].state, "submitted");
  EXPECT_EQ(rows[0].category, "infrastruktur.jalan");
  EXPECT_EQ(rows[0].region, "32.04");
  EXPECT_EQ(rows[0].sent_at, now_);
  EXPECT_EQ(rows[0].received_at, now_);

  // The same envelope again is the inbox's duplicate; the same escalation sent again as a new
  // message applies but is recorded once.
  EXPECT_EQ(ReceiveOne(std::string(kRegency), first).status, "duplicate");
  now_ += std::chrono::minutes(5);
  const std::string resent =
      Next(regency_, MessageType::kCaseEscalate, "KAB3204-000007", EscalateBody("parent"));
  EXPECT_EQ(ReceiveOne(std::string(kRegency), resent).status, "applied");
  rows = Received();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].received_at, now_ - std::chrono::minutes(5));
}

TEST_F(EscalationExchangeTest, RefusesAnEscalationFromANodeThatIsNotAChild) {
  const std::string from_ministry =
      Next(ministry_, MessageType::kCaseEscalate, "KLKEMENKES-000003", EscalateBody("parent"));
  const InboxOutcome refused = ReceiveOne(std::string(kMinistry), from_ministry);
  EXPECT_EQ(refused.status, "dead");
  ASSERT_TRUE(refused.error.has_value());
  EXPECT_EQ(refused.error->code, ErrorCode::kPermissionDenied);
  EXPECT_NE(refused.error->message.find("not a child of prov:32"), std::string::npos)
      << refused.error->message;
  // The ministry is told its message was skipped.
  const auto skips = OutboxTo(kMinistry);
  ASSERT_EQ(skips.size(), 1u);
  EXPECT_EQ(skips[0].type, "stream.skip");

  // A child may not use its parent as the coordinator either.
  const std::string misaddressed =
      Next(regency_, MessageType::kCaseEscalate, "KAB3204-000008", EscalateBody("coordinator"));
  EXPECT_EQ(ReceiveOne(std::string(kRegency), misaddressed).status, "dead");
  EXPECT_TRUE(Received().empty());
}

TEST_F(EscalationExchangeTest, PersonalDataCannotBeSealedIntoAnEscalation) {
  json body = json::parse(EscalateBody("parent"));
  body["title"] = "Jalan berlubang di Desa Sukamaju";
  auto sent = db_->WriteSync<std::string>([&](store::Connection& c) {
    return outbox_->Enqueue(c, OutgoingMessage{MessageType::kCaseEscalate, "coord:panrb",
                                               "PROV32-000001", body.dump()});
  });
  ASSERT_FALSE(sent.has_value());
  EXPECT_EQ(sent.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(sent.error().message.find("title"), std::string::npos) << sent.error().message;
  EXPECT_TRUE(OutboxTo("coord:panrb").empty());
}

TEST_F(EscalationExchangeTest, OverdueCaseOfANodeWithoutParentGoesToTheCoordinatorAsMetadata) {
  auto submitting = cases_->Submit(service::testing::ValidDraft());
  auto submitted = simpul::testing::RunAwait(io_, std::move(submitting));
  ASSERT_TRUE(submitted.has_value()) << submitted.error().message;
  const std::string id = submitted->tracking_id;
  const auto due = *FindCase(id)->next_due_at;
  now_ = calendar_->AddWorkingTime(due, std::chrono::hours(24 * 5));  // the default threshold

  auto sweep = simpul::testing::RunAwait(io_, cases_->Sweep());
  ASSERT_TRUE(sweep.has_value()) << sweep.error().message;
  EXPECT_EQ(sweep->escalated, 1);
  EXPECT_EQ(sweep->escalated_beyond, 1) << sweep->last_error;

  const auto sent = OutboxTo("coord:panrb");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].type, "case.escalate");
  EXPECT_EQ(sent[0].case_ref, id);
  const federation::VerifyContext ctx{
      .keys = *directory_, .self_id = "coord:panrb", .tls_peer_id = kSelf, .now = now_};
  auto env = federation::VerifyEnvelope(sent[0].envelope, ctx);
  ASSERT_TRUE(env.has_value()) << env.error().message;
  const json body = json::parse(*env->body);
  // Exactly the case's metadata: nothing else rides along.
  const json expected = {{"level", "coordinator"},
                         {"clock", "verify"},
                         {"due_at", due.time_since_epoch().count()},
                         {"overdue_working_days", 5},
                         {"state", "submitted"},
                         {"category", "infrastruktur.jalan"},
                         {"region", "32.04"}};
  EXPECT_EQ(body, expected);
  const auto draft = service::testing::ValidDraft();
  for (const std::string& personal : {draft.reporter.name, draft.reporter.nik, draft.title}) {
    EXPECT_EQ(sent[0].envelope.find(personal), std::string::npos) << personal;
  }

  // The sender's history shows it, for staff only, naming the envelope.
  const auto events = EventsOf(FindCase(id)->id);
  ASSERT_FALSE(events.empty());
  const auto& last = events.back();
  EXPECT_EQ(last.action, domain::CaseAction::kEscalate);
  EXPECT_EQ(last.state_after, CaseState::kSubmitted);
  EXPECT_FALSE(last.is_public);
  const json detail = json::parse(last.detail);
  EXPECT_EQ(detail["to"], "coord:panrb");
  EXPECT_EQ(detail["escalation"], "coordinator");
  EXPECT_EQ(detail["msg_id"], sent[0].msg_id);
}

TEST_F(EscalationExchangeTest, TargetsFollowTheDirectory) {
  auto own = escalations_->Targets();
  ASSERT_TRUE(own.has_value()) << own.error().message;
  EXPECT_EQ(own->parent, "");  // prov:32 has none
  EXPECT_EQ(own->coordinator, "coord:panrb");

  FederationState regency(std::string(kRegency), federation::testing::SampleAnchor(),
                          federation::testing::KeyFromByte(kRegencyKeySeed));
  regency.SetDirectory(directory_);
  Outbox regency_outbox(regency, clock_);
  auto of_regency = EscalationExchange(regency, regency_outbox, clock_).Targets();
  ASSERT_TRUE(of_regency.has_value());
  EXPECT_EQ(of_regency->parent, "prov:32");

  // A parent that is the coordinator counts as none; the coordinator escalates to nobody.
  auto doc = Document();
  NodeOf(doc, kSelf).parent = "coord:panrb";
  UseDirectory(doc);
  EXPECT_EQ(escalations_->Targets()->parent, "");
  FederationState coordinator("coord:panrb", std::nullopt, federation::testing::KeyFromByte(10));
  Outbox coordinator_outbox(coordinator, clock_);
  EscalationExchange at_coordinator(coordinator, coordinator_outbox, clock_);
  EXPECT_EQ(at_coordinator.Targets().error().code, ErrorCode::kUnavailable);  // no directory
  coordinator.SetDirectory(directory_);
  EXPECT_EQ(at_coordinator.Targets()->coordinator, "");
}

TEST_F(EscalationExchangeTest, TheCoordinatorAcceptsAnyMemberAtTheCoordinatorLevelOnly) {
  FederationState state("coord:panrb", std::nullopt, federation::testing::KeyFromByte(10));
  state.SetDirectory(directory_);
  Outbox outbox(state, clock_);
  EscalationExchange coordinator(state, outbox, clock_);

  EXPECT_TRUE(ApplyWith(coordinator, Escalation(std::string(kMinistry), "coordinator")));
  auto as_parent = ApplyWith(coordinator, Escalation(std::string(kRegency), "parent"));
  ASSERT_FALSE(as_parent.has_value());
  EXPECT_EQ(as_parent.error().code, ErrorCode::kPermissionDenied);
  const auto rows = Received();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].from_node, kMinistry);
  EXPECT_EQ(rows[0].level, EscalationLevel::kCoordinator);
}

}  // namespace
}  // namespace simpul::fed::testing
