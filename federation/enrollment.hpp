#pragma once
// The enrollment request (DESIGN §3): what a node hands the coordinator, out of band, to join the
// federation or to announce a new key. It lists the node's identity, endpoint, TLS pin and public
// keys, and proves possession of every listed key by a signature with it:
//
//   Result<std::string> bytes = SignEnrollment(request, keys);    // the node, `simpulctl enroll`
//   Result<EnrollmentRequest> r = VerifyEnrollment(bytes, now);    // the coordinator
//
// Signed form, canonical JSON:
//   {"enrollment":{"categories":[..],"class":"regency","created_at":<ms>,"endpoint":"https://..",
//    "id":"kab:32.04","keys":[{"kid":..,"public_key":<base64>,"use":"msg"|"log"},..],"name":..,
//    "parent":"prov:32" or "","regions":[..],"tls_spki_sha256":<64 hex>},
//    "proofs":[{"kid":..,"sig":<base64>},..]}
// Each proof is the Ed25519 signature by key `kid` over
// "simpul/v1/enrollment\n" || canonical(<enrollment object>).
//
// Values are plain; functions are pure and thread-safe. Times are Unix milliseconds.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/ed25519.hpp"
#include "crypto/result.hpp"
#include "federation/directory_document.hpp"
#include "federation/key_resolver.hpp"

namespace simpul::federation {

// Largest enrollment request accepted.
inline constexpr std::size_t kMaxEnrollmentBytes = 64 * 1024;
// Domain separation prefix of proof-of-possession signatures.
inline constexpr std::string_view kEnrollmentSignaturePrefix = "simpul/v1/enrollment\n";
// A request may list this many keys at most.
inline constexpr std::size_t kMaxEnrollmentKeys = 4;
// How far created_at may lie ahead of the verifier's clock, and how old it may be.
inline constexpr std::int64_t kEnrollmentMaxFutureMs = 5LL * 60 * 1000;
inline constexpr std::int64_t kEnrollmentMaxAgeMs = 30LL * 24 * 60 * 60 * 1000;

// One public key the node asks to register. `kid` is crypto::KeyId(public_key).
struct EnrollmentKey {
  std::string kid;
  KeyUse use = KeyUse::kMessage;
  crypto::Ed25519PublicKey public_key;

  bool operator==(const EnrollmentKey&) const = default;
};

struct EnrollmentRequest {
  std::string id;  // "kab:32.04"
  std::string name;
  NodeClass node_class = NodeClass::kRegency;
  std::string parent;  // a node id or ""
  Jurisdiction jurisdiction;
  std::string endpoint;         // https URL of the node's federation listener
  std::string tls_spki_sha256;  // SPKI pin of its federation certificate
  std::vector<EnrollmentKey> keys;
  std::int64_t created_at = 0;

  bool operator==(const EnrollmentRequest&) const = default;
};

// The node entry a request describes, every key with `status` and not_before `not_before`.
NodeEntry EnrolledNodeEntry(const EnrollmentRequest& request, KeyStatus status,
                            std::int64_t not_before);

// Signs `request` with `keys`, which must be exactly the private halves of request.keys (any
// order). Returns the canonical signed bytes, proofs in the order of request.keys. Fails with
// kInvalidArgument, naming the field, if the request breaks a rule of VerifyEnrollment other than
// the time window, or if `keys` do not match request.keys.
Result<std::string> SignEnrollment(const EnrollmentRequest& request,
                                   std::span<const crypto::Ed25519KeyPair* const> keys);

// Verifies a received request, in this order, each failure with its own message:
//   1. size <= kMaxEnrollmentBytes                                       kTooLarge
//   2. strict canonical JSON                                             kInvalidArgument
//   3. fields and types ("enrollment.keys[1].kid: ..."), each kid the KeyId of its public_key,
//      each proof's sig the base64 of 64 bytes                           kInvalidArgument
//   4. the node entry rules of ValidateNodeEntry: id form, class matching the id prefix, name,
//      https endpoint, SPKI 64 lower-case hex, regions                   kInvalidArgument
//   5. 1..kMaxEnrollmentKeys keys, kids unique, at least one msg and one log key
//                                                                        kInvalidArgument
//   6. exactly one proof per listed key, none for another kid            kInvalidArgument
//   7. every proof verifies ("proof of possession failed for kid ...")   kUnauthenticated
//   8. created_at within [now_ms - 30 days, now_ms + 5 min]              kInvalidArgument
Result<EnrollmentRequest> VerifyEnrollment(std::string_view bytes, std::int64_t now_ms);

}  // namespace simpul::federation
