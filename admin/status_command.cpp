// simpulctl status: one screen for the operator — identity, database, cases, the transparency
// log, federation backlog, directory and keys. Reads the database read-only, so it works with the
// node stopped or running.
#include <nlohmann/json.hpp>

#include <iostream>

#include "admin/commands.hpp"
#include "admin/federation_support.hpp"
#include "crypto/ed25519.hpp"
#include "crypto/tls_identity.hpp"
#include "node/store/connection.hpp"
#include "node/store/federation_store.hpp"
#include "node/store/schema.hpp"
#include "node/store/status_store.hpp"

namespace simpul::admin {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::int64_t FileBytes(const fs::path& p) {
  std::error_code ec;
  const auto n = fs::file_size(p, ec);
  return ec ? 0 : static_cast<std::int64_t>(n);
}

json MarkJson(const std::optional<store::CheckpointMark>& m) {
  if (!m) return nullptr;
  return {{"size", m->size}, {"at", IsoUtc(m->at_ms)}};
}

// The key ids from the node's key files; a missing or unreadable key shows its error instead.
json KeysJson(const NodeConfig& config) {
  json keys = json::object();
  for (const auto& [use, path] :
       {std::pair{"msg", config.MessageKeyPath()}, std::pair{"log", config.LogKeyPath()}}) {
    auto key = crypto::ReadKeyFile(path);
    keys[use] =
        key ? json(crypto::KeyId(key->public_key())) : json("error: " + key.error().message);
  }
  auto tls =
      crypto::TlsIdentity::ReadFiles(config.FederationCertPath(), config.FederationKeyPath());
  keys["tls_spki_sha256"] =
      tls ? json(tls->spki_sha256_hex()) : json("error: " + tls.error().message);
  return keys;
}

// The database's part of the status, read on one read-only connection.
Result<json> DatabaseJson(const NodeConfig& config, std::int64_t now) {
  auto conn = store::Connection::Open(config.DatabasePath(), store::OpenMode::kReadOnly);
  if (!conn) return tl::unexpected(conn.error());
  auto st = store::ReadStoreStatus(*conn, now);
  if (!st) return tl::unexpected(st.error());
  json by_state = json::object();
  std::int64_t total = 0;
  for (const auto& [state, n] : st->cases_by_state) {
    by_state[state] = n;
    total += n;
  }
  json out = {{"database",
               {{"path", config.DatabasePath().string()},
                {"bytes", FileBytes(config.DatabasePath()) +
                              FileBytes(config.DatabasePath().string() + "-wal")},
                {"schema_version", st->schema_version},
                {"build_schema_version", store::SchemaMigrations().size()}}},
              {"cases", {{"total", total}, {"by_state", by_state}, {"overdue", st->overdue}}},
              {"log",
               {{"size", st->log_size},
                {"latest_checkpoint", MarkJson(st->latest_checkpoint)},
                {"latest_witnessed", MarkJson(st->latest_witnessed)}}}};
  auto backlog = store::FederationStore::Backlog(*conn);
  if (!backlog) return tl::unexpected(backlog.error());
  json outbox = json::array();
  for (const auto& b : *backlog) {
    outbox.push_back({{"dest", b.dest}, {"pending", b.pending}, {"delivered", b.delivered}});
  }
  auto dir = store::FederationStore::LatestDirectory(*conn);
  if (!dir) return tl::unexpected(dir.error());
  json directory = nullptr;
  if (*dir) {
    const json signed_form = json::parse((*dir)->bytes, nullptr, false);
    const std::int64_t expires =
        signed_form.is_object() ? signed_form["directory"].value("expires_at", std::int64_t{0}) : 0;
    directory = {{"version", (*dir)->version},
                 {"expires_at", expires > 0 ? json(IsoUtc(expires)) : json(nullptr)},
                 {"expired", expires > 0 && now >= expires}};
  }
  out["federation"] = {
      {"enabled", config.federation.enabled()}, {"outbox", outbox}, {"directory", directory}};
  return out;
}

void PrintText(const json& s) {
  std::cout << "node       " << s["node_id"].get<std::string>() << " ("
            << s["class"].get<std::string>() << ", " << s["role"].get<std::string>() << ")\n"
            << "config     " << s["config"].get<std::string>() << "\n";
  const json& db = s["database"];
  std::cout << "database   " << db["path"].get<std::string>() << ", " << db["bytes"]
            << " bytes, schema " << db["schema_version"] << " (this build "
            << db["build_schema_version"] << ")\n";
  const json& cases = s["cases"];
  std::cout << "cases      " << cases["total"] << " total, " << cases["overdue"] << " overdue;";
  for (auto it = cases["by_state"].begin(); it != cases["by_state"].end(); ++it) {
    std::cout << " " << it.key() << " " << it.value();
  }
  const json& log = s["log"];
  auto mark = [](const json& m) {
    return m.is_null() ? std::string("none")
                       : "size " + m["size"].dump() + " at " + m["at"].get<std::string>();
  };
  std::cout << "\nlog        " << log["size"] << " leaves; checkpoint "
            << mark(log["latest_checkpoint"]) << "; witnessed " << mark(log["latest_witnessed"])
            << "\n";
  const json& fed = s["federation"];
  if (!fed["enabled"].get<bool>()) {
    std::cout << "federation off\n";
  } else {
    const json& dir = fed["directory"];
    std::cout << "directory  "
              << (dir.is_null() ? std::string("none yet (install the trust anchor)")
                                : "version " + dir["version"].dump() + ", expires " +
                                      dir["expires_at"].dump() +
                                      (dir["expired"].get<bool>() ? " EXPIRED" : ""))
              << "\n";
    for (const auto& o : fed["outbox"]) {
      std::cout << "outbox     " << o["dest"].get<std::string>() << ": " << o["pending"]
                << " pending, " << o["delivered"] << " delivered\n";
    }
  }
  for (auto it = s["keys"].begin(); it != s["keys"].end(); ++it) {
    std::cout << "key        " << it.key() << " " << it.value().get<std::string>() << "\n";
  }
}

int RunStatus(const CommonOptions& common) {
  auto config = LoadConfigOrExplain(common);
  if (!config) return Report(common, config.error(), 2);
  auto db = DatabaseJson(*config, NowMs());
  if (!db) return Report(common, db.error());
  json status = {{"node_id", config->node_id},
                 {"name", config->name},
                 {"class", std::string(Name(config->node_class))},
                 {"role", std::string(Name(config->role))},
                 {"config", common.config_path},
                 {"keys", KeysJson(*config)}};
  status.update(*db);
  if (common.json) {
    std::cout << status.dump(2) << "\n";
  } else {
    PrintText(status);
  }
  return 0;
}

}  // namespace

void AddStatusCommand(CLI::App& app, CommonOptions& common, Command& command) {
  app.add_subcommand("status", "Identity, database, cases, log, federation and keys at a glance")
      ->footer(
          "Cases by state and overdue, log size, latest checkpoint and witnessed size, outbox "
          "per peer, directory version and expiry, key ids. Reads the database read-only; works "
          "with the node stopped.")
      ->callback([&] { command = [&] { return RunStatus(common); }; });
}

}  // namespace simpul::admin
