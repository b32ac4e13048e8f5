#pragma once
// The signed intake receipt a citizen gets when a complaint is lodged.
//
// The payload is a canonical-JSON object
//   {"commitment":"<sha256 hex>","kid":"<key id>","log_index":41,"node":"kab:32.04",
//    "submitted_at":<ms>,"tracking_id":"KAB3204-000001","type":"receipt.intake","v":1}
// signed with the node's Ed25519 message key over
//   "simpul/v1/receipt\n" || canonical(payload)
// so anyone with the node's public key can check it offline. `commitment` is the SHA-256 of the
// canonical complaint content plus a random salt (CaseCommitment), which binds the receipt to
// what was filed without revealing it. `log_index` is the index of the complaint's intake leaf in
// the node's transparency log (store/log_leaves.hpp: the leaf is rebuilt from the receipt's
// tracking_id, commitment and submitted_at), so the receipt plus an inclusion proof under a
// witnessed checkpoint shows the complaint is still in the log.

#include <cstdint>
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

// What an intake receipt states.
struct IntakeFacts {
  std::string node_id, tracking_id, commitment_hex;
  domain::TimePoint submitted_at;
  std::int64_t log_index = 0;
};

// `key_id` is crypto::KeyId(key.public_key()), passed in so it is computed once per node.
Result<SignedReceipt> SignIntakeReceipt(const crypto::Ed25519KeyPair& key, std::string_view key_id,
                                        const IntakeFacts& facts);

// Checks `receipt` against `key`: the payload must be canonical JSON of type receipt.intake and
// the signature valid. Fails kInvalidArgument naming what is wrong.
Result<nlohmann::json> VerifyIntakeReceipt(const crypto::Ed25519PublicKey& key,
                                           const SignedReceipt& receipt);

}  // namespace simpul::service
