// Writes the seed corpora of the fuzz targets that need signed or binary inputs, from the keys in
// fuzz_keys.hpp and federation_fixture.hpp and the project's test vectors:
//   fuzz_make_seeds tests/fuzz/corpus
// The text seeds of canonical_json and http_request are written by hand. Rerun this only when a
// format changes; envelopes carry a random msg_id, so each run writes new bytes.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/canonical_json.hpp"
#include "crypto/checkpoint.hpp"
#include "crypto/signed_note.hpp"
#include "crypto/tlog_proof.hpp"
#include "crypto/uuid.hpp"
#include "federation/directory.hpp"
#include "federation/envelope.hpp"
#include "federation/trust_anchor.hpp"
#include "tests/fuzz/federation_fixture.hpp"
#include "tests/fuzz/fuzz_keys.hpp"

namespace {

namespace crypto = simpul::crypto;
namespace federation = simpul::federation;
namespace fs = std::filesystem;
using nlohmann::json;

void Write(const fs::path& dir, const std::string& name, const std::string& bytes) {
  fs::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary) << bytes;
}

federation::EnvelopeDraft Draft(federation::MessageType type, std::int64_t seq, std::string case_id,
                                const json& body) {
  const auto created = simpul::fuzz::Now() - std::chrono::seconds(seq);
  return {.type = type,
          .msg_id = crypto::NewUuidV7(created),
          .from = std::string(simpul::fuzz::kSender),
          .to = std::string(simpul::fuzz::kReceiver),
          .stream = "kab:32.04>prov:32",
          .seq = seq,
          .prev = seq == 1 ? "" : std::string(64, 'a'),
          .created_at = created,
          .dir_version = 1,
          .case_id = std::move(case_id),
          .body = body.dump()};
}

void WriteEnvelopes(const fs::path& dir) {
  using federation::MessageType;
  const json forward = {{"case",
                         {{"tracking_id", "KAB3204-000042"},
                          {"classification", "complaint"},
                          {"category", "infrastruktur.jalan"},
                          {"title", "Jalan rusak di Jl. Merdeka"},
                          {"body", "Lubang besar sejak Januari / tidak diperbaiki."},
                          {"region", "32.04"},
                          {"anonymous", false},
                          {"confidential", false},
                          {"reporter", {{"name", "Siti"}, {"phone", "+6281234567"}}},
                          {"submitted_at", simpul::fuzz::kNowMs - 60000},
                          {"origin", "kab:32.04"}}}};
  const std::vector<std::pair<std::string, federation::EnvelopeDraft>> drafts = {
      {"case_forward", Draft(MessageType::kCaseForward, 1, "KAB3204-000042", forward)},
      {"case_accept", Draft(MessageType::kCaseAccept, 2, "KAB3204-000042", {{"note", "ok"}})},
      {"case_decline", Draft(MessageType::kCaseDecline, 3, "KAB3204-000042",
                             {{"reason", "bukan wewenang"}, {"suggested_node", "kl:pupr"}})},
      {"case_status", Draft(MessageType::kCaseStatus, 4, "KAB3204-000042",
                            {{"state", "in_progress"}, {"note", "survei lapangan"}})},
      {"case_close", Draft(MessageType::kCaseClose, 5, "KAB3204-000042", {{"reason", "selesai"}})},
      {"receipt", Draft(MessageType::kReceipt, 6, "KAB3204-000042",
                        {{"for_msg_id", "0190f3c4-5a6b-7c8d-9e0f-1a2b3c4d5e6f"},
                         {"for_hash", std::string(64, 'a')},
                         {"log_index", 0},
                         {"dir_version", 1}})},
      {"stream_skip", Draft(MessageType::kStreamSkip, 7, "",
                            {{"skipped_seq", 6}, {"reason", "case unknown here"}})},
  };
  for (const auto& [name, draft] : drafts) {
    const std::string bytes = federation::SealEnvelope(draft, simpul::fuzz::SenderKey()).value();
    Write(dir, name + ".json", bytes);
    if (name == "case_forward") {
      Write(dir, name + "_erased.json", federation::EraseEnvelopeBody(bytes).value());
    }
  }
}

void WriteDirectories(const fs::path& dir) {
  using namespace federation::testing;
  const federation::Directory current = simpul::fuzz::SampleDirectory();
  Write(dir, "signed_v1.json", current.signed_bytes());
  federation::DirectoryDocument next = NextDocument(current);
  next.nodes[2].keys[0].status = federation::KeyStatus::kRetired;
  next.nodes[2].keys[0].not_after = next.expires_at;
  next.nodes[2].keys.push_back(
      MakeKey(KeyFromByte(33), federation::KeyUse::kMessage, federation::KeyStatus::kNext));
  const crypto::Ed25519KeyPair* both[] = {&CoordinatorKey(), &StrangerKey()};
  Write(dir, "signed_v2_two_signatures.json", federation::SignDirectory(next, both).value());
  Write(dir, "document_v1.json",
        crypto::Canonicalize(federation::DirectoryDocumentToJson(SampleDocument())).value());
  Write(dir, "trust_anchor.json", federation::SerializeTrustAnchor(SampleAnchor()).value());
}

void WriteNotes(const fs::path& dir) {
  // golang.org/x/mod/sumdb/note's published example (as tests/crypto/signed_note_test.cpp).
  Write(
      dir, "go_note_example.txt",
      "If you think cryptography is the answer to your problem,\n"
      "then you don't know what your problem is.\n\n"
      "\xE2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgK"
      "vqfqdngotpRZb6KE6RyyBwJnAM=\n"
      "\xE2\x80\x94 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG"
      "01oOTGwnWLox33WWd1RvMc+QQ=\n");
  Write(dir, "verifier_key.txt",
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
  // C2SP tlog-cosignature's example checkpoint (as tests/crypto/checkpoint_test.cpp).
  Write(dir, "c2sp_checkpoint.txt",
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");

  const crypto::NoteSigner log = simpul::fuzz::LogSigner();
  const crypto::Cosigner witness = simpul::fuzz::WitnessCosigner();
  constexpr std::uint64_t kSize = 37;
  std::vector<crypto::MerkleHash> leaves;
  for (std::uint64_t i = 0; i < kSize; ++i) leaves.push_back(simpul::fuzz::LogLeaf(i));
  const std::string body = crypto::FormatCheckpoint({std::string(simpul::fuzz::kLogOrigin),
                                                     kSize,
                                                     crypto::RootOf(leaves),
                                                     {"extension line"}})
                               .value();
  const std::string signed_note = crypto::SignNote(body, log).value();
  crypto::Note cosigned = crypto::ParseNote(signed_note).value();
  cosigned.signatures.push_back(
      witness.Cosign(body, std::chrono::sys_seconds(std::chrono::seconds(1750000000))).value());
  Write(dir, "checkpoint_body.txt", body);
  Write(dir, "checkpoint_signed.txt", signed_note);
  Write(dir, "checkpoint_cosigned.txt", crypto::FormatNote(cosigned).value());
  for (std::uint64_t index : {0, 32, 36}) {
    const crypto::TlogProof proof{
        index == 32 ? std::optional(crypto::Bytes{1, 2, 3}) : std::nullopt, index,
        crypto::InclusionProof(leaves, index, kSize).value(), crypto::FormatNote(cosigned).value()};
    Write(dir, "tlog_proof_" + std::to_string(index) + ".txt",
          crypto::FormatTlogProof(proof).value());
  }
}

// Merkle inputs: leaf count, two selectors, raw index and size, then hashes (the target's layout),
// here the reference proofs so the fuzzer starts from proofs that verify.
void WriteMerkle(const fs::path& dir) {
  struct Case {
    std::uint16_t n, a, b;
  };
  for (const Case c : {Case{1, 0, 0}, Case{7, 3, 6}, Case{37, 17, 36}, Case{256, 100, 255}}) {
    std::string bytes;
    for (std::uint16_t v : {c.n, c.a, c.b}) {
      bytes.push_back(static_cast<char>(v >> 8));
      bytes.push_back(static_cast<char>(v & 0xff));
    }
    const std::uint64_t leaves_n = 1 + c.n % 300;
    const std::uint64_t size = 1 + c.b % leaves_n;
    const std::uint64_t index = c.a % size;
    for (std::uint64_t raw : {index, size}) {
      for (int shift = 56; shift >= 0; shift -= 8) bytes.push_back(static_cast<char>(raw >> shift));
    }
    std::vector<crypto::MerkleHash> leaves;
    for (std::uint64_t i = 0; i < leaves_n; ++i) {
      leaves.push_back(crypto::LeafHash(crypto::AsBytes("leaf " + std::to_string(i))));
    }
    const crypto::MerkleProof proof = crypto::InclusionProof(leaves, index, size).value();
    for (const auto& h : proof) {
      bytes.append(reinterpret_cast<const char*>(h.data()), h.size());
    }
    Write(dir, "proof_" + std::to_string(c.n) + ".bin", bytes);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_make_seeds <tests/fuzz/corpus>\n");
    return 2;
  }
  const fs::path root = argv[1];
  WriteEnvelopes(root / "envelope");
  WriteDirectories(root / "directory");
  WriteNotes(root / "signed_note");
  WriteMerkle(root / "merkle_proof");
  std::printf("seeds written under %s\n", root.c_str());
  return 0;
}
