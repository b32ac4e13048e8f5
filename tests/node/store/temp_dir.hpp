#pragma once
// Test helper: a fresh directory under the system temp dir, removed with its contents on
// destruction. Shared by the store and service tests.

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "crypto/random.hpp"

namespace simpul::testing {

class TempDir {
 public:
  TempDir()
      : path_(std::filesystem::temp_directory_path() / ("simpul-test-" + crypto::RandomToken(12))) {
    std::filesystem::create_directory(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace simpul::testing
