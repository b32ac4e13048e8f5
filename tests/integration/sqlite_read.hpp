#pragma once
// Reads a node's SQLite file from a test, read-only, while the node may be running.
//
//   EXPECT_EQ(Scalar(node.database_path(), "SELECT count(*) FROM cases"), 3);

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace simpul::testing {

// Runs `sql` read-only against the database at `path`; returns the first column of every row
// (empty if the database cannot be opened or the statement fails).
inline std::vector<std::int64_t> Column(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* raw = nullptr;
  std::vector<std::int64_t> out;
  if (sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close_v2(raw);
    return out;
  }
  sqlite3_busy_timeout(raw, 5000);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(raw, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
    while (sqlite3_step(stmt) == SQLITE_ROW) out.push_back(sqlite3_column_int64(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close_v2(raw);
  return out;
}

// The first column of the first row of `sql`, or -1 when there is none.
inline std::int64_t Scalar(const std::filesystem::path& path, const std::string& sql) {
  auto v = Column(path, sql);
  return v.empty() ? -1 : v.front();
}

}  // namespace simpul::testing
