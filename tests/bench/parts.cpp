#include "tests/bench/parts.hpp"

#include <sys/vfs.h>

#include <array>
#include <cstdio>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <nlohmann/json.hpp>

#include "crypto/bytes.hpp"
#include "crypto/ed25519.hpp"
#include "node/http/api_types.hpp"
#include "node/http/metrics.hpp"
#include "node/http/router.hpp"
#include "node/http/server.hpp"
#include "node/store/database.hpp"

namespace simpul::bench {
namespace {

namespace net = boost::asio;
using Clock = std::chrono::steady_clock;

// Calls op(i) for i = 0, 1, ... until the budget's time or count runs out.
template <class Op>
PartRate Repeat(Budget budget, Op op) {
  const double cpu_before = ProcessCpuSeconds();
  const auto start = Clock::now();
  const auto deadline = start + budget.time;
  std::uint64_t n = 0;
  for (; n < budget.max_ops; ++n) {
    if (n % 64 == 0 && Clock::now() >= deadline) break;
    op(n);
  }
  const std::chrono::duration<double> elapsed = Clock::now() - start;
  PartRate out;
  out.ops = n;
  out.rate = n / elapsed.count();
  out.cpu_us_per_op = n ? (ProcessCpuSeconds() - cpu_before) * 1e6 / n : 0;
  return out;
}

constexpr store::Migration kRowsTable =
    "CREATE TABLE bench_rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)";

struct WriterTally {
  std::uint64_t started = 0;
  std::uint64_t committed = 0;
  std::optional<Error> error;
};

// Keeps one insert outstanding until the deadline, the cap or the first failure. All writers run
// on one io thread, so the tally needs no lock.
net::awaitable<void> InsertLoop(store::Database& db, const std::string& row,
                                Clock::time_point deadline, std::uint64_t max_rows,
                                WriterTally& tally) {
  while (Clock::now() < deadline && tally.started < max_rows && !tally.error) {
    ++tally.started;
    store::Database::Job<std::int64_t> job = [&row](store::Connection& c) -> Result<std::int64_t> {
      auto stmt = c.Prepare("INSERT INTO bench_rows (body) VALUES (?)");
      if (!stmt) return tl::unexpected(stmt.error());
      stmt->Bind(1, row);
      if (auto r = stmt->Run(); !r) return tl::unexpected(r.error());
      return c.LastInsertRowId();
    };
    // Named locals only around co_await (see the GCC 12 notes in node/store/database.hpp).
    auto write = db.Write<std::int64_t>(std::move(job));
    auto inserted = co_await std::move(write);
    if (!inserted) {
      tally.error = inserted.error();
      co_return;
    }
    ++tally.committed;
  }
}

}  // namespace

PartRate MeasureSignRate(std::size_t payload_bytes, Budget budget) {
  const auto key = crypto::Ed25519KeyPair::Generate();
  std::string payload =
      "simpul/v1/receipt\n{\"commitment\":\"9f2c\",\"kid\":\"0123456789abcdef\","
      "\"node\":\"kab:32.04\",\"submitted_at\":1767225600000,\"tracking_id\":\"KAB3204-000001\","
      "\"type\":\"receipt.intake\",\"v\":1}";
  payload.resize(std::max<std::size_t>(payload_bytes, 1), '0');
  unsigned sink = 0;
  PartRate out = Repeat(budget, [&](std::uint64_t i) {
    payload[payload.size() - 1] = static_cast<char>('0' + i % 10);  // a new message each time
    sink += key.Sign(crypto::AsBytes(payload))[0];
  });
  if (sink == 1) std::fputc('\0', stderr);  // keeps the signatures observable
  return out;
}

PartRate MeasureVerifyRate(std::size_t payload_bytes, Budget budget) {
  const auto key = crypto::Ed25519KeyPair::Generate();
  std::string payload = "simpul/v1/envelope\n";
  payload.resize(std::max<std::size_t>(payload_bytes, payload.size()), 'x');
  const crypto::Ed25519Signature sig = key.Sign(crypto::AsBytes(payload));
  unsigned valid = 0;
  PartRate out = Repeat(budget, [&](std::uint64_t) {
    valid += crypto::Ed25519Verify(key.public_key(), crypto::AsBytes(payload), sig) ? 1 : 0;
  });
  if (valid != out.ops) std::fputs("verify part: a valid signature did not verify\n", stderr);
  return out;
}

PartRate MeasureParseRate(const std::string& body, Budget budget) {
  std::size_t sink = 0;
  PartRate out = Repeat(budget, [&](std::uint64_t) { sink += nlohmann::json::parse(body).size(); });
  if (sink == 1) std::fputc('\0', stderr);
  return out;
}

Result<PartRate> MeasureCommitRate(const std::filesystem::path& dir, int writers,
                                   std::size_t row_bytes, Budget budget) {
  const std::array<store::Migration, 1> migrations = {kRowsTable};
  auto db = store::Database::Open({dir / "commit_part.db", 1}, migrations);
  if (!db) return tl::unexpected(db.error());
  std::string row;
  while (row.size() < row_bytes) row += "Jalan berlubang di depan pasar, mohon segera diperbaiki. ";
  row.resize(row_bytes);

  net::io_context io(1);
  WriterTally tally;
  const auto before = (*db)->writer_stats();
  const double cpu_before = ProcessCpuSeconds();
  const auto start = Clock::now();
  for (int i = 0; i < std::max(1, writers); ++i) {
    net::co_spawn(io, InsertLoop(**db, row, start + budget.time, budget.max_ops, tally),
                  net::detached);
  }
  io.run();
  const std::chrono::duration<double> elapsed = Clock::now() - start;
  const double cpu = ProcessCpuSeconds() - cpu_before;
  const auto after = (*db)->writer_stats();
  if (tally.error) {
    return Fail(tally.error->code, "commit part: " + tally.error->message);
  }
  PartRate out;
  out.ops = tally.committed;
  out.rate = tally.committed / elapsed.count();
  out.cpu_us_per_op = tally.committed ? cpu * 1e6 / tally.committed : 0;
  const auto commits = after.commits - before.commits;
  out.jobs_per_commit = commits ? static_cast<double>(after.jobs - before.jobs) / commits : 0;
  return out;
}

Result<PartRate> MeasureHttpRate(int server_threads, const std::string& body, LoadOptions load) {
  net::io_context io(server_threads);
  http::Router router([](std::string) -> net::awaitable<Result<service::Principal>> {
    co_return Fail(ErrorCode::kUnauthenticated, "the benchmark server has no staff routes");
  });
  router.Add({http::Method::kPost, "/api/v1/complaints", http::Access::Public(), "bench_accept",
              [](http::ApiRequest&) -> net::awaitable<http::ApiResponse> {
                co_return http::ApiResponse::Text(201, "application/json",
                                                  R"({"tracking_id":"KAB3204-000001"})");
              }});
  http::Metrics metrics;
  http::HttpServer server(io, router, metrics, http::ServerLimits{});
  auto port = server.Listen("127.0.0.1", 0, nullptr);
  if (!port) return tl::unexpected(port.error());
  server.Start();
  std::vector<std::thread> threads;
  for (int i = 0; i < std::max(1, server_threads); ++i) threads.emplace_back([&io] { io.run(); });

  load.port = *port;
  load.request = BuildPost(*port, "/api/v1/complaints", body);
  PartRate out;
  out.load = RunLoad(load);
  out.ops = out.load.ok;
  out.rate = out.load.Throughput();
  // Client and server share this process, as they share the machine in the real run.
  out.cpu_us_per_op = out.load.ok ? out.load.client_cpu_seconds * 1e6 / out.load.ok : 0;

  server.Stop();
  // The client has closed its connections; give the sessions a bounded moment to notice.
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (metrics.open_connections() > 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  io.stop();
  for (auto& t : threads) t.join();
  return out;
}

std::string FileSystemOf(const std::filesystem::path& p) {
  struct statfs s {};
  if (::statfs(p.c_str(), &s) != 0) return "unknown fs";
  switch (static_cast<unsigned long>(s.f_type)) {
    case 0xEF53:
      return "ext4";
    case 0x58465342:
      return "xfs";
    case 0x9123683E:
      return "btrfs";
    case 0x794C7630:
      return "overlayfs";
    case 0x01021994:
      return "tmpfs: fsync is free, so these are not durable-disk figures";
    default:
      return "fs magic " + std::to_string(static_cast<unsigned long>(s.f_type));
  }
}

}  // namespace simpul::bench
