#pragma once
// Requests of the hostile-input catalogue sent both over plain HTTP (hostile_input_test.cpp) and
// over TLS (hostile_tls_test.cpp).

#include <string>
#include <utility>
#include <vector>

#include "tests/integration/node_api.hpp"

namespace simpul::testing {

// A complete request filing a complaint: hidden in another request's body, it must never run.
inline std::string SmuggledComplaint() {
  const std::string complaint = SampleComplaint().dump();
  return "POST /api/v1/complaints HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
         "Content-Length: " +
         std::to_string(complaint.size()) + "\r\n\r\n" + complaint;
}

// Requests whose body length is ambiguous (RFC 9112 §6.3), each followed by a smuggled request:
// (what, bytes). A server must answer 400 once and close.
inline std::vector<std::pair<std::string, std::string>> AmbiguousFramings() {
  const std::string inner = SmuggledComplaint();
  const std::string head =
      "POST /api/v1/complaints HTTP/1.1\r\nHost: x\r\n"
      "Content-Type: application/json\r\n";
  return {
      {"Content-Length and chunked",
       head + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + inner},
      {"chunked and Content-Length",
       head + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n" + inner},
      {"two Content-Lengths", head + "Content-Length: 2\r\nContent-Length: " +
                                  std::to_string(2 + inner.size()) + "\r\n\r\n{}" + inner},
      {"chunk size not hex",
       head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n" + inner},
      {"chunk size overflows",
       head + "Transfer-Encoding: chunked\r\n\r\n1000000000000000000000002\r\n{}\r\n0\r\n\r\n" +
           inner},
      {"unknown transfer coding", head + "Transfer-Encoding: gzip\r\n\r\n" + inner},
      {"chunked twice", head +
                            "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
                            "0\r\n\r\n" +
                            inner},
  };
}

}  // namespace simpul::testing
