#include "node/store/schema.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tests/node/store/store_test_support.hpp"

namespace simpul::store {
namespace {

using testing::InsertCase;
using testing::MakeCase;
using testing::OpenMigrated;
using testing::TempDir;

// A case with one event, on which the append-only rules are exercised.
class SchemaTriggerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = OpenMigrated(dir_.path() / "node.db");
    ASSERT_NE(db_, nullptr);
    case_id_ = InsertCase(*db_, MakeCase("T-1"));
    EventRecord ev;
    ev.actor = "reporter";
    ev.detail = "{}";
    ev.at = testing::MondayMorning();
    ASSERT_TRUE(db_->WriteSync<int>([&](Connection& c) -> Result<int> {
      if (auto r = CaseStore::AppendEvent(c, case_id_, ev); !r) return tl::unexpected(r.error());
      return 0;
    }));
  }

  Result<int> Exec(const std::string& sql) {
    return db_->WriteSync<int>([sql](Connection& c) -> Result<int> {
      if (auto r = c.Exec(sql); !r) return tl::unexpected(r.error());
      return c.Changes();
    });
  }

  std::int64_t Count(const std::string& table) {
    auto n = db_->ReadSync<std::int64_t>([table](Connection& c) -> Result<std::int64_t> {
      auto s = c.Prepare("SELECT count(*) FROM " + table);
      if (!s) return tl::unexpected(s.error());
      if (auto row = s->Step(); !row) return tl::unexpected(row.error());
      return s->Int(0);
    });
    return n.value_or(-1);
  }

  TempDir dir_;
  std::unique_ptr<Database> db_;
  std::int64_t case_id_ = 0;
};

TEST_F(SchemaTriggerTest, CasesCannotBeDeleted) {
  auto r = Exec("DELETE FROM cases");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_NE(r.error().message.find("never deleted"), std::string::npos) << r.error().message;
  EXPECT_EQ(Count("cases"), 1);
}

TEST_F(SchemaTriggerTest, EventsCannotBeDeletedOrUpdated) {
  auto del = Exec("DELETE FROM case_events");
  ASSERT_FALSE(del.has_value());
  EXPECT_EQ(del.error().code, ErrorCode::kConflict);
  auto upd = Exec("UPDATE case_events SET reason = 'rewritten history'");
  ASSERT_FALSE(upd.has_value());
  EXPECT_EQ(upd.error().code, ErrorCode::kConflict);
  EXPECT_NE(upd.error().message.find("append-only"), std::string::npos) << upd.error().message;
  EXPECT_EQ(Count("case_events"), 1);
  EXPECT_EQ(Count("case_events WHERE reason = ''"), 1);
}

TEST_F(SchemaTriggerTest, ComplaintContentIsImmutable) {
  for (const char* sql :
       {"UPDATE cases SET title = 'Judul lain yang baru'",
        "UPDATE cases SET body = 'Isi laporan diubah diam-diam'",
        "UPDATE cases SET tracking_id = 'T-2'", "UPDATE cases SET access_hash = x'00'"}) {
    auto r = Exec(sql);
    ASSERT_FALSE(r.has_value()) << sql;
    EXPECT_EQ(r.error().code, ErrorCode::kConflict) << sql;
  }
  EXPECT_EQ(Count("cases WHERE title = 'Lubang besar di jalan desa' AND tracking_id = 'T-1'"), 1);
}

TEST_F(SchemaTriggerTest, SummaryColumnsMayChange) {
  auto r = Exec("UPDATE cases SET state = 'verified', version = version + 1");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(*r, 1);
}

TEST_F(SchemaTriggerTest, NewCasesAreIndexedForSearch) {
  EXPECT_EQ(Count("cases_fts WHERE cases_fts MATCH 'lubang'"), 1);
  EXPECT_EQ(Count("cases_fts WHERE cases_fts MATCH 'banjir'"), 0);
}

}  // namespace
}  // namespace simpul::store
