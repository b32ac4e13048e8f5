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

class CaseSweepTest : public ServiceTest {
 protected:
  std::int64_t CountOf(const std::vector<store::CountRow>& rows, const std::string& key) {
    for (const auto& r : rows) {
      if (r.key == key) return r.count;
    }
    return 0;
  }
  const store::ClockCompliance* ClockRow(const CaseStats& s, const std::string& clock) {
    for (const auto& c : s.compliance) {
      if (c.clock == clock) return &c;
    }
    return nullptr;
  }
};

TEST_F(CaseSweepTest, UnverifiedCaseIsEscalatedOnceAfterThreeWorkingDays) {
  const std::string id = SubmitOk().tracking_id;
  const auto due = Get(admin_, id)->record.next_due_at;
  ASSERT_TRUE(due.has_value());
  EXPECT_GE(*due, now_ + days(3));  // three working days, not hours

  now_ = *due - hours(1);
  auto before = Sweep();
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(before->escalated, 0);

  now_ = *due + hours(1);
  auto first = Sweep();
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(first->escalated, 1);
  EXPECT_EQ(first->failed, 0) << first->last_error;
  auto view = Get(admin_, id);
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->record.escalation_level, 1);
  EXPECT_EQ(view->record.state, CaseState::kSubmitted);
  ASSERT_EQ(CountActions(*view, CaseAction::kEscalate), 1u);
  EXPECT_EQ(view->events.back().actor, "system");
  EXPECT_FALSE(view->events.back().is_public);

  Advance(days(1));
  auto second = Sweep();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->escalated, 0);
  view = Get(admin_, id);
  EXPECT_EQ(view->record.escalation_level, 1);
  EXPECT_EQ(CountActions(*view, CaseAction::kEscalate), 1u);

  // Verifying late still works, and the settle clock is not yet due.
  EXPECT_EQ(ActOk(verifier_, id, CaseAction::kVerify), CaseState::kVerified);
  EXPECT_EQ(Sweep()->escalated, 0);
}

TEST_F(CaseSweepTest, WeekendDoesNotCountTowardsTheVerifyDeadline) {
  now_ = testing::MondayMorning() + days(4);  // Friday
  const std::string id = SubmitOk().tracking_id;
  now_ += days(4);  // Tuesday: only Monday and Tuesday were working days
  EXPECT_EQ(Sweep()->escalated, 0);
  EXPECT_EQ(Get(admin_, id)->record.escalation_level, 0);
}

TEST_F(CaseSweepTest, PendingInfoPausesTheVerifyClock) {
  const std::string id = SubmitOk().tracking_id;
  const auto original_due = *Get(admin_, id)->record.next_due_at;

  Advance(hours(1));
  const domain::TimePoint pause_start = now_;
  auto paused = Act(verifier_, id, CaseAction::kRequestInfo, "Mohon kirim foto lokasi.");
  ASSERT_TRUE(paused.has_value()) << paused.error().message;
  EXPECT_EQ(paused->record.state, CaseState::kPendingInfo);
  EXPECT_FALSE(paused->record.next_due_at.has_value());

  // Past the original deadline while paused: nothing to escalate.
  now_ = original_due + hours(1);
  EXPECT_EQ(Sweep()->escalated, 0);

  auto resumed = Act(verifier_, id, CaseAction::kProvideInfo);
  ASSERT_TRUE(resumed.has_value()) << resumed.error().message;
  EXPECT_EQ(resumed->record.state, CaseState::kSubmitted);
  ASSERT_TRUE(resumed->record.next_due_at.has_value());
  EXPECT_GT(*resumed->record.next_due_at, original_due);
  EXPECT_EQ(
      *resumed->record.next_due_at,
      calendar_->AddWorkingTime(original_due, calendar_->WorkingTimeBetween(pause_start, now_)));
  EXPECT_EQ(Sweep()->escalated, 0);
}

TEST_F(CaseSweepTest, ReporterReplyEndsThePause) {
  const SubmitResult r = SubmitOk();
  ASSERT_EQ(ActOk(verifier_, r.tracking_id, CaseAction::kRequestInfo, "Alamat lengkap?"),
            CaseState::kPendingInfo);
  Advance(days(1));
  auto reply = RunAwait(io_, cases_->ReporterReply(r.tracking_id, r.access_code,
                                                   "Jl. Raya Sukamaju No. 5", "rid-test"));
  ASSERT_TRUE(reply.has_value()) << reply.error().message;
  EXPECT_EQ(reply->record.state, CaseState::kSubmitted);
  EXPECT_TRUE(reply->record.next_due_at.has_value());
}

TEST_F(CaseSweepTest, OverdueFirstResponseIsEscalatedOnceToo) {
  CreateUnitOfficer("dinas-pu", "petugas.pu");
  const std::string id = SubmitOk().tracking_id;
  ActOk(verifier_, id, CaseAction::kVerify);
  ActionCommand dispose;
  dispose.action = CaseAction::kDispose;
  dispose.unit_code = "dinas-pu";
  auto disposed = Act(verifier_, id, dispose);
  ASSERT_TRUE(disposed.has_value());
  ASSERT_EQ(disposed->record.next_clock, "first_response");
  now_ = *disposed->record.next_due_at + hours(1);
  EXPECT_EQ(Sweep()->escalated, 1);
  EXPECT_EQ(Sweep()->escalated, 0);
  auto view = Get(admin_, id);
  EXPECT_EQ(view->record.escalation_level, 1);
  EXPECT_EQ(view->record.state, CaseState::kDispositioned);
}

TEST_F(CaseSweepTest, StatsCountStatesAndDeadlineCompliance) {
  const std::string on_time = SubmitOk().tracking_id;
  const std::string waiting_a = SubmitOk().tracking_id;
  SubmitOk();
  auto draft = testing::ValidDraft();
  draft.category_code = "kesehatan.puskesmas";
  draft.region_code = "32.73";
  SubmitOk(draft);
  ActOk(verifier_, on_time, CaseAction::kVerify);

  auto stats = RunAwait(io_, cases_->Stats());
  ASSERT_TRUE(stats.has_value()) << stats.error().message;
  EXPECT_EQ(stats->total, 4);
  EXPECT_EQ(CountOf(stats->by_state, "submitted"), 3);
  EXPECT_EQ(CountOf(stats->by_state, "verified"), 1);
  EXPECT_EQ(CountOf(stats->by_category, "infrastruktur.jalan"), 3);
  EXPECT_EQ(CountOf(stats->by_region, "32.73"), 1);
  EXPECT_EQ(stats->overdue, 0);
  const auto* verify = ClockRow(*stats, "verify");
  ASSERT_NE(verify, nullptr);
  EXPECT_EQ(verify->met, 1);
  EXPECT_EQ(verify->running, 3);
  EXPECT_EQ(verify->missed, 0);

  now_ = *Get(admin_, waiting_a)->record.next_due_at + hours(1);
  stats = RunAwait(io_, cases_->Stats());
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(stats->overdue, 3);
  verify = ClockRow(*stats, "verify");
  ASSERT_NE(verify, nullptr);
  EXPECT_EQ(verify->met, 1);
  EXPECT_EQ(verify->missed, 3);
  EXPECT_EQ(verify->running, 0);
  const auto* settle = ClockRow(*stats, "settle");
  ASSERT_NE(settle, nullptr);
  EXPECT_EQ(settle->running, 1);
}

}  // namespace
}  // namespace simpul::service
