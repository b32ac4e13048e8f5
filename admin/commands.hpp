#pragma once
// simpulctl subcommands. Each Add*Commands registers its subcommands on the CLI; each command
// returns the process exit code: 0 success, 1 the operation failed, 2 bad usage or config.

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>

#include "crypto/result.hpp"
#include "node/config.hpp"

namespace simpul::admin {

// Options every command that works on an existing node shares.
struct CommonOptions {
  std::string config_path;
  bool json = false;
};

// The command to run once parsing is done (CLI11 callbacks only record it).
using Command = std::function<int()>;

void AddInitCommand(CLI::App& app, Command& command);
void AddAccountCommands(CLI::App& app, CommonOptions& common, Command& command);
void AddMaintenanceCommands(CLI::App& app, CommonOptions& common, Command& command);
void AddPeersCommand(CLI::App& app, CommonOptions& common, Command& command);
// enroll, keys rotate, trust install. Call after AddMaintenanceCommands (it adds `keys`).
void AddFederationCommands(CLI::App& app, CommonOptions& common, Command& command);
// directory add|update|remove|activate-key|revoke-key|list|publish|show|anchor (coordinator),
// and keys activate|revoke (the same key changes). Call after AddMaintenanceCommands.
void AddDirectoryCommands(CLI::App& app, CommonOptions& common, Command& command);
// open311 key add|list|revoke: API keys of the Open311 facade.
void AddOpen311Commands(CLI::App& app, CommonOptions& common, Command& command);
// restore --from F [--force]: a verified backup in place of a stopped node's database.
void AddRestoreCommand(CLI::App& app, CommonOptions& common, Command& command);
// status: identity, database, cases, log, federation and keys in one screen (read-only).
void AddStatusCommand(CLI::App& app, CommonOptions& common, Command& command);
// export --what cases|events --since T --format csv|json --out F (no reporter identity).
void AddExportCommand(CLI::App& app, CommonOptions& common, Command& command);
// verify-receipt: a citizen's receipt against the trust anchor alone (works without a node).
void AddReceiptCommand(CLI::App& app, CommonOptions& common, Command& command);

// Loads the config named by `common`, printing what to do on failure.
Result<NodeConfig> LoadConfigOrExplain(const CommonOptions& common);
// Prints `error` as "simpulctl: <message>" (or JSON with --json) and returns `exit_code`.
int Report(const CommonOptions& common, const Error& error, int exit_code = 1);
// Reads one line (a password) from standard input without echo handling (pipe it in).
std::string ReadSecretLine();

}  // namespace simpul::admin
