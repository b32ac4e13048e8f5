#include "node/fed/inbox.hpp"

#include <gtest/gtest.h>

#include <tuple>

#include <nlohmann/json.hpp>

#include "tests/node/fed/fed_test_fixture.hpp"

namespace simpul::fed::testing {
namespace {

using domain::CaseAction;
using domain::CaseState;

class InboxTest : public FedTest {
 protected:
  // Expects `outcome` to be a rejection with `code`, and that nothing was stored for it.
  void ExpectRejected(const InboxOutcome& outcome, ErrorCode code, const Snapshot& before,
                      const InboxCounters& counters_before) {
    EXPECT_EQ(outcome.status, "rejected");
    ASSERT_TRUE(outcome.error.has_value());
    EXPECT_EQ(outcome.error->code, code)
        << ErrorCodeName(outcome.error->code) << ": " << outcome.error->message;
    EXPECT_TRUE(outcome.receipt.empty());
    EXPECT_EQ(Take(), before);
    const auto after = inbox_->counters();
    EXPECT_EQ(after.rejected, counters_before.rejected + 1);
    EXPECT_EQ(after.applied, counters_before.applied);
    EXPECT_EQ(after.held, counters_before.held);
    EXPECT_EQ(after.dead, counters_before.dead);
  }
  // Checks that `receipt` is this node's signed receipt to `peer` for `envelope`.
  void ExpectReceiptFor(const std::string& receipt, const PeerStream& peer,
                        const std::string& envelope) {
    const federation::VerifyContext ctx{
        .keys = *directory_, .self_id = peer.from, .tls_peer_id = kSelf, .now = now_};
    auto verified = federation::VerifyEnvelope(receipt, ctx);
    ASSERT_TRUE(verified.has_value()) << verified.error().message;
    EXPECT_EQ(verified->type, MessageType::kReceipt);
    EXPECT_EQ(verified->from, kSelf);
    EXPECT_EQ(verified->to, peer.from);
    ASSERT_TRUE(verified->body.has_value());
    const auto body = json::parse(*verified->body);
    EXPECT_EQ(body.at("for_msg_id"), json::parse(envelope).at("msg_id"));
    EXPECT_EQ(body.at("for_hash"), Hash(envelope));
    EXPECT_EQ(body.at("dir_version"), directory_->version());
  }
  // Applies a forward of `tracking_id` from the regency and expects it to apply.
  void ForwardFromRegency(const std::string& tracking_id) {
    auto outcome = ReceiveOne(regency_.from, NextForward(regency_, tracking_id));
    ASSERT_EQ(outcome.status, "applied") << (outcome.error ? outcome.error->message : "");
  }
};

TEST_F(InboxTest, AppliesForwardAndReturnsSignedReceipt) {
  const auto envelope = NextForward(regency_, "KAB3204-000042");
  auto outcome = ReceiveOne(regency_.from, envelope);

  EXPECT_EQ(outcome.status, "applied") << (outcome.error ? outcome.error->message : "");
  EXPECT_FALSE(outcome.error.has_value());
  EXPECT_EQ(outcome.msg_id, json::parse(envelope).at("msg_id"));
  auto rec = FindCase("KAB3204-000042");
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->state, CaseState::kSubmitted);
  auto link = LinkOf(rec->id);
  ASSERT_TRUE(link.has_value());
  EXPECT_EQ(link->upstream, kRegency);
  EXPECT_EQ(link->origin, kRegency);
  EXPECT_EQ(link->handler, "");
  ExpectReceiptFor(outcome.receipt, regency_, envelope);
  EXPECT_EQ(HeadOf(regency_).last_seq, 1);
  EXPECT_EQ(HeadOf(regency_).last_hash, Hash(envelope));
  const auto counters = inbox_->counters();
  EXPECT_EQ(counters.received, 1u);
  EXPECT_EQ(counters.applied, 1u);
}

TEST_F(InboxTest, ReplayReturnsTheStoredReceiptAndChangesNothing) {
  const auto envelope = NextForward(regency_, "KAB3204-000042");
  const auto first = ReceiveOne(regency_.from, envelope);
  ASSERT_EQ(first.status, "applied");
  const auto before = Take();

  now_ += std::chrono::minutes(3);  // a fresh receipt would carry another msg_id and time
  const auto again = ReceiveOne(regency_.from, envelope);

  EXPECT_EQ(again.status, "duplicate");
  EXPECT_FALSE(again.error.has_value());
  EXPECT_EQ(again.receipt, first.receipt);
  EXPECT_EQ(Take(), before);
  EXPECT_EQ(inbox_->counters().duplicates, 1u);
  EXPECT_EQ(inbox_->counters().applied, 1u);
}

TEST_F(InboxTest, SameMsgIdWithOtherContentIsEquivocation) {
  auto draft = NextDraft(regency_, MessageType::kCaseForward, "KAB3204-000042",
                         ForwardBody("KAB3204-000042", kRegency));
  const auto original = Seal(draft, regency_.key);
  regency_.sealed.push_back(original);
  ASSERT_EQ(ReceiveOne(regency_.from, original).status, "applied");
  const auto before = Take();
  const auto counters = inbox_->counters();

  auto body = json::parse(draft.body);
  body["case"]["title"] = "Jalan rusak parah";
  draft.body = body.dump();
  const auto rewritten = Seal(draft, regency_.key);
  const auto outcome = ReceiveOne(regency_.from, rewritten);

  EXPECT_EQ(outcome.status, "rejected");
  ASSERT_TRUE(outcome.error.has_value());
  EXPECT_EQ(outcome.error->code, ErrorCode::kConflict) << outcome.error->message;
  EXPECT_TRUE(outcome.receipt.empty());
  auto after = Take();
  EXPECT_EQ(after.evidence, before.evidence + 1);
  after.evidence = before.evidence;
  EXPECT_EQ(after, before);
  const auto evidence = LastEvidence();
  EXPECT_EQ(evidence.kind, "msg_id_reused");
  EXPECT_EQ(evidence.sender, kRegency);
  EXPECT_EQ(evidence.msg_id, draft.msg_id);
  EXPECT_EQ(evidence.first, original);
  EXPECT_EQ(evidence.second, rewritten);
  EXPECT_EQ(FindCase("KAB3204-000042")->title, "Jalan berlubang di Desa Sukamaju");
  EXPECT_EQ(inbox_->counters().equivocations, counters.equivocations + 1);
}

TEST_F(InboxTest, AnotherEnvelopeAtAUsedSeqIsEquivocation) {
  ASSERT_NO_FATAL_FAILURE(ForwardFromRegency("KAB3204-000042"));
  const auto before = Take();

  // A second envelope claiming seq 1, with a fresh msg_id.
  PeerStream forked{regency_.from, federation::testing::KeyFromByte(kRegencyKeySeed), {}};
  const auto other = NextForward(forked, "KAB3204-000043");
  ASSERT_NE(json::parse(other).at("msg_id"), json::parse(regency_.sealed[0]).at("msg_id"));
  const auto outcome = ReceiveOne(regency_.from, other);

  EXPECT_EQ(outcome.status, "rejected");
  ASSERT_TRUE(outcome.error.has_value());
  EXPECT_EQ(outcome.error->code, ErrorCode::kConflict) << outcome.error->message;
  auto after = Take();
  EXPECT_EQ(after.evidence, before.evidence + 1);
  after.evidence = before.evidence;
  EXPECT_EQ(after, before);
  const auto evidence = LastEvidence();
  EXPECT_EQ(evidence.kind, "seq_reused");
  EXPECT_EQ(evidence.first, regency_.sealed[0]);
  EXPECT_EQ(evidence.second, other);
  EXPECT_FALSE(FindCase("KAB3204-000043").has_value());
}

// Seq order and seq reuse are judged per stream, so a sender may not open a second stream to
// replay or reorder what it sent on its own.
TEST_F(InboxTest, RejectsStreamOtherThanTheSendersToThisNode) {
  ASSERT_NO_FATAL_FAILURE(ForwardFromRegency("KAB3204-000042"));
  const auto before = Take();
  const auto counters = inbox_->counters();

  auto draft = NextDraft(regency_, MessageType::kCaseForward, "KAB3204-000043",
                         ForwardBody("KAB3204-000043", kRegency));
  draft.stream = "kab:32.04>prov:32/2";
  draft.seq = 1;
  draft.prev = "";
  const auto outcome = ReceiveOne(regency_.from, Seal(draft, regency_.key));

  ExpectRejected(outcome, ErrorCode::kInvalidArgument, before, counters);
  EXPECT_NE(outcome.error->message.find("stream"), std::string::npos);
  EXPECT_FALSE(FindCase("KAB3204-000043").has_value());
}

TEST_F(InboxTest, RejectsForgedSignature) {
  auto envelope = json::parse(NextForward(regency_, "KAB3204-000042"));
  std::string sig = envelope.at("sig");
  sig[0] = sig[0] == 'A' ? 'B' : 'A';
  envelope["sig"] = sig;
  const auto before = Take();
  const auto counters = inbox_->counters();

  const auto outcome = ReceiveOne(regency_.from, envelope.dump());

  ExpectRejected(outcome, ErrorCode::kUnauthenticated, before, counters);
  EXPECT_FALSE(FindCase("KAB3204-000042").has_value());
}

TEST_F(InboxTest, RejectsSignatureByAnotherKeyUnderThePeersKid) {
  auto draft = NextDraft(regency_, MessageType::kCaseForward, "KAB3204-000042",
                         ForwardBody("KAB3204-000042", kRegency));
  auto envelope = json::parse(Seal(draft, federation::testing::StrangerKey()));
  envelope["kid"] = crypto::KeyId(regency_.key.public_key());
  const auto before = Take();
  const auto counters = inbox_->counters();

  const auto outcome = ReceiveOne(regency_.from, envelope.dump());

  ExpectRejected(outcome, ErrorCode::kUnauthenticated, before, counters);
}

TEST_F(InboxTest, RejectsSenderNotInTheDirectory) {
  PeerStream stranger{"kota:32.99", federation::testing::KeyFromByte(2), {}};
  const auto envelope = NextForward(stranger, "KOTA3299-000001");
  const auto before = Take();
  const auto counters = inbox_->counters();

  const auto outcome = ReceiveOne(stranger.from, envelope);

  ExpectRejected(outcome, ErrorCode::kNotFound, before, counters);
  EXPECT_FALSE(FindCase("KOTA3299-000001").has_value());
}

TEST_F(InboxTest, RejectsEnvelopeAddressedToAnotherNode) {
  auto draft = NextDraft(regency_, MessageType::kCaseForward, "KAB3204-000042",
                         ForwardBody("KAB3204-000042", kRegency));
  draft.to = "kota:32.73";
  const auto envelope = Seal(draft, regency_.key);
  const auto before = Take();
  const auto counters = inbox_->counters();

  const auto outcome = ReceiveOne(regency_.from, envelope);

  ExpectRejected(outcome, ErrorCode::kPermissionDenied, before, counters);
  EXPECT_NE(outcome.error->message.find("recipient"), std::string::npos);
}

TEST_F(InboxTest, RejectsSenderOtherThanTheTlsPeer) {
  const auto envelope = NextForward(regency_, "KAB3204-000042");
  const auto before = Take();
  const auto counters = inbox_->counters();

  const auto outcome = ReceiveOne(ministry_.from, envelope);

  ExpectRejected(outcome, ErrorCode::kPermissionDenied, before, counters);
  EXPECT_NE(outcome.error->message.find("TLS peer"), std::string::npos);
}

TEST_F(InboxTest, RejectsNonCanonicalBytes) {
  const auto envelope = NextForward(regency_, "KAB3204-000042");
  const auto before = Take();
  const auto counters = inbox_->counters();

  const auto outcome = ReceiveOne(regency_.from, "{ " + envelope.substr(1));

  ExpectRejected(outcome, ErrorCode::kInvalidArgument, before, counters);
  EXPECT_EQ(outcome.msg_id, json::parse(envelope).at("msg_id"));
}

TEST_F(InboxTest, RejectsKeyRevokedBeforeCreation) {
  auto doc = Document();
  auto& key = MessageKeyOf(doc, kRegency);
  key.status = federation::KeyStatus::kRevoked;
  key.revoked_at = NowMs() - federation::testing::kHour / 2;
  UseDirectory(doc);
  const auto envelope = NextForward(regency_, "KAB3204-000042");
  const auto before = Take();
  const auto counters = inbox_->counters();

  const auto outcome = ReceiveOne(regency_.from, envelope);

  ExpectRejected(outcome, ErrorCode::kPermissionDenied, before, counters);
}

TEST_F(InboxTest, RejectsKeyExpiredBeforeCreation) {
  auto doc = Document();
  MessageKeyOf(doc, kRegency).not_after = NowMs() - 1;
  UseDirectory(doc);
  const auto envelope = NextForward(regency_, "KAB3204-000042");
  const auto before = Take();
  const auto counters = inbox_->counters();

  const auto outcome = ReceiveOne(regency_.from, envelope);

  ExpectRejected(outcome, ErrorCode::kPermissionDenied, before, counters);
}

TEST_F(InboxTest, BatchOverThePolicyLimitIsRefusedWhole) {
  const auto max_batch = directory_->document().policy.max_batch;
  std::vector<std::string> envelopes;
  for (std::int64_t i = 1; i <= max_batch + 1; ++i) {
    envelopes.push_back(NextForward(regency_, "KAB3204-" + std::to_string(100000 + i)));
  }
  const auto before = Take();

  auto refused = Receive(regency_.from, envelopes);

  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kTooLarge) << refused.error().message;
  EXPECT_EQ(Take(), before);
  EXPECT_EQ(inbox_->counters().received, 0u);

  // Exactly the limit is accepted.
  envelopes.pop_back();
  auto accepted = Receive(regency_.from, envelopes);
  ASSERT_TRUE(accepted.has_value()) << accepted.error().message;
  ASSERT_EQ(accepted->size(), static_cast<std::size_t>(max_batch));
  EXPECT_EQ(accepted->back().status, "applied");
  EXPECT_EQ(HeadOf(regency_).last_seq, max_batch);
}

TEST_F(InboxTest, ExpiredDirectoryStopsTrafficFailClosed) {
  auto doc = Document();
  doc.issued_at = NowMs() - 25 * federation::testing::kHour;
  doc.expires_at = NowMs() - federation::testing::kHour;
  const auto envelope = NextForward(regency_, "KAB3204-000042");
  UseDirectory(doc);
  const auto before = Take();

  auto outcomes = Receive(regency_.from, {envelope});

  ASSERT_FALSE(outcomes.has_value());
  EXPECT_EQ(outcomes.error().code, ErrorCode::kUnavailable) << outcomes.error().message;
  EXPECT_EQ(Take(), before);
  EXPECT_EQ(inbox_->counters().received, 0u);

  // The same envelope applies once a current directory is in force again.
  UseDirectory(Document());
  EXPECT_EQ(ReceiveOne(regency_.from, envelope).status, "applied");
}

TEST_F(InboxTest, StatusFromANodeNotHandlingTheCaseIsDeadAndSkipped) {
  ASSERT_NO_FATAL_FAILURE(ForwardFromRegency("KAB3204-000042"));
  const auto rec_before = FindCase("KAB3204-000042");
  ASSERT_TRUE(rec_before.has_value());
  const auto events_before = EventsOf(rec_before->id);
  const auto link_before = LinkOf(rec_before->id);

  const auto status =
      Next(ministry_, MessageType::kCaseStatus, "KAB3204-000042", R"({"state":"resolved"})");
  const auto outcome = ReceiveOne(ministry_.from, status);

  EXPECT_EQ(outcome.status, "dead");
  ASSERT_TRUE(outcome.error.has_value());
  EXPECT_EQ(outcome.error->code, ErrorCode::kPermissionDenied) << outcome.error->message;
  ExpectReceiptFor(outcome.receipt, ministry_, status);
  const auto rec_after = FindCase("KAB3204-000042");
  EXPECT_EQ(rec_after->state, CaseState::kSubmitted);
  EXPECT_EQ(rec_after->version, rec_before->version);
  EXPECT_EQ(EventsOf(rec_before->id).size(), events_before.size());
  ASSERT_TRUE(LinkOf(rec_before->id).has_value());
  EXPECT_EQ(LinkOf(rec_before->id)->handler_state, link_before->handler_state);
  EXPECT_EQ(inbox_->counters().dead, 1u);
  EXPECT_EQ(InboxAt(ministry_, 1)->state, store::InboxState::kDead);

  const auto skips = OutboxTo(kMinistry);
  ASSERT_EQ(skips.size(), 1u);
  EXPECT_EQ(skips[0].type, "stream.skip");
  const auto skip_body = json::parse(skips[0].envelope).at("body");
  EXPECT_EQ(skip_body.at("skipped_seq"), 1);
  EXPECT_TRUE(OutboxTo(kRegency).empty());

  // The stream moved past the dead envelope: the ministry's next envelope applies.
  EXPECT_EQ(HeadOf(ministry_).last_seq, 1);
  EXPECT_EQ(HeadOf(ministry_).last_hash, Hash(status));
  const auto next = NextForward(ministry_, "KLKEMENKES-000007");
  EXPECT_EQ(ReceiveOne(ministry_.from, next).status, "applied");
  EXPECT_TRUE(FindCase("KLKEMENKES-000007").has_value());
  EXPECT_EQ(HeadOf(ministry_).last_seq, 2);
}

TEST_F(InboxTest, GapIsHeldUntilTheMissingEnvelopeArrives) {
  const auto forward = NextForward(regency_, "KAB3204-000042");
  // seq 2 relays a reply on the case seq 1 creates: applied first, it could never apply.
  const auto reply = Next(regency_, MessageType::kCaseReply, "KAB3204-000042",
                          R"({"message":"Lubangnya makin besar."})");

  std::vector<std::tuple<std::string, std::int64_t, std::int64_t>> gaps;
  inbox_->SetGapHandler([&gaps](const std::string& sender, std::int64_t from, std::int64_t to) {
    gaps.emplace_back(sender, from, to);
  });
  const auto held = ReceiveOne(regency_.from, reply);

  // The missing seq 1 is asked for from the sender.
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0], std::make_tuple(regency_.from, std::int64_t{1}, std::int64_t{1}));
  EXPECT_EQ(held.status, "held");
  EXPECT_FALSE(held.error.has_value());
  ExpectReceiptFor(held.receipt, regency_, reply);
  EXPECT_FALSE(FindCase("KAB3204-000042").has_value());
  EXPECT_EQ(HeadOf(regency_).last_seq, 0);
  EXPECT_EQ(InboxAt(regency_, 2)->state, store::InboxState::kHeld);

  const auto applied = ReceiveOne(regency_.from, forward);

  EXPECT_EQ(applied.status, "applied") << (applied.error ? applied.error->message : "");
  EXPECT_EQ(InboxAt(regency_, 1)->state, store::InboxState::kApplied);
  EXPECT_EQ(InboxAt(regency_, 2)->state, store::InboxState::kApplied)
      << InboxAt(regency_, 2)->error;
  EXPECT_EQ(HeadOf(regency_).last_seq, 2);
  EXPECT_EQ(HeadOf(regency_).last_hash, Hash(reply));
  const auto rec = FindCase("KAB3204-000042");
  ASSERT_TRUE(rec.has_value());
  const auto events = EventsOf(rec->id);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].action, CaseAction::kSubmit);
  EXPECT_EQ(events[1].action, CaseAction::kReporterReply);
  const auto counters = inbox_->counters();
  EXPECT_EQ(counters.held, 1u);
  EXPECT_EQ(counters.applied, 2u);  // seq 1 and the held seq 2 that followed it
}

// Records the origin request id each envelope is applied with.
class RecordingApplier final : public EnvelopeApplier {
 public:
  Result<void> Apply(store::Connection&, const federation::VerifiedEnvelope& env,
                     std::string_view origin_request_id) override {
    applied.emplace_back(env.msg_id, std::string(origin_request_id));
    return {};
  }
  std::vector<std::pair<std::string, std::string>> applied;
};

// An envelope held for a gap is applied by the later batch that fills it, whose trace does not
// name it: it is still applied (and logged, and relayed) with the request id it arrived with.
TEST_F(InboxTest, HeldEnvelopeKeepsTheOriginRequestIdItArrivedWith) {
  RecordingApplier applier;
  Inbox inbox(*state_, *db_, *outbox_, applier, clock_);
  const auto first = NextForward(regency_, "KAB3204-000043");
  const auto second = Next(regency_, MessageType::kCaseReply, "KAB3204-000043",
                           R"({"message":"Lubangnya makin besar."})");
  auto held =
      Receive(regency_.from, {second}, InboxTrace{"a", {{MsgIdOf(second), "kab-req-2"}}}, &inbox);
  ASSERT_TRUE(held.has_value()) << held.error().message;
  ASSERT_EQ(held->at(0).status, "held");
  EXPECT_TRUE(applier.applied.empty());

  auto filled =
      Receive(regency_.from, {first}, InboxTrace{"b", {{MsgIdOf(first), "kab-req-1"}}}, &inbox);
  ASSERT_TRUE(filled.has_value()) << filled.error().message;
  using Applied = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(applier.applied,
            (Applied{{MsgIdOf(first), "kab-req-1"}, {MsgIdOf(second), "kab-req-2"}}));
}

// A held envelope whose key is revoked (back to before it was signed) while it waits can never
// apply. Filling the gap must still apply the envelope that fills it, and the held one must be
// skipped like any other dead envelope, not block the sender's stream for good.
TEST_F(InboxTest, HeldEnvelopeWhoseKeyWasRevokedWhileHeldIsSkipped) {
  auto doc = Document();
  const auto rotated_key = federation::testing::KeyFromByte(35);
  NodeOf(doc, kRegency)
      .keys.push_back(federation::testing::MakeKey(rotated_key, federation::KeyUse::kMessage));
  UseDirectory(doc);
  const auto forward = Seal(NextDraft(regency_, MessageType::kCaseForward, "KAB3204-000042",
                                      ForwardBody("KAB3204-000042", kRegency)),
                            rotated_key);
  regency_.sealed.push_back(forward);
  const auto reply = Next(regency_, MessageType::kCaseReply, "KAB3204-000042",
                          R"({"message":"Lubangnya makin besar."})");  // the first key
  ASSERT_EQ(ReceiveOne(regency_.from, reply).status, "held");
  auto& compromised = MessageKeyOf(doc, kRegency);
  compromised.status = federation::KeyStatus::kRevoked;
  compromised.revoked_at = NowMs() - 1000;
  UseDirectory(doc);
  now_ += std::chrono::minutes(1);

  auto outcomes = Receive(regency_.from, {forward});

  ASSERT_TRUE(outcomes.has_value()) << outcomes.error().message;
  ASSERT_EQ(outcomes->size(), 1u);
  EXPECT_EQ((*outcomes)[0].status, "applied");
  EXPECT_TRUE(FindCase("KAB3204-000042").has_value());
  EXPECT_EQ(InboxAt(regency_, 1)->state, store::InboxState::kApplied);
  EXPECT_EQ(InboxAt(regency_, 2)->state, store::InboxState::kDead);
  EXPECT_EQ(EventsOf(FindCase("KAB3204-000042")->id).size(), 1u);  // the reply was not applied
  EXPECT_EQ(HeadOf(regency_).last_seq, 2);
  EXPECT_EQ(HeadOf(regency_).last_hash, Hash(reply));
  const auto skips = OutboxTo(kRegency);
  ASSERT_EQ(skips.size(), 1u);
  EXPECT_EQ(skips[0].type, "stream.skip");
  EXPECT_EQ(json::parse(skips[0].envelope).at("body").at("skipped_seq"), 2);
  EXPECT_EQ(inbox_->counters().dead, 1u);

  // The stream goes on.
  const auto next = Seal(NextDraft(regency_, MessageType::kCaseReply, "KAB3204-000042",
                                   R"({"message":"Mohon segera."})"),
                         rotated_key);
  regency_.sealed.push_back(next);
  EXPECT_EQ(ReceiveOne(regency_.from, next).status, "applied");
  EXPECT_EQ(HeadOf(regency_).last_seq, 3);
}

TEST_F(InboxTest, PrevNotChainingToTheLastAppliedIsEquivocation) {
  ASSERT_NO_FATAL_FAILURE(ForwardFromRegency("KAB3204-000042"));
  const auto before = Take();

  auto draft = NextDraft(regency_, MessageType::kCaseForward, "KAB3204-000043",
                         ForwardBody("KAB3204-000043", kRegency));
  ASSERT_EQ(draft.seq, 2);
  draft.prev = std::string(64, 'f');
  const auto forked = Seal(draft, regency_.key);
  const auto outcome = ReceiveOne(regency_.from, forked);

  EXPECT_EQ(outcome.status, "rejected");
  ASSERT_TRUE(outcome.error.has_value());
  EXPECT_EQ(outcome.error->code, ErrorCode::kConflict) << outcome.error->message;
  auto after = Take();
  EXPECT_EQ(after.evidence, before.evidence + 1);
  after.evidence = before.evidence;
  EXPECT_EQ(after, before);
  const auto evidence = LastEvidence();
  EXPECT_EQ(evidence.kind, "forked_prev");
  EXPECT_EQ(evidence.first, Hash(regency_.sealed[0]));
  EXPECT_EQ(evidence.second, forked);
  EXPECT_FALSE(FindCase("KAB3204-000043").has_value());
}

TEST_F(InboxTest, ANodeWhoseClockIsBehindItsKeySignsWhatPeersAccept) {
  // The coordinator stamped this node's key valid from 10 minutes ahead of the node's clock:
  // beyond the 5 minutes of clock skew a peer allows.
  auto doc = Document();
  const std::int64_t not_before = NowMs() + 10 * 60 * 1000;
  ASSERT_GT(not_before - NowMs(), doc.policy.allowed_clock_skew_ms);
  MessageKeyOf(doc, kSelf).not_before = not_before;
  UseDirectory(doc);
  // Peers, whose clocks are right, check at the coordinator's time.
  const federation::VerifyContext at_peer{
      .keys = *directory_,
      .self_id = kRegency,
      .tls_peer_id = kSelf,
      .now = federation::EnvelopeTime(std::chrono::milliseconds(not_before + 1000))};

  const auto envelope = NextForward(regency_, "KAB3204-000042");
  auto outcome = ReceiveOne(regency_.from, envelope);
  ASSERT_EQ(outcome.status, "applied") << (outcome.error ? outcome.error->message : "");
  auto receipt = federation::VerifyEnvelope(outcome.receipt, at_peer);
  ASSERT_TRUE(receipt.has_value()) << receipt.error().message;
  EXPECT_EQ(receipt->created_at.time_since_epoch().count(), not_before);

  auto queued = db_->WriteSync<std::string>([&](store::Connection& c) {
    return outbox_->Enqueue(c, OutgoingMessage{MessageType::kCaseStatus, std::string(kRegency),
                                               "KAB3204-000042", R"({"state":"verified"})"});
  });
  ASSERT_TRUE(queued) << queued.error().message;
  const auto pending = OutboxTo(kRegency);
  ASSERT_FALSE(pending.empty());
  auto sent = federation::VerifyEnvelope(pending.back().envelope, at_peer);
  ASSERT_TRUE(sent.has_value()) << sent.error().message;
  EXPECT_EQ(sent->created_at.time_since_epoch().count(), not_before);
  // Once the clock has passed not_before, what it signs carries its own time again.
  now_ += std::chrono::minutes(11);
  auto later = db_->WriteSync<std::string>([&](store::Connection& c) {
    return outbox_->Enqueue(c, OutgoingMessage{MessageType::kCaseStatus, std::string(kRegency),
                                               "KAB3204-000042", R"({"state":"closed"})"});
  });
  ASSERT_TRUE(later) << later.error().message;
  EXPECT_EQ(json::parse(OutboxTo(kRegency).back().envelope).at("created_at"), NowMs());
}

}  // namespace
}  // namespace simpul::fed::testing
