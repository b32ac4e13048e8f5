#include "node/http/metrics.hpp"

#include <cstdio>

namespace simpul::http {

std::string LabelValue(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void AppendSample(std::string& out, std::string_view name, std::string_view labels, double value) {
  out += name;
  if (!labels.empty()) {
    out += '{';
    out += labels;
    out += '}';
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, " %.17g\n", value);
  out += buf;
}

void AppendFamily(std::string& out, std::string_view name, std::string_view type,
                  std::string_view help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void Metrics::ObserveRequest(std::string_view route, int status,
                             std::chrono::microseconds latency) {
  const double ms = static_cast<double>(latency.count()) / 1000.0;
  std::lock_guard lock(mu_);
  auto it = routes_.find(route);
  if (it == routes_.end()) it = routes_.emplace(std::string(route), RouteStats{}).first;
  auto& s = it->second;
  ++s.by_status[status];
  size_t b = 0;
  while (b < kBucketsMs.size() && ms > kBucketsMs[b]) ++b;
  ++s.buckets[b];
  s.sum_seconds += ms / 1000.0;
  ++s.count;
}

void Metrics::Render(std::string& out) const {
  std::lock_guard lock(mu_);
  AppendFamily(out, "simpul_http_requests_total", "counter", "HTTP requests answered.");
  for (const auto& [route, s] : routes_) {
    for (const auto& [status, n] : s.by_status) {
      AppendSample(out, "simpul_http_requests_total",
                   "route=\"" + LabelValue(route) + "\",status=\"" + std::to_string(status) + "\"",
                   static_cast<double>(n));
    }
  }
  AppendFamily(out, "simpul_http_request_duration_seconds", "histogram",
               "Time from request read to response written.");
  for (const auto& [route, s] : routes_) {
    std::uint64_t cumulative = 0;
    const std::string base = "route=\"" + LabelValue(route) + "\"";
    for (size_t i = 0; i <= kBucketsMs.size(); ++i) {
      cumulative += s.buckets[i];
      char le[32];
      if (i < kBucketsMs.size()) {
        std::snprintf(le, sizeof le, "%g", kBucketsMs[i] / 1000.0);
      } else {
        std::snprintf(le, sizeof le, "+Inf");
      }
      AppendSample(out, "simpul_http_request_duration_seconds_bucket", base + ",le=\"" + le + "\"",
                   static_cast<double>(cumulative));
    }
    AppendSample(out, "simpul_http_request_duration_seconds_sum", base, s.sum_seconds);
    AppendSample(out, "simpul_http_request_duration_seconds_count", base,
                 static_cast<double>(s.count));
  }
  AppendFamily(out, "simpul_http_open_connections", "gauge", "Open client connections.");
  AppendSample(out, "simpul_http_open_connections", "",
               static_cast<double>(connections_.load(std::memory_order_relaxed)));
  AppendFamily(out, "simpul_http_rejected_connections_total", "counter",
               "Connections refused at accept because a connection limit was reached.");
  AppendSample(out, "simpul_http_rejected_connections_total", "limit=\"listener\"",
               static_cast<double>(rejected_.load(std::memory_order_relaxed)));
  AppendSample(out, "simpul_http_rejected_connections_total", "limit=\"client\"",
               static_cast<double>(rejected_client_.load(std::memory_order_relaxed)));
}

}  // namespace simpul::http
