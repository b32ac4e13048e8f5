// forward_bench: node-to-node forwarding between two real simpuld processes — a ministry
// (kl:pupr) forwarding cases to a regency (kab:32.04), with a coordinator for the directory —
// over real mutual TLS, durable on both sides (SQLite WAL, synchronous=FULL), every envelope
// signed and every delivery acknowledged by a signed receipt. A program that prints figures, not a
// timed test; it exits non-zero only when something failed or a wait timed out, not when the
// target is missed.
//
//   forward_bench [--cases 5000] [--live-cases 2000] [--live-clients 8] [--live-rate 1000]
//                 [--prep-connections 16] [--timeout-s 300]
//
// Phases:
//   1. Bounds, measured alone before any node starts: Ed25519 verify and sign of an
//      envelope-sized (2 KiB) message on one thread, and the group-commit rate of store::Database
//      (WAL, synchronous=FULL) with 64 concurrent submitters on the same file system.
//   2. Backlog (untimed preparation): with the receiver stopped, file, verify and forward N cases
//      at the sender over its staff HTTP API; the forwards queue in its outbox.
//   3. Drain (timed): start the receiver; time from its listeners being up (port file written)
//      until the sender's outbox has no undelivered row, polled read-only every 20 ms.
//   4. Live: both up; file and verify M more cases (untimed), then forward them at a steady rate
//      from K clients; per case, outbox delivered_at - created_at (Unix ms in the sender's DB).

#include <signal.h>
#include <sqlite3.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <vector>

#include "tests/bench/child_process.hpp"
#include "tests/bench/load_client.hpp"
#include "tests/bench/node_run.hpp"
#include "tests/bench/parts.hpp"
#include "tests/bench/two_node_federation.hpp"

namespace simpul::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::HttpClient;
using testing::NodeProcess;

constexpr double kTargetCasesPerSecond = 5000;
constexpr std::size_t kEnvelopeBytes = 2048;
constexpr int kCommitSubmitters = 64;
constexpr std::size_t kCommitRowBytes = 256;
constexpr auto kPollInterval = milliseconds(20);

struct Options {
  int cases = 5000;
  int live_cases = 2000;
  int live_clients = 8;
  double live_rate = 1000;
  int prep_connections = 16;
  int timeout_s = 300;
  int part_ms = 1000;
};

std::int64_t UnixMs() {
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double SecondsSince(Clock::time_point start, Clock::time_point end = Clock::now()) {
  return std::chrono::duration<double>(end - start).count();
}

// Runs `sql` read-only against the database at `path`; returns the first column of every row.
// Fails kUnavailable when the database cannot be opened or the statement fails.
Result<std::vector<std::int64_t>> Column(const fs::path& path, const std::string& sql) {
  sqlite3* raw = nullptr;
  const int opened = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close_v2)> db(raw, &sqlite3_close_v2);
  if (opened != SQLITE_OK) return Fail(ErrorCode::kUnavailable, "cannot open " + path.string());
  sqlite3_busy_timeout(db.get(), 5000);
  sqlite3_stmt* raw_stmt = nullptr;
  const int prepared = sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &raw_stmt, nullptr);
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> stmt(raw_stmt, &sqlite3_finalize);
  if (prepared != SQLITE_OK) {
    return Fail(ErrorCode::kUnavailable, sql + ": " + sqlite3_errmsg(db.get()));
  }
  std::vector<std::int64_t> out;
  int step = SQLITE_ROW;
  while ((step = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    out.push_back(sqlite3_column_int64(stmt.get(), 0));
  }
  if (step != SQLITE_DONE) {
    return Fail(ErrorCode::kUnavailable, sql + ": " + sqlite3_errmsg(db.get()));
  }
  return out;
}

Result<std::int64_t> Scalar(const fs::path& path, const std::string& sql) {
  auto column = Column(path, sql);
  if (!column) return tl::unexpected(column.error());
  return column->empty() ? -1 : column->front();
}

const std::string kPendingSql = "SELECT count(*) FROM fed_outbox WHERE delivered_at IS NULL";

// Polls the sender's outbox every 20 ms until nothing is undelivered. Fails kUnavailable at the
// deadline or when a node exits.
Result<void> WaitForDrain(TwoNodeFederation& fed, Clock::time_point deadline) {
  for (;;) {
    auto pending = Scalar(fed.sender().database_path(), kPendingSql);
    if (!pending) return tl::unexpected(pending.error());
    if (*pending == 0) return {};
    if (Clock::now() >= deadline) {
      return Fail(ErrorCode::kUnavailable,
                  "timed out with " + std::to_string(*pending) + " undelivered\nsender log:\n" +
                      fed.sender().LogTail() + "\nreceiver log:\n" + fed.receiver().LogTail());
    }
    if (::kill(fed.sender().pid(), 0) != 0 || ::kill(fed.receiver().pid(), 0) != 0) {
      return Fail(ErrorCode::kUnavailable, "a node exited while delivering");
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

// Runs work(client, i) for i in [0, count) on `connections` threads, each with its own keep-alive
// HTTP client to `port`. Prints progress every 1000. Stops at the first failure or the deadline.
Result<void> ForEachCase(std::uint16_t port, int connections, int count, const char* what,
                         Clock::time_point deadline,
                         const std::function<Result<void>(HttpClient&, int)>& work) {
  std::atomic<int> next{0}, done{0};
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::optional<Error> first_error;
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < connections; ++t) {
    threads.emplace_back([&] {
      HttpClient client(port, seconds(30));
      for (int i = next++; i < count && !stop; i = next++) {
        auto r =
            Clock::now() < deadline
                ? work(client, i)
                : Result<void>(Fail(ErrorCode::kUnavailable, std::string(what) + " timed out"));
        if (!r) {
          std::lock_guard lock(mu);
          if (!first_error) first_error = r.error();
          stop = true;
          return;
        }
        const int finished = ++done;
        if (finished % 1000 == 0 || finished == count) {
          std::lock_guard lock(mu);
          std::printf("  %s: %d/%d (%.0f/s)\n", what, finished, count,
                      finished / SecondsSince(start));
          std::fflush(stdout);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  if (first_error) return tl::unexpected(*first_error);
  return {};
}

// Files one complaint at the sender (public intake) and verifies it; returns its tracking id.
Result<std::string> FileAndVerify(HttpClient& client, const std::string& token,
                                  const std::string& complaint) {
  auto filed = Call(client, "POST", "/api/v1/complaints", complaint, "", 201);
  if (!filed) return tl::unexpected(filed.error());
  auto j = nlohmann::json::parse(*filed, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j["tracking_id"].is_string()) {
    return Fail(ErrorCode::kInternal, "intake returned no tracking_id: " + *filed);
  }
  std::string id = j["tracking_id"].get<std::string>();
  auto verified = Call(client, "POST", "/api/v1/cases/" + id + "/verify", "{}", token, 200);
  if (!verified) return tl::unexpected(verified.error());
  return id;
}

Result<void> Forward(HttpClient& client, const std::string& token, const std::string& id) {
  static const std::string kBody = nlohmann::json{{"target_node", kReceiverId}}.dump();
  auto r = Call(client, "POST", "/api/v1/cases/" + id + "/forward", kBody, token, 200);
  if (!r) return tl::unexpected(r.error());
  return {};
}

// Sorted copy's q-quantile (0..1); 0 when empty.
double Quantile(std::vector<std::int64_t> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto at = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
  return static_cast<double>(v[std::min(at, v.size() - 1)]);
}

void PrintDistribution(const char* label, const std::vector<std::int64_t>& ms) {
  std::printf("  %-34s p50 %.0f  p90 %.0f  p99 %.0f  max %.0f  (n=%zu)\n", label, Quantile(ms, 0.5),
              Quantile(ms, 0.9), Quantile(ms, 0.99), Quantile(ms, 1.0), ms.size());
}

struct Bounds {
  PartRate verify, sign, commit;
  double verify_bound = 0;  // cores x R_verify / 2
  double crypto_bound = 0;  // cores / (2 / R_verify + 2 / R_sign)
  double Smaller() const { return std::min(verify_bound, commit.rate); }
};

Result<Bounds> MeasureBounds(const Options& o, int cores) {
  const Budget budget{milliseconds(o.part_ms), 50'000'000};
  Bounds b;
  b.verify = MeasureVerifyRate(kEnvelopeBytes, budget);
  b.sign = MeasureSignRate(kEnvelopeBytes, budget);
  std::string pattern = (fs::temp_directory_path() / "simpul-forward-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    return Fail(ErrorCode::kUnavailable, "cannot create a temp dir");
  }
  auto commit = MeasureCommitRate(pattern, kCommitSubmitters, kCommitRowBytes,
                                  {milliseconds(std::max(o.part_ms, 2000)), 50'000'000});
  std::error_code ec;
  fs::remove_all(pattern, ec);
  if (!commit) return tl::unexpected(commit.error());
  b.commit = *commit;
  b.verify_bound = cores * b.verify.rate / 2;
  b.crypto_bound = cores / (2 / b.verify.rate + 2 / b.sign.rate);
  return b;
}

// CPU seconds of a node so far; 0 when it is gone.
double Cpu(const NodeProcess& node) { return ReadCpuSeconds(node.pid()).value_or(0); }

int Fatal(const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "forward_bench: FAILED: %s\n", message.c_str());
  return 1;
}

int Main(int argc, char** argv) {
  Options o;
  CLI::App cli{"forward_bench — node-to-node forwarding between two real simpuld processes"};
  cli.add_option("--cases", o.cases, "Cases queued while the receiver is down (drain phase)")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  cli.add_option("--live-cases", o.live_cases, "Cases forwarded with both nodes up (0: skip)")
      ->check(CLI::Range(0, 1'000'000))
      ->capture_default_str();
  cli.add_option("--live-clients", o.live_clients, "Concurrent HTTP clients in the live phase")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cli.add_option("--live-rate", o.live_rate, "Offered forwards per second in the live phase")
      ->check(CLI::Range(1.0, 1e6))
      ->capture_default_str();
  cli.add_option("--prep-connections", o.prep_connections, "HTTP connections for preparation")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cli.add_option("--timeout-s", o.timeout_s, "Limit on every phase and wait")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  cli.add_option("--part-ms", o.part_ms, "Time for each bound measurement")
      ->check(CLI::Range(100, 60000))
      ->capture_default_str();
  CLI11_PARSE(cli, argc, argv);
  const auto timeout = seconds(o.timeout_s);
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));

  std::string load_average;
  std::getline(std::ifstream("/proc/loadavg"), load_average);
  std::printf("Simpul forwarding benchmark: %s -> %s, %d cores, temp dir %s (%s), load %s\n",
              kSenderId, kReceiverId, cores, fs::temp_directory_path().c_str(),
              FileSystemOf(fs::temp_directory_path()).c_str(), load_average.c_str());
  std::fflush(stdout);

  auto bounds = MeasureBounds(o, cores);
  if (!bounds) return Fatal(bounds.error().message);
  std::printf("\nBounds, each measured alone on this machine\n");
  std::printf("  Ed25519 verify, 2 KiB message, 1 thread   %9.0f /s\n", bounds->verify.rate);
  std::printf("  Ed25519 sign, 2 KiB message, 1 thread     %9.0f /s\n", bounds->sign.rate);
  std::printf("  group commit, %zu B rows, %d submitters   %9.0f jobs/s (%.1f jobs/commit)\n",
              kCommitRowBytes, kCommitSubmitters, bounds->commit.rate,
              bounds->commit.jobs_per_commit);
  std::printf(
      "  (a) verify bound = cores x R_verify / 2 (two verifies per forward: the envelope at the\n"
      "      receiver, the receipt at the sender; nothing else counted) = %d x %.0f / 2 = %.0f/s\n",
      cores, bounds->verify.rate, bounds->verify_bound);
  std::printf(
      "      with the two signatures too (envelope, receipt): cores / (2/R_verify + 2/R_sign)\n"
      "      = %.0f/s (informational)\n",
      bounds->crypto_bound);
  std::printf(
      "  (b) commit bound = R_commit = %.0f/s (each forward is at least one write job at the\n"
      "      sender; deliveries are batched, so this bounds the forward requests, not the drain)\n",
      bounds->commit.rate);
  std::fflush(stdout);

  std::printf("\nSetting up coordinator, %s and %s (simpulctl init/enroll/directory/trust)\n",
              kSenderId, kReceiverId);
  std::fflush(stdout);
  auto built = TwoNodeFederation::Build();
  if (!built) return Fatal(built.error().message);
  TwoNodeFederation& fed = **built;
  if (auto r = fed.StartAll(seconds(60)); !r) return Fatal(r.error().message);
  auto token = AdminToken(fed.sender());
  if (!token) return Fatal(token.error().message);
  const fs::path sender_db = fed.sender().database_path();
  const fs::path receiver_db = fed.receiver().database_path();
  const std::string complaint = ComplaintJson(300);

  // --- Backlog: receiver down, N forwards queue at the sender. ---
  if (auto r = fed.receiver().Stop(); !r) return Fatal(r.error().message);
  std::printf(
      "\nPreparation (untimed): receiver stopped; file, verify, forward %d cases on %d "
      "connections\n",
      o.cases, o.prep_connections);
  std::fflush(stdout);
  const auto prep_start = Clock::now();
  auto prepared = ForEachCase(fed.sender().port(), o.prep_connections, o.cases, "queued",
                              prep_start + timeout, [&](HttpClient& client, int) -> Result<void> {
                                auto id = FileAndVerify(client, *token, complaint);
                                if (!id) return tl::unexpected(id.error());
                                return Forward(client, *token, *id);
                              });
  if (!prepared) return Fatal(prepared.error().message);
  auto queued = Scalar(sender_db, kPendingSql);
  if (!queued || *queued != o.cases) {
    return Fatal("expected " + std::to_string(o.cases) + " undelivered outbox rows, found " +
                 std::to_string(queued.value_or(-1)));
  }
  std::printf("  %d forwards queued in %.1f s (%.0f cases/s through file+verify+forward)\n",
              o.cases, SecondsSince(prep_start), o.cases / SecondsSince(prep_start));
  std::fflush(stdout);

  // --- Drain: start the receiver, time until the outbox is empty. ---
  const double sender_cpu_before = Cpu(fed.sender());
  const double machine_before = ReadMachineBusySeconds().value_or(0);
  const auto start = Clock::now();
  if (auto r = fed.receiver().Start(); !r) return Fatal(r.error().message);
  const auto up = Clock::now();
  const std::int64_t up_ms = UnixMs();
  if (auto r = WaitForDrain(fed, up + timeout); !r) return Fatal(r.error().message);
  const auto drained = Clock::now();
  const double sender_cpu_drain = Cpu(fed.sender()) - sender_cpu_before;
  const double receiver_cpu_drain = Cpu(fed.receiver());
  const double machine_drain = ReadMachineBusySeconds().value_or(0) - machine_before;

  const std::string backlog_rows = " FROM fed_outbox WHERE dest = '" + std::string(kReceiverId) +
                                   "' AND seq <= " + std::to_string(o.cases);
  auto delivered_at = Column(sender_db, "SELECT delivered_at" + backlog_rows + " ORDER BY seq");
  auto receipts = Scalar(sender_db, "SELECT count(*)" + backlog_rows + " AND receipt IS NOT NULL");
  auto inbox =
      Scalar(receiver_db, "SELECT count(*) FROM fed_inbox WHERE state = 'applied' AND sender = '" +
                              std::string(kSenderId) + "'");
  if (!delivered_at || !receipts || !inbox) return Fatal("cannot read the node databases");
  if (static_cast<int>(delivered_at->size()) != o.cases || *receipts != o.cases ||
      *inbox != o.cases) {
    return Fatal("drain incomplete: " + std::to_string(delivered_at->size()) + " rows, " +
                 std::to_string(*receipts) + " receipts, " + std::to_string(*inbox) +
                 " applied at the receiver");
  }
  std::vector<std::int64_t> since_up;
  for (auto at : *delivered_at) since_up.push_back(at - up_ms);
  const auto [first_it, last_it] = std::minmax_element(delivered_at->begin(), delivered_at->end());
  const std::int64_t first_ms = *first_it, last_ms = *last_it;
  const auto first_batch = std::count(delivered_at->begin(), delivered_at->end(), first_ms);
  const double from_start = SecondsSince(start, drained);
  const double from_up = SecondsSince(up, drained);
  const double rate = o.cases / from_up;
  const double steady_rate = last_ms > first_ms
                                 ? static_cast<double>(o.cases - first_batch) * 1000.0 /
                                       static_cast<double>(last_ms - first_ms)
                                 : 0;

  std::printf("\nDrain (timed): %d queued forwards, receiver started\n", o.cases);
  std::printf("  %-34s %.3f s (receiver spawn to port file: %.3f s)\n", "spawn -> outbox empty",
              from_start, SecondsSince(start, up));
  std::printf("  %-34s %.3f s -> %.0f cases/s\n", "listeners up -> outbox empty", from_up, rate);
  std::printf("  %-34s %.3f s after listeners up (%lld cases in it)\n", "first batch delivered",
              static_cast<double>(first_ms - up_ms) / 1000, static_cast<long long>(first_batch));
  std::printf("  %-34s %.3f s -> %.0f cases/s (excludes reconnect/backoff)\n",
              "first -> last delivery", static_cast<double>(last_ms - first_ms) / 1000,
              steady_rate);
  PrintDistribution("delivered_at - listeners up, ms", since_up);
  std::printf("  %-34s all %d with a verified receipt, %lld applied in the receiver's inbox\n",
              "checked", o.cases, static_cast<long long>(*inbox));
  std::printf("  %-34s sender %.1f us, receiver %.1f us (receiver includes its start-up)\n",
              "CPU per forwarded case", sender_cpu_drain * 1e6 / o.cases,
              receiver_cpu_drain * 1e6 / o.cases);
  // One batch per destination is in flight at a time, so the drain rate is cases per batch over
  // the time one batch takes; each batch's rows share one delivered_at.
  std::vector<std::int64_t> batch_at(delivered_at->begin(), delivered_at->end());
  std::sort(batch_at.begin(), batch_at.end());
  batch_at.erase(std::unique(batch_at.begin(), batch_at.end()), batch_at.end());
  std::vector<std::int64_t> batch_gap;
  for (std::size_t i = 1; i < batch_at.size(); ++i)
    batch_gap.push_back(batch_at[i] - batch_at[i - 1]);
  std::printf("  %-34s %zu batches, %.1f cases each\n", "batches (distinct delivered_at)",
              batch_at.size(), static_cast<double>(o.cases) / static_cast<double>(batch_at.size()));
  PrintDistribution("time between batches, ms", batch_gap);
  const double capacity = from_up * cores;
  std::printf(
      "  %-34s sender %.0f%%, receiver %.0f%% of one core; other processes %.0f%% of %d "
      "cores\n",
      "CPU busy during the drain", 100 * sender_cpu_drain / from_up,
      100 * receiver_cpu_drain / from_up,
      100 * std::max(0.0, machine_drain - sender_cpu_drain - receiver_cpu_drain) / capacity, cores);
  std::fflush(stdout);

  // --- Live: both up, M forwards at a steady rate. ---
  double live_rate = 0, offered = 0;
  if (o.live_cases > 0) {
    std::printf(
        "\nLive: file and verify %d cases (untimed), then forward them at %.0f/s from %d "
        "clients\n",
        o.live_cases, o.live_rate, o.live_clients);
    std::fflush(stdout);
    std::vector<std::string> ids(o.live_cases);
    auto filed =
        ForEachCase(fed.sender().port(), o.prep_connections, o.live_cases, "verified",
                    Clock::now() + timeout, [&](HttpClient& client, int i) -> Result<void> {
                      auto id = FileAndVerify(client, *token, complaint);
                      if (!id) return tl::unexpected(id.error());
                      ids[i] = std::move(*id);
                      return {};
                    });
    if (!filed) return Fatal(filed.error().message);
    if (auto r = WaitForDrain(fed, Clock::now() + timeout); !r) return Fatal(r.error().message);
    const double sender_cpu0 = Cpu(fed.sender()), receiver_cpu0 = Cpu(fed.receiver());
    std::vector<std::int64_t> ack_us(o.live_cases);
    const auto live_start = Clock::now();
    const auto interval = std::chrono::duration<double>(1.0 / o.live_rate);
    auto forwarded = ForEachCase(
        fed.sender().port(), o.live_clients, o.live_cases, "forwarded", live_start + timeout,
        [&](HttpClient& client, int i) -> Result<void> {
          const auto due = live_start + std::chrono::duration_cast<Clock::duration>(interval * i);
          std::this_thread::sleep_until(due);
          const auto sent = Clock::now();
          auto r = Forward(client, *token, ids[i]);
          ack_us[i] =
              std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - sent).count();
          return r;
        });
    if (!forwarded) return Fatal(forwarded.error().message);
    const auto last_ack = Clock::now();
    if (auto r = WaitForDrain(fed, Clock::now() + timeout); !r) return Fatal(r.error().message);
    const auto live_drained = Clock::now();
    const double sender_cpu = Cpu(fed.sender()) - sender_cpu0;
    const double receiver_cpu = Cpu(fed.receiver()) - receiver_cpu0;
    const std::string live_rows = " FROM fed_outbox WHERE dest = '" + std::string(kReceiverId) +
                                  "' AND seq > " + std::to_string(o.cases);
    auto latency = Column(sender_db, "SELECT delivered_at - created_at" + live_rows);
    if (!latency || static_cast<int>(latency->size()) != o.live_cases) {
      return Fatal("live phase: expected " + std::to_string(o.live_cases) + " outbox rows");
    }
    offered = o.live_cases / SecondsSince(live_start, last_ack);
    live_rate = o.live_cases / SecondsSince(live_start, live_drained);
    std::vector<std::int64_t> ack_ms;
    for (auto us : ack_us) ack_ms.push_back(us / 1000);
    std::printf("  %-34s %.0f/s achieved (asked %.0f/s)\n", "forward requests", offered,
                o.live_rate);
    std::printf("  %-34s %.0f cases/s (first request -> outbox empty, %.3f s)\n", "live throughput",
                live_rate, SecondsSince(live_start, live_drained));
    PrintDistribution("delivered_at - created_at, ms", *latency);
    PrintDistribution("forward request round trip, ms", ack_ms);
    std::printf("  %-34s sender %.1f us, receiver %.1f us\n", "CPU per forwarded case",
                sender_cpu * 1e6 / o.live_cases, receiver_cpu * 1e6 / o.live_cases);
  }

  const auto sender_memory = ReadMemory(fed.sender().pid());
  const auto receiver_memory = ReadMemory(fed.receiver().pid());
  std::printf("\nProcesses\n");
  std::printf("  %-34s sender %.1f MB (includes preparation), receiver %.1f MB\n",
              "peak RSS (VmHWM)", Mb(sender_memory ? sender_memory->peak_rss_kib : 0),
              Mb(receiver_memory ? receiver_memory->peak_rss_kib : 0));

  const double ratio = rate / bounds->Smaller();
  std::printf("\nResult\n");
  std::printf("  %-34s %.0f cases/s (drain, listeners up -> outbox empty)\n", "measured", rate);
  std::printf("  %-34s %.0f/s = min((a) %.0f, (b) %.0f)\n", "smaller bound", bounds->Smaller(),
              bounds->verify_bound, bounds->commit.rate);
  std::printf("  %-34s %.3f\n", "ratio to bound", ratio);
  if (o.live_cases > 0) {
    std::printf("  %-34s %.3f (live %.0f cases/s)\n", "live ratio to bound",
                live_rate / bounds->Smaller(), live_rate);
  }
  std::getline(std::ifstream("/proc/loadavg"), load_average);
  std::printf("  %-34s %s\n", "load average at the end", load_average.c_str());
  std::printf("target: >= 5000 cases/s between two nodes: %.0f  %s\n", rate,
              rate >= kTargetCasesPerSecond ? "PASS" : "BELOW");

  for (NodeProcess* node : {&fed.receiver(), &fed.sender(), &fed.coordinator()}) {
    auto stopped = node->Stop();
    if (!stopped || *stopped != 0) return Fatal("a node did not stop cleanly");
  }
  return 0;
}

}  // namespace
}  // namespace simpul::bench

int main(int argc, char** argv) { return simpul::bench::Main(argc, argv); }
