#pragma once
// The signed envelope every federation message travels in (DESIGN §3), and how a sender seals
// one. Verification is in envelope_verify.hpp, stream ordering in envelope_stream.hpp.
//
//   EnvelopeDraft draft{.type = MessageType::kCaseDecline, .msg_id = crypto::NewUuidV7(now),
//                       .from = "kab:32.04", .to = "prov:32", .stream = "kab:32.04>prov:32",
//                       .seq = 7, .prev = hash_of_seq_6, .created_at = now,
//                       .dir_version = 12, .case_id = "KAB3204-000042",
//                       .body = R"({"reason":"bukan wewenang","suggested_node":"kl:pupr"})"};
//   Result<std::string> bytes = SealEnvelope(draft, message_key);  // what travels
//   Result<std::string> hash = EnvelopeHash(*bytes);                // the next envelope's prev
//
// An envelope is one object in the canonical JSON profile (crypto/canonical_json.hpp):
//   {"body":{...},"body_hash":hex,"created_at":ms,"dir_version":n,"from":id,"kid":hex,
//    "msg_id":uuidv7,"prev":hex|"","refs":{"case_id"?:id},"seq":n,"sig":base64,"stream":id,
//    "to":id,"type":name,"v":1}
// The signature covers kSignatureContext || canonical(envelope without "sig" and "body");
// "body_hash" (hex SHA-256 of canonical(body)) binds the body. So a body holding personal data
// can be erased (the "body" member removed) and the envelope still verifies.
// Thread-safe: all functions are pure.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/ed25519.hpp"
#include "crypto/result.hpp"
#include "federation/message_types.hpp"

namespace simpul::federation {

// An instant with the precision of `created_at`: Unix time in milliseconds.
using EnvelopeTime = std::chrono::sys_time<std::chrono::milliseconds>;

inline constexpr std::int64_t kEnvelopeVersion = 1;
inline constexpr std::size_t kMaxEnvelopeBytes = 256 * 1024;
// JSON nesting limit of a whole envelope; legitimate envelopes reach 4 (envelope, body, case,
// reporter).
inline constexpr int kMaxEnvelopeDepth = 8;
inline constexpr std::string_view kSignatureContext = "simpul/v1/envelope\n";

// What the sender chooses. SealEnvelope adds v, kid (from the key), body_hash and sig.
struct EnvelopeDraft {
  MessageType type = MessageType::kCaseForward;
  std::string msg_id;  // crypto::NewUuidV7(created_at)
  std::string from;    // this node's id
  std::string to;      // the receiving node's id
  std::string stream;  // the sender's ordered stream to `to` this message belongs to
  std::int64_t seq = 1;
  std::string prev;  // EnvelopeHash of the stream's envelope seq - 1; "" when seq is 1
  EnvelopeTime created_at{};
  std::int64_t dir_version = 0;  // the directory version the sender acts under
  std::string case_id;           // refs.case_id; "" for none
  std::string body;  // the body object as JSON text, any formatting; profile rules apply
};

// Seals `draft` with `key` (the sender's message key) into canonical envelope bytes. Checks what
// a receiver would: fails with kInvalidArgument naming the field (message "fields: ..." or
// "schema <type>: ..." as VerifyEnvelope words it) if a field breaks its rule or the body is not
// a profile-valid object of the type's schema, and with kTooLarge if the envelope would exceed
// kMaxEnvelopeBytes.
Result<std::string> SealEnvelope(const EnvelopeDraft& draft, const crypto::Ed25519KeyPair& key);

// The bytes the signature of envelope `bytes` covers: kSignatureContext followed by the canonical
// envelope without "sig" and "body". Fails with kInvalidArgument unless `bytes` is a canonical
// JSON object. Does not verify anything.
Result<std::string> EnvelopeSignedBytes(std::string_view bytes);

// The envelope's identity for `prev`, receipts (`for_hash`) and inbox deduplication: hex SHA-256
// of the canonical envelope without "body". It covers the signature and, through body_hash, the
// body, and it is the same before and after the body is erased, so hash chains and receipts stay
// checkable after erasure. Fails with kInvalidArgument unless `bytes` is a canonical JSON object.
Result<std::string> EnvelopeHash(std::string_view bytes);

// Envelope `bytes` with its body erased: the canonical envelope without "body". The signature
// still verifies (with VerifyContext::require_body false) and EnvelopeHash is unchanged. Fails
// with kInvalidArgument unless `bytes` is a canonical JSON object.
Result<std::string> EraseEnvelopeBody(std::string_view bytes);

}  // namespace simpul::federation
