#include "node/store/case_store.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/node/store/store_test_support.hpp"

namespace simpul::store {
namespace {

using domain::CaseAction;
using domain::CaseState;
using domain::SlaClock;
using std::chrono::days;
using std::chrono::hours;
using testing::InsertCase;
using testing::MakeCase;
using testing::MondayMorning;
using testing::OpenMigrated;
using testing::TempDir;

class CaseStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = OpenMigrated(dir_.path() / "node.db");
    ASSERT_NE(db_, nullptr);
  }

  template <class T>
  Result<T> Write(Database::Job<T> job) {
    return db_->WriteSync<T>(std::move(job));
  }
  Result<CaseRecord> Find(const std::string& tracking_id) {
    return db_->ReadSync<CaseRecord>(
        [tracking_id](Connection& c) { return CaseStore::FindByTrackingId(c, tracking_id); });
  }

  TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(CaseStoreTest, InsertedCaseReadsBack) {
  CaseRecord rec = MakeCase("KAB3204-000001");
  rec.incident_date = "2026-07-01";
  rec.latitude = -6.9;
  rec.longitude = 107.6;
  rec.anonymous = true;
  rec.next_due_at = MondayMorning() + days(3);
  rec.next_clock = "verify";
  const std::int64_t id = InsertCase(*db_, rec);
  auto back = Find("KAB3204-000001");
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(back->id, id);
  EXPECT_EQ(back->title, rec.title);
  EXPECT_EQ(back->incident_date, rec.incident_date);
  EXPECT_EQ(back->latitude, rec.latitude);
  EXPECT_TRUE(back->anonymous);
  EXPECT_FALSE(back->confidential);
  EXPECT_EQ(back->access_hash, rec.access_hash);
  EXPECT_EQ(back->submitted_at, rec.submitted_at);
  EXPECT_EQ(back->next_due_at, rec.next_due_at);
  EXPECT_EQ(back->next_clock, "verify");
  EXPECT_FALSE(back->unit_id.has_value());
  EXPECT_EQ(back->version, 1);
}

TEST_F(CaseStoreTest, UnknownTrackingIdIsNotFound) {
  auto r = Find("KAB3204-404404");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
}

TEST_F(CaseStoreTest, DuplicateTrackingIdIsConflict) {
  InsertCase(*db_, MakeCase("T-1"));
  auto again =
      Write<std::int64_t>([](Connection& c) { return CaseStore::Insert(c, MakeCase("T-1")); });
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
}

TEST_F(CaseStoreTest, SequencesCountPerName) {
  auto next = [&](const char* name) {
    return Write<std::int64_t>([name](Connection& c) { return CaseStore::NextSequence(c, name); })
        .value_or(-1);
  };
  EXPECT_EQ(next("tracking_id"), 1);
  EXPECT_EQ(next("tracking_id"), 2);
  EXPECT_EQ(next("other"), 1);
  EXPECT_EQ(next("tracking_id"), 3);
}

TEST_F(CaseStoreTest, EventsComeBackInOrder) {
  const std::int64_t id = InsertCase(*db_, MakeCase("T-1"));
  std::vector<EventRecord> events = {
      {0, CaseAction::kSubmit, CaseState::kSubmitted, "reporter", "", "{}", true, MondayMorning()},
      {0, CaseAction::kClassify, CaseState::kSubmitted, "user:v", "kategori", R"({"x":1})", false,
       MondayMorning() + hours(1)},
      {0, CaseAction::kVerify, CaseState::kVerified, "user:v", "", "{}", true,
       MondayMorning() + hours(2)}};
  for (const auto& e : events) {
    ASSERT_TRUE(Write<int>([&](Connection& c) -> Result<int> {
      if (auto r = CaseStore::AppendEvent(c, id, e); !r) return tl::unexpected(r.error());
      return 0;
    }));
  }
  auto back = db_->ReadSync<std::vector<EventRecord>>(
      [id](Connection& c) { return CaseStore::Events(c, id); });
  ASSERT_TRUE(back.has_value());
  ASSERT_EQ(back->size(), 3u);
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ((*back)[i].action, events[i].action) << i;
    EXPECT_EQ((*back)[i].state_after, events[i].state_after) << i;
    EXPECT_EQ((*back)[i].actor, events[i].actor) << i;
    EXPECT_EQ((*back)[i].detail, events[i].detail) << i;
    EXPECT_EQ((*back)[i].is_public, events[i].is_public) << i;
    EXPECT_EQ((*back)[i].at, events[i].at) << i;
  }
}

TEST_F(CaseStoreTest, UpdateSummaryRefusesAStaleVersion) {
  const std::int64_t id = InsertCase(*db_, MakeCase("T-1"));
  CaseSummary summary{CaseState::kVerified,
                      std::nullopt,
                      0,
                      std::nullopt,
                      MondayMorning(),
                      std::nullopt,
                      "",
                      "infrastruktur.jalan",
                      domain::Classification::kComplaint,
                      MondayMorning()};
  auto update = [&](std::int64_t version) {
    return Write<int>([&, version](Connection& c) -> Result<int> {
      if (auto r = CaseStore::UpdateSummary(c, id, version, summary); !r) {
        return tl::unexpected(r.error());
      }
      return 0;
    });
  };
  ASSERT_TRUE(update(1).has_value());
  summary.state = CaseState::kArchived;
  auto stale = update(1);
  ASSERT_FALSE(stale.has_value());
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
  auto rec = Find("T-1");
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->state, CaseState::kVerified);
  EXPECT_EQ(rec->version, 2);
  EXPECT_EQ(rec->verified_at, MondayMorning());
}

TEST_F(CaseStoreTest, AttachmentsAreStoredOncePerContent) {
  const std::int64_t id = InsertCase(*db_, MakeCase("T-1"));
  AttachmentRecord a{std::string(64, 'a'), "foto.jpg", "image/jpeg", 1234};
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(Write<int>([&](Connection& c) -> Result<int> {
      if (auto r = CaseStore::InsertAttachment(c, id, a); !r) return tl::unexpected(r.error());
      return 0;
    }));
  }
  auto list = db_->ReadSync<std::vector<AttachmentRecord>>(
      [id](Connection& c) { return CaseStore::Attachments(c, id); });
  ASSERT_TRUE(list.has_value());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].filename, "foto.jpg");
  EXPECT_EQ((*list)[0].size, 1234);
}

TEST_F(CaseStoreTest, DueBeforeSkipsDeadlinesAlreadyEscalated) {
  const auto t0 = MondayMorning();
  CaseRecord fresh = MakeCase("fresh");  // overdue, never escalated
  fresh.next_due_at = t0 + hours(1);
  fresh.next_clock = "verify";
  CaseRecord escalated = MakeCase("escalated");  // overdue, escalated for this very deadline
  escalated.next_due_at = t0 + hours(2);
  escalated.next_clock = "first_response";
  CaseRecord closing = MakeCase("closing");  // auto-close is due regardless of escalation
  closing.next_due_at = t0 + hours(3);
  closing.next_clock = "auto_close";
  CaseRecord later = MakeCase("later");  // not yet due
  later.next_due_at = t0 + days(9);
  later.next_clock = "verify";
  for (const auto& r : {fresh, escalated, closing, later}) InsertCase(*db_, r);
  ASSERT_TRUE(Write<int>([&](Connection& c) -> Result<int> {
    auto s = c.Prepare(
        "UPDATE cases SET escalated_due_at = next_due_at WHERE tracking_id IN "
        "('escalated', 'closing')");
    if (!s) return tl::unexpected(s.error());
    if (auto r = s->Run(); !r) return tl::unexpected(r.error());
    return 0;
  }));
  auto due = db_->ReadSync<std::vector<CaseRecord>>(
      [&](Connection& c) { return CaseStore::DueBefore(c, t0 + days(1), 10); });
  ASSERT_TRUE(due.has_value());
  std::vector<std::string> ids;
  for (const auto& r : *due) ids.push_back(r.tracking_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"fresh", "closing"}));
}

TEST_F(CaseStoreTest, ComplianceCountsMetMissedAndRunning) {
  const std::int64_t a = InsertCase(*db_, MakeCase("A"));
  const std::int64_t b = InsertCase(*db_, MakeCase("B"));
  const auto t0 = MondayMorning();
  using domain::ClockRecord;
  std::vector<ClockRecord> clocks_a = {
      {SlaClock::kVerify, t0, t0 + days(3), t0 + days(1), std::nullopt},    // met
      {SlaClock::kSettle, t0, t0 + days(60), std::nullopt, std::nullopt}};  // running
  std::vector<ClockRecord> clocks_b = {
      {SlaClock::kVerify, t0, t0 + days(3), t0 + days(4), std::nullopt},   // missed
      {SlaClock::kSettle, t0, t0 + days(2), std::nullopt, std::nullopt}};  // running, late
  auto replaced = Write<int>([&](Connection& c) -> Result<int> {
    // Several clocks per case, and replacing twice, must neither fail nor duplicate rows.
    for (auto [id, clocks] : {std::pair{a, &clocks_a}, {a, &clocks_a}, {b, &clocks_b}}) {
      if (auto r = CaseStore::ReplaceClocks(c, id, *clocks); !r) return tl::unexpected(r.error());
    }
    return 0;
  });
  ASSERT_TRUE(replaced.has_value()) << replaced.error().message;
  auto rows = db_->ReadSync<std::vector<ClockCompliance>>(
      [&](Connection& c) { return CaseStore::Compliance(c, t0 + days(10)); });
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->size(), 2u);
  const auto& settle = (*rows)[0].clock == "settle" ? (*rows)[0] : (*rows)[1];
  const auto& verify = (*rows)[0].clock == "verify" ? (*rows)[0] : (*rows)[1];
  EXPECT_EQ(verify.clock, "verify");
  EXPECT_EQ(verify.met, 1);
  EXPECT_EQ(verify.missed, 1);
  EXPECT_EQ(verify.running, 0);
  EXPECT_EQ(settle.met, 0);
  EXPECT_EQ(settle.missed, 1);
  EXPECT_EQ(settle.running, 1);
}

TEST_F(CaseStoreTest, CountsByStateAndOverdue) {
  CaseRecord a = MakeCase("A");
  a.next_due_at = MondayMorning() + hours(1);
  CaseRecord b = MakeCase("B");
  b.state = CaseState::kVerified;
  CaseRecord c = MakeCase("C");
  for (const auto& r : {a, b, c}) InsertCase(*db_, r);
  auto by_state = db_->ReadSync<std::vector<CountRow>>(
      [](Connection& conn) { return CaseStore::CountByState(conn); });
  ASSERT_TRUE(by_state.has_value());
  ASSERT_EQ(by_state->size(), 2u);
  EXPECT_EQ((*by_state)[0].key, "submitted");
  EXPECT_EQ((*by_state)[0].count, 2);
  EXPECT_EQ((*by_state)[1].key, "verified");
  EXPECT_EQ((*by_state)[1].count, 1);
  auto overdue = db_->ReadSync<std::int64_t>(
      [](Connection& conn) { return CaseStore::CountOverdue(conn, MondayMorning() + days(1)); });
  EXPECT_EQ(overdue.value_or(-1), 1);
}

}  // namespace
}  // namespace simpul::store
