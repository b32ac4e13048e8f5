// The national dashboard's judgements: which nodes are silent or alarmed, and the Top-12 rule.
#include "node/coord/monitor_views.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/federation/directory_test_fixture.hpp"

namespace simpul::coord {
namespace {

using federation::testing::SampleDocument;
using federation::testing::SignedDirectory;

constexpr std::int64_t kNow = 1'790'000'000'000;
constexpr std::int64_t kMinute = 60'000;

store::MonNodeRow Seen(std::string node, std::int64_t ago_ms, std::int64_t interval_s = 300) {
  store::MonNodeRow r;
  r.node = std::move(node);
  r.last_seen_at = kNow - ago_ms;
  r.report_at = r.last_seen_at;
  r.interval_s = interval_s;
  return r;
}

const NodeHealth& Row(const std::vector<NodeHealth>& table, std::string_view id) {
  auto it = std::find_if(table.begin(), table.end(),
                         [&](const NodeHealth& h) { return h.node_id == id; });
  EXPECT_NE(it, table.end()) << id;
  return *it;
}

bool Has(const std::vector<std::string>& alarms, std::string_view alarm) {
  return std::find(alarms.begin(), alarms.end(), alarm) != alarms.end();
}

TEST(MonitorViewsTest, ListsEveryMemberAndMarksSilentAfterThreeIntervals) {
  const auto directory = SignedDirectory(SampleDocument());
  std::vector<store::MonNodeRow> rows = {
      Seen("prov:32", 14 * kMinute),                       // under 3 × 5 min: fine
      Seen("kab:32.04", 16 * kMinute),                     // over 3 × 5 min: silent
      Seen("kota:32.73", 2 * kMinute, /*interval_s=*/30),  // over 3 × 30 s: silent
  };
  const auto table = FederationTable(directory, rows, {}, kNow, MonitorPolicy{});

  ASSERT_EQ(table.size(), 4u);  // the coordinator itself is not a member
  for (const auto& h : table) EXPECT_NE(h.node_id, "coord:panrb");
  EXPECT_FALSE(Row(table, "prov:32").silent);
  EXPECT_TRUE(Row(table, "prov:32").alarms.empty());
  EXPECT_TRUE(Row(table, "kab:32.04").silent);
  EXPECT_TRUE(Has(Row(table, "kab:32.04").alarms, kAlarmSilent));
  EXPECT_EQ(Row(table, "kab:32.04").parent, "prov:32");
  EXPECT_EQ(Row(table, "kab:32.04").node_class, "regency");
  EXPECT_TRUE(Row(table, "kota:32.73").silent);
  // Never heard from: silent, nothing reported.
  const auto& ministry = Row(table, "kl:kemenkes");
  EXPECT_TRUE(ministry.silent);
  EXPECT_FALSE(ministry.last_seen_at.has_value());
  EXPECT_TRUE(Has(ministry.alarms, kAlarmSilent));
}

TEST(MonitorViewsTest, RaisesOverdueAndStaleOutboxAlarms) {
  const auto directory = SignedDirectory(SampleDocument());
  auto prov = Seen("prov:32", kMinute);
  prov.overdue_total = 3;
  prov.outbox_pending = 7;
  prov.outbox_oldest_ms = 25 * 60 * kMinute;  // 25 h
  auto kab = Seen("kab:32.04", kMinute);
  kab.outbox_oldest_ms = 60 * kMinute;  // 1 h: not stale
  const auto table = FederationTable(directory, {prov, kab}, {}, kNow, MonitorPolicy{});
  const auto& p = Row(table, "prov:32");
  EXPECT_FALSE(p.silent);
  EXPECT_EQ(p.overdue, 3);
  EXPECT_EQ(p.outbox_pending, 7);
  EXPECT_TRUE(Has(p.alarms, kAlarmOverdue));
  EXPECT_TRUE(Has(p.alarms, kAlarmOutboxStale));
  EXPECT_TRUE(Row(table, "kab:32.04").alarms.empty());
}

TEST(MonitorViewsTest, JoinsTheWitnessStateAndRaisesItsAlarms) {
  const auto directory = SignedDirectory(SampleDocument());
  store::WitnessLogRow kab_log;
  kab_log.origin = "simpul/kab:32.04";
  kab_log.size = 40;
  kab_log.cosigned_at = kNow - kMinute;
  store::WitnessLogRow stranger;
  stranger.origin = "other/log";
  stranger.size = 9;
  store::WitnessAlarmRow fork;
  fork.origin = "simpul/kab:32.04";
  const auto witness = WitnessByNode({kab_log, stranger}, {fork, fork});
  EXPECT_EQ(witness.size(), 1u);

  const auto table =
      FederationTable(directory, {Seen("kab:32.04", kMinute)}, witness, kNow, MonitorPolicy{});
  const auto& kab = Row(table, "kab:32.04");
  EXPECT_EQ(kab.witness_size, 40);
  EXPECT_EQ(kab.witness_cosigned_at, kNow - kMinute);
  EXPECT_EQ(kab.witness_alarms, 2);
  EXPECT_TRUE(Has(kab.alarms, kAlarmWitness));
  EXPECT_FALSE(Row(table, "prov:32").witness_size.has_value());
  EXPECT_FALSE(Has(Row(table, "prov:32").alarms, kAlarmWitness));
}

store::MonNodeRow WithSla(std::string node, std::int64_t cases, std::int64_t met,
                          std::int64_t missed) {
  auto r = Seen(std::move(node), kMinute);
  r.cases_total = cases;
  // Split over two ranked clocks; auto_close never counts towards the rate.
  r.sla = {{"verify", met / 2, missed / 2, 1},
           {"first_response", met - met / 2, missed - missed / 2, 0},
           {"auto_close", 0, 100, 0}};
  return r;
}

TEST(MonitorViewsTest, RanksByComplianceWithMinimumVolumeAndTopTwelve) {
  auto doc = SampleDocument();
  for (int i = 0; i < 14; ++i) {
    doc.nodes.push_back(federation::testing::MakeNode(
        "kab:32." + std::to_string(10 + i), federation::NodeClass::kRegency, "prov:32",
        {"32." + std::to_string(10 + i)}, {}, static_cast<std::uint8_t>(100 + 2 * i)));
  }
  const auto directory = SignedDirectory(doc);
  std::vector<store::MonNodeRow> rows;
  for (int i = 0; i < 14; ++i) {
    rows.push_back(WithSla("kab:32." + std::to_string(10 + i), 20, 10 + i, 4));
  }
  rows.push_back(WithSla("prov:32", 5, 10, 0));      // perfect, but too few cases
  rows.push_back(WithSla("kab:32.04", 50, 30, 10));  // 0.75 with 40 concluded
  rows.push_back(WithSla("kota:32.73", 50, 15, 5));  // 0.75 with 20 concluded

  const auto ranking = RankSla(directory, rows, RankingRule{.min_cases = 10});
  ASSERT_EQ(ranking.top.size(), 12u);
  EXPECT_EQ(ranking.top[0].node_id, "kab:32.23");  // 23 / 27
  EXPECT_EQ(ranking.top[0].rank, 1);
  for (std::size_t i = 1; i < ranking.top.size(); ++i) {
    EXPECT_GE(*ranking.top[i - 1].rate, *ranking.top[i].rate);
    EXPECT_EQ(ranking.top[i].rank, static_cast<int>(i) + 1);
  }
  for (const auto& n : ranking.top) EXPECT_NE(n.node_id, "prov:32");
  // Equal rates: more concluded clocks first. Rank everyone eligible so that both tied nodes
  // have a place.
  const auto wide = RankSla(directory, rows, RankingRule{.min_cases = 10, .top = 20});
  const auto ranked = [&](const char* id) -> std::optional<int> {
    for (const auto& n : wide.top) {
      if (n.node_id == id) return n.rank;
    }
    return std::nullopt;
  };
  const auto kab = ranked("kab:32.04");
  const auto kota = ranked("kota:32.73");
  ASSERT_TRUE(kab.has_value());
  ASSERT_TRUE(kota.has_value());
  EXPECT_EQ(*kota, *kab + 1);
  EXPECT_EQ(wide.top.size(), 16u);  // every node but prov:32, which has too few cases

  const auto prov = std::find_if(ranking.nodes.begin(), ranking.nodes.end(),
                                 [](const NodeSla& s) { return s.node_id == "prov:32"; });
  ASSERT_NE(prov, ranking.nodes.end());
  EXPECT_FALSE(prov->rank.has_value());
  EXPECT_DOUBLE_EQ(*prov->rate, 1.0);
  ASSERT_EQ(prov->clocks.size(), 4u);
  EXPECT_EQ(prov->clocks[3].clock, "auto_close");
  EXPECT_EQ(prov->clocks[3].missed, 100);
  EXPECT_EQ(prov->missed, 0);  // auto_close is not counted
  const auto ministry = std::find_if(ranking.nodes.begin(), ranking.nodes.end(),
                                     [](const NodeSla& s) { return s.node_id == "kl:kemenkes"; });
  ASSERT_NE(ministry, ranking.nodes.end());
  EXPECT_FALSE(ministry->rate.has_value());
}

}  // namespace
}  // namespace simpul::coord
