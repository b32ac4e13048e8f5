#include "node/service/receipt.hpp"

#include <nlohmann/json.hpp>

#include "crypto/bytes.hpp"
#include "crypto/canonical_json.hpp"

namespace simpul::service {

Result<SignedReceipt> SignIntakeReceipt(const crypto::Ed25519KeyPair& key, std::string_view key_id,
                                        const IntakeFacts& facts) {
  nlohmann::json payload = {{"v", 1},
                            {"type", "receipt.intake"},
                            {"node", facts.node_id},
                            {"tracking_id", facts.tracking_id},
                            {"commitment", facts.commitment_hex},
                            {"submitted_at", facts.submitted_at.time_since_epoch().count()},
                            {"log_index", facts.log_index},
                            {"kid", key_id}};
  auto canonical = crypto::Canonicalize(payload);
  if (!canonical) return tl::unexpected(canonical.error());
  std::string signed_bytes = std::string(kReceiptDomain) + *canonical;
  auto sig = key.Sign(crypto::AsBytes(signed_bytes));
  return SignedReceipt{std::move(*canonical), crypto::Base64Encode(sig)};
}

Result<nlohmann::json> VerifyIntakeReceipt(const crypto::Ed25519PublicKey& key,
                                           const SignedReceipt& receipt) {
  auto payload = crypto::ParseCanonical(receipt.payload);
  if (!payload) {
    return Fail(ErrorCode::kInvalidArgument, "receipt payload: " + payload.error().message);
  }
  if (!payload->is_object() || payload->value("type", "") != "receipt.intake") {
    return Fail(ErrorCode::kInvalidArgument, "receipt payload is not a receipt.intake object");
  }
  auto sig = crypto::Base64Decode(receipt.signature);
  if (!sig) return Fail(ErrorCode::kInvalidArgument, "receipt signature is not base64");
  std::string signed_bytes = std::string(kReceiptDomain) + receipt.payload;
  if (!crypto::Ed25519Verify(key, crypto::AsBytes(signed_bytes), *sig)) {
    return Fail(ErrorCode::kInvalidArgument, "receipt signature does not verify");
  }
  return std::move(*payload);
}

}  // namespace simpul::service
