#include "node/fed/reporter.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <nlohmann/json.hpp>

#include "crypto/bytes.hpp"
#include "node/log.hpp"
#include "node/store/case_store.hpp"
#include "node/store/federation_store.hpp"
#include "node/store/report_source.hpp"
#include "node/store/tlog_audit_store.hpp"
#include "node/store/tlog_store.hpp"

namespace simpul::fed {

namespace net = boost::asio;
using federation::MessageType;
using nlohmann::json;
using store::Connection;

namespace {

// What a report states besides what the database holds.
struct ReportInputs {
  std::string self;
  std::int64_t interval_s = 0;
  std::int64_t directory_version = 0;
  domain::TimePoint now;
};

std::string MetaBody(const std::string& self, const std::vector<store::MetaEvent>& events) {
  json records = json::array();
  for (const auto& e : events) {
    records.push_back({{"event", e.event},
                       {"tracking_id", e.tracking_id},
                       {"origin", e.origin.empty() ? self : e.origin},
                       {"category", e.category},
                       {"region", e.region},
                       {"classification", e.classification},
                       {"state", e.state},
                       {"action", e.action},
                       {"at", e.at},
                       {"submitted_at", e.submitted_at}});
  }
  return json{{"node", self}, {"records", std::move(records)}}.dump();
}

// Sends the next batch of case events after the cursor and moves the cursor past it, in the
// caller's transaction. Returns how many records it sent (0: caught up).
Result<std::int64_t> SendMetaBatch(Connection& c, Outbox& outbox, const std::string& self,
                                   const std::string& coordinator) {
  auto after = store::ReportSource::MetaCursor(c);
  if (!after) return tl::unexpected(after.error());
  auto events =
      store::ReportSource::MetaEvents(c, *after, static_cast<int>(federation::kMaxMetaRecords));
  if (!events) return tl::unexpected(events.error());
  if (events->empty()) return 0;
  auto sent = outbox.Enqueue(
      c, OutgoingMessage{MessageType::kCaseMeta, coordinator, "", MetaBody(self, *events)});
  if (!sent) return tl::unexpected(sent.error());
  if (auto moved = store::ReportSource::SetMetaCursor(c, events->back().event); !moved) {
    return tl::unexpected(moved.error());
  }
  return static_cast<std::int64_t>(events->size());
}

Result<json> CasesAndOverdue(Connection& c, domain::TimePoint now, json& overdue) {
  auto by_state = store::CaseStore::CountByState(c);
  if (!by_state) return tl::unexpected(by_state.error());
  auto total = store::CaseStore::CountAll(c);
  if (!total) return tl::unexpected(total.error());
  auto overdue_total = store::CaseStore::CountOverdue(c, now);
  if (!overdue_total) return tl::unexpected(overdue_total.error());
  auto ids =
      store::ReportSource::OverdueIds(c, now, static_cast<int>(federation::kMaxReportedOverdueIds));
  if (!ids) return tl::unexpected(ids.error());
  json states = json::object();
  for (const auto& row : *by_state) states[row.key] = row.count;
  overdue = {{"total", *overdue_total}, {"ids", *ids}};
  return json{{"total", *total}, {"by_state", std::move(states)}};
}

Result<json> SlaOf(Connection& c, domain::TimePoint now) {
  auto compliance = store::CaseStore::Compliance(c, now);
  if (!compliance) return tl::unexpected(compliance.error());
  json sla = json::object();
  for (const auto& clock : *compliance) {
    sla[clock.clock] = {{"met", clock.met}, {"missed", clock.missed}, {"running", clock.running}};
  }
  return sla;
}

Result<json> OutboxOf(Connection& c, domain::TimePoint now) {
  auto backlog = store::FederationStore::Backlog(c);
  if (!backlog) return tl::unexpected(backlog.error());
  const std::int64_t now_ms = now.time_since_epoch().count();
  json outbox = json::array();
  for (const auto& b : *backlog) {
    json dest = {{"dest", b.dest}, {"pending", b.pending}, {"delivered", b.delivered}};
    if (b.oldest_pending_at) {
      dest["oldest_pending_age_ms"] = std::max<std::int64_t>(0, now_ms - *b.oldest_pending_at);
    }
    outbox.push_back(std::move(dest));
  }
  return outbox;
}

Result<json> LogOf(Connection& c) {
  auto size = store::TlogStore::Size(c);
  if (!size) return tl::unexpected(size.error());
  auto latest = store::TlogStore::LatestCheckpoint(c);
  if (!latest) return tl::unexpected(latest.error());
  auto witnessed = store::TlogStore::LatestWitnessed(c);
  if (!witnessed) return tl::unexpected(witnessed.error());
  json log = {{"size", *size}};
  const auto head = [](const store::CheckpointRow& row) {
    return json{{"size", row.size}, {"root", crypto::HexEncode(row.root)}};
  };
  if (*latest) log["checkpoint"] = head(**latest);
  if (*witnessed) log["witnessed"] = head(**witnessed);
  auto audit = store::TlogAuditStore::Latest(c);
  if (!audit) return tl::unexpected(audit.error());
  if (*audit) {
    const store::AuditRow& a = **audit;
    log["audit"] = {
        {"at", a.at}, {"cases", a.cases}, {"events", a.events}, {"mismatches", a.mismatches}};
  }
  return log;
}

// The node.report body: the node as it stands at in.now.
Result<std::string> MeasureReport(Connection& c, const ReportInputs& in) {
  json overdue;
  auto cases = CasesAndOverdue(c, in.now, overdue);
  if (!cases) return tl::unexpected(cases.error());
  auto sla = SlaOf(c, in.now);
  if (!sla) return tl::unexpected(sla.error());
  auto outbox = OutboxOf(c, in.now);
  if (!outbox) return tl::unexpected(outbox.error());
  auto log = LogOf(c);
  if (!log) return tl::unexpected(log.error());
  auto cursor = store::ReportSource::MetaCursor(c);
  if (!cursor) return tl::unexpected(cursor.error());
  auto pending = store::ReportSource::MetaPending(c, *cursor);
  if (!pending) return tl::unexpected(pending.error());
  const json body = {{"node", in.self},
                     {"at", in.now.time_since_epoch().count()},
                     {"interval_s", in.interval_s},
                     {"directory_version", in.directory_version},
                     {"cases", std::move(*cases)},
                     {"sla", std::move(*sla)},
                     {"overdue", std::move(overdue)},
                     {"outbox", std::move(*outbox)},
                     {"log", std::move(*log)},
                     {"meta", {{"sent", *cursor}, {"pending", *pending}}}};
  return body.dump();
}

}  // namespace

Reporter::Reporter(net::io_context& io, FederationState& state, store::Database& db, Outbox& outbox,
                   service::Clock clock, ReporterOptions options)
    : strand_(net::make_strand(io)),
      timer_(strand_),
      state_(state),
      db_(db),
      outbox_(outbox),
      clock_(std::move(clock)),
      options_(options) {}

void Reporter::Start() { net::co_spawn(strand_, Loop(), net::detached); }

void Reporter::Stop() {
  net::post(strand_, [this] { timer_.cancel(); });
}

net::awaitable<void> Reporter::Loop() {
  for (;;) {
    timer_.expires_after(options_.interval);
    auto [ec] = co_await timer_.async_wait(net::as_tuple(net::use_awaitable));
    if (ec) co_return;
    auto tick = co_await Tick();
    if (!tick) {
      LogEvent(spdlog::level::warn, "node_report_failed",
               {{"code", ErrorCodeName(tick.error().code)}, {"error", tick.error().message}});
    }
  }
}

net::awaitable<Result<ReportTick>> Reporter::Tick() {
  if (!state_.anchor()) {
    co_return Fail(ErrorCode::kUnavailable,
                   "no trust anchor: install the coordinator's anchor with `simpulctl trust "
                   "install` so this node knows where to report");
  }
  const std::string coordinator = state_.anchor()->coordinator;
  const std::string self = state_.self_id();
  ReportTick tick;
  for (int i = 0; i < options_.max_meta_batches; ++i) {
    auto sent = co_await db_.Write<std::int64_t>([this, &self, &coordinator](Connection& c) {
      return SendMetaBatch(c, outbox_, self, coordinator);
    });
    if (!sent) co_return tl::unexpected(sent.error());
    if (*sent == 0) break;
    tick.meta_records += *sent;
    ++tick.meta_batches;
    if (*sent < federation::kMaxMetaRecords) break;
  }
  auto directory = state_.directory();
  const ReportInputs inputs{self, options_.interval.count(), directory ? directory->version() : 0,
                            clock_()};
  auto body =
      co_await db_.Read<std::string>([&inputs](Connection& c) { return MeasureReport(c, inputs); });
  if (!body) co_return tl::unexpected(body.error());
  const OutgoingMessage report{MessageType::kNodeReport, coordinator, "", std::move(*body)};
  auto sent = co_await db_.Write<std::string>(
      [this, &report](Connection& c) { return outbox_.Enqueue(c, report); });
  if (!sent) co_return tl::unexpected(sent.error());
  tick.report_msg_id = std::move(*sent);
  co_return tick;
}

}  // namespace simpul::fed
