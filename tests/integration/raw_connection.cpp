#include "tests/integration/raw_connection.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace simpul::testing {
namespace {

constexpr std::chrono::seconds kHandshakeTimeout{10};

sockaddr_in LoopbackAddress(const std::string& ip, std::uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (::inet_pton(AF_INET, ip.c_str(), &addr.sin_addr) != 1) addr.sin_addr.s_addr = 0;
  return addr;
}

// Waits up to `ms` for `fd` to be readable (or writable); false on timeout.
bool WaitFor(int fd, short events, long ms) {
  pollfd p{fd, events, 0};
  int ready;
  do {
    ready = ::poll(&p, 1, static_cast<int>(ms));
  } while (ready < 0 && errno == EINTR);
  return ready > 0;
}

}  // namespace

RawConnection::RawConnection(std::uint16_t port, RawConnectionOptions options) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  const sockaddr_in source = LoopbackAddress(options.source, 0);
  const sockaddr_in server = LoopbackAddress("127.0.0.1", port);
  if (source.sin_addr.s_addr == 0 ||
      ::bind(fd_, reinterpret_cast<const sockaddr*>(&source), sizeof source) != 0 ||
      ::connect(fd_, reinterpret_cast<const sockaddr*>(&server), sizeof server) != 0 ||
      (options.tls && !Handshake())) {
    Close();
  }
}

RawConnection::~RawConnection() { Close(); }

bool RawConnection::Handshake() {
  // OpenSSL writes with send() without MSG_NOSIGNAL: a write to a connection the server refused
  // would raise SIGPIPE and end the test process. Ignoring it makes that write fail instead.
  ::signal(SIGPIPE, SIG_IGN);
  ctx_ = SSL_CTX_new(TLS_client_method());
  if (ctx_ == nullptr) return false;
  SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
  ssl_ = SSL_new(ctx_);
  if (ssl_ == nullptr || SSL_set_fd(ssl_, fd_) != 1) return false;
  // The socket stays blocking; a receive timeout bounds a handshake the server never answers.
  timeval tv{static_cast<time_t>(kHandshakeTimeout.count()), 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const bool ok = SSL_connect(ssl_) == 1;
  ERR_clear_error();
  // From now on a read returns after a non-data record (a session ticket) or a short wait
  // instead of blocking, so Read keeps to its own deadline.
  SSL_clear_mode(ssl_, SSL_MODE_AUTO_RETRY);
  tv = {0, 200'000};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return ok;
}

bool RawConnection::Send(std::string_view bytes) {
  while (!bytes.empty() && fd_ >= 0) {
    long n;
    if (ssl_ != nullptr) {
      n = SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size()));
      ERR_clear_error();
    } else {
      n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
    }
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return fd_ >= 0;
}

long RawConnection::ReadSome(char* buf, std::size_t size) {
  if (ssl_ == nullptr) {
    const ssize_t n = ::recv(fd_, buf, size, 0);
    if (n < 0 && errno == EINTR) return 0;
    return n <= 0 ? -1 : n;  // EOF, or a reset
  }
  const int n = SSL_read(ssl_, buf, static_cast<int>(size));
  if (n > 0) return n;
  const int err = SSL_get_error(ssl_, n);
  ERR_clear_error();
  // A record not yet complete (or a session ticket) is "nothing yet"; anything else is the end.
  return err == SSL_ERROR_WANT_READ ? 0 : -1;
}

std::string RawConnection::Read(std::chrono::milliseconds wait, std::string_view until) {
  std::string got;
  const auto deadline = Clock::now() + wait;
  while (fd_ >= 0 && !closed_) {
    if (!until.empty() && got.find(until) != std::string::npos) break;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    const bool buffered = ssl_ != nullptr && SSL_pending(ssl_) > 0;
    if (!buffered && !WaitFor(fd_, POLLIN, left.count())) break;
    char buf[4096];
    const long n = ReadSome(buf, sizeof buf);
    if (n < 0) {
      closed_ = true;
      break;
    }
    got.append(buf, static_cast<std::size_t>(n));
  }
  return got;
}

void RawConnection::Close() {
  if (ssl_ != nullptr) SSL_free(ssl_);
  if (ctx_ != nullptr) SSL_CTX_free(ctx_);
  ssl_ = nullptr;
  ctx_ = nullptr;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

int FirstStatus(std::string_view text) {
  if (!text.starts_with("HTTP/1.")) return 0;
  const auto space = text.find(' ');
  if (space == std::string_view::npos || space + 4 > text.size()) return 0;
  return std::stoi(std::string(text.substr(space + 1, 3)));
}

int ResponseCount(std::string_view text) {
  int count = 0;
  for (auto at = text.find("HTTP/1.1 "); at != std::string_view::npos;
       at = text.find("HTTP/1.1 ", at + 1)) {
    ++count;
  }
  return count;
}

}  // namespace simpul::testing
