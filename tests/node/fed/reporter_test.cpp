// The member node's reports to the coordinator: case.meta carries exactly the personal-data-free
// fields, its cursor never sends an event twice and catches up in bounded batches, and node.report
// describes the node as its own tables do.
#include "node/fed/reporter.hpp"

#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "node/store/case_store.hpp"
#include "node/store/report_source.hpp"
#include "tests/node/fed/fed_test_fixture.hpp"

namespace simpul::fed::testing {
namespace {

using domain::CaseAction;

constexpr std::string_view kCoordinator = "coord:panrb";

class ReporterTest : public FedTest {
 protected:
  void SetUp() override {
    FedTest::SetUp();
    reporter_ = std::make_unique<Reporter>(
        io_, *state_, *db_, *outbox_, clock_,
        ReporterOptions{.interval = std::chrono::seconds(300), .max_meta_batches = 2});
  }

  ReportTick Tick() {
    auto ticking = reporter_->Tick();
    auto tick = simpul::testing::RunAwait(io_, std::move(ticking));
    EXPECT_TRUE(tick.has_value()) << tick.error().message;
    return tick.value_or(ReportTick{});
  }

  // Files a complaint with every personal detail filled in; returns its tracking id.
  std::string File() {
    domain::ComplaintDraft draft = service::testing::ValidDraft();
    draft.address = "Jl. Merdeka No. 10, RT 02/RW 05";
    draft.latitude = -6.9147;
    draft.longitude = 107.6098;
    auto submitting = cases_->Submit(draft);
    auto submitted = simpul::testing::RunAwait(io_, std::move(submitting));
    EXPECT_TRUE(submitted.has_value()) << submitted.error().message;
    return submitted ? submitted->tracking_id : "";
  }
  void Act(const std::string& id, CaseAction action, std::string reason = "") {
    service::ActionCommand cmd;
    cmd.action = action;
    cmd.reason = std::move(reason);
    if (action == CaseAction::kArchive) cmd.archive_reason = domain::ArchiveReason::kAbusive;
    auto acting = cases_->Act(verifier_, id, std::move(cmd));
    auto done = simpul::testing::RunAwait(io_, std::move(acting));
    EXPECT_TRUE(done.has_value()) << done.error().message;
  }

  // Envelopes to the coordinator of `type`, oldest first.
  std::vector<json> Sent(std::string_view type) {
    std::vector<json> out;
    for (const auto& row : OutboxTo(kCoordinator)) {
      if (row.type == type) out.push_back(json::parse(row.envelope));
    }
    return out;
  }

  std::int64_t Cursor() {
    return Read<std::int64_t>([](store::Connection& c) { return store::ReportSource::MetaCursor(c); });
  }

  std::unique_ptr<Reporter> reporter_;
};

TEST_F(ReporterTest, CaseMetaCarriesOnlyMetadataNeverPersonalDataOrText) {
  const auto kept = File();
  Act(kept, CaseAction::kVerify);
  const auto abusive = File();
  Act(abusive, CaseAction::kArchive, "kata-kata kasar dari pelapor");

  const auto tick = Tick();

  EXPECT_EQ(tick.meta_batches, 1);
  EXPECT_EQ(tick.meta_records, 4);
  const auto metas = Sent("case.meta");
  ASSERT_EQ(metas.size(), 1u);
  const json& envelope = metas[0];
  EXPECT_EQ(envelope.at("to"), kCoordinator);
  EXPECT_FALSE(envelope.at("refs").contains("case_id"));
  const json& body = envelope.at("body");
  EXPECT_TRUE(federation::ValidateBody(MessageType::kCaseMeta, body, ""));
  EXPECT_EQ(body.at("node"), kSelf);
  const std::set<std::string> allowed = {"event",          "tracking_id", "origin", "category",
                                         "region",         "classification", "state", "action",
                                         "at",             "submitted_at"};
  ASSERT_EQ(body.at("records").size(), 4u);
  for (const auto& record : body.at("records")) {
    std::set<std::string> fields;
    for (const auto& [key, value] : record.items()) fields.insert(key);
    EXPECT_EQ(fields, allowed) << record.dump();
    EXPECT_EQ(record.at("origin"), kSelf);
    EXPECT_EQ(record.at("category"), "infrastruktur.jalan");
    EXPECT_EQ(record.at("region"), "32.04");
  }
  const auto& records = body.at("records");
  EXPECT_EQ(records[0].at("tracking_id"), kept);
  EXPECT_EQ(records[0].at("action"), "submit");
  EXPECT_EQ(records[1].at("action"), "verify");
  EXPECT_EQ(records[1].at("state"), "verified");
  EXPECT_EQ(records[3].at("tracking_id"), abusive);
  EXPECT_EQ(records[3].at("state"), "archived");
  EXPECT_LT(records[0].at("event").get<std::int64_t>(), records[3].at("event").get<std::int64_t>());

  // Nothing personal or free-text anywhere in the envelope.
  const std::string text = envelope.dump();
  const auto draft = service::testing::ValidDraft();
  for (const std::string& secret :
       {draft.title, draft.body, std::string("Jl. Merdeka"), std::string("-6.9147"),
        std::string("107.6098"), draft.reporter.name, draft.reporter.nik, draft.reporter.phone,
        draft.reporter.email, std::string("kata-kata kasar")}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret;
  }
}

TEST_F(ReporterTest, ReportDescribesTheNodeAsItsTablesDo) {
  const auto id = File();
  Act(id, CaseAction::kVerify);
  const auto late = File();
  now_ += std::chrono::days(30);  // the second is long overdue for verification

  Tick();

  const auto reports = Sent("node.report");
  ASSERT_EQ(reports.size(), 1u);
  const json& body = reports[0].at("body");
  EXPECT_TRUE(federation::ValidateBody(MessageType::kNodeReport, body, ""));
  EXPECT_EQ(body.at("node"), kSelf);
  EXPECT_EQ(body.at("at"), NowMs());
  EXPECT_EQ(body.at("interval_s"), 300);
  EXPECT_EQ(body.at("directory_version"), directory_->version());
  EXPECT_EQ(body.at("cases").at("total"), 2);
  EXPECT_EQ(body.at("cases").at("by_state").at("verified"), 1);
  EXPECT_EQ(body.at("cases").at("by_state").at("submitted"), 1);
  EXPECT_EQ(body.at("overdue").at("total"), 1);
  EXPECT_EQ(body.at("overdue").at("ids"), json::array({late}));
  // The verify clock of the first case stopped on time; the second's ran out.
  EXPECT_EQ(body.at("sla").at("verify").at("met"), 1);
  EXPECT_EQ(body.at("sla").at("verify").at("missed"), 1);
  // The case.meta of this tick waits in the outbox to the coordinator.
  ASSERT_EQ(body.at("outbox").size(), 1u);
  EXPECT_EQ(body.at("outbox")[0].at("dest"), kCoordinator);
  EXPECT_EQ(body.at("outbox")[0].at("pending"), 1);
  EXPECT_TRUE(body.at("outbox")[0].contains("oldest_pending_age_ms"));
  EXPECT_GT(body.at("log").at("size").get<std::int64_t>(), 0);
  EXPECT_EQ(body.at("meta").at("sent"), Cursor());
  EXPECT_EQ(body.at("meta").at("pending"), 0);
}

TEST_F(ReporterTest, CursorNeverSendsAnEventTwice) {
  const auto id = File();
  Tick();
  EXPECT_EQ(Sent("case.meta").size(), 1u);
  const auto after_first = Cursor();
  EXPECT_GT(after_first, 0);

  const auto quiet = Tick();  // nothing new: only a report
  EXPECT_EQ(quiet.meta_records, 0);
  EXPECT_EQ(Sent("case.meta").size(), 1u);
  EXPECT_EQ(Sent("node.report").size(), 2u);

  Act(id, CaseAction::kVerify);
  const auto next = Tick();
  EXPECT_EQ(next.meta_records, 1);
  const auto metas = Sent("case.meta");
  ASSERT_EQ(metas.size(), 2u);
  const auto& records = metas[1].at("body").at("records");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].at("action"), "verify");
  EXPECT_GT(records[0].at("event").get<std::int64_t>(), after_first);
}

TEST_F(ReporterTest, LargeBacklogCatchesUpInBoundedBatches) {
  const auto id = File();
  // 1,100 more events on the case: a node with history from before it joined the federation.
  auto added = db_->WriteSync<int>([&](store::Connection& c) -> Result<int> {
    auto rec = store::CaseStore::FindByTrackingId(c, id);
    if (!rec) return tl::unexpected(rec.error());
    for (int i = 0; i < 1100; ++i) {
      const store::EventRecord ev{0, CaseAction::kEscalate, domain::CaseState::kSubmitted,
                                  "system", "", "{}", false, now_};
      if (auto r = store::CaseStore::AppendEvent(c, rec->id, ev); !r) return tl::unexpected(r.error());
    }
    return 0;
  });
  ASSERT_TRUE(added.has_value()) << added.error().message;

  const auto first = Tick();  // at most 2 batches per tick in this test
  EXPECT_EQ(first.meta_batches, 2);
  EXPECT_EQ(first.meta_records, 1000);
  EXPECT_EQ(Sent("node.report").back().at("body").at("meta").at("pending"), 101);

  const auto second = Tick();
  EXPECT_EQ(second.meta_batches, 1);
  EXPECT_EQ(second.meta_records, 101);
  EXPECT_EQ(Sent("node.report").back().at("body").at("meta").at("pending"), 0);
  std::int64_t previous = 0, total = 0;
  for (const auto& meta : Sent("case.meta")) {
    const auto& records = meta.at("body").at("records");
    EXPECT_LE(records.size(), static_cast<std::size_t>(federation::kMaxMetaRecords));
    for (const auto& r : records) {
      EXPECT_GT(r.at("event").get<std::int64_t>(), previous);
      previous = r.at("event").get<std::int64_t>();
      ++total;
    }
  }
  EXPECT_EQ(total, 1101);
}

TEST_F(ReporterTest, WithoutTrustAnchorNothingIsSent) {
  FederationState lone(std::string(kSelf), std::nullopt,
                       federation::testing::KeyFromByte(kSelfKeySeed));
  lone.SetDirectory(directory_);
  Reporter reporter(io_, lone, *db_, *outbox_, clock_, ReporterOptions{});
  File();
  auto ticking = reporter.Tick();
  auto tick = simpul::testing::RunAwait(io_, std::move(ticking));
  ASSERT_FALSE(tick.has_value());
  EXPECT_EQ(tick.error().code, ErrorCode::kUnavailable);
  EXPECT_TRUE(OutboxTo(kCoordinator).empty());
}

}  // namespace
}  // namespace simpul::fed::testing
