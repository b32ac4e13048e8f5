#include "crypto/signed_note.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace simpul::crypto {
namespace {

// The published example of golang.org/x/mod/sumdb/note, from its note_test.go
// (https://cs.opensource.google/go/x/mod/+/master:sumdb/note/note_test.go, TestNewVerifier,
// TestSign, TestOpen): two verifier keys, PeterNeumann's signer key and two signature lines.
constexpr std::string_view kPeterVkey =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr std::string_view kPeterSkeyBase64 = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr std::string_view kEnochVkey =
    "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
constexpr std::string_view kText =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
const std::string kPeterSig =
    "\xE2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const std::string kEnochSig =
    "\xE2\x80\x94 EnochRoot "
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/"
    "5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

NoteVerifierKey Peter() { return ParseNoteVerifierKey(kPeterVkey).value(); }
NoteVerifierKey Enoch() { return ParseNoteVerifierKey(kEnochVkey).value(); }

std::string Message(const std::string& sigs) { return std::string(kText) + "\n" + sigs; }

NoteSigner PeterSigner() {
  const Bytes typed_seed = Base64Decode(kPeterSkeyBase64).value();  // 0x01 || 32-byte seed
  EXPECT_EQ(typed_seed.size(), 33u);
  EXPECT_EQ(typed_seed[0], 0x01);
  Ed25519KeyPair key = Ed25519KeyPair::FromSeed(ByteView(typed_seed).subspan(1)).value();
  return NoteSigner::Create("PeterNeumann", std::move(key)).value();
}

TEST(SignedNoteTest, PublishedVerifierKeysParseAndFormatBack) {
  const NoteVerifierKey peter = Peter();
  EXPECT_EQ(peter.name, "PeterNeumann");
  EXPECT_EQ(peter.key_id, 0xc74f20a3u);
  EXPECT_EQ(peter.type, NoteKeyType::kEd25519);
  EXPECT_EQ(NoteKeyId("PeterNeumann", NoteKeyType::kEd25519, peter.public_key), 0xc74f20a3u);
  EXPECT_EQ(FormatNoteVerifierKey(peter), kPeterVkey);
  EXPECT_EQ(Enoch().key_id, 0xaf0cfe78u);
  EXPECT_EQ(FormatNoteVerifierKey(Enoch()), kEnochVkey);
}

TEST(SignedNoteTest, MangledVerifierKeysAreRejected) {
  // As TestNewVerifier: every proper substring and every single-byte increment fails.
  std::string b(kPeterVkey);
  for (std::size_t i = 0; i <= b.size(); ++i) {
    for (std::size_t j = i + 1; j <= b.size(); ++j) {
      if (i == 0 && j == b.size()) continue;
      EXPECT_FALSE(ParseNoteVerifierKey(b.substr(i, j - i))) << b.substr(i, j - i);
    }
  }
  for (char& c : b) {
    ++c;
    EXPECT_FALSE(ParseNoteVerifierKey(b)) << b;
    --c;
  }
  // Wrong key length and unknown algorithm, each with a key id adjusted to match (TestNewVerifier).
  EXPECT_FALSE(ParseNoteVerifierKey(
      "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="));
  EXPECT_FALSE(
      ParseNoteVerifierKey("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"));
}

TEST(SignedNoteTest, SigningWithPublishedSeedGivesPublishedNoteExactly) {
  EXPECT_EQ(SignNote(kText, PeterSigner()).value(), Message(kPeterSig));
  EXPECT_EQ(FormatNoteVerifierKey(PeterSigner().verifier_key()), kPeterVkey);
}

TEST(SignedNoteTest, PublishedNoteVerifiesAndUnknownSignaturesAreIgnored) {
  const std::vector<NoteVerifierKey> known = {Peter()};
  const VerifiedNote note = OpenNote(Message(kPeterSig + kEnochSig), known).value();
  EXPECT_EQ(note.text, kText);
  ASSERT_EQ(note.verified.size(), 1u);
  EXPECT_EQ(note.verified[0].key_name, "PeterNeumann");
  EXPECT_EQ(note.verified[0].key_id, 0xc74f20a3u);
  ASSERT_EQ(note.unknown.size(), 1u);
  EXPECT_EQ(note.unknown[0].key_name, "EnochRoot");

  const std::vector<NoteVerifierKey> both = {Peter(), Enoch()};
  EXPECT_EQ(OpenNote(Message(kPeterSig + kEnochSig), both).value().verified.size(), 2u);
}

TEST(SignedNoteTest, NoteSignedOnlyByUnknownKeysFails) {
  const std::vector<NoteVerifierKey> peter = {Peter()};
  const Result<VerifiedNote> r = OpenNote(Message(kEnochSig), peter);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
  EXPECT_FALSE(OpenNote(Message(kPeterSig + kEnochSig), {}));
  // A key that shares only the name, or only the key id, is a different key.
  NoteVerifierKey same_name = Enoch();
  same_name.name = "PeterNeumann";
  const std::vector<NoteVerifierKey> impostor = {same_name};
  EXPECT_EQ(OpenNote(Message(kPeterSig), impostor).error().code, ErrorCode::kUnauthenticated);
}

TEST(SignedNoteTest, ModifiedTextOrSignatureFails) {
  const std::vector<NoteVerifierKey> known = {Peter()};
  std::string message = Message(kPeterSig);
  message[3] = 'X';
  EXPECT_EQ(OpenNote(message, known).error().code, ErrorCode::kUnauthenticated);
  // TestOpen's "invalid signature": "ABCD" spliced into the base64.
  const std::string spliced = kPeterSig.substr(0, 60) + "ABCD" + kPeterSig.substr(60);
  EXPECT_EQ(OpenNote(Message(spliced), known).error().code, ErrorCode::kUnauthenticated);
  // A bad signature by a known key rejects the note even if another known key signed it.
  const std::vector<NoteVerifierKey> both = {Peter(), Enoch()};
  EXPECT_EQ(OpenNote(Message(kEnochSig + spliced), both).error().code, ErrorCode::kUnauthenticated);
}

TEST(SignedNoteTest, MalformedNotesAreRejectedWithTheProblemNamed) {
  // TestOpen's badMsgs, plus a few more.
  const std::string text(kText);
  const std::vector<std::string> bad = {
      text,
      text + "\n",
      text + "\n" + kPeterSig.substr(0, kPeterSig.size() - 1),
      "\x01" + text + "\n" + kPeterSig,
      "\xff" + text + "\n" + kPeterSig,
      text + "\n" +
          "\xE2\x80\x94 Bad Name "
          "x08go/ZJkuBS9UG/"
          "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
      text + "\n" + kPeterSig + "Unexpected line.\n",
      text + "\n" + "-- PeterNeumann x08go/ZJku\n",
      text + "\n" + "\xE2\x80\x94 PeterNeumann\n",
      text + "\n" + "\xE2\x80\x94 PeterNeumann not*base64\n",
      text + "\n" + "\xE2\x80\x94 PeterNeumann AAAA\n",  // 3 bytes: no room for a signature
      text + "\n" + "\xE2\x80\x94 Peter+Neumann x08go/ZJ\n",
      "tab\there\n\n" + kPeterSig,
      "overlong \xC0\xAF\n\n" + kPeterSig,
  };
  const std::vector<NoteVerifierKey> known = {Peter()};
  for (const std::string& message : bad) {
    const Result<VerifiedNote> r = OpenNote(message, known);
    ASSERT_FALSE(r) << message;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << message;
    EXPECT_TRUE(r.error().message.starts_with("malformed signed note: ")) << r.error().message;
  }
}

TEST(SignedNoteTest, TooLongNotesAreRejected) {
  const std::vector<NoteVerifierKey> known = {Peter()};
  std::string many;
  for (int i = 0; i < 100; ++i) many += kPeterSig;
  EXPECT_TRUE(OpenNote(Message(many), known));  // repeats by one key count once
  EXPECT_EQ(OpenNote(Message(many + kPeterSig), known).error().code, ErrorCode::kTooLarge);
  const std::string huge = std::string(kMaxNoteBytes, 'a') + "\n\n" + kPeterSig;
  EXPECT_EQ(OpenNote(huge, known).error().code, ErrorCode::kTooLarge);
}

TEST(SignedNoteTest, AmbiguousKnownKeysAreRefused) {
  const std::vector<NoteVerifierKey> twice = {Peter(), Peter()};
  EXPECT_EQ(OpenNote(Message(kPeterSig), twice).error().code, ErrorCode::kInvalidArgument);
}

TEST(SignedNoteTest, FreshKeyRoundTrip) {
  const NoteSigner signer = NoteSigner::Create("simpul/node-7", Ed25519KeyPair::Generate()).value();
  const std::string text = "simpul/node-7\n42\nline with \xC3\xA9 and an empty line next\n\nend\n";
  const std::string message = SignNote(text, signer).value();
  const std::vector<NoteVerifierKey> known = {
      ParseNoteVerifierKey(FormatNoteVerifierKey(signer.verifier_key())).value()};
  const VerifiedNote note = OpenNote(message, known).value();
  EXPECT_EQ(note.text, text);  // split at the last blank line, so empty lines in the text survive
  ASSERT_EQ(note.verified.size(), 1u);

  const Note parsed = ParseNote(message).value();
  EXPECT_EQ(FormatNote(parsed).value(), message);

  const std::vector<NoteVerifierKey> other = {Peter()};
  EXPECT_FALSE(OpenNote(message, other));
}

TEST(SignedNoteTest, InvalidNamesAndTextsCannotBeSigned) {
  EXPECT_FALSE(NoteSigner::Create("a+b", Ed25519KeyPair::Generate()));
  EXPECT_FALSE(NoteSigner::Create("a b", Ed25519KeyPair::Generate()));
  EXPECT_FALSE(
      NoteSigner::Create("a\xE3\x80\x80"
                         "b",
                         Ed25519KeyPair::Generate()));  // U+3000
  EXPECT_FALSE(NoteSigner::Create("", Ed25519KeyPair::Generate()));
  const NoteSigner signer = PeterSigner();
  EXPECT_FALSE(SignNote("abc", signer));  // TestSign: text must end with a newline
  EXPECT_FALSE(SignNote("a\rb\n", signer));
  EXPECT_EQ(SignNote(std::string(kMaxNoteBytes, 'a') + "\n", signer).error().code,
            ErrorCode::kTooLarge);
}

}  // namespace
}  // namespace simpul::crypto
