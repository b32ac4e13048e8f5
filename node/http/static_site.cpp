#include "node/http/static_site.hpp"

#include <array>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

#include "crypto/bytes.hpp"
#include "crypto/hash.hpp"

namespace simpul::http {
namespace {

namespace fs = std::filesystem;

struct TypeOf {
  std::string_view extension, content_type;
};
constexpr std::array<TypeOf, 13> kTypes = {{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".webp", "image/webp"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
    {".webmanifest", "application/manifest+json"},
}};

// True when `p` lies inside `root` (both canonical).
bool Inside(const fs::path& root, const fs::path& p) {
  auto rel = p.lexically_relative(root);
  return !rel.empty() && *rel.begin() != "..";
}

bool Hidden(const fs::path& relative) {
  for (const auto& part : relative) {
    if (part.string().starts_with('.')) return true;
  }
  return false;
}

Result<std::string> ReadWhole(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  if (!in && !in.eof()) return Fail(ErrorCode::kInternal, "cannot read " + file.string());
  return out.str();
}

// Checks each segment of a decoded URL path; the key of the asset it names.
Result<std::string> AssetKey(std::string_view url_path) {
  if (!url_path.starts_with('/')) return Fail(ErrorCode::kInvalidArgument, "path must start /");
  for (char ch : url_path) {
    if (ch == '\\' || static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) {
      return Fail(ErrorCode::kInvalidArgument, "path holds a backslash or control character");
    }
  }
  std::string_view rest = url_path.substr(1);
  std::string key(rest);
  size_t start = 0;
  while (start < rest.size()) {
    size_t slash = rest.find('/', start);
    if (slash == std::string_view::npos) slash = rest.size();
    std::string_view segment = rest.substr(start, slash - start);
    if (segment.empty() || segment == "." || segment == "..") {
      return Fail(ErrorCode::kInvalidArgument, "path segments must not be empty, '.' or '..'");
    }
    start = slash + 1;
  }
  if (key.empty() || key.back() == '/') key += "index.html";
  return key;
}

}  // namespace

std::string_view StaticSite::ContentTypeFor(const fs::path& file) {
  const std::string ext = file.extension().string();
  for (const auto& t : kTypes) {
    if (t.extension == ext) return t.content_type;
  }
  return {};
}

Result<StaticSite> StaticSite::Load(const fs::path& root) {
  std::error_code ec;
  const fs::path base = fs::canonical(root, ec);
  if (ec || !fs::is_directory(base)) {
    return Fail(ErrorCode::kNotFound, "web root " + root.string() +
                                          " is not a directory: set [http] web_root to the "
                                          "installed share/simpul/web or the build's node/web");
  }
  StaticSite site("");
  std::size_t total = 0;
  for (auto it = fs::recursive_directory_iterator(base, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    const fs::path relative = it->path().lexically_relative(base);
    const fs::path real = fs::canonical(it->path(), ec);
    if (ec || !Inside(base, real)) {
      site.skipped_.push_back(relative.generic_string());
      ec.clear();
      if (it->is_directory(ec)) it.disable_recursion_pending();
      ec.clear();
      continue;
    }
    if (Hidden(relative) || !fs::is_regular_file(real)) continue;
    const std::string_view type = ContentTypeFor(relative);
    if (type.empty()) continue;
    auto body = ReadWhole(real);
    if (!body) return tl::unexpected(body.error());
    total += body->size();
    if (site.assets_.size() >= kMaxFiles || total > kMaxTotalBytes) {
      return Fail(ErrorCode::kTooLarge, "web root " + root.string() +
                                            " holds too many or too large files: point "
                                            "[http] web_root at the web UI's directory");
    }
    StaticAsset asset{std::string(type), crypto::Sha256Hex(crypto::AsBytes(*body)).substr(0, 32),
                      std::move(*body), relative.extension() == ".html"};
    site.assets_.emplace(relative.generic_string(), std::move(asset));
  }
  if (ec) return Fail(ErrorCode::kInternal, "cannot list " + base.string() + ": " + ec.message());
  return site;
}

Result<StaticLookup> StaticSite::Find(std::string_view url_path) const {
  auto key = AssetKey(url_path);
  if (!key) return tl::unexpected(key.error());
  if (auto it = assets_.find(*key); it != assets_.end()) {
    return StaticLookup{StaticLookup::Kind::kAsset, &it->second, {}};
  }
  if (assets_.contains(*key + "/index.html")) {
    return StaticLookup{StaticLookup::Kind::kRedirect, nullptr, std::string(url_path) + "/"};
  }
  return StaticLookup{};
}

fs::path DefaultWebRoot() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = exe.parent_path().parent_path() / "share" / "simpul" / "web";
    if (fs::is_directory(installed, ec)) return installed;
  }
  return fs::path(SIMPUL_BUILD_WEB_ROOT);
}

}  // namespace simpul::http
