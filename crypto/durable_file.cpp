#include "crypto/durable_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace simpul::crypto {

UniqueFd::~UniqueFd() { Reset(); }

int UniqueFd::Reset() {
  if (fd_ < 0) return 0;
  return ::close(std::exchange(fd_, -1));
}

ErrorCode CodeForErrno(int err) {
  switch (err) {
    case EEXIST:
      return ErrorCode::kConflict;
    case ENOENT:
    case ENOTDIR:
      return ErrorCode::kNotFound;
    case EACCES:
    case EPERM:
    case EROFS:
      return ErrorCode::kPermissionDenied;
    default:
      return ErrorCode::kInternal;
  }
}

tl::unexpected<Error> IoFail(std::string_view what, const std::filesystem::path& path, int err) {
  return Fail(CodeForErrno(err), std::string(what) + " " + path.string() + ": " +
                                     std::generic_category().message(err));
}

Result<void> SyncDirectoryOf(const std::filesystem::path& path) {
  std::filesystem::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid() || ::fsync(fd.get()) != 0) return IoFail("cannot sync directory", dir, errno);
  return {};
}

Result<void> WriteNewFileDurably(const std::filesystem::path& path, ByteView content, mode_t mode,
                                 std::string_view what) {
  UniqueFd fd(::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, mode));
  if (!fd.valid()) {
    if (errno == EEXIST) {
      return Fail(ErrorCode::kConflict, std::string(what) + " " + path.string() +
                                            " already exists; refusing to overwrite it");
    }
    return IoFail("cannot create " + std::string(what), path, errno);
  }
  // The umask may have narrowed `mode`; set it exactly.
  int err = ::fchmod(fd.get(), mode) == 0 ? 0 : errno;
  while (err == 0 && !content.empty()) {
    const ssize_t n = ::write(fd.get(), content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      err = n < 0 ? errno : EIO;
    } else {
      content = content.subspan(static_cast<std::size_t>(n));
    }
  }
  if (err == 0 && ::fsync(fd.get()) != 0) err = errno;
  if (fd.Close() != 0 && err == 0) err = errno;
  if (err != 0) {
    ::unlink(path.c_str());
    return IoFail("cannot write " + std::string(what), path, err);
  }
  return SyncDirectoryOf(path);
}

}  // namespace simpul::crypto
