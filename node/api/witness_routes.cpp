#include "node/api/witness_routes.hpp"

#include <climits>

#include <nlohmann/json.hpp>

#include "crypto/bytes.hpp"
#include "federation/witness_protocol.hpp"
#include "node/api/json_body.hpp"
#include "node/http/metrics.hpp"
#include "node/store/witness_store.hpp"

namespace simpul::api {
namespace {

using federation::WitnessRefusal;
using http::Access;
using http::ApiRequest;
using http::ApiResponse;
using http::Method;
using nlohmann::json;
using Reply = boost::asio::awaitable<ApiResponse>;
using service::Role;

// The HTTP form of an answer, with the statuses and bodies of the tlog-witness spec.
ApiResponse AnswerResponse(const coord::WitnessAnswer& answer) {
  if (!answer.refusal) {
    Result<std::string> lines = federation::FormatCosignatureLines(answer.cosignatures);
    if (!lines) return ApiResponse::FromError(lines.error());
    return ApiResponse::Text(200, "text/plain; charset=utf-8", std::move(*lines));
  }
  if (*answer.refusal == WitnessRefusal::kOldSizeMismatch) {
    return ApiResponse::Text(409, std::string(federation::kTlogSizeContentType),
                             federation::FormatTlogSize(answer.known_size));
  }
  return ApiResponse::Json(
      federation::HttpStatusOf(*answer.refusal),
      {{"error", {{"code", federation::Name(*answer.refusal)}, {"message", answer.message}}}});
}

json LogJson(const store::WitnessLogRow& row) {
  return {{"origin", row.origin},
          {"node_id", federation::NodeIdOfOrigin(row.origin)},
          {"size", row.size},
          {"root_hash", crypto::Base64Encode(row.root)},
          {"checkpoint", row.note},
          {"first_cosigned_at", row.first_cosigned_at},
          {"cosigned_at", row.cosigned_at}};
}

json AlarmJson(const store::WitnessAlarmRow& a) {
  return {{"id", a.id},
          {"kind", store::Name(a.kind)},
          {"origin", a.origin},
          {"node_id", federation::NodeIdOfOrigin(a.origin)},
          {"detail", a.detail},
          {"raised_at", a.raised_at},
          {"cosigned",
           {{"size", a.cosigned_size},
            {"root_hash", crypto::Base64Encode(a.cosigned_root)},
            {"checkpoint", a.cosigned_note}}},
          {"submitted",
           {{"size", a.submitted_size},
            {"root_hash", crypto::Base64Encode(a.submitted_root)},
            {"checkpoint", a.submitted_note}}}};
}

Reply AddCheckpoint(WitnessApi& api, ApiRequest& req) {
  auto peer = api.state.NodeForSpki(req.peer_spki);
  if (!peer) {
    co_return ApiResponse::FromError(
        Error{ErrorCode::kPermissionDenied,
              "the client certificate does not belong to any node in the directory"});
  }
  std::string submitter = *peer;
  std::string body = std::move(req.body);
  auto answer = co_await api.witness.AddCheckpoint(std::move(body), std::move(submitter));
  if (!answer) {
    ApiResponse err = ApiResponse::FromError(answer.error());
    if (answer.error().code == ErrorCode::kUnavailable) {
      err.headers.emplace_back("Retry-After", "30");
    }
    co_return err;
  }
  co_return AnswerResponse(*answer);
}

Reply ListLogs(WitnessApi& api) {
  auto rows = co_await api.db.Read<std::vector<store::WitnessLogRow>>(
      [](store::Connection& c) { return store::WitnessStore::Logs(c); });
  if (!rows) co_return ApiResponse::FromError(rows.error());
  json logs = json::array();
  for (const auto& row : *rows) logs.push_back(LogJson(row));
  const crypto::NoteVerifierKey& key = api.witness.verifier_key();
  co_return ApiResponse::Json(
      200, {{"witness", {{"name", key.name}, {"verifier_key", crypto::FormatNoteVerifierKey(key)}}},
            {"logs", std::move(logs)}});
}

Reply ListAlarms(WitnessApi& api, ApiRequest& req) {
  auto after = IntQuery(req, "after", 0, 0, INT_MAX);
  auto limit = IntQuery(req, "limit", 100, 1, 1000);
  if (!after) co_return ApiResponse::FromError(after.error());
  if (!limit) co_return ApiResponse::FromError(limit.error());
  const store::AlarmQuery query{*after, *limit, req.Query("origin").value_or("")};
  auto rows = co_await api.db.Read<std::vector<store::WitnessAlarmRow>>(
      [&query](store::Connection& c) { return store::WitnessStore::Alarms(c, query); });
  if (!rows) co_return ApiResponse::FromError(rows.error());
  json alarms = json::array();
  for (const auto& row : *rows) alarms.push_back(AlarmJson(row));
  const std::int64_t next = rows->empty() ? query.after_id : rows->back().id;
  co_return ApiResponse::Json(200, {{"alarms", std::move(alarms)}, {"next_after", next}});
}

}  // namespace

void AddWitnessPeerRoutes(http::Router& router, WitnessApi& api) {
  router.Add({Method::kPost, std::string(federation::kWitnessAddCheckpointPath), Access::Peer(),
              "witness_add_checkpoint",
              [&api](ApiRequest& req) -> Reply { return AddCheckpoint(api, req); },
              federation::kMaxAddCheckpointBytes});
}

void AddWitnessStaffRoutes(http::Router& router, WitnessApi& api) {
  const Access staff = Access::Roles({Role::kNodeAdmin, Role::kSupervisor, Role::kAuditor});
  router.Add({Method::kGet, "/api/v1/witness/logs", staff, "witness_logs",
              [&api](ApiRequest&) -> Reply { return ListLogs(api); }});
  router.Add({Method::kGet, "/api/v1/witness/alarms", staff, "witness_alarms",
              [&api](ApiRequest& req) -> Reply { return ListAlarms(api, req); }});
}

boost::asio::awaitable<void> AppendWitnessMetrics(WitnessApi& api, std::string& out) {
  using http::AppendFamily;
  using http::AppendSample;
  const coord::WitnessCounters counters = api.witness.counters();
  AppendFamily(out, "simpul_witness_cosigned_total", "counter",
               "Checkpoints the witness cosigned (resubmissions included).");
  AppendSample(out, "simpul_witness_cosigned_total", "", static_cast<double>(counters.cosigned));
  AppendFamily(out, "simpul_witness_refused_total", "counter",
               "Checkpoints the witness refused, by reason.");
  for (WitnessRefusal r : {WitnessRefusal::kMalformed, WitnessRefusal::kUnverified,
                           WitnessRefusal::kUnknownOrigin, WitnessRefusal::kOldSizeMismatch,
                           WitnessRefusal::kRootMismatch, WitnessRefusal::kInconsistent}) {
    AppendSample(out, "simpul_witness_refused_total",
                 "reason=\"" + std::string(federation::Name(r)) + "\"",
                 static_cast<double>(counters.refused[static_cast<std::size_t>(r)]));
  }
  AppendFamily(out, "simpul_witness_alarms_raised_total", "counter",
               "Alarms raised since start, by kind (a resubmitted piece of evidence included).");
  AppendSample(out, "simpul_witness_alarms_raised_total", "kind=\"fork\"",
               static_cast<double>(counters.forks));
  AppendSample(out, "simpul_witness_alarms_raised_total", "kind=\"rollback\"",
               static_cast<double>(counters.rollbacks));
  struct Stored {
    std::int64_t logs = 0, forks = 0, rollbacks = 0;
  };
  auto stored = co_await api.db.Read<Stored>([](store::Connection& c) -> Result<Stored> {
    auto logs = store::WitnessStore::CountLogs(c);
    auto forks = store::WitnessStore::CountAlarms(c, store::WitnessAlarmKind::kFork);
    auto rollbacks = store::WitnessStore::CountAlarms(c, store::WitnessAlarmKind::kRollback);
    if (!logs) return tl::unexpected(logs.error());
    if (!forks) return tl::unexpected(forks.error());
    if (!rollbacks) return tl::unexpected(rollbacks.error());
    return Stored{*logs, *forks, *rollbacks};
  });
  if (!stored) co_return;
  AppendFamily(out, "simpul_witness_logs", "gauge", "Logs the witness has cosigned for.");
  AppendSample(out, "simpul_witness_logs", "", static_cast<double>(stored->logs));
  AppendFamily(out, "simpul_witness_alarms", "gauge",
               "Stored alarms (evidence of a log fork or rollback), by kind.");
  AppendSample(out, "simpul_witness_alarms", "kind=\"fork\"", static_cast<double>(stored->forks));
  AppendSample(out, "simpul_witness_alarms", "kind=\"rollback\"",
               static_cast<double>(stored->rollbacks));
}

}  // namespace simpul::api
