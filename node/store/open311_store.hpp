#pragma once
// SQL of the Open311 GeoReport v2 facade: the API keys civic apps file requests with, and the
// public view of cases that GET requests reads. Stateless, like the other stores: every function
// works on the Connection it is given (writes on the writer thread, reads on a reader).
//
// Visibility is fixed here, not left to callers: QueryRequests returns only what the public feed
// may show (verified or later, never confidential) and no reporter data at all.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "node/domain/lifecycle.hpp"
#include "node/domain/time.hpp"
#include "node/store/connection.hpp"

namespace simpul::store {

struct Open311KeyRecord {
  std::int64_t id = 0;
  std::string prefix;  // the first characters of the key, to tell keys apart in lists
  std::string label;   // who the key was issued to
  domain::TimePoint created_at;
  std::optional<domain::TimePoint> revoked_at;
};

// Filters of GET requests. Empty lists and unset bounds do not filter.
struct Open311Filter {
  std::vector<std::string> tracking_ids;
  std::vector<std::string> categories;  // exact category codes (Open311 service codes)
  std::optional<domain::TimePoint> submitted_from, submitted_to;  // inclusive
  // With `closed` set, only cases whose public state is (or is not) in `closed_states`. The
  // public state is the handler's reported state for a case this node forwarded, else its own.
  std::optional<bool> closed;
  std::vector<std::string> closed_states;  // state names that count as closed
  int limit = 100;
  int offset = 0;
};

// A case as Open311 may show it.
struct Open311Row {
  std::string tracking_id, category, body, address;
  domain::CaseState state = domain::CaseState::kVerified;  // this node's own state
  std::string handler;                                     // node it was forwarded to, if any
  std::string handler_state;                               // what that node last reported
  std::string unit_name;                                   // the work unit handling it, if any
  std::optional<double> latitude, longitude;
  domain::TimePoint submitted_at, updated_at;
  std::optional<domain::TimePoint> next_due_at;
  std::string next_clock;
  std::string status_note;  // the latest public response to the reporter; may be empty
};

struct Open311Page {
  std::vector<Open311Row> items;
  std::int64_t total = 0;
};

class Open311Store {
 public:
  // Stores a new key by its hash. Fails kConflict if the hash exists (a repeated random key).
  static Result<Open311KeyRecord> InsertKey(Connection& c, std::span<const std::uint8_t> key_hash,
                                            std::string_view prefix, std::string_view label,
                                            domain::TimePoint now);
  // Every key, oldest first.
  static Result<std::vector<Open311KeyRecord>> ListKeys(Connection& c);
  // Marks key `id` revoked at `now`. Fails kNotFound for an unknown id, kConflict when it is
  // already revoked.
  static Result<Open311KeyRecord> RevokeKey(Connection& c, std::int64_t id, domain::TimePoint now);
  // The unrevoked key with this hash, or nullopt.
  static Result<std::optional<Open311KeyRecord>> FindActiveKey(
      Connection& c, std::span<const std::uint8_t> key_hash);

  // Public cases matching `f`, newest first, with the total before paging.
  static Result<Open311Page> QueryRequests(Connection& c, const Open311Filter& f);
};

}  // namespace simpul::store
