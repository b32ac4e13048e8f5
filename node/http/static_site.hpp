#pragma once
// The web UI's files (citizen portal, staff console, coordinator dashboard), read into memory once
// at start so that a request path can only ever name a file that was under the web root when the
// node started: no request touches the file system, so `..`, encoded dots, backslashes, absolute
// paths and symlinks cannot reach outside it.
//
//   auto site = StaticSite::Load("/usr/share/simpul/web");
//   auto found = site->Find("/staff/");  // the asset staff/index.html
//
// Immutable after Load; Find may be called from any number of threads.

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/result.hpp"

namespace simpul::http {

// One file of the site.
struct StaticAsset {
  std::string content_type;
  std::string etag;  // a strong entity tag without quotes: the SHA-256 prefix of the content
  std::string body;
  bool html = false;  // HTML pages get the security headers (CSP, frame and referrer policy)
};

// Where a request path leads.
struct StaticLookup {
  enum class Kind { kAsset, kRedirect, kNotFound };
  Kind kind = Kind::kNotFound;
  const StaticAsset* asset = nullptr;  // kAsset
  std::string location;                // kRedirect: the same path with a trailing slash
};

class StaticSite {
 public:
  // Limits that keep a misconfigured web root (say, "/") from filling memory.
  static constexpr std::size_t kMaxFiles = 4000;
  static constexpr std::size_t kMaxTotalBytes = 64 << 20;

  // An empty site: every lookup is kNotFound. `why` says what to do (shown in 404 messages).
  explicit StaticSite(std::string why = "no web root loaded") : why_(std::move(why)) {}

  // Reads every file with a known extension under `root` (recursively; names starting with '.'
  // are skipped). Entries whose real path is outside `root` (symlinks escaping it) are skipped
  // and listed in skipped(). Fails with kNotFound when `root` is not a directory, kTooLarge past
  // kMaxFiles or kMaxTotalBytes, kInternal when a file cannot be read.
  [[nodiscard]] static Result<StaticSite> Load(const std::filesystem::path& root);

  // Resolves a percent-decoded URL path. A directory path ("/", "/staff/") means its index.html;
  // "/staff" when "staff/index.html" exists redirects to "/staff/". Fails with kInvalidArgument for
  // a path that could escape the root: a backslash, a control character (NUL included), an empty,
  // "." or ".." segment, or a path not starting with '/'.
  [[nodiscard]] Result<StaticLookup> Find(std::string_view url_path) const;

  // The Content-Type for a file name, or "" when the extension is not served.
  static std::string_view ContentTypeFor(const std::filesystem::path& file);

  std::size_t size() const { return assets_.size(); }
  const std::vector<std::string>& skipped() const { return skipped_; }
  const std::string& why_empty() const { return why_; }

 private:
  std::map<std::string, StaticAsset, std::less<>> assets_;  // key: "js/common/api.js"
  std::vector<std::string> skipped_;
  std::string why_;
};

// The web root used when the config names none: share/simpul/web beside the running executable's
// prefix (an installed node) if that directory exists, else the build tree's node/web.
std::filesystem::path DefaultWebRoot();

}  // namespace simpul::http
