// Citizen and public routes: node info, reference data, intake, tracking, replies, public feed.
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
using Reply = boost::asio::awaitable<ApiResponse>;

// Reads {"access_code": "..."} (and more) from a reporter request.
Result<json> ReporterBody(const ApiRequest& req) {
  auto body = ParseJsonObject(req);
  if (!body) return body;
  auto code = StringField(*body, "access_code", 64, true);
  if (!code) return tl::unexpected(code.error());
  return body;
}

json CategoriesJson(const domain::CategoryTree& tree) {
  json items = json::array();
  for (const auto& c : tree.All()) {
    items.push_back({{"code", c.code},
                     {"parent", c.parent.empty() ? json(nullptr) : json(c.parent)},
                     {"name_id", c.name_id},
                     {"name_en", c.name_en},
                     {"active", c.active}});
  }
  return json{{"items", std::move(items)}};
}

}  // namespace

void AddPublicRoutes(http::Router& router, ApiContext& ctx) {
  router.Add(
      {Method::kGet, "/api/v1/node", Access::Public(), "node_info", [&ctx](ApiRequest&) -> Reply {
         const auto& i = ctx.info;
         co_return ApiResponse::Json(200, {{"node_id", i.node_id},
                                           {"name", i.name},
                                           {"class", i.node_class},
                                           {"region", i.region},
                                           {"role", i.role},
                                           {"utc_offset_minutes", i.utc_offset_minutes},
                                           {"version", i.version},
                                           {"keys",
                                            {{{"kid", i.key_id},
                                              {"use", "msg"},
                                              {"algorithm", "ed25519"},
                                              {"public_key", i.public_key_base64}}}}});
       }});

  router.Add({Method::kGet, "/api/v1/categories", Access::Public(), "categories",
              [&ctx](ApiRequest&) -> Reply {
                co_return ApiResponse::Json(200, CategoriesJson(*ctx.catalog.categories()));
              }});

  router.Add(
      {Method::kGet, "/api/v1/regions", Access::Public(), "regions",
       [&ctx](ApiRequest& req) -> Reply {
         std::string parent = req.Query("parent").value_or("");
         if (!parent.empty()) {
           if (auto found = ctx.catalog.regions().Find(parent); !found) {
             co_return ApiResponse::FromError(found.error());
           }
         }
         json items = json::array();
         for (const auto& r : ctx.catalog.regions().Children(parent)) {
           items.push_back({{"code", r.code}, {"name", r.name}, {"level", domain::Name(r.level)}});
         }
         co_return ApiResponse::Json(
             200, {{"items", std::move(items)}, {"source", "idn-area-data (ODbL 1.0)"}});
       }});

  router.Add({Method::kPost, "/api/v1/complaints", Access::Public(), "complaint_submit",
              [&ctx](ApiRequest& req) -> Reply {
                auto body = ParseJsonObject(req);
                if (!body) co_return ApiResponse::FromError(body.error());
                auto draft = DraftFromJson(*body, domain::ComplaintLimits{});
                if (!draft) co_return ApiResponse::FromError(draft.error());
                std::string category = draft->category_code;
                auto result = co_await ctx.cases.Submit(std::move(*draft));
                if (!result) co_return ApiResponse::FromError(result.error());
                // Codes only: the text and the reporter's identity never reach the log.
                LogEvent(spdlog::level::info, "complaint_filed",
                         {{"request_id", req.request_id},
                          {"case", result->tracking_id},
                          {"category", category},
                          {"log_index", result->log_index}});
                auto response = ApiResponse::Json(201, SubmitResultJson(*result));
                response.headers.emplace_back("Location",
                                              "/api/v1/complaints/" + result->tracking_id);
                co_return response;
              },
              ctx.max_upload_bytes});

  router.Add({Method::kPost, "/api/v1/complaints/{id}/track", Access::Public(), "complaint_track",
              [&ctx](ApiRequest& req) -> Reply {
                auto body = ReporterBody(req);
                if (!body) co_return ApiResponse::FromError(body.error());
                std::string id = req.Param("id");
                std::string code = (*body)["access_code"].get<std::string>();
                auto view = co_await ctx.cases.Track(std::move(id), std::move(code));
                if (!view) co_return ApiResponse::FromError(view.error());
                co_return ApiResponse::Json(200, ReporterCaseJson(*view, ctx.clock()));
              }});

  router.Add({Method::kPost, "/api/v1/complaints/{id}/replies", Access::Public(), "complaint_reply",
              [&ctx](ApiRequest& req) -> Reply {
                auto body = ReporterBody(req);
                if (!body) co_return ApiResponse::FromError(body.error());
                auto message = StringField(*body, "message", 10000, true);
                if (!message) co_return ApiResponse::FromError(message.error());
                std::string id = req.Param("id");
                std::string code = (*body)["access_code"].get<std::string>();
                std::string request_id = req.request_id;
                auto view = co_await ctx.cases.ReporterReply(
                    std::move(id), std::move(code), std::move(*message), std::move(request_id));
                if (!view) co_return ApiResponse::FromError(view.error());
                LogEvent(spdlog::level::info, "reporter_replied",
                         {{"request_id", req.request_id},
                          {"case", view->record.tracking_id},
                          {"state", domain::Name(view->record.state)}});
                co_return ApiResponse::Json(201, ReporterCaseJson(*view, ctx.clock()));
              }});

  router.Add({Method::kGet, "/api/v1/feed", Access::Public(), "public_feed",
              [&ctx](ApiRequest& req) -> Reply {
                auto limit = IntQuery(req, "limit", 20, 1, 100);
                auto offset = IntQuery(req, "offset", 0, 0, 1000000);
                if (!limit) co_return ApiResponse::FromError(limit.error());
                if (!offset) co_return ApiResponse::FromError(offset.error());
                auto page = co_await ctx.cases.PublicFeed(*limit, *offset);
                if (!page) co_return ApiResponse::FromError(page.error());
                json items = json::array();
                for (const auto& r : page->items) items.push_back(PublicCaseJson(r));
                co_return ApiResponse::Json(200, {{"items", std::move(items)},
                                                  {"total", page->total},
                                                  {"limit", *limit},
                                                  {"offset", *offset}});
              }});
}

}  // namespace simpul::api
