// simpulctl restore: put a verified backup in place of a STOPPED node's database.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <ctime>
#include <iostream>

#include "admin/commands.hpp"
#include "admin/progress_line.hpp"
#include "node/store/restore.hpp"
#include "node/store/schema.hpp"

namespace simpul::admin {
namespace {

struct RestoreOptions {
  std::string from;
  bool force = false;
};

// True if something accepts TCP connections on the node's HTTP port (a wildcard listen address
// is probed on loopback). Port 0 (chosen by the kernel at start) cannot be probed: false.
bool PortAnswers(const NodeConfig& config) {
  if (config.listen_port == 0) return false;
  std::string host = config.listen_address;
  if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(config.listen_port);
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) return false;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  const bool answered = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return answered;
}

std::string UtcStamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

nlohmann::json FactsJson(const store::DatabaseFacts& f) {
  return {{"schema_version", f.schema_version},
          {"bytes", f.bytes},
          {"cases", f.cases},
          {"case_events", f.case_events},
          {"users", f.users}};
}

// Checks that the node is stopped and the operator confirmed replacing an existing database,
// then restores. Exit 2 for a missing --force, 1 for every refusal or failure.
int RunRestore(const CommonOptions& common, const RestoreOptions& options) {
  auto config = LoadConfigOrExplain(common);
  if (!config) return Report(common, config.error(), 2);
  const auto db = config->DatabasePath();
  if (PortAnswers(*config)) {
    return Report(common, Error{ErrorCode::kUnavailable, "the node answers on port " +
                                                             std::to_string(config->listen_port) +
                                                             "; stop simpuld before restoring"});
  }
  std::error_code ec;
  if (std::filesystem::exists(db, ec) && !options.force) {
    return Report(common,
                  Error{ErrorCode::kInvalidArgument,
                        db.string() + " exists; pass --force to replace it (it is kept as " +
                            db.filename().string() + ".before-restore-<time>)"},
                  2);
  }
  const auto known = static_cast<std::int64_t>(store::SchemaMigrations().size());
  Result<store::RestoreReport> report;
  {
    ProgressLine progress("restore", "pages", !common.json);
    report = store::RestoreDatabase(
        options.from, db, known, UtcStamp(),
        [&](std::int64_t done, std::int64_t total) { progress.Update(done, total); });
  }
  if (!report) return Report(common, report.error());
  if (common.json) {
    std::cout << nlohmann::json{{"restored_from", options.from},
                                {"database", db.string()},
                                {"kept_as", report->kept_as.string()},
                                {"restored", FactsJson(report->restored)}}
                     .dump(2)
              << "\n";
    return 0;
  }
  const auto& f = report->restored;
  std::cout << "restored " << db.string() << " from " << options.from << ": " << f.cases
            << " cases, " << f.case_events << " case events, " << f.users << " users, schema "
            << f.schema_version
            << (f.schema_version < known
                    ? " (older than this build's; simpuld migrates it on start)"
                    : "")
            << ", " << f.bytes << " bytes, integrity ok\n";
  if (!report->kept_as.empty()) {
    std::cout << "the replaced database is kept as " << report->kept_as.string() << "\n";
  }
  std::cout << "attachments are not in the backup: restore " << config->BlobDir().string()
            << " from the copy made with it\n";
  return 0;
}

}  // namespace

void AddRestoreCommand(CLI::App& app, CommonOptions& common, Command& command) {
  auto options = std::make_shared<RestoreOptions>();
  auto* restore =
      app.add_subcommand("restore", "Replace a stopped node's database with a verified backup");
  restore->footer(
      "The backup is checked first (integrity_check, a Simpul schema no newer than this build); "
      "the restore is refused while the node's port answers or its database is open. The "
      "replaced database is kept as <db>.before-restore-<UTC time>. Exit 0 restored, 1 refused "
      "or failed (nothing changed), 2 usage (e.g. --force missing).");
  restore->add_option("--from", options->from, "Backup file made by `simpulctl backup`")
      ->required();
  restore->add_flag("--force", options->force,
                    "Replace an existing database (required when the node has one)");
  restore->callback(
      [&, options] { command = [&, options] { return RunRestore(common, *options); }; });
}

}  // namespace simpul::admin
