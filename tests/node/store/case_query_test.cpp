#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "node/store/account_store.hpp"
#include "node/store/case_store.hpp"
#include "tests/node/store/store_test_support.hpp"

namespace simpul::store {
namespace {

using domain::CaseState;
using std::chrono::days;
using testing::InsertCase;
using testing::MakeCase;
using testing::MondayMorning;
using testing::OpenMigrated;
using testing::TempDir;
using Ids = std::vector<std::string>;

// Four cases that differ in every filtered column:
//   C-1 submitted, no unit, infrastruktur.jalan, 32.04, due +1d
//   C-2 verified, no unit, infrastruktur.drainase, 32.73, due +3d
//   C-3 dispositioned to unit A, confidential, kesehatan.puskesmas, 33.01, no deadline
//   C-4 dispositioned to unit B, infrastruktur, 32, due +5d
class CaseQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = OpenMigrated(dir_.path() / "node.db");
    ASSERT_NE(db_, nullptr);
    unit_a_ = InsertUnit("dinas-pu");
    unit_b_ = InsertUnit("dinkes");
    const auto t0 = MondayMorning();

    CaseRecord c1 = MakeCase("C-1");
    c1.next_due_at = t0 + days(1);
    InsertCase(*db_, c1);

    CaseRecord c2 = MakeCase("C-2");
    c2.state = CaseState::kVerified;
    c2.verified_at = t0;
    c2.category = "infrastruktur.drainase";
    c2.region = "32.73";
    c2.title = "Banjir di pasar";
    c2.body = "Selokan tersumbat sampah plastik.";
    c2.next_due_at = t0 + days(3);
    InsertCase(*db_, c2);

    CaseRecord c3 = MakeCase("C-3");
    c3.state = CaseState::kDispositioned;
    c3.verified_at = t0;
    c3.unit_id = unit_a_;
    c3.confidential = true;
    c3.category = "kesehatan.puskesmas";
    c3.region = "33.01";
    c3.title = "Antrean puskesmas lama";
    c3.body = "Pasien menunggu lima jam.";
    InsertCase(*db_, c3);

    CaseRecord c4 = MakeCase("C-4");
    c4.state = CaseState::kDispositioned;
    c4.verified_at = t0;
    c4.unit_id = unit_b_;
    c4.category = "infrastruktur";
    c4.region = "32";
    c4.title = "Jembatan gantung ambruk";
    c4.body = "Warga menyeberang sungai memakai rakit.";
    c4.next_due_at = t0 + days(5);
    InsertCase(*db_, c4);
  }

  std::int64_t InsertUnit(const std::string& code) {
    auto id = db_->WriteSync<std::int64_t>([&](Connection& c) {
      return AccountStore::InsertUnit(c, UnitRecord{0, code, code, MondayMorning()});
    });
    EXPECT_TRUE(id.has_value());
    return id.value_or(0);
  }

  Result<CasePage> Run(const CaseQuery& q) {
    return db_->ReadSync<CasePage>([q](Connection& c) { return CaseStore::Query(c, q); });
  }

  // The sorted tracking ids the query returns; checks that total agrees when there is one page.
  Ids Find(const CaseQuery& q) {
    auto page = Run(q);
    EXPECT_TRUE(page.has_value()) << (page ? "" : page.error().message);
    if (!page) return {"<error>"};
    Ids ids;
    for (const auto& r : page->items) ids.push_back(r.tracking_id);
    EXPECT_EQ(page->total, static_cast<std::int64_t>(ids.size()));
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  Ids FindText(const std::string& text) {
    CaseQuery q;
    q.text = text;
    return Find(q);
  }

  TempDir dir_;
  std::unique_ptr<Database> db_;
  std::int64_t unit_a_ = 0, unit_b_ = 0;
};

TEST_F(CaseQueryTest, NoFilterReturnsEverything) {
  EXPECT_EQ(Find({}), (Ids{"C-1", "C-2", "C-3", "C-4"}));
}

TEST_F(CaseQueryTest, FiltersByState) {
  CaseQuery q;
  q.state = CaseState::kDispositioned;
  EXPECT_EQ(Find(q), (Ids{"C-3", "C-4"}));
  q.state = CaseState::kClosed;
  EXPECT_EQ(Find(q), Ids{});
}

TEST_F(CaseQueryTest, FiltersByUnit) {
  CaseQuery q;
  q.unit_id = unit_a_;
  EXPECT_EQ(Find(q), Ids{"C-3"});
  q.unit_id = unit_b_;
  EXPECT_EQ(Find(q), Ids{"C-4"});
}

TEST_F(CaseQueryTest, CategoryMatchesItselfAndDescendantsOnly) {
  CaseQuery q;
  q.category = "infrastruktur";
  EXPECT_EQ(Find(q), (Ids{"C-1", "C-2", "C-4"}));
  q.category = "infrastruktur.jalan";
  EXPECT_EQ(Find(q), Ids{"C-1"});
  q.category = "infra";  // a string prefix, not a tree prefix
  EXPECT_EQ(Find(q), Ids{});
}

TEST_F(CaseQueryTest, RegionMatchesItselfAndSubRegionsOnly) {
  CaseQuery q;
  q.region = "32";
  EXPECT_EQ(Find(q), (Ids{"C-1", "C-2", "C-4"}));
  q.region = "32.04";
  EXPECT_EQ(Find(q), Ids{"C-1"});
  q.region = "32.0";
  EXPECT_EQ(Find(q), Ids{});
  q.region = "33";
  EXPECT_EQ(Find(q), Ids{"C-3"});
}

TEST_F(CaseQueryTest, FilterCharactersAreNotWildcards) {
  CaseQuery q;
  q.region = "3_";  // a LIKE wildcard would match "32" and "33"
  EXPECT_EQ(Find(q), Ids{});
  q.region = "%";
  EXPECT_EQ(Find(q), Ids{});
}

TEST_F(CaseQueryTest, TextSearchCoversTitleAndBodyWithPrefixes) {
  EXPECT_EQ(FindText("lubang"), Ids{"C-1"});
  EXPECT_EQ(FindText("LUBANG"), Ids{"C-1"});
  EXPECT_EQ(FindText("puskes"), Ids{"C-3"});        // prefix
  EXPECT_EQ(FindText("plastik"), Ids{"C-2"});       // body
  EXPECT_EQ(FindText("banjir pasar"), Ids{"C-2"});  // all terms
  EXPECT_EQ(FindText("banjir puskesmas"), Ids{});   // ... not any term
}

TEST_F(CaseQueryTest, TextSearchTreatsFtsSyntaxLiterally) {
  // As FTS5 syntax these would mean "either term"; as text they require both words and "or".
  EXPECT_EQ(FindText("banjir OR puskesmas"), Ids{});
  EXPECT_EQ(FindText("\"banjir\" OR \"puskesmas\""), Ids{});
  EXPECT_EQ(FindText("\"lubang"), Ids{"C-1"});
  EXPECT_EQ(FindText("lubang*"), Ids{"C-1"});
  EXPECT_EQ(FindText("(jembatan"), Ids{"C-4"});
  EXPECT_EQ(FindText("jembatan) AND"), Ids{});
  EXPECT_EQ(FindText("title:banjir"), Ids{});  // not a column filter
  EXPECT_EQ(FindText("NEAR(banjir pasar)"), Ids{});
  EXPECT_EQ(FindText("jembatan - ambruk"), Ids{"C-4"});
  // Input made only of syntax characters must not be an FTS error.
  EXPECT_EQ(FindText("\"*()"), Ids{});
  EXPECT_EQ(FindText("'; DROP TABLE cases; --"), Ids{});
  // Found by the api_request fuzz target: a NUL ended FTS5's quoted string early ("unterminated
  // string", a 500). Control characters separate terms like blanks.
  EXPECT_EQ(FindText(std::string("lubang\0", 7)), Ids{"C-1"});
  EXPECT_EQ(FindText(std::string("banjir\0pasar", 13)), Ids{"C-2"});
  EXPECT_EQ(FindText(std::string("\0\x01\x1f", 3)), (Ids{"C-1", "C-2", "C-3", "C-4"}));
  EXPECT_EQ(Find({}).size(), 4u);
}

TEST_F(CaseQueryTest, OverdueAtKeepsCasesDueBeforeIt) {
  CaseQuery q;
  q.overdue_at = MondayMorning() + days(2);
  EXPECT_EQ(Find(q), Ids{"C-1"});
  q.overdue_at = MondayMorning() + days(4);
  EXPECT_EQ(Find(q), (Ids{"C-1", "C-2"}));
}

TEST_F(CaseQueryTest, PublicOnlyExcludesConfidentialAndUnverified) {
  CaseQuery q;
  q.public_only = true;
  EXPECT_EQ(Find(q), (Ids{"C-2", "C-4"}));
}

TEST_F(CaseQueryTest, FiltersCombine) {
  CaseQuery q;
  q.public_only = true;
  q.category = "infrastruktur";
  q.region = "32.73";
  EXPECT_EQ(Find(q), Ids{"C-2"});
}

TEST_F(CaseQueryTest, PagesNewestFirstWithTotal) {
  CaseQuery q;
  q.limit = 3;
  auto first = Run(q);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->total, 4);
  ASSERT_EQ(first->items.size(), 3u);
  EXPECT_EQ(first->items[0].tracking_id, "C-4");
  EXPECT_EQ(first->items[2].tracking_id, "C-2");
  q.offset = 3;
  auto second = Run(q);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->total, 4);
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_EQ(second->items[0].tracking_id, "C-1");
}

TEST_F(CaseQueryTest, ItemsCarryTheirUnitCode) {
  CaseQuery q;
  q.unit_id = unit_b_;
  auto page = Run(q);
  ASSERT_TRUE(page.has_value());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].unit_code, "dinkes");
  EXPECT_TRUE(page->items[0].next_due_at.has_value());
}

}  // namespace
}  // namespace simpul::store
