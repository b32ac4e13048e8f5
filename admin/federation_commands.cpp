// simpulctl enroll, keys rotate and trust install: a member node's side of joining the federation
// and rotating its message key (DESIGN §3).
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <utility>

#include "admin/federation_support.hpp"
#include "crypto/bytes.hpp"
#include "crypto/durable_file.hpp"
#include "federation/trust_anchor.hpp"
#include "node/coord/own_entry.hpp"

namespace simpul::admin {
namespace {

namespace fs = std::filesystem;

int RunEnroll(const CommonOptions& common, const std::string& out) {
  Result<NodeConfig> config = LoadConfigOrExplain(common);
  if (!config) return Report(common, config.error(), 2);
  if (!config->federation.enabled()) {
    return Report(common,
                  {ErrorCode::kInvalidArgument,
                   "federation is not configured in " + common.config_path +
                       ": add a [federation] section (listen, endpoint, parent, regions) first"},
                  2);
  }
  Result<coord::OwnKeys> keys = coord::ReadOwnKeys(*config);
  if (!keys) return Report(common, keys.error());
  Result<std::string> request = coord::SignedEnrollment(*config, *keys, NowMs());
  if (!request) return Report(common, request.error(), 2);
  if (Result<void> written =
          crypto::WriteNewFileDurably(out, crypto::AsBytes(*request), 0644, "enrollment request");
      !written) {
    return Report(common, written.error());
  }
  nlohmann::json kids = nlohmann::json::array();
  for (const auto& [key, use] : {std::pair{&keys->msg, "msg"}, std::pair{&keys->log, "log"}}) {
    kids.push_back({{"kid", crypto::KeyId(key->public_key())}, {"use", use}});
  }
  if (keys->next_msg) {
    kids.push_back(
        {{"kid", crypto::KeyId(keys->next_msg->public_key())}, {"use", "msg"}, {"status", "next"}});
  }
  if (common.json) {
    std::cout << nlohmann::json{{"request", out},
                                {"node_id", config->node_id},
                                {"keys", kids},
                                {"tls_spki_sha256", keys->tls_spki_sha256}}
                     .dump(2)
              << "\n";
    return 0;
  }
  std::cout << "Enrollment request written to " << out << "\n  node id  " << config->node_id
            << "\n";
  for (const auto& kid : kids) {
    std::cout << "  key      " << kid["kid"].get<std::string>() << " ("
              << kid["use"].get<std::string>() << ")\n";
  }
  std::cout << "  TLS SPKI " << keys->tls_spki_sha256 << "\n"
            << "Send the file to the coordinator and read these values to them on the phone; "
               "they run `simpulctl directory add` (or `directory update` for a registered "
               "node).\n";
  return 0;
}

int RunKeysRotate(const CommonOptions& common) {
  Result<NodeConfig> config = LoadConfigOrExplain(common);
  if (!config) return Report(common, config.error(), 2);
  const fs::path path = coord::NextMessageKeyPath(*config);
  const crypto::Ed25519KeyPair key = crypto::Ed25519KeyPair::Generate();
  if (Result<void> written = crypto::WriteKeyFile(path, key); !written) {
    Error error = written.error();
    if (error.code == ErrorCode::kConflict) {
      error.message = "a rotation is already pending: " + path.string() +
                      " exists. Finish it (enroll, coordinator activates) before rotating again";
    }
    return Report(common, error);
  }
  const std::string kid = crypto::KeyId(key.public_key());
  if (common.json) {
    std::cout << nlohmann::json{{"kid", kid},
                                {"public_key", crypto::Base64Encode(key.public_key().bytes)},
                                {"key_file", path.string()}}
                     .dump(2)
              << "\n";
    return 0;
  }
  std::cout << "New message key " << kid << " written to " << path.string() << "\n"
            << "Next steps:\n"
            << "  1. simpulctl enroll --out request.json   (lists the new key as well)\n"
            << "  2. the coordinator runs `simpulctl directory update request.json`\n"
            << "  3. the coordinator runs `simpulctl directory activate-key " << config->node_id
            << " " << kid << "`\n";
  return 0;
}

int RunTrustInstall(const CommonOptions& common, const std::string& file, bool replace) {
  Result<NodeConfig> config = LoadConfigOrExplain(common);
  if (!config) return Report(common, config.error(), 2);
  Result<federation::TrustAnchor> anchor = federation::ReadTrustAnchor(file);
  if (!anchor) return Report(common, {anchor.error().code, file + ": " + anchor.error().message});
  const fs::path target = config->TrustAnchorPath();
  std::error_code ec;
  if (fs::exists(target, ec) && !replace) {
    return Report(
        common, {ErrorCode::kConflict, "a trust anchor is already installed at " + target.string() +
                                           "; pass --replace to replace it"});
  }
  // Written beside the target and renamed over it, so a crash leaves the old or the new anchor.
  const fs::path staged = target.string() + ".new";
  fs::remove(staged, ec);
  if (Result<void> written = federation::WriteTrustAnchor(staged, *anchor); !written) {
    return Report(common, written.error());
  }
  if (std::rename(staged.c_str(), target.c_str()) != 0) {
    return Report(common, {ErrorCode::kInternal, "cannot install " + target.string()});
  }
  (void)crypto::SyncDirectoryOf(target);
  const std::string fingerprint =
      federation::TrustAnchorFingerprint(federation::SerializeTrustAnchor(*anchor).value());
  if (common.json) {
    std::cout << nlohmann::json{{"trust_anchor", target.string()},
                                {"coordinator", anchor->coordinator},
                                {"directory_url", anchor->directory_url},
                                {"fingerprint", fingerprint}}
                     .dump(2)
              << "\n";
    return 0;
  }
  std::cout << "Trust anchor of " << anchor->coordinator << " installed at " << target.string()
            << "\n  directory   " << anchor->directory_url << "\n  fingerprint " << fingerprint
            << "\nCompare this with the fingerprint the coordinator gave you.\n";
  return 0;
}

}  // namespace

void AddFederationCommands(CLI::App& app, CommonOptions& common, Command& command) {
  auto out = std::make_shared<std::string>();
  auto* enroll = app.add_subcommand("enroll", "Write this node's signed enrollment request");
  enroll->add_option("--out", *out, "Request file to create (must not exist)")->required();
  enroll->callback([&, out] { command = [&, out] { return RunEnroll(common, *out); }; });

  CLI::App* keys = app.get_subcommand("keys");
  keys->add_subcommand("rotate", "Create the next message key (keys/msg.next.key)")->callback([&] {
    command = [&] { return RunKeysRotate(common); };
  });

  auto* trust = app.add_subcommand("trust", "The coordinator's trust anchor");
  trust->require_subcommand(1);
  auto file = std::make_shared<std::string>();
  auto replace = std::make_shared<bool>(false);
  auto* install = trust->add_subcommand("install", "Install the anchor the coordinator gave you");
  install->add_option("anchor", *file, "Trust anchor file")->required();
  install->add_flag("--replace", *replace, "Replace an installed anchor");
  install->callback([&, file, replace] {
    command = [&, file, replace] { return RunTrustInstall(common, *file, *replace); };
  });
}

}  // namespace simpul::admin
