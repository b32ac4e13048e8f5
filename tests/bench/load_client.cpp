#include "tests/bench/load_client.hpp"

#include <time.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <sstream>
#include <thread>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace simpul::bench {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
constexpr auto kTuple = net::as_tuple(net::use_awaitable);
// Longest any single connect, write or read may take; bounds the drain after the window.
constexpr std::chrono::seconds kIoTimeout{10};

// What one connection saw. Touched only by that connection's coroutine until the run is over.
struct ConnectionStats {
  std::uint64_t ok = 0;
  std::map<unsigned, std::uint64_t> others;
  std::uint64_t transport_errors = 0;
  std::string first_error;
  std::vector<std::uint32_t> latencies_us;

  void Fail(std::string what) {
    ++transport_errors;
    if (first_error.empty()) first_error = std::move(what);
  }
};

// State shared by every coroutine of one run. Atomics because with several client threads the
// connections run concurrently; the rest is written before the threads start or by the watcher.
struct Run {
  Run(const LoadOptions& o, tcp::endpoint ep) : options(o), endpoint(ep) {}

  const LoadOptions& options;
  tcp::endpoint endpoint;
  Clock::time_point window_start;
  Clock::time_point deadline;  // window end unless the request cap ends it first
  std::atomic<std::uint64_t> measured{0};
  std::atomic<bool> capped{false};
  std::atomic<Clock::rep> capped_at{0};
  std::atomic<int> connected{0};
  // Written by the watcher only.
  Clock::time_point window_end;
  double cpu_at_start = 0, cpu_at_end = 0;
  ConnectionStats probe_stats;
  std::string probe_at_start, probe_at_end;

  bool Over(Clock::time_point now) const {
    return now >= deadline || capped.load(std::memory_order_relaxed);
  }

  // Counts a response that arrived at `now` after `latency`, if it falls inside the window.
  void Record(ConnectionStats& stats, unsigned status, Clock::duration latency,
              Clock::time_point now) {
    if (now < window_start || Over(now)) return;
    const std::uint64_t index = measured.fetch_add(1, std::memory_order_relaxed);
    if (index >= options.max_requests) return;
    if (index + 1 == options.max_requests) {
      capped_at.store(now.time_since_epoch().count(), std::memory_order_relaxed);
      capped.store(true, std::memory_order_release);
    }
    if (status == options.expected_status) {
      ++stats.ok;
    } else {
      ++stats.others[status];
    }
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(latency).count();
    stats.latencies_us.push_back(static_cast<std::uint32_t>(std::min<long long>(us, UINT32_MAX)));
  }
};

// One keep-alive connection in a closed loop until the window is over. A failed operation ends
// the connection (the failure is counted); a response without keep-alive makes it reconnect.
net::awaitable<void> Drive(Run& run, ConnectionStats& stats) {
  beast::tcp_stream stream(co_await net::this_coro::executor);
  beast::flat_buffer buffer;
  bool open = false, ever_open = false;
  const net::const_buffer request = net::buffer(run.options.request);
  while (!run.Over(Clock::now())) {
    if (!open) {
      stream.expires_after(kIoTimeout);
      auto [cec] = co_await stream.async_connect(run.endpoint, kTuple);
      if (cec) {
        stats.Fail("connect: " + cec.message());
        co_return;
      }
      boost::system::error_code ignored;
      stream.socket().set_option(tcp::no_delay(true), ignored);
      open = true;
      if (!std::exchange(ever_open, true)) run.connected.fetch_add(1, std::memory_order_relaxed);
      buffer.clear();
    }
    const auto sent = Clock::now();
    stream.expires_after(kIoTimeout);
    auto [wec, wn] = co_await net::async_write(stream, request, kTuple);
    if (wec) {
      stats.Fail("write: " + wec.message());
      co_return;
    }
    bhttp::response<bhttp::string_body> res;
    auto [rec, rn] = co_await bhttp::async_read(stream, buffer, res, kTuple);
    if (rec) {
      stats.Fail("read: " + rec.message());
      co_return;
    }
    const auto now = Clock::now();
    run.Record(stats, res.result_int(), now - sent, now);
    if (!res.keep_alive()) {
      boost::system::error_code ignored;
      stream.socket().close(ignored);
      open = false;
    }
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.socket().close(ignored);
}

// GETs options.probe_target on a fresh connection; returns the body, or "" after counting the
// failure in run.probe_stats.
net::awaitable<std::string> Probe(Run& run) {
  beast::tcp_stream stream(co_await net::this_coro::executor);
  stream.expires_after(kIoTimeout);
  auto [cec] = co_await stream.async_connect(run.endpoint, kTuple);
  if (cec) {
    run.probe_stats.Fail("probe connect: " + cec.message());
    co_return std::string();
  }
  bhttp::request<bhttp::empty_body> req{bhttp::verb::get, run.options.probe_target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  req.keep_alive(false);
  auto [wec, wn] = co_await bhttp::async_write(stream, req, kTuple);
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  auto [rec, rn] = co_await bhttp::async_read(stream, buffer, res, kTuple);
  if (wec || rec || res.result_int() != 200) {
    run.probe_stats.Fail("probe " + run.options.probe_target + ": " +
                         (wec   ? wec.message()
                          : rec ? rec.message()
                                : std::to_string(res.result_int())));
    co_return std::string();
  }
  co_return std::move(res.body());
}

// Marks both window edges: CPU time, the caller's hook and the probe.
net::awaitable<void> Watch(Run& run) {
  net::steady_timer timer(co_await net::this_coro::executor);
  timer.expires_at(run.window_start);
  co_await timer.async_wait(kTuple);
  run.cpu_at_start = ProcessCpuSeconds();
  if (run.options.on_window_edge) run.options.on_window_edge(WindowEdge::kStart);
  if (!run.options.probe_target.empty()) run.probe_at_start = co_await Probe(run);
  // The cap can end the window at any moment; look every few milliseconds (bounded by deadline).
  for (auto now = Clock::now(); !run.Over(now); now = Clock::now()) {
    timer.expires_at(std::min(now + std::chrono::milliseconds(5), run.deadline));
    co_await timer.async_wait(kTuple);
  }
  run.cpu_at_end = ProcessCpuSeconds();
  run.window_end = run.capped.load(std::memory_order_acquire)
                       ? Clock::time_point(Clock::duration(run.capped_at.load()))
                       : run.deadline;
  if (run.options.on_window_edge) run.options.on_window_edge(WindowEdge::kEnd);
  if (!run.options.probe_target.empty()) run.probe_at_end = co_await Probe(run);
}

}  // namespace

std::uint64_t LoadResult::Failures() const {
  std::uint64_t n = transport_errors;
  for (const auto& [status, count] : others) n += count;
  return n;
}

double LoadResult::Throughput() const {
  return window.count() > 0 ? static_cast<double>(ok) / window.count() : 0;
}

double LoadResult::LatencyMs(double q) const {
  if (latencies_us.empty()) return 0;
  const auto last = static_cast<double>(latencies_us.size() - 1);
  const auto index = static_cast<std::size_t>(std::ceil(std::clamp(q, 0.0, 1.0) * last));
  return latencies_us[index] / 1000.0;
}

std::string BuildPost(std::uint16_t port, const std::string& target, const std::string& body) {
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, target, 11};
  req.set(bhttp::field::host, "127.0.0.1:" + std::to_string(port));
  req.set(bhttp::field::user_agent, "simpul-intake-bench");
  req.set(bhttp::field::content_type, "application/json");
  req.keep_alive(true);
  req.body() = body;
  req.prepare_payload();
  std::ostringstream out;
  out << req;
  return out.str();
}

double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

LoadResult RunLoad(const LoadOptions& options) {
  net::io_context io(std::max(1, options.threads));
  Run run(options, tcp::endpoint(net::ip::make_address_v4("127.0.0.1"), options.port));
  run.window_start = Clock::now() + options.warmup;
  run.deadline = run.window_start + options.duration;
  run.window_end = run.deadline;

  std::vector<ConnectionStats> stats(static_cast<std::size_t>(std::max(1, options.connections)));
  for (auto& s : stats) {
    s.latencies_us.reserve(
        std::min<std::uint64_t>(options.max_requests / stats.size() + 1, 1 << 16));
    net::co_spawn(net::make_strand(io), Drive(run, s), net::detached);
  }
  net::co_spawn(net::make_strand(io), Watch(run), net::detached);
  std::vector<std::thread> threads;
  for (int i = 1; i < options.threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : threads) t.join();

  LoadResult result;
  result.connected = run.connected.load();
  result.window = run.window_end - run.window_start;
  result.client_cpu_seconds = run.cpu_at_end - run.cpu_at_start;
  result.probe_at_start = std::move(run.probe_at_start);
  result.probe_at_end = std::move(run.probe_at_end);
  stats.push_back(std::move(run.probe_stats));
  for (auto& s : stats) {
    result.ok += s.ok;
    for (const auto& [status, count] : s.others) result.others[status] += count;
    result.transport_errors += s.transport_errors;
    if (result.first_error.empty()) result.first_error = s.first_error;
    result.latencies_us.insert(result.latencies_us.end(), s.latencies_us.begin(),
                               s.latencies_us.end());
  }
  std::sort(result.latencies_us.begin(), result.latencies_us.end());
  return result;
}

}  // namespace simpul::bench
