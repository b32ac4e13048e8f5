#include "crypto/tlog_proof.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace simpul::crypto {
namespace {

// The proof lines of the example in C2SP tlog-proof
// (https://github.com/C2SP/C2SP/blob/main/tlog-proof.md). Its signature lines are elided there
// ("hI2DJw[...]1roloI="), so the tests sign the example's checkpoint body with a fresh key.
constexpr std::string_view kSpecHead =
    "c2sp.org/tlog-proof@v1\n"
    "extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ\n"
    "index 73894\n"
    "gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=\n"
    "B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=\n"
    "EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=\n"
    "RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=\n"
    "AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=\n"
    "\n";
constexpr std::string_view kSpecCheckpoint =
    "example.com/fancylog\n"
    "109482\n"
    "sFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=\n";

NoteSigner NewLog(const std::string& origin) {
  return NoteSigner::Create(origin, Ed25519KeyPair::Generate()).value();
}

TEST(TlogProofTest, SpecExampleParsesAndFormatsBack) {
  const std::string note = SignNote(kSpecCheckpoint, NewLog("example.com/fancylog")).value();
  const std::string text = std::string(kSpecHead) + note;
  const TlogProof proof = ParseTlogProof(text).value();
  EXPECT_EQ(proof.index, 73894u);
  ASSERT_TRUE(proof.extra);
  EXPECT_EQ(Base64Encode(*proof.extra), "YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ");
  ASSERT_EQ(proof.inclusion.size(), 5u);
  EXPECT_EQ(Base64Encode(proof.inclusion[0]), "gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=");
  EXPECT_EQ(Base64Encode(proof.inclusion[4]), "AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=");
  EXPECT_EQ(proof.checkpoint_note, note);
  EXPECT_EQ(FormatTlogProof(proof).value(), text);
}

TEST(TlogProofTest, ProofOfALoggedEntryVerifiesOffline) {
  const NoteSigner log = NewLog("simpul/node-7");
  std::vector<MerkleHash> leaves;
  MerkleFrontier frontier;
  for (int i = 0; i < 37; ++i) {
    leaves.push_back(LeafHash(AsBytes("event " + std::to_string(i))));
    frontier.Append(leaves.back());
  }
  const std::string body =
      FormatCheckpoint({"simpul/node-7", frontier.size(), frontier.Root(), {}}).value();
  const std::vector<NoteVerifierKey> log_keys = {log.verifier_key()};

  for (std::uint64_t index : {0, 5, 32, 36}) {
    const TlogProof issued{std::nullopt, index, InclusionProof(leaves, index, 37).value(),
                           SignNote(body, log).value()};
    const TlogProof proof = ParseTlogProof(FormatTlogProof(issued).value()).value();
    EXPECT_FALSE(proof.extra);
    const Result<VerifiedTlogProof> ok =
        VerifyTlogProof(proof, "simpul/node-7", leaves[index], log_keys);
    ASSERT_TRUE(ok) << index << ": " << ok.error().message;
    EXPECT_EQ(ok->checkpoint.size, 37u);

    EXPECT_FALSE(VerifyTlogProof(proof, "simpul/node-7", leaves[(index + 1) % 37], log_keys));
    EXPECT_FALSE(VerifyTlogProof(proof, "simpul/node-8", leaves[index], log_keys));
    const std::vector<NoteVerifierKey> stranger = {NewLog("simpul/node-7").verifier_key()};
    EXPECT_EQ(VerifyTlogProof(proof, "simpul/node-7", leaves[index], stranger).error().code,
              ErrorCode::kUnauthenticated);
    TlogProof moved = proof;
    moved.index = (index + 1) % 37;
    EXPECT_FALSE(VerifyTlogProof(moved, "simpul/node-7", leaves[index], log_keys));
    TlogProof tampered = proof;
    tampered.inclusion[0][0] ^= 1;
    EXPECT_FALSE(VerifyTlogProof(tampered, "simpul/node-7", leaves[index], log_keys));
  }
}

TEST(TlogProofTest, MalformedProofsAreRejected) {
  const std::string note = SignNote(kSpecCheckpoint, NewLog("example.com/fancylog")).value();
  const std::string hash = "gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=\n";
  std::string too_many = "c2sp.org/tlog-proof@v1\nindex 1\n";
  for (int i = 0; i < 65; ++i) too_many += hash;
  const std::vector<std::string> bad = {
      "c2sp.org/tlog-proof@v2\nindex 1\n\n" + note,
      "c2sp.org/tlog-proof@v1\n\n" + note,
      "c2sp.org/tlog-proof@v1\nindex 01\n\n" + note,
      "c2sp.org/tlog-proof@v1\nindex -1\n\n" + note,
      "c2sp.org/tlog-proof@v1\nindex 1\nextra AAAA\n\n" + note,  // extra after index
      "c2sp.org/tlog-proof@v1\nextra !!!!\nindex 1\n\n" + note,
      "c2sp.org/tlog-proof@v1\nindex 1\nAAAA\n\n" + note,  // 3-byte hash
      "c2sp.org/tlog-proof@v1\nindex 1\n" + hash + note,   // no blank line
      "c2sp.org/tlog-proof@v1\nindex 1\n\nnot a note\n",
      too_many + "\n" + note,
  };
  for (const std::string& text : bad) {
    const Result<TlogProof> r = ParseTlogProof(text);
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << text;
  }
  EXPECT_TRUE(ParseTlogProof("c2sp.org/tlog-proof@v1\nindex 0\n\n" + note));
}

}  // namespace
}  // namespace simpul::crypto
