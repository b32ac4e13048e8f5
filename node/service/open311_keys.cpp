#include "node/service/open311_keys.hpp"

#include "crypto/bytes.hpp"
#include "crypto/hash.hpp"
#include "crypto/random.hpp"
#include "node/domain/text.hpp"

namespace simpul::service {
namespace {

using store::Connection;
using store::Open311KeyRecord;
using store::Open311Store;

constexpr std::string_view kKeyPrefix = "o311_";
constexpr std::size_t kShownPrefixChars = 12;  // "o311_" and 7 characters of the random part
constexpr std::size_t kMaxKeyBytes = 128;

std::vector<std::uint8_t> KeyHash(std::string_view secret) {
  auto d = crypto::Sha256(crypto::AsBytes(secret));
  return {d.begin(), d.end()};
}

Error BadKey() {
  return Error{ErrorCode::kPermissionDenied,
               "invalid api_key: ask this node's administrator for an Open311 key"};
}

}  // namespace

store::Database::Job<IssuedOpen311Key> Open311Keys::IssueJob(std::string label) {
  return [this, label = std::move(label)](Connection& c) -> Result<IssuedOpen311Key> {
    if (label.empty() || label.size() > kMaxOpen311KeyLabelBytes || !domain::IsCleanText(label) ||
        domain::IsBlank(label)) {
      return Fail(ErrorCode::kInvalidArgument,
                  "label: must be 1-100 bytes of text naming who the key is for");
    }
    std::string secret = std::string(kKeyPrefix) + crypto::RandomToken(32);
    auto record = Open311Store::InsertKey(c, KeyHash(secret), secret.substr(0, kShownPrefixChars),
                                          label, clock_());
    if (!record) return tl::unexpected(record.error());
    return IssuedOpen311Key{std::move(*record), std::move(secret)};
  };
}

boost::asio::awaitable<Result<IssuedOpen311Key>> Open311Keys::Issue(std::string label) {
  store::Database::Job<IssuedOpen311Key> job = IssueJob(std::move(label));
  co_return co_await db_.Write<IssuedOpen311Key>(std::move(job));
}

Result<IssuedOpen311Key> Open311Keys::IssueSync(std::string label) {
  return db_.WriteSync<IssuedOpen311Key>(IssueJob(std::move(label)));
}

boost::asio::awaitable<Result<std::vector<Open311KeyRecord>>> Open311Keys::List() {
  co_return co_await db_.Read<std::vector<Open311KeyRecord>>(
      [](Connection& c) { return Open311Store::ListKeys(c); });
}

Result<std::vector<Open311KeyRecord>> Open311Keys::ListSync() {
  return db_.ReadSync<std::vector<Open311KeyRecord>>(
      [](Connection& c) { return Open311Store::ListKeys(c); });
}

boost::asio::awaitable<Result<Open311KeyRecord>> Open311Keys::Revoke(std::int64_t id) {
  const domain::TimePoint now = clock_();
  co_return co_await db_.Write<Open311KeyRecord>(
      [id, now](Connection& c) { return Open311Store::RevokeKey(c, id, now); });
}

Result<Open311KeyRecord> Open311Keys::RevokeSync(std::int64_t id) {
  const domain::TimePoint now = clock_();
  return db_.WriteSync<Open311KeyRecord>(
      [id, now](Connection& c) { return Open311Store::RevokeKey(c, id, now); });
}

boost::asio::awaitable<Result<Open311KeyRecord>> Open311Keys::Authenticate(std::string secret) {
  if (secret.empty() || secret.size() > kMaxKeyBytes) co_return tl::unexpected(BadKey());
  const std::vector<std::uint8_t> hash = KeyHash(secret);
  auto found = co_await db_.Read<std::optional<Open311KeyRecord>>(
      [&hash](Connection& c) { return Open311Store::FindActiveKey(c, hash); });
  if (!found) co_return tl::unexpected(found.error());
  if (!*found) co_return tl::unexpected(BadKey());
  if (auto counted = CountRequest((*found)->id); !counted) {
    co_return tl::unexpected(counted.error());
  }
  co_return std::move(**found);
}

Result<void> Open311Keys::CountRequest(std::int64_t key_id) {
  const domain::TimePoint now = clock_();
  std::lock_guard lock(mu_);
  Window& w = windows_[key_id];
  if (now - w.start >= std::chrono::minutes(1)) w = Window{now, 0};
  if (w.count >= per_minute_) {
    const auto wait =
        std::chrono::ceil<std::chrono::seconds>(w.start + std::chrono::minutes(1) - now);
    return Fail(ErrorCode::kRateLimited, "this api_key has filed " + std::to_string(per_minute_) +
                                             " requests this minute; retry in " +
                                             std::to_string(wait.count()) + " s");
  }
  ++w.count;
  return {};
}

}  // namespace simpul::service
