#pragma once
// Content-addressed files for attachments: <root>/<first two hex>/<sha256 hex>. A file is
// written to a temporary name, fsynced and renamed into place, so a crash never leaves a partial
// blob under a valid name. Equal content is stored once. Thread-safe: distinct writers of the
// same content race harmlessly to the same final file.

#include <filesystem>
#include <string>
#include <string_view>

#include "crypto/result.hpp"

namespace simpul::store {

class BlobStore {
 public:
  explicit BlobStore(std::filesystem::path root) : root_(std::move(root)) {}

  // Stores `content` durably and returns its SHA-256 in lower-case hex. Fails kUnavailable when
  // the disk refuses the write (full, read-only).
  Result<std::string> Put(std::string_view content) const;
  // Reads the blob named `sha256_hex`. Fails kInvalidArgument for a name that is not 64 hex
  // digits (so no path can be smuggled in) and kNotFound when absent.
  Result<std::string> Get(std::string_view sha256_hex) const;

 private:
  std::filesystem::path PathFor(std::string_view sha256_hex) const;
  std::filesystem::path root_;
};

}  // namespace simpul::store
