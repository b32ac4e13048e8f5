// The coordinator's monitoring tables: months at the coordinator's UTC offset, trend filters,
// report ordering and the bounded report history.
#include "node/store/monitor_store.hpp"

#include <gtest/gtest.h>

#include "tests/node/store/store_test_support.hpp"

namespace simpul::store {
namespace {

using testing::OpenMigrated;
using testing::TempDir;

constexpr std::int64_t kJune30At2000Utc = 1'782'849'600'000;  // 2026-07-01 03:00 WIB
constexpr std::int64_t kDayMs = 86'400'000;

MetaEvent Submitted(std::int64_t event, std::string tracking_id, std::string category,
                    std::int64_t submitted_at) {
  return MetaEvent{event, std::move(tracking_id), "kab:32.04", std::move(category), "32.04",
                   "complaint", "submitted", "submit", submitted_at, submitted_at};
}

NodeReportRow Report(std::int64_t report_at) {
  NodeReportRow r;
  r.node = "kab:32.04";
  r.report_at = report_at;
  r.received_at = report_at + 10;
  r.interval_s = 300;
  r.cases_total = 1;
  r.report = "{}";
  return r;
}

class MonitorStoreTest : public ::testing::Test {
 protected:
  template <class T, class F>
  T Write(F job) {
    auto r = db_->WriteSync<T>([&](Connection& c) -> Result<T> { return job(c); });
    EXPECT_TRUE(r.has_value()) << r.error().message;
    return r ? std::move(*r) : T{};
  }
  std::vector<TrendRow> Trends(TrendQuery q) {
    return Write<std::vector<TrendRow>>([&](Connection& c) { return MonitorStore::Trends(c, q); });
  }

  TempDir dir_;
  std::unique_ptr<Database> db_ = OpenMigrated(dir_.path() / "coord.db");
};

TEST_F(MonitorStoreTest, MonthsAreTakenAtTheCoordinatorsOffset) {
  Write<MetaIngest>([](Connection& c) {
    return MonitorStore::IngestMeta(
        c, "kab:32.04",
        {Submitted(1, "KAB3204-000001", "infrastruktur.jalan", kJune30At2000Utc),
         Submitted(2, "KAB3204-000002", "kesehatan.puskesmas", kJune30At2000Utc - kDayMs)},
        kJune30At2000Utc, std::chrono::hours(7));
  });
  const auto months = Trends({TrendKey::kMonth, "", ""});
  ASSERT_EQ(months.size(), 2u);
  EXPECT_EQ(months[0].key, "2026-06");
  EXPECT_EQ(months[1].key, "2026-07");  // 20:00 UTC on 30 June is July in WIB
  const auto july = Trends({TrendKey::kCategory, "2026-07", "2026-07"});
  ASSERT_EQ(july.size(), 1u);
  EXPECT_EQ(july[0].key, "infrastruktur.jalan");
  EXPECT_TRUE(Trends({TrendKey::kRegion, "2026-08", ""}).empty());
  EXPECT_EQ(Trends({TrendKey::kRegion, "", "2026-07"}).at(0).cases, 2);
}

TEST_F(MonitorStoreTest, OnlyANewerReportReplacesTheLatest) {
  EXPECT_TRUE(Write<bool>([](Connection& c) { return MonitorStore::PutReport(c, Report(1000)); }));
  EXPECT_FALSE(Write<bool>([](Connection& c) { return MonitorStore::PutReport(c, Report(1000)); }));
  EXPECT_FALSE(Write<bool>([](Connection& c) { return MonitorStore::PutReport(c, Report(900)); }));
  EXPECT_TRUE(Write<bool>([](Connection& c) { return MonitorStore::PutReport(c, Report(2000)); }));
  const auto nodes = Write<std::vector<MonNodeRow>>([](Connection& c) { return MonitorStore::Nodes(c); });
  ASSERT_EQ(nodes.size(), 1u);
  EXPECT_EQ(nodes[0].reports, 2);
  EXPECT_EQ(nodes[0].report_at, 2000);
}

TEST_F(MonitorStoreTest, HistoryKeepsSevenDays) {
  const std::int64_t start = kJune30At2000Utc;
  for (int day = 0; day <= 9; ++day) {
    Write<bool>([&](Connection& c) { return MonitorStore::PutReport(c, Report(start + day * kDayMs)); });
  }
  const auto history = Write<std::vector<ReportHistoryRow>>(
      [](Connection& c) { return MonitorStore::History(c, "kab:32.04", 100); });
  ASSERT_EQ(history.size(), 8u);  // days 2..9: the last seven days and the newest
  EXPECT_EQ(history.front().report_at, start + 9 * kDayMs);
  EXPECT_EQ(history.back().report_at, start + 2 * kDayMs);
}

}  // namespace
}  // namespace simpul::store
