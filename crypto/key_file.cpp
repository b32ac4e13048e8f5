#include "crypto/key_file.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>
#include <system_error>

#include "crypto/durable_file.hpp"

namespace simpul::crypto::internal {
namespace {

constexpr std::size_t kMaxKeyFileBytes = 4096;

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
  return WriteNewFileDurably(path, text.view(), 0600, "key file");
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
