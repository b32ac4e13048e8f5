// The static web routes: files from a temp web root through the real router, content types,
// ETag revalidation, security headers, directory index and redirect, and every way a path could
// reach outside the root (dot segments, encoded dots as the server decodes them, backslashes,
// NUL, absolute paths, symlinks).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <boost/asio.hpp>
#include <nlohmann/json.hpp>

#include "node/api/web_routes.hpp"
#include "node/http/router.hpp"
#include "node/http/static_site.hpp"
#include "tests/support/temp_dir.hpp"

namespace simpul::api {
namespace {

namespace fs = std::filesystem;
namespace net = boost::asio;
using http::ApiRequest;
using http::ApiResponse;
using http::Method;

void Write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string Header(const ApiResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

class WebRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = tmp_.path() / "web";
    Write(root_ / "index.html", "<!doctype html><title>portal</title>");
    Write(root_ / "staff" / "index.html", "<!doctype html><title>staff</title>");
    Write(root_ / "js" / "common" / "api.js", "export const x = 1;\n");
    Write(root_ / "js" / "common" / "layout.css", "body{}");
    Write(root_ / "assets" / "logo.svg", "<svg/>");
    Write(root_ / "assets" / "font.woff2", "wOF2");
    Write(root_ / "vendor" / "chart.umd.js", "/* chart */");
    Write(root_ / "js" / ".secret.js", "hidden");
    Write(root_ / "js" / "notes.md", "not a served type");
    Write(tmp_.path() / "outside.js", "outside the root");
    fs::create_directories(tmp_.path() / "outside-dir");
    Write(tmp_.path() / "outside-dir" / "x.js", "outside dir");
    fs::create_symlink(tmp_.path() / "outside.js", root_ / "js" / "escape.js");
    fs::create_symlink(tmp_.path() / "outside-dir", root_ / "js" / "escape-dir");
    fs::create_symlink(root_ / "js" / "common" / "api.js", root_ / "js" / "alias.js");
    auto site = http::StaticSite::Load(root_);
    ASSERT_TRUE(site) << site.error().message;
    site_ = std::make_unique<http::StaticSite>(std::move(*site));
    AddWebRoutes(router_, *site_);
  }

  ApiResponse Get(const std::string& path, const std::string& if_none_match = "") {
    ApiRequest req;
    req.method = Method::kGet;
    req.path = path;
    req.if_none_match = if_none_match;
    const http::Route* route = router_.Match(req.method, req.path, &req.params);
    net::io_context io;
    ApiResponse out;
    net::co_spawn(
        io, [&]() -> net::awaitable<void> { out = co_await router_.Dispatch(req, route); },
        net::detached);
    io.run();
    return out;
  }

  simpul::testing::TempDir tmp_;
  fs::path root_;
  std::unique_ptr<http::StaticSite> site_;
  http::Router router_{[](std::string) -> net::awaitable<Result<service::Principal>> {
    co_return Fail(ErrorCode::kUnauthenticated, "no sessions in this test");
  }};
};

TEST_F(WebRoutesTest, ServesFilesWithTheirContentTypes) {
  auto page = Get("/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body, "<!doctype html><title>portal</title>");
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(Get("/js/common/api.js").content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(Get("/js/common/layout.css").content_type, "text/css; charset=utf-8");
  EXPECT_EQ(Get("/assets/logo.svg").content_type, "image/svg+xml");
  EXPECT_EQ(Get("/assets/font.woff2").content_type, "font/woff2");
  EXPECT_EQ(Get("/vendor/chart.umd.js").body, "/* chart */");
  EXPECT_EQ(Get("/staff/").body, "<!doctype html><title>staff</title>");
  EXPECT_EQ(Get("/staff/index.html").status, 200);
}

TEST_F(WebRoutesTest, HtmlCarriesTheSecurityHeaders) {
  auto page = Get("/staff/");
  const std::string csp = Header(page, "Content-Security-Policy");
  EXPECT_NE(csp.find("default-src 'self'"), std::string::npos);
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(Header(page, "X-Frame-Options"), "DENY");
  EXPECT_EQ(Header(page, "Referrer-Policy"), "no-referrer");
  EXPECT_EQ(Header(page, "Cache-Control"), "no-cache");
  EXPECT_EQ(Header(Get("/vendor/chart.umd.js"), "Cache-Control"), "public, max-age=3600");
}

TEST_F(WebRoutesTest, MatchingETagAnswers304WithoutABody) {
  auto first = Get("/js/common/api.js");
  const std::string etag = Header(first, "ETag");
  ASSERT_GE(etag.size(), 3u);
  ASSERT_EQ(etag.front(), '"');
  auto again = Get("/js/common/api.js", etag.substr(1, etag.size() - 2));
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(Header(again, "ETag"), etag);
  EXPECT_EQ(Get("/js/common/api.js", "stale").status, 200);
  EXPECT_NE(Header(Get("/js/common/layout.css"), "ETag"), etag);
}

TEST_F(WebRoutesTest, DirectoryWithoutSlashRedirects) {
  auto r = Get("/staff");
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(Header(r, "Location"), "/staff/");
}

TEST_F(WebRoutesTest, TraversalIsRefused) {
  // The server percent-decodes the target first, so "%2e%2e" arrives here as "..".
  for (const char* path : {"/js/../../outside.js", "/js/common/../../../outside.js", "/js/./api.js",
                           "/js/..", "/js/..\\..\\outside.js", "/js/common\\api.js",
                           "/js//etc/passwd", "/assets//tmp/outside.js"}) {
    auto r = Get(path);
    EXPECT_EQ(r.status, 400) << path << " " << r.body;
    EXPECT_NE(r.body.find("\"error\""), std::string::npos) << path;
  }
  EXPECT_EQ(Get(std::string("/js/common/api.js\0.html", 23)).status, 400);
}

TEST_F(WebRoutesTest, SymlinksOutsideTheRootAndHiddenFilesAreNotServed) {
  EXPECT_EQ(Get("/js/escape.js").status, 404);
  EXPECT_EQ(Get("/js/escape-dir/x.js").status, 404);
  EXPECT_EQ(Get("/js/.secret.js").status, 404);
  EXPECT_EQ(Get("/js/notes.md").status, 404);
  EXPECT_EQ(Get("/js/alias.js").body, "export const x = 1;\n");  // a symlink inside is fine
  const auto& skipped = site_->skipped();
  EXPECT_NE(std::find(skipped.begin(), skipped.end(), "js/escape.js"), skipped.end());
  EXPECT_NE(std::find(skipped.begin(), skipped.end(), "js/escape-dir"), skipped.end());
}

TEST_F(WebRoutesTest, UnknownFilesAndApiPathsGetJson404s) {
  auto missing = Get("/js/nope.js");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(nlohmann::json::parse(missing.body)["error"]["code"], "not_found");
  auto api = Get("/api/v1/nope");
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(nlohmann::json::parse(api.body)["error"]["code"], "not_found");
  EXPECT_EQ(Get("/outside.js").status, 404);
}

TEST(StaticSiteTest, MissingRootFailsNamingTheConfigKey) {
  auto site = http::StaticSite::Load("/nonexistent/simpul/web");
  ASSERT_FALSE(site);
  EXPECT_EQ(site.error().code, ErrorCode::kNotFound);
  EXPECT_NE(site.error().message.find("web_root"), std::string::npos);
}

}  // namespace
}  // namespace simpul::api
