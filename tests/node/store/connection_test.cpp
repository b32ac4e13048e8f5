#include "node/store/connection.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/temp_dir.hpp"

namespace simpul::store {
namespace {

using simpul::testing::TempDir;

class ConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto conn = Connection::Open(dir_.path() / "c.db", OpenMode::kReadWrite);
    ASSERT_TRUE(conn.has_value()) << conn.error().message;
    conn_.emplace(std::move(*conn));
    ASSERT_TRUE(conn_->Exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)"));
  }
  std::int64_t Count() {
    auto s = conn_->Prepare("SELECT count(*) FROM t");
    if (!s || !s->Step().value_or(false)) return -1;
    return s->Int(0);
  }

  TempDir dir_;
  std::optional<Connection> conn_;
};

TEST_F(ConnectionTest, OneStatementRunsAgainWithNewBindings) {
  auto s = conn_->Prepare("INSERT INTO t(k, v) VALUES (?, ?)");
  ASSERT_TRUE(s.has_value());
  for (int k = 1; k <= 3; ++k) {
    s->BindAll(k, "v" + std::to_string(k));
    auto r = s->Run();
    ASSERT_TRUE(r.has_value()) << k << ": " << r.error().message;
  }
  EXPECT_EQ(Count(), 3);
}

TEST_F(ConnectionTest, CachedStatementIsResetForTheNextCaller) {
  ASSERT_TRUE(conn_->Exec("INSERT INTO t VALUES (1, 'a'), (2, 'b')"));
  const char* sql = "SELECT v FROM t ORDER BY k";
  {
    auto s = conn_->Prepare(sql);
    ASSERT_TRUE(s.has_value());
    ASSERT_TRUE(s->Step().value_or(false));
    EXPECT_EQ(s->Text(0), "a");  // abandoned mid-way
  }
  auto again = conn_->Prepare(sql);
  ASSERT_TRUE(again.has_value());
  ASSERT_TRUE(again->Step().value_or(false));
  EXPECT_EQ(again->Text(0), "a");
}

TEST_F(ConnectionTest, ConstraintViolationIsConflict) {
  ASSERT_TRUE(conn_->Exec("INSERT INTO t VALUES (1, 'a')"));
  auto r = conn_->Exec("INSERT INTO t VALUES (1, 'b')");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  auto bad = conn_->Prepare("SELECT nope FROM t");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInternal);
}

TEST_F(ConnectionTest, FailedSavepointLeavesNoPartialChange) {
  ASSERT_TRUE(conn_->Exec("BEGIN"));
  auto failed = WithSavepoint(*conn_, [&]() -> Result<int> {
    if (auto r = conn_->Exec("INSERT INTO t VALUES (1, 'half')"); !r)
      return tl::unexpected(r.error());
    return Fail(ErrorCode::kInvalidArgument, "second step failed");
  });
  EXPECT_FALSE(failed.has_value());
  auto kept = WithSavepoint(*conn_, [&]() -> Result<int> {
    if (auto r = conn_->Exec("INSERT INTO t VALUES (2, 'whole')"); !r)
      return tl::unexpected(r.error());
    return 2;
  });
  EXPECT_TRUE(kept.has_value());
  ASSERT_TRUE(conn_->Exec("COMMIT"));
  EXPECT_EQ(Count(), 1);
}

TEST(ConnectionOpenTest, MissingFileCannotBeOpenedReadOnly) {
  TempDir dir;
  auto conn = Connection::Open(dir.path() / "absent.db", OpenMode::kReadOnly);
  ASSERT_FALSE(conn.has_value());
  EXPECT_EQ(conn.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace simpul::store
