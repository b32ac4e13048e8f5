#pragma once
// A closed-loop HTTP/1.1 load generator for benchmarks: `connections` keep-alive connections to
// one port on 127.0.0.1, each sending the same pre-serialised request and reading the response
// before it sends the next one.
//
//   LoadOptions o{.port = port, .request = BuildPost(port, "/api/v1/complaints", body)};
//   LoadResult r = RunLoad(o);
//   std::printf("%.0f req/s, p99 %.2f ms\n", r.Throughput(), r.LatencyMs(0.99));
//
// Time runs in three phases: connect and warm up (not measured), the measured window, and a
// drain in which no new request is sent. A response belongs to the window when it arrives inside
// it; the window ends after `duration` or once `max_requests` responses were measured, whichever
// comes first. Every socket operation has a timeout, so RunLoad always returns.
//
// Thread safety: RunLoad builds its own io_context and threads and may be called from any thread;
// `on_window_edge` runs on one of those threads.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace simpul::bench {

enum class WindowEdge { kStart, kEnd };

struct LoadOptions {
  std::uint16_t port = 0;
  std::string request;  // one complete HTTP/1.1 request, sent byte for byte
  int connections = 128;
  int threads = 1;  // client io threads; the client shares the machine with the server
  std::chrono::milliseconds warmup{1000};
  std::chrono::milliseconds duration{10000};
  std::uint64_t max_requests = 5'000'000;  // measured responses
  unsigned expected_status = 201;
  // GET this target on a separate connection at both window edges (e.g. "/metrics"); empty: don't.
  std::string probe_target;
  // Called at both window edges, on a client thread; must be quick (reads /proc, say).
  std::function<void(WindowEdge)> on_window_edge;
};

struct LoadResult {
  std::uint64_t ok = 0;                      // measured responses with the expected status
  std::map<unsigned, std::uint64_t> others;  // measured responses with another status, by status
  std::uint64_t transport_errors = 0;        // failed connects, reads, writes, timeouts (any phase)
  std::string first_error;                   // the first failure seen, for the report
  int connected = 0;                         // connections that were established
  std::chrono::duration<double> window{};
  double client_cpu_seconds = 0;             // this process's CPU time inside the window
  std::vector<std::uint32_t> latencies_us;   // measured responses, sorted ascending
  std::string probe_at_start, probe_at_end;  // bodies of the probe responses

  std::uint64_t Failures() const;
  double Throughput() const;  // measured responses with the expected status per second
  // The q-quantile (0..1) of measured latencies in milliseconds; 0 when none.
  double LatencyMs(double q) const;
};

// The bytes of a POST of `body` (application/json) to `target` on 127.0.0.1:port, keep-alive.
std::string BuildPost(std::uint16_t port, const std::string& target, const std::string& body);

// Runs the load described by `options`. Failures are counted in the result, never thrown.
LoadResult RunLoad(const LoadOptions& options);

// This process's CPU time (all threads), in seconds.
double ProcessCpuSeconds();

}  // namespace simpul::bench
