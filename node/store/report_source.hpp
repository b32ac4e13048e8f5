#pragma once
// SQL a member node reads to report to the coordinator (DESIGN §5): overdue tracking ids, and the
// personal-data-free view of its case events that case.meta carries, read from a cursor kept in
// the counters table.
//
//   auto after = ReportSource::MetaCursor(c);                       // 0 before the first batch
//   auto batch = ReportSource::MetaEvents(c, *after, 500);          // events with id > after
//   ... enqueue case.meta ...
//   ReportSource::SetMetaCursor(c, batch->back().event);            // same transaction
//
// Stateless: every function works on the Connection it is given; SetMetaCursor only on the
// writer, inside the transaction that enqueues the batch it covers.

#include <cstdint>
#include <string>
#include <vector>

#include "node/domain/time.hpp"
#include "node/store/connection.hpp"

namespace simpul::store {

// One case event as the coordinator may see it: ids, codes, states and times only — never a
// title, body, address, coordinates, reporter, note or reason.
struct MetaEvent {
  std::int64_t event = 0;  // case_events.id
  std::string tracking_id;
  std::string origin;  // node where the citizen filed it; "" when it is this node
  std::string category, region, classification;
  std::string state;   // state after the event
  std::string action;  // the lifecycle action
  std::int64_t at = 0;
  std::int64_t submitted_at = 0;
};

class ReportSource {
 public:
  // Tracking ids of cases whose next deadline is before `now`, the most overdue first, at most
  // `limit`.
  static Result<std::vector<std::string>> OverdueIds(Connection& c, domain::TimePoint now,
                                                     int limit);
  // The last case event id sent as case.meta; 0 before the first.
  static Result<std::int64_t> MetaCursor(Connection& c);
  // Moves the cursor to `event`. Writer only.
  static Result<void> SetMetaCursor(Connection& c, std::int64_t event);
  // Case events with id > `after`, in id order, at most `limit`, with their case's current
  // category, region, classification and origin.
  static Result<std::vector<MetaEvent>> MetaEvents(Connection& c, std::int64_t after, int limit);
  // How many case events have id > `after`.
  static Result<std::int64_t> MetaPending(Connection& c, std::int64_t after);
};

}  // namespace simpul::store
