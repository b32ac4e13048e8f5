#pragma once
// Request metrics of the HTTP server in Prometheus text format (version 0.0.4). Other layers add
// their own lines at scrape time (see node/api/ops_routes.cpp). Thread-safe.

#include <array>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace simpul::http {

class Metrics {
 public:
  // Records one answered request of route `route` (the route's name, or "unmatched").
  void ObserveRequest(std::string_view route, int status, std::chrono::microseconds latency);
  void ConnectionOpened() { connections_.fetch_add(1, std::memory_order_relaxed); }
  void ConnectionClosed() { connections_.fetch_sub(1, std::memory_order_relaxed); }
  // A connection refused at accept: the listener's limit was reached, or (per_client) the limit
  // of connections from one address.
  void ConnectionRejected(bool per_client) {
    (per_client ? rejected_client_ : rejected_).fetch_add(1, std::memory_order_relaxed);
  }
  std::int64_t open_connections() const { return connections_.load(std::memory_order_relaxed); }

  // Appends the HTTP metrics to `out`.
  void Render(std::string& out) const;

  static constexpr std::array<double, 11> kBucketsMs = {0.5, 1,   2.5, 5,   10,  25,
                                                        50,  100, 250, 500, 1000};

 private:
  struct RouteStats {
    std::map<int, std::uint64_t> by_status;
    std::array<std::uint64_t, kBucketsMs.size() + 1> buckets{};  // last: +Inf
    double sum_seconds = 0;
    std::uint64_t count = 0;
  };
  mutable std::mutex mu_;
  std::map<std::string, RouteStats, std::less<>> routes_;
  std::atomic<std::int64_t> connections_{0};
  std::atomic<std::uint64_t> rejected_{0};
  std::atomic<std::uint64_t> rejected_client_{0};
};

// Appends one sample line: name{labels} value.
void AppendSample(std::string& out, std::string_view name, std::string_view labels, double value);
// Appends the # HELP and # TYPE lines of a metric family.
void AppendFamily(std::string& out, std::string_view name, std::string_view type,
                  std::string_view help);
// Escapes a label value per the exposition format.
std::string LabelValue(std::string_view v);

}  // namespace simpul::http
