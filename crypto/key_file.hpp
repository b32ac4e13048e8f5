#pragma once
// Internal to simpul::crypto: the on-disk form shared by every secret key file,
//
//   <header>\n
//   <standard base64 of the secret>\n
//
// readable and writable by the owner only (mode 0600). Functions are thread-safe; two processes
// writing the same path race safely (one gets kConflict).

#include <cstddef>
#include <filesystem>
#include <string_view>

#include "crypto/bytes.hpp"
#include "crypto/result.hpp"
#include "crypto/secret_bytes.hpp"

namespace simpul::crypto::internal {

// Creates `path` with mode 0600 and writes `secret` to it, durably (fsync of file and directory).
// Never overwrites: fails with kConflict if `path` exists, kNotFound if its directory does not,
// kPermissionDenied if the directory is not writable, kInternal on other I/O errors (the partial
// file is removed).
Result<void> WriteSecretFile(const std::filesystem::path& path, std::string_view header,
                             ByteView secret);

// Reads a file written by WriteSecretFile and returns its `secret_len`-byte secret. Fails with
// kNotFound if missing, kPermissionDenied if group or others have any permission bit (the message
// says to run chmod 600), kInvalidArgument if the header, encoding or length is wrong, kInternal
// on other I/O errors.
Result<SecretBytes> ReadSecretFile(const std::filesystem::path& path, std::string_view header,
                                   std::size_t secret_len);

}  // namespace simpul::crypto::internal
