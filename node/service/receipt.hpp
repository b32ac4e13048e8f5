#pragma once
// The signed intake receipt a citizen gets when a complaint is lodged.
//
// The payload is a canonical-JSON object
//   {"commitment":"<sha256 hex>","kid":"<key id>","node":"kab:32.04","submitted_at":<ms>,
//    "tracking_id":"KAB3204-000001","type":"receipt.intake","v":1}
// signed with the node's Ed25519 message key over
//   "simpul/v1/receipt\n" || canonical(payload)
// so anyone with the node's public key can check it offline. `commitment` is the SHA-256 of the
// canonical complaint content plus a random salt (CaseCommitment), which binds the receipt to
// what was filed without revealing it.

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "crypto/ed25519.hpp"
#include "crypto/result.hpp"
#include "node/domain/time.hpp"

namespace simpul::service {

struct SignedReceipt {
  std::string payload;    // canonical JSON bytes
  std::string signature;  // base64 Ed25519 signature
};

inline constexpr std::string_view kReceiptDomain = "simpul/v1/receipt\n";

// `key_id` is crypto::KeyId(key.public_key()), passed in so it is computed once per node.
Result<SignedReceipt> SignIntakeReceipt(const crypto::Ed25519KeyPair& key, std::string_view key_id,
                                        std::string_view node_id, std::string_view tracking_id,
                                        std::string_view commitment_hex,
                                        domain::TimePoint submitted_at);

// Checks `receipt` against `key`: the payload must be canonical JSON of type receipt.intake and
// the signature valid. Fails kInvalidArgument naming what is wrong.
Result<nlohmann::json> VerifyIntakeReceipt(const crypto::Ed25519PublicKey& key,
                                           const SignedReceipt& receipt);

}  // namespace simpul::service
