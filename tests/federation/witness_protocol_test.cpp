#include "federation/witness_protocol.hpp"

#include <gtest/gtest.h>

#include <string>

#include "crypto/bytes.hpp"
#include "federation/directory.hpp"
#include "tests/federation/directory_test_fixture.hpp"

namespace simpul::federation {
namespace {

// The example request body of https://c2sp.org/tlog-witness (add-checkpoint).
constexpr std::string_view kSpecProof[] = {
    "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=",
    "jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=",
    "5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=",
    "/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=",
};
constexpr std::string_view kSpecCheckpoint =
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    "\n"
    "\xE2\x80\x94 example.com/behind-the-sofa "
    "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    "\xE2\x80\x94 example.com/behind-the-sofa "
    "opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/"
    "V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n";

std::string SpecRequest() {
  std::string body = "old 20852014\n";
  for (std::string_view line : kSpecProof) body += std::string(line) + "\n";
  return body + "\n" + std::string(kSpecCheckpoint);
}

// The example response body of the spec: three cosignature lines by two witnesses.
constexpr std::string_view kSpecResponse =
    "\xE2\x80\x94 witness.example/w1 "
    "CMp+6LWBU0anHGH5aNDTJkH/"
    "gj79sG+T6+iP2ThYN5krrDJbR1HDnucjL39QsZTSvVjyQLrdk3DXDqI5G2HgLatVs0pWh6Up"
    "69HVOw==\n"
    "\xE2\x80\x94 witness.example/w1 "
    "I7rEps0pvK2UqkS2gSpVUDhrhVtQV9lgF6pRrWAvjJHjyWpW7VcE3SiOlVlbQNt64vWhO+DlkL0+"
    "UfzuOBMh9ChdMkP1vi/l"
    "CAsmlw==\n"
    "\xE2\x80\x94 witness.example/w2 "
    "AWui8Sk55XjYLOijihBjhqEH6nS1ndDymE0a+6idX7pLcnoB+dhnz0854aLZgrrKbYKA7nC3HNJhm/"
    "kWl7oJlqU3rXXvpysA"
    "dyP3wQ==\n";

TEST(WitnessProtocolTest, ParsesTheSpecExampleRequest) {
  auto request = ParseAddCheckpointRequest(SpecRequest());
  ASSERT_TRUE(request) << request.error().message;
  EXPECT_EQ(request->old_size, 20852014u);
  ASSERT_EQ(request->proof.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(crypto::Base64Encode(request->proof[i]), kSpecProof[i]);
  }
  EXPECT_EQ(request->checkpoint_note, kSpecCheckpoint);
}

TEST(WitnessProtocolTest, FormatsTheSpecExampleRequestByteForByte) {
  auto request = ParseAddCheckpointRequest(SpecRequest());
  ASSERT_TRUE(request);
  auto body = FormatAddCheckpointRequest(*request);
  ASSERT_TRUE(body) << body.error().message;
  EXPECT_EQ(*body, SpecRequest());
}

TEST(WitnessProtocolTest, FirstSubmissionHasOldZeroAndNoProofLines) {
  const AddCheckpointRequest first{0, {}, std::string(kSpecCheckpoint)};
  auto body = FormatAddCheckpointRequest(first);
  ASSERT_TRUE(body);
  EXPECT_EQ(*body, "old 0\n\n" + std::string(kSpecCheckpoint));
  auto back = ParseAddCheckpointRequest(*body);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->old_size, 0u);
  EXPECT_TRUE(back->proof.empty());
}

TEST(WitnessProtocolTest, RefusesMalformedRequests) {
  const std::string note(kSpecCheckpoint);
  const std::string hash = std::string(kSpecProof[0]) + "\n";
  const std::string short_hash = crypto::Base64Encode(crypto::Bytes(31, 7)) + "\n";
  std::string too_many = "old 1\n";
  for (int i = 0; i < 64; ++i) too_many += hash;
  for (const std::string& body : {
           std::string(),                          // empty
           "old 1\n" + hash,                       // no blank line, no note
           "1\n\n" + note,                         // no "old"
           "Old 1\n\n" + note,                     // wrong case
           "old  1\n\n" + note,                    // two spaces
           "old 01\n\n" + note,                    // leading zero
           "old -1\n\n" + note,                    // sign
           "old 18446744073709551616\n\n" + note,  // beyond 2^64 - 1
           "old 1\r\n" + hash + "\n" + note,       // CRLF
           "old 1\n" + std::string("not base64!") + "\n\n" + note,
           "old 1\n" + short_hash + "\n" + note,                       // 31-byte hash
           too_many + "\n" + note,                                     // 64 proof lines
           "old 1\n" + hash + "\n" + "origin\n1\nroot\n",              // note without signatures
           "old 1\n" + hash + "\n" + note.substr(0, note.size() - 1),  // no final newline
       }) {
    auto parsed = ParseAddCheckpointRequest(body);
    EXPECT_FALSE(parsed) << "accepted: " << body;
    if (!parsed) {
      EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument) << body;
    }
  }
}

TEST(WitnessProtocolTest, RefusesOversizedBodiesUnread) {
  const std::string body(kMaxAddCheckpointBytes + 1, 'a');
  auto parsed = ParseAddCheckpointRequest(body);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, ErrorCode::kTooLarge);
}

TEST(WitnessProtocolTest, AcceptsExactly63ProofLines) {
  AddCheckpointRequest request{5, crypto::MerkleProof(63, crypto::MerkleHash{}),
                               std::string(kSpecCheckpoint)};
  auto body = FormatAddCheckpointRequest(request);
  ASSERT_TRUE(body);
  auto back = ParseAddCheckpointRequest(*body);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->proof.size(), 63u);
  request.proof.emplace_back();
  EXPECT_FALSE(FormatAddCheckpointRequest(request));
}

TEST(WitnessProtocolTest, ParsesAndFormatsTheSpecExampleResponse) {
  auto lines = ParseCosignatureLines(kSpecResponse);
  ASSERT_TRUE(lines) << lines.error().message;
  ASSERT_EQ(lines->size(), 3u);
  EXPECT_EQ((*lines)[0].key_name, "witness.example/w1");
  EXPECT_EQ((*lines)[0].key_id, 0x08ca7ee8u);
  EXPECT_EQ((*lines)[1].key_id, 0x23bac4a6u);
  EXPECT_EQ((*lines)[2].key_name, "witness.example/w2");
  EXPECT_EQ((*lines)[2].key_id, 0x016ba2f1u);
  for (const auto& line : *lines) EXPECT_EQ(line.signature.size(), 72u);  // time + Ed25519
  auto body = FormatCosignatureLines(*lines);
  ASSERT_TRUE(body) << body.error().message;
  EXPECT_EQ(*body, kSpecResponse);
}

TEST(WitnessProtocolTest, RefusesMalformedResponses) {
  const std::string first_line(kSpecResponse.substr(0, kSpecResponse.find('\n') + 1));
  for (const std::string& body : {
           std::string(),
           first_line + "\n" + first_line,               // an empty line among them
           "\n" + first_line,                            // starts with an empty line
           first_line.substr(0, first_line.size() - 1),  // no final newline
           std::string("- witness.example/w1 CMp+\n"),   // a hyphen, not an em dash
           first_line + "plain text\n",
       }) {
    EXPECT_FALSE(ParseCosignatureLines(body)) << "accepted: " << body;
  }
  EXPECT_FALSE(FormatCosignatureLines({}));
}

TEST(WitnessProtocolTest, TlogSizeBodies) {
  EXPECT_EQ(FormatTlogSize(20852014), "20852014\n");
  EXPECT_EQ(ParseTlogSize("20852014\n").value_or(1), 20852014u);
  EXPECT_EQ(ParseTlogSize("0\n").value_or(1), 0u);
  for (std::string_view bad : {"", "\n", "5", "05\n", " 5\n", "5\n\n", "5 \n", "-5\n", "five\n"}) {
    EXPECT_FALSE(ParseTlogSize(bad)) << "accepted: " << bad;
  }
}

TEST(WitnessProtocolTest, RefusalsMapToTheSpecStatuses) {
  EXPECT_EQ(HttpStatusOf(WitnessRefusal::kMalformed), 400);
  EXPECT_EQ(HttpStatusOf(WitnessRefusal::kUnverified), 403);
  EXPECT_EQ(HttpStatusOf(WitnessRefusal::kUnknownOrigin), 404);
  EXPECT_EQ(HttpStatusOf(WitnessRefusal::kOldSizeMismatch), 409);
  EXPECT_EQ(HttpStatusOf(WitnessRefusal::kRootMismatch), 409);
  EXPECT_EQ(HttpStatusOf(WitnessRefusal::kInconsistent), 422);
  EXPECT_EQ(Name(WitnessRefusal::kOldSizeMismatch), "old_size_mismatch");
}

TEST(WitnessProtocolTest, OriginsAndWitnessNames) {
  EXPECT_EQ(LogOrigin("kab:32.04"), "simpul/kab:32.04");
  EXPECT_EQ(NodeIdOfOrigin("simpul/kab:32.04"), "kab:32.04");
  EXPECT_EQ(NodeIdOfOrigin("example.com/behind-the-sofa"), "");
  EXPECT_EQ(WitnessName("coord:panrb"), "simpul/witness/coord:panrb");
  EXPECT_TRUE(crypto::IsValidNoteKeyName(WitnessName("coord:panrb")));
  const auto key = testing::KeyFromByte(11);
  auto verifier = WitnessVerifierKey("coord:panrb", key.public_key());
  ASSERT_TRUE(verifier);
  EXPECT_EQ(verifier->type, crypto::NoteKeyType::kCosignatureV1);
  EXPECT_EQ(verifier->name, "simpul/witness/coord:panrb");
  EXPECT_EQ(verifier->key_id, crypto::NoteKeyId(verifier->name, crypto::NoteKeyType::kCosignatureV1,
                                                key.public_key()));
  EXPECT_FALSE(WitnessVerifierKey("coord panrb", key.public_key()));
}

TEST(WitnessProtocolTest, KeysComeFromTheDirectoryWithoutRevokedOnes) {
  auto doc = testing::SampleDocument();
  // The coordinator (seed 10) has its log key from seed 11; kab:32.04 (seed 30) from seed 31.
  NodeKey second_log = testing::MakeKey(testing::KeyFromByte(99), KeyUse::kLog);
  second_log.status = KeyStatus::kRevoked;
  second_log.revoked_at = testing::kIssuedAt - 1;
  doc.nodes[2].keys.push_back(second_log);
  const Directory directory = testing::SignedDirectory(doc);

  const auto witness = WitnessKeysFromDirectory(directory);
  ASSERT_EQ(witness.size(), 1u);
  EXPECT_EQ(crypto::FormatNoteVerifierKey(witness[0]),
            crypto::FormatNoteVerifierKey(
                WitnessVerifierKey("coord:panrb", testing::KeyFromByte(11).public_key()).value()));

  auto logs = LogKeysFromDirectory(directory, "kab:32.04");
  ASSERT_TRUE(logs) << logs.error().message;
  ASSERT_EQ(logs->size(), 1u);  // the revoked one is left out
  EXPECT_EQ((*logs)[0].name, "simpul/kab:32.04");
  EXPECT_EQ((*logs)[0].type, crypto::NoteKeyType::kEd25519);
  EXPECT_EQ((*logs)[0].public_key, testing::KeyFromByte(31).public_key());
  auto unknown = LogKeysFromDirectory(directory, "kab:99.99");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace simpul::federation
