#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/node/service/service_test_support.hpp"

namespace simpul::service {
namespace {

using domain::CaseAction;
using domain::CaseState;
using testing::RunAwait;
using testing::ServiceTest;

// Two units with one officer each, and one case dispositioned to each unit.
class CaseAccessTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    pu_officer_ = CreateUnitOfficer("dinas-pu", "petugas.pu");
    health_officer_ = CreateUnitOfficer("dinkes", "petugas.dinkes");
    road_case_ = Disposed("dinas-pu");
    health_case_ = Disposed("dinkes");
    undisposed_case_ = SubmitOk().tracking_id;
  }

  std::string Disposed(const std::string& unit) {
    const std::string id = SubmitOk().tracking_id;
    ActOk(verifier_, id, CaseAction::kVerify);
    ActionCommand dispose;
    dispose.action = CaseAction::kDispose;
    dispose.unit_code = unit;
    EXPECT_TRUE(Act(verifier_, id, dispose).has_value());
    return id;
  }

  std::vector<std::string> Listed(const Principal& who, store::CaseQuery query = {}) {
    auto page = RunAwait(io_, cases_->List(who, query));
    EXPECT_TRUE(page.has_value()) << (page ? "" : page.error().message);
    std::vector<std::string> ids;
    if (page) {
      for (const auto& r : page->items) ids.push_back(r.tracking_id);
      EXPECT_EQ(page->total, static_cast<std::int64_t>(ids.size()));
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  Principal pu_officer_, health_officer_;
  std::string road_case_, health_case_, undisposed_case_;
};

TEST_F(CaseAccessTest, OfficersWorkOnlyOnTheirUnitsCases) {
  auto own = Get(pu_officer_, road_case_);
  ASSERT_TRUE(own.has_value()) << own.error().message;
  EXPECT_EQ(own->identity_state, "shown");

  for (const std::string& other : {health_case_, undisposed_case_}) {
    auto get = Get(pu_officer_, other);
    ASSERT_FALSE(get.has_value()) << other;
    EXPECT_EQ(get.error().code, ErrorCode::kPermissionDenied);
  }
  auto act = Act(pu_officer_, health_case_, CaseAction::kRespond, "Bukan urusan kami.");
  ASSERT_FALSE(act.has_value());
  EXPECT_EQ(act.error().code, ErrorCode::kPermissionDenied);
  auto view = Get(admin_, health_case_);
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->record.state, CaseState::kDispositioned);
  EXPECT_EQ(CountActions(*view, CaseAction::kRespond), 0u);

  EXPECT_EQ(ActOk(health_officer_, health_case_, CaseAction::kRespond, "Sedang ditangani."),
            CaseState::kInProgress);
}

TEST_F(CaseAccessTest, ListIsRestrictedToTheOfficersUnit) {
  EXPECT_EQ(Listed(pu_officer_), std::vector<std::string>{road_case_});
  EXPECT_EQ(Listed(health_officer_), std::vector<std::string>{health_case_});
  // Asking for another unit does not widen the view.
  store::CaseQuery other_unit;
  other_unit.unit_id = health_officer_.unit_id;
  EXPECT_EQ(Listed(pu_officer_, other_unit), std::vector<std::string>{road_case_});
  EXPECT_EQ(Listed(verifier_).size(), 3u);
}

TEST_F(CaseAccessTest, OfficerWithoutUnitSeesNothing) {
  Principal orphan = pu_officer_;
  orphan.unit_id.reset();
  EXPECT_TRUE(Listed(orphan).empty());
  EXPECT_EQ(Get(orphan, road_case_).error().code, ErrorCode::kPermissionDenied);
}

TEST_F(CaseAccessTest, OfficersMayNotVerifyOrDispose) {
  auto verify = Act(pu_officer_, undisposed_case_, CaseAction::kVerify);
  ASSERT_FALSE(verify.has_value());
  EXPECT_EQ(verify.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(Get(admin_, undisposed_case_)->record.state, CaseState::kSubmitted);
}

TEST_F(CaseAccessTest, AuditorsReadButNeverAct) {
  auto read = Get(auditor_, road_case_);
  ASSERT_TRUE(read.has_value());
  EXPECT_TRUE(read->allowed_actions.empty());
  for (CaseAction action : {CaseAction::kVerify, CaseAction::kArchive, CaseAction::kEscalate}) {
    ActionCommand cmd;
    cmd.action = action;
    cmd.archive_reason = domain::ArchiveReason::kAbusive;
    auto r = Act(auditor_, undisposed_case_, cmd);
    ASSERT_FALSE(r.has_value()) << domain::Name(action);
    EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied) << domain::Name(action);
  }
  auto view = Get(admin_, undisposed_case_);
  EXPECT_EQ(view->record.state, CaseState::kSubmitted);
  EXPECT_EQ(view->events.size(), 1u);
}

TEST_F(CaseAccessTest, AllowedActionsFollowTheRole) {
  auto for_verifier = Get(verifier_, undisposed_case_);
  ASSERT_TRUE(for_verifier.has_value());
  const auto& actions = for_verifier->allowed_actions;
  EXPECT_NE(std::find(actions.begin(), actions.end(), CaseAction::kVerify), actions.end());
  EXPECT_EQ(std::find(actions.begin(), actions.end(), CaseAction::kReporterReply), actions.end());
  auto for_officer = Get(pu_officer_, road_case_);
  ASSERT_TRUE(for_officer.has_value());
  EXPECT_EQ(for_officer->allowed_actions, std::vector<CaseAction>{CaseAction::kRespond});
}

TEST_F(CaseAccessTest, PublicFeedShowsVerifiedNonConfidentialCasesOnly) {
  auto draft = testing::ValidDraft();
  draft.confidential = true;
  const std::string secret = SubmitOk(draft).tracking_id;
  ActOk(verifier_, secret, CaseAction::kVerify);
  auto feed = RunAwait(io_, cases_->PublicFeed(50, 0));
  ASSERT_TRUE(feed.has_value());
  std::vector<std::string> ids;
  for (const auto& r : feed->items) ids.push_back(r.tracking_id);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{road_case_, health_case_}));
}

}  // namespace
}  // namespace simpul::service
