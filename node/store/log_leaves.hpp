#pragma once
// The leaves of a node's transparency log (DESIGN §4): one canonical-JSON object per logged
// event, holding ids and hashes only — never personal data or free text. Anyone can rebuild a leaf
// from what it is about: a citizen rebuilds the intake leaf from the fields of their signed
// receipt (tracking id, commitment, submission time) and checks its inclusion proof.
//
//   {"commitment":"<hex>","kind":"intake","submitted_at":<ms>,"tracking_id":"KAB3204-000001"}
//   {"action":"verify","at":<ms>,"event":"<sha256 hex>","kind":"event","tracking_id":"..."}
//   {"hash":"<envelope hash>","kind":"sent","msg_id":"...","seq":3,"to":"prov:32"}
//   {"from":"kab:32.04","hash":"<envelope hash>","kind":"received","msg_id":"...","seq":3}
//   {"for_msg_id":"...","kind":"receipt","receipt":"<sha256 hex of the receipt we issued>"}
//   {"kind":"delivered","receipt":"<sha256 hex of the receipt we got>","seq":3,"to":"prov:32"}
//   {"hash":"<sha256 hex of the signed directory>","kind":"directory","version":7}
//
// Pure functions; thread-safe.

#include <cstdint>
#include <string>
#include <string_view>

namespace simpul::store::leaves {

inline constexpr std::string_view kIntake = "intake";
inline constexpr std::string_view kEvent = "event";
inline constexpr std::string_view kSent = "sent";
inline constexpr std::string_view kReceived = "received";
inline constexpr std::string_view kReceipt = "receipt";
inline constexpr std::string_view kDelivered = "delivered";
inline constexpr std::string_view kDirectory = "directory";

std::string Intake(std::string_view tracking_id, std::string_view commitment_hex,
                   std::int64_t submitted_at_ms);
// `event_hex` is the SHA-256 of the whole event record (actor, reason, detail included), so the
// leaf commits to it without revealing it.
std::string Event(std::string_view tracking_id, std::string_view action, std::int64_t at_ms,
                  std::string_view event_hex);
std::string Sent(std::string_view msg_id, std::string_view to, std::int64_t seq,
                 std::string_view envelope_hash);
std::string Received(std::string_view msg_id, std::string_view from, std::int64_t seq,
                     std::string_view envelope_hash);
std::string Receipt(std::string_view for_msg_id, std::string_view receipt_bytes);
std::string Delivered(std::string_view to, std::int64_t seq, std::string_view receipt_bytes);
std::string Directory(std::int64_t version, std::string_view signed_bytes);

}  // namespace simpul::store::leaves
