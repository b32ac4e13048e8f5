#pragma once
// A member node's reports to the coordinator (DESIGN §5). Every interval it
//   1. sends its case events since the last batch as case.meta envelopes of at most
//      federation::kMaxMetaRecords records — ids, codes, states and times, no personal data —
//      each batch read, enqueued and its cursor advanced in one write transaction, and at most
//      `max_meta_batches` batches per tick, so a node with a large backlog catches up over
//      several ticks without holding the writer long;
//   2. measures itself (counts by state, SLA compliance per clock, overdue cases, outbox backlog
//      per destination, directory version, transparency-log size and checkpoints) and enqueues
//      the result as a signed node.report.
// Both go through the Outbox, so they are delivered in order, retried, and never dropped while
// the coordinator is unreachable.
//
//   Reporter reporter(io, state, db, outbox, clock, {.interval = std::chrono::seconds(300)});
//   reporter.Start();   // first tick one interval from now
//   reporter.Stop();
//
// Thread safety: Start and Stop from the controlling thread; Tick from one coroutine at a time.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <cstdint>
#include <string>

#include "node/fed/federation_state.hpp"
#include "node/fed/outbox.hpp"
#include "node/service/clock.hpp"
#include "node/store/database.hpp"

namespace simpul::fed {

struct ReporterOptions {
  std::chrono::seconds interval{300};
  int max_meta_batches = 20;  // case.meta envelopes per tick at most
};

// What one tick sent.
struct ReportTick {
  std::int64_t meta_records = 0;
  int meta_batches = 0;
  std::string report_msg_id;
};

class Reporter {
 public:
  Reporter(boost::asio::io_context& io, FederationState& state, store::Database& db,
           Outbox& outbox, service::Clock clock, ReporterOptions options);

  // Starts ticking every interval; a failed tick is logged and the next one tries again.
  void Start();
  // Stops ticking; a tick under way finishes.
  void Stop();

  // Sends what is due now: case.meta batches, then node.report. Fails kUnavailable without a
  // trust anchor (no coordinator to report to) or before a directory was accepted, and with the
  // database's error if a write fails (what was enqueued before stays enqueued).
  boost::asio::awaitable<Result<ReportTick>> Tick();

 private:
  boost::asio::awaitable<void> Loop();

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;
  FederationState& state_;
  store::Database& db_;
  Outbox& outbox_;
  service::Clock clock_;
  ReporterOptions options_;
};

}  // namespace simpul::fed
