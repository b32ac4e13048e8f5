#include "node/store/database.hpp"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "node/store/schema.hpp"
#include "tests/node/store/store_test_support.hpp"

namespace simpul::store {
namespace {

using testing::OpenMigrated;
using testing::TempDir;

Result<std::int64_t> ReadCounter(Connection& c, const std::string& name) {
  auto s = c.Prepare("SELECT value FROM counters WHERE name = ?");
  if (!s) return tl::unexpected(s.error());
  s->Bind(1, name);
  auto row = s->Step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return Fail(ErrorCode::kNotFound, name);
  return s->Int(0);
}

Result<std::int64_t> SetCounter(Connection& c, const std::string& name, std::int64_t value) {
  auto s = c.Prepare("INSERT INTO counters(name, value) VALUES (?, ?)");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(name, value);
  if (auto r = s->Run(); !r) return tl::unexpected(r.error());
  return value;
}

// Occupies the writer thread until Release(), so that jobs queued meanwhile form one group.
class WriterGate {
 public:
  explicit WriterGate(Database& db) : db_(db) {
    blocker_ = std::async(std::launch::async, [this] {
      return db_.WriteSync<int>([this](Connection&) -> Result<int> {
        entered_.set_value();
        release_.get_future().wait();
        return 0;
      });
    });
    entered_.get_future().wait();
  }
  // Waits until `depth` jobs are queued behind the gate.
  void AwaitQueueDepth(std::uint64_t depth) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (db_.writer_stats().queue_depth < depth) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "jobs never reached the queue";
      std::this_thread::yield();
    }
  }
  void Release() {
    release_.set_value();
    ASSERT_TRUE(blocker_.get().has_value());
  }

 private:
  Database& db_;
  std::promise<void> entered_;
  std::promise<void> release_;
  std::future<Result<int>> blocker_;
};

TEST(DatabaseTest, MigrationsSetUserVersionAndReopenIsIdempotent) {
  TempDir dir;
  const auto path = dir.path() / "node.db";
  {
    auto db = OpenMigrated(path);
    ASSERT_NE(db, nullptr);
    EXPECT_EQ(db->schema_version(), static_cast<int>(SchemaMigrations().size()));
    auto version = db->ReadSync<std::int64_t>([](Connection& c) -> Result<std::int64_t> {
      auto s = c.Prepare("PRAGMA user_version");
      if (!s) return tl::unexpected(s.error());
      if (auto row = s->Step(); !row) return tl::unexpected(row.error());
      return s->Int(0);
    });
    ASSERT_TRUE(version.has_value());
    EXPECT_EQ(*version, static_cast<std::int64_t>(SchemaMigrations().size()));
    ASSERT_TRUE(
        db->WriteSync<std::int64_t>([](Connection& c) { return SetCounter(c, "kept", 7); }));
  }
  // Re-running the migrations would fail on CREATE TABLE or wipe the row.
  auto again = OpenMigrated(path);
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->schema_version(), static_cast<int>(SchemaMigrations().size()));
  auto kept = again->ReadSync<std::int64_t>([](Connection& c) { return ReadCounter(c, "kept"); });
  ASSERT_TRUE(kept.has_value()) << kept.error().message;
  EXPECT_EQ(*kept, 7);
}

TEST(DatabaseTest, AppliesOnlyMigrationsBeyondTheStoredVersion) {
  TempDir dir;
  const auto path = dir.path() / "m.db";
  const std::array<Migration, 1> v1 = {"CREATE TABLE t (x INTEGER);"};
  const std::array<Migration, 2> v2 = {"CREATE TABLE t (x INTEGER);",
                                       "ALTER TABLE t ADD COLUMN y INTEGER;"};
  ASSERT_TRUE(Database::Open({path}, v1).has_value());
  auto db = Database::Open({path}, v2);
  ASSERT_TRUE(db.has_value()) << db.error().message;
  EXPECT_EQ((*db)->schema_version(), 2);
  auto inserted = (*db)->WriteSync<int>([](Connection& c) -> Result<int> {
    if (auto r = c.Exec("INSERT INTO t(x, y) VALUES (1, 2)"); !r) return tl::unexpected(r.error());
    return 1;
  });
  EXPECT_TRUE(inserted.has_value());
}

TEST(DatabaseTest, NewerSchemaThanThisBuildIsConflict) {
  TempDir dir;
  const auto path = dir.path() / "m.db";
  const std::array<Migration, 2> v2 = {"CREATE TABLE t (x INTEGER);",
                                       "CREATE TABLE u (x INTEGER);"};
  const std::array<Migration, 1> v1 = {"CREATE TABLE t (x INTEGER);"};
  ASSERT_TRUE(Database::Open({path}, v2).has_value());
  auto db = Database::Open({path}, v1);
  ASSERT_FALSE(db.has_value());
  EXPECT_EQ(db.error().code, ErrorCode::kConflict);
}

TEST(DatabaseTest, FailedMigrationLeavesOldVersion) {
  TempDir dir;
  const auto path = dir.path() / "m.db";
  const std::array<Migration, 1> v1 = {"CREATE TABLE t (x INTEGER);"};
  const std::array<Migration, 3> broken = {"CREATE TABLE t (x INTEGER);",
                                           "CREATE TABLE u (x INTEGER);", "NOT SQL AT ALL;"};
  ASSERT_TRUE(Database::Open({path}, v1).has_value());
  auto failed = Database::Open({path}, broken);
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().code, ErrorCode::kInternal);
  // Version 1 still: the good step 2 was rolled back with the bad step 3, so it applies again.
  const std::array<Migration, 2> v2 = {"CREATE TABLE t (x INTEGER);",
                                       "CREATE TABLE u (x INTEGER);"};
  auto db = Database::Open({path}, v2);
  ASSERT_TRUE(db.has_value()) << db.error().message;
  EXPECT_EQ((*db)->schema_version(), 2);
}

TEST(DatabaseTest, ConcurrentWritesAreGroupCommitted) {
  TempDir dir;
  auto db = OpenMigrated(dir.path() / "node.db");
  ASSERT_NE(db, nullptr);
  constexpr int kJobs = 32;
  WriterGate gate(*db);
  std::atomic<int> succeeded{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kJobs; ++i) {
    threads.emplace_back([&, name = "job" + std::to_string(i)] {
      auto r = db->WriteSync<std::int64_t>([&](Connection& c) { return SetCounter(c, name, 1); });
      if (r) ++succeeded;
    });
  }
  gate.AwaitQueueDepth(kJobs);
  gate.Release();
  for (auto& t : threads) t.join();

  EXPECT_EQ(succeeded.load(), kJobs);
  const WriterStats stats = db->writer_stats();
  EXPECT_EQ(stats.jobs, static_cast<std::uint64_t>(kJobs + 1));
  EXPECT_LT(stats.commits, static_cast<std::uint64_t>(kJobs));
  EXPECT_EQ(stats.max_group, static_cast<std::uint64_t>(kJobs));
  auto rows = db->ReadSync<std::int64_t>([](Connection& c) -> Result<std::int64_t> {
    auto s = c.Prepare("SELECT count(*) FROM counters");
    if (!s) return tl::unexpected(s.error());
    if (auto row = s->Step(); !row) return tl::unexpected(row.error());
    return s->Int(0);
  });
  ASSERT_TRUE(rows.has_value());
  EXPECT_EQ(*rows, kJobs);
}

TEST(DatabaseTest, FailedJobRollsBackOnlyItsOwnChanges) {
  TempDir dir;
  auto db = OpenMigrated(dir.path() / "node.db");
  ASSERT_NE(db, nullptr);
  WriterGate gate(*db);
  auto write = [&](Database::Job<std::int64_t> job) {
    return std::async(std::launch::async,
                      [&db, job = std::move(job)] { return db->WriteSync<std::int64_t>(job); });
  };
  auto first = write([](Connection& c) { return SetCounter(c, "first", 1); });
  gate.AwaitQueueDepth(1);
  auto failing = write([](Connection& c) -> Result<std::int64_t> {
    if (auto r = SetCounter(c, "doomed", 2); !r) return r;
    return Fail(ErrorCode::kInvalidArgument, "changed my mind");
  });
  gate.AwaitQueueDepth(2);
  auto last = write([](Connection& c) { return SetCounter(c, "last", 3); });
  gate.AwaitQueueDepth(3);
  gate.Release();

  EXPECT_TRUE(first.get().has_value());
  auto failed = failing.get();
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(last.get().has_value());
  EXPECT_EQ(db->writer_stats().max_group, 3u);

  auto read = [&](const std::string& name) {
    return db->ReadSync<std::int64_t>([name](Connection& c) { return ReadCounter(c, name); });
  };
  EXPECT_EQ(read("first").value_or(-1), 1);
  EXPECT_EQ(read("last").value_or(-1), 3);
  auto doomed = read("doomed");
  ASSERT_FALSE(doomed.has_value());
  EXPECT_EQ(doomed.error().code, ErrorCode::kNotFound);
}

TEST(DatabaseTest, JobThatThrowsFailsAloneAndTheThreadsGoOn) {
  TempDir dir;
  auto db = OpenMigrated(dir.path() / "node.db");
  ASSERT_NE(db, nullptr);
  WriterGate gate(*db);
  auto write = [&](Database::Job<std::int64_t> job) {
    return std::async(std::launch::async,
                      [&db, job = std::move(job)] { return db->WriteSync<std::int64_t>(job); });
  };
  auto first = write([](Connection& c) { return SetCounter(c, "first", 1); });
  gate.AwaitQueueDepth(1);
  auto throwing = write([](Connection& c) -> Result<std::int64_t> {
    if (auto r = SetCounter(c, "thrown", 2); !r) return r;
    throw std::runtime_error("invalid UTF-8 byte");
  });
  gate.AwaitQueueDepth(2);
  gate.Release();
  EXPECT_TRUE(first.get().has_value());
  auto failed = throwing.get();
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().code, ErrorCode::kInternal);
  EXPECT_NE(failed.error().message.find("invalid UTF-8 byte"), std::string::npos);

  auto read = [&](const std::string& name) {
    return db->ReadSync<std::int64_t>([name](Connection& c) { return ReadCounter(c, name); });
  };
  EXPECT_EQ(read("first").value_or(-1), 1);
  EXPECT_EQ(read("thrown").error().code, ErrorCode::kNotFound) << "its changes were rolled back";
  auto thrown_read = db->ReadSync<std::int64_t>(
      [](Connection&) -> Result<std::int64_t> { throw std::runtime_error("reader"); });
  ASSERT_FALSE(thrown_read.has_value());
  EXPECT_EQ(thrown_read.error().code, ErrorCode::kInternal);
  // Both threads still serve.
  EXPECT_TRUE(db->WriteSync<std::int64_t>([](Connection& c) {
                  return SetCounter(c, "after", 4);
                }).has_value());
  EXPECT_EQ(read("after").value_or(-1), 4);
}

TEST(DatabaseTest, CommittedWriteSurvivesClosingTheDatabase) {
  TempDir dir;
  const auto path = dir.path() / "node.db";
  {
    auto db = OpenMigrated(path);
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->WriteSync<std::int64_t>([](Connection& c) { return SetCounter(c, "d", 42); }));
  }
  auto conn = Connection::Open(path, OpenMode::kReadOnly);
  ASSERT_TRUE(conn.has_value()) << conn.error().message;
  auto value = ReadCounter(*conn, "d");
  ASSERT_TRUE(value.has_value()) << value.error().message;
  EXPECT_EQ(*value, 42);
}

// Readers that always overlap keep a PASSIVE checkpoint from ever letting the WAL start over; the
// checkpointer must then truncate it, or the file grows without bound (13 GB in the simulation).
TEST(DatabaseTest, WalIsTruncatedWhileReadersKeepOverlapping) {
  TempDir dir;
  DatabaseOptions options{dir.path() / "node.db", /*readers=*/2};
  options.wal_truncate_bytes = 1u << 20;
  auto opened = Database::Open(options, SchemaMigrations());
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  Database& db = **opened;
  const std::filesystem::path wal = dir.path() / "node.db-wal";

  // Two threads whose read transactions overlap: there is always a snapshot open.
  std::atomic<bool> stop{false};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      while (!stop) {
        (void)db.ReadSync<int>([](Connection& c) -> Result<int> {
          auto s = c.Prepare("SELECT count(*) FROM counters");
          if (!s) return tl::unexpected(s.error());
          (void)s->Step();
          std::this_thread::sleep_for(std::chrono::milliseconds(3));
          return 0;
        });
      }
    });
  }
  // Several MB of WAL frames, bounded in count and time.
  const std::string filler(1000, 'x');
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (int i = 0; i < 3000 && std::chrono::steady_clock::now() < deadline; ++i) {
    auto w = db.WriteSync<std::int64_t>([&](Connection& c) -> Result<std::int64_t> {
      auto s = c.Prepare("INSERT INTO counters(name, value) VALUES (?, ?)");
      if (!s) return tl::unexpected(s.error());
      s->BindAll(filler + std::to_string(i), std::int64_t{i});
      if (auto r = s->Run(); !r) return tl::unexpected(r.error());
      return i;
    });
    ASSERT_TRUE(w.has_value()) << w.error().message;
  }
  // With the readers still overlapping, the WAL must come back under the bound within a few
  // checkpointer rounds. PASSIVE alone would leave it at its full size.
  std::uintmax_t size = 0;
  const auto settle = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  do {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::error_code ec;
    size = std::filesystem::file_size(wal, ec);
  } while (size > options.wal_truncate_bytes && std::chrono::steady_clock::now() < settle);
  stop = true;
  for (auto& t : readers) t.join();

  EXPECT_LE(size, options.wal_truncate_bytes) << "the WAL stayed at " << size << " bytes";
  EXPECT_GT(db.writer_stats().wal_truncations, 0u);
}

TEST(DatabaseTest, ReadersCannotWrite) {
  TempDir dir;
  auto db = OpenMigrated(dir.path() / "node.db");
  ASSERT_NE(db, nullptr);
  auto r = db->ReadSync<std::int64_t>([](Connection& c) { return SetCounter(c, "x", 1); });
  ASSERT_FALSE(r.has_value());
  auto check = db->ReadSync<std::int64_t>([](Connection& c) { return ReadCounter(c, "x"); });
  EXPECT_FALSE(check.has_value());
}

}  // namespace
}  // namespace simpul::store
