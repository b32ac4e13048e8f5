#include <gtest/gtest.h>

#include <vector>

#include "crypto/checkpoint.hpp"
#include "tests/node/tlog/tlog_test_support.hpp"

namespace simpul::tlog {
namespace {

namespace net = boost::asio;
using testing::RunAwait;

// A witness double that behaves as the C2SP witness does for one log: it checks the offered
// note's signature and the consistency proof from the size it holds, answers 409-style conflicts
// with that size, and cosigns otherwise. It counts what it was offered.
struct FakeWitness {
  FakeWitness(crypto::NoteVerifierKey key, crypto::Cosigner signer)
      : log_key(std::move(key)), cosigner(std::move(signer)) {}

  crypto::NoteVerifierKey log_key;
  crypto::Cosigner cosigner;
  std::int64_t size = 0;
  crypto::MerkleHash root = crypto::EmptyRoot();
  std::vector<std::int64_t> offered_old_sizes;

  WitnessCall Call() {
    return [this](std::int64_t old_size, crypto::MerkleProof proof,
                  std::string note) -> net::awaitable<Result<WitnessAnswer>> {
      offered_old_sizes.push_back(old_size);
      co_return Answer(old_size, proof, note);
    };
  }

  Result<WitnessAnswer> Answer(std::int64_t old_size, const crypto::MerkleProof& proof,
                               const std::string& note) {
    const std::vector<crypto::NoteVerifierKey> keys = {log_key};
    auto opened = crypto::OpenNote(note, keys);
    if (!opened) return WitnessAnswer{WitnessAnswer::Kind::kRefused, "", 0, "403 bad signature"};
    auto checkpoint = crypto::ParseCheckpoint(opened->text).value();
    if (old_size != size) return WitnessAnswer{WitnessAnswer::Kind::kConflict, "", size, ""};
    if (!crypto::VerifyConsistency(size, checkpoint.size, proof, root, checkpoint.root_hash)) {
      return WitnessAnswer{WitnessAnswer::Kind::kRefused, "", 0, "422 inconsistent"};
    }
    size = static_cast<std::int64_t>(checkpoint.size);
    root = checkpoint.root_hash;
    auto line = cosigner.Cosign(opened->text, std::chrono::sys_seconds(std::chrono::seconds(1)));
    if (!line) return tl::unexpected(line.error());
    crypto::Note only{opened->text, {*line}};
    auto formatted = crypto::FormatNote(only).value();
    return WitnessAnswer{WitnessAnswer::Kind::kCosigned,
                         formatted.substr(formatted.rfind("\n\n") + 2), 0, ""};
  }
};

class CheckpointerTest : public testing::TlogTest {
 protected:
  void SetUp() override {
    TlogTest::SetUp();
    witness_.emplace(
        verifier_key_,
        crypto::Cosigner::Create("witness", crypto::Ed25519KeyPair::Generate()).value());
  }
  std::optional<FakeWitness> witness_;
};

TEST_F(CheckpointerTest, SignsACheckpointOfTheWholeLogWithTheLogKey) {
  SubmitOk();
  SubmitOk();
  TickOk();
  auto latest = Latest();
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->size, 4);
  const std::vector<crypto::NoteVerifierKey> keys = {verifier_key_};
  auto opened = crypto::OpenNote(latest->note, keys);
  ASSERT_TRUE(opened) << opened.error().message;
  auto checkpoint = crypto::ParseCheckpoint(opened->text);
  ASSERT_TRUE(checkpoint);
  EXPECT_EQ(checkpoint->origin, "simpul/kab:32.04");
  EXPECT_EQ(checkpoint->size, 4u);
  auto root = db_->ReadSync<crypto::MerkleHash>(
      [](store::Connection& c) { return store::TlogStore::Root(c, 4); });
  EXPECT_EQ(checkpoint->root_hash, root.value());
  EXPECT_EQ(checkpointer_->status().checkpoints_signed, 1);
}

TEST_F(CheckpointerTest, WaitsForTheIntervalOrEnoughLeaves) {
  SubmitOk();
  TickOk();
  SubmitOk();
  TickOk();  // two new leaves, interval not passed
  EXPECT_EQ(Latest()->size, 2);
  Advance(std::chrono::seconds(10));
  TickOk();
  EXPECT_EQ(Latest()->size, 4);
  Advance(std::chrono::seconds(60));
  TickOk();  // nothing new: no checkpoint of the same size
  EXPECT_EQ(checkpointer_->status().checkpoints_signed, 2);

  checkpointer_ = std::make_unique<Checkpointer>(
      io_, *db_,
      crypto::NoteSigner::Create(federation::LogOrigin("kab:32.04"),
                                 crypto::Ed25519KeyPair::FromSeed(log_key_.Seed().view()).value())
          .value(),
      CheckpointPolicy{std::chrono::seconds(3600), 3}, clock_);
  SubmitOk();
  TickOk();
  EXPECT_EQ(Latest()->size, 4);  // only two leaves since the last checkpoint
  SubmitOk();
  TickOk();
  EXPECT_EQ(Latest()->size, 8);
}

TEST_F(CheckpointerTest, OffersEachCheckpointWithAProofFromTheLastCosignedSize) {
  checkpointer_->SetWitness(witness_->Call());
  SubmitOk();
  TickOk();
  Advance(std::chrono::seconds(10));
  SubmitOk();
  SubmitOk();
  TickOk();
  EXPECT_EQ(witness_->offered_old_sizes, (std::vector<std::int64_t>{0, 2}));
  EXPECT_EQ(witness_->size, 6);
  auto witnessed = db_->ReadSync<std::optional<store::CheckpointRow>>(
      [](store::Connection& c) { return store::TlogStore::LatestWitnessed(c); });
  ASSERT_TRUE(witnessed && *witnessed);
  EXPECT_EQ((*witnessed)->size, 6);
  auto note = crypto::ParseNote((*witnessed)->cosigned_note);
  ASSERT_TRUE(note);
  ASSERT_EQ(note->signatures.size(), 2u);  // the log's signature and the witness's
  EXPECT_TRUE(crypto::VerifyCosignature(witness_->cosigner.verifier_key(), note->text,
                                        note->signatures[1]));
  EXPECT_EQ(checkpointer_->status().witnessed_size, 6);
}

TEST_F(CheckpointerTest, ResyncsFromTheSizeTheWitnessReportsOnConflict) {
  SubmitOk();
  TickOk();  // signed without a witness: the witness later learns size 2 from elsewhere
  witness_->size = 2;
  witness_->root = db_->ReadSync<crypto::MerkleHash>(
                          [](store::Connection& c) { return store::TlogStore::Root(c, 2); })
                       .value();
  checkpointer_->SetWitness(witness_->Call());
  Advance(std::chrono::seconds(10));
  SubmitOk();
  TickOk();
  EXPECT_EQ(witness_->offered_old_sizes, (std::vector<std::int64_t>{0, 2}));
  EXPECT_EQ(checkpointer_->status().witnessed_size, 4);
}

TEST_F(CheckpointerTest, AnAlteredLeafMakesTheNextCheckpointInconsistentForTheWitness) {
  checkpointer_->SetWitness(witness_->Call());
  SubmitOk();
  SubmitOk();
  TickOk();
  ASSERT_EQ(witness_->size, 4);
  // An insider rewrites a logged leaf behind the node's back, then the node restarts.
  auto tamper = db_->WriteSync<bool>([](store::Connection& c) -> Result<bool> {
    auto r = c.Exec(
        "DROP TRIGGER tlog_leaves_no_update; "
        "UPDATE tlog_leaves SET data = replace(data, 'intake', 'intake ') WHERE idx = 2");
    if (!r) return tl::unexpected(r.error());
    return true;
  });
  ASSERT_TRUE(tamper);
  checkpointer_ = std::make_unique<Checkpointer>(
      io_, *db_,
      crypto::NoteSigner::Create(federation::LogOrigin("kab:32.04"),
                                 crypto::Ed25519KeyPair::FromSeed(log_key_.Seed().view()).value())
          .value(),
      policy_, clock_);
  checkpointer_->SetWitness(witness_->Call());
  Advance(std::chrono::seconds(10));
  SubmitOk();
  TickOk();
  EXPECT_GT(checkpointer_->status().cache_repairs, 0);
  EXPECT_EQ(witness_->size, 4);  // refused: not an extension of what it cosigned
  EXPECT_EQ(checkpointer_->status().witness_refusals, 1);
  EXPECT_NE(checkpointer_->status().last_witness_error.find("422"), std::string::npos);
}

TEST_F(CheckpointerTest, AGapInTheLeavesStopsCheckpointing) {
  SubmitOk();
  auto tamper = db_->WriteSync<bool>([](store::Connection& c) -> Result<bool> {
    auto r = c.Exec("DROP TRIGGER tlog_leaves_no_delete; DELETE FROM tlog_leaves WHERE idx = 0");
    if (!r) return tl::unexpected(r.error());
    return true;
  });
  ASSERT_TRUE(tamper);
  TickOk();
  EXPECT_FALSE(Latest());
  EXPECT_NE(checkpointer_->status().broken.find("leaf 0 is missing"), std::string::npos);
}

}  // namespace
}  // namespace simpul::tlog
