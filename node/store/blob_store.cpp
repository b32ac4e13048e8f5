#include "node/store/blob_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "crypto/bytes.hpp"
#include "crypto/durable_file.hpp"
#include "crypto/hash.hpp"
#include "crypto/random.hpp"

namespace simpul::store {
namespace {

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
  if (auto r = crypto::WriteNewFileDurably(tmp, crypto::AsBytes(content), 0640, "attachment"); !r) {
    return Fail(ErrorCode::kUnavailable, r.error().message);
  }
  std::filesystem::rename(tmp, final_path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return Fail(ErrorCode::kUnavailable, "cannot store attachment: " + ec.message());
  }
  if (auto r = crypto::SyncDirectoryOf(final_path); !r) {
    return Fail(ErrorCode::kUnavailable, r.error().message);
  }
  return hex;
}

Result<std::string> BlobStore::Get(std::string_view hex) const {
  if (!IsSha256Hex(hex)) {
    return Fail(ErrorCode::kInvalidArgument, "attachment id must be 64 lower-case hex digits");
  }
  auto path = PathFor(hex);
  crypto::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) return Fail(ErrorCode::kNotFound, "no attachment " + std::string(hex));
    return Fail(ErrorCode::kUnavailable,
                crypto::IoFail("cannot open", path, errno).value().message);
  }
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return Fail(ErrorCode::kUnavailable,
                  crypto::IoFail("cannot read", path, errno).value().message);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace simpul::store
