#include "federation/enrollment.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "crypto/bytes.hpp"
#include "crypto/canonical_json.hpp"
#include "federation/directory_fields.hpp"

namespace simpul::federation {
namespace {

using internal::ElementPath;
using internal::FieldError;
using internal::ObjectReader;
using nlohmann::json;

// signed form (1) > enrollment (2) > keys (3) > key (4).
constexpr int kMaxEnrollmentDepth = 6;
constexpr std::string_view kRoot = "enrollment";

struct Proof {
  std::string kid;
  crypto::Bytes sig;
  std::string path;  // "proofs[1]"
};

std::string SignedMessage(std::string_view canonical_enrollment) {
  return std::string(kEnrollmentSignaturePrefix) + std::string(canonical_enrollment);
}

json EnrollmentToJson(const EnrollmentRequest& request) {
  json keys = json::array();
  for (const EnrollmentKey& key : request.keys) {
    keys.push_back({{"kid", key.kid},
                    {"public_key", crypto::Base64Encode(key.public_key.bytes)},
                    {"use", Name(key.use)}});
  }
  return {{"categories", request.jurisdiction.categories},
          {"class", Name(request.node_class)},
          {"created_at", request.created_at},
          {"endpoint", request.endpoint},
          {"id", request.id},
          {"keys", std::move(keys)},
          {"name", request.name},
          {"parent", request.parent},
          {"regions", request.jurisdiction.regions},
          {"tls_spki_sha256", request.tls_spki_sha256}};
}

// Reads string member `key` and maps it with `named`, recording "must be one of `choices`".
template <class E>
E ReadNamed(ObjectReader& reader, std::string_view key, std::optional<E> (*named)(std::string_view),
            std::string_view choices) {
  const std::string name = reader.String(key);
  if (!reader.ok()) return E{};
  const std::optional<E> value = named(name);
  if (!value)
    reader.Check(FieldError(reader.PathOf(key), "must be one of " + std::string(choices)));
  return value.value_or(E{});
}

EnrollmentKey ReadKey(const json& value, const std::string& path, ObjectReader& parent) {
  ObjectReader reader(value, path);
  EnrollmentKey key;
  key.kid = reader.String("kid");
  const std::string public_key = reader.String("public_key");
  key.use = ReadNamed(reader, "use", &KeyUseNamed, "msg, log");
  if (reader.ok()) {
    Result<crypto::Ed25519PublicKey> parsed = internal::ParseKeyWithId(path, key.kid, public_key);
    if (parsed) key.public_key = *parsed;
    reader.Check(parsed ? Result<void>{} : tl::unexpected(parsed.error()));
  }
  parent.Check(reader.Finish());
  return key;
}

Result<EnrollmentRequest> ReadEnrollment(const json& value) {
  ObjectReader reader(value, std::string(kRoot));
  EnrollmentRequest request;
  request.jurisdiction.categories = reader.StringArray("categories");
  request.node_class = ReadNamed(reader, "class", &NodeClassNamed,
                                 "ministry, agency, province, regency, city, coordinator");
  request.created_at = reader.Int("created_at");
  request.endpoint = reader.String("endpoint");
  request.id = reader.String("id");
  for (const auto& [element, path] : reader.Elements("keys")) {
    request.keys.push_back(ReadKey(*element, path, reader));
  }
  request.name = reader.String("name");
  request.parent = reader.String("parent");
  request.jurisdiction.regions = reader.StringArray("regions");
  request.tls_spki_sha256 = reader.String("tls_spki_sha256");
  if (Result<void> done = reader.Finish(); !done) return tl::unexpected(done.error());
  return request;
}

Result<std::vector<Proof>> ReadProofs(const json& value) {
  if (!value.is_array()) return FieldError("proofs", "must be an array");
  std::vector<Proof> proofs;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string path = ElementPath("proofs", i);
    ObjectReader reader(value[i], path);
    Proof proof{reader.String("kid"), {}, path};
    const std::string sig = reader.String("sig");
    if (Result<void> done = reader.Finish(); !done) return tl::unexpected(done.error());
    Result<crypto::Bytes> decoded = crypto::Base64Decode(sig);
    if (!decoded || decoded->size() != 64) {
      return FieldError(path + ".sig", "must be the base64 of a 64-byte signature");
    }
    proof.sig = std::move(*decoded);
    proofs.push_back(std::move(proof));
  }
  return proofs;
}

// The top level holds exactly "enrollment" and "proofs".
Result<void> CheckTopLevel(const json& value) {
  if (!value.is_object()) return FieldError("enrollment_request", "must be an object");
  for (const auto& [key, member] : value.items()) {
    if (key != "enrollment" && key != "proofs") return FieldError(key, "unknown field");
  }
  for (const char* key : {"enrollment", "proofs"}) {
    if (!value.contains(key)) return FieldError(key, "missing");
  }
  return {};
}

// Steps 4 and 5 of VerifyEnrollment.
Result<void> CheckRequest(const EnrollmentRequest& request) {
  const NodeEntry entry = EnrolledNodeEntry(request, KeyStatus::kActive, 0);
  if (Result<void> ok = ValidateNodeEntry(entry, kRoot); !ok) {
    // The request carries regions and categories at the top level, not under "jurisdiction".
    constexpr std::string_view kNested = "enrollment.jurisdiction.";
    Error error = ok.error();
    if (error.message.starts_with(kNested)) {
      error.message = std::string(kRoot) + "." + error.message.substr(kNested.size());
    }
    return tl::unexpected(std::move(error));
  }
  const std::string keys_path = std::string(kRoot) + ".keys";
  if (request.keys.empty() || request.keys.size() > kMaxEnrollmentKeys) {
    return FieldError(keys_path, "must list 1 to " + std::to_string(kMaxEnrollmentKeys) + " keys");
  }
  std::set<std::string_view> kids;
  bool has_msg = false;
  bool has_log = false;
  for (std::size_t i = 0; i < request.keys.size(); ++i) {
    const EnrollmentKey& key = request.keys[i];
    const std::string path = ElementPath(keys_path, i);
    if (key.kid != crypto::KeyId(key.public_key)) {
      return FieldError(path + ".kid", "must be the KeyId of public_key");
    }
    if (!kids.insert(key.kid).second) return FieldError(path + ".kid", "duplicate kid " + key.kid);
    has_msg = has_msg || key.use == KeyUse::kMessage;
    has_log = has_log || key.use == KeyUse::kLog;
  }
  if (!has_msg || !has_log) {
    return FieldError(keys_path, "must hold at least one msg key and one log key");
  }
  return {};
}

// Step 6: one proof per listed key and none for another kid.
Result<void> CheckProofCoverage(const EnrollmentRequest& request,
                                const std::vector<Proof>& proofs) {
  std::set<std::string_view> proven;
  for (const Proof& proof : proofs) {
    const bool listed = std::any_of(request.keys.begin(), request.keys.end(),
                                    [&](const EnrollmentKey& k) { return k.kid == proof.kid; });
    if (!listed) {
      return FieldError(proof.path + ".kid", "proof for kid \"" + internal::Printable(proof.kid) +
                                                 "\", which enrollment.keys does not list");
    }
    if (!proven.insert(proof.kid).second) {
      return FieldError(proof.path + ".kid", "a second proof for kid " + proof.kid);
    }
  }
  for (std::size_t i = 0; i < request.keys.size(); ++i) {
    if (!proven.contains(request.keys[i].kid)) {
      return FieldError(ElementPath(std::string(kRoot) + ".keys", i),
                        "no proof of possession for kid " + request.keys[i].kid);
    }
  }
  return {};
}

// Step 7.
Result<void> CheckProofs(const EnrollmentRequest& request, const std::vector<Proof>& proofs,
                         std::string_view canonical_enrollment) {
  const std::string message = SignedMessage(canonical_enrollment);
  for (const Proof& proof : proofs) {
    const auto key = std::find_if(request.keys.begin(), request.keys.end(),
                                  [&](const EnrollmentKey& k) { return k.kid == proof.kid; });
    if (!crypto::Ed25519Verify(key->public_key, crypto::AsBytes(message), proof.sig)) {
      return Fail(ErrorCode::kUnauthenticated,
                  "proof of possession failed for kid " + proof.kid +
                      ": the request was altered after signing or not signed with that key");
    }
  }
  return {};
}

// Step 8.
Result<void> CheckCreatedAt(std::int64_t created_at, std::int64_t now_ms) {
  const std::string path = std::string(kRoot) + ".created_at";
  if (created_at > now_ms + kEnrollmentMaxFutureMs) {
    return FieldError(path, "lies more than 5 minutes in the future (" +
                                std::to_string(created_at) + ", now " + std::to_string(now_ms) +
                                "); check the clocks");
  }
  if (created_at < now_ms - kEnrollmentMaxAgeMs) {
    return FieldError(path,
                      "the request is older than 30 days; make a new one with "
                      "`simpulctl enroll`");
  }
  return {};
}

}  // namespace

NodeEntry EnrolledNodeEntry(const EnrollmentRequest& request, KeyStatus status,
                            std::int64_t not_before) {
  NodeEntry entry{request.id,           request.name,     request.node_class,      request.parent,
                  request.jurisdiction, request.endpoint, request.tls_spki_sha256, {}};
  for (const EnrollmentKey& key : request.keys) {
    entry.keys.push_back(NodeKey{key.kid, key.use, key.public_key, status, not_before, 0, 0});
  }
  return entry;
}

Result<std::string> SignEnrollment(const EnrollmentRequest& request,
                                   std::span<const crypto::Ed25519KeyPair* const> keys) {
  if (Result<void> ok = CheckRequest(request); !ok) return tl::unexpected(ok.error());
  if (keys.size() != request.keys.size()) {
    return Fail(
        ErrorCode::kInvalidArgument,
        "sign with exactly the " + std::to_string(request.keys.size()) + " keys the request lists");
  }
  const json enrollment = EnrollmentToJson(request);
  Result<std::string> canonical = crypto::Canonicalize(enrollment, kMaxEnrollmentDepth);
  if (!canonical) return canonical;
  const std::string message = SignedMessage(*canonical);
  json proofs = json::array();
  for (const EnrollmentKey& listed : request.keys) {
    const auto pair = std::find_if(keys.begin(), keys.end(), [&](const crypto::Ed25519KeyPair* k) {
      return k->public_key() == listed.public_key;
    });
    if (pair == keys.end()) {
      return Fail(ErrorCode::kInvalidArgument, "no private key given for kid " + listed.kid);
    }
    proofs.push_back({{"kid", listed.kid},
                      {"sig", crypto::Base64Encode((*pair)->Sign(crypto::AsBytes(message)))}});
  }
  return crypto::Canonicalize({{"enrollment", enrollment}, {"proofs", std::move(proofs)}},
                              kMaxEnrollmentDepth);
}

Result<EnrollmentRequest> VerifyEnrollment(std::string_view bytes, std::int64_t now_ms) {
  if (bytes.size() > kMaxEnrollmentBytes) {
    return Fail(ErrorCode::kTooLarge, "enrollment request is " + std::to_string(bytes.size()) +
                                          " bytes, over the limit of " +
                                          std::to_string(kMaxEnrollmentBytes));
  }
  Result<json> value = crypto::ParseCanonical(bytes, kMaxEnrollmentDepth);
  if (!value) {
    return Fail(ErrorCode::kInvalidArgument,
                "enrollment request is not canonical JSON: " + value.error().message);
  }
  if (Result<void> ok = CheckTopLevel(*value); !ok) return tl::unexpected(ok.error());
  const json& enrollment = (*value)["enrollment"];
  Result<EnrollmentRequest> request = ReadEnrollment(enrollment);
  if (!request) return request;
  Result<std::vector<Proof>> proofs = ReadProofs((*value)["proofs"]);
  if (!proofs) return tl::unexpected(proofs.error());
  Result<std::string> canonical = crypto::Canonicalize(enrollment, kMaxEnrollmentDepth);
  if (!canonical) return tl::unexpected(canonical.error());
  for (Result<void> ok : {CheckRequest(*request), CheckProofCoverage(*request, *proofs)}) {
    if (!ok) return tl::unexpected(ok.error());
  }
  if (Result<void> ok = CheckProofs(*request, *proofs, *canonical); !ok) {
    return tl::unexpected(ok.error());
  }
  if (Result<void> ok = CheckCreatedAt(request->created_at, now_ms); !ok) {
    return tl::unexpected(ok.error());
  }
  return request;
}

}  // namespace simpul::federation
