#include "node/domain/lifecycle.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace simpul::domain {
namespace {

using S = CaseState;
using A = CaseAction;

struct Transition {
  S from;
  A action;
  S to;
};

// The transition table of the design, written out independently of the implementation.
const std::vector<Transition>& LegalTransitions() {
  static const std::vector<Transition> kTable = {
      {S::kSubmitted, A::kVerify, S::kVerified},
      {S::kSubmitted, A::kRequestInfo, S::kPendingInfo},
      {S::kPendingInfo, A::kProvideInfo, S::kSubmitted},
      {S::kSubmitted, A::kArchive, S::kArchived},
      {S::kPendingInfo, A::kArchive, S::kArchived},
      {S::kVerified, A::kArchive, S::kArchived},
      {S::kSubmitted, A::kClassify, S::kSubmitted},
      {S::kPendingInfo, A::kClassify, S::kPendingInfo},
      {S::kVerified, A::kClassify, S::kVerified},
      {S::kVerified, A::kDispose, S::kDispositioned},
      {S::kDispositioned, A::kDispose, S::kDispositioned},
      {S::kVerified, A::kForward, S::kForwarded},
      {S::kDispositioned, A::kRespond, S::kInProgress},
      {S::kInProgress, A::kRespond, S::kInProgress},
      {S::kReopened, A::kRespond, S::kInProgress},
      {S::kInProgress, A::kResolve, S::kResolved},
      {S::kResolved, A::kReporterReply, S::kReopened},
      {S::kPendingInfo, A::kReporterReply, S::kSubmitted},
      {S::kSubmitted, A::kReporterReply, S::kSubmitted},
      {S::kVerified, A::kReporterReply, S::kVerified},
      {S::kDispositioned, A::kReporterReply, S::kDispositioned},
      {S::kForwarded, A::kReporterReply, S::kForwarded},
      {S::kInProgress, A::kReporterReply, S::kInProgress},
      {S::kReopened, A::kReporterReply, S::kReopened},
      {S::kResolved, A::kClose, S::kClosed},
      {S::kSubmitted, A::kEscalate, S::kSubmitted},
      {S::kPendingInfo, A::kEscalate, S::kPendingInfo},
      {S::kVerified, A::kEscalate, S::kVerified},
      {S::kDispositioned, A::kEscalate, S::kDispositioned},
      {S::kInProgress, A::kEscalate, S::kInProgress},
      {S::kReopened, A::kEscalate, S::kReopened},
      {S::kSubmitted, A::kEraseIdentity, S::kSubmitted},
      {S::kPendingInfo, A::kEraseIdentity, S::kPendingInfo},
      {S::kVerified, A::kEraseIdentity, S::kVerified},
      {S::kDispositioned, A::kEraseIdentity, S::kDispositioned},
      {S::kForwarded, A::kEraseIdentity, S::kForwarded},
      {S::kInProgress, A::kEraseIdentity, S::kInProgress},
      {S::kResolved, A::kEraseIdentity, S::kResolved},
      {S::kReopened, A::kEraseIdentity, S::kReopened},
      {S::kClosed, A::kEraseIdentity, S::kClosed},
      {S::kArchived, A::kEraseIdentity, S::kArchived},
      // Bukan wewenang: a received case goes back to its sender before it is handled.
      {S::kSubmitted, A::kDecline, S::kArchived},
      {S::kVerified, A::kDecline, S::kArchived},
  };
  return kTable;
}

TEST(LifecycleTest, EveryLegalTransitionLeadsToItsTarget) {
  for (const Transition& t : LegalTransitions()) {
    Result<CaseState> next = NextState(t.from, t.action);
    ASSERT_TRUE(next.has_value()) << Name(t.action) << " from " << Name(t.from) << ": "
                                  << next.error().message;
    EXPECT_EQ(*next, t.to) << Name(t.action) << " from " << Name(t.from);
  }
}

TEST(LifecycleTest, EveryOtherPairIsAConflict) {
  int rejected = 0;
  for (CaseState from : AllCaseStates()) {
    for (CaseAction action : AllCaseActions()) {
      bool legal =
          std::any_of(LegalTransitions().begin(), LegalTransitions().end(),
                      [&](const Transition& t) { return t.from == from && t.action == action; });
      if (legal) continue;
      Result<CaseState> next = NextState(from, action);
      ASSERT_FALSE(next.has_value()) << Name(action) << " from " << Name(from);
      EXPECT_EQ(next.error().code, ErrorCode::kConflict);
      ++rejected;
    }
  }
  EXPECT_EQ(rejected, 10 * 16 - static_cast<int>(LegalTransitions().size()));
}

TEST(LifecycleTest, IllegalMoveNamesTheAllowedActions) {
  Result<CaseState> next = NextState(S::kVerified, A::kResolve);
  ASSERT_FALSE(next.has_value());
  EXPECT_EQ(next.error().message,
            "cannot resolve a case in state verified; allowed: archive, classify, decline, "
            "dispose, escalate, forward, reporter_reply");
}

TEST(LifecycleTest, TerminalStatesAllowNothing) {
  Result<CaseState> next = NextState(S::kClosed, A::kRespond);
  ASSERT_FALSE(next.has_value());
  EXPECT_EQ(next.error().message, "cannot respond a case in state closed; allowed: none");
  EXPECT_TRUE(AllowedActions(S::kClosed).empty());
  EXPECT_TRUE(AllowedActions(S::kArchived).empty());
}

TEST(LifecycleTest, EraseIdentityIsAllowedEverywhereButNeverListed) {
  for (CaseState s : AllCaseStates()) {
    Result<CaseState> next = NextState(s, A::kEraseIdentity);
    ASSERT_TRUE(next.has_value()) << Name(s);
    EXPECT_EQ(*next, s);
    auto allowed = AllowedActions(s);
    EXPECT_EQ(std::count(allowed.begin(), allowed.end(), A::kEraseIdentity), 0) << Name(s);
  }
}

TEST(LifecycleTest, PeerUpdateIsNeverAStaffTransition) {
  for (CaseState s : AllCaseStates()) {
    EXPECT_FALSE(NextState(s, A::kPeerUpdate).has_value()) << Name(s);
    auto allowed = AllowedActions(s);
    EXPECT_EQ(std::count(allowed.begin(), allowed.end(), A::kPeerUpdate), 0) << Name(s);
  }
}

TEST(LifecycleTest, SubmitIsNeverATransition) {
  for (CaseState from : AllCaseStates()) {
    Result<CaseState> next = NextState(from, A::kSubmit);
    ASSERT_FALSE(next.has_value());
    EXPECT_EQ(next.error().code, ErrorCode::kConflict);
  }
  EXPECT_EQ(kInitialState, S::kSubmitted);
}

TEST(LifecycleTest, AllowedActionsAreSortedByName) {
  std::vector<CaseAction> expected = {A::kArchive,       A::kClassify,    A::kDecline, A::kEscalate,
                                      A::kReporterReply, A::kRequestInfo, A::kVerify};
  EXPECT_EQ(AllowedActions(S::kSubmitted), expected);
  EXPECT_EQ(AllowedActions(S::kResolved), (std::vector<CaseAction>{A::kClose, A::kReporterReply}));
}

TEST(LifecycleTest, TerminalAndPausedStates) {
  for (CaseState s : AllCaseStates()) {
    EXPECT_EQ(IsTerminal(s), s == S::kClosed || s == S::kArchived) << Name(s);
    EXPECT_EQ(IsPaused(s), s == S::kPendingInfo) << Name(s);
  }
}

TEST(LifecycleTest, WireNamesRoundTrip) {
  for (CaseState s : AllCaseStates()) EXPECT_EQ(ParseCaseState(Name(s)), s);
  for (CaseAction a : AllCaseActions()) EXPECT_EQ(ParseCaseAction(Name(a)), a);
  EXPECT_EQ(Name(S::kPendingInfo), "pending_info");
  EXPECT_EQ(Name(S::kInProgress), "in_progress");
  EXPECT_EQ(Name(A::kReporterReply), "reporter_reply");
  EXPECT_EQ(ParseCaseState("Verified"), std::nullopt);
  EXPECT_EQ(ParseCaseAction(""), std::nullopt);
  for (auto r : {ArchiveReason::kIncomplete, ArchiveReason::kNotPublicService,
                 ArchiveReason::kDuplicate, ArchiveReason::kOutOfScope, ArchiveReason::kAbusive}) {
    EXPECT_EQ(ParseArchiveReason(Name(r)), r);
  }
  EXPECT_EQ(Name(ArchiveReason::kNotPublicService), "not_public_service");
  EXPECT_EQ(ParseArchiveReason("spam"), std::nullopt);
}

}  // namespace
}  // namespace simpul::domain
