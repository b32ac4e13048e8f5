#pragma once
// The route table: method + path pattern → access rule + handler. Every route states who may call
// it; Dispatch authenticates the bearer token and checks the role before the handler runs, so a
// handler never sees a caller its rule does not admit.
//
//   router.Add({Method::kPost, "/api/v1/cases/{id}/verify", Access::Roles({Role::kVerifier}),
//               "case_verify", handler});
//
// Patterns are literal segments and {name} segments (one whole segment each). Thread safety: Add
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
  bool is_public = false;
  std::vector<service::Role> roles;  // for staff routes: the roles admitted

  static Access Public() { return Access{true, {}}; }
  static Access Roles(std::vector<service::Role> roles) { return Access{false, std::move(roles)}; }
  static Access AnyStaff();
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
  // 401 without a valid session on a staff route, 403 when the role is not admitted.
  boost::asio::awaitable<ApiResponse> Dispatch(ApiRequest& request, const Route* route) const;
  // True when some route matches the path with another method.
  bool PathExists(const std::string& path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  Authenticator authenticate_;
  std::vector<Route> routes_;
};

}  // namespace simpul::http
