#include "crypto/checkpoint.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace simpul::crypto {
namespace {

using std::chrono::seconds;
using std::chrono::sys_seconds;

// The example checkpoint and its witness cosignature line from C2SP tlog-cosignature
// (https://github.com/C2SP/C2SP/blob/main/tlog-cosignature.md); the spec's signed-message example
// gives that cosignature's time, 1679315147. The cosigner's public key is not published, so only
// the layout (key id, big-endian time, signature) can be checked against it.
constexpr std::string_view kSpecCheckpoint =
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
constexpr std::string_view kSpecCosignatureLine =
    "\xE2\x80\x94 witness.example.com/w1 "
    "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+"
    "mbIUBkBIfZ+qnA==\n";

sys_seconds At(std::int64_t t) { return sys_seconds(seconds(t)); }

TEST(CheckpointTest, SpecExampleParsesAndFormatsBack) {
  const Checkpoint c = ParseCheckpoint(kSpecCheckpoint).value();
  EXPECT_EQ(c.origin, "example.com/behind-the-sofa");
  EXPECT_EQ(c.size, 20852163u);
  EXPECT_EQ(Base64Encode(c.root_hash), "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
  EXPECT_TRUE(c.extensions.empty());
  EXPECT_EQ(FormatCheckpoint(c).value(), kSpecCheckpoint);
}

TEST(CheckpointTest, RoundTripWithExtensionsAndEdgeSizes) {
  const std::vector<Checkpoint> cases = {
      {"simpul/node-7", 0, EmptyRoot(), {}},
      {"simpul/node-7", 18446744073709551615u, LeafHash(Bytes{1}), {"ext one", "\xC3\xA9xt two"}},
  };
  for (const Checkpoint& c : cases) {
    const std::string text = FormatCheckpoint(c).value();
    EXPECT_EQ(ParseCheckpoint(text).value(), c) << text;
  }
  EXPECT_EQ(FormatCheckpoint(cases[0]).value(),
            "simpul/node-7\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n");
}

TEST(CheckpointTest, BadBodiesAreRejected) {
  const std::string root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
  const std::vector<std::string> bad = {
      "",
      "origin\n1\n" + root,                            // no final newline
      "origin\n1\n",                                   // two lines
      "\n1\n" + root + "\n",                           // empty origin
      "origin\n\n" + root + "\n",                      // empty size
      "origin\n007\n" + root + "\n",                   // leading zeros
      "origin\n-1\n" + root + "\n",                    // sign
      "origin\n+1\n" + root + "\n",                    // sign
      "origin\n 1\n" + root + "\n",                    // space
      "origin\n1a\n" + root + "\n",                    // not decimal
      "origin\n18446744073709551616\n" + root + "\n",  // 2^64
      "origin\n1\nnot base64!\n",
      "origin\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxqw==\n",  // 31 bytes
      "origin\n1\n" + root + " \n",                                 // trailing space
      "origin\n1\n" + root + "\n\next\n",                           // empty extension line
      "origin\n1\n" + root + "\n\n",                                // empty last line
      "ori\rgin\n1\n" + root + "\n",                                // control character
  };
  for (const std::string& text : bad) {
    const Result<Checkpoint> r = ParseCheckpoint(text);
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << text;
    EXPECT_TRUE(r.error().message.starts_with("malformed checkpoint: ")) << r.error().message;
  }
  EXPECT_FALSE(FormatCheckpoint({"", 1, EmptyRoot(), {}}));
  EXPECT_FALSE(FormatCheckpoint({"a\nb", 1, EmptyRoot(), {}}));
  EXPECT_FALSE(FormatCheckpoint({"a", 1, EmptyRoot(), {""}}));
  EXPECT_FALSE(FormatCheckpoint({"a", 1, EmptyRoot(), {"x\ny"}}));
}

TEST(CheckpointTest, TlogDecimalsAreCanonical) {
  EXPECT_EQ(ParseTlogDecimal("0").value(), 0u);
  EXPECT_EQ(ParseTlogDecimal("20852163").value(), 20852163u);
  EXPECT_EQ(ParseTlogDecimal("18446744073709551615").value(), 18446744073709551615u);
  for (const char* bad : {"", "00", "01", "-0", "+1", "1 ", "0x1", "18446744073709551616"}) {
    EXPECT_FALSE(ParseTlogDecimal(bad)) << bad;
  }
}

TEST(CheckpointTest, PublishedCosignaturesCarryTheirTimes) {
  const Note note =
      ParseNote(std::string(kSpecCheckpoint) + "\n" + std::string(kSpecCosignatureLine)).value();
  ASSERT_EQ(note.signatures.size(), 1u);
  EXPECT_EQ(note.signatures[0].key_name, "witness.example.com/w1");
  EXPECT_EQ(CosignatureTime(note.signatures[0]).value(), At(1679315147));

  // transparency-dev/formats note/note_cosigv1_test.go, TestCosignatureTimestamp "works".
  const Bytes blob =
      Base64Decode(
          "ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOwo"
          "rDcFiEBYJXORmnFBOBA==")
          .value();
  const NoteSignature sig{"w", 0, Bytes(blob.begin() + 4, blob.end())};
  EXPECT_EQ(CosignatureTime(sig).value(), At(1727964367));
  // Same file, "wrong type of signature": a plain 64-byte Ed25519 note signature.
  const Bytes plain = Base64Decode(
                          "eQjRQm6eSKzFoiYalgwCPXu2y3ijtg68is9M46JKxuZB+dRfTmeQeDBoXnvxZx2ugnkyV+"
                          "MUMLXpWs1hPb/W/4xkNQY=")
                          .value();
  EXPECT_FALSE(CosignatureTime({"w", 0, Bytes(plain.begin() + 4, plain.end())}));
}

TEST(CheckpointTest, PublishedCosignerVerifierKeyParses) {
  // transparency-dev/formats note/note_cosigv1_test.go, TestCoSigV1NewVerifier: a native 0x04 key.
  const NoteVerifierKey key =
      ParseNoteVerifierKey("remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2")
          .value();
  EXPECT_EQ(key.type, NoteKeyType::kCosignatureV1);
  EXPECT_EQ(key.key_id, 0xda77ade7u);
}

TEST(CheckpointTest, CosignatureRoundTripInsideASignedNote) {
  const NoteSigner log = NoteSigner::Create("simpul/node-7", Ed25519KeyPair::Generate()).value();
  const Cosigner witness =
      Cosigner::Create("coordinator.example/witness", Ed25519KeyPair::Generate()).value();
  const std::string body = FormatCheckpoint({"simpul/node-7", 8, EmptyRoot(), {}}).value();

  // The log signs; the witness checks the log's signature, cosigns and appends its line.
  const std::string signed_by_log = SignNote(body, log).value();
  const std::vector<NoteVerifierKey> log_key = {log.verifier_key()};
  ASSERT_TRUE(OpenNote(signed_by_log, log_key));
  Note note = ParseNote(signed_by_log).value();
  note.signatures.push_back(witness.Cosign(body, At(1700000000)).value());
  const std::string cosigned = FormatNote(note).value();

  // A client holding both keys: the log's signature as a note signature, the witness's as a
  // cosignature (which OpenNote, knowing only the log key, leaves among the unknown lines).
  const VerifiedNote opened = OpenNote(cosigned, log_key).value();
  ASSERT_EQ(opened.unknown.size(), 1u);
  const NoteVerifierKey witness_key =
      ParseNoteVerifierKey(FormatNoteVerifierKey(witness.verifier_key())).value();
  EXPECT_EQ(VerifyCosignature(witness_key, opened.text, opened.unknown[0]).value(), At(1700000000));
}

TEST(CheckpointTest, TamperedCosignaturesFail) {
  const Cosigner witness = Cosigner::Create("w.example", Ed25519KeyPair::Generate()).value();
  const std::string body = FormatCheckpoint({"simpul/node-7", 8, EmptyRoot(), {"ext"}}).value();
  const NoteSignature good = witness.Cosign(body, At(1700000000)).value();
  ASSERT_TRUE(VerifyCosignature(witness.verifier_key(), body, good));

  NoteSignature later = good;
  later.signature[7] ^= 1;  // the time's last byte
  EXPECT_EQ(CosignatureTime(later).value(), At(1700000001));
  EXPECT_EQ(VerifyCosignature(witness.verifier_key(), body, later).error().code,
            ErrorCode::kUnauthenticated);

  NoteSignature flipped = good;
  flipped.signature.back() ^= 1;
  EXPECT_EQ(VerifyCosignature(witness.verifier_key(), body, flipped).error().code,
            ErrorCode::kUnauthenticated);

  std::string other_body = body;
  other_body[other_body.size() - 2] = 'X';  // the extension line is signed too
  EXPECT_EQ(VerifyCosignature(witness.verifier_key(), other_body, good).error().code,
            ErrorCode::kUnauthenticated);

  NoteSignature too_big = good;
  too_big.signature[0] = 0x80;  // time >= 2^63
  EXPECT_FALSE(CosignatureTime(too_big));
  EXPECT_FALSE(VerifyCosignature(witness.verifier_key(), body, too_big));

  NoteSignature short_sig = good;
  short_sig.signature.pop_back();
  EXPECT_EQ(VerifyCosignature(witness.verifier_key(), body, short_sig).error().code,
            ErrorCode::kInvalidArgument);
}

TEST(CheckpointTest, CosignaturesAndNoteSignaturesDoNotStandInForEachOther) {
  Ed25519KeyPair key = Ed25519KeyPair::Generate();
  const Ed25519PublicKey public_key = key.public_key();
  const NoteSigner as_note_signer =
      NoteSigner::Create("w.example", Ed25519KeyPair::FromSeed(key.Seed().view()).value()).value();
  const Cosigner as_cosigner = Cosigner::Create("w.example", std::move(key)).value();
  const std::string body = FormatCheckpoint({"log", 1, EmptyRoot(), {}}).value();
  // Same name and public key, different type byte, so different key ids.
  EXPECT_NE(as_note_signer.verifier_key().key_id, as_cosigner.verifier_key().key_id);
  EXPECT_EQ(as_cosigner.verifier_key().public_key, public_key);

  // A plain note signature is not a cosignature...
  const NoteSignature plain = as_note_signer.Sign(body);
  EXPECT_FALSE(VerifyCosignature(as_cosigner.verifier_key(), body, plain));
  // ... and a cosignature line is ignored by a note verifier holding the 0x01 key.
  const std::string cosigned =
      FormatNote({body, {as_cosigner.Cosign(body, At(1)).value()}}).value();
  const std::vector<NoteVerifierKey> note_key = {as_note_signer.verifier_key()};
  EXPECT_EQ(OpenNote(cosigned, note_key).error().code, ErrorCode::kUnauthenticated);
  // A note verifier refuses a cosigner key outright rather than ignoring it.
  const std::vector<NoteVerifierKey> cosigner_key = {as_cosigner.verifier_key()};
  EXPECT_EQ(OpenNote(cosigned, cosigner_key).error().code, ErrorCode::kInvalidArgument);
  // The key itself must be a cosigner key.
  EXPECT_FALSE(VerifyCosignature(as_note_signer.verifier_key(), body, plain));
}

TEST(CheckpointTest, CosignRefusesBadInput) {
  const Cosigner witness = Cosigner::Create("w.example", Ed25519KeyPair::Generate()).value();
  EXPECT_FALSE(witness.Cosign("not a checkpoint\n", At(1)));
  const std::string body = FormatCheckpoint({"log", 1, EmptyRoot(), {}}).value();
  EXPECT_FALSE(witness.Cosign(body, At(-1)));
  EXPECT_FALSE(Cosigner::Create("w example", Ed25519KeyPair::Generate()));
}

}  // namespace
}  // namespace simpul::crypto
