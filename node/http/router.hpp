#pragma once
// The route table: method + path pattern → access rule + handler. Every route states who may call
// it; Dispatch authenticates the bearer token and checks the role before the handler runs, so a
// handler never sees a caller its rule does not admit. Federation routes (Access::Peer()) admit
// only connections whose mutual-TLS client certificate the listener's verifier accepted; they
// never use bearer sessions.
//
//   router.Add({Method::kPost, "/api/v1/cases/{id}/verify", Access::Roles({Role::kVerifier}),
//               "case_verify", handler});
//
// Patterns are literal segments and {name} segments (one whole segment each); a final {*name}
// segment matches the rest of the path (zero or more segments, joined by '/', empty segments
// dropped) — the static web routes use it. Thread safety: Add
// only before serving; Dispatch from any number of threads afterwards.

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "node/http/api_types.hpp"
#include "node/service/principal.hpp"

namespace simpul::http {

// Who may call a route.
struct Access {
  enum class Kind {
    kPublic,  // anyone
    kStaff,   // a bearer session whose role is in `roles`
    kPeer,    // a federation peer: a verified mutual-TLS client certificate (ApiRequest::peer_spki)
  };
  Kind kind = Kind::kStaff;
  std::vector<service::Role> roles;  // for staff routes: the roles admitted

  static Access Public() { return Access{Kind::kPublic, {}}; }
  static Access Roles(std::vector<service::Role> roles) {
    return Access{Kind::kStaff, std::move(roles)};
  }
  static Access AnyStaff();
  // The handler maps ApiRequest::peer_spki to a node through the directory.
  static Access Peer() { return Access{Kind::kPeer, {}}; }
  bool Admits(service::Role role) const;
};

using Handler = std::function<boost::asio::awaitable<ApiResponse>(ApiRequest&)>;
using Authenticator =
    std::function<boost::asio::awaitable<Result<service::Principal>>(std::string token)>;

struct Route {
  Method method = Method::kGet;
  std::string pattern;
  Access access;
  std::string name;  // stable label for metrics and logs
  Handler handler;
  std::size_t max_body_bytes = 0;  // 0: the server default
};

class Router {
 public:
  explicit Router(Authenticator authenticate) : authenticate_(std::move(authenticate)) {}

  void Add(Route route);
  // The route for (method, path), filling `params`; nullptr when none matches.
  const Route* Match(Method method, const std::string& path,
                     std::map<std::string, std::string>* params) const;
  // Routes `request`: 404 when no pattern matches the path, 405 when only another method does,
  // 401 without a valid session on a staff route, 403 when the role is not admitted, 401 without
  // a verified client certificate on a peer route.
  boost::asio::awaitable<ApiResponse> Dispatch(ApiRequest& request, const Route* route) const;
  // True when some route matches the path with another method.
  bool PathExists(const std::string& path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  Authenticator authenticate_;
  std::vector<Route> routes_;
};

}  // namespace simpul::http
