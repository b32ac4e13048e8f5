#include "tests/bench/sim/lanes.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

namespace simpul::bench::sim {
namespace {

namespace net = boost::asio;
using Clock = std::chrono::steady_clock;

// What the lanes share besides the tally.
struct Shared {
  std::mutex mu;
  std::condition_variable done_cv;
  int lanes_running = 0;
  std::optional<Error> error;
  std::atomic<bool> stop{false};
  std::atomic<int> min_span_done{0};
  std::vector<int> spans_done;  // per lane; guarded by mu
};

net::awaitable<void> Lane(net::any_io_executor strand, std::vector<SimNode*> nodes,
                          const SimWorld& world, LaneOptions options, int lane, Tally& tally,
                          Shared& shared) {
  for (int first = 0; first < options.days && !shared.stop; first += options.days_per_session) {
    const SessionSpan span{first, std::min(options.days, first + options.days_per_session)};
    for (SimNode* node : nodes) {
      if (shared.stop || Clock::now() >= options.deadline) {
        shared.stop = true;
        break;
      }
      auto done = co_await RunSession(strand, *node, world, span, tally);
      if (!done) {
        std::lock_guard lock(shared.mu);
        if (!shared.error) shared.error = done.error();
        shared.stop = true;
      }
    }
    if (shared.stop) break;
    std::lock_guard lock(shared.mu);
    shared.spans_done[lane] = span.end_day;
  }
  std::lock_guard lock(shared.mu);
  if (--shared.lanes_running == 0) shared.done_cv.notify_all();
}

void PrintProgress(const Tally& tally, Clock::time_point start, int days_done) {
  const double s = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf(
      "  %6.0f s  day %3d  sessions %7lld  envelopes %8lld (%5.0f/s)  meta records %9lld "
      "(%6.0f/s)  cosigned %7lld (%5.0f/s)\n",
      s, days_done, static_cast<long long>(tally.sessions.load()),
      static_cast<long long>(tally.envelopes.load()), tally.envelopes.load() / s,
      static_cast<long long>(tally.meta_records.load()), tally.meta_records.load() / s,
      static_cast<long long>(tally.cosigned.load()), tally.cosigned.load() / s);
  std::fflush(stdout);
}

}  // namespace

Result<LaneRun> RunLanes(const std::vector<std::unique_ptr<SimNode>>& nodes, const SimWorld& world,
                         const LaneOptions& options, Tally& tally) {
  const int lanes = std::max(1, std::min<int>(options.lanes, static_cast<int>(nodes.size())));
  std::vector<std::vector<SimNode*>> dealt(lanes);
  for (std::size_t i = 0; i < nodes.size(); ++i) dealt[i % lanes].push_back(nodes[i].get());
  net::io_context io(options.threads);
  Shared shared;
  shared.lanes_running = lanes;
  shared.spans_done.assign(lanes, 0);
  const auto start = Clock::now();
  for (int lane = 0; lane < lanes; ++lane) {
    // Named locals only into the coroutine's by-value parameters (GCC 12).
    net::any_io_executor strand = net::make_strand(io);
    net::any_io_executor executor = strand;
    std::vector<SimNode*> lane_nodes = dealt[lane];
    LaneOptions lane_options = options;
    net::co_spawn(strand,
                  Lane(std::move(executor), std::move(lane_nodes), world, std::move(lane_options),
                       lane, tally, shared),
                  net::detached);
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < std::max(1, options.threads); ++t) threads.emplace_back([&io] { io.run(); });
  int days_done = 0;
  {
    std::unique_lock lock(shared.mu);
    while (!shared.done_cv.wait_for(lock, options.progress,
                                    [&] { return shared.lanes_running == 0; })) {
      days_done = *std::min_element(shared.spans_done.begin(), shared.spans_done.end());
      lock.unlock();
      PrintProgress(tally, start, days_done);
      lock.lock();
    }
    days_done = *std::min_element(shared.spans_done.begin(), shared.spans_done.end());
  }
  for (auto& t : threads) t.join();
  // The clients live on this io_context: they must go before it does.
  for (const auto& node : nodes) node->client.reset();
  LaneRun run;
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  run.days_completed = days_done;
  run.cut_short = shared.stop && !shared.error;
  if (shared.error) return tl::unexpected(*shared.error);
  return run;
}

}  // namespace simpul::bench::sim
