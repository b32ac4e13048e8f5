// simpulctl backup, check and keys: operations on a node's files. Also the helpers every command
// shares.
#include <nlohmann/json.hpp>

#include <iostream>
#include <string>

#include "admin/commands.hpp"
#include "admin/progress_line.hpp"
#include "crypto/bytes.hpp"
#include "crypto/ed25519.hpp"
#include "crypto/secretbox.hpp"
#include "crypto/tls_identity.hpp"
#include "node/store/backup.hpp"
#include "node/store/restore.hpp"
#include "node/store/schema.hpp"

namespace simpul::admin {

Result<NodeConfig> LoadConfigOrExplain(const CommonOptions& common) {
  return LoadConfig(common.config_path);
}

int Report(const CommonOptions& common, const Error& error, int exit_code) {
  if (common.json) {
    std::cout << nlohmann::json{{"error",
                                 {{"code", ErrorCodeName(error.code)}, {"message", error.message}}}}
                     .dump()
              << "\n";
  } else {
    std::cerr << "simpulctl: " << error.message << "\n";
  }
  return exit_code;
}

std::string ReadSecretLine() {
  std::string line;
  std::getline(std::cin, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  return line;
}

namespace {

// Copies the live database to `out` with a progress line on stderr, then reports the verified
// copy.
int RunBackup(const CommonOptions& common, const std::string& out) {
  auto config = LoadConfigOrExplain(common);
  if (!config) return Report(common, config.error(), 2);
  Result<store::BackupReport> report;
  {
    ProgressLine progress("backup", "pages", !common.json);
    report = store::BackupDatabase(
        config->DatabasePath(), out,
        [&](std::int64_t done, std::int64_t total) { progress.Update(done, total); });
  }
  if (!report) return Report(common, report.error());
  if (common.json) {
    std::cout << nlohmann::json{{"backup", out},
                                {"pages", report->pages},
                                {"bytes", report->bytes},
                                {"integrity", "ok"}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << "backup written to " << out << " (" << report->bytes
              << " bytes, integrity ok). Attachments live in " << config->BlobDir().string()
              << "; copy that directory too.\n";
  }
  return 0;
}

// Checks an existing backup file as restore would, without a node: integrity, schema, counts.
int RunVerifyBackup(const CommonOptions& common, const std::string& file) {
  auto facts = store::InspectDatabaseFile(file);
  if (!facts) return Report(common, facts.error());
  const auto known = static_cast<std::int64_t>(store::SchemaMigrations().size());
  const bool restorable = facts->schema_version <= known;
  if (common.json) {
    std::cout << nlohmann::json{{"backup", file},
                                {"integrity", "ok"},
                                {"schema_version", facts->schema_version},
                                {"restorable", restorable},
                                {"bytes", facts->bytes},
                                {"cases", facts->cases},
                                {"case_events", facts->case_events},
                                {"users", facts->users}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << file << ": integrity ok, schema " << facts->schema_version << " (this build "
              << known << (restorable ? ", restorable" : ", too new to restore") << "), "
              << facts->cases << " cases, " << facts->case_events << " case events, "
              << facts->users << " users, " << facts->bytes << " bytes\n";
  }
  return restorable ? 0 : 1;
}

// Checks what an operator would check by hand: config valid, keys present and private,
// database intact and at a known schema version.
int RunCheck(const CommonOptions& common) {
  auto config = LoadConfigOrExplain(common);
  if (!config) return Report(common, config.error(), 2);
  nlohmann::json result = {{"config", "ok"}};
  int failures = 0;
  auto note = [&](const char* what, const Result<void>& r) {
    result[what] = r ? "ok" : r.error().message;
    if (!r) ++failures;
  };
  auto msg = crypto::ReadKeyFile(config->MessageKeyPath());
  note("message_key", msg ? Result<void>{} : Result<void>(tl::unexpected(msg.error())));
  auto data = crypto::ReadSecretKeyFile(config->DataKeyPath());
  note("data_key", data ? Result<void>{} : Result<void>(tl::unexpected(data.error())));
  auto log = crypto::ReadKeyFile(config->LogKeyPath());
  note("log_key", log ? Result<void>{} : Result<void>(tl::unexpected(log.error())));
  auto tls =
      crypto::TlsIdentity::ReadFiles(config->FederationCertPath(), config->FederationKeyPath());
  note("federation_tls", tls ? Result<void>{} : Result<void>(tl::unexpected(tls.error())));
  note("database", store::CheckIntegrity(config->DatabasePath()));
  if (common.json) {
    std::cout << result.dump(2) << "\n";
  } else {
    for (auto it = result.begin(); it != result.end(); ++it) {
      std::cout << it.key() << ": " << it.value().get<std::string>() << "\n";
    }
  }
  return failures == 0 ? 0 : 1;
}

int RunKeysShow(const CommonOptions& common) {
  auto config = LoadConfigOrExplain(common);
  if (!config) return Report(common, config.error(), 2);
  auto msg = crypto::ReadKeyFile(config->MessageKeyPath());
  if (!msg) return Report(common, msg.error());
  auto log = crypto::ReadKeyFile(config->LogKeyPath());
  if (!log) return Report(common, log.error());
  auto tls =
      crypto::TlsIdentity::ReadFiles(config->FederationCertPath(), config->FederationKeyPath());
  if (!tls) return Report(common, tls.error());
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& [use, pair] : {std::pair{"msg", &*msg}, std::pair{"log", &*log}}) {
    const auto& key = pair->public_key();
    keys.push_back({{"use", use},
                    {"kid", crypto::KeyId(key)},
                    {"public_key", crypto::Base64Encode(key.bytes)}});
  }
  if (common.json) {
    std::cout << nlohmann::json{{"node_id", config->node_id},
                                {"keys", keys},
                                {"tls_spki_sha256", tls->spki_sha256_hex()}}
                     .dump(2)
              << "\n";
  } else {
    for (const auto& k : keys) {
      std::cout << config->node_id << " " << k["use"].get<std::string>() << " "
                << k["kid"].get<std::string>() << " " << k["public_key"].get<std::string>() << "\n";
    }
    std::cout << config->node_id << " tls-spki-sha256 " << tls->spki_sha256_hex() << "\n";
  }
  return 0;
}

}  // namespace

void AddMaintenanceCommands(CLI::App& app, CommonOptions& common, Command& command) {
  auto out = std::make_shared<std::string>();
  auto verify = std::make_shared<std::string>();
  auto* backup = app.add_subcommand("backup", "Online, verified backup of the node database");
  backup->footer(
      "Safe while simpuld runs. Every copy is verified: PRAGMA integrity_check runs on it and a "
      "copy that fails is deleted (exit 1). --verify F checks an existing backup the same way, "
      "plus its schema version, and makes no copy.");
  auto* out_opt = backup->add_option("--out", *out, "Backup file to create (must not exist)");
  auto* verify_opt = backup->add_option(
      "--verify", *verify, "Check this existing backup file instead of making one (exit 1 if bad)");
  out_opt->excludes(verify_opt);
  backup->callback([&, out, verify, verify_opt] {
    if (verify_opt->count() > 0) {
      command = [&, verify] { return RunVerifyBackup(common, *verify); };
    } else if (out->empty()) {
      throw CLI::RequiredError("--out or --verify");
    } else {
      command = [&, out] { return RunBackup(common, *out); };
    }
  });

  auto* check = app.add_subcommand("check", "Check config, key files and database integrity");
  check->callback([&] { command = [&] { return RunCheck(common); }; });

  auto* keys = app.add_subcommand(
      "keys", "The node's keys: show, rotate; on a coordinator: activate, revoke a member's key");
  keys->require_subcommand(1);
  auto* show = keys->add_subcommand("show", "Print key ids and public keys");
  show->callback([&] { command = [&] { return RunKeysShow(common); }; });
}

}  // namespace simpul::admin
