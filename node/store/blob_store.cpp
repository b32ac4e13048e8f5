#include "node/store/blob_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "crypto/bytes.hpp"
#include "crypto/hash.hpp"
#include "crypto/random.hpp"

namespace simpul::store {
namespace {

// Owns a POSIX file descriptor.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

Error IoError(std::string_view what, const std::filesystem::path& path) {
  return Error{ErrorCode::kUnavailable,
               std::string(what) + " " + path.string() + ": " + std::strerror(errno)};
}

Result<void> WriteAllAndSync(const std::filesystem::path& path, std::string_view content) {
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640));
  if (fd.get() < 0) return tl::unexpected(IoError("cannot create", path));
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return tl::unexpected(IoError("cannot write", path));
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd.get()) != 0) return tl::unexpected(IoError("cannot fsync", path));
  return {};
}

Result<void> SyncDirectory(const std::filesystem::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0) return tl::unexpected(IoError("cannot fsync", dir));
  return {};
}

bool IsSha256Hex(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::filesystem::path BlobStore::PathFor(std::string_view hex) const {
  return root_ / std::string(hex.substr(0, 2)) / std::string(hex);
}

Result<std::string> BlobStore::Put(std::string_view content) const {
  std::string hex = crypto::Sha256Hex(crypto::AsBytes(content));
  auto final_path = PathFor(hex);
  std::error_code ec;
  if (std::filesystem::exists(final_path, ec)) return hex;
  auto dir = final_path.parent_path();
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return Fail(ErrorCode::kUnavailable, "cannot create " + dir.string() + ": " + ec.message());
  auto tmp = dir / (".tmp-" + crypto::RandomToken(12));
  if (auto r = WriteAllAndSync(tmp, content); !r) {
    std::filesystem::remove(tmp, ec);
    return tl::unexpected(r.error());
  }
  std::filesystem::rename(tmp, final_path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return Fail(ErrorCode::kUnavailable, "cannot store attachment: " + ec.message());
  }
  if (auto r = SyncDirectory(dir); !r) return tl::unexpected(r.error());
  return hex;
}

Result<std::string> BlobStore::Get(std::string_view hex) const {
  if (!IsSha256Hex(hex)) {
    return Fail(ErrorCode::kInvalidArgument, "attachment id must be 64 lower-case hex digits");
  }
  auto path = PathFor(hex);
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return Fail(ErrorCode::kNotFound, "no attachment " + std::string(hex));
    return tl::unexpected(IoError("cannot open", path));
  }
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return tl::unexpected(IoError("cannot read", path));
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace simpul::store
