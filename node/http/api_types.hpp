#pragma once
// The request and response a handler sees. Plain structs: no Beast here, so handlers and services
// compile without the HTTP stack, and the session converts at the edge.

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "crypto/result.hpp"
#include "node/service/principal.hpp"

namespace simpul::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

struct ApiRequest {
  Method method = Method::kGet;
  std::string path;                           // percent-decoded path, no query
  std::map<std::string, std::string> query;   // decoded; the last value of a repeated key wins
  std::map<std::string, std::string> params;  // from the route pattern, e.g. {id}
  std::string body;
  std::string content_type;
  std::string bearer_token;
  std::string if_none_match;  // the entity tag of If-None-Match, without quotes
  std::string request_id;
  // X-Simpul-Request-Ids as sent (fed/request_trace.hpp): the sender's request ids per envelope.
  std::string origin_request_ids;
  std::string remote;  // peer address, for logs and rate limits
  // SHA-256 hex of the SPKI of the TLS client certificate that the listener's verifier accepted
  // (crypto::PeerSpkiSha256Hex); empty on plain HTTP and on TLS without a verified certificate.
  std::string peer_spki;
  std::optional<service::Principal> principal;  // set by the router for staff routes

  // The path parameter `name`; empty when absent.
  const std::string& Param(const std::string& name) const;
  // The query value `name`, if given.
  std::optional<std::string> Query(const std::string& name) const;
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static ApiResponse Json(int status, const nlohmann::json& body);
  // The JSON error body {"error":{"code":"...","message":"..."}} with the status of `error.code`.
  static ApiResponse FromError(const Error& error);
  static ApiResponse Text(int status, std::string content_type, std::string body);
};

// The one place where an ErrorCode becomes an HTTP status.
int HttpStatusOf(ErrorCode code);

}  // namespace simpul::http
