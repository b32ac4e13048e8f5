#include "federation/directory.hpp"

#include <algorithm>
#include <cassert>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "crypto/bytes.hpp"
#include "crypto/canonical_json.hpp"
#include "crypto/hash.hpp"
#include "federation/directory_fields.hpp"

namespace simpul::federation {
namespace {

using nlohmann::json;

// signed form (1) > directory (2) > nodes (3) > node (4) > jurisdiction or keys (5) > 6.
constexpr int kMaxDirectoryDepth = 8;

struct DirectorySignature {
  std::string kid;
  crypto::Bytes sig;
};

std::string SignedMessage(std::string_view canonical_document) {
  return std::string(kDirectorySignaturePrefix) + std::string(canonical_document);
}

// The "signatures" member of the signed form: a non-empty array of {kid, sig}, sig the base64 of
// 64 bytes, kids unique. Fails with kInvalidArgument naming the field.
Result<std::vector<DirectorySignature>> ReadSignatures(internal::ObjectReader& signed_form) {
  std::vector<DirectorySignature> signatures;
  for (const auto& [element, path] : signed_form.Elements("signatures")) {
    internal::ObjectReader reader(*element, path);
    DirectorySignature signature{reader.String("kid"), {}};
    const std::string sig = reader.String("sig");
    if (Result<void> done = reader.Finish(); !done) return tl::unexpected(done.error());
    Result<crypto::Bytes> decoded = crypto::Base64Decode(sig);
    if (!decoded || decoded->size() != 64) {
      return internal::FieldError(path + ".sig", "must be the base64 of a 64-byte signature");
    }
    for (const DirectorySignature& earlier : signatures) {
      if (earlier.kid == signature.kid) return internal::FieldError(path + ".kid", "duplicate kid");
    }
    signature.sig = std::move(*decoded);
    signatures.push_back(std::move(signature));
  }
  if (Result<void> done = signed_form.Finish(); !done) return tl::unexpected(done.error());
  if (signatures.empty()) {
    return internal::FieldError(signed_form.PathOf("signatures"), "must not be empty");
  }
  return signatures;
}

// Requires a valid signature by some trust-anchor key and no invalid one by any anchor key.
Result<void> CheckSignatures(std::string_view canonical_document,
                             const std::vector<DirectorySignature>& signatures,
                             const TrustAnchor& anchor) {
  const std::string message = SignedMessage(canonical_document);
  bool anchored = false;
  std::string signers;
  for (const DirectorySignature& signature : signatures) {
    signers += (signers.empty() ? "" : ", ") + internal::Printable(signature.kid);
    const TrustAnchorKey* key = anchor.Find(signature.kid);
    if (key == nullptr) continue;
    if (!crypto::Ed25519Verify(key->public_key, crypto::AsBytes(message), signature.sig)) {
      return Fail(ErrorCode::kUnauthenticated,
                  "bad directory signature by trust-anchor key " + signature.kid);
    }
    anchored = true;
  }
  if (!anchored) {
    return Fail(ErrorCode::kUnauthenticated,
                "directory is not signed by any trust-anchor key (signed by " + signers + ")");
  }
  return {};
}

// Steps 5 and 6 of VerifyDirectory: `next` is the version right after `current`, chained to it.
Result<void> CheckSuccession(const Directory& next, const Directory& current) {
  const std::string have = std::to_string(current.version());
  const std::string got = std::to_string(next.version());
  if (next.version() < current.version()) {
    return Fail(ErrorCode::kConflict,
                "stale directory version " + got + ": version " + have + " is current");
  }
  if (next.version() == current.version()) {
    return Fail(ErrorCode::kConflict,
                next.Etag() == current.Etag()
                    ? "replayed directory version " + got + ": it is already current"
                    : "conflicting directory version " + got +
                          ": differs from the current directory of the same version");
  }
  if (next.version() != current.version() + 1) {
    return Fail(ErrorCode::kConflict, "directory version gap: have " + have + ", got " + got +
                                          "; fetch the versions between and verify the chain");
  }
  if (next.document().prev_hash != current.Etag()) {
    return Fail(ErrorCode::kConflict, "broken directory chain: prev_hash of version " + got +
                                          " is not the Etag of version " + have);
  }
  return {};
}

// Steps 7 and 8 of VerifyDirectory; step 7 only if `require_unexpired`.
Result<void> CheckFreshness(const Directory& directory, std::int64_t now_ms,
                            bool require_unexpired) {
  const DirectoryDocument& doc = directory.document();
  if (require_unexpired && directory.Expired(now_ms)) {
    return Fail(ErrorCode::kUnauthenticated, "directory version " + std::to_string(doc.version) +
                                                 " expired at " + std::to_string(doc.expires_at) +
                                                 " (now " + std::to_string(now_ms) + ")");
  }
  if (doc.issued_at - doc.policy.allowed_clock_skew_ms > now_ms) {
    return Fail(ErrorCode::kUnauthenticated,
                "directory version " + std::to_string(doc.version) + " is issued at " +
                    std::to_string(doc.issued_at) +
                    ", in the future beyond the allowed clock skew (now " + std::to_string(now_ms) +
                    ")");
  }
  return {};
}

// VerifyDirectory with step 7 only if `require_unexpired`.
Result<Directory> VerifyStep(std::string_view bytes, const TrustAnchor& anchor,
                             const Directory* current, std::int64_t now_ms,
                             bool require_unexpired) {
  Result<Directory> next = ReopenDirectory(bytes, anchor);
  if (!next) return next;
  if (current != nullptr) {
    if (Result<void> ok = CheckSuccession(*next, *current); !ok) return tl::unexpected(ok.error());
  }
  if (Result<void> ok = CheckFreshness(*next, now_ms, require_unexpired); !ok) {
    return tl::unexpected(ok.error());
  }
  return next;
}

}  // namespace

Directory::Directory(DirectoryDocument document, std::string signed_bytes)
    : document_(std::move(document)),
      signed_bytes_(std::move(signed_bytes)),
      etag_(crypto::Sha256Hex(crypto::AsBytes(signed_bytes_))) {
  for (std::size_t i = 0; i < document_.nodes.size(); ++i) {
    node_index_.emplace(document_.nodes[i].id, i);
  }
}

const NodeEntry* Directory::Find(std::string_view node_id) const {
  const auto it = node_index_.find(node_id);
  return it == node_index_.end() ? nullptr : &document_.nodes[it->second];
}

Result<crypto::Ed25519PublicKey> Directory::KeyFor(std::string_view node_id, std::string_view kid,
                                                   KeyUse use, std::int64_t at_ms) const {
  const NodeEntry* node = Find(node_id);
  if (node == nullptr) {
    return Fail(ErrorCode::kNotFound, "node " + std::string(node_id) + " is not in the directory");
  }
  const auto key = std::find_if(node->keys.begin(), node->keys.end(),
                                [&](const NodeKey& k) { return k.kid == kid; });
  if (key == node->keys.end()) {
    return Fail(ErrorCode::kNotFound,
                "node " + node->id + " has no key " + std::string(kid) + " in the directory");
  }
  const std::string which = "key " + key->kid + " of " + node->id;
  const auto denied = [&](std::string_view why) {
    return Fail(ErrorCode::kPermissionDenied, which + " " + std::string(why));
  };
  if (key->use != use) {
    return denied("is a " + std::string(Name(key->use)) + " key, not a " + std::string(Name(use)) +
                  " key");
  }
  if (key->status == KeyStatus::kRevoked && key->revoked_at <= at_ms) {
    return denied("was revoked at " + std::to_string(key->revoked_at));
  }
  // Honoured from not_before less the allowed clock skew: a node whose clock runs behind the
  // coordinator's (by less than every peer accepts) signs with a new key at times before the
  // not_before the coordinator stamped, and those envelopes and receipts must not be refused for
  // good. Expiry and revocation get no such leeway: it would lengthen a retired key's reach.
  if (at_ms + document_.policy.allowed_clock_skew_ms < key->not_before) {
    return denied("is not yet valid (not_before " + std::to_string(key->not_before) + ")");
  }
  if (key->not_after != 0 && at_ms >= key->not_after) {
    return denied("is expired (not_after " + std::to_string(key->not_after) + ")");
  }
  return key->public_key;
}

Result<std::string> SignDirectory(const DirectoryDocument& doc, const crypto::Ed25519KeyPair& key) {
  const crypto::Ed25519KeyPair* keys[] = {&key};
  return SignDirectory(doc, keys);
}

Result<std::string> SignDirectory(const DirectoryDocument& doc,
                                  std::span<const crypto::Ed25519KeyPair* const> keys) {
  if (keys.empty()) return Fail(ErrorCode::kInvalidArgument, "no key to sign the directory with");
  DirectoryDocument signed_doc = doc;
  if (signed_doc.expires_at == 0) {
    signed_doc.expires_at = signed_doc.issued_at + kDefaultDirectoryLifetimeMs;
  }
  if (Result<void> ok = ValidateDirectoryDocument(signed_doc); !ok) {
    return tl::unexpected(ok.error());
  }
  const json document = DirectoryDocumentToJson(signed_doc);
  Result<std::string> canonical = crypto::Canonicalize(document, kMaxDirectoryDepth);
  if (!canonical) return canonical;
  const std::string message = SignedMessage(*canonical);
  json signatures = json::array();
  std::set<std::string> kids;
  for (const crypto::Ed25519KeyPair* key : keys) {
    const std::string kid = crypto::KeyId(key->public_key());
    if (!kids.insert(kid).second) {
      return Fail(ErrorCode::kInvalidArgument, "key " + kid + " is given twice");
    }
    signatures.push_back(
        {{"kid", kid}, {"sig", crypto::Base64Encode(key->Sign(crypto::AsBytes(message)))}});
  }
  return crypto::Canonicalize({{"directory", document}, {"signatures", std::move(signatures)}},
                              kMaxDirectoryDepth);
}

Result<Directory> ReopenDirectory(std::string_view bytes, const TrustAnchor& anchor) {
  if (bytes.size() > kMaxDirectoryBytes) {
    return Fail(ErrorCode::kTooLarge, "directory is " + std::to_string(bytes.size()) +
                                          " bytes, over the limit of " +
                                          std::to_string(kMaxDirectoryBytes));
  }
  Result<json> signed_form = crypto::ParseCanonical(bytes, kMaxDirectoryDepth);
  if (!signed_form) {
    return Fail(ErrorCode::kInvalidArgument,
                "directory is not canonical JSON: " + signed_form.error().message);
  }
  internal::ObjectReader reader(*signed_form, "signed_directory");
  const json* document = reader.Object("directory");
  Result<std::vector<DirectorySignature>> signatures = ReadSignatures(reader);
  if (!signatures) return tl::unexpected(signatures.error());
  assert(document != nullptr);  // ReadSignatures succeeds only if the whole reader did
  Result<std::string> canonical = crypto::Canonicalize(*document, kMaxDirectoryDepth);
  if (!canonical) return tl::unexpected(canonical.error());
  if (Result<void> ok = CheckSignatures(*canonical, *signatures, anchor); !ok) {
    return tl::unexpected(ok.error());
  }
  Result<DirectoryDocument> parsed = DirectoryDocumentFromJson(*document);
  if (!parsed) return tl::unexpected(parsed.error());
  return Directory(std::move(*parsed), std::string(bytes));
}

Result<Directory> VerifyDirectory(std::string_view bytes, const TrustAnchor& anchor,
                                  std::optional<const Directory*> current, std::int64_t now_ms) {
  return VerifyStep(bytes, anchor, current.value_or(nullptr), now_ms, true);
}

Result<Directory> VerifyDirectoryChain(std::span<const std::string> versions,
                                       const TrustAnchor& anchor, const Directory& current,
                                       std::int64_t now_ms) {
  if (versions.empty()) return Fail(ErrorCode::kInvalidArgument, "no directory versions given");
  std::optional<Directory> previous;
  for (std::size_t i = 0; i < versions.size(); ++i) {
    const bool last = i + 1 == versions.size();
    Result<Directory> next =
        VerifyStep(versions[i], anchor, previous ? &*previous : &current, now_ms, last);
    if (!next) {
      Error error = next.error();
      error.message = "chain element " + std::to_string(i) + ": " + error.message;
      return tl::unexpected(std::move(error));
    }
    previous.emplace(std::move(*next));
  }
  return std::move(*previous);
}

}  // namespace simpul::federation
