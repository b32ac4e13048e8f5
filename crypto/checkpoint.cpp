#include "crypto/checkpoint.hpp"

#include <algorithm>
#include <limits>

namespace simpul::crypto {
namespace {

constexpr std::size_t kTimeBytes = 8;
constexpr std::size_t kCosignatureBytes = kTimeBytes + sizeof(Ed25519Signature);

Error Malformed(std::string what) {
  return Error{ErrorCode::kInvalidArgument, "malformed checkpoint: " + std::move(what)};
}

bool HasControlCharacter(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

// "cosignature/v1\ntime <t>\n" || checkpoint text: what an Ed25519 cosignature signs.
std::string CosignedMessage(std::string_view checkpoint_text, std::uint64_t time) {
  std::string message = "cosignature/v1\ntime " + std::to_string(time) + "\n";
  message += checkpoint_text;
  return message;
}

}  // namespace

Result<std::uint64_t> ParseTlogDecimal(std::string_view text) {
  const auto bad = [&] {
    return Fail(ErrorCode::kInvalidArgument,
                "\"" + std::string(text) + "\" is not a 64-bit decimal without leading zeros");
  };
  if (text.empty() || (text.size() > 1 && text[0] == '0')) return bad();
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return bad();
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return bad();
    value = value * 10 + digit;
  }
  return value;
}

Result<std::string> FormatCheckpoint(const Checkpoint& checkpoint) {
  if (checkpoint.origin.empty()) return tl::unexpected(Malformed("empty origin"));
  if (HasControlCharacter(checkpoint.origin)) {
    return tl::unexpected(Malformed("control character in origin"));
  }
  std::string text = checkpoint.origin + "\n" + std::to_string(checkpoint.size) + "\n" +
                     Base64Encode(checkpoint.root_hash) + "\n";
  for (const std::string& line : checkpoint.extensions) {
    if (line.empty()) return tl::unexpected(Malformed("empty extension line"));
    if (HasControlCharacter(line)) {
      return tl::unexpected(Malformed("control character in an extension line"));
    }
    text += line;
    text += '\n';
  }
  return text;
}

Result<Checkpoint> ParseCheckpoint(std::string_view text) {
  if (text.empty() || text.back() != '\n') {
    return tl::unexpected(Malformed("text does not end with a newline"));
  }
  std::vector<std::string_view> lines;
  for (std::string_view rest = text; !rest.empty();) {
    const std::size_t eol = rest.find('\n');
    lines.push_back(rest.substr(0, eol));
    rest.remove_prefix(eol + 1);
  }
  if (lines.size() < 3) {
    return tl::unexpected(Malformed("fewer than three lines (origin, size, root hash)"));
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) {
      return tl::unexpected(Malformed("line " + std::to_string(i + 1) + " is empty"));
    }
    if (HasControlCharacter(lines[i])) {
      return tl::unexpected(Malformed("control character in line " + std::to_string(i + 1)));
    }
  }
  Checkpoint checkpoint;
  checkpoint.origin = std::string(lines[0]);
  const Result<std::uint64_t> size = ParseTlogDecimal(lines[1]);
  if (!size) {
    return tl::unexpected(
        Malformed("tree size is not a 64-bit decimal number without leading zeros"));
  }
  checkpoint.size = *size;
  const Result<Bytes> root = Base64Decode(lines[2]);
  if (!root || root->size() != checkpoint.root_hash.size()) {
    return tl::unexpected(Malformed("root hash is not the base64 of 32 bytes"));
  }
  std::copy(root->begin(), root->end(), checkpoint.root_hash.begin());
  for (std::size_t i = 3; i < lines.size(); ++i) checkpoint.extensions.emplace_back(lines[i]);
  return checkpoint;
}

Cosigner::Cosigner(NoteVerifierKey verifier_key, Ed25519KeyPair key)
    : verifier_key_(std::move(verifier_key)), key_(std::move(key)) {}

Result<Cosigner> Cosigner::Create(std::string name, Ed25519KeyPair key) {
  Result<NoteVerifierKey> vkey =
      MakeNoteVerifierKey(std::move(name), NoteKeyType::kCosignatureV1, key.public_key());
  if (!vkey) return tl::unexpected(vkey.error());
  return Cosigner(std::move(*vkey), std::move(key));
}

Result<NoteSignature> Cosigner::Cosign(std::string_view checkpoint_text,
                                       std::chrono::sys_seconds time) const {
  if (Result<Checkpoint> ok = ParseCheckpoint(checkpoint_text); !ok) {
    return tl::unexpected(ok.error());
  }
  const std::int64_t seconds = time.time_since_epoch().count();
  if (seconds < 0) {
    return Fail(ErrorCode::kInvalidArgument, "cosignature time is before the epoch");
  }
  const auto t = static_cast<std::uint64_t>(seconds);
  const Ed25519Signature sig = key_.Sign(AsBytes(CosignedMessage(checkpoint_text, t)));
  NoteSignature out{verifier_key_.name, verifier_key_.key_id, {}};
  out.signature.reserve(kCosignatureBytes);
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.signature.push_back(static_cast<std::uint8_t>(t >> shift));
  }
  out.signature.insert(out.signature.end(), sig.begin(), sig.end());
  return out;
}

Result<std::chrono::sys_seconds> CosignatureTime(const NoteSignature& signature) {
  if (signature.signature.size() != kCosignatureBytes) {
    return Fail(ErrorCode::kInvalidArgument,
                "a cosignature is " + std::to_string(kCosignatureBytes) + " bytes, not " +
                    std::to_string(signature.signature.size()));
  }
  std::uint64_t t = 0;
  for (std::size_t i = 0; i < kTimeBytes; ++i) t = (t << 8) | signature.signature[i];
  if (t > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return Fail(ErrorCode::kInvalidArgument, "cosignature time exceeds 2^63 - 1");
  }
  return std::chrono::sys_seconds(std::chrono::seconds(static_cast<std::int64_t>(t)));
}

Result<std::chrono::sys_seconds> VerifyCosignature(const NoteVerifierKey& cosigner,
                                                   std::string_view checkpoint_text,
                                                   const NoteSignature& signature) {
  if (cosigner.type != NoteKeyType::kCosignatureV1) {
    return Fail(ErrorCode::kInvalidArgument, "key " + cosigner.name + " is not a cosigner key");
  }
  if (signature.key_name != cosigner.name || signature.key_id != cosigner.key_id) {
    return Fail(ErrorCode::kInvalidArgument,
                "signature by " + signature.key_name + " is not by cosigner " + cosigner.name);
  }
  Result<std::chrono::sys_seconds> time = CosignatureTime(signature);
  if (!time) return time;
  const auto t = static_cast<std::uint64_t>(time->time_since_epoch().count());
  const ByteView sig = ByteView(signature.signature).subspan(kTimeBytes);
  if (!Ed25519Verify(cosigner.public_key, AsBytes(CosignedMessage(checkpoint_text, t)), sig)) {
    return Fail(ErrorCode::kUnauthenticated, "invalid cosignature by " + cosigner.name);
  }
  return time;
}

}  // namespace simpul::crypto
