#pragma once
// Verification of envelopes a node receives (DESIGN §3).
//
//   VerifyContext ctx{.keys = directory, .self_id = "prov:32", .tls_peer_id = peer_id,
//                     .now = floor<milliseconds>(clock.now())};
//   Result<VerifiedEnvelope> env = VerifyEnvelope(request_bytes, ctx);
//   if (!env) return tl::unexpected(env.error());  // e.g. kUnauthenticated "bad signature"
//
// Thread-safe if the KeyResolver is.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/result.hpp"
#include "federation/envelope.hpp"
#include "federation/key_resolver.hpp"
#include "federation/message_types.hpp"

namespace simpul::federation {

// What the receiver knows besides the bytes. Borrows everything; lives for one call.
struct VerifyContext {
  const KeyResolver& keys;       // the directory's view of node keys
  std::string_view self_id;      // this node's id; envelopes must be addressed to it
  std::string_view tls_peer_id;  // the node id the mutual-TLS peer certificate authenticated
  EnvelopeTime now;              // this node's clock
  // How far created_at may be ahead of `now` (the directory policy's allowed clock skew).
  // Envelopes from the past are accepted: the outbox may deliver days late.
  std::chrono::milliseconds max_clock_skew = std::chrono::minutes(5);
  // False only to re-verify a stored envelope whose body was erased (EraseEnvelopeBody).
  bool require_body = true;
};

// An envelope that passed VerifyEnvelope, with its members parsed.
struct VerifiedEnvelope {
  MessageType type = MessageType::kCaseForward;
  std::string msg_id;
  std::string from;
  std::string to;
  std::string stream;
  std::int64_t seq = 0;
  std::string prev;
  EnvelopeTime created_at{};
  std::int64_t dir_version = 0;
  std::string kid;
  std::string case_id;  // refs.case_id; "" when absent
  std::string body_hash;
  std::optional<std::string> body;  // canonical JSON of the body; nullopt when erased
  std::string bytes;                // the canonical envelope as received, for storage
  std::string hash;                 // EnvelopeHash(bytes)
};

// Verifies envelope `bytes` from the peer in `ctx`. The checks run in this fixed order and the
// first failure is returned; each message starts as shown, then gives details:
//   1. limits: size <= kMaxEnvelopeBytes      kTooLarge        "limits: ..."
//              nesting <= kMaxEnvelopeDepth    kInvalidArgument "limits: ..."
//   2. canonical profile parse                 kInvalidArgument "parse: ..."
//   3. bytes equal their re-serialisation      kInvalidArgument "not canonical: ..."
//   4. members, types, v == 1                  kInvalidArgument "fields: <member>: ..."
//   5. from == ctx.tls_peer_id                 kPermissionDenied "sender is not the TLS peer: ..."
//   6. to == ctx.self_id                       kPermissionDenied "recipient is not this node: ..."
//   7. created_at <= now + max_clock_skew      kInvalidArgument "clock skew: ..."
//   8. kid is a message key of `from` valid at created_at (KeyResolver::KeyFor)
//                                              the resolver's code (kNotFound for an unknown node
//                                              or kid, kPermissionDenied for a revoked, expired
//                                              or not yet valid key), "key: ..."
//   9. Ed25519 signature over the signed bytes kUnauthenticated "bad signature"
//  10. body_hash matches the body, if present  kUnauthenticated "body_hash mismatch"
//  11. refs and body schema of the type        kInvalidArgument "schema <type>: ..."
// Does not check stream order (StreamCursor) or whether the sender may send this type about
// this case (the inbox's business).
Result<VerifiedEnvelope> VerifyEnvelope(std::string_view bytes, const VerifyContext& ctx);

}  // namespace simpul::federation
