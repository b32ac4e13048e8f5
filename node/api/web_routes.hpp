#pragma once
// Static routes of the web UI: GET (and HEAD) of "/", "/staff/...", "/dashboard/...", "/js/...",
// "/vendor/..." and "/assets/..." served from a StaticSite, all public. They sit in the route
// table like every other route, so an unknown /api/ path still gets the router's JSON 404.
//
// Responses carry an ETag (a matching If-None-Match answers 304), Cache-Control, and on every
// file the security headers: a Content-Security-Policy that allows only same-origin scripts,
// styles and connections (no inline code), X-Frame-Options: DENY, Referrer-Policy: no-referrer.

#include "node/http/router.hpp"
#include "node/http/static_site.hpp"

namespace simpul::api {

// Adds the web routes. `site` is borrowed and must outlive the router.
void AddWebRoutes(http::Router& router, const http::StaticSite& site);

}  // namespace simpul::api
