#include "federation/witness_client.hpp"

#include <gtest/gtest.h>

#include <string>

#include "crypto/checkpoint.hpp"
#include "tests/federation/directory_test_fixture.hpp"

namespace simpul::federation {
namespace {

using std::chrono::sys_seconds;

class WitnessClientTest : public ::testing::Test {
 protected:
  WitnessClientTest() {
    const crypto::Checkpoint checkpoint{"simpul/kab:32.04", 7, crypto::MerkleHash{1, 2, 3}, {}};
    text_ = crypto::FormatCheckpoint(checkpoint).value();
    note_ = crypto::SignNote(text_, log_).value();
  }

  // A 200 answer holding `lines`.
  static PeerResponse Ok(const std::vector<crypto::NoteSignature>& lines) {
    return PeerResponse{200, FormatCosignatureLines(lines).value(), "text/plain", {}, ""};
  }

  crypto::NoteSigner log_ =
      crypto::NoteSigner::Create("simpul/kab:32.04", testing::KeyFromByte(31)).value();
  crypto::Cosigner witness_ =
      crypto::Cosigner::Create(WitnessName("coord:panrb"), testing::KeyFromByte(11)).value();
  crypto::Cosigner other_witness_ =
      crypto::Cosigner::Create("oversight.example/w1", testing::KeyFromByte(12)).value();
  std::string text_, note_;
  const sys_seconds t_{std::chrono::seconds(1'750'000'000)};
};

TEST_F(WitnessClientTest, CosignedKeepsOnlyVerifiedLinesOfTheTrustedWitness) {
  const auto ours = witness_.Cosign(text_, t_).value();
  const auto theirs = other_witness_.Cosign(text_, t_).value();
  auto reply = InterpretAddCheckpointResponse(Ok({theirs, ours}), note_, witness_.verifier_key());
  ASSERT_TRUE(reply) << reply.error().message;
  const auto* cosigned = std::get_if<WitnessCosigned>(&*reply);
  ASSERT_NE(cosigned, nullptr);
  ASSERT_EQ(cosigned->cosignatures.size(), 1u);
  EXPECT_EQ(cosigned->cosignatures[0], ours);
  EXPECT_EQ(cosigned->time, t_);
  // The cosigned note: the log's signature, then the witness's, both verifiable.
  auto note = crypto::ParseNote(cosigned->cosigned_note);
  ASSERT_TRUE(note) << note.error().message;
  EXPECT_EQ(note->text, text_);
  ASSERT_EQ(note->signatures.size(), 2u);
  EXPECT_TRUE(crypto::OpenNote(cosigned->cosigned_note, {{log_.verifier_key()}}));
  EXPECT_TRUE(crypto::VerifyCosignature(witness_.verifier_key(), note->text, note->signatures[1]));
}

TEST_F(WitnessClientTest, CosignedNoteDoesNotRepeatALineTheNoteAlreadyHas) {
  const auto ours = witness_.Cosign(text_, t_).value();
  auto parsed = crypto::ParseNote(note_).value();
  parsed.signatures.push_back(ours);
  const std::string already = crypto::FormatNote(parsed).value();
  auto reply = InterpretAddCheckpointResponse(Ok({ours}), already, witness_.verifier_key());
  ASSERT_TRUE(reply) << reply.error().message;
  EXPECT_EQ(std::get<WitnessCosigned>(*reply).cosigned_note, already);
}

TEST_F(WitnessClientTest, A200WithoutAValidCosignatureIsAnError) {
  const auto theirs = other_witness_.Cosign(text_, t_).value();
  auto none = InterpretAddCheckpointResponse(Ok({theirs}), note_, witness_.verifier_key());
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::kUnauthenticated);

  auto forged = witness_.Cosign(text_, t_).value();
  forged.signature.back() ^= 1;
  auto bad = InterpretAddCheckpointResponse(Ok({forged}), note_, witness_.verifier_key());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kUnauthenticated);

  // A cosignature of another checkpoint does not verify over this one.
  const std::string other_text =
      crypto::FormatCheckpoint({"simpul/kab:32.04", 8, crypto::MerkleHash{9}, {}}).value();
  auto elsewhere = InterpretAddCheckpointResponse(Ok({witness_.Cosign(other_text, t_).value()}),
                                                  note_, witness_.verifier_key());
  ASSERT_FALSE(elsewhere);
  EXPECT_EQ(elsewhere.error().code, ErrorCode::kUnauthenticated);

  auto junk = InterpretAddCheckpointResponse(PeerResponse{200, "ok\n", "text/plain", {}, ""}, note_,
                                             witness_.verifier_key());
  ASSERT_FALSE(junk);
  EXPECT_EQ(junk.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(WitnessClientTest, ConflictCarriesTheWitnessSize) {
  auto reply = InterpretAddCheckpointResponse(PeerResponse{409, "42\n", "text/x.tlog.size", {}, ""},
                                              note_, witness_.verifier_key());
  ASSERT_TRUE(reply) << reply.error().message;
  ASSERT_TRUE(std::holds_alternative<WitnessConflict>(*reply));
  EXPECT_EQ(std::get<WitnessConflict>(*reply).known_size, 42u);

  auto bad = InterpretAddCheckpointResponse(PeerResponse{409, "42", "text/x.tlog.size", {}, ""},
                                            note_, witness_.verifier_key());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(WitnessClientTest, OtherRefusalsCarryStatusCodeAndMessage) {
  const std::string fork_body =
      R"({"error":{"code":"root_mismatch","message":"the witness cosigned another root"}})";
  auto fork = InterpretAddCheckpointResponse(
      PeerResponse{409, fork_body, "application/json", {}, ""}, note_, witness_.verifier_key());
  ASSERT_TRUE(fork) << fork.error().message;
  const auto& refused = std::get<WitnessRefused>(*fork);
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(refused.code, "root_mismatch");
  EXPECT_EQ(refused.message, "the witness cosigned another root");

  auto plain = InterpretAddCheckpointResponse(
      PeerResponse{422, std::string(2000, 'x'), "text/plain", {}, ""}, note_,
      witness_.verifier_key());
  ASSERT_TRUE(plain);
  EXPECT_EQ(std::get<WitnessRefused>(*plain).status, 422);
  EXPECT_EQ(std::get<WitnessRefused>(*plain).message.size(), 512u);
}

TEST_F(WitnessClientTest, ServerErrorsAndOddStatusesAreErrors) {
  auto busy = InterpretAddCheckpointResponse(
      PeerResponse{503, R"({"error":{"code":"unavailable","message":"no directory"}})",
                   "application/json", std::chrono::seconds(30), ""},
      note_, witness_.verifier_key());
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(busy.error().message.find("no directory"), std::string::npos);

  auto moved = InterpretAddCheckpointResponse(PeerResponse{302, "", "", {}, ""}, note_,
                                              witness_.verifier_key());
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace simpul::federation
