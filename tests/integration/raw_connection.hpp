#pragma once
// A plain TCP connection to a loopback port for wire-level tests: bytes go out exactly as given
// (dribbled, malformed, smuggled) and what comes back is read until the server closes or a
// deadline passes. Not thread-safe; one test thread drives a connection.

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace simpul::testing {

class RawConnection {
 public:
  using Clock = std::chrono::steady_clock;

  // Connects to 127.0.0.1:`port`; connected() tells whether that worked.
  explicit RawConnection(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    if (fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawConnection() { Close(); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  // Whether the server has closed (EOF or reset) — known after a Read or a failed Send.
  bool closed_by_server() const { return closed_; }

  // Writes all of `bytes`; false once the server has closed or reset the connection.
  bool Send(std::string_view bytes) {
    while (!bytes.empty() && fd_ >= 0) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        closed_ = true;
        return false;
      }
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return fd_ >= 0;
  }

  // Reads what has arrived, waiting up to `wait` for the first bytes and then until the server
  // closes, `until` (if not empty) has been received, or `wait` has passed in all.
  std::string Read(std::chrono::milliseconds wait, std::string_view until = {}) {
    std::string got;
    const auto deadline = Clock::now() + wait;
    while (fd_ >= 0 && !closed_) {
      if (!until.empty() && got.find(until) != std::string::npos) break;
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) break;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        closed_ = true;  // EOF, or a reset
        break;
      }
      got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
  }

  // Reads until the server closes the connection or `wait` passes; true if it closed.
  bool WaitForClose(std::chrono::milliseconds wait) {
    Read(wait);
    return closed_;
  }

  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  bool closed_ = false;
};

// The status code of the first HTTP response in `text`, or 0.
inline int FirstStatus(std::string_view text) {
  if (!text.starts_with("HTTP/1.")) return 0;
  const auto space = text.find(' ');
  if (space == std::string_view::npos || space + 4 > text.size()) return 0;
  return std::stoi(std::string(text.substr(space + 1, 3)));
}

// How many HTTP responses `text` holds.
inline int ResponseCount(std::string_view text) {
  int count = 0;
  for (auto at = text.find("HTTP/1.1 "); at != std::string_view::npos;
       at = text.find("HTTP/1.1 ", at + 1)) {
    ++count;
  }
  return count;
}

}  // namespace simpul::testing
