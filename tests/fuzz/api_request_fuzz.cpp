// Fuzzes the node's real API handlers (node/api/*_routes.cpp and the services, stores and SQLite
// database under them): each input is one request, dispatched through the node's route table by
// http::Router as the HTTP server would (tests/fuzz/api_node.hpp builds the node).
//
// Input framing, chosen so that mutations keep the request's shape:
//   byte 0       the method: GET HEAD POST PUT PATCH DELETE OPTIONS other (value mod 8)
//   byte 1       the caller (fuzz::Caller, value mod 8): none, a role's session, another unit's
//                officer, an unknown token
//   then lines   request-target '\n' Content-Type '\n' If-None-Match '\n' body (the rest, as is)
// "@code1".."@code7" and "@key" in the target or body become the seeded complaints' access codes
// and the Open311 key. Targets the server would refuse before routing (not origin-form, a NUL in
// the path, header bytes HTTP cannot carry, a body over the route's limit) are not dispatched.
//
// Invariants (abort, so libFuzzer keeps the input): the handler does not throw (the server would
// answer 500); no status is 5xx but the 503s of routes that mean it; a JSON content type carries
// valid JSON, an error outside /open311/ is {"error":{"code","message"}} and one under it the
// spec's list; XML is UTF-8 and starts with its declaration; no response holds a password hash, or
// a session token, access code or API key the request did not carry, and none to a caller without a
// staff session holds a seeded reporter's identity; and a response with status >= 400 changed
// nothing in the database or the attachment files. After a request that changed them the pristine
// node is restored, so every input starts from the same state.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include <boost/url/parse.hpp>
#include <nlohmann/json.hpp>

#include "node/http/server.hpp"
#include "tests/fuzz/api_node.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

namespace http = simpul::http;
using simpul::fuzz::ApiNode;
using simpul::fuzz::Caller;
using simpul::fuzz::Require;

// The routes whose handlers answer 503 on purpose: a receipt no checkpoint covers yet.
const std::set<std::string>& RoutesThatMay503() {
  static const std::set<std::string> kRoutes = {"receipt_proof"};
  return kRoutes;
}

struct FuzzRequest {
  http::ApiRequest api;
  Caller caller = Caller::kNone;
  std::string target;
};

void ReplaceAll(std::string& text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// The next '\n'-terminated line of `rest` (all of it when there is no '\n').
std::string NextLine(std::string_view& rest) {
  const auto end = rest.find('\n');
  std::string line(rest.substr(0, end));
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  return line;
}

// A header value as Beast hands it over: no control characters, surrounding blanks trimmed.
std::optional<std::string> HeaderValue(std::string value) {
  for (unsigned char c : value) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) return std::nullopt;
  }
  const auto begin = value.find_first_not_of(" \t");
  if (begin == std::string::npos) return std::string();
  return value.substr(begin, value.find_last_not_of(" \t") - begin + 1);
}

// Decodes the framing above; nullopt for what the server refuses before any handler runs.
std::optional<FuzzRequest> Decode(std::string_view input, const ApiNode& node) {
  if (input.size() < 2) return std::nullopt;
  FuzzRequest out;
  out.api.method = static_cast<http::Method>(static_cast<unsigned char>(input[0]) % 8);
  out.caller =
      static_cast<Caller>(static_cast<unsigned char>(input[1]) % simpul::fuzz::kCallerCount);
  std::string_view rest = input.substr(2);
  out.target = NextLine(rest);
  auto content_type = HeaderValue(NextLine(rest));
  auto if_none_match = HeaderValue(NextLine(rest));
  if (!content_type || !if_none_match) return std::nullopt;
  out.api.content_type = *content_type;
  if (if_none_match->size() >= 2 && if_none_match->front() == '"' && if_none_match->back() == '"') {
    out.api.if_none_match = if_none_match->substr(1, if_none_match->size() - 2);
  }
  out.api.body = std::string(rest);
  for (const auto& [name, value] : node.placeholders()) {
    ReplaceAll(out.target, name, value);
    ReplaceAll(out.api.body, name, value);
  }
  // As the server's ParseTarget (node/http/server.cpp).
  auto url = boost::urls::parse_origin_form(out.target);
  if (!url) return std::nullopt;
  out.api.path = url->path();
  if (out.api.path.find('\0') != std::string::npos) return std::nullopt;
  for (auto param : url->params()) out.api.query[param.key] = param.value;
  out.api.bearer_token = node.Token(out.caller);
  out.api.request_id = "fuzz";
  out.api.remote = "127.0.0.1";
  return out;
}

// nlohmann's strict writer refuses text that is not UTF-8.
bool IsUtf8(const std::string& text) {
  try {
    (void)nlohmann::json(text).dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

bool IsStaff(Caller c) { return c != Caller::kNone && c != Caller::kUnknownToken; }

// The Open311 facade's routes (patterns under /open311/v2/, including its fallback for unknown
// paths) answer errors in the spec's list; every other route in the node's {"error":...} form.
void CheckErrorShape(const nlohmann::json& body, const http::Route* route) {
  if (route != nullptr && route->pattern.starts_with("/open311/v2/")) {
    Require(body.is_array() && body.size() == 1 && body[0].is_object() &&
                body[0].value("code", nlohmann::json()).is_number_integer() &&
                body[0].value("description", nlohmann::json()).is_string(),
            "an Open311 error is not the spec's [{\"code\",\"description\"}]");
    return;
  }
  const auto error = body.is_object() ? body.value("error", nlohmann::json()) : nlohmann::json();
  Require(error.is_object() && error.value("code", nlohmann::json()).is_string() &&
              error.value("message", nlohmann::json()).is_string(),
          "an error response is not {\"error\":{\"code\",\"message\"}}");
}

void CheckResponse(const FuzzRequest& req, const http::Route* route, const http::ApiResponse& res,
                   const ApiNode& node) {
  Require(res.status >= 200 && res.status <= 599, "a status outside 200..599");
  const std::string route_name = route ? route->name : "unmatched";
  Require(res.status < 500 || (res.status == 503 && RoutesThatMay503().contains(route_name)),
          "a 5xx answer from " + route_name + ": " + res.body.substr(0, 300));
  const std::string_view type = res.content_type;
  if (type.starts_with("application/json")) {
    const auto body = nlohmann::json::parse(res.body, nullptr, /*allow_exceptions=*/false);
    Require(!body.is_discarded(), "invalid JSON from " + route_name);
    if (res.status >= 400) CheckErrorShape(body, route);
  } else if (type.starts_with("text/xml")) {
    Require(res.body.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"),
            "XML without its UTF-8 declaration from " + route_name);
    Require(IsUtf8(res.body), "XML that is not UTF-8 from " + route_name);
  } else {
    Require(res.status < 400, "an error that is neither JSON nor XML from " + route_name);
  }
  const std::string sent = req.target + '\n' + req.api.body;
  Require(
      sent.find("$argon2") != std::string::npos || res.body.find("$argon2") == std::string::npos,
      "a password hash in a response from " + route_name);
  for (const auto& secret : node.secrets()) {
    Require(sent.find(secret) != std::string::npos || res.body.find(secret) == std::string::npos,
            "a response from " + route_name + " shows a secret the request did not hold");
  }
  if (IsStaff(req.caller)) return;
  for (const auto& identity : node.identities()) {
    Require(
        sent.find(identity) != std::string::npos || res.body.find(identity) == std::string::npos,
        "a response from " + route_name + " shows a reporter's identity to the public");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static ApiNode node;
  // SIMPUL_FUZZ_TRACE=1 prints each request's route, target and answer (to read a reproducer).
  static const bool trace = std::getenv("SIMPUL_FUZZ_TRACE") != nullptr;
  node.BeforeInput();
  auto req = Decode(simpul::fuzz::AsText(data, size), node);
  if (!req) return 0;
  const http::Route* route = node.router().Match(req->api.method, req->api.path, &req->api.params);
  const std::size_t body_limit =
      route && route->max_body_bytes ? route->max_body_bytes : http::ServerLimits{}.max_body_bytes;
  if (req->api.body.size() > body_limit) return 0;
  http::ApiRequest dispatched = req->api;
  http::ApiResponse res;
  try {
    res = node.Dispatch(dispatched, route);
  } catch (const std::exception& e) {
    Require(false, std::string("a handler threw (the server answers 500): ") + e.what());
  }
  if (trace) {
    std::fprintf(stderr, "%s %s -> %d %s\n", route ? route->name.c_str() : "unmatched",
                 req->target.c_str(), res.status, res.body.substr(0, 400).c_str());
  }
  CheckResponse(*req, route, res, node);
  const simpul::fuzz::Fingerprint after = node.Current();
  if (after == node.pristine()) return 0;
  Require(res.status < 400, "a request answered " + std::to_string(res.status) + " changed " +
                                simpul::fuzz::ChangedTables(node.pristine(), after));
  node.Restore();
  return 0;
}
