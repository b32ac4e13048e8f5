#pragma once
// Online backup of a node database with the SQLite backup API. Safe while the node runs: the
// copy is a consistent snapshot even if writes continue (the API restarts when the source changes
// under it). The copy is verified with PRAGMA integrity_check before it is reported good.

#include <cstdint>
#include <filesystem>
#include <functional>

#include "crypto/result.hpp"

namespace simpul::store {

struct BackupReport {
  std::int64_t pages = 0;
  std::int64_t bytes = 0;
  bool integrity_ok = false;
};

// Called after each step with (pages copied, total pages).
using BackupProgress = std::function<void(std::int64_t done, std::int64_t total)>;

// Copies `source` to `dest`, which must not exist (kConflict otherwise; a backup never
// overwrites). Fails kUnavailable on I/O errors and kInternal when the copy fails its integrity
// check (the bad copy is removed).
Result<BackupReport> BackupDatabase(const std::filesystem::path& source,
                                    const std::filesystem::path& dest,
                                    const BackupProgress& progress = {});

// Runs PRAGMA integrity_check on `path`; fails kInternal with SQLite's findings if not "ok".
Result<void> CheckIntegrity(const std::filesystem::path& path);

}  // namespace simpul::store
