// simpulctl verify-receipt: checks a citizen's intake receipt offline, against the coordinator's
// trust anchor alone (node/tlog/receipt_check.hpp): the directory in the proof bundle, the
// receipt's signature, the inclusion proof of its intake leaf and the witness's cosignature.
#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

#include "admin/commands.hpp"
#include "federation/trust_anchor.hpp"
#include "node/tlog/receipt_check.hpp"

namespace simpul::admin {
namespace {

struct VerifyReceiptOptions {
  std::string receipt_path, proof_path, anchor_path;
};

Result<std::string> ReadWhole(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Fail(ErrorCode::kNotFound, std::string(what) + " " + path + " cannot be read");
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Exit 0 when the receipt verifies, 1 when it does not, 2 when the inputs cannot be read.
int RunVerifyReceipt(const CommonOptions& common, const VerifyReceiptOptions& o) {
  auto receipt_text = ReadWhole(o.receipt_path, "receipt");
  auto proof_text = ReadWhole(o.proof_path, "proof bundle");
  if (!receipt_text) return Report(common, receipt_text.error(), 2);
  if (!proof_text) return Report(common, proof_text.error(), 2);
  auto anchor = federation::ReadTrustAnchor(o.anchor_path);
  if (!anchor) {
    return Report(
        common,
        Error{anchor.error().code, "trust anchor " + o.anchor_path + ": " + anchor.error().message +
                                       " (get it from the coordinator and check its "
                                       "SHA-256 out of band)"},
        2);
  }
  auto receipt = tlog::ParseReceiptJson(*receipt_text);
  if (!receipt) return Report(common, receipt.error(), 2);
  auto bundle = tlog::ParseBundleJson(*proof_text);
  if (!bundle) return Report(common, bundle.error(), 2);
  auto checked = tlog::CheckReceipt(*receipt, *bundle, *anchor);
  if (!checked) {
    return Report(
        common, Error{checked.error().code, "receipt does NOT verify: " + checked.error().message});
  }
  if (common.json) {
    std::cout << nlohmann::json{{"valid", true},
                                {"node", checked->node_id},
                                {"tracking_id", checked->tracking_id},
                                {"leaf_index", checked->leaf_index},
                                {"checkpoint_size", checked->checkpoint_size},
                                {"directory_version", checked->directory_version},
                                {"witness", checked->witness},
                                {"witnessed_at", checked->witnessed_at}}
                     .dump()
              << "\n";
  } else {
    std::cout << "receipt verifies: complaint " << checked->tracking_id << " lodged at "
              << checked->node_id << " is leaf " << checked->leaf_index << " of a log of "
              << checked->checkpoint_size << " entries, cosigned by " << checked->witness
              << " (directory version " << checked->directory_version << ")\n";
  }
  return 0;
}

}  // namespace

void AddReceiptCommand(CLI::App& app, CommonOptions& common, Command& command) {
  auto options = std::make_shared<VerifyReceiptOptions>();
  CLI::App* verify = app.add_subcommand(
      "verify-receipt", "Check a complaint receipt offline against the coordinator's trust anchor");
  verify
      ->add_option("--receipt", options->receipt_path,
                   "The receipt JSON the node returned when the complaint was filed")
      ->required();
  verify
      ->add_option("--proof", options->proof_path,
                   "The proof bundle from GET /api/v1/receipts/<tracking id>/proof")
      ->required();
  verify
      ->add_option("--anchor", options->anchor_path,
                   "The coordinator's trust anchor JSON (as `simpulctl directory anchor` wrote)")
      ->required();
  verify->callback([options, &common, &command] {
    command = [options, &common] { return RunVerifyReceipt(common, *options); };
  });
}

}  // namespace simpul::admin
