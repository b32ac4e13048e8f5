#include "node/key_files.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace simpul {
namespace fs = std::filesystem;

std::vector<fs::path> SecretKeyFiles(const NodeConfig& config) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(config.KeysDir(), ec)) {
    if (entry.path().extension() == ".key") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  if (!config.tls_key.empty() && fs::exists(config.tls_key, ec)) files.push_back(config.tls_key);
  return files;
}

Result<void> CheckSecretKeyFiles(const NodeConfig& config) {
  const uid_t me = ::geteuid();
  for (const fs::path& path : SecretKeyFiles(config)) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      return Fail(ErrorCode::kInternal,
                  "cannot examine key file " + path.string() + ": " + std::strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) {
      return Fail(ErrorCode::kPermissionDenied,
                  "key file " + path.string() + " is not a regular file; replace it with the key");
    }
    if (st.st_uid != me) {
      return Fail(ErrorCode::kPermissionDenied,
                  "key file " + path.string() + " is owned by uid " + std::to_string(st.st_uid) +
                      ", not by uid " + std::to_string(me) + " that runs simpuld; run chown " +
                      std::to_string(me) + " " + path.string() + " && chmod 600 " + path.string());
    }
    if ((st.st_mode & 077) != 0) {
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
      return Fail(ErrorCode::kPermissionDenied,
                  "key file " + path.string() + " has mode " + mode +
                      ", so group or others may read it; run chmod 600 " + path.string());
    }
  }
  return {};
}

}  // namespace simpul
