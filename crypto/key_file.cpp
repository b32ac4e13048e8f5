#include "crypto/key_file.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>
#include <system_error>

namespace simpul::crypto::internal {
namespace {

constexpr std::size_t kMaxKeyFileBytes = 4096;

// Owns a POSIX file descriptor; closes it on destruction.
class UniqueFd {
 public:
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Closes now and returns close()'s result, which can report a late write error.
  int Close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

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

Result<void> WriteAll(int fd, ByteView data, const std::filesystem::path& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoFail("cannot write", path, errno);
    data = data.subspan(static_cast<std::size_t>(n));
  }
  return {};
}

Result<void> SyncDirectoryOf(const std::filesystem::path& path) {
  std::filesystem::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid() || ::fsync(fd.get()) != 0) return IoFail("cannot sync directory", dir, errno);
  return {};
}

// "<header>\n<base64(secret)>\n", built in wiped memory.
SecretBytes EncodeKeyText(std::string_view header, ByteView secret) {
  const std::size_t b64_len =
      sodium_base64_ENCODED_LEN(secret.size(), sodium_base64_VARIANT_ORIGINAL) - 1;
  SecretBytes text(header.size() + 1 + b64_len + 1);
  char* out = reinterpret_cast<char*>(text.data());
  header.copy(out, header.size());
  out[header.size()] = '\n';
  // Writes b64_len characters and a NUL, which the final newline then replaces.
  sodium_bin2base64(out + header.size() + 1, b64_len + 1, secret.data(), secret.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out[text.size() - 1] = '\n';
  return text;
}

Result<SecretBytes> DecodeKeyText(ByteView file, std::string_view header, std::size_t secret_len,
                                  const std::filesystem::path& path) {
  std::string_view text(reinterpret_cast<const char*>(file.data()), file.size());
  if (!text.starts_with(header) || text.substr(header.size(), 1) != "\n") {
    return Fail(ErrorCode::kInvalidArgument, "key file " + path.string() +
                                                 " does not start with the line \"" +
                                                 std::string(header) + "\"");
  }
  std::string_view encoded = text.substr(header.size() + 1);
  if (encoded.ends_with('\n')) encoded.remove_suffix(1);
  SecretBytes secret(secret_len);
  std::size_t decoded_len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(secret.data(), secret.size(), encoded.data(), encoded.size(), nullptr,
                        &decoded_len, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != encoded.data() + encoded.size() || decoded_len != secret_len) {
    return Fail(ErrorCode::kInvalidArgument, "key file " + path.string() +
                                                 ": line 2 must be the base64 of " +
                                                 std::to_string(secret_len) + " bytes");
  }
  return secret;
}

Result<void> CheckOwnerOnly(const struct stat& st, const std::filesystem::path& path) {
  if (!S_ISREG(st.st_mode)) {
    return Fail(ErrorCode::kInvalidArgument,
                "key file " + path.string() + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Fail(ErrorCode::kPermissionDenied,
                "key file " + path.string() + " has mode " + mode +
                    ", so group or others may access it; run chmod 600 " + path.string());
  }
  if (static_cast<std::size_t>(st.st_size) > kMaxKeyFileBytes) {
    return Fail(ErrorCode::kInvalidArgument, "key file " + path.string() + " is too large");
  }
  return {};
}

}  // namespace

Result<void> WriteSecretFile(const std::filesystem::path& path, std::string_view header,
                             ByteView secret) {
  const SecretBytes text = EncodeKeyText(header, secret);
  UniqueFd fd(::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600));
  if (!fd.valid()) {
    if (errno == EEXIST) {
      return Fail(ErrorCode::kConflict,
                  "key file " + path.string() + " already exists; refusing to overwrite it");
    }
    return IoFail("cannot create key file", path, errno);
  }
  Result<void> written = WriteAll(fd.get(), text.view(), path);
  if (written && (::fchmod(fd.get(), 0600) != 0 || ::fsync(fd.get()) != 0)) {
    written = IoFail("cannot sync key file", path, errno);
  }
  if (written && fd.Close() != 0) written = IoFail("cannot close key file", path, errno);
  if (!written) {
    ::unlink(path.c_str());
    return written;
  }
  return SyncDirectoryOf(path);
}

Result<SecretBytes> ReadSecretFile(const std::filesystem::path& path, std::string_view header,
                                   std::size_t secret_len) {
  // O_NONBLOCK so that a FIFO planted at `path` cannot hang us before the regular-file check.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) return IoFail("cannot open key file", path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return IoFail("cannot stat key file", path, errno);
  if (Result<void> ok = CheckOwnerOnly(st, path); !ok) return tl::unexpected(ok.error());

  SecretBytes file(static_cast<std::size_t>(st.st_size));
  std::size_t filled = 0;
  while (filled < file.size()) {
    const ssize_t n = ::read(fd.get(), file.data() + filled, file.size() - filled);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoFail("cannot read key file", path, errno);
    if (n == 0) break;
    filled += static_cast<std::size_t>(n);
  }
  return DecodeKeyText(file.view().first(filled), header, secret_len, path);
}

}  // namespace simpul::crypto::internal
