#include "federation/trust_anchor.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <set>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>

#include "crypto/bytes.hpp"
#include "crypto/canonical_json.hpp"
#include "crypto/durable_file.hpp"
#include "crypto/hash.hpp"
#include "federation/directory_fields.hpp"

namespace simpul::federation {
namespace {

using crypto::IoFail;
using crypto::UniqueFd;
using internal::FieldError;
using nlohmann::json;

// The rules every trust anchor meets, whether parsed or about to be written.
Result<void> CheckTrustAnchor(const TrustAnchor& anchor) {
  if (!anchor.coordinator.starts_with("coord:") || !internal::IsNodeId(anchor.coordinator)) {
    return FieldError("trust_anchor.coordinator", "must be a coordinator id like coord:panrb");
  }
  if (!internal::IsHttpsUrl(anchor.directory_url)) {
    return FieldError("trust_anchor.directory_url", "must be an https:// URL");
  }
  if (anchor.keys.empty()) return FieldError("trust_anchor.keys", "must hold at least one key");
  std::set<std::string_view> kids;
  for (std::size_t i = 0; i < anchor.keys.size(); ++i) {
    const std::string path = internal::ElementPath("trust_anchor.keys", i);
    if (anchor.keys[i].kid != crypto::KeyId(anchor.keys[i].public_key)) {
      return FieldError(path + ".kid", "must be the KeyId of public_key");
    }
    if (!kids.insert(anchor.keys[i].kid).second) return FieldError(path + ".kid", "duplicate kid");
  }
  return {};
}

}  // namespace

const TrustAnchorKey* TrustAnchor::Find(std::string_view kid) const {
  for (const TrustAnchorKey& key : keys) {
    if (key.kid == kid) return &key;
  }
  return nullptr;
}

TrustAnchor MakeTrustAnchor(std::string coordinator, std::string directory_url,
                            const std::vector<crypto::Ed25519PublicKey>& keys) {
  TrustAnchor anchor{std::move(coordinator), std::move(directory_url), {}};
  for (const crypto::Ed25519PublicKey& key : keys) {
    anchor.keys.push_back(TrustAnchorKey{crypto::KeyId(key), key});
  }
  return anchor;
}

Result<std::string> SerializeTrustAnchor(const TrustAnchor& anchor) {
  if (Result<void> ok = CheckTrustAnchor(anchor); !ok) return tl::unexpected(ok.error());
  json keys = json::array();
  for (const TrustAnchorKey& key : anchor.keys) {
    keys.push_back({{"kid", key.kid}, {"public_key", crypto::Base64Encode(key.public_key.bytes)}});
  }
  return crypto::Canonicalize({{"coordinator", anchor.coordinator},
                               {"directory_url", anchor.directory_url},
                               {"keys", std::move(keys)}});
}

Result<TrustAnchor> ParseTrustAnchor(std::string_view bytes) {
  if (bytes.size() > kMaxTrustAnchorBytes) {
    return Fail(ErrorCode::kTooLarge,
                "trust anchor is larger than " + std::to_string(kMaxTrustAnchorBytes) + " bytes");
  }
  Result<json> value = crypto::ParseCanonical(bytes, 4);
  if (!value) return FieldError("trust_anchor", value.error().message);
  internal::ObjectReader reader(*value, "trust_anchor");
  TrustAnchor anchor;
  anchor.coordinator = reader.String("coordinator");
  anchor.directory_url = reader.String("directory_url");
  for (const auto& [element, path] : reader.Elements("keys")) {
    internal::ObjectReader key(*element, path);
    TrustAnchorKey entry{key.String("kid"), {}};
    const std::string public_key = key.String("public_key");
    if (key.ok()) {
      Result<crypto::Ed25519PublicKey> parsed =
          internal::ParseKeyWithId(path, entry.kid, public_key);
      key.Check(parsed ? Result<void>{} : tl::unexpected(parsed.error()));
      if (parsed) entry.public_key = *parsed;
    }
    reader.Check(key.Finish());
    anchor.keys.push_back(std::move(entry));
  }
  if (Result<void> done = reader.Finish(); !done) return tl::unexpected(done.error());
  if (Result<void> ok = CheckTrustAnchor(anchor); !ok) return tl::unexpected(ok.error());
  return anchor;
}

Result<void> WriteTrustAnchor(const std::filesystem::path& path, const TrustAnchor& anchor) {
  Result<std::string> bytes = SerializeTrustAnchor(anchor);
  if (!bytes) return tl::unexpected(bytes.error());
  return crypto::WriteNewFileDurably(path, crypto::AsBytes(*bytes), 0644, "trust anchor");
}

Result<TrustAnchor> ReadTrustAnchor(const std::filesystem::path& path) {
  // O_NONBLOCK so that a FIFO planted at `path` cannot hang us before the regular-file check.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) return IoFail("cannot open trust anchor", path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return IoFail("cannot stat trust anchor", path, errno);
  if (!S_ISREG(st.st_mode)) {
    return Fail(ErrorCode::kInvalidArgument, "trust anchor " + path.string() + " is not a file");
  }
  std::string bytes(kMaxTrustAnchorBytes + 1, '\0');
  std::size_t filled = 0;
  while (filled < bytes.size()) {
    const ssize_t n = ::read(fd.get(), bytes.data() + filled, bytes.size() - filled);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoFail("cannot read trust anchor", path, errno);
    if (n == 0) break;
    filled += static_cast<std::size_t>(n);
  }
  bytes.resize(filled);
  return ParseTrustAnchor(bytes);
}

std::string TrustAnchorFingerprint(std::string_view bytes) {
  return crypto::Sha256Hex(crypto::AsBytes(bytes));
}

}  // namespace simpul::federation
