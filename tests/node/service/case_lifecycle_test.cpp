#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "tests/node/service/service_test_support.hpp"

namespace simpul::service {
namespace {

using domain::CaseAction;
using domain::CaseState;
using std::chrono::days;
using std::chrono::hours;
using testing::RunAwait;
using testing::ServiceTest;
using testing::ValidDraft;

class CaseLifecycleTest : public ServiceTest {
 protected:
  Result<CaseView> Reply(const SubmitResult& r, std::string message) {
    return RunAwait(
        io_, cases_->ReporterReply(r.tracking_id, r.access_code, std::move(message), "rid-test"));
  }
  // Submits, verifies and dispositions a case to `unit`; returns it.
  SubmitResult DisposedTo(const std::string& unit) {
    const SubmitResult r = SubmitOk();
    EXPECT_EQ(ActOk(verifier_, r.tracking_id, CaseAction::kVerify), CaseState::kVerified);
    ActionCommand dispose;
    dispose.action = CaseAction::kDispose;
    dispose.unit_code = unit;
    auto disposed = Act(verifier_, r.tracking_id, dispose);
    EXPECT_TRUE(disposed.has_value()) << (disposed ? "" : disposed.error().message);
    return r;
  }
};

TEST_F(CaseLifecycleTest, FullLifecycleEndsInAutoClose) {
  const Principal officer = CreateUnitOfficer("dinas-pu", "petugas.pu");
  const SubmitResult r = SubmitOk();
  const std::string& id = r.tracking_id;

  Advance(hours(1));
  auto verified = Act(verifier_, id, CaseAction::kVerify);
  ASSERT_TRUE(verified.has_value()) << verified.error().message;
  EXPECT_EQ(verified->record.state, CaseState::kVerified);
  EXPECT_EQ(verified->record.verified_at, now_);

  ActionCommand dispose;
  dispose.action = CaseAction::kDispose;
  dispose.unit_code = "dinas-pu";
  auto disposed = Act(verifier_, id, dispose);
  ASSERT_TRUE(disposed.has_value()) << disposed.error().message;
  EXPECT_EQ(disposed->record.state, CaseState::kDispositioned);
  EXPECT_EQ(disposed->record.unit_code, "dinas-pu");
  EXPECT_EQ(disposed->record.next_clock, "first_response");

  Advance(days(1));
  EXPECT_EQ(ActOk(officer, id, CaseAction::kRespond, "Tim sudah meninjau lokasi."),
            CaseState::kInProgress);
  Advance(days(1));
  auto resolved = Act(officer, id, CaseAction::kResolve, "Lubang sudah ditambal.");
  ASSERT_TRUE(resolved.has_value()) << resolved.error().message;
  EXPECT_EQ(resolved->record.state, CaseState::kResolved);
  EXPECT_EQ(resolved->record.next_clock, "auto_close");

  Advance(days(2));
  auto reopened = Reply(r, "Tambalannya sudah rusak lagi.");
  ASSERT_TRUE(reopened.has_value()) << reopened.error().message;
  EXPECT_EQ(reopened->record.state, CaseState::kReopened);
  EXPECT_EQ(reopened->events.back().actor, "reporter");
  EXPECT_EQ(reopened->record.next_clock, "first_response");

  EXPECT_EQ(ActOk(officer, id, CaseAction::kRespond, "Akan diaspal ulang."),
            CaseState::kInProgress);
  auto resolved_again = Act(officer, id, CaseAction::kResolve, "Sudah diaspal ulang.");
  ASSERT_TRUE(resolved_again.has_value()) << resolved_again.error().message;
  ASSERT_TRUE(resolved_again->record.next_due_at.has_value());
  const domain::TimePoint auto_close_due = *resolved_again->record.next_due_at;
  EXPECT_EQ(auto_close_due, calendar_->AddWorkingDays(now_, 10));

  // Nine calendar days on, the reply window is still open.
  Advance(days(9));
  auto early = Sweep();
  ASSERT_TRUE(early.has_value());
  EXPECT_EQ(early->auto_closed, 0);
  EXPECT_EQ(Get(admin_, id)->record.state, CaseState::kResolved);

  now_ = auto_close_due + hours(1);
  auto sweep = Sweep();
  ASSERT_TRUE(sweep.has_value()) << sweep.error().message;
  EXPECT_EQ(sweep->auto_closed, 1);
  EXPECT_EQ(sweep->failed, 0) << sweep->last_error;
  auto closed = Get(admin_, id);
  ASSERT_TRUE(closed.has_value());
  EXPECT_EQ(closed->record.state, CaseState::kClosed);
  EXPECT_EQ(closed->events.back().action, CaseAction::kClose);
  EXPECT_EQ(closed->events.back().actor, "system");
  EXPECT_FALSE(closed->record.next_due_at.has_value());
  EXPECT_TRUE(closed->allowed_actions.empty());
  EXPECT_EQ(CountActions(*closed, CaseAction::kResolve), 2u);
  EXPECT_EQ(CountActions(*closed, CaseAction::kReporterReply), 1u);
  EXPECT_EQ(closed->events.size(), 9u);  // submit … close, nothing escalated
  // Nothing left to do for the next sweep.
  EXPECT_EQ(Sweep()->auto_closed, 0);
}

TEST_F(CaseLifecycleTest, IllegalTransitionNamesTheAllowedActions) {
  const SubmitResult r = SubmitOk();
  auto bad = Act(admin_, r.tracking_id, CaseAction::kResolve, "Selesai.");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kConflict);
  for (const char* allowed : {"verify", "request_info", "archive"}) {
    EXPECT_NE(bad.error().message.find(allowed), std::string::npos) << bad.error().message;
  }
  auto view = Get(admin_, r.tracking_id);
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->record.state, CaseState::kSubmitted);
  EXPECT_EQ(view->events.size(), 1u);
}

TEST_F(CaseLifecycleTest, MessagesAreRequiredWhereTheReporterReadsThem) {
  CreateUnitOfficer("dinas-pu", "petugas.pu");
  const SubmitResult r = DisposedTo("dinas-pu");
  auto blank = Act(supervisor_, r.tracking_id, CaseAction::kRespond, "   ");
  ASSERT_FALSE(blank.has_value());
  EXPECT_EQ(blank.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Get(admin_, r.tracking_id)->record.state, CaseState::kDispositioned);
}

TEST_F(CaseLifecycleTest, DisposeToUnknownUnitIsNotFound) {
  const SubmitResult r = SubmitOk();
  ASSERT_EQ(ActOk(verifier_, r.tracking_id, CaseAction::kVerify), CaseState::kVerified);
  ActionCommand dispose;
  dispose.action = CaseAction::kDispose;
  dispose.unit_code = "tidak-ada";
  auto missing = Act(verifier_, r.tracking_id, dispose);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Get(admin_, r.tracking_id)->record.state, CaseState::kVerified);
}

TEST_F(CaseLifecycleTest, ArchiveNeedsAReason) {
  const SubmitResult r = SubmitOk();
  ActionCommand archive;
  archive.action = CaseAction::kArchive;
  auto no_reason = Act(verifier_, r.tracking_id, archive);
  ASSERT_FALSE(no_reason.has_value());
  EXPECT_EQ(no_reason.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Get(admin_, r.tracking_id)->record.state, CaseState::kSubmitted);

  archive.archive_reason = domain::ArchiveReason::kNotPublicService;
  auto archived = Act(verifier_, r.tracking_id, archive);
  ASSERT_TRUE(archived.has_value()) << archived.error().message;
  EXPECT_EQ(archived->record.state, CaseState::kArchived);
  EXPECT_NE(archived->events.back().detail.find("not_public_service"), std::string::npos);
  EXPECT_FALSE(archived->record.next_due_at.has_value());
}

TEST_F(CaseLifecycleTest, DuplicateMustNameAnExistingOtherCase) {
  const SubmitResult original = SubmitOk();
  const SubmitResult copy = SubmitOk();
  ActionCommand archive;
  archive.action = CaseAction::kArchive;
  archive.archive_reason = domain::ArchiveReason::kDuplicate;

  auto unnamed = Act(verifier_, copy.tracking_id, archive);
  ASSERT_FALSE(unnamed.has_value());
  EXPECT_EQ(unnamed.error().code, ErrorCode::kInvalidArgument);

  archive.duplicate_of = copy.tracking_id;  // itself
  EXPECT_EQ(Act(verifier_, copy.tracking_id, archive).error().code, ErrorCode::kInvalidArgument);

  archive.duplicate_of = "KAB3204-999999";
  auto missing = Act(verifier_, copy.tracking_id, archive);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Get(admin_, copy.tracking_id)->record.state, CaseState::kSubmitted);

  archive.duplicate_of = original.tracking_id;
  auto archived = Act(verifier_, copy.tracking_id, archive);
  ASSERT_TRUE(archived.has_value()) << archived.error().message;
  EXPECT_EQ(archived->record.state, CaseState::kArchived);
  EXPECT_NE(archived->events.back().detail.find(original.tracking_id), std::string::npos);
  EXPECT_EQ(Get(admin_, original.tracking_id)->record.state, CaseState::kSubmitted);
}

TEST_F(CaseLifecycleTest, ReporterReplyAfterTheWindowIsRefused) {
  const Principal officer = CreateUnitOfficer("dinas-pu", "petugas.pu");
  const SubmitResult r = DisposedTo("dinas-pu");
  ASSERT_EQ(ActOk(officer, r.tracking_id, CaseAction::kRespond, "Ditinjau."),
            CaseState::kInProgress);
  auto resolved = Act(officer, r.tracking_id, CaseAction::kResolve, "Selesai diperbaiki.");
  ASSERT_TRUE(resolved.has_value());
  ASSERT_TRUE(resolved->record.next_due_at.has_value());
  now_ = *resolved->record.next_due_at + hours(1);  // no sweep ran yet
  auto late = Reply(r, "Belum beres!");
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().code, ErrorCode::kConflict);
  auto view = Get(admin_, r.tracking_id);
  EXPECT_EQ(view->record.state, CaseState::kResolved);
  EXPECT_EQ(CountActions(*view, CaseAction::kReporterReply), 0u);
}

TEST_F(CaseLifecycleTest, ReporterReplyNeedsTheAccessCode) {
  const SubmitResult r = SubmitOk();
  auto wrong =
      RunAwait(io_, cases_->ReporterReply(r.tracking_id, "ZZZZZZZZZZZZ", "Halo?", "rid-test"));
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code, ErrorCode::kNotFound);
  auto right = Reply(r, "Ada foto tambahan.");
  ASSERT_TRUE(right.has_value()) << right.error().message;
  EXPECT_EQ(right->record.state, CaseState::kSubmitted);
  EXPECT_EQ(CountActions(*right, CaseAction::kReporterReply), 1u);
}

TEST_F(CaseLifecycleTest, ClassifyChangesCategoryButNotState) {
  const SubmitResult r = SubmitOk();
  ActionCommand classify;
  classify.action = CaseAction::kClassify;
  classify.category = "tidak.ada";
  EXPECT_EQ(Act(verifier_, r.tracking_id, classify).error().code, ErrorCode::kInvalidArgument);
  classify.category = "infrastruktur.drainase";
  classify.classification = domain::Classification::kAspiration;
  auto done = Act(verifier_, r.tracking_id, classify);
  ASSERT_TRUE(done.has_value()) << done.error().message;
  EXPECT_EQ(done->record.state, CaseState::kSubmitted);
  EXPECT_EQ(done->record.category, "infrastruktur.drainase");
  EXPECT_EQ(done->record.classification, domain::Classification::kAspiration);
  EXPECT_FALSE(done->events.back().is_public);
}

}  // namespace
}  // namespace simpul::service
