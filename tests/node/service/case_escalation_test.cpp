// The sweeper's escalation of overdue cases beyond the node, with a fake federation behind the
// EscalationHooks interface: thresholds in working days, once per level and deadline, across a
// restart, and all-or-nothing with the envelope.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/node/service/service_test_support.hpp"

namespace simpul::service {
namespace {

using domain::CaseAction;
using domain::CaseState;
using domain::EscalationLevel;
using std::chrono::hours;
using std::chrono::minutes;
using testing::ServiceTest;

// Records what would be sealed; fails on demand.
class FakeEscalationHooks final : public EscalationHooks {
 public:
  Result<EscalationTargets> Targets() const override {
    if (fail_targets) return tl::unexpected(*fail_targets);
    return targets;
  }
  Result<std::string> Send(store::Connection&, const store::CaseRecord& rec,
                           const OverdueEscalation& e) override {
    if (fail_send) return tl::unexpected(*fail_send);
    sent.emplace_back(rec.tracking_id, e);
    return "msg-" + std::to_string(sent.size());
  }

  EscalationTargets targets{"prov:32", "coord:panrb"};
  std::optional<Error> fail_targets, fail_send;
  std::vector<std::pair<std::string, OverdueEscalation>> sent;
};

class CaseEscalationTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    cases_->SetEscalationHooks(&hooks_);
  }

  // The instant the deadline `due` is `n` working days late.
  domain::TimePoint LateBy(domain::TimePoint due, int n) {
    return calendar_->AddWorkingTime(due, hours(24 * n));
  }
  // The escalate events of case `id` that went beyond the node.
  std::vector<nlohmann::json> BeyondEvents(const std::string& id) {
    std::vector<nlohmann::json> out;
    auto view = Get(admin_, id);
    EXPECT_TRUE(view.has_value());
    if (!view) return out;
    for (const auto& e : view->events) {
      auto detail = nlohmann::json::parse(e.detail);
      if (e.action == CaseAction::kEscalate && detail.contains("escalation")) {
        EXPECT_FALSE(e.is_public);
        EXPECT_EQ(e.actor, "system");
        out.push_back(detail);
      }
    }
    return out;
  }

  FakeEscalationHooks hooks_;
};

TEST_F(CaseEscalationTest, GoesToTheParentThenTheCoordinatorAfterWorkingDayThresholds) {
  const std::string id = SubmitOk().tracking_id;  // Monday 6 July 2026
  const domain::TimePoint due = *Get(admin_, id)->record.next_due_at;

  now_ = due + hours(1);
  auto first = Sweep();
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(first->escalated, 1);  // the supervisors, at once
  EXPECT_EQ(first->escalated_beyond, 0);

  // Five working days span a weekend: seven calendar days.
  const domain::TimePoint parent_at = LateBy(due, 5);
  EXPECT_EQ(parent_at, due + std::chrono::days(7));
  now_ = parent_at - minutes(1);
  EXPECT_EQ(Sweep()->escalated_beyond, 0);
  now_ = parent_at;
  auto second = Sweep();
  ASSERT_TRUE(second.has_value()) << second.error().message;
  EXPECT_EQ(second->escalated_beyond, 1) << second->last_error;
  ASSERT_EQ(hooks_.sent.size(), 1u);
  EXPECT_EQ(hooks_.sent[0].first, id);
  const OverdueEscalation& to_parent = hooks_.sent[0].second;
  EXPECT_EQ(to_parent.level, EscalationLevel::kParent);
  EXPECT_EQ(to_parent.dest, "prov:32");
  EXPECT_EQ(to_parent.clock, "verify");
  EXPECT_EQ(to_parent.due_at, due);
  EXPECT_EQ(to_parent.overdue_working_days, 5);

  Advance(hours(6));
  EXPECT_EQ(Sweep()->escalated_beyond, 0);  // once per level

  now_ = LateBy(due, 10) + hours(1);
  EXPECT_EQ(Sweep()->escalated_beyond, 1);
  ASSERT_EQ(hooks_.sent.size(), 2u);
  EXPECT_EQ(hooks_.sent[1].second.level, EscalationLevel::kCoordinator);
  EXPECT_EQ(hooks_.sent[1].second.dest, "coord:panrb");
  EXPECT_EQ(Sweep()->escalated_beyond, 0);

  auto view = Get(admin_, id);
  EXPECT_EQ(view->record.state, CaseState::kSubmitted);
  EXPECT_EQ(view->record.escalation_level, 3);
  auto beyond = BeyondEvents(id);
  ASSERT_EQ(beyond.size(), 2u);
  EXPECT_EQ(beyond[0]["to"], "prov:32");
  EXPECT_EQ(beyond[0]["escalation"], "parent");
  EXPECT_EQ(beyond[0]["clock"], "verify");
  EXPECT_EQ(beyond[0]["msg_id"], "msg-1");
  EXPECT_EQ(beyond[0]["overdue_working_days"], 5);
  EXPECT_EQ(beyond[1]["to"], "coord:panrb");
  EXPECT_EQ(beyond[1]["escalation"], "coordinator");
}

TEST_F(CaseEscalationTest, LateFirstSweepSendsEveryLevelReachedInOrder) {
  const std::string id = SubmitOk().tracking_id;
  const domain::TimePoint due = *Get(admin_, id)->record.next_due_at;
  now_ = LateBy(due, 12);
  auto sweep = Sweep();
  ASSERT_TRUE(sweep.has_value());
  EXPECT_EQ(sweep->escalated, 1);
  EXPECT_EQ(sweep->escalated_beyond, 2);
  ASSERT_EQ(hooks_.sent.size(), 2u);
  EXPECT_EQ(hooks_.sent[0].second.level, EscalationLevel::kParent);
  EXPECT_EQ(hooks_.sent[1].second.level, EscalationLevel::kCoordinator);
}

TEST_F(CaseEscalationTest, WithoutAParentTheFirstThresholdGoesToTheCoordinator) {
  hooks_.targets.parent.clear();
  const std::string id = SubmitOk().tracking_id;
  const domain::TimePoint due = *Get(admin_, id)->record.next_due_at;
  now_ = LateBy(due, 5);
  EXPECT_EQ(Sweep()->escalated_beyond, 1);
  now_ = LateBy(due, 30);
  EXPECT_EQ(Sweep()->escalated_beyond, 0);
  ASSERT_EQ(hooks_.sent.size(), 1u);
  EXPECT_EQ(hooks_.sent[0].second.level, EscalationLevel::kCoordinator);
  EXPECT_EQ(hooks_.sent[0].second.dest, "coord:panrb");
}

TEST_F(CaseEscalationTest, OncePerLevelSurvivesARestart) {
  const std::string id = SubmitOk().tracking_id;
  const domain::TimePoint due = *Get(admin_, id)->record.next_due_at;
  now_ = LateBy(due, 6);
  EXPECT_EQ(Sweep()->escalated_beyond, 1);

  // A fresh service over the same database, as after a restart of the node.
  FakeEscalationHooks after_restart;
  cases_ =
      std::make_unique<CaseService>(CaseServiceConfig{"kab:32.04", "KAB3204", {}, {}, {}}, *db_,
                                    *blobs_, *catalog_, *calendar_, signer_, data_key_, clock_);
  cases_->SetEscalationHooks(&after_restart);
  Advance(hours(2));
  EXPECT_EQ(Sweep()->escalated_beyond, 0);
  EXPECT_TRUE(after_restart.sent.empty());
  EXPECT_EQ(BeyondEvents(id).size(), 1u);
}

TEST_F(CaseEscalationTest, AFailedSendLeavesNoEventAndIsRetried) {
  const std::string id = SubmitOk().tracking_id;
  const domain::TimePoint due = *Get(admin_, id)->record.next_due_at;
  now_ = LateBy(due, 5);
  hooks_.fail_send = Error{ErrorCode::kUnavailable, "outbox unavailable"};
  auto failed = Sweep();
  ASSERT_TRUE(failed.has_value()) << failed.error().message;
  EXPECT_EQ(failed->escalated, 1);  // the supervisors still heard
  EXPECT_EQ(failed->escalated_beyond, 0);
  EXPECT_EQ(failed->failed, 1);
  EXPECT_NE(failed->last_error.find("outbox unavailable"), std::string::npos);
  EXPECT_TRUE(BeyondEvents(id).empty());
  EXPECT_EQ(Get(admin_, id)->record.escalation_level, 1);

  hooks_.fail_send.reset();
  Advance(hours(1));
  auto retried = Sweep();
  ASSERT_TRUE(retried.has_value());
  EXPECT_EQ(retried->escalated_beyond, 1);
  EXPECT_EQ(retried->failed, 0);
  EXPECT_EQ(BeyondEvents(id).size(), 1u);
}

TEST_F(CaseEscalationTest, NoDirectoryYetMeansNoEscalationBeyondAndNoFailure) {
  const std::string id = SubmitOk().tracking_id;
  now_ = LateBy(*Get(admin_, id)->record.next_due_at, 20);
  hooks_.fail_targets = Error{ErrorCode::kUnavailable, "no directory"};
  auto sweep = Sweep();
  ASSERT_TRUE(sweep.has_value());
  EXPECT_EQ(sweep->escalated, 1);
  EXPECT_EQ(sweep->escalated_beyond, 0);
  EXPECT_EQ(sweep->failed, 0);
  // The coordinator itself escalates to nobody.
  hooks_.fail_targets.reset();
  hooks_.targets = EscalationTargets{"", ""};
  EXPECT_EQ(Sweep()->escalated_beyond, 0);
  EXPECT_TRUE(hooks_.sent.empty());
}

TEST_F(CaseEscalationTest, ANewDeadlineEscalatesAnew) {
  const std::string id = SubmitOk().tracking_id;
  const domain::TimePoint verify_due = *Get(admin_, id)->record.next_due_at;
  now_ = LateBy(verify_due, 5);
  EXPECT_EQ(Sweep()->escalated_beyond, 1);
  ASSERT_EQ(ActOk(verifier_, id, CaseAction::kVerify), CaseState::kVerified);
  const auto settle = Get(admin_, id)->record;
  ASSERT_EQ(settle.next_clock, "settle");
  now_ = LateBy(*settle.next_due_at, 5);
  auto sweep = Sweep();
  ASSERT_TRUE(sweep.has_value());
  EXPECT_EQ(sweep->escalated, 1);
  EXPECT_EQ(sweep->escalated_beyond, 1);
  ASSERT_EQ(hooks_.sent.size(), 2u);
  EXPECT_EQ(hooks_.sent[1].second.clock, "settle");
  EXPECT_EQ(hooks_.sent[1].second.level, EscalationLevel::kParent);
}

TEST_F(CaseEscalationTest, CasesNotOverdueOrClosingAreLeftAlone) {
  const std::string on_time = SubmitOk().tracking_id;
  ASSERT_EQ(ActOk(verifier_, on_time, CaseAction::kVerify), CaseState::kVerified);
  now_ += std::chrono::days(20);  // settle (60 days) is far off
  auto sweep = Sweep();
  ASSERT_TRUE(sweep.has_value());
  EXPECT_EQ(sweep->escalated_beyond, 0);
  EXPECT_TRUE(hooks_.sent.empty());
}

}  // namespace
}  // namespace simpul::service
