#pragma once
// API keys of the Open311 facade: issued and revoked by a node admin (`simpulctl open311 key` or
// the admin API), presented by civic apps as `api_key` when they file a request. A key is shown
// once when issued; only its SHA-256 is stored. Each key may file at most `per_minute` requests
// in any one-minute window, so a leaked or buggy client cannot flood the node's intake.
//
//   auto issued = keys.IssueSync("Aplikasi Warga Bandung");   // issued->secret is shown once
//   auto key = co_await keys.Authenticate(api_key);           // before each POST requests
//
// Thread-safe: the rate windows are guarded by a mutex; everything else goes through Database.

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "node/service/clock.hpp"
#include "node/store/database.hpp"
#include "node/store/open311_store.hpp"

namespace simpul::service {

struct IssuedOpen311Key {
  store::Open311KeyRecord record;
  std::string secret;  // the key itself; not stored, so it cannot be shown again
};

inline constexpr std::size_t kMaxOpen311KeyLabelBytes = 100;

class Open311Keys {
 public:
  Open311Keys(store::Database& db, Clock clock, int per_minute)
      : db_(db), clock_(std::move(clock)), per_minute_(per_minute) {}

  // Issues a key for `label` (1–100 bytes of clean text; kInvalidArgument otherwise).
  boost::asio::awaitable<Result<IssuedOpen311Key>> Issue(std::string label);
  Result<IssuedOpen311Key> IssueSync(std::string label);
  boost::asio::awaitable<Result<std::vector<store::Open311KeyRecord>>> List();
  Result<std::vector<store::Open311KeyRecord>> ListSync();
  // Revokes key `id`: kNotFound when unknown, kConflict when already revoked.
  boost::asio::awaitable<Result<store::Open311KeyRecord>> Revoke(std::int64_t id);
  Result<store::Open311KeyRecord> RevokeSync(std::int64_t id);

  // The active key `secret` names, counted against its rate. Fails kPermissionDenied for a
  // missing, unknown or revoked key and kRateLimited when the key has used its requests for the
  // current minute.
  boost::asio::awaitable<Result<store::Open311KeyRecord>> Authenticate(std::string secret);

 private:
  store::Database::Job<IssuedOpen311Key> IssueJob(std::string label);
  Result<void> CountRequest(std::int64_t key_id);

  struct Window {
    domain::TimePoint start;
    int count = 0;
  };
  store::Database& db_;
  Clock clock_;
  int per_minute_;
  std::mutex mu_;
  std::map<std::int64_t, Window> windows_;  // one per key that filed recently; keys are few
};

}  // namespace simpul::service
