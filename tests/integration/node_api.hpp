#pragma once
// The node's HTTP API as integration tests speak it: JSON in, status and JSON out. Transport
// failures come back as status 0 with the reason in `body`, so a test's status assertion shows
// them. Not thread-safe (one HttpClient).

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "tests/support/http_client.hpp"

namespace simpul::testing {

struct ApiReply {
  int status = 0;
  std::string body;
  nlohmann::json json;  // discarded when the body is not JSON

  // error.code and error.message of an error body, or "".
  std::string error_code() const { return ErrorField("code"); }
  std::string error_message() const { return ErrorField("message"); }

 private:
  std::string ErrorField(const char* key) const {
    if (!json.is_object() || !json.contains("error") || !json["error"].is_object()) return "";
    return json["error"].value(key, "");
  }
};

// A complaint the node accepts: a named reporter, a real category and region.
inline nlohmann::json SampleComplaint() {
  return {{"category", "infrastruktur.jalan"},
          {"title", "Jalan berlubang"},
          {"body", "Jalan utama di depan pasar berlubang besar."},
          {"region", "32.04"},
          {"reporter", {{"name", "Siti Aminah"}, {"phone", "081234567890"}}}};
}

inline HttpHeaders Bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

class NodeApi {
 public:
  explicit NodeApi(std::uint16_t port) : http_(port) {}

  // Sends `body` exactly as given.
  ApiReply Send(std::string_view method, std::string_view target, std::string_view body = {},
                const HttpHeaders& headers = {}) {
    return ToReply(http_.Request(method, target, body, headers));
  }
  ApiReply Raw(std::string_view bytes) { return ToReply(http_.SendRaw(bytes)); }

  ApiReply Get(const std::string& target, const std::string& token = "") {
    return Send("GET", target, {}, token.empty() ? HttpHeaders{} : Bearer(token));
  }
  ApiReply Post(const std::string& target, const nlohmann::json& body,
                const std::string& token = "") {
    return Send("POST", target, body.dump(), token.empty() ? HttpHeaders{} : Bearer(token));
  }
  ApiReply Patch(const std::string& target, const nlohmann::json& body, const std::string& token) {
    return Send("PATCH", target, body.dump(), Bearer(token));
  }

  // Signs in; records a test failure and returns "" if that fails.
  std::string Login(const std::string& username, const std::string& password) {
    ApiReply r = Post("/api/v1/auth/login", {{"username", username}, {"password", password}});
    EXPECT_EQ(r.status, 200) << "login " << username << ": " << r.body;
    if (r.status != 200) return "";
    return r.json.value("token", "");
  }

  ApiReply Submit(const nlohmann::json& complaint) { return Post("/api/v1/complaints", complaint); }
  ApiReply Track(const std::string& id, const std::string& access_code) {
    return Post("/api/v1/complaints/" + id + "/track", {{"access_code", access_code}});
  }
  ApiReply Reply(const std::string& id, const std::string& access_code,
                 const std::string& message) {
    return Post("/api/v1/complaints/" + id + "/replies",
                {{"access_code", access_code}, {"message", message}});
  }
  ApiReply Case(const std::string& id, const std::string& token) {
    return Get("/api/v1/cases/" + id, token);
  }
  ApiReply Act(const std::string& token, const std::string& id, const std::string& action,
               const nlohmann::json& body = nlohmann::json::object()) {
    return Post("/api/v1/cases/" + id + "/" + action, body, token);
  }

  // The number of cases the staff queue reports; -1 (and a test failure) if it cannot be read.
  std::int64_t CaseCount(const std::string& token) {
    ApiReply r = Get("/api/v1/cases?limit=1", token);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200 || !r.json.contains("total")) return -1;
    return r.json["total"].get<std::int64_t>();
  }

  HttpClient& http() { return http_; }

 private:
  static ApiReply ToReply(const Result<HttpResponse>& response) {
    ApiReply out;
    if (!response) {
      out.body = "transport error: " + response.error().message;
      return out;
    }
    out.status = response->status;
    out.body = response->body;
    out.json = nlohmann::json::parse(out.body, nullptr, /*allow_exceptions=*/false);
    return out;
  }

  HttpClient http_;
};

}  // namespace simpul::testing
