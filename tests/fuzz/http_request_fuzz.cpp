// Fuzzes the node's HTTP request handling: the input is sent as raw bytes, over loopback, to the
// real http::HttpServer (node/http/server.cpp: Beast's request parser under the server's default
// ServerLimits, request-target parsing, body limits, Expect: 100-continue, keep-alive pipelining)
// dispatching through the real http::Router (route matching, the bearer-token and role checks,
// the mutual-TLS gate of peer routes). The routes are the shapes of the node's table (literal,
// {id}, {*rest}, public, staff, peer, a raised body limit) with handlers that check what the
// server and router promise them instead of the node's services, whose stack is not built here.
//
// Invariants, checked in the handlers: a staff handler runs only for an admitted role; a peer
// handler never runs on a plain-HTTP listener; {id} parameters are one non-empty segment; no
// path holds a NUL; no body exceeds its route's limit. And in the reply: what the server writes
// starts with an HTTP/1.x status line that is not 500. (Only the first answer is checked: a HEAD
// answer has no body, so later ones cannot be told apart without knowing the requests.)
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/asio.hpp>
#include <nlohmann/json.hpp>

#include "node/http/metrics.hpp"
#include "node/http/router.hpp"
#include "node/http/server.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

namespace net = boost::asio;
namespace http = simpul::http;
using net::ip::tcp;
using simpul::fuzz::Require;
using simpul::service::Role;

constexpr std::size_t kUploadLimit = 4 << 20;

http::ServerLimits ServerDefaults() { return http::ServerLimits{}; }

// Tokens name a role, as in tests/node/api/authz_matrix_test.cpp.
net::awaitable<simpul::Result<simpul::service::Principal>> Authenticate(std::string token) {
  const auto role = simpul::service::ParseRole(token);
  if (!role) co_return simpul::Fail(simpul::ErrorCode::kUnauthenticated, "unknown token");
  co_return simpul::service::Principal{7, "fuzzer", *role, std::nullopt, ""};
}

// A handler that checks the request the server and router hand it, then echoes its shape.
http::Handler Checked(std::size_t body_limit) {
  return [body_limit](http::ApiRequest& req) -> net::awaitable<http::ApiResponse> {
    Require(req.path.find('\0') == std::string::npos, "a path with NUL reached a handler");
    Require(req.body.size() <= body_limit, "a body over the route's limit reached a handler");
    for (const auto& [name, value] : req.params) {
      if (name == "id") {
        Require(!value.empty() && value.find('/') == std::string::npos,
                "an {id} parameter is not one segment");
      }
    }
    co_return http::ApiResponse::Json(200, {{"params", req.params.size()},
                                            {"query", req.query.size()},
                                            {"body_bytes", req.body.size()}});
  };
}

http::Handler StaffOnly(std::vector<Role> roles) {
  return [roles, next = Checked(ServerDefaults().max_body_bytes)](
             http::ApiRequest& req) -> net::awaitable<http::ApiResponse> {
    Require(req.principal.has_value(), "a staff handler ran without a principal");
    Require(std::find(roles.begin(), roles.end(), req.principal->role) != roles.end(),
            "a staff handler ran for a role its route does not admit");
    co_return co_await next(req);
  };
}

void AddRoutes(http::Router& router) {
  using http::Access;
  using http::Method;
  const std::size_t body = ServerDefaults().max_body_bytes;
  router.Add({Method::kGet, "/healthz", Access::Public(), "healthz", Checked(body)});
  router.Add({Method::kPost, "/api/v1/complaints", Access::Public(), "complaint_submit",
              Checked(kUploadLimit), kUploadLimit});
  router.Add({Method::kPost, "/api/v1/complaints/{id}/track", Access::Public(), "complaint_track",
              Checked(body)});
  router.Add({Method::kGet, "/api/v1/cases", Access::AnyStaff(), "case_list",
              StaffOnly(simpul::service::AllRoles())});
  router.Add({Method::kPost, "/api/v1/cases/{id}/verify",
              Access::Roles({Role::kVerifier, Role::kSupervisor, Role::kNodeAdmin}), "case_verify",
              StaffOnly({Role::kVerifier, Role::kSupervisor, Role::kNodeAdmin})});
  router.Add({Method::kPost, "/api/v1/users", Access::Roles({Role::kNodeAdmin}), "user_create",
              StaffOnly({Role::kNodeAdmin})});
  router.Add({Method::kPost, "/federation/v1/inbox", Access::Peer(), "fed_inbox",
              [](http::ApiRequest&) -> net::awaitable<http::ApiResponse> {
                Require(false, "a peer route ran on a listener without client certificates");
                co_return http::ApiResponse{};
              }});
  router.Add({Method::kGet, "/staff/{*path}", Access::Public(), "web_staff", Checked(body)});
}

// The server under test on 127.0.0.1, served from the fuzzing thread's io_context.
struct Node {
  net::io_context io;
  http::Metrics metrics;
  http::Router router{Authenticate};
  http::HttpServer server{io, router, metrics, ServerDefaults()};
  tcp::endpoint endpoint;

  Node() {
    AddRoutes(router);
    endpoint = tcp::endpoint(net::ip::make_address("127.0.0.1"),
                             server.Listen("127.0.0.1", 0, nullptr).value());
    server.Start();
  }
};

// Sends `request`, half-closes, and reads everything the server answers until it closes.
net::awaitable<void> Exchange(tcp::endpoint endpoint, std::string request, std::string& reply) {
  constexpr auto kTuple = net::as_tuple(net::use_awaitable);
  tcp::socket socket(co_await net::this_coro::executor);
  auto [cec] = co_await socket.async_connect(endpoint, kTuple);
  Require(!cec, "cannot connect to the server under test");
  // A write error only means the server closed early; what it answered is still read below.
  co_await net::async_write(socket, net::buffer(request), kTuple);
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  for (;;) {
    char chunk[4096];
    auto [rec, n] = co_await socket.async_read_some(net::buffer(chunk), kTuple);
    reply.append(chunk, n);
    if (rec) break;
  }
}

void CheckReply(const std::string& reply) {
  if (reply.empty()) return;  // a malformed header is dropped without an answer
  Require(reply.starts_with("HTTP/1.0 ") || reply.starts_with("HTTP/1.1 "),
          "the server wrote something other than an HTTP/1.x response");
  Require(reply.compare(8, 5, " 500 ") != 0, "the server answered 500");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Node node;
  std::string reply;
  bool done = false;
  net::co_spawn(node.io,
                Exchange(node.endpoint, std::string(simpul::fuzz::AsText(data, size)), reply),
                [&done](std::exception_ptr e) {
                  done = true;
                  if (e) std::rethrow_exception(e);
                });
  while (!done) node.io.run_one();
  node.io.poll();  // let the server finish the session it is closing
  CheckReply(reply);
  return 0;
}
