#pragma once
// Offline verification of a citizen's intake receipt against the coordinator's trust anchor alone
// (DESIGN §4): what `simpulctl verify-receipt` and the portal's in-browser check do.
//
//   Result<ReceiptCheck> ok = CheckReceipt(receipt, bundle, anchor);
//
// The chain of trust, each link checked in this order:
//   1. the bundle's directory is signed by a trust-anchor key (expiry does not matter: a receipt
//      is checked against the directory that was in force when the proof was issued);
//   2. the receipt is signed by the filing node's message key named by its kid in that directory;
//   3. the intake leaf rebuilt from the receipt's tracking id, commitment and submission time sits
//      at the receipt's log index;
//   4. the inclusion proof leads to a checkpoint of log "simpul/<node>" signed by that node's log
//      key from the directory;
//   5. the checkpoint carries a valid cosignature of the coordinator's witness (its log key in
//      the directory).
// A receipt from a node outside any federation cannot be checked this way (no anchor, no witness).
// Pure; thread-safe.

#include <cstdint>
#include <string>

#include "crypto/result.hpp"
#include "federation/trust_anchor.hpp"
#include "node/service/receipt.hpp"

namespace simpul::tlog {

// The proof bundle as GET /api/v1/receipts/{tracking_id}/proof returns it (the JSON text).
struct ReceiptBundle {
  std::int64_t leaf_index = 0;
  std::string tlog_proof;
  std::string directory;  // signed directory bytes
};

struct ReceiptCheck {
  std::string node_id, tracking_id;
  std::int64_t leaf_index = 0;
  std::uint64_t checkpoint_size = 0;
  std::int64_t directory_version = 0;
  std::string witness;            // the key name of the witness whose cosignature verified
  std::int64_t witnessed_at = 0;  // the time that cosignature claims, Unix seconds
};

// Parses the JSON of a receipt ({"payload_canonical","signature"} as the submit response's
// "receipt" member, or the whole submit response) and of a proof bundle. Fail kInvalidArgument.
Result<service::SignedReceipt> ParseReceiptJson(std::string_view text);
Result<ReceiptBundle> ParseBundleJson(std::string_view text);

// Fails with kUnauthenticated (a signature or proof does not verify) or kInvalidArgument
// (malformed input, or the receipt and the proof disagree), the message naming the failed step.
Result<ReceiptCheck> CheckReceipt(const service::SignedReceipt& receipt,
                                  const ReceiptBundle& bundle,
                                  const federation::TrustAnchor& anchor);

}  // namespace simpul::tlog
