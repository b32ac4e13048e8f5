#include "node/http/router.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace simpul::http {
namespace {

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

// True for a final "{*name}" segment, which matches the rest of the path.
bool IsTail(std::string_view segment) {
  return segment.size() > 3 && segment.starts_with("{*") && segment.back() == '}';
}

bool MatchPattern(std::string_view pattern, std::string_view path,
                  std::map<std::string, std::string>* params) {
  auto want = Segments(pattern);
  auto have = Segments(path);
  std::map<std::string, std::string> found;
  if (!want.empty() && IsTail(want.back())) {
    const size_t fixed = want.size() - 1;
    if (have.size() < fixed) return false;
    std::string rest;
    for (size_t i = fixed; i < have.size(); ++i) {
      if (i > fixed) rest += '/';
      rest += have[i];
    }
    found.emplace(std::string(want.back().substr(2, want.back().size() - 3)), std::move(rest));
    want.pop_back();
    have.resize(fixed);
  }
  if (want.size() != have.size()) return false;
  for (size_t i = 0; i < want.size(); ++i) {
    if (want[i].size() > 2 && want[i].front() == '{' && want[i].back() == '}') {
      found.emplace(std::string(want[i].substr(1, want[i].size() - 2)), std::string(have[i]));
    } else if (want[i] != have[i]) {
      return false;
    }
  }
  if (params != nullptr) *params = std::move(found);
  return true;
}

}  // namespace

Access Access::AnyStaff() { return Roles(service::AllRoles()); }

bool Access::Admits(service::Role role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

void Router::Add(Route route) { routes_.push_back(std::move(route)); }

const Route* Router::Match(Method method, const std::string& path,
                           std::map<std::string, std::string>* params) const {
  for (const auto& r : routes_) {
    const bool method_ok =
        r.method == method || (method == Method::kHead && r.method == Method::kGet);
    if (method_ok && MatchPattern(r.pattern, path, params)) return &r;
  }
  return nullptr;
}

bool Router::PathExists(const std::string& path) const {
  return std::any_of(routes_.begin(), routes_.end(),
                     [&](const Route& r) { return MatchPattern(r.pattern, path, nullptr); });
}

boost::asio::awaitable<ApiResponse> Router::Dispatch(ApiRequest& request,
                                                     const Route* route) const {
  if (route == nullptr) {
    if (PathExists(request.path)) {
      co_return ApiResponse::Json(405, {{"error",
                                         {{"code", "method_not_allowed"},
                                          {"message", "this path does not accept that method"}}}});
    }
    co_return ApiResponse::FromError(
        Error{ErrorCode::kNotFound, "no such endpoint: " + request.path});
  }
  if (route->access.kind == Access::Kind::kPeer) {
    if (request.peer_spki.empty()) {
      co_return ApiResponse::FromError(
          Error{ErrorCode::kUnauthenticated, "mutual TLS client certificate required"});
    }
  } else if (route->access.kind == Access::Kind::kStaff) {
    if (request.bearer_token.empty()) {
      co_return ApiResponse::FromError(Error{
          ErrorCode::kUnauthenticated,
          "sign in first (POST /api/v1/auth/login), then send Authorization: Bearer <token>"});
    }
    // Arguments of co_await calls are named locals: GCC 12 mis-destroys temporaries there.
    std::string token = request.bearer_token;
    auto who = co_await authenticate_(std::move(token));
    if (!who) co_return ApiResponse::FromError(who.error());
    if (!route->access.Admits(who->role)) {
      co_return ApiResponse::FromError(
          Error{ErrorCode::kPermissionDenied,
                "role " + std::string(service::Name(who->role)) + " may not use " + route->name});
    }
    request.principal = std::move(*who);
  }
  co_return co_await route->handler(request);
}

}  // namespace simpul::http
