#pragma once
// Small files that must survive a crash the moment a call returns: key files, certificates, the
// trust anchor, attachment blobs. A new file is created exclusively (an existing one is never
// overwritten), written, fsynced, and its directory fsynced; on any failure nothing is left at
// the path. Thread-safe; two processes creating the same path race safely (one gets kConflict).

#include <sys/types.h>

#include <filesystem>
#include <string_view>
#include <utility>

#include "crypto/bytes.hpp"
#include "crypto/result.hpp"

namespace simpul::crypto {

// Owns a POSIX file descriptor; closes it on destruction.
class UniqueFd {
 public:
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd();
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Closes now and returns close()'s result, which can report a late write error.
  int Close() { return Reset(); }

 private:
  int Reset();
  int fd_;
};

// The ErrorCode a caller should see for errno `err`: EEXIST → kConflict, ENOENT/ENOTDIR →
// kNotFound, EACCES/EPERM/EROFS → kPermissionDenied, anything else kInternal.
ErrorCode CodeForErrno(int err);

// Fails with CodeForErrno(err) and "<what> <path>: <strerror>".
tl::unexpected<Error> IoFail(std::string_view what, const std::filesystem::path& path, int err);

// Creates `path` with permission bits `mode`, writes `content` and makes both durable. `what`
// names the file in error messages ("key file"). Fails kConflict if `path` exists, otherwise
// with the CodeForErrno of the failing call; a failed write leaves nothing at `path`.
Result<void> WriteNewFileDurably(const std::filesystem::path& path, ByteView content, mode_t mode,
                                 std::string_view what);

// Fsyncs the directory that holds `path`, so a create or rename in it is durable.
Result<void> SyncDirectoryOf(const std::filesystem::path& path);

}  // namespace simpul::crypto
