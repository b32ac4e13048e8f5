// intake_bench: durable signed intake over HTTP against a real simpuld, compared with the bound
// its parts allow, all measured in one run on this machine. A program that prints figures, not a
// timed test; it exits non-zero only when something failed (a request, the node, the setup), not
// when a target is missed.
//
//   intake_bench [--connections 128] [--seconds 10] [--max-requests N] [--body-bytes 1024]
//                [--keep-dir] [--simpuld PATH] [--simpulctl PATH]
//
// The bound. Per complaint the node must at least handle one HTTP exchange, parse the JSON body,
// make one Ed25519 signature and have one row group-committed. Each part is measured alone with
// the node's own code: its rate R (operations per second with the machine to itself) and its CPU
// cost c (core-seconds per operation, summed over all threads; the HTTP part's cost includes the
// load client, which shares the machine in the real run too). The parts run on different threads
// but share the same cores, so their CPU costs add up; and no part can run faster than it does
// alone — in particular the single writer thread, whose rate includes waiting for fsync:
//
//   bound = min(cores / (c_http + c_parse + c_sign + c_commit), R_http, R_commit)
//
// The form min(R_http, R_sign * cores, R_commit) assumes the parts overlap for free; it is printed
// as an optimistic ceiling but cannot hold on a machine that R_http alone already saturates.

#include <sys/statfs.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

#include "tests/bench/load_client.hpp"
#include "tests/bench/node_run.hpp"
#include "tests/bench/parts.hpp"

namespace simpul::bench {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr double kTargetRatio = 0.5;
constexpr double kTargetP99Ms = 20;
constexpr int kTargetConnections = 128;
constexpr double kTargetIdleRssMb = 30;  // decimal megabytes
constexpr std::size_t kReceiptPayloadBytes = 300;

struct Options {
  int connections = kTargetConnections;
  int seconds = 10;
  std::uint64_t max_requests = 5'000'000;
  std::size_t body_bytes = 1024;
  int client_threads = 1;
  int warmup_ms = 2000;
  int part_ms = 2000;
  bool keep_dir = false;
  std::string simpuld, simpulctl, work_dir;
};

// A fresh directory for the node and the parts' database, removed at the end unless kept.
class WorkDir {
 public:
  static Result<WorkDir> Create(const fs::path& parent, bool keep) {
    std::string pattern = (parent / "simpul-intake-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      return Fail(ErrorCode::kUnavailable, "cannot create a directory in " + parent.string());
    }
    return WorkDir(pattern, keep);
  }
  WorkDir(WorkDir&& other) noexcept : path_(std::move(other.path_)), keep_(other.keep_) {
    other.path_.clear();
  }
  WorkDir& operator=(WorkDir&&) = delete;
  ~WorkDir() {
    std::error_code ec;
    if (!path_.empty() && !keep_) fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  // Keeps the directory after all, e.g. so the logs of a failed run can be read.
  void Keep() { keep_ = true; }

 private:
  WorkDir(fs::path path, bool keep) : path_(std::move(path)), keep_(keep) {}
  fs::path path_;
  bool keep_;
};

const char* Verdict(bool met) { return met ? "PASS" : "BELOW"; }

void PrintPart(const char* name, const PartRate& p, const std::string& note) {
  std::printf("  %-48s %10.0f %10.2f   %s\n", name, p.rate, p.cpu_us_per_op, note.c_str());
}

// Prints the report; returns whether every request and the node itself succeeded.
bool Report(const Options& o, int cores, const PartRate& http, const PartRate& parse,
            const PartRate& sign, const PartRate& commit, const NodeRun& run) {
  const double cpu_sum_us =
      http.cpu_us_per_op + parse.cpu_us_per_op + sign.cpu_us_per_op + commit.cpu_us_per_op;
  const double cpu_bound = cpu_sum_us > 0 ? cores * 1e6 / cpu_sum_us : 0;
  const double bound = std::min({cpu_bound, http.rate, commit.rate});
  const double overlap = std::min({http.rate, sign.rate * cores, commit.rate});
  const LoadResult& l = run.load;
  const double throughput = l.Throughput();
  const double ratio = bound > 0 ? throughput / bound : 0;
  const double window = l.window.count();

  std::printf("\nParts, each alone on this machine (CPU = core-us per op, all threads)\n");
  std::printf("  %-48s %10s %10s\n", "", "ops/s", "CPU us");
  char note[160];
  std::snprintf(note, sizeof note, "p99 %.2f ms, %llu errors", http.load.LatencyMs(0.99),
                static_cast<unsigned long long>(http.load.Failures()));
  PrintPart("HTTP POST exchange, same server stack + client", http, note);
  PrintPart("JSON parse of the request body (1 thread)", parse, "");
  std::snprintf(note, sizeof note, "x %d cores = %.0f/s", cores, sign.rate * cores);
  PrintPart("Ed25519 sign, 300-byte receipt (1 thread)", sign, note);
  std::snprintf(note, sizeof note, "%.1f rows/commit", commit.jobs_per_commit);
  char commit_name[64];
  std::snprintf(commit_name, sizeof commit_name, "group commit, 1 KiB row, %d writers",
                o.connections);
  PrintPart(commit_name, commit, note);
  std::printf(
      "\nBound = min(cores / sum of CPU, R_http, R_commit): the parts share the cores, so their\n"
      "CPU per op adds up (HTTP's includes the client's); no part runs faster than alone\n"
      "      = min(%d / %.2f us = %.0f, %.0f, %.0f) = %.0f complaints/s\n"
      "  (overlap form min(R_http, R_sign x cores, R_commit) = %.0f/s, optimistic)\n",
      cores, cpu_sum_us, cpu_bound, http.rate, commit.rate, bound, overlap);

  std::printf("\nReal run: simpuld, %d connections, %.2f s window after %.1f s warm-up\n",
              o.connections, window, o.warmup_ms / 1000.0);
  std::printf("  %-26s %.0f complaints/s (%llu x 201)\n", "throughput", throughput,
              static_cast<unsigned long long>(l.ok));
  std::printf("  %-26s p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n", "latency ms", l.LatencyMs(0.5),
              l.LatencyMs(0.9), l.LatencyMs(0.99), l.LatencyMs(1.0));
  std::printf("  %-26s %llu (transport %llu", "errors",
              static_cast<unsigned long long>(l.Failures()),
              static_cast<unsigned long long>(l.transport_errors));
  for (const auto& [status, count] : l.others) {
    std::printf(", HTTP %u: %llu", status, static_cast<unsigned long long>(count));
  }
  std::printf(")%s%s\n", l.first_error.empty() ? "" : " first: ", l.first_error.c_str());
  std::printf(
      "  %-26s %.1f (intakes per commit; one intake job writes ~6 rows: counter, case,\n"
      "  %-26s its full-text index entry, event, SLA clock, sealed identity)\n",
      "jobs per commit", run.commits > 0 ? run.jobs / run.commits : 0, "");
  const double node_us = l.ok ? run.node_cpu_seconds * 1e6 / l.ok : 0;
  const double client_us = l.ok ? l.client_cpu_seconds * 1e6 / l.ok : 0;
  // The HTTP part's CPU includes the client's; subtract what the client spent here.
  std::printf("  %-26s node %.1f us (parts without the client: %.1f us), client %.1f us\n",
              "CPU per complaint", node_us, cpu_sum_us - client_us, client_us);
  // Other processes on the machine take cores from the node; say how much, so a low figure from
  // a busy machine is not read as the node's limit.
  const double capacity = window * cores / 100;
  std::printf(
      "  %-26s %.0f%% of %d cores: node %.0f%%, client %.0f%%, other processes %.0f%%\n",
      "machine busy", run.machine_busy_seconds / capacity, cores, run.node_cpu_seconds / capacity,
      l.client_cpu_seconds / capacity,
      std::max(0.0, run.machine_busy_seconds - run.node_cpu_seconds - l.client_cpu_seconds) /
          capacity);
  // A thread near 100% of a core is a serial limit no number of connections can lift; under
  // load that is the database's single writer thread.
  std::printf("  %-26s %.0f%% of a core, %.1f us per complaint\n", "busiest simpuld thread",
              100 * run.busiest_thread_seconds / window,
              l.ok ? run.busiest_thread_seconds * 1e6 / l.ok : 0);
  std::printf("  %-26s idle %.1f MB, peak (VmHWM) %.1f MB, after load %.1f MB\n", "simpuld RSS",
              Mb(run.idle.rss_kib), Mb(run.after.peak_rss_kib), Mb(run.after.rss_kib));
  std::printf("  %-26s %.2f\n", "ratio to bound", ratio);

  std::printf("\nTargets (2 cores)\n");
  std::printf("  %-44s %7.2f  %s\n", ">= 50% of the bound (ratio)", ratio,
              Verdict(ratio >= kTargetRatio));
  if (o.connections == kTargetConnections) {
    std::printf("  %-44s %7.2f  %s\n", "p99 < 20 ms at 128 connections (ms)", l.LatencyMs(0.99),
                Verdict(l.LatencyMs(0.99) < kTargetP99Ms));
  } else {
    std::printf("  %-44s %7.2f  n/a (run with --connections 128)\n",
                "p99 < 20 ms at 128 connections (ms)", l.LatencyMs(0.99));
  }
  std::printf("  %-44s %7.1f  %s\n", "idle RSS < 30 MB (MB)", Mb(run.idle.rss_kib),
              Verdict(Mb(run.idle.rss_kib) < kTargetIdleRssMb));

  bool ok = true;
  if (l.Failures() > 0 || l.ok == 0 || http.load.Failures() > 0) {
    std::printf("\nFAILED: requests failed (see errors above)\n");
    ok = false;
  }
  if (l.connected < o.connections) {
    std::printf("FAILED: only %d of %d connections were established\n", l.connected, o.connections);
    ok = false;
  }
  if (run.exit_status != 0) {
    std::printf("FAILED: simpuld exited with status %d after SIGTERM\n", run.exit_status);
    ok = false;
  }
  return ok;
}

fs::path BesideThisProgram(const fs::path& relative) {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return fs::weakly_canonical(self.parent_path() / relative, ec);
}

int Main(int argc, char** argv) {
  Options o;
  o.simpuld = BesideThisProgram("../../node/simpuld").string();
  o.simpulctl = BesideThisProgram("../../admin/simpulctl").string();
  const char* tmp = std::getenv("TMPDIR");
  o.work_dir = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  CLI::App cli{"intake_bench — durable signed intake over HTTP against a running simpuld"};
  cli.add_option("--connections", o.connections, "Keep-alive client connections")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  cli.add_option("--seconds", o.seconds, "Measured window of the real run")
      ->check(CLI::Range(1, 600))
      ->capture_default_str();
  cli.add_option("--max-requests", o.max_requests, "Cap on measured requests per run")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{100'000'000}))
      ->capture_default_str();
  cli.add_option("--body-bytes", o.body_bytes, "Bytes of complaint text in each request")
      ->check(CLI::Range(std::size_t{10}, std::size_t{20000}))
      ->capture_default_str();
  cli.add_option("--client-threads", o.client_threads, "Client io threads")
      ->check(CLI::Range(1, 8))
      ->capture_default_str();
  cli.add_option("--warmup-ms", o.warmup_ms, "Unmeasured warm-up before each window")
      ->check(CLI::Range(0, 60000))
      ->capture_default_str();
  cli.add_option("--part-ms", o.part_ms, "Time for each part measurement")
      ->check(CLI::Range(100, 60000))
      ->capture_default_str();
  cli.add_flag("--keep-dir", o.keep_dir, "Keep the work dir (node data, logs) afterwards");
  cli.add_option("--simpuld", o.simpuld, "simpuld binary")->capture_default_str();
  cli.add_option("--simpulctl", o.simpulctl, "simpulctl binary")->capture_default_str();
  cli.add_option("--work-dir", o.work_dir, "Where to create the work dir (use a real disk)")
      ->capture_default_str();
  CLI11_PARSE(cli, argc, argv);

  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  auto dir = WorkDir::Create(o.work_dir, o.keep_dir);
  if (!dir) {
    std::fprintf(stderr, "intake_bench: %s\n", dir.error().message.c_str());
    return 2;
  }
  const std::string body = ComplaintJson(o.body_bytes);
  std::printf("Simpul intake benchmark: %d cores, work dir %s (%s)%s\n", cores, dir->path().c_str(),
              FileSystemOf(dir->path()).c_str(), o.keep_dir ? ", kept" : "");
  std::string load_average;
  std::getline(std::ifstream("/proc/loadavg"), load_average);
  std::printf("request body %zu bytes, %d connections, %d client thread(s), load average %s\n",
              body.size(), o.connections, o.client_threads, load_average.c_str());
  std::fflush(stdout);

  const Budget budget{milliseconds(o.part_ms), o.max_requests};
  const PartRate sign = MeasureSignRate(kReceiptPayloadBytes, budget);
  const PartRate parse = MeasureParseRate(body, budget);
  auto commit = MeasureCommitRate(dir->path(), o.connections, 1024, budget);
  LoadOptions http_load;
  http_load.connections = o.connections;
  http_load.threads = o.client_threads;
  http_load.warmup = milliseconds(o.warmup_ms);
  http_load.duration = milliseconds(o.part_ms);
  http_load.max_requests = o.max_requests;
  // The node serves on [http] threads = 2 by default; the HTTP part gets as many.
  auto http = MeasureHttpRate(2, body, http_load);
  if (!commit || !http) {
    std::fprintf(stderr, "intake_bench: %s\n",
                 (commit ? http.error() : commit.error()).message.c_str());
    return 1;
  }
  LoadOptions node_load = http_load;
  node_load.duration = seconds(o.seconds);
  auto run = RunNode({o.simpuld, o.simpulctl, node_load}, dir->path(), body);
  if (!run) {
    dir->Keep();
    std::fprintf(stderr, "intake_bench: %s\n", run.error().message.c_str());
    return 1;
  }
  const bool ok = Report(o, cores, *http, parse, sign, *commit, *run);
  if (!ok) dir->Keep();
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace simpul::bench

int main(int argc, char** argv) { return simpul::bench::Main(argc, argv); }
