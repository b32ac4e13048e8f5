#include "crypto/tlog_proof.hpp"

#include <algorithm>

namespace simpul::crypto {
namespace {

constexpr std::string_view kHeader = "c2sp.org/tlog-proof@v1";
constexpr std::string_view kExtraPrefix = "extra ";
constexpr std::string_view kIndexPrefix = "index ";
// An inclusion proof in a tree of at most 2^64 leaves has at most 64 hashes.
constexpr std::size_t kMaxProofHashes = 64;

Error Malformed(std::string what) {
  return Error{ErrorCode::kInvalidArgument, "malformed tlog proof: " + std::move(what)};
}

}  // namespace

Result<std::string> FormatTlogProof(const TlogProof& proof) {
  if (Result<Note> note = ParseNote(proof.checkpoint_note); !note) {
    return tl::unexpected(note.error());
  }
  std::string out(kHeader);
  out += '\n';
  if (proof.extra) {
    out += kExtraPrefix;
    out += Base64Encode(*proof.extra);
    out += '\n';
  }
  out += kIndexPrefix;
  out += std::to_string(proof.index);
  out += '\n';
  for (const MerkleHash& h : proof.inclusion) {
    out += Base64Encode(h);
    out += '\n';
  }
  out += '\n';
  out += proof.checkpoint_note;
  return out;
}

Result<TlogProof> ParseTlogProof(std::string_view text) {
  const std::size_t blank = text.find("\n\n");
  if (blank == std::string_view::npos) {
    return tl::unexpected(Malformed("no blank line before the checkpoint"));
  }
  std::string_view head = text.substr(0, blank + 1);
  TlogProof proof;
  proof.checkpoint_note = std::string(text.substr(blank + 2));
  if (Result<Note> note = ParseNote(proof.checkpoint_note); !note) {
    return tl::unexpected(note.error());
  }

  const auto next_line = [&head] {
    const std::size_t eol = head.find('\n');
    const std::string_view line = head.substr(0, eol);
    head.remove_prefix(eol + 1);
    return line;
  };
  if (next_line() != kHeader) {
    return tl::unexpected(Malformed("first line is not " + std::string(kHeader)));
  }
  std::string_view line = head.empty() ? std::string_view() : next_line();
  if (line.starts_with(kExtraPrefix)) {
    Result<Bytes> extra = Base64Decode(line.substr(kExtraPrefix.size()));
    if (!extra) return tl::unexpected(Malformed("extra data is not base64"));
    proof.extra = std::move(*extra);
    line = head.empty() ? std::string_view() : next_line();
  }
  if (!line.starts_with(kIndexPrefix)) {
    return tl::unexpected(Malformed("no index line"));
  }
  Result<std::uint64_t> index = ParseTlogDecimal(line.substr(kIndexPrefix.size()));
  if (!index) return tl::unexpected(Malformed("index: " + index.error().message));
  proof.index = *index;
  while (!head.empty()) {
    if (proof.inclusion.size() == kMaxProofHashes) {
      return tl::unexpected(Malformed("more than 64 inclusion proof hashes"));
    }
    Result<Bytes> hash = Base64Decode(next_line());
    MerkleHash h{};
    if (!hash || hash->size() != h.size()) {
      return tl::unexpected(Malformed("inclusion proof line " +
                                      std::to_string(proof.inclusion.size() + 1) +
                                      " is not the base64 of 32 bytes"));
    }
    std::copy(hash->begin(), hash->end(), h.begin());
    proof.inclusion.push_back(h);
  }
  return proof;
}

Result<VerifiedTlogProof> VerifyTlogProof(const TlogProof& proof, std::string_view origin,
                                          const MerkleHash& leaf_hash,
                                          std::span<const NoteVerifierKey> log_keys) {
  Result<VerifiedNote> note = OpenNote(proof.checkpoint_note, log_keys);
  if (!note) return tl::unexpected(note.error());
  Result<Checkpoint> checkpoint = ParseCheckpoint(note->text);
  if (!checkpoint) return tl::unexpected(checkpoint.error());
  if (checkpoint->origin != origin) {
    return Fail(ErrorCode::kInvalidArgument, "checkpoint is from log \"" + checkpoint->origin +
                                                 "\", not \"" + std::string(origin) + "\"");
  }
  Result<void> included = VerifyInclusion(leaf_hash, proof.index, checkpoint->size, proof.inclusion,
                                          checkpoint->root_hash);
  if (!included) return tl::unexpected(included.error());
  return VerifiedTlogProof{std::move(*checkpoint), std::move(*note)};
}

}  // namespace simpul::crypto
