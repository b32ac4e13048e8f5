#include "node/store/restore.hpp"

#include <sqlite3.h>

#include <optional>

#include "node/store/connection.hpp"

namespace simpul::store {
namespace {

namespace fs = std::filesystem;

// Runs a one-value query and returns the integer in the first row.
Result<std::int64_t> QueryInt(Connection& conn, std::string_view sql) {
  auto s = conn.Prepare(sql);
  if (!s) return tl::unexpected(s.error());
  auto row = s->Step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return Fail(ErrorCode::kInternal, "no row from " + std::string(sql));
  return s->Int(0);
}

// Moves `from` to `to`, failing kUnavailable with what the OS said.
Result<void> Move(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::rename(from, to, ec);
  if (ec) {
    return Fail(ErrorCode::kUnavailable,
                "cannot move " + from.string() + " to " + to.string() + ": " + ec.message());
  }
  return {};
}

// Opens `db` and takes its exclusive lock, held until the connection closes. Fails at once with
// kUnavailable if another process (a running node) holds the database open.
Result<Connection> OpenExclusive(const fs::path& db) {
  auto conn = Connection::Open(db, OpenMode::kReadWrite);
  if (!conn) return tl::unexpected(conn.error());
  sqlite3_busy_timeout(conn->raw(), 0);
  if (!conn->Exec("PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;")) {
    return Fail(ErrorCode::kUnavailable, db.string() +
                                             " is in use by another process; stop simpuld first "
                                             "(systemctl stop simpuld)");
  }
  return conn;
}

// Locks an idle `db`, folds its WAL into its main file and leaves it in rollback-journal mode, so
// it is one self-contained file that can be moved. The lock lasts as long as the returned
// connection, so no node can open the database while it is being replaced.
Result<Connection> LockAndSettle(const fs::path& db) {
  auto conn = OpenExclusive(db);
  if (!conn) return tl::unexpected(conn.error());
  if (auto r = conn->Exec("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;"); !r) {
    return tl::unexpected(r.error());
  }
  return conn;
}

}  // namespace

Result<DatabaseFacts> InspectDatabaseFile(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    return Fail(ErrorCode::kNotFound, path.string() + " does not exist or is not a file");
  }
  if (auto r = CheckIntegrity(path); !r) {
    return Fail(r.error().code, path.string() + ": " + r.error().message);
  }
  auto conn = Connection::Open(path, OpenMode::kReadOnly);
  if (!conn) return tl::unexpected(conn.error());
  DatabaseFacts facts;
  auto version = QueryInt(*conn, "PRAGMA user_version");
  auto has_cases =
      QueryInt(*conn, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='cases'");
  if (!version) return tl::unexpected(version.error());
  if (!has_cases) return tl::unexpected(has_cases.error());
  if (*version == 0 || *has_cases == 0) {
    return Fail(ErrorCode::kInvalidArgument,
                path.string() + " is not a Simpul node database (no schema or no cases table)");
  }
  facts.schema_version = *version;
  auto cases = QueryInt(*conn, "SELECT count(*) FROM cases");
  auto events = QueryInt(*conn, "SELECT count(*) FROM case_events");
  auto users = QueryInt(*conn, "SELECT count(*) FROM users");
  if (!cases || !events || !users) {
    return Fail(ErrorCode::kInvalidArgument, path.string() + " lacks Simpul's core tables");
  }
  facts.cases = *cases;
  facts.case_events = *events;
  facts.users = *users;
  facts.bytes = static_cast<std::int64_t>(fs::file_size(path, ec));
  return facts;
}

Result<RestoreReport> RestoreDatabase(const fs::path& backup, const fs::path& db,
                                      std::int64_t known_schema_version,
                                      const std::string& utc_stamp,
                                      const BackupProgress& progress) {
  auto facts = InspectDatabaseFile(backup);
  if (!facts) return tl::unexpected(facts.error());
  if (facts->schema_version > known_schema_version) {
    return Fail(ErrorCode::kInvalidArgument,
                "the backup has schema version " + std::to_string(facts->schema_version) +
                    ", newer than this build's " + std::to_string(known_schema_version) +
                    "; restore it with the Simpul release that made it");
  }
  std::error_code ec;
  if (fs::equivalent(backup, db, ec)) {
    return Fail(ErrorCode::kInvalidArgument,
                backup.string() + " is the node's database itself; name a backup file");
  }
  const bool had_db = fs::exists(db, ec);
  std::optional<Connection> lock;
  if (had_db) {
    auto settled = LockAndSettle(db);
    if (!settled) return tl::unexpected(settled.error());
    lock.emplace(std::move(*settled));
  }
  // Copy next to the target first, so the swap below is two renames on one file system.
  const fs::path staged = db.string() + ".restoring";
  fs::remove(staged, ec);
  auto copied = BackupDatabase(backup, staged, progress);
  if (!copied) return tl::unexpected(copied.error());
  RestoreReport report;
  if (had_db) {
    report.kept_as = db.string() + ".before-restore-" + utc_stamp;
    if (auto r = Move(db, report.kept_as); !r) return tl::unexpected(r.error());
    for (const char* suffix : {"-wal", "-shm"}) fs::remove(db.string() + suffix, ec);
  }
  if (auto r = Move(staged, db); !r) {
    if (had_db) (void)Move(report.kept_as, db);
    return tl::unexpected(r.error());
  }
  lock.reset();
  auto restored = InspectDatabaseFile(db);
  if (!restored) return tl::unexpected(restored.error());
  report.restored = *restored;
  return report;
}

}  // namespace simpul::store
