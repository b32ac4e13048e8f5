#include "node/store/backup.hpp"

#include <sqlite3.h>

#include <memory>
#include <string>

#include "node/store/connection.hpp"

namespace simpul::store {

Result<void> CheckIntegrity(const std::filesystem::path& path) {
  auto conn = Connection::Open(path, OpenMode::kReadOnly);
  if (!conn) return tl::unexpected(conn.error());
  auto s = conn->Prepare("PRAGMA integrity_check");
  if (!s) return tl::unexpected(s.error());
  std::string findings;
  for (;;) {
    auto row = s->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    if (!findings.empty()) findings += "; ";
    findings += s->Text(0);
  }
  if (findings != "ok") return Fail(ErrorCode::kInternal, "integrity check failed: " + findings);
  return {};
}

Result<BackupReport> BackupDatabase(const std::filesystem::path& source,
                                    const std::filesystem::path& dest,
                                    const BackupProgress& progress) {
  std::error_code ec;
  if (std::filesystem::exists(dest, ec)) {
    return Fail(ErrorCode::kConflict, dest.string() + " exists; choose a new backup file name");
  }
  auto src = Connection::Open(source, OpenMode::kReadOnly);
  if (!src) return tl::unexpected(src.error());
  BackupReport report;
  {
    auto dst = Connection::Open(dest, OpenMode::kReadWrite);
    if (!dst) return tl::unexpected(dst.error());
    std::unique_ptr<sqlite3_backup, CFree<&::sqlite3_backup_finish>> backup(
        sqlite3_backup_init(dst->raw(), "main", src->raw(), "main"));
    if (!backup) return tl::unexpected(SqliteError(dst->raw(), SQLITE_ERROR, "backup init"));
    int rc = SQLITE_OK;
    while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      rc = sqlite3_backup_step(backup.get(), 256);
      const std::int64_t total = sqlite3_backup_pagecount(backup.get());
      if (progress) progress(total - sqlite3_backup_remaining(backup.get()), total);
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(20);
    }
    report.pages = sqlite3_backup_pagecount(backup.get());
    if (rc != SQLITE_DONE) {
      auto err = SqliteError(dst->raw(), rc, "backup step");
      backup.reset();
      std::filesystem::remove(dest, ec);
      return tl::unexpected(err);
    }
    backup.reset();
    // Leave a self-contained file: fold the WAL back into the database.
    if (auto r = dst->Exec("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;"); !r) {
      return tl::unexpected(r.error());
    }
  }
  if (auto r = CheckIntegrity(dest); !r) {
    std::filesystem::remove(dest, ec);
    return tl::unexpected(r.error());
  }
  report.integrity_ok = true;
  report.bytes = static_cast<std::int64_t>(std::filesystem::file_size(dest, ec));
  return report;
}

}  // namespace simpul::store
