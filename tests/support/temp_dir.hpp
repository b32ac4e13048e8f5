#pragma once
// Test helper: a fresh directory under the system temp dir, removed with its contents on
// destruction, and small file utilities. Shared by every test folder.

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

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

// The permission bits of `path`, from stat(2).
inline unsigned ModeOf(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0xFFFF;
  return st.st_mode & 07777;
}

inline std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Creates `path` holding `content`, then sets its permission bits to `mode`.
inline void WriteFile(const std::filesystem::path& path, std::string_view content,
                      std::filesystem::perms mode) {
  {
    std::ofstream out(path, std::ios::binary);
    out << content;
  }
  std::filesystem::permissions(path, mode);
}

}  // namespace simpul::testing
