// Staff routes: sign-in, the case queue, case detail, every lifecycle action, statistics.
#include <algorithm>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "node/api/case_json.hpp"
#include "node/api/json_body.hpp"
#include "node/api/routes.hpp"
#include "node/log.hpp"

namespace simpul::api {
namespace {

using http::Access;
using http::ApiRequest;
using http::ApiResponse;
using http::Method;
using nlohmann::json;
using service::Role;
using Reply = boost::asio::awaitable<ApiResponse>;

json UserJson(const service::Principal& p) {
  return json{{"username", p.username},
              {"role", service::Name(p.role)},
              {"unit", p.unit_code.empty() ? json(nullptr) : json(p.unit_code)}};
}

bool ValidCodeFilter(std::string_view s) {
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return false;
    }
  }
  return s.size() <= 100;
}

// Builds the queue query from the request's query string.
Result<store::CaseQuery> QueueQuery(const ApiRequest& req, ApiContext& ctx) {
  store::CaseQuery q;
  auto limit = IntQuery(req, "limit", 20, 1, 200);
  auto offset = IntQuery(req, "offset", 0, 0, 10000000);
  if (!limit) return tl::unexpected(limit.error());
  if (!offset) return tl::unexpected(offset.error());
  q.limit = *limit;
  q.offset = *offset;
  if (auto state = req.Query("state"); state && !state->empty()) {
    q.state = domain::ParseCaseState(*state);
    if (!q.state) return Fail(ErrorCode::kInvalidArgument, "state: unknown state " + *state);
  }
  q.category = req.Query("category").value_or("");
  q.region = req.Query("region").value_or("");
  if (!ValidCodeFilter(q.category) || !ValidCodeFilter(q.region)) {
    return Fail(ErrorCode::kInvalidArgument, "category and region filters are codes like 32.04");
  }
  q.text = req.Query("q").value_or("");
  if (q.text.size() > 200) return Fail(ErrorCode::kInvalidArgument, "q: at most 200 bytes");
  if (auto overdue = req.Query("overdue"); overdue && *overdue == "true")
    q.overdue_at = ctx.clock();
  q.unit_code = req.Query("unit").value_or("");
  if (!ValidCodeFilter(q.unit_code)) return Fail(ErrorCode::kInvalidArgument, "unit: a unit code");
  return q;
}

void AddActionRoute(http::Router& router, ApiContext& ctx, domain::CaseAction action) {
  const std::string name(domain::Name(action));
  router.Add({Method::kPost, "/api/v1/cases/{id}/" + name, Access::Roles(service::RolesFor(action)),
              "case_" + name, [&ctx, action](ApiRequest& req) -> Reply {
                auto body = req.body.empty() ? Result<json>(json::object()) : ParseJsonObject(req);
                if (!body) co_return ApiResponse::FromError(body.error());
                auto cmd = ActionFromJson(action, *body);
                if (!cmd) co_return ApiResponse::FromError(cmd.error());
                cmd->request_id = req.request_id;
                service::Principal who = *req.principal;
                std::string id = req.Param("id");
                auto view = co_await ctx.cases.Act(std::move(who), std::move(id), std::move(*cmd));
                if (!view) co_return ApiResponse::FromError(view.error());
                // The staff member by account id and role; their notes and messages stay out.
                LogEvent(spdlog::level::info, "case_action",
                         {{"request_id", req.request_id},
                          {"case", view->record.tracking_id},
                          {"action", domain::Name(action)},
                          {"state", domain::Name(view->record.state)},
                          {"user_id", req.principal->user_id},
                          {"role", service::Name(req.principal->role)}});
                co_return ApiResponse::Json(200, StaffCaseJson(*view, ctx.clock()));
              }});
}

json CountsJson(const std::vector<store::CountRow>& rows) {
  json out = json::object();
  for (const auto& r : rows) out[r.key] = r.count;
  return out;
}

json StatsJson(const service::CaseStats& s) {
  json compliance = json::object();
  for (const auto& c : s.compliance) {
    const auto decided = c.met + c.missed;
    compliance[c.clock] = {
        {"met", c.met},
        {"missed", c.missed},
        {"running", c.running},
        {"rate", decided == 0 ? json(nullptr)
                              : json(static_cast<double>(c.met) / static_cast<double>(decided))}};
  }
  return json{{"total", s.total},
              {"overdue", s.overdue},
              {"by_state", CountsJson(s.by_state)},
              {"by_category", CountsJson(s.by_category)},
              {"by_region", CountsJson(s.by_region)},
              {"sla_compliance", std::move(compliance)}};
}

}  // namespace

void AddAuthRoutes(http::Router& router, ApiContext& ctx) {
  router.Add({Method::kPost, "/api/v1/auth/login", Access::Public(), "auth_login",
              [&ctx](ApiRequest& req) -> Reply {
                auto body = ParseJsonObject(req);
                if (!body) co_return ApiResponse::FromError(body.error());
                auto user = StringField(*body, "username", 64, true);
                auto pass = StringField(*body, "password", 1024, true);
                if (!user) co_return ApiResponse::FromError(user.error());
                if (!pass) co_return ApiResponse::FromError(pass.error());
                auto login = co_await ctx.auth.Login(*user, std::move(*pass), req.remote);
                if (!login) {
                  ApiResponse refused = ApiResponse::FromError(login.error());
                  if (login.error().code == ErrorCode::kRateLimited) {
                    const auto wait = ctx.auth.RetryAfter(*user, req.remote);
                    refused.headers.emplace_back(
                        "Retry-After", std::to_string(std::max<std::int64_t>(wait.count(), 1)));
                  }
                  co_return refused;
                }
                LogEvent(spdlog::level::info, "staff_signed_in",
                         {{"request_id", req.request_id},
                          {"user_id", login->principal.user_id},
                          {"role", service::Name(login->principal.role)}});
                co_return ApiResponse::Json(200, {{"token", login->token},
                                                  {"expires_at", FormatTime(login->expires_at)},
                                                  {"user", UserJson(login->principal)}});
              }});
  router.Add({Method::kPost, "/api/v1/auth/logout", Access::AnyStaff(), "auth_logout",
              [&ctx](ApiRequest& req) -> Reply {
                std::string token = req.bearer_token;
                auto r = co_await ctx.auth.Logout(std::move(token));
                if (!r) co_return ApiResponse::FromError(r.error());
                co_return ApiResponse::Json(200, {{"signed_out", true}});
              }});
  router.Add({Method::kGet, "/api/v1/auth/me", Access::AnyStaff(), "auth_me",
              [](ApiRequest& req) -> Reply {
                co_return ApiResponse::Json(200, UserJson(*req.principal));
              }});
}

void AddStaffRoutes(http::Router& router, ApiContext& ctx) {
  router.Add({Method::kGet, "/api/v1/cases", Access::AnyStaff(), "case_list",
              [&ctx](ApiRequest& req) -> Reply {
                auto query = QueueQuery(req, ctx);
                if (!query) co_return ApiResponse::FromError(query.error());
                service::Principal who = *req.principal;
                store::CaseQuery q = *query;
                auto page = co_await ctx.cases.List(std::move(who), std::move(q));
                if (!page) co_return ApiResponse::FromError(page.error());
                const auto now = ctx.clock();
                json items = json::array();
                for (const auto& r : page->items) items.push_back(CaseSummaryJson(r, now));
                co_return ApiResponse::Json(200, {{"items", std::move(items)},
                                                  {"total", page->total},
                                                  {"limit", query->limit},
                                                  {"offset", query->offset}});
              }});
  router.Add({Method::kGet, "/api/v1/cases/{id}", Access::AnyStaff(), "case_get",
              [&ctx](ApiRequest& req) -> Reply {
                service::Principal who = *req.principal;
                std::string id = req.Param("id");
                auto view = co_await ctx.cases.Get(std::move(who), std::move(id));
                if (!view) co_return ApiResponse::FromError(view.error());
                co_return ApiResponse::Json(200, StaffCaseJson(*view, ctx.clock()));
              }});
  router.Add(
      {Method::kGet, "/api/v1/cases/{id}/attachments/{sha}",
       Access::Roles({Role::kVerifier, Role::kUnitOfficer, Role::kSupervisor, Role::kNodeAdmin}),
       "case_attachment", [&ctx](ApiRequest& req) -> Reply {
         service::Principal who = *req.principal;
         std::string id = req.Param("id");
         std::string sha = req.Param("sha");
         auto found = co_await ctx.cases.Attachment(std::move(who), std::move(id), std::move(sha));
         if (!found) co_return ApiResponse::FromError(found.error());
         auto r = ApiResponse::Text(200, found->first.media_type, std::move(found->second));
         r.headers.emplace_back("Content-Disposition", "attachment");
         co_return r;
       }});
  for (auto action : domain::AllCaseActions()) {
    if (action == domain::CaseAction::kSubmit || action == domain::CaseAction::kReporterReply ||
        action == domain::CaseAction::kPeerUpdate) {
      continue;
    }
    AddActionRoute(router, ctx, action);
  }
  router.Add(
      {Method::kGet, "/api/v1/stats", Access::AnyStaff(), "stats", [&ctx](ApiRequest&) -> Reply {
         auto stats = co_await ctx.cases.Stats();
         if (!stats) co_return ApiResponse::FromError(stats.error());
         co_return ApiResponse::Json(200, StatsJson(*stats));
       }});
}

}  // namespace simpul::api
