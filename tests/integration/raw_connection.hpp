#pragma once
// A raw connection to a loopback port for wire-level tests: bytes go out exactly as given
// (dribbled, malformed, smuggled) and what comes back is read until the server closes or a
// deadline passes. Plain TCP, or TLS without checking the server's certificate (a hostile client
// does not care whose it is), from any loopback source address (127.0.0.2 is another client to
// the server). Not thread-safe; one test thread drives a connection.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

using SSL = struct ssl_st;
using SSL_CTX = struct ssl_ctx_st;

namespace simpul::testing {

struct RawConnectionOptions {
  std::string source = "127.0.0.1";  // the client's address
  bool tls = false;                  // complete a TLS handshake after connecting
};

class RawConnection {
 public:
  using Clock = std::chrono::steady_clock;

  // Connects from options.source to 127.0.0.1:`port` (and, with options.tls, completes the
  // handshake within 10 s); connected() tells whether that worked.
  explicit RawConnection(std::uint16_t port, RawConnectionOptions options = {});
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  // Whether the server has closed (EOF or reset) — known after a Read or a failed Send.
  bool closed_by_server() const { return closed_; }

  // Writes all of `bytes`; false once the server has closed or reset the connection.
  bool Send(std::string_view bytes);

  // Reads what has arrived, waiting up to `wait` for the first bytes and then until the server
  // closes, `until` (if not empty) has been received, or `wait` has passed in all.
  std::string Read(std::chrono::milliseconds wait, std::string_view until = {});

  // Reads until the server closes the connection or `wait` passes; true if it closed.
  bool WaitForClose(std::chrono::milliseconds wait) {
    Read(wait);
    return closed_;
  }

  void Close();

 private:
  bool Handshake();
  // One read of at most `size` bytes into `buf`: > 0 bytes read, 0 nothing yet, < 0 closed.
  long ReadSome(char* buf, std::size_t size);

  int fd_ = -1;
  bool closed_ = false;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
};

// The status code of the first HTTP response in `text`, or 0.
int FirstStatus(std::string_view text);

// How many HTTP responses `text` holds.
int ResponseCount(std::string_view text);

}  // namespace simpul::testing
