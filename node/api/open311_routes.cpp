#include "node/api/open311_routes.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "node/api/case_json.hpp"
#include "node/api/json_body.hpp"
#include "node/api/open311_input.hpp"
#include "node/api/open311_xml.hpp"
#include "node/log.hpp"

namespace simpul::api {
namespace {

using http::Access;
using http::ApiRequest;
using http::ApiResponse;
using http::Method;
using Reply = boost::asio::awaitable<ApiResponse>;

enum class Format { kJson, kXml };

constexpr const char* kFormatNames[] = {"json", "xml"};

// The document in the requested format; XML lists take their root name from `root`.
ApiResponse Document(Format format, int status, const Json311& doc, std::string_view root) {
  if (format == Format::kXml) {
    return ApiResponse::Text(status, "text/xml; charset=utf-8",
                             ToOpen311Xml(doc, root, kOpen311XmlItems));
  }
  // Text that is not UTF-8 (a percent-decoded path in an error) becomes U+FFFD, as in the XML.
  return ApiResponse::Text(status, "application/json; charset=utf-8",
                           doc.dump(-1, ' ', false, Json311::error_handler_t::replace));
}

ApiResponse Open311Error(Format format, const Error& error) {
  const int status = http::HttpStatusOf(error.code);
  return Document(format, status, ErrorsDoc(status, error.message), "errors");
}

// "KAB3204-000001.xml" → ("KAB3204-000001", kXml).
Result<std::pair<std::string, Format>> SplitFormat(const std::string& file) {
  const auto dot = file.rfind('.');
  const std::string ext = dot == std::string::npos ? "" : file.substr(dot + 1);
  if (ext != "json" && ext != "xml") {
    return Fail(ErrorCode::kNotFound, "add .json or .xml to " + file);
  }
  return std::pair{file.substr(0, dot), ext == "xml" ? Format::kXml : Format::kJson};
}

// The POST fields from a form (the spec's encoding) or a JSON object.
Result<Open311Fields> PostFields(const ApiRequest& req) {
  if (req.content_type.starts_with("application/x-www-form-urlencoded")) {
    return ParseFormBody(req.body);
  }
  if (req.content_type.starts_with("application/json")) {
    auto doc = ParseJsonObject(req);  // the API's limits: depth, duplicate keys, UTF-8
    if (!doc) return tl::unexpected(doc.error());
    return FieldsFromJson(*doc);
  }
  return Fail(ErrorCode::kInvalidArgument,
              "send the fields as application/x-www-form-urlencoded (or a JSON object)");
}

Reply ListRequests(Open311Api& api, ApiRequest& req, Format format) {
  auto filter = FilterFromQuery(req.query, api.clock());
  if (!filter) co_return Open311Error(format, filter.error());
  auto page = co_await api.db.Read<store::Open311Page>(
      [&filter](store::Connection& c) { return store::Open311Store::QueryRequests(c, *filter); });
  if (!page) co_return Open311Error(format, page.error());
  auto tree = api.catalog.categories();
  Json311 doc = Json311::array();
  for (const auto& row : page->items) doc.push_back(RequestDoc(row, *tree, api.node_name));
  auto response = Document(format, 200, doc, "service_requests");
  response.headers.emplace_back("X-Total-Count", std::to_string(page->total));
  co_return response;
}

Reply GetRequest(Open311Api& api, ApiRequest& req) {
  auto file = SplitFormat(req.Param("file"));
  if (!file) co_return Open311Error(Format::kJson, file.error());
  store::Open311Filter filter;
  filter.tracking_ids = {file->first};
  filter.limit = 1;
  auto page = co_await api.db.Read<store::Open311Page>(
      [&filter](store::Connection& c) { return store::Open311Store::QueryRequests(c, filter); });
  if (!page) co_return Open311Error(file->second, page.error());
  if (page->items.empty()) {
    co_return Open311Error(file->second,
                           Error{ErrorCode::kNotFound, "no public service request " + file->first});
  }
  auto tree = api.catalog.categories();
  Json311 doc = Json311::array({RequestDoc(page->items.front(), *tree, api.node_name)});
  co_return Document(file->second, 200, doc, "service_requests");
}

Reply SubmitRequest(Open311Api& api, ApiRequest& req, Format format) {
  auto fields = PostFields(req);
  if (!fields) co_return Open311Error(format, fields.error());
  std::string key = req.Query("api_key").value_or("");
  if (auto it = fields->find("api_key"); it != fields->end()) key = it->second;
  auto client = co_await api.keys.Authenticate(std::move(key));
  if (!client) co_return Open311Error(format, client.error());
  auto draft = DraftFromOpen311(*fields, api.node_region);
  if (!draft) co_return Open311Error(format, draft.error());
  auto result = co_await api.cases.Submit(std::move(*draft));
  if (!result) co_return Open311Error(format, result.error());
  LogEvent(spdlog::level::info, "open311_request_filed",
           {{"tracking_id", result->tracking_id}, {"key_id", client->id}});
  auto response = Document(format, 201, PostReplyDoc(*result), "service_requests");
  response.headers.emplace_back("Location", "/open311/v2/requests/" + result->tracking_id + "." +
                                                kFormatNames[static_cast<int>(format)]);
  co_return response;
}

void AddFormatRoutes(http::Router& router, Open311Api& api, Format format) {
  const std::string ext = kFormatNames[static_cast<int>(format)];
  router.Add({Method::kGet, "/open311/v2/discovery." + ext, Access::Public(),
              "open311_discovery_" + ext, [&api, format](ApiRequest&) -> Reply {
                co_return Document(format, 200, DiscoveryDoc(api.discovery), "discovery");
              }});
  router.Add({Method::kGet, "/open311/v2/services." + ext, Access::Public(),
              "open311_services_" + ext, [&api, format](ApiRequest&) -> Reply {
                auto tree = api.catalog.categories();
                co_return Document(format, 200, ServicesDoc(*tree), "services");
              }});
  router.Add({Method::kGet, "/open311/v2/requests." + ext, Access::Public(),
              "open311_requests_" + ext,
              [&api, format](ApiRequest& req) { return ListRequests(api, req, format); }});
  router.Add({Method::kPost, "/open311/v2/requests." + ext, Access::Public(),
              "open311_submit_" + ext,
              [&api, format](ApiRequest& req) { return SubmitRequest(api, req, format); }});
}

nlohmann::json KeyJson(const store::Open311KeyRecord& k) {
  return {{"id", k.id},
          {"prefix", k.prefix},
          {"label", k.label},
          {"created_at", FormatTime(k.created_at)},
          {"revoked_at", k.revoked_at ? nlohmann::json(FormatTime(*k.revoked_at)) : nullptr}};
}

void AddKeyRoutes(http::Router& router, Open311Api& api) {
  const auto admin = Access::Roles({service::Role::kNodeAdmin});
  router.Add({Method::kGet, "/api/v1/open311/keys", admin, "open311_key_list",
              [&api](ApiRequest&) -> Reply {
                auto keys = co_await api.keys.List();
                if (!keys) co_return ApiResponse::FromError(keys.error());
                nlohmann::json items = nlohmann::json::array();
                for (const auto& k : *keys) items.push_back(KeyJson(k));
                co_return ApiResponse::Json(200, {{"items", std::move(items)}});
              }});
  router.Add({Method::kPost, "/api/v1/open311/keys", admin, "open311_key_create",
              [&api](ApiRequest& req) -> Reply {
                auto body = ParseJsonObject(req);
                if (!body) co_return ApiResponse::FromError(body.error());
                auto label = StringField(*body, "label", service::kMaxOpen311KeyLabelBytes, true);
                if (!label) co_return ApiResponse::FromError(label.error());
                auto issued = co_await api.keys.Issue(std::move(*label));
                if (!issued) co_return ApiResponse::FromError(issued.error());
                nlohmann::json out = KeyJson(issued->record);
                out["api_key"] = issued->secret;  // shown once
                co_return ApiResponse::Json(201, out);
              }});
  router.Add(
      {Method::kPost, "/api/v1/open311/keys/{id}/revoke", admin, "open311_key_revoke",
       [&api](ApiRequest& req) -> Reply {
         const std::string& text = req.Param("id");
         std::int64_t id = 0;
         auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
         if (ec != std::errc() || end != text.data() + text.size()) {
           co_return ApiResponse::FromError(
               {ErrorCode::kInvalidArgument, "id: the number `GET /api/v1/open311/keys` shows"});
         }
         auto revoked = co_await api.keys.Revoke(id);
         if (!revoked) co_return ApiResponse::FromError(revoked.error());
         co_return ApiResponse::Json(200, KeyJson(*revoked));
       }});
}

constexpr Method kMethods[] = {Method::kGet,    Method::kPost,    Method::kPut,  Method::kPatch,
                               Method::kDelete, Method::kOptions, Method::kOther};
constexpr const char* kFallbackPattern = "/open311/v2/{*rest}";

const char* MethodName(Method m) {
  switch (m) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
    case Method::kOptions:
      return "OPTIONS";
    case Method::kOther:
      break;
  }
  return "";
}

// The 404 or 405 of a path under /open311/v2/ that no Open311 route serves with this method, in
// the spec's error list (XML when the path ends in .xml), so a civic app parses every error the
// same way. 405 names the methods the path does accept in `Allow`.
ApiResponse Unmatched(const http::Router& router, const ApiRequest& req) {
  const Format format = req.path.ends_with(".xml") ? Format::kXml : Format::kJson;
  std::string allow;
  for (Method m : kMethods) {
    const http::Route* other = router.Match(m, req.path, nullptr);
    if (m == req.method || other == nullptr || other->pattern == kFallbackPattern) continue;
    allow += std::string(allow.empty() ? "" : ", ") + MethodName(m);
    if (m == Method::kGet) allow += ", HEAD";
  }
  if (allow.empty()) {
    return Open311Error(
        format, Error{ErrorCode::kNotFound,
                      "no Open311 endpoint " + req.path + "; see /open311/v2/discovery.json"});
  }
  auto response =
      Document(format, 405, ErrorsDoc(405, "this path accepts only " + allow), "errors");
  response.headers.emplace_back("Allow", allow);
  return response;
}

}  // namespace

void AddOpen311Routes(http::Router& router, Open311Api& api) {
  AddFormatRoutes(router, api, Format::kJson);
  AddFormatRoutes(router, api, Format::kXml);
  router.Add({Method::kGet, "/open311/v2/services/{file}", Access::Public(),
              "open311_service_definition", [&api](ApiRequest& req) -> Reply {
                auto file = SplitFormat(req.Param("file"));
                if (!file) co_return Open311Error(Format::kJson, file.error());
                auto tree = api.catalog.categories();
                auto doc = ServiceDefinitionDoc(*tree, file->first, api.node_region);
                if (!doc) co_return Open311Error(file->second, doc.error());
                co_return Document(file->second, 200, *doc, "service_definition");
              }});
  router.Add({Method::kGet, "/open311/v2/requests/{file}", Access::Public(), "open311_request",
              [&api](ApiRequest& req) { return GetRequest(api, req); }});
  AddKeyRoutes(router, api);
  // Last, so they match only what no route above serves (HEAD falls back to the GET one).
  for (Method m : kMethods) {
    std::string name =
        "open311_unmatched_" + std::string(m == Method::kOther ? "other" : MethodName(m));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char ch) { return std::tolower(ch); });
    router.Add({m, kFallbackPattern, Access::Public(), std::move(name),
                [&router](ApiRequest& req) -> Reply { co_return Unmatched(router, req); }});
  }
}

}  // namespace simpul::api
