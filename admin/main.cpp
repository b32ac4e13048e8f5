// simpulctl: set up and administer a Simpul node. `simpulctl --help` lists the commands.
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>

#include "admin/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"simpulctl — set up and administer a Simpul complaint node"};
  app.require_subcommand(1);
  app.fallthrough();  // global options such as --json may follow the subcommand
  simpul::admin::CommonOptions common;
  if (const char* env = std::getenv("SIMPUL_CONFIG")) common.config_path = env;
  if (common.config_path.empty()) common.config_path = "/etc/simpul/simpul.toml";
  app.add_option("-c,--config", common.config_path,
                 "Node config file (default: $SIMPUL_CONFIG or /etc/simpul/simpul.toml)");
  app.add_flag("--json", common.json, "Print results as JSON");
  simpul::admin::Command command;
  ::umask(027);  // complaint data and keys are never world-readable
  simpul::admin::AddInitCommand(app, command);
  simpul::admin::AddAccountCommands(app, common, command);
  simpul::admin::AddMaintenanceCommands(app, common, command);
  simpul::admin::AddRestoreCommand(app, common, command);
  simpul::admin::AddStatusCommand(app, common, command);
  simpul::admin::AddExportCommand(app, common, command);
  simpul::admin::AddPeersCommand(app, common, command);
  simpul::admin::AddFederationCommands(app, common, command);
  simpul::admin::AddDirectoryCommands(app, common, command);
  simpul::admin::AddReceiptCommand(app, common, command);
  simpul::admin::AddOpen311Commands(app, common, command);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return command ? command() : 2;
}
