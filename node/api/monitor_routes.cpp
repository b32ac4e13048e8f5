#include "node/api/monitor_routes.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "node/api/json_body.hpp"
#include "node/api/table.hpp"
#include "node/http/metrics.hpp"
#include "node/store/monitor_store.hpp"
#include "node/store/witness_store.hpp"

namespace simpul::api {
namespace {

using http::Access;
using http::ApiRequest;
using http::ApiResponse;
using http::Method;
using nlohmann::json;
using Reply = boost::asio::awaitable<ApiResponse>;
using service::Role;

constexpr int kHistoryRows = 288;  // a day of reports at the default interval

Access MonitorAccess() {
  return Access::Roles({Role::kNodeAdmin, Role::kSupervisor, Role::kAuditor});
}

template <class T>
Cell Opt(const std::optional<T>& v) {
  if (!v) return std::monostate{};
  return Cell(*v);
}

// ?format: false for JSON (the default), true for CSV; fails on anything else.
Result<bool> WantsCsv(const ApiRequest& req) {
  const std::string format = req.Query("format").value_or("json");
  if (format == "json") return false;
  if (format == "csv") return true;
  return Fail(ErrorCode::kInvalidArgument, "format: json or csv");
}

ApiResponse Csv(const Table& table, std::string_view name) {
  ApiResponse out = ApiResponse::Text(200, "text/csv; charset=utf-8", TableToCsv(table));
  out.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"monitor-" + std::string(name) + ".csv\"");
  return out;
}

// "YYYY-MM" with a month 01..12, or "" when absent.
Result<std::string> MonthQuery(const ApiRequest& req, const char* key) {
  const std::string m = req.Query(key).value_or("");
  if (m.empty()) return m;
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  const bool digits = m.size() == 7 && m[4] == '-' &&
                      std::all_of(m.begin(), m.begin() + 4, digit) && digit(m[5]) && digit(m[6]);
  const int month = digits ? std::stoi(m.substr(5)) : 0;
  if (month < 1 || month > 12) {
    return Fail(ErrorCode::kInvalidArgument, std::string(key) + ": a month as YYYY-MM");
  }
  return m;
}

Result<store::TrendQuery> TrendQueryOf(const ApiRequest& req) {
  store::TrendQuery q;
  const std::string by = req.Query("by").value_or("category");
  if (by == "category") {
    q.by = store::TrendKey::kCategory;
  } else if (by == "region") {
    q.by = store::TrendKey::kRegion;
  } else if (by == "month") {
    q.by = store::TrendKey::kMonth;
  } else {
    return Fail(ErrorCode::kInvalidArgument, "by: category, region or month");
  }
  auto from = MonthQuery(req, "from");
  if (!from) return tl::unexpected(from.error());
  auto to = MonthQuery(req, "to");
  if (!to) return tl::unexpected(to.error());
  q.from_month = std::move(*from);
  q.to_month = std::move(*to);
  return q;
}

Table NodesTable(const std::vector<coord::NodeHealth>& nodes) {
  Table t{{"node_id",
           "name",
           "class",
           "parent",
           "last_seen_at",
           "silent",
           "directory_version",
           "report_at",
           "outbox_pending",
           "outbox_oldest_age_ms",
           "log_size",
           "checkpoint_size",
           "witnessed_size",
           "witness_size",
           "witness_cosigned_at",
           "witness_alarms",
           "audit_at",
           "audit_mismatches",
           "cases",
           "overdue",
           "meta_records",
           "meta_pending",
           "alarms"},
          {}};
  for (const auto& n : nodes) {
    t.rows.push_back({n.node_id,
                      n.name,
                      n.node_class,
                      n.parent,
                      Opt(n.last_seen_at),
                      n.silent,
                      Opt(n.directory_version),
                      Opt(n.report_at),
                      n.outbox_pending,
                      Opt(n.outbox_oldest_age_ms),
                      Opt(n.log_size),
                      Opt(n.checkpoint_size),
                      Opt(n.witnessed_size),
                      Opt(n.witness_size),
                      Opt(n.witness_cosigned_at),
                      n.witness_alarms,
                      Opt(n.audit_at),
                      Opt(n.audit_mismatches),
                      n.cases,
                      n.overdue,
                      n.meta_records,
                      n.meta_pending,
                      n.alarms});
  }
  return t;
}

Table SlaTable(const std::vector<coord::NodeSla>& nodes) {
  Table t{{"rank", "node_id", "name", "cases"}, {}};
  for (std::string_view clock : coord::kAllClocks) {
    for (std::string_view part : {"_met", "_missed", "_running", "_rate"}) {
      t.columns.push_back(std::string(clock) + std::string(part));
    }
  }
  for (std::string_view column : {"met", "missed", "rate"}) t.columns.emplace_back(column);
  for (const auto& n : nodes) {
    std::vector<Cell> row{Opt(n.rank), n.node_id, n.name, n.cases};
    for (const auto& c : n.clocks) {
      row.insert(row.end(), {c.met, c.missed, c.running, Opt(c.rate)});
    }
    row.insert(row.end(), {n.met, n.missed, Opt(n.rate)});
    t.rows.push_back(std::move(row));
  }
  return t;
}

Table TrendsTable(std::string_view by, const std::vector<store::TrendRow>& rows) {
  Table t{{std::string(by), "cases", "open", "resolved", "closed", "archived", "forwarded",
           "mean_first_response_ms"},
          {}};
  for (const auto& r : rows) {
    t.rows.push_back({r.key, r.cases, r.open, r.resolved, r.closed, r.archived, r.forwarded,
                      Opt(r.mean_first_response_ms)});
  }
  return t;
}

Table HistoryTable(const std::vector<store::ReportHistoryRow>& rows) {
  Table t{{"report_at", "received_at", "cases", "overdue", "outbox_pending", "log_size"}, {}};
  for (const auto& r : rows) {
    const json body = json::parse(r.report);
    std::int64_t pending = 0;
    for (const auto& dest : body.at("outbox")) pending += dest.at("pending").get<std::int64_t>();
    t.rows.push_back({r.report_at, r.received_at, body.at("cases").at("total").get<std::int64_t>(),
                      body.at("overdue").at("total").get<std::int64_t>(), pending,
                      body.at("log").at("size").get<std::int64_t>()});
  }
  return t;
}

// The directory, every node's monitoring row and what the witness saw of each log.
struct Snapshot {
  std::shared_ptr<const federation::Directory> directory;
  std::vector<store::MonNodeRow> rows;
  coord::WitnessByNodeId witness;
};

// Reads the rows and the witness's logs and alarms (every page of them) in one read transaction.
Result<Snapshot> ReadTables(store::Connection& c) {
  auto rows = store::MonitorStore::Nodes(c);
  if (!rows) return tl::unexpected(rows.error());
  auto logs = store::WitnessStore::Logs(c);
  if (!logs) return tl::unexpected(logs.error());
  std::vector<store::WitnessAlarmRow> alarms;
  store::AlarmQuery page;
  page.limit = 1000;
  for (;;) {
    auto more = store::WitnessStore::Alarms(c, page);
    if (!more) return tl::unexpected(more.error());
    if (more->empty()) break;
    page.after_id = more->back().id;
    alarms.insert(alarms.end(), std::make_move_iterator(more->begin()),
                  std::make_move_iterator(more->end()));
  }
  return Snapshot{nullptr, std::move(*rows), coord::WitnessByNode(*logs, alarms)};
}

boost::asio::awaitable<Result<Snapshot>> ReadSnapshot(MonitorApi& m) {
  auto directory = m.directory();
  if (directory == nullptr) {
    co_return Fail(ErrorCode::kUnavailable,
                   "no directory published yet; publish one with `simpulctl directory publish`");
  }
  auto snap = co_await m.db.Read<Snapshot>(ReadTables);
  if (!snap) co_return tl::unexpected(snap.error());
  snap->directory = std::move(directory);
  co_return std::move(*snap);
}

Reply ServeNodes(MonitorApi& m, ApiRequest& req) {
  auto csv = WantsCsv(req);
  if (!csv) co_return ApiResponse::FromError(csv.error());
  auto snap = co_await ReadSnapshot(m);
  if (!snap) co_return ApiResponse::FromError(snap.error());
  const std::int64_t now = m.clock().time_since_epoch().count();
  const Table table = NodesTable(
      coord::FederationTable(*snap->directory, snap->rows, snap->witness, now, m.policy));
  if (*csv) co_return Csv(table, "nodes");
  co_return ApiResponse::Json(200, {{"generated_at", now},
                                    {"directory_version", snap->directory->version()},
                                    {"silent_after_intervals", m.policy.silent_after_intervals},
                                    {"nodes", TableToJson(table)}});
}

Reply ServeNode(MonitorApi& m, ApiRequest& req) {
  auto csv = WantsCsv(req);
  if (!csv) co_return ApiResponse::FromError(csv.error());
  const std::string node = req.Param("id");
  auto rows =
      co_await m.db.Read<std::vector<store::ReportHistoryRow>>([&node](store::Connection& c) {
        return store::MonitorStore::History(c, node, kHistoryRows);
      });
  if (!rows) co_return ApiResponse::FromError(rows.error());
  if (rows->empty()) {
    co_return ApiResponse::FromError(
        Error{ErrorCode::kNotFound, "no report from " + node + " in the last 7 days"});
  }
  const Table table = HistoryTable(*rows);
  if (*csv) co_return Csv(table, "node-history");
  co_return ApiResponse::Json(200, {{"node_id", node},
                                    {"latest", json::parse(rows->front().report)},
                                    {"history", TableToJson(table)}});
}

Reply ServeSla(MonitorApi& m, ApiRequest& req) {
  auto csv = WantsCsv(req);
  if (!csv) co_return ApiResponse::FromError(csv.error());
  auto min_cases = IntQuery(req, "min_cases", 10, 0, 1000000000);
  if (!min_cases) co_return ApiResponse::FromError(min_cases.error());
  auto snap = co_await ReadSnapshot(m);
  if (!snap) co_return ApiResponse::FromError(snap.error());
  const coord::RankingRule rule{.min_cases = *min_cases};
  const coord::SlaRanking ranking = coord::RankSla(*snap->directory, snap->rows, rule);
  const Table table = SlaTable(ranking.nodes);
  if (*csv) co_return Csv(table, "sla");
  const json rule_json = {{"min_cases", rule.min_cases},
                          {"top", rule.top},
                          {"ranked_clocks", coord::kRankedClocks},
                          {"order", "overall rate desc, concluded clocks desc, node id"}};
  co_return ApiResponse::Json(200, {{"generated_at", m.clock().time_since_epoch().count()},
                                    {"rule", rule_json},
                                    {"nodes", TableToJson(table)},
                                    {"top", TableToJson(SlaTable(ranking.top))}});
}

Reply ServeTrends(MonitorApi& m, ApiRequest& req) {
  auto csv = WantsCsv(req);
  if (!csv) co_return ApiResponse::FromError(csv.error());
  auto q = TrendQueryOf(req);
  if (!q) co_return ApiResponse::FromError(q.error());
  const store::TrendQuery query = *q;
  auto rows = co_await m.db.Read<std::vector<store::TrendRow>>(
      [&query](store::Connection& c) { return store::MonitorStore::Trends(c, query); });
  if (!rows) co_return ApiResponse::FromError(rows.error());
  const std::string by = req.Query("by").value_or("category");
  const Table table = TrendsTable(by, *rows);
  if (*csv) co_return Csv(table, "trends-" + by);
  co_return ApiResponse::Json(
      200, {{"by", by},
            {"from", query.from_month.empty() ? json(nullptr) : json(query.from_month)},
            {"to", query.to_month.empty() ? json(nullptr) : json(query.to_month)},
            {"rows", TableToJson(table)}});
}

}  // namespace

void AddMonitorRoutes(http::Router& router, MonitorApi& m) {
  router.Add({Method::kGet, "/api/v1/monitor/nodes", MonitorAccess(), "monitor_nodes",
              [&m](ApiRequest& req) -> Reply { co_return co_await ServeNodes(m, req); }});
  router.Add({Method::kGet, "/api/v1/monitor/nodes/{id}", MonitorAccess(), "monitor_node",
              [&m](ApiRequest& req) -> Reply { co_return co_await ServeNode(m, req); }});
  router.Add({Method::kGet, "/api/v1/monitor/sla", MonitorAccess(), "monitor_sla",
              [&m](ApiRequest& req) -> Reply { co_return co_await ServeSla(m, req); }});
  router.Add({Method::kGet, "/api/v1/monitor/trends", MonitorAccess(), "monitor_trends",
              [&m](ApiRequest& req) -> Reply { co_return co_await ServeTrends(m, req); }});
}

boost::asio::awaitable<void> AppendMonitorMetrics(MonitorApi& m, std::string& out) {
  using http::AppendFamily;
  using http::AppendSample;
  auto totals = co_await m.db.Read<store::MonitorTotals>(
      [](store::Connection& c) { return store::MonitorStore::Totals(c); });
  if (totals) {
    AppendFamily(out, "simpul_mon_reports_total", "counter", "node.report envelopes ingested.");
    AppendSample(out, "simpul_mon_reports_total", "", static_cast<double>(totals->reports));
    AppendFamily(out, "simpul_mon_meta_records_total", "counter",
                 "case.meta records ingested (each a case event of a member node).");
    AppendSample(out, "simpul_mon_meta_records_total", "",
                 static_cast<double>(totals->meta_records));
    AppendFamily(out, "simpul_mon_cases", "gauge", "Cases known from metadata.");
    AppendSample(out, "simpul_mon_cases", "", static_cast<double>(totals->cases));
    AppendFamily(out, "simpul_mon_nodes_reporting", "gauge", "Nodes that reported at least once.");
    AppendSample(out, "simpul_mon_nodes_reporting", "", static_cast<double>(totals->nodes));
  }
  auto snap = co_await ReadSnapshot(m);
  if (!snap) co_return;
  const std::int64_t now = m.clock().time_since_epoch().count();
  std::int64_t silent = 0;
  for (const auto& n :
       coord::FederationTable(*snap->directory, snap->rows, snap->witness, now, m.policy)) {
    silent += n.silent ? 1 : 0;
  }
  AppendFamily(out, "simpul_mon_silent_nodes", "gauge",
               "Member nodes not seen for 3 report intervals (or never).");
  AppendSample(out, "simpul_mon_silent_nodes", "", static_cast<double>(silent));
}

}  // namespace simpul::api
