// Crypto-shredding a reporter's identity: the personal data becomes unreadable for good while the
// case and its history stay, the erasure itself is recorded, and only a node admin may do it.
#include "tests/node/service/service_test_support.hpp"

namespace simpul::service::testing {
namespace {

class IdentityErasureTest : public ServiceTest {
 protected:
  Result<CaseView> Erase(const Principal& who, const std::string& id, std::string reason) {
    ActionCommand cmd;
    cmd.action = CaseAction::kEraseIdentity;
    cmd.reason = std::move(reason);
    return RunAwait(io_, cases_->Act(who, id, cmd));
  }
};

TEST_F(IdentityErasureTest, AdminErasesIdentityAndHistoryRecordsIt) {
  auto filed = SubmitOk();
  auto before = RunAwait(io_, cases_->Get(admin_, filed.tracking_id));
  ASSERT_TRUE(before) << before.error().message;
  ASSERT_EQ(before->identity_state, "shown");
  const auto events_before = before->events.size();

  auto erased = Erase(admin_, filed.tracking_id, "permintaan pelapor (UU PDP)");
  ASSERT_TRUE(erased) << erased.error().message;
  EXPECT_EQ(erased->identity_state, "erased");
  EXPECT_FALSE(erased->reporter.has_value());
  EXPECT_EQ(erased->record.state, CaseState::kSubmitted);
  ASSERT_EQ(erased->events.size(), events_before + 1);
  EXPECT_EQ(erased->events.back().action, CaseAction::kEraseIdentity);
  EXPECT_FALSE(erased->events.back().is_public);
  EXPECT_EQ(erased->record.title, before->record.title);

  // The case still works after erasure.
  ActionCommand verify;
  verify.action = CaseAction::kVerify;
  EXPECT_TRUE(RunAwait(io_, cases_->Act(verifier_, filed.tracking_id, verify)));
}

TEST_F(IdentityErasureTest, SecondErasureIsNotFoundAndNeedsAReason) {
  auto filed = SubmitOk();
  auto no_reason = Erase(admin_, filed.tracking_id, "");
  ASSERT_FALSE(no_reason);
  EXPECT_EQ(no_reason.error().code, ErrorCode::kInvalidArgument);
  ASSERT_TRUE(Erase(admin_, filed.tracking_id, "permintaan pelapor"));
  auto again = Erase(admin_, filed.tracking_id, "permintaan pelapor");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound);
}

TEST_F(IdentityErasureTest, OnlyNodeAdminMayErase) {
  auto filed = SubmitOk();
  for (const Principal* who : {&supervisor_, &verifier_, &auditor_}) {
    auto r = Erase(*who, filed.tracking_id, "permintaan pelapor");
    ASSERT_FALSE(r) << who->username;
    EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied) << who->username;
  }
  auto still = RunAwait(io_, cases_->Get(admin_, filed.tracking_id));
  ASSERT_TRUE(still);
  EXPECT_EQ(still->identity_state, "shown");
}

}  // namespace
}  // namespace simpul::service::testing
