#include "node/fed/monitor_ingest.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "node/log.hpp"
#include "node/store/monitor_store.hpp"

namespace simpul::fed {

using federation::MessageType;
using nlohmann::json;

namespace {

// body.node must name the sender: a node speaks only about itself.
Result<void> CheckAboutSender(const json& body, const federation::VerifiedEnvelope& env) {
  const auto& about = body.at("node").get_ref<const std::string&>();
  if (about != env.from) {
    return Fail(ErrorCode::kPermissionDenied, std::string(federation::Name(env.type)) + " from " +
                                                  env.from + " is about " + about +
                                                  "; a node may only report about itself");
  }
  return {};
}

// The store row of a node.report body (already checked against its schema).
store::NodeReportRow ReportRow(const json& body, const std::string& canonical,
                               std::int64_t received_at) {
  store::NodeReportRow row;
  row.node = body.at("node").get<std::string>();
  row.report_at = body.at("at").get<std::int64_t>();
  row.received_at = received_at;
  row.interval_s = body.at("interval_s").get<std::int64_t>();
  row.directory_version = body.at("directory_version").get<std::int64_t>();
  row.cases_total = body.at("cases").at("total").get<std::int64_t>();
  row.overdue_total = body.at("overdue").at("total").get<std::int64_t>();
  for (const auto& dest : body.at("outbox")) {
    row.outbox_pending += dest.at("pending").get<std::int64_t>();
    if (dest.contains("oldest_pending_age_ms")) {
      const auto age = dest.at("oldest_pending_age_ms").get<std::int64_t>();
      row.outbox_oldest_ms = std::max(row.outbox_oldest_ms.value_or(0), age);
    }
  }
  const json& log = body.at("log");
  row.log_size = log.at("size").get<std::int64_t>();
  if (log.contains("checkpoint")) {
    row.checkpoint_size = log.at("checkpoint").at("size").get<std::int64_t>();
  }
  if (log.contains("witnessed")) {
    row.witnessed_size = log.at("witnessed").at("size").get<std::int64_t>();
  }
  if (log.contains("audit")) {
    row.audit_at = log.at("audit").at("at").get<std::int64_t>();
    row.audit_mismatches = log.at("audit").at("mismatches").get<std::int64_t>();
  }
  row.meta_pending = body.at("meta").at("pending").get<std::int64_t>();
  for (const auto& [clock, counts] : body.at("sla").items()) {
    row.sla.push_back(store::ClockCompliance{clock, counts.at("met").get<std::int64_t>(),
                                             counts.at("missed").get<std::int64_t>(),
                                             counts.at("running").get<std::int64_t>()});
  }
  row.report = canonical;
  return row;
}

// The records of a case.meta body; fails unless their event ids strictly increase.
Result<std::vector<store::MetaEvent>> MetaRecords(const json& body) {
  std::vector<store::MetaEvent> out;
  const json& records = body.at("records");
  out.reserve(records.size());
  for (const auto& r : records) {
    store::MetaEvent e{r.at("event").get<std::int64_t>(), r.at("tracking_id").get<std::string>(),
                       r.at("origin").get<std::string>(), r.at("category").get<std::string>(),
                       r.at("region").get<std::string>(), r.at("classification").get<std::string>(),
                       r.at("state").get<std::string>(),  r.at("action").get<std::string>(),
                       r.at("at").get<std::int64_t>(),    r.at("submitted_at").get<std::int64_t>()};
    if (!out.empty() && e.event <= out.back().event) {
      return Fail(ErrorCode::kInvalidArgument,
                  "records[" + std::to_string(out.size()) +
                      "].event: event ids must strictly increase within a case.meta");
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

MonitorIngest::MonitorIngest(service::Clock clock, std::chrono::minutes utc_offset)
    : clock_(std::move(clock)), utc_offset_(utc_offset) {}

Result<void> MonitorIngest::Apply(store::Connection& c, const federation::VerifiedEnvelope& env,
                                  std::string_view /*origin_request_id: nothing is relayed*/) {
  if (!env.body) return Fail(ErrorCode::kInvalidArgument, "envelope body was erased");
  switch (env.type) {
    case MessageType::kNodeReport:
      return ApplyReport(c, env);
    case MessageType::kCaseMeta:
      return ApplyMeta(c, env);
    default:
      return Fail(ErrorCode::kInternal,
                  "monitor ingest was handed " + std::string(federation::Name(env.type)));
  }
}

Result<void> MonitorIngest::ApplyReport(store::Connection& c,
                                        const federation::VerifiedEnvelope& env) {
  const json body = json::parse(*env.body);
  if (auto ok = CheckAboutSender(body, env); !ok) return ok;
  const std::int64_t now = clock_().time_since_epoch().count();
  auto stored = store::MonitorStore::PutReport(c, ReportRow(body, *env.body, now));
  if (!stored) return tl::unexpected(stored.error());
  if (!*stored) {
    LogEvent(spdlog::level::info, "node_report_not_newer",
             {{"node", env.from}, {"msg_id", env.msg_id}, {"at", body.at("at")}});
  }
  return {};
}

Result<void> MonitorIngest::ApplyMeta(store::Connection& c,
                                      const federation::VerifiedEnvelope& env) {
  const json body = json::parse(*env.body);
  if (auto ok = CheckAboutSender(body, env); !ok) return ok;
  auto records = MetaRecords(body);
  if (!records) return tl::unexpected(records.error());
  const std::int64_t now = clock_().time_since_epoch().count();
  auto ingested = store::MonitorStore::IngestMeta(c, env.from, *records, now, utc_offset_);
  if (!ingested) return tl::unexpected(ingested.error());
  if (ingested->skipped > 0) {
    LogEvent(spdlog::level::info, "case_meta_already_ingested",
             {{"node", env.from}, {"msg_id", env.msg_id}, {"skipped", ingested->skipped}});
  }
  return {};
}

}  // namespace simpul::fed
