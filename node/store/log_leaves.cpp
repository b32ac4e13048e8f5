#include "node/store/log_leaves.hpp"

#include <nlohmann/json.hpp>

#include "crypto/bytes.hpp"
#include "crypto/canonical_json.hpp"
#include "crypto/hash.hpp"

namespace simpul::store::leaves {
namespace {

using nlohmann::json;

// Leaves hold only ASCII ids, hex and integers, so canonicalisation cannot fail; value() keeps
// that invariant loud if a caller ever breaks it.
std::string Canonical(const json& leaf) { return crypto::Canonicalize(leaf).value(); }

std::string Sha256Hex(std::string_view bytes) {
  return crypto::HexEncode(crypto::Sha256(crypto::AsBytes(bytes)));
}

}  // namespace

std::string Intake(std::string_view tracking_id, std::string_view commitment_hex,
                   std::int64_t submitted_at_ms) {
  return Canonical({{"kind", kIntake},
                    {"tracking_id", tracking_id},
                    {"commitment", commitment_hex},
                    {"submitted_at", submitted_at_ms}});
}

std::string Event(std::string_view tracking_id, std::string_view action, std::int64_t at_ms,
                  std::string_view event_hex) {
  return Canonical({{"kind", kEvent},
                    {"tracking_id", tracking_id},
                    {"action", action},
                    {"at", at_ms},
                    {"event", event_hex}});
}

std::string Sent(std::string_view msg_id, std::string_view to, std::int64_t seq,
                 std::string_view envelope_hash) {
  return Canonical(
      {{"kind", kSent}, {"msg_id", msg_id}, {"to", to}, {"seq", seq}, {"hash", envelope_hash}});
}

std::string Received(std::string_view msg_id, std::string_view from, std::int64_t seq,
                     std::string_view envelope_hash) {
  return Canonical({{"kind", kReceived},
                    {"msg_id", msg_id},
                    {"from", from},
                    {"seq", seq},
                    {"hash", envelope_hash}});
}

std::string Receipt(std::string_view for_msg_id, std::string_view receipt_bytes) {
  return Canonical(
      {{"kind", kReceipt}, {"for_msg_id", for_msg_id}, {"receipt", Sha256Hex(receipt_bytes)}});
}

std::string Delivered(std::string_view to, std::int64_t seq, std::string_view receipt_bytes) {
  return Canonical(
      {{"kind", kDelivered}, {"to", to}, {"seq", seq}, {"receipt", Sha256Hex(receipt_bytes)}});
}

std::string Directory(std::int64_t version, std::string_view signed_bytes) {
  return Canonical({{"kind", kDirectory}, {"version", version}, {"hash", Sha256Hex(signed_bytes)}});
}

}  // namespace simpul::store::leaves
