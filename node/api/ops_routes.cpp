// Operations routes: liveness, readiness, Prometheus metrics.
#include <nlohmann/json.hpp>

#include "node/api/routes.hpp"
#include "node/store/case_store.hpp"

namespace simpul::api {
namespace {

using http::Access;
using http::ApiRequest;
using http::ApiResponse;
using http::Method;
using Reply = boost::asio::awaitable<ApiResponse>;

void AppendStoreMetrics(std::string& out, const store::WriterStats& w,
                        const std::vector<store::CountRow>& by_state, std::int64_t overdue) {
  using http::AppendFamily;
  using http::AppendSample;
  AppendFamily(out, "simpul_db_commits_total", "counter", "Group commits of the writer thread.");
  AppendSample(out, "simpul_db_commits_total", "", static_cast<double>(w.commits));
  AppendFamily(out, "simpul_db_write_jobs_total", "counter", "Write jobs committed or failed.");
  AppendSample(out, "simpul_db_write_jobs_total", "", static_cast<double>(w.jobs));
  AppendFamily(out, "simpul_db_failed_commits_total", "counter", "Group commits that failed.");
  AppendSample(out, "simpul_db_failed_commits_total", "", static_cast<double>(w.failed_commits));
  AppendFamily(out, "simpul_db_write_queue_depth", "gauge", "Write jobs waiting for the writer.");
  AppendSample(out, "simpul_db_write_queue_depth", "", static_cast<double>(w.queue_depth));
  AppendFamily(out, "simpul_db_max_group_size", "gauge", "Largest group committed at once.");
  AppendSample(out, "simpul_db_max_group_size", "", static_cast<double>(w.max_group));
  AppendFamily(out, "simpul_db_wal_bytes", "gauge", "Size of the write-ahead log file.");
  AppendSample(out, "simpul_db_wal_bytes", "", static_cast<double>(w.wal_bytes));
  AppendFamily(out, "simpul_db_wal_truncations_total", "counter",
               "TRUNCATE checkpoints that started the write-ahead log over.");
  AppendSample(out, "simpul_db_wal_truncations_total", "", static_cast<double>(w.wal_truncations));
  AppendFamily(out, "simpul_cases", "gauge", "Complaints held by this node, by state.");
  for (const auto& r : by_state) {
    AppendSample(out, "simpul_cases", "state=\"" + http::LabelValue(r.key) + "\"",
                 static_cast<double>(r.count));
  }
  AppendFamily(out, "simpul_cases_overdue", "gauge", "Complaints past their current deadline.");
  AppendSample(out, "simpul_cases_overdue", "", static_cast<double>(overdue));
}

}  // namespace

void AddOpsRoutes(http::Router& router, ApiContext& ctx) {
  router.Add({Method::kGet, "/healthz", Access::Public(), "healthz", [](ApiRequest&) -> Reply {
                co_return ApiResponse::Json(200, {{"status", "ok"}});
              }});
  router.Add({Method::kGet, "/readyz", Access::Public(), "readyz", [&ctx](ApiRequest&) -> Reply {
                if (!ctx.ready()) {
                  co_return ApiResponse::Json(503, {{"status", "not_ready"}});
                }
                // Ready means the database answers a read now, not merely that we started.
                auto probe = co_await ctx.db.Read<std::int64_t>(
                    [](store::Connection& c) { return store::CaseStore::CountAll(c); });
                if (!probe) {
                  co_return ApiResponse::Json(503, {{"status", "database_unavailable"},
                                                    {"message", probe.error().message}});
                }
                co_return ApiResponse::Json(200, {{"status", "ready"}});
              }});
  router.Add({Method::kGet, "/metrics", Access::Public(), "metrics", [&ctx](ApiRequest&) -> Reply {
                struct Snapshot {
                  std::vector<store::CountRow> by_state;
                  std::int64_t overdue = 0;
                };
                const auto now = ctx.clock();
                auto snap =
                    co_await ctx.db.Read<Snapshot>([now](store::Connection& c) -> Result<Snapshot> {
                      auto by_state = store::CaseStore::CountByState(c);
                      if (!by_state) return tl::unexpected(by_state.error());
                      auto overdue = store::CaseStore::CountOverdue(c, now);
                      if (!overdue) return tl::unexpected(overdue.error());
                      return Snapshot{std::move(*by_state), *overdue};
                    });
                if (!snap) co_return ApiResponse::FromError(snap.error());
                std::string out;
                ctx.metrics.Render(out);
                AppendStoreMetrics(out, ctx.db.writer_stats(), snap->by_state, snap->overdue);
                if (ctx.extra_metrics) co_await ctx.extra_metrics(out);
                co_return ApiResponse::Text(200, "text/plain; version=0.0.4; charset=utf-8",
                                            std::move(out));
              }});
}

void AddAllRoutes(http::Router& router, ApiContext& ctx) {
  AddOpsRoutes(router, ctx);
  AddPublicRoutes(router, ctx);
  AddAuthRoutes(router, ctx);
  AddStaffRoutes(router, ctx);
  AddAdminRoutes(router, ctx);
}

}  // namespace simpul::api
