#include "crypto/signed_note.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "crypto/hash.hpp"

namespace simpul::crypto {
namespace {

constexpr std::string_view kSignaturePrefix = "\xE2\x80\x94 ";  // U+2014 em dash, space
constexpr std::size_t kKeyIdBytes = 4;

Error Malformed(std::string what) {
  return Error{ErrorCode::kInvalidArgument, "malformed signed note: " + std::move(what)};
}

// Decodes the UTF-8 sequence at s[i] and advances i past it; nullopt on an invalid sequence
// (overlong, surrogate, beyond U+10FFFF, truncated).
std::optional<char32_t> NextCodePoint(std::string_view s, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
  const std::uint8_t b0 = byte(i);
  std::size_t len = 0;
  char32_t cp = 0;
  std::uint8_t lo = 0x80;
  std::uint8_t hi = 0xBF;
  if (b0 < 0x80) {
    ++i;
    return b0;
  } else if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return std::nullopt;
  }
  if (s.size() - i < len) return std::nullopt;
  for (std::size_t k = 1; k < len; ++k) {
    const std::uint8_t b = byte(i + k);
    if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return std::nullopt;
    cp = (cp << 6) | (b & 0x3F);
  }
  i += len;
  return cp;
}

// Unicode White_Space, as Go's unicode.IsSpace.
bool IsUnicodeSpace(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

// The note-wide rules: size, UTF-8, no control characters but newline.
Result<void> CheckNoteCharacters(std::string_view message) {
  if (message.size() > kMaxNoteBytes) {
    return Fail(ErrorCode::kTooLarge, "signed note is " + std::to_string(message.size()) +
                                          " bytes, over the limit of " +
                                          std::to_string(kMaxNoteBytes));
  }
  for (std::size_t i = 0; i < message.size();) {
    const std::size_t at = i;
    const std::optional<char32_t> c = NextCodePoint(message, i);
    if (!c) return tl::unexpected(Malformed("invalid UTF-8 at byte " + std::to_string(at)));
    if (*c < 0x20 && *c != '\n') {
      return tl::unexpected(Malformed("control character at byte " + std::to_string(at)));
    }
  }
  return {};
}

std::string KeyIdHex(std::uint32_t key_id) {
  char buf[9];
  std::snprintf(buf, sizeof(buf), "%08x", key_id);
  return buf;
}

std::string SignatureLine(const NoteSignature& s) {
  Bytes blob = {static_cast<std::uint8_t>(s.key_id >> 24),
                static_cast<std::uint8_t>(s.key_id >> 16), static_cast<std::uint8_t>(s.key_id >> 8),
                static_cast<std::uint8_t>(s.key_id)};
  blob.insert(blob.end(), s.signature.begin(), s.signature.end());
  std::string line(kSignaturePrefix);
  line += s.key_name;
  line += ' ';
  line += Base64Encode(blob);
  line += '\n';
  return line;
}

Result<NoteSignature> ParseSignatureLine(std::string_view line, std::size_t number) {
  const std::string where = "signature line " + std::to_string(number);
  if (!line.starts_with(kSignaturePrefix)) {
    return tl::unexpected(Malformed(where + " does not start with an em dash and a space"));
  }
  line.remove_prefix(kSignaturePrefix.size());
  const std::size_t space = line.find(' ');
  if (space == std::string_view::npos) {
    return tl::unexpected(Malformed(where + " has no space between key name and signature"));
  }
  const std::string_view name = line.substr(0, space);
  if (!IsValidNoteKeyName(name))
    return tl::unexpected(Malformed(where + " has an invalid key name"));
  Result<Bytes> blob = Base64Decode(line.substr(space + 1));
  if (!blob) return tl::unexpected(Malformed(where + " has a signature that is not base64"));
  if (blob->size() <= kKeyIdBytes) {
    return tl::unexpected(Malformed(where + " has a signature shorter than 5 bytes"));
  }
  const Bytes& b = *blob;
  NoteSignature sig;
  sig.key_name = std::string(name);
  sig.key_id = (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) |
               (std::uint32_t{b[2]} << 8) | std::uint32_t{b[3]};
  sig.signature.assign(b.begin() + kKeyIdBytes, b.end());
  return sig;
}

}  // namespace

bool IsValidNoteKeyName(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size();) {
    const std::optional<char32_t> c = NextCodePoint(name, i);
    if (!c || *c == '+' || IsUnicodeSpace(*c)) return false;
  }
  return true;
}

std::uint32_t NoteKeyId(std::string_view name, NoteKeyType type, const Ed25519PublicKey& key) {
  Sha256Hasher hasher;
  hasher.Update(AsBytes(name));
  const std::uint8_t separator[2] = {'\n', static_cast<std::uint8_t>(type)};
  hasher.Update(separator);
  hasher.Update(key.bytes);
  const Digest32 h = hasher.Finish();
  return (std::uint32_t{h[0]} << 24) | (std::uint32_t{h[1]} << 16) | (std::uint32_t{h[2]} << 8) |
         std::uint32_t{h[3]};
}

Result<NoteVerifierKey> MakeNoteVerifierKey(std::string name, NoteKeyType type,
                                            const Ed25519PublicKey& key) {
  if (!IsValidNoteKeyName(name)) {
    return Fail(ErrorCode::kInvalidArgument, "invalid note key name \"" + name + "\"");
  }
  const std::uint32_t id = NoteKeyId(name, type, key);
  return NoteVerifierKey{std::move(name), type, key, id};
}

Result<NoteVerifierKey> ParseNoteVerifierKey(std::string_view text) {
  const auto bad = [](std::string why) {
    return Fail(ErrorCode::kInvalidArgument, "malformed note verifier key: " + std::move(why));
  };
  const std::size_t plus1 = text.find('+');
  const std::size_t plus2 = plus1 == std::string_view::npos ? plus1 : text.find('+', plus1 + 1);
  if (plus2 == std::string_view::npos) return bad("want <name>+<key id>+<key>");
  const std::string_view name = text.substr(0, plus1);
  const std::string_view id_hex = text.substr(plus1 + 1, plus2 - plus1 - 1);
  const std::string_view key_b64 = text.substr(plus2 + 1);
  if (!IsValidNoteKeyName(name)) return bad("invalid key name");
  Result<Bytes> id = HexDecode(id_hex);
  if (id_hex.size() != 8 || !id) return bad("key id is not 8 hex digits");
  Result<Bytes> key = Base64Decode(key_b64);
  if (!key) return bad("key is not base64");
  if (key->size() != 1 + sizeof(Ed25519PublicKey::bytes)) {
    return bad("key is not a type byte and 32 bytes");
  }
  const std::uint8_t type_byte = (*key)[0];
  if (type_byte != static_cast<std::uint8_t>(NoteKeyType::kEd25519) &&
      type_byte != static_cast<std::uint8_t>(NoteKeyType::kCosignatureV1)) {
    return bad("unsupported signature type " + std::to_string(type_byte));
  }
  Result<Ed25519PublicKey> public_key = ParsePublicKey(ByteView(*key).subspan(1));
  if (!public_key) return bad(public_key.error().message);
  Result<NoteVerifierKey> out =
      MakeNoteVerifierKey(std::string(name), static_cast<NoteKeyType>(type_byte), *public_key);
  if (!out) return out;
  const std::uint32_t given = (std::uint32_t{(*id)[0]} << 24) | (std::uint32_t{(*id)[1]} << 16) |
                              (std::uint32_t{(*id)[2]} << 8) | std::uint32_t{(*id)[3]};
  if (given != out->key_id) return bad("key id does not match the name and key");
  return out;
}

std::string FormatNoteVerifierKey(const NoteVerifierKey& key) {
  Bytes typed = {static_cast<std::uint8_t>(key.type)};
  typed.insert(typed.end(), key.public_key.bytes.begin(), key.public_key.bytes.end());
  return key.name + "+" + KeyIdHex(key.key_id) + "+" + Base64Encode(typed);
}

Result<Note> ParseNote(std::string_view message) {
  if (Result<void> ok = CheckNoteCharacters(message); !ok) return tl::unexpected(ok.error());
  const std::size_t split = message.rfind("\n\n");
  if (split == std::string_view::npos) {
    return tl::unexpected(Malformed("no blank line between text and signatures"));
  }
  Note note;
  note.text = std::string(message.substr(0, split + 1));
  std::string_view sigs = message.substr(split + 2);
  if (sigs.empty()) return tl::unexpected(Malformed("no signature lines"));
  if (sigs.back() != '\n') return tl::unexpected(Malformed("last signature line has no newline"));
  while (!sigs.empty()) {
    if (note.signatures.size() == kMaxNoteSignatures) {
      return Fail(ErrorCode::kTooLarge, "signed note has more than " +
                                            std::to_string(kMaxNoteSignatures) + " signatures");
    }
    const std::size_t eol = sigs.find('\n');
    Result<NoteSignature> sig = ParseSignatureLine(sigs.substr(0, eol), note.signatures.size() + 1);
    if (!sig) return tl::unexpected(sig.error());
    note.signatures.push_back(std::move(*sig));
    sigs.remove_prefix(eol + 1);
  }
  return note;
}

Result<std::string> FormatNote(const Note& note) {
  if (note.text.empty() || note.text.back() != '\n') {
    return tl::unexpected(Malformed("text does not end with a newline"));
  }
  if (note.signatures.empty()) return tl::unexpected(Malformed("no signature lines"));
  std::string out = note.text + "\n";
  for (const NoteSignature& s : note.signatures) {
    if (!IsValidNoteKeyName(s.key_name)) {
      return tl::unexpected(Malformed("invalid key name \"" + s.key_name + "\""));
    }
    if (s.signature.empty()) return tl::unexpected(Malformed("empty signature"));
    out += SignatureLine(s);
  }
  // One check of the whole: characters, size and signature count exactly as a reader sees them.
  if (Result<Note> back = ParseNote(out); !back) return tl::unexpected(back.error());
  return out;
}

NoteSigner::NoteSigner(NoteVerifierKey verifier_key, Ed25519KeyPair key)
    : verifier_key_(std::move(verifier_key)), key_(std::move(key)) {}

Result<NoteSigner> NoteSigner::Create(std::string name, Ed25519KeyPair key) {
  Result<NoteVerifierKey> vkey =
      MakeNoteVerifierKey(std::move(name), NoteKeyType::kEd25519, key.public_key());
  if (!vkey) return tl::unexpected(vkey.error());
  return NoteSigner(std::move(*vkey), std::move(key));
}

NoteSignature NoteSigner::Sign(std::string_view text) const {
  const Ed25519Signature sig = key_.Sign(AsBytes(text));
  return NoteSignature{verifier_key_.name, verifier_key_.key_id, Bytes(sig.begin(), sig.end())};
}

Result<std::string> SignNote(std::string_view text, const NoteSigner& signer) {
  if (Result<void> ok = CheckNoteCharacters(text); !ok) return tl::unexpected(ok.error());
  return FormatNote(Note{std::string(text), {signer.Sign(text)}});
}

Result<VerifiedNote> OpenNote(std::string_view message, std::span<const NoteVerifierKey> known) {
  for (std::size_t i = 0; i < known.size(); ++i) {
    if (known[i].type != NoteKeyType::kEd25519) {
      return Fail(ErrorCode::kInvalidArgument,
                  "known key " + known[i].name + " is not an Ed25519 note key");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (known[i].name == known[j].name && known[i].key_id == known[j].key_id) {
        return Fail(ErrorCode::kInvalidArgument,
                    "two known keys are named " + known[i].name + "+" + KeyIdHex(known[i].key_id));
      }
    }
  }
  Result<Note> note = ParseNote(message);
  if (!note) return tl::unexpected(note.error());

  VerifiedNote out;
  out.text = std::move(note->text);
  for (NoteSignature& sig : note->signatures) {
    const auto key = std::find_if(known.begin(), known.end(), [&](const NoteVerifierKey& k) {
      return k.name == sig.key_name && k.key_id == sig.key_id;
    });
    if (key == known.end()) {
      if (std::find(out.unknown.begin(), out.unknown.end(), sig) == out.unknown.end()) {
        out.unknown.push_back(std::move(sig));
      }
      continue;
    }
    const bool repeated = std::any_of(out.verified.begin(), out.verified.end(), [&](auto& v) {
      return v.key_name == sig.key_name && v.key_id == sig.key_id;
    });
    if (repeated) continue;
    if (!Ed25519Verify(key->public_key, AsBytes(out.text), sig.signature)) {
      return Fail(ErrorCode::kUnauthenticated,
                  "invalid signature by " + sig.key_name + "+" + KeyIdHex(sig.key_id));
    }
    out.verified.push_back(std::move(sig));
  }
  if (out.verified.empty()) {
    return Fail(ErrorCode::kUnauthenticated, "signed note has no signature by a known key");
  }
  return out;
}

}  // namespace simpul::crypto
