#include "node/store/backup.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "tests/node/store/store_test_support.hpp"

namespace simpul::store {
namespace {

using testing::InsertCase;
using testing::MakeCase;
using testing::OpenMigrated;
using testing::TempDir;

Result<std::int64_t> CountCases(const std::filesystem::path& path) {
  auto conn = Connection::Open(path, OpenMode::kReadOnly);
  if (!conn) return tl::unexpected(conn.error());
  auto s = conn->Prepare("SELECT count(*) FROM cases WHERE tracking_id LIKE 'B-%'");
  if (!s) return tl::unexpected(s.error());
  if (auto row = s->Step(); !row) return tl::unexpected(row.error());
  return s->Int(0);
}

TEST(BackupTest, CopyPassesIntegrityCheckAndHoldsTheRows) {
  TempDir dir;
  const auto source = dir.path() / "node.db";
  const auto dest = dir.path() / "backup.db";
  auto db = OpenMigrated(source);
  ASSERT_NE(db, nullptr);
  for (int i = 0; i < 50; ++i) InsertCase(*db, MakeCase("B-" + std::to_string(i)));

  std::int64_t last_done = -1, last_total = -1;
  auto report = BackupDatabase(source, dest, [&](std::int64_t done, std::int64_t total) {
    last_done = done;
    last_total = total;
  });
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_TRUE(report->integrity_ok);
  EXPECT_GT(report->pages, 0);
  EXPECT_EQ(report->bytes, static_cast<std::int64_t>(std::filesystem::file_size(dest)));
  EXPECT_EQ(last_done, last_total);
  EXPECT_EQ(last_total, report->pages);

  EXPECT_TRUE(CheckIntegrity(dest).has_value());
  // Self-contained: the copy alone, without a WAL file next to it, holds every row.
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "backup.db-wal") &&
               std::filesystem::file_size(dir.path() / "backup.db-wal") > 0);
  auto rows = CountCases(dest);
  ASSERT_TRUE(rows.has_value()) << rows.error().message;
  EXPECT_EQ(*rows, 50);
}

TEST(BackupTest, NeverOverwritesAnExistingFile) {
  TempDir dir;
  const auto source = dir.path() / "node.db";
  const auto dest = dir.path() / "backup.db";
  auto db = OpenMigrated(source);
  ASSERT_NE(db, nullptr);
  { std::ofstream(dest) << "precious"; }
  auto report = BackupDatabase(source, dest);
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code, ErrorCode::kConflict);
  std::ifstream in(dest);
  std::string kept;
  in >> kept;
  EXPECT_EQ(kept, "precious");
}

TEST(BackupTest, IntegrityCheckRejectsAFileThatIsNotADatabase) {
  TempDir dir;
  const auto path = dir.path() / "garbage.db";
  { std::ofstream(path) << std::string(8192, 'x'); }
  EXPECT_FALSE(CheckIntegrity(path).has_value());
}

}  // namespace
}  // namespace simpul::store
