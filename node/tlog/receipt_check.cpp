#include "node/tlog/receipt_check.hpp"

#include <nlohmann/json.hpp>

#include "crypto/checkpoint.hpp"
#include "crypto/tlog_proof.hpp"
#include "federation/directory.hpp"
#include "federation/witness_protocol.hpp"
#include "node/store/log_leaves.hpp"

namespace simpul::tlog {
namespace {

using nlohmann::json;

Error Step(ErrorCode code, std::string_view step, const std::string& message) {
  return Error{code, std::string(step) + ": " + message};
}

Result<json> ParseObject(std::string_view text, std::string_view what) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Fail(ErrorCode::kInvalidArgument, std::string(what) + " is not a JSON object");
  }
  return doc;
}

// The witness cosignature among the note's other signature lines, checked with every key the
// directory gives the coordinator's witness.
Result<ReceiptCheck> FindCosignature(const crypto::VerifiedTlogProof& verified,
                                     const federation::Directory& directory, ReceiptCheck out) {
  const auto keys = federation::WitnessKeysFromDirectory(directory);
  for (const auto& line : verified.note.unknown) {
    for (const auto& key : keys) {
      if (line.key_name != key.name || line.key_id != key.key_id) continue;
      auto time = crypto::VerifyCosignature(key, verified.note.text, line);
      if (!time) {
        return tl::unexpected(
            Step(ErrorCode::kUnauthenticated, "witness cosignature", time.error().message));
      }
      out.witness = key.name;
      out.witnessed_at = time->time_since_epoch().count();
      return out;
    }
  }
  return tl::unexpected(Step(ErrorCode::kUnauthenticated, "witness cosignature",
                             "the checkpoint carries no cosignature by the coordinator's witness"));
}

}  // namespace

Result<service::SignedReceipt> ParseReceiptJson(std::string_view text) {
  auto doc = ParseObject(text, "the receipt");
  if (!doc) return tl::unexpected(doc.error());
  const json& r = doc->contains("receipt") ? (*doc)["receipt"] : *doc;
  if (!r.is_object() || !r.contains("payload_canonical") || !r.contains("signature") ||
      !r["payload_canonical"].is_string() || !r["signature"].is_string()) {
    return Fail(ErrorCode::kInvalidArgument,
                "the receipt needs \"payload_canonical\" and \"signature\" strings");
  }
  return service::SignedReceipt{r["payload_canonical"].get<std::string>(),
                                r["signature"].get<std::string>()};
}

Result<ReceiptBundle> ParseBundleJson(std::string_view text) {
  auto doc = ParseObject(text, "the proof bundle");
  if (!doc) return tl::unexpected(doc.error());
  const json& d = *doc;
  if (!d.contains("leaf_index") || !d["leaf_index"].is_number_integer() ||
      !d.contains("tlog_proof") || !d["tlog_proof"].is_string()) {
    return Fail(ErrorCode::kInvalidArgument,
                "the proof bundle needs \"leaf_index\" and \"tlog_proof\"");
  }
  if (!d.contains("directory") || !d["directory"].is_string()) {
    return Fail(ErrorCode::kInvalidArgument,
                "the proof bundle carries no directory: the node is not in a federation, so its "
                "receipts cannot be checked against a trust anchor");
  }
  return ReceiptBundle{d["leaf_index"].get<std::int64_t>(), d["tlog_proof"].get<std::string>(),
                       d["directory"].get<std::string>()};
}

Result<ReceiptCheck> CheckReceipt(const service::SignedReceipt& receipt,
                                  const ReceiptBundle& bundle,
                                  const federation::TrustAnchor& anchor) {
  auto directory = federation::ReopenDirectory(bundle.directory, anchor);
  if (!directory) {
    return tl::unexpected(Step(directory.error().code, "directory", directory.error().message));
  }
  auto payload = ParseObject(receipt.payload, "the receipt payload");
  if (!payload) return tl::unexpected(payload.error());
  ReceiptCheck out;
  try {
    out.node_id = payload->at("node").get<std::string>();
    out.tracking_id = payload->at("tracking_id").get<std::string>();
    out.leaf_index = payload->at("log_index").get<std::int64_t>();
  } catch (const json::exception&) {
    return Fail(ErrorCode::kInvalidArgument,
                "the receipt payload lacks node, tracking_id or "
                "log_index (receipts before schema 3 have no index)");
  }
  const std::string kid = payload->value("kid", "");
  const std::int64_t submitted_at = payload->value("submitted_at", std::int64_t{-1});
  auto key = directory->KeyFor(out.node_id, kid, federation::KeyUse::kMessage, submitted_at);
  if (!key) return tl::unexpected(Step(key.error().code, "receipt key", key.error().message));
  auto opened = service::VerifyIntakeReceipt(*key, receipt);
  if (!opened) {
    return tl::unexpected(
        Step(ErrorCode::kUnauthenticated, "receipt signature", opened.error().message));
  }
  auto proof = crypto::ParseTlogProof(bundle.tlog_proof);
  if (!proof) return tl::unexpected(Step(proof.error().code, "tlog proof", proof.error().message));
  if (static_cast<std::int64_t>(proof->index) != out.leaf_index) {
    return Fail(ErrorCode::kInvalidArgument,
                "leaf index: the receipt names leaf " + std::to_string(out.leaf_index) +
                    " but the proof is for leaf " + std::to_string(proof->index));
  }
  const std::string leaf =
      store::leaves::Intake(out.tracking_id, payload->value("commitment", ""), submitted_at);
  auto log_keys = federation::LogKeysFromDirectory(*directory, out.node_id);
  if (!log_keys)
    return tl::unexpected(Step(log_keys.error().code, "log keys", log_keys.error().message));
  auto verified = crypto::VerifyTlogProof(*proof, federation::LogOrigin(out.node_id),
                                          crypto::LeafHash(crypto::AsBytes(leaf)), *log_keys);
  if (!verified) {
    return tl::unexpected(
        Step(ErrorCode::kUnauthenticated, "inclusion proof", verified.error().message));
  }
  out.checkpoint_size = verified->checkpoint.size;
  out.directory_version = directory->version();
  return FindCosignature(*verified, *directory, std::move(out));
}

}  // namespace simpul::tlog
