#pragma once
// A synchronous HTTP/1.1 client for process-level tests: one keep-alive connection to
// 127.0.0.1:<port>, opened on first use and again after the server closes it.
//
//   HttpClient client(node.port());
//   auto r = client.Request("POST", "/api/v1/auth/login", R"({"username":"a","password":"b"})");
//   ASSERT_TRUE(r) << r.error().message;
//   EXPECT_EQ(r->status, 200);
//
// Every exchange has a deadline (the constructor's `timeout`). Not thread-safe: give each thread
// its own client.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/result.hpp"

namespace simpul::testing {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  int status = 0;
  std::string body;
  HttpHeaders headers;

  // The first header called `name` (case-insensitive), if any.
  std::optional<std::string> Header(std::string_view name) const;
};

class HttpClient {
 public:
  explicit HttpClient(std::uint16_t port,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request and reads its response. Adds Host and Content-Length, and
  // Content-Type: application/json when `body` is not empty and `headers` name no Content-Type.
  // Fails with kUnavailable on connect, I/O or parse errors and on timeout; the connection is
  // then closed. A response that arrives while the request body is still being written (a 413
  // sent after the header) is returned.
  Result<HttpResponse> Request(std::string_view method, std::string_view target,
                               std::string_view body = {}, const HttpHeaders& headers = {});

  // Writes `bytes` exactly as given on a fresh connection and reads one response, for requests
  // Request cannot produce. Fails with kUnavailable if the server closes without answering.
  Result<HttpResponse> SendRaw(std::string_view bytes);

  // Closes the connection, if open.
  void Close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace simpul::testing
