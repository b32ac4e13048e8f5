#pragma once
// The parts of durable signed intake, each measured alone on this machine with the node's own
// code, so the intake benchmark can compare the whole node with the bound its parts allow.
//
//   PartRate sign = MeasureSignRate(300, kBudget);
//   std::printf("%.0f signatures/s, %.1f us CPU each\n", sign.rate, sign.cpu_us_per_op);
//
// Every measurement is bounded in time and count. Run them one after another: each one wants
// the whole machine to itself. Not thread-safe.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "crypto/result.hpp"
#include "tests/bench/load_client.hpp"

namespace simpul::bench {

struct Budget {
  std::chrono::milliseconds time{2000};
  std::uint64_t max_ops = 2'000'000;
};

// Throughput of one part and the CPU it costs (all threads of this process, core-seconds).
struct PartRate {
  double rate = 0;  // operations per second of wall time
  double cpu_us_per_op = 0;
  std::uint64_t ops = 0;
  double jobs_per_commit = 0;  // commit part only
  LoadResult load;             // HTTP part only: the client's view
};

// Ed25519 signatures of a `payload_bytes` message, on one thread.
PartRate MeasureSignRate(std::size_t payload_bytes, Budget budget);

// Ed25519 verifications of one valid signature over a `payload_bytes` message, on one thread.
PartRate MeasureVerifyRate(std::size_t payload_bytes, Budget budget);

// nlohmann::json parses of `body` (the intake request body), on one thread.
PartRate MeasureParseRate(const std::string& body, Budget budget);

// Group-committed inserts into a fresh WAL database (synchronous=FULL) in `dir`, through
// store::Database: `writers` coroutines each keep one Write job outstanding; each job inserts one
// row of `row_bytes`. Fails when the database cannot be opened or a write fails.
Result<PartRate> MeasureCommitRate(const std::filesystem::path& dir, int writers,
                                   std::size_t row_bytes, Budget budget);

// Requests per second of the node's HTTP stack (HttpServer + Router, `server_threads` io
// threads) serving POST /api/v1/complaints with a handler that answers 201 and a small JSON body
// without looking at the request. RunLoad drives it with `load`, posting `body` (request and port
// are filled in). Fails when the server cannot listen.
Result<PartRate> MeasureHttpRate(int server_threads, const std::string& body, LoadOptions load);

// The file system holding `path`, as a figure's context ("ext4"; tmpfs gets a warning that fsync
// is free there).
std::string FileSystemOf(const std::filesystem::path& path);

// KiB (as /proc reports memory) to decimal megabytes.
inline double Mb(std::int64_t kib) { return static_cast<double>(kib) * 1024 / 1e6; }

}  // namespace simpul::bench
