#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <regex>
#include <string>

#include "crypto/bytes.hpp"
#include "node/service/receipt.hpp"
#include "tests/node/service/service_test_support.hpp"

namespace simpul::service {
namespace {

using domain::CaseAction;
using domain::CaseState;
using testing::RunAwait;
using testing::ServiceTest;
using testing::ValidDraft;

class CaseIntakeTest : public ServiceTest {
 protected:
  std::int64_t TotalCases() {
    auto stats = RunAwait(io_, cases_->Stats());
    EXPECT_TRUE(stats.has_value());
    return stats ? stats->total : -1;
  }
};

TEST_F(CaseIntakeTest, SubmitIssuesSequentialTrackingIdsAndAccessCodes) {
  const SubmitResult first = SubmitOk();
  const SubmitResult second = SubmitOk();
  EXPECT_EQ(first.tracking_id, "KAB3204-000001");
  EXPECT_EQ(second.tracking_id, "KAB3204-000002");
  EXPECT_TRUE(std::regex_match(first.access_code, std::regex("[0-9A-Z]{12}"))) << first.access_code;
  EXPECT_NE(first.access_code, second.access_code);
  EXPECT_EQ(first.commitment_hex.size(), 64u);
  EXPECT_NE(first.commitment_hex, second.commitment_hex);

  auto view = Get(verifier_, first.tracking_id);
  ASSERT_TRUE(view.has_value()) << view.error().message;
  EXPECT_EQ(view->record.state, domain::CaseState::kSubmitted);
  EXPECT_EQ(view->record.submitted_at, now_);
  EXPECT_EQ(crypto::HexEncode(view->record.commitment), first.commitment_hex);
  ASSERT_EQ(view->events.size(), 1u);
  EXPECT_EQ(view->events[0].action, CaseAction::kSubmit);
  EXPECT_EQ(view->events[0].actor, "reporter");
  EXPECT_EQ(view->record.next_clock, "verify");
  EXPECT_EQ(view->record.next_due_at, calendar_->AddWorkingDays(now_, 3));
}

TEST_F(CaseIntakeTest, ReceiptVerifiesWithTheNodeKeyAndDetectsTampering) {
  const SubmitResult r = SubmitOk();
  auto payload = VerifyIntakeReceipt(cases_->public_key(), r.receipt);
  ASSERT_TRUE(payload.has_value()) << payload.error().message;
  EXPECT_EQ((*payload)["tracking_id"], r.tracking_id);
  EXPECT_EQ((*payload)["commitment"], r.commitment_hex);
  EXPECT_EQ((*payload)["node"], "kab:32.04");
  EXPECT_EQ((*payload)["submitted_at"], now_.time_since_epoch().count());

  SignedReceipt other_id = r.receipt;
  const auto at = other_id.payload.find("000001");
  ASSERT_NE(at, std::string::npos);
  other_id.payload[at + 5] = '2';  // still canonical JSON, now naming another case
  auto forged = VerifyIntakeReceipt(cases_->public_key(), other_id);
  ASSERT_FALSE(forged.has_value());
  EXPECT_EQ(forged.error().code, ErrorCode::kInvalidArgument);

  auto sig = crypto::Base64Decode(r.receipt.signature);
  ASSERT_TRUE(sig.has_value());
  (*sig)[10] ^= 0x01;
  SignedReceipt bad_sig = r.receipt;
  bad_sig.signature = crypto::Base64Encode(*sig);
  EXPECT_FALSE(VerifyIntakeReceipt(cases_->public_key(), bad_sig).has_value());

  const auto stranger = crypto::Ed25519KeyPair::Generate();
  EXPECT_FALSE(VerifyIntakeReceipt(stranger.public_key(), r.receipt).has_value());
}

TEST_F(CaseIntakeTest, InvalidDraftStoresNothing) {
  auto draft = ValidDraft();
  draft.region_code = "99.99";
  auto r = RunAwait(io_, cases_->Submit(draft));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(TotalCases(), 0);

  draft = ValidDraft();
  draft.category_code = "tidak.ada";
  EXPECT_FALSE(RunAwait(io_, cases_->Submit(draft)).has_value());
  EXPECT_EQ(TotalCases(), 0);
  // Rejected drafts consumed no sequence number.
  EXPECT_EQ(SubmitOk().tracking_id, "KAB3204-000001");
}

TEST_F(CaseIntakeTest, TrackNeedsTheRightAccessCode) {
  const SubmitResult r = SubmitOk();
  auto wrong = RunAwait(io_, cases_->Track(r.tracking_id, "AAAAAAAAAAAA"));
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code, ErrorCode::kNotFound);
  // An unknown id fails the same way, so ids cannot be probed.
  auto unknown = RunAwait(io_, cases_->Track("KAB3204-999999", r.access_code));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, wrong.error().code);
  EXPECT_EQ(unknown.error().message, wrong.error().message);

  auto right = RunAwait(io_, cases_->Track(r.tracking_id, r.access_code));
  ASSERT_TRUE(right.has_value()) << right.error().message;
  EXPECT_EQ(right->record.tracking_id, r.tracking_id);
  ASSERT_EQ(right->events.size(), 1u);
  EXPECT_EQ(right->events[0].action, CaseAction::kSubmit);
  EXPECT_FALSE(right->reporter.has_value());
  EXPECT_TRUE(right->allowed_actions.empty());

  // Typed as printed on a receipt: lower case with separators.
  std::string typed;
  for (size_t i = 0; i < r.access_code.size(); ++i) {
    if (i > 0 && i % 4 == 0) typed += '-';
    typed += static_cast<char>(std::tolower(static_cast<unsigned char>(r.access_code[i])));
  }
  EXPECT_TRUE(RunAwait(io_, cases_->Track(r.tracking_id, typed)).has_value()) << typed;
}

TEST_F(CaseIntakeTest, AnonymousReporterIsHiddenFromStaff) {
  auto draft = ValidDraft();
  draft.anonymous = true;
  draft.reporter = {"", "", "", "rahasia@example.id"};  // contact only, for replies
  const SubmitResult r = SubmitOk(draft);
  for (const Principal& who : {verifier_, admin_, supervisor_}) {
    auto view = Get(who, r.tracking_id);
    ASSERT_TRUE(view.has_value()) << view.error().message;
    EXPECT_EQ(view->identity_state, "hidden_anonymous") << who.username;
    EXPECT_FALSE(view->reporter.has_value()) << who.username;
  }
}

TEST_F(CaseIntakeTest, NamedReporterIsShownToHandlersAndWithheldFromAuditors) {
  const auto draft = ValidDraft();
  const SubmitResult r = SubmitOk(draft);
  auto seen = Get(verifier_, r.tracking_id);
  ASSERT_TRUE(seen.has_value()) << seen.error().message;
  EXPECT_EQ(seen->identity_state, "shown");
  ASSERT_TRUE(seen->reporter.has_value());
  EXPECT_EQ(seen->reporter->name, draft.reporter.name);
  EXPECT_EQ(seen->reporter->nik, draft.reporter.nik);
  EXPECT_EQ(seen->reporter->phone, draft.reporter.phone);
  EXPECT_EQ(seen->reporter->email, draft.reporter.email);

  auto audited = Get(auditor_, r.tracking_id);
  ASSERT_TRUE(audited.has_value()) << audited.error().message;
  EXPECT_EQ(audited->identity_state, "withheld");
  EXPECT_FALSE(audited->reporter.has_value());
}

TEST_F(CaseIntakeTest, IdentityIsNotStoredInPlaintext) {
  auto draft = ValidDraft();
  draft.reporter.name = "Rahmawati Kusumaningrum";
  const SubmitResult r = SubmitOk(draft);
  ASSERT_FALSE(r.tracking_id.empty());
  std::string raw;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir_.path())) {
    if (e.is_regular_file()) raw += simpul::testing::ReadAll(e.path());
  }
  // The scan does see the files: the complaint's own title is stored in clear.
  ASSERT_NE(raw.find(draft.title), std::string::npos);
  EXPECT_EQ(raw.find(draft.reporter.name), std::string::npos);
  EXPECT_EQ(raw.find(draft.reporter.nik), std::string::npos);
  EXPECT_EQ(raw.find(draft.reporter.phone), std::string::npos);
  EXPECT_EQ(raw.find(draft.reporter.email), std::string::npos);
  EXPECT_EQ(raw.find(r.access_code), std::string::npos);
}

TEST_F(CaseIntakeTest, AttachmentsAreStoredAndServedToWhoMaySeeTheCase) {
  auto draft = ValidDraft();
  const std::string jpeg = std::string("\xFF\xD8\xFF\xE0", 4) + "foto jalan rusak";
  draft.attachments.push_back({"jalan.jpg", "image/jpeg", jpeg});
  const SubmitResult r = SubmitOk(draft);
  auto view = Get(verifier_, r.tracking_id);
  ASSERT_TRUE(view.has_value());
  ASSERT_EQ(view->attachments.size(), 1u);
  const auto& meta = view->attachments[0];
  EXPECT_EQ(meta.filename, "jalan.jpg");
  EXPECT_EQ(meta.size, static_cast<std::int64_t>(jpeg.size()));
  auto file = RunAwait(io_, cases_->Attachment(verifier_, r.tracking_id, meta.sha256));
  ASSERT_TRUE(file.has_value()) << file.error().message;
  EXPECT_EQ(file->second, jpeg);

  // A blob that exists but belongs to another case is not served through this one.
  auto other = ValidDraft();
  other.attachments.push_back({"lain.pdf", "application/pdf", "%PDF-1.4 lain"});
  const SubmitResult r2 = SubmitOk(other);
  auto other_view = Get(verifier_, r2.tracking_id);
  ASSERT_TRUE(other_view.has_value());
  ASSERT_EQ(other_view->attachments.size(), 1u);
  auto cross = RunAwait(
      io_, cases_->Attachment(verifier_, r.tracking_id, other_view->attachments[0].sha256));
  ASSERT_FALSE(cross.has_value());
  EXPECT_EQ(cross.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace simpul::service
