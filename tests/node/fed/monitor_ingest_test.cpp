// The coordinator's intake of node.report and case.meta through the real inbox: only the
// coordinator accepts them, only from the node they are about, and a resent envelope or record is
// never counted twice.
#include "node/fed/monitor_ingest.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "node/store/monitor_store.hpp"
#include "tests/node/fed/fed_test_fixture.hpp"

namespace simpul::fed::testing {
namespace {

constexpr std::int64_t kT0 = 1'783'000'000'000;  // 2026-07-02, submission time of the cases
constexpr std::int64_t kHourMs = 3'600'000;

json ReportBody(std::string_view node, std::int64_t at, std::int64_t total) {
  return {{"node", node},
          {"at", at},
          {"interval_s", 60},
          {"directory_version", 3},
          {"cases", {{"total", total}, {"by_state", {{"verified", total}}}}},
          {"sla", {{"verify", {{"met", 8}, {"missed", 2}, {"running", 1}}}}},
          {"overdue", {{"total", 1}, {"ids", {"KAB3204-000009"}}}},
          {"outbox",
           {{{"dest", "coord:panrb"}, {"pending", 2}, {"delivered", 5},
             {"oldest_pending_age_ms", 4000}},
            {{"dest", "prov:32"}, {"pending", 3}, {"delivered", 1},
             {"oldest_pending_age_ms", 9000}}}},
          {"log",
           {{"size", 77},
            {"checkpoint", {{"size", 70}, {"root", std::string(64, 'a')}}},
            {"witnessed", {{"size", 64}, {"root", std::string(64, 'b')}}}}},
          {"meta", {{"sent", 12}, {"pending", 0}}}};
}

json Record(std::int64_t event, std::string_view tracking_id, std::string_view origin,
            std::string_view action, std::string_view state, std::int64_t at) {
  return {{"event", event},
          {"tracking_id", tracking_id},
          {"origin", origin},
          {"category", "infrastruktur.jalan"},
          {"region", "32.04"},
          {"classification", "complaint"},
          {"state", state},
          {"action", action},
          {"at", at},
          {"submitted_at", kT0}};
}

json MetaBody(std::string_view node, std::vector<json> records) {
  return {{"node", node}, {"records", std::move(records)}};
}

struct CaseRow {
  std::string node, state, month;
  std::optional<std::int64_t> verified_at, first_response_at, resolved_at, closed_at;
};

class MonitorIngestTest : public FedTest {
 protected:
  // The inbox of a coordinator: monitoring envelopes go to the intake.
  void AsCoordinator() { exchange_->SetMonitor(&ingest_); }

  InboxOutcome Send(PeerStream& peer, MessageType type, const json& body) {
    return ReceiveOne(peer.from, Next(peer, type, "", body.dump()));
  }
  std::vector<store::MonNodeRow> Nodes() {
    return Read<std::vector<store::MonNodeRow>>(
        [](store::Connection& c) { return store::MonitorStore::Nodes(c); });
  }
  std::optional<CaseRow> Case(const std::string& tracking_id) {
    return Read<std::optional<CaseRow>>([&](store::Connection& c) -> Result<std::optional<CaseRow>> {
      auto s = c.Prepare(
          "SELECT node, state, month, verified_at, first_response_at, resolved_at, closed_at "
          "FROM mon_cases WHERE tracking_id = ?");
      if (!s) return tl::unexpected(s.error());
      s->Bind(1, tracking_id);
      auto row = s->Step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) return std::optional<CaseRow>();
      return std::optional<CaseRow>(CaseRow{s->Text(0), s->Text(1), s->Text(2), s->OptionalInt(3),
                                            s->OptionalInt(4), s->OptionalInt(5),
                                            s->OptionalInt(6)});
    });
  }

  MonitorIngest ingest_{clock_, std::chrono::hours(7)};
};

void ExpectDead(const InboxOutcome& outcome, ErrorCode code) {
  EXPECT_EQ(outcome.status, "dead");
  ASSERT_TRUE(outcome.error.has_value());
  EXPECT_EQ(outcome.error->code, code) << outcome.error->message;
}

TEST_F(MonitorIngestTest, ANodeThatIsNotTheCoordinatorRefusesThem) {
  auto report = Send(regency_, MessageType::kNodeReport, ReportBody(kRegency, NowMs(), 4));
  ExpectDead(report, ErrorCode::kPermissionDenied);
  EXPECT_NE(report.error->message.find("not the coordinator"), std::string::npos);
  auto meta = Send(regency_, MessageType::kCaseMeta,
                   MetaBody(kRegency, {Record(1, "KAB3204-000001", kRegency, "submit",
                                              "submitted", kT0)}));
  ExpectDead(meta, ErrorCode::kPermissionDenied);
  EXPECT_TRUE(Nodes().empty());
  // The sender hears that they were skipped.
  const auto skips = OutboxTo(kRegency);
  ASSERT_EQ(skips.size(), 2u);
  EXPECT_EQ(skips[0].type, "stream.skip");
}

TEST_F(MonitorIngestTest, CoordinatorStoresTheSendersReport) {
  AsCoordinator();
  auto outcome = Send(regency_, MessageType::kNodeReport, ReportBody(kRegency, NowMs() - 500, 4));
  ASSERT_EQ(outcome.status, "applied") << (outcome.error ? outcome.error->message : "");

  const auto nodes = Nodes();
  ASSERT_EQ(nodes.size(), 1u);
  const auto& n = nodes[0];
  EXPECT_EQ(n.node, kRegency);
  EXPECT_EQ(n.report_at, NowMs() - 500);
  EXPECT_EQ(n.last_seen_at, NowMs());  // the coordinator's own clock
  EXPECT_EQ(n.interval_s, 60);
  EXPECT_EQ(n.directory_version, 3);
  EXPECT_EQ(n.cases_total, 4);
  EXPECT_EQ(n.overdue_total, 1);
  EXPECT_EQ(n.outbox_pending, 5);        // summed over destinations
  EXPECT_EQ(n.outbox_oldest_ms, 9000);   // the oldest of any destination
  EXPECT_EQ(n.log_size, 77);
  EXPECT_EQ(n.checkpoint_size, 70);
  EXPECT_EQ(n.witnessed_size, 64);
  EXPECT_EQ(n.reports, 1);
  ASSERT_EQ(n.sla.size(), 1u);
  EXPECT_EQ(n.sla[0].clock, "verify");
  EXPECT_EQ(n.sla[0].met, 8);
  EXPECT_EQ(n.sla[0].missed, 2);
}

TEST_F(MonitorIngestTest, ANodeMayOnlyReportAboutItself) {
  AsCoordinator();
  ExpectDead(Send(regency_, MessageType::kNodeReport, ReportBody("kota:32.73", NowMs(), 4)),
             ErrorCode::kPermissionDenied);
  ExpectDead(Send(regency_, MessageType::kCaseMeta,
                  MetaBody(kMinistry, {Record(1, "KLKEMENKES-000001", kMinistry, "submit",
                                              "submitted", kT0)})),
             ErrorCode::kPermissionDenied);
  EXPECT_TRUE(Nodes().empty());
  EXPECT_FALSE(Case("KLKEMENKES-000001").has_value());
}

TEST_F(MonitorIngestTest, ResentEnvelopesAndRecordsAreNeverCountedTwice) {
  AsCoordinator();
  const auto report = Next(regency_, MessageType::kNodeReport,
                           "", ReportBody(kRegency, NowMs(), 4).dump());
  ASSERT_EQ(ReceiveOne(regency_.from, report).status, "applied");
  EXPECT_EQ(ReceiveOne(regency_.from, report).status, "duplicate");
  // The same measurement again in a new envelope is not newer: ignored.
  ASSERT_EQ(Send(regency_, MessageType::kNodeReport, ReportBody(kRegency, NowMs(), 9)).status,
            "applied");
  auto nodes = Nodes();
  ASSERT_EQ(nodes.size(), 1u);
  EXPECT_EQ(nodes[0].reports, 1);
  EXPECT_EQ(nodes[0].cases_total, 4);

  const std::string id = "KAB3204-000001";
  const auto meta = Next(regency_, MessageType::kCaseMeta, "",
                         MetaBody(kRegency, {Record(1, id, kRegency, "submit", "submitted", kT0),
                                             Record(2, id, kRegency, "verify", "verified",
                                                    kT0 + kHourMs)})
                             .dump());
  ASSERT_EQ(ReceiveOne(regency_.from, meta).status, "applied");
  EXPECT_EQ(ReceiveOne(regency_.from, meta).status, "duplicate");
  // A node restored from backup sends records 1 and 2 again with a new one.
  ASSERT_EQ(Send(regency_, MessageType::kCaseMeta,
                 MetaBody(kRegency, {Record(1, id, kRegency, "submit", "submitted", kT0),
                                     Record(2, id, kRegency, "verify", "verified", kT0 + kHourMs),
                                     Record(3, id, kRegency, "dispose", "dispositioned",
                                            kT0 + 2 * kHourMs)}))
                .status,
            "applied");
  nodes = Nodes();
  EXPECT_EQ(nodes[0].meta_records, 3);
  EXPECT_EQ(nodes[0].meta_cursor, 3);
  const auto row = Case(id);
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->state, "dispositioned");
  EXPECT_EQ(row->verified_at, kT0 + kHourMs);
  const auto totals = Read<store::MonitorTotals>(
      [](store::Connection& c) { return store::MonitorStore::Totals(c); });
  EXPECT_EQ(totals.cases, 1);
  EXPECT_EQ(totals.meta_records, 3);
  EXPECT_EQ(totals.reports, 1);
}

TEST_F(MonitorIngestTest, RecordsOutOfOrderAreRefused) {
  AsCoordinator();
  ExpectDead(Send(regency_, MessageType::kCaseMeta,
                  MetaBody(kRegency, {Record(5, "KAB3204-000001", kRegency, "submit", "submitted",
                                             kT0),
                                      Record(5, "KAB3204-000001", kRegency, "verify", "verified",
                                             kT0)})),
             ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Nodes().empty());
}

// A case filed at the ministry and handled by the regency: one row, at the regency, whatever the
// order the two nodes' metadata arrives in; the ministry's echoes do not pull it back.
TEST_F(MonitorIngestTest, AForwardedCaseIsOneRowAtItsHandler) {
  AsCoordinator();
  const std::string id = "KLKEMENKES-000007";
  const std::string ministry(kMinistry);
  const std::string regency(kRegency);
  ASSERT_EQ(Send(regency_, MessageType::kCaseMeta,
                 MetaBody(kRegency,
                          {Record(10, id, ministry, "submit", "submitted", kT0),
                           Record(11, id, ministry, "verify", "verified", kT0 + 5 * kHourMs),
                           Record(12, id, ministry, "dispose", "dispositioned", kT0 + 6 * kHourMs),
                           Record(13, id, ministry, "respond", "in_progress", kT0 + 7 * kHourMs),
                           Record(14, id, ministry, "resolve", "resolved", kT0 + 8 * kHourMs),
                           Record(15, id, ministry, "close", "closed", kT0 + 9 * kHourMs)}))
                .status,
            "applied");
  ASSERT_EQ(Send(ministry_, MessageType::kCaseMeta,
                 MetaBody(kMinistry,
                          {Record(1, id, ministry, "submit", "submitted", kT0),
                           Record(2, id, ministry, "verify", "verified", kT0 + kHourMs),
                           Record(3, id, ministry, "forward", "forwarded", kT0 + 2 * kHourMs),
                           Record(4, id, ministry, "peer_update", "forwarded", kT0 + 5 * kHourMs),
                           Record(5, id, ministry, "reporter_reply", "forwarded",
                                  kT0 + 10 * kHourMs),
                           Record(6, id, ministry, "peer_update", "closed", kT0 + 11 * kHourMs)}))
                .status,
            "applied");
  const auto row = Case(id);
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->node, regency);
  EXPECT_EQ(row->state, "closed");
  EXPECT_EQ(row->verified_at, kT0 + kHourMs);  // the first verification, at the ministry
  EXPECT_EQ(row->first_response_at, kT0 + 7 * kHourMs);
  EXPECT_EQ(row->resolved_at, kT0 + 8 * kHourMs);
  EXPECT_EQ(row->closed_at, kT0 + 9 * kHourMs);
  EXPECT_EQ(row->month, "2026-07");
  const auto trends = Read<std::vector<store::TrendRow>>([](store::Connection& c) {
    return store::MonitorStore::Trends(c, {store::TrendKey::kCategory, "", ""});
  });
  ASSERT_EQ(trends.size(), 1u);
  EXPECT_EQ(trends[0].cases, 1);
  EXPECT_EQ(trends[0].closed, 1);
  EXPECT_EQ(trends[0].forwarded, 1);
  EXPECT_EQ(trends[0].mean_first_response_ms, 7 * kHourMs);
}

}  // namespace
}  // namespace simpul::fed::testing
