#include "node/api/escalation_routes.hpp"

#include <charconv>
#include <chrono>

#include <nlohmann/json.hpp>

#include "node/api/case_json.hpp"
#include "node/api/json_body.hpp"
#include "node/api/table.hpp"
#include "node/domain/time.hpp"
#include "node/http/metrics.hpp"
#include "node/store/escalation_store.hpp"

namespace simpul::api {
namespace {

using http::Access;
using http::ApiRequest;
using http::ApiResponse;
using http::Method;
using nlohmann::json;
using Reply = boost::asio::awaitable<ApiResponse>;
using service::Role;

// The `n` decimal digits of `text` at `at`, or -1.
int DigitsAt(std::string_view text, std::size_t at, std::size_t n) {
  int value = -1;
  if (at + n > text.size()) return -1;
  auto r = std::from_chars(text.data() + at, text.data() + at + n, value);
  return r.ec == std::errc() && r.ptr == text.data() + at + n ? value : -1;
}

// "2026-07-06" (midnight UTC), "2026-07-06T09:30:00Z" or "2026-07-06T09:30:00.250Z": the forms
// the API writes times in.
Result<domain::TimePoint> ParseSince(std::string_view text) {
  const Error bad{ErrorCode::kInvalidArgument,
                  "since: a UTC date or time such as 2026-07-06 or 2026-07-06T09:30:00Z"};
  auto date = domain::ParseIsoDate(text.substr(0, 10));
  if (!date) return tl::unexpected(bad);
  domain::TimePoint t = std::chrono::sys_days(*date);
  if (text.size() == 10) return t;
  const std::string_view rest = text.substr(10);
  const bool with_ms = rest.size() == 14 && rest[9] == '.';
  if ((rest.size() != 10 && !with_ms) || rest[0] != 'T' || rest[3] != ':' || rest[6] != ':' ||
      rest.back() != 'Z') {
    return tl::unexpected(bad);
  }
  const int h = DigitsAt(rest, 1, 2), m = DigitsAt(rest, 4, 2), s = DigitsAt(rest, 7, 2);
  const int ms = with_ms ? DigitsAt(rest, 10, 3) : 0;
  if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59 || ms < 0) {
    return tl::unexpected(bad);
  }
  return t + std::chrono::hours(h) + std::chrono::minutes(m) + std::chrono::seconds(s) +
         std::chrono::milliseconds(ms);
}

// A node id filter: visible lower-case ASCII of a node id ("kab:32.04"), at most 64 bytes.
bool ValidNodeFilter(std::string_view s) {
  if (s.size() > 64) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ':' || c == '.' || c == '-')) {
      return false;
    }
  }
  return true;
}

Result<store::EscalationQuery> QueryOf(const ApiRequest& req) {
  store::EscalationQuery q;
  auto limit = IntQuery(req, "limit", 100, 1, 1000);
  if (!limit) return tl::unexpected(limit.error());
  auto offset = IntQuery(req, "offset", 0, 0, 10000000);
  if (!offset) return tl::unexpected(offset.error());
  q.limit = *limit;
  q.offset = *offset;
  q.from_node = req.Query("from").value_or("");
  if (!ValidNodeFilter(q.from_node)) {
    return Fail(ErrorCode::kInvalidArgument, "from: a node id such as kab:32.04");
  }
  if (auto since = req.Query("since"); since && !since->empty()) {
    auto t = ParseSince(*since);
    if (!t) return tl::unexpected(t.error());
    q.since = *t;
  }
  return q;
}

// The page as one table, so the JSON and the CSV export carry the same values.
Table TableOf(const store::EscalationPage& page) {
  Table table{{"id", "from_node", "msg_id", "tracking_id", "level", "clock", "due_at",
               "overdue_working_days", "state", "category", "region", "sent_at", "received_at"},
              {}};
  for (const auto& e : page.items) {
    table.rows.push_back({e.id, e.from_node, e.msg_id, e.case_ref,
                          std::string(domain::Name(e.level)), e.clock, FormatTime(e.due_at),
                          e.overdue_working_days, e.state, e.category, e.region,
                          FormatTime(e.sent_at), FormatTime(e.received_at)});
  }
  return table;
}

Reply ListEscalations(EscalationApi& api, ApiRequest& req) {
  auto query = QueryOf(req);
  if (!query) co_return ApiResponse::FromError(query.error());
  const std::string format = req.Query("format").value_or("json");
  if (format != "json" && format != "csv") {
    co_return ApiResponse::FromError(
        Error{ErrorCode::kInvalidArgument, "format: json (the default) or csv"});
  }
  const store::EscalationQuery q = *query;
  auto page = co_await api.db.Read<store::EscalationPage>(
      [&q](store::Connection& c) { return store::EscalationStore::Received(c, q); });
  if (!page) co_return ApiResponse::FromError(page.error());
  const Table table = TableOf(*page);
  if (format == "csv") {
    ApiResponse csv = ApiResponse::Text(200, "text/csv; charset=utf-8", TableToCsv(table));
    csv.headers.emplace_back("Content-Disposition", "attachment; filename=\"escalations.csv\"");
    csv.headers.emplace_back("X-Total-Count", std::to_string(page->total));
    co_return csv;
  }
  co_return ApiResponse::Json(200, {{"items", TableToJson(table)},
                                    {"total", page->total},
                                    {"limit", q.limit},
                                    {"offset", q.offset}});
}

}  // namespace

void AddEscalationRoutes(http::Router& router, EscalationApi& api) {
  const auto roles = Access::Roles({Role::kSupervisor, Role::kNodeAdmin, Role::kAuditor});
  router.Add({Method::kGet, "/api/v1/federation/escalations", roles, "fed_escalations",
              [&api](ApiRequest& req) -> Reply { return ListEscalations(api, req); }});
  if (api.coordinator) {
    router.Add({Method::kGet, "/api/v1/monitor/escalations", roles, "monitor_escalations",
                [&api](ApiRequest& req) -> Reply { return ListEscalations(api, req); }});
  }
}

boost::asio::awaitable<void> AppendEscalationMetrics(EscalationApi& api, std::string& out) {
  using http::AppendFamily;
  using http::AppendSample;
  auto sent = co_await api.db.Read<std::vector<store::CountRow>>(
      [](store::Connection& c) { return store::EscalationStore::CountSentByLevel(c); });
  auto received = co_await api.db.Read<std::vector<store::CountRow>>(
      [](store::Connection& c) { return store::EscalationStore::CountReceivedByLevel(c); });
  const struct {
    const char* name;
    const char* help;
    const Result<std::vector<store::CountRow>>& rows;
  } families[] = {{"simpul_escalations_sent_total",
                   "Overdue-case escalations this node sent beyond itself, by level.", sent},
                  {"simpul_escalations_received_total",
                   "Overdue-case escalations other nodes raised to this one, by level.", received}};
  for (const auto& family : families) {
    if (!family.rows) continue;
    AppendFamily(out, family.name, "counter", family.help);
    for (const char* level : {"parent", "coordinator"}) {
      double n = 0;
      for (const auto& row : *family.rows) {
        if (row.key == level) n = static_cast<double>(row.count);
      }
      AppendSample(out, family.name, std::string("level=\"") + level + "\"", n);
    }
  }
}

}  // namespace simpul::api
