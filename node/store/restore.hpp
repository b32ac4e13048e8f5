#pragma once
// Verified restore of a node database from a backup made by BackupDatabase, for a STOPPED node.
//
//   auto facts = store::InspectDatabaseFile(backup);      // integrity, schema version, counts
//   auto done = store::RestoreDatabase(backup, db_path, SchemaMigrations().size(), now);
//
// The backup is checked before anything is touched; the database it replaces is kept beside it
// as "<db>.before-restore-<UTC time>" (self-contained, no WAL), so a restore can be undone by
// moving that file back. Not thread-safe; meant for simpulctl, one process at a time.

#include <cstdint>
#include <filesystem>
#include <string>

#include "crypto/result.hpp"
#include "node/store/backup.hpp"

namespace simpul::store {

// What a database file holds, as far as an operator needs to know before trusting it.
struct DatabaseFacts {
  std::int64_t schema_version = 0;  // PRAGMA user_version
  std::int64_t bytes = 0;
  std::int64_t cases = 0;
  std::int64_t case_events = 0;
  std::int64_t users = 0;
};

// Opens `path` read-only, runs PRAGMA integrity_check and counts cases, events and users.
// Fails kNotFound if the file is missing, kInternal if the integrity check fails, and
// kInvalidArgument if it is not a Simpul node database (no schema version or no cases table).
Result<DatabaseFacts> InspectDatabaseFile(const std::filesystem::path& path);

struct RestoreReport {
  DatabaseFacts restored;         // what the node's database now holds
  std::filesystem::path kept_as;  // where the replaced database went; empty if there was none
};

// Replaces `db` with a verified copy of `backup`. Checks first, touching nothing on failure:
// the backup must pass InspectDatabaseFile (its errors) and have a schema version no newer than
// `known_schema_version` (kInvalidArgument: upgrade simpulctl/simpuld first) and must not be
// `db` itself (kInvalidArgument); `db` must be idle (kUnavailable). `utc_stamp` names the kept
// file, e.g. "20261124T091500Z". Fails kUnavailable on I/O errors; if the copy fails after the
// old database was moved, the old one is moved back.
// `progress` is called as the backup is copied in (pages done, total).
Result<RestoreReport> RestoreDatabase(const std::filesystem::path& backup,
                                      const std::filesystem::path& db,
                                      std::int64_t known_schema_version,
                                      const std::string& utc_stamp,
                                      const BackupProgress& progress = {});

}  // namespace simpul::store
