#include "node/api/web_routes.hpp"

#include <array>
#include <string_view>

namespace simpul::api {
namespace {

using http::Access;
using http::ApiRequest;
using http::ApiResponse;
using http::Method;
using Reply = boost::asio::awaitable<ApiResponse>;

constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

void AddSecurityHeaders(ApiResponse& res) {
  res.headers.emplace_back("Content-Security-Policy", std::string(kContentSecurityPolicy));
  res.headers.emplace_back("X-Frame-Options", "DENY");
  res.headers.emplace_back("Referrer-Policy", "no-referrer");
}

// HTML and the UI's own code revalidate on every load (cheap: 304); third-party and image files
// may be kept for an hour.
std::string CacheControlFor(const ApiRequest& req, const http::StaticAsset& asset) {
  const bool long_lived = req.path.starts_with("/vendor/") || req.path.starts_with("/assets/");
  return (long_lived && !asset.html) ? "public, max-age=3600" : "no-cache";
}

ApiResponse Serve(const http::StaticSite& site, const ApiRequest& req) {
  auto found = site.Find(req.path);
  if (!found) return ApiResponse::FromError(found.error());
  if (found->kind == http::StaticLookup::Kind::kRedirect) {
    ApiResponse res = ApiResponse::Text(301, "text/plain; charset=utf-8", "moved\n");
    res.headers.emplace_back("Location", found->location);
    return res;
  }
  if (found->kind == http::StaticLookup::Kind::kNotFound) {
    std::string why = site.size() == 0 ? " (" + site.why_empty() + ")" : "";
    return ApiResponse::FromError(Error{ErrorCode::kNotFound, "no such file: " + req.path + why});
  }
  const http::StaticAsset& asset = *found->asset;
  ApiResponse res;
  res.content_type = asset.content_type;
  if (req.if_none_match == asset.etag) {
    res.status = 304;
  } else {
    res.body = asset.body;
  }
  res.headers.emplace_back("ETag", "\"" + asset.etag + "\"");
  res.headers.emplace_back("Cache-Control", CacheControlFor(req, asset));
  AddSecurityHeaders(res);
  return res;
}

struct WebRoute {
  std::string_view pattern, name;
};
constexpr std::array<WebRoute, 6> kWebRoutes = {{
    {"/", "web_portal"},
    {"/staff/{*file}", "web_staff"},
    {"/dashboard/{*file}", "web_dashboard"},
    {"/js/{*file}", "web_js"},
    {"/vendor/{*file}", "web_vendor"},
    {"/assets/{*file}", "web_assets"},
}};

}  // namespace

void AddWebRoutes(http::Router& router, const http::StaticSite& site) {
  for (const auto& r : kWebRoutes) {
    router.Add({Method::kGet, std::string(r.pattern), Access::Public(), std::string(r.name),
                [&site](ApiRequest& req) -> Reply { co_return Serve(site, req); }});
  }
}

}  // namespace simpul::api
