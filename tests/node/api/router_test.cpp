#include "node/http/router.hpp"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <nlohmann/json.hpp>

namespace simpul::http {
namespace {

namespace net = boost::asio;
using service::Role;

// Runs the router on a request and returns the response.
ApiResponse Send(const Router& router, ApiRequest req) {
  net::io_context io;
  ApiResponse out;
  std::map<std::string, std::string> params;
  const http::Route* route = router.Match(req.method, req.path, &params);
  req.params = params;
  net::co_spawn(
      io, [&]() -> net::awaitable<void> { out = co_await router.Dispatch(req, route); },
      net::detached);
  io.run();
  return out;
}

// A router whose tokens are "<role>" names; anything else is unauthenticated.
Router MakeRouter() {
  Router router([](std::string token) -> net::awaitable<Result<service::Principal>> {
    auto role = service::ParseRole(token);
    if (!role) co_return Fail(ErrorCode::kUnauthenticated, "bad token");
    co_return service::Principal{1, "u", *role, std::nullopt, ""};
  });
  auto echo = [](ApiRequest& req) -> net::awaitable<ApiResponse> {
    nlohmann::json j = {{"id", req.Param("id")},
                        {"who", req.principal ? req.principal->username : "nobody"}};
    co_return ApiResponse::Json(200, j);
  };
  router.Add({Method::kGet, "/public/{id}", Access::Public(), "public", echo});
  router.Add(
      {Method::kPost, "/cases/{id}/verify", Access::Roles({Role::kVerifier}), "verify", echo});
  auto peer = [](ApiRequest& req) -> net::awaitable<ApiResponse> {
    co_return ApiResponse::Json(200, {{"peer", req.peer_spki}});
  };
  router.Add({Method::kPost, "/federation/v1/inbox", Access::Peer(), "inbox", peer});
  return router;
}

ApiRequest Req(Method m, std::string path, std::string token = "") {
  ApiRequest r;
  r.method = m;
  r.path = std::move(path);
  r.bearer_token = std::move(token);
  return r;
}

TEST(RouterTest, MatchesPatternAndExtractsParameters) {
  auto router = MakeRouter();
  auto res = Send(router, Req(Method::kGet, "/public/KAB3204-000001"));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(nlohmann::json::parse(res.body)["id"], "KAB3204-000001");
  EXPECT_EQ(nlohmann::json::parse(res.body)["who"], "nobody");
}

TEST(RouterTest, TailSegmentMatchesTheRestOfThePath) {
  Router router([](std::string) -> net::awaitable<Result<service::Principal>> {
    co_return Fail(ErrorCode::kUnauthenticated, "no sessions here");
  });
  router.Add({Method::kGet, "/web/{*file}", Access::Public(), "web",
              [](ApiRequest&) -> net::awaitable<ApiResponse> { co_return ApiResponse{}; }});
  std::map<std::string, std::string> params;
  ASSERT_NE(router.Match(Method::kGet, "/web/js/common/api.js", &params), nullptr);
  EXPECT_EQ(params["file"], "js/common/api.js");
  ASSERT_NE(router.Match(Method::kGet, "/web/", &params), nullptr);
  EXPECT_EQ(params["file"], "");
  ASSERT_NE(router.Match(Method::kGet, "/web", &params), nullptr);
  EXPECT_EQ(router.Match(Method::kGet, "/webx/a", &params), nullptr);
  EXPECT_EQ(router.Match(Method::kGet, "/api/web/a", &params), nullptr);
}

TEST(RouterTest, UnknownPathIs404AndWrongMethodIs405) {
  auto router = MakeRouter();
  EXPECT_EQ(Send(router, Req(Method::kGet, "/nope")).status, 404);
  EXPECT_EQ(Send(router, Req(Method::kDelete, "/public/x")).status, 405);
  EXPECT_EQ(Send(router, Req(Method::kGet, "/public/x/extra")).status, 404);
}

TEST(RouterTest, StaffRouteWithoutTokenIs401) {
  auto router = MakeRouter();
  auto res = Send(router, Req(Method::kPost, "/cases/1/verify"));
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(nlohmann::json::parse(res.body)["error"]["code"], "unauthenticated");
  EXPECT_EQ(Send(router, Req(Method::kPost, "/cases/1/verify", "garbage")).status, 401);
}

TEST(RouterTest, RoleNotAdmittedIs403AndAdmittedRoleRunsHandler) {
  auto router = MakeRouter();
  auto denied = Send(router, Req(Method::kPost, "/cases/1/verify", "auditor"));
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(nlohmann::json::parse(denied.body)["error"]["code"], "permission_denied");
  auto ok = Send(router, Req(Method::kPost, "/cases/1/verify", "verifier"));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(nlohmann::json::parse(ok.body)["who"], "u");
}

TEST(RouterTest, PeerRouteRequiresAVerifiedClientCertificateAndIgnoresSessions) {
  auto router = MakeRouter();
  auto anonymous = Send(router, Req(Method::kPost, "/federation/v1/inbox"));
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(nlohmann::json::parse(anonymous.body)["error"]["code"], "unauthenticated");
  EXPECT_EQ(nlohmann::json::parse(anonymous.body)["error"]["message"],
            "mutual TLS client certificate required");
  EXPECT_EQ(Send(router, Req(Method::kPost, "/federation/v1/inbox", "admin")).status, 401);
  ApiRequest from_peer = Req(Method::kPost, "/federation/v1/inbox");
  from_peer.peer_spki = std::string(64, 'a');
  auto ok = Send(router, std::move(from_peer));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(nlohmann::json::parse(ok.body)["peer"], std::string(64, 'a'));
}

TEST(RouterTest, HeadIsServedByGetRoutes) {
  auto router = MakeRouter();
  EXPECT_EQ(Send(router, Req(Method::kHead, "/public/x")).status, 200);
}

TEST(HttpStatusTest, EveryErrorCodeHasItsStatus) {
  EXPECT_EQ(HttpStatusOf(ErrorCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusOf(ErrorCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusOf(ErrorCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusOf(ErrorCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusOf(ErrorCode::kConflict), 409);
  EXPECT_EQ(HttpStatusOf(ErrorCode::kTooLarge), 413);
  EXPECT_EQ(HttpStatusOf(ErrorCode::kRateLimited), 429);
  EXPECT_EQ(HttpStatusOf(ErrorCode::kInternal), 500);
  EXPECT_EQ(HttpStatusOf(ErrorCode::kUnavailable), 503);
  auto body = nlohmann::json::parse(ApiResponse::FromError({ErrorCode::kTooLarge, "big"}).body);
  EXPECT_EQ(body["error"]["code"], "too_large");
  EXPECT_EQ(body["error"]["message"], "big");
}

}  // namespace
}  // namespace simpul::http
