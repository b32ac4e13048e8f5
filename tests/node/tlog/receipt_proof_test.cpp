#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "crypto/tlog_proof.hpp"
#include "node/store/log_leaves.hpp"
#include "tests/node/tlog/tlog_test_support.hpp"

namespace simpul::tlog {
namespace {

using domain::CaseAction;
using nlohmann::json;
using testing::RunAwait;

class ReceiptProofTest : public testing::TlogTest {
 protected:
  void SetUp() override {
    TlogTest::SetUp();
    log_ = std::make_unique<LogService>(*db_, false);
  }

  // The intake leaf as a citizen rebuilds it from the signed receipt alone.
  static std::string LeafFromReceipt(const service::SubmitResult& r) {
    const json payload = json::parse(r.receipt.payload);
    return store::leaves::Intake(payload.at("tracking_id").get<std::string>(),
                                 payload.at("commitment").get<std::string>(),
                                 payload.at("submitted_at").get<std::int64_t>());
  }

  Result<crypto::VerifiedTlogProof> Verify(const ReceiptProof& bundle, const std::string& leaf) {
    auto proof = crypto::ParseTlogProof(bundle.tlog_proof);
    if (!proof) return tl::unexpected(proof.error());
    const std::vector<crypto::NoteVerifierKey> keys = {verifier_key_};
    return crypto::VerifyTlogProof(*proof, federation::LogOrigin("kab:32.04"),
                                   crypto::LeafHash(crypto::AsBytes(leaf)), keys);
  }

  std::unique_ptr<LogService> log_;
};

TEST_F(ReceiptProofTest, EveryCaseEventIsALeafWrittenWithTheEvent) {
  EXPECT_EQ(LogSize(), 0);
  const auto first = SubmitOk();
  EXPECT_EQ(LogSize(), 2);  // the intake commitment and the submit event
  ActOk(verifier_, first.tracking_id, CaseAction::kVerify);
  EXPECT_EQ(LogSize(), 3);
  auto leaves = RunAwait(io_, log_->Leaves(0, 10));
  ASSERT_TRUE(leaves);
  ASSERT_EQ(leaves->size(), 3u);
  EXPECT_EQ((*leaves)[0].kind, "intake");
  EXPECT_EQ((*leaves)[1].kind, "event");
  EXPECT_EQ((*leaves)[2].kind, "event");
  for (const auto& leaf : *leaves) {
    EXPECT_EQ(leaf.ref, first.tracking_id);
    // Hashes and ids only: nothing of the complaint's text reaches the log.
    EXPECT_EQ(leaf.data.find("Sukamaju"), std::string::npos) << leaf.data;
  }
  EXPECT_NE((*leaves)[2].data.find(R"("action":"verify")"), std::string::npos);
}

TEST_F(ReceiptProofTest, TheReceiptNamesItsLeafAndItsProofVerifiesOffline) {
  SubmitOk();
  const auto receipt = SubmitOk();
  SubmitOk();
  const json payload = json::parse(receipt.receipt.payload);
  EXPECT_EQ(payload.at("log_index"), 2);  // after the first complaint's two leaves
  EXPECT_EQ(receipt.log_index, 2);

  auto early = RunAwait(io_, log_->ProveIntake(receipt.tracking_id));
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code, ErrorCode::kUnavailable);

  TickOk();
  auto bundle = RunAwait(io_, log_->ProveIntake(receipt.tracking_id));
  ASSERT_TRUE(bundle) << bundle.error().message;
  EXPECT_EQ(bundle->leaf_index, 2);
  EXPECT_EQ(bundle->leaf, LeafFromReceipt(receipt));
  auto verified = Verify(*bundle, LeafFromReceipt(receipt));
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_EQ(verified->checkpoint.size, 6u);
}

TEST_F(ReceiptProofTest, AProofFailsForAnyOtherContentOrPosition) {
  const auto receipt = SubmitOk();
  const auto other = SubmitOk();
  TickOk();
  auto bundle = RunAwait(io_, log_->ProveIntake(receipt.tracking_id));
  ASSERT_TRUE(bundle);
  const json payload = json::parse(receipt.receipt.payload);
  // A different commitment (the complaint's content changed), time, or another complaint's leaf.
  std::string changed = store::leaves::Intake(receipt.tracking_id, other.commitment_hex,
                                              payload.at("submitted_at").get<std::int64_t>());
  EXPECT_FALSE(Verify(*bundle, changed));
  changed = store::leaves::Intake(receipt.tracking_id, receipt.commitment_hex,
                                  payload.at("submitted_at").get<std::int64_t>() + 1);
  EXPECT_FALSE(Verify(*bundle, changed));
  EXPECT_FALSE(Verify(*bundle, LeafFromReceipt(other)));
  EXPECT_TRUE(Verify(*bundle, LeafFromReceipt(receipt)));
}

TEST_F(ReceiptProofTest, UnknownTrackingIdIsNotFound) {
  SubmitOk();
  TickOk();
  auto missing = RunAwait(io_, log_->ProveIntake("KAB3204-999999"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_F(ReceiptProofTest, AWitnessingNodeServesProofsOnlyUnderCosignedCheckpoints) {
  LogService witnessed_only(*db_, true);
  const auto receipt = SubmitOk();
  TickOk();  // signed, but no witness has cosigned it
  auto unwitnessed = RunAwait(io_, witnessed_only.ProveIntake(receipt.tracking_id));
  ASSERT_FALSE(unwitnessed);
  EXPECT_EQ(unwitnessed.error().code, ErrorCode::kUnavailable);
  auto witness = crypto::Cosigner::Create("witness", crypto::Ed25519KeyPair::Generate()).value();
  auto cosign = db_->WriteSync<bool>([&witness](store::Connection& c) -> Result<bool> {
    auto latest = store::TlogStore::LatestCheckpoint(c);
    if (!latest || !*latest) return Fail(ErrorCode::kInternal, "no checkpoint");
    auto note = crypto::ParseNote((*latest)->note);
    if (!note) return tl::unexpected(note.error());
    auto line = witness.Cosign(note->text, std::chrono::sys_seconds(std::chrono::seconds(1)));
    if (!line) return tl::unexpected(line.error());
    note->signatures.push_back(*line);
    auto cosigned = crypto::FormatNote(*note);
    if (!cosigned) return tl::unexpected(cosigned.error());
    auto r = store::TlogStore::SetCosigned(c, (*latest)->size, *cosigned, 1);
    if (!r) return tl::unexpected(r.error());
    return true;
  });
  ASSERT_TRUE(cosign);
  auto proof = RunAwait(io_, witnessed_only.ProveIntake(receipt.tracking_id));
  ASSERT_TRUE(proof) << proof.error().message;
  EXPECT_TRUE(proof->witnessed);
}

}  // namespace
}  // namespace simpul::tlog
