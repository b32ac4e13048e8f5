#include "federation/witness_protocol.hpp"

#include <algorithm>
#include <optional>

#include "crypto/bytes.hpp"
#include "crypto/checkpoint.hpp"
#include "federation/directory.hpp"

namespace simpul::federation {
namespace {

constexpr std::string_view kOriginPrefix = "simpul/";
constexpr std::string_view kWitnessPrefix = "simpul/witness/";
constexpr std::string_view kOldPrefix = "old ";
// ParseCosignatureLines reads the lines as the signature block of a note with this text.
constexpr std::string_view kPlaceholderText = "cosignatures\n";

Error Malformed(std::string what) {
  return Error{ErrorCode::kInvalidArgument, "add-checkpoint request: " + std::move(what)};
}

// The non-revoked log keys of `node` as note keys of type `type` named `name`.
std::vector<crypto::NoteVerifierKey> NoteKeysOf(const NodeEntry& node, const std::string& name,
                                                crypto::NoteKeyType type) {
  std::vector<crypto::NoteVerifierKey> out;
  for (const NodeKey& key : node.keys) {
    if (key.use != KeyUse::kLog || key.status == KeyStatus::kRevoked) continue;
    if (auto made = crypto::MakeNoteVerifierKey(name, type, key.public_key)) {
      out.push_back(std::move(*made));
    }
  }
  return out;
}

// Takes the line up to the next newline off the front of `rest`; nullopt if there is none.
std::optional<std::string_view> TakeLine(std::string_view& rest) {
  const std::size_t eol = rest.find('\n');
  if (eol == std::string_view::npos) return std::nullopt;
  std::string_view line = rest.substr(0, eol);
  rest.remove_prefix(eol + 1);
  return line;
}

Result<crypto::MerkleHash> ParseProofLine(std::string_view line, std::size_t number) {
  Result<crypto::Bytes> bytes = crypto::Base64Decode(line);
  if (!bytes || bytes->size() != crypto::MerkleHash{}.size()) {
    return tl::unexpected(
        Malformed("proof line " + std::to_string(number) + " is not the base64 of a 32-byte hash"));
  }
  crypto::MerkleHash hash{};
  std::copy(bytes->begin(), bytes->end(), hash.begin());
  return hash;
}

}  // namespace

std::string LogOrigin(std::string_view node_id) {
  return std::string(kOriginPrefix) + std::string(node_id);
}

std::string_view NodeIdOfOrigin(std::string_view origin) {
  if (!origin.starts_with(kOriginPrefix)) return {};
  return origin.substr(kOriginPrefix.size());
}

std::string WitnessName(std::string_view coordinator_id) {
  return std::string(kWitnessPrefix) + std::string(coordinator_id);
}

Result<crypto::NoteVerifierKey> WitnessVerifierKey(std::string_view coordinator_id,
                                                   const crypto::Ed25519PublicKey& log_key) {
  return crypto::MakeNoteVerifierKey(WitnessName(coordinator_id),
                                     crypto::NoteKeyType::kCosignatureV1, log_key);
}

std::vector<crypto::NoteVerifierKey> WitnessKeysFromDirectory(const Directory& directory) {
  for (const NodeEntry& node : directory.document().nodes) {
    if (node.node_class == NodeClass::kCoordinator) {
      return NoteKeysOf(node, WitnessName(node.id), crypto::NoteKeyType::kCosignatureV1);
    }
  }
  return {};
}

Result<std::vector<crypto::NoteVerifierKey>> LogKeysFromDirectory(const Directory& directory,
                                                                  std::string_view node_id) {
  const NodeEntry* node = directory.Find(node_id);
  if (node == nullptr) {
    return Fail(ErrorCode::kNotFound, "node " + std::string(node_id) +
                                          " is not in directory version " +
                                          std::to_string(directory.version()));
  }
  return NoteKeysOf(*node, LogOrigin(node_id), crypto::NoteKeyType::kEd25519);
}

Result<std::string> FormatAddCheckpointRequest(const AddCheckpointRequest& request) {
  if (request.proof.size() > kMaxConsistencyProofLines) {
    return tl::unexpected(Malformed("more than 63 consistency proof lines"));
  }
  if (Result<crypto::Note> note = crypto::ParseNote(request.checkpoint_note); !note) {
    return tl::unexpected(Malformed("checkpoint: " + note.error().message));
  }
  std::string out = std::string(kOldPrefix) + std::to_string(request.old_size) + "\n";
  for (const crypto::MerkleHash& hash : request.proof) {
    out += crypto::Base64Encode(hash);
    out += '\n';
  }
  out += '\n';
  out += request.checkpoint_note;
  return out;
}

Result<AddCheckpointRequest> ParseAddCheckpointRequest(std::string_view body) {
  if (body.size() > kMaxAddCheckpointBytes) {
    return Fail(ErrorCode::kTooLarge, "add-checkpoint request: body exceeds " +
                                          std::to_string(kMaxAddCheckpointBytes) + " bytes");
  }
  std::string_view rest = body;
  std::optional<std::string_view> old_line = TakeLine(rest);
  if (!old_line || !old_line->starts_with(kOldPrefix)) {
    return tl::unexpected(Malformed("the first line must be \"old <size>\""));
  }
  Result<std::uint64_t> old_size = crypto::ParseTlogDecimal(old_line->substr(kOldPrefix.size()));
  if (!old_size) return tl::unexpected(Malformed("old size: " + old_size.error().message));
  AddCheckpointRequest request;
  request.old_size = *old_size;
  for (;;) {
    std::optional<std::string_view> line = TakeLine(rest);
    if (!line) return tl::unexpected(Malformed("no empty line before the checkpoint"));
    if (line->empty()) break;
    if (request.proof.size() == kMaxConsistencyProofLines) {
      return tl::unexpected(Malformed("more than 63 consistency proof lines"));
    }
    Result<crypto::MerkleHash> hash = ParseProofLine(*line, request.proof.size() + 1);
    if (!hash) return tl::unexpected(hash.error());
    request.proof.push_back(*hash);
  }
  Result<crypto::Note> note = crypto::ParseNote(rest);
  if (!note)
    return Fail(note.error().code, "add-checkpoint request: checkpoint: " + note.error().message);
  request.checkpoint_note = std::string(rest);
  return request;
}

int HttpStatusOf(WitnessRefusal refusal) {
  switch (refusal) {
    case WitnessRefusal::kMalformed:
      return 400;
    case WitnessRefusal::kUnverified:
      return 403;
    case WitnessRefusal::kUnknownOrigin:
      return 404;
    case WitnessRefusal::kOldSizeMismatch:
    case WitnessRefusal::kRootMismatch:
      return 409;
    case WitnessRefusal::kInconsistent:
      return 422;
  }
  return 400;
}

std::string_view Name(WitnessRefusal refusal) {
  switch (refusal) {
    case WitnessRefusal::kMalformed:
      return "malformed";
    case WitnessRefusal::kUnverified:
      return "unverified";
    case WitnessRefusal::kUnknownOrigin:
      return "unknown_origin";
    case WitnessRefusal::kOldSizeMismatch:
      return "old_size_mismatch";
    case WitnessRefusal::kRootMismatch:
      return "root_mismatch";
    case WitnessRefusal::kInconsistent:
      return "inconsistent";
  }
  return "malformed";
}

Result<std::string> FormatCosignatureLines(std::span<const crypto::NoteSignature> cosignatures) {
  crypto::Note note{std::string(kPlaceholderText), {cosignatures.begin(), cosignatures.end()}};
  Result<std::string> text = crypto::FormatNote(note);
  if (!text) return tl::unexpected(text.error());
  return text->substr(kPlaceholderText.size() + 1);
}

Result<std::vector<crypto::NoteSignature>> ParseCosignatureLines(std::string_view body) {
  if (body.empty()) return Fail(ErrorCode::kInvalidArgument, "no cosignature lines");
  std::string note(kPlaceholderText);
  note += '\n';
  note += body;
  Result<crypto::Note> parsed = crypto::ParseNote(note);
  // A blank line inside the body would make ParseNote split there and lose the placeholder.
  if (parsed && parsed->text != kPlaceholderText) {
    return Fail(ErrorCode::kInvalidArgument, "cosignature lines: an empty line among them");
  }
  if (!parsed) return Fail(parsed.error().code, "cosignature lines: " + parsed.error().message);
  return std::move(parsed->signatures);
}

std::string FormatTlogSize(std::uint64_t size) { return std::to_string(size) + "\n"; }

Result<std::uint64_t> ParseTlogSize(std::string_view body) {
  if (body.empty() || body.back() != '\n') {
    return Fail(ErrorCode::kInvalidArgument, "tlog size: must end in a newline");
  }
  Result<std::uint64_t> size = crypto::ParseTlogDecimal(body.substr(0, body.size() - 1));
  if (!size) return Fail(ErrorCode::kInvalidArgument, "tlog size: " + size.error().message);
  return size;
}

}  // namespace simpul::federation
