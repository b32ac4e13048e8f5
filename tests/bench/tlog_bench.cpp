// The node's transparency log at scale (DESIGN §4): how fast leaves append inside write
// transactions, how long an inclusion or consistency proof takes at millions of leaves (it should
// not grow with the log: O(log n) reads of stored subtree hashes), how long the start-up audit of
// the subtree cache takes, and the bytes per leaf on disk.
//
//   tlog_bench [--leaves 1000000] [--batch 1000] [--dir /tmp/x]
//
// The bound for appends is a plain INSERT of a row of the same size into a fresh table, in
// transactions of the same size, measured in the same run.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "crypto/merkle.hpp"
#include "node/store/database.hpp"
#include "node/store/log_leaves.hpp"
#include "node/store/schema.hpp"
#include "node/store/tlog_store.hpp"
#include "tests/bench/parts.hpp"

namespace simpul::bench {
namespace {

using Clock = std::chrono::steady_clock;
using store::Connection;
using store::TlogStore;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

std::string EventLeaf(std::int64_t i) {
  char tracking[32];
  std::snprintf(tracking, sizeof tracking, "KAB3204-%06lld", static_cast<long long>(i / 4));
  const std::string hash = crypto::HexEncode(crypto::Sha256(crypto::AsBytes(tracking)));
  return store::leaves::Event(tracking, "verify", 1'780'000'000'000 + i, hash);
}

// Appends leaves [from, to) in transactions of `batch`.
Result<void> Append(store::Database& db, std::int64_t from, std::int64_t to, int batch) {
  for (std::int64_t start = from; start < to; start += batch) {
    const std::int64_t end = std::min<std::int64_t>(to, start + batch);
    auto r = db.WriteSync<bool>([start, end](Connection& c) -> Result<bool> {
      for (std::int64_t i = start; i < end; ++i) {
        const std::string leaf = EventLeaf(i);
        auto index = TlogStore::Append(c, store::leaves::kEvent, "KAB3204", leaf);
        if (!index) return tl::unexpected(index.error());
      }
      return true;
    });
    if (!r) return tl::unexpected(r.error());
    if ((start / batch) % 200 == 0) {
      std::fprintf(stderr, "\r  appended %lld / %lld", static_cast<long long>(end),
                   static_cast<long long>(to));
    }
  }
  std::fprintf(stderr, "\n");
  return {};
}

// The same number of plain inserts of rows of the same size: what SQLite allows.
Result<double> PlainInsertRate(const std::filesystem::path& dir, std::int64_t rows, int batch) {
  auto db = store::Database::Open({dir / "plain.db", 1}, {});
  if (!db) return tl::unexpected(db.error());
  auto made = (*db)->WriteSync<bool>([](Connection& c) -> Result<bool> {
    if (auto r = c.Exec("CREATE TABLE t (idx INTEGER PRIMARY KEY, kind TEXT, ref TEXT, data BLOB)");
        !r) {
      return tl::unexpected(r.error());
    }
    return true;
  });
  if (!made) return tl::unexpected(made.error());
  const auto t0 = Clock::now();
  for (std::int64_t start = 0; start < rows; start += batch) {
    const std::int64_t end = std::min<std::int64_t>(rows, start + batch);
    auto r = (*db)->WriteSync<bool>([start, end](Connection& c) -> Result<bool> {
      for (std::int64_t i = start; i < end; ++i) {
        auto s = c.Prepare("INSERT INTO t (idx, kind, ref, data) VALUES (?, ?, ?, ?)");
        if (!s) return tl::unexpected(s.error());
        const std::string leaf = EventLeaf(i);
        s->BindAll(i, "event", "KAB3204", std::span<const std::uint8_t>(crypto::AsBytes(leaf)));
        if (auto run = s->Run(); !run) return tl::unexpected(run.error());
      }
      return true;
    });
    if (!r) return tl::unexpected(r.error());
  }
  return static_cast<double>(rows) / Seconds(Clock::now() - t0);
}

struct Latency {
  double p50_us = 0, p99_us = 0;
  std::size_t proof_hashes = 0;
};

// `samples` random inclusion (or consistency, from a random older size) proofs at `size`.
Result<Latency> ProofLatency(store::Database& db, std::int64_t size, bool consistency,
                             int samples) {
  std::mt19937_64 rng(42);
  std::vector<double> us;
  std::size_t hashes = 0;
  for (int i = 0; i < samples; ++i) {
    const std::int64_t at = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(size));
    const auto t0 = Clock::now();
    auto proof = db.ReadSync<crypto::MerkleProof>([&](Connection& c) {
      return consistency ? TlogStore::ConsistencyProof(c, std::max<std::int64_t>(at, 1), size)
                         : TlogStore::InclusionProof(c, at, size);
    });
    if (!proof) return tl::unexpected(proof.error());
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    hashes = std::max(hashes, proof->size());
  }
  std::sort(us.begin(), us.end());
  return Latency{us[us.size() / 2], us[us.size() * 99 / 100], hashes};
}

int Run(std::int64_t leaves, int batch, std::filesystem::path dir) {
  if (dir.empty()) dir = std::filesystem::temp_directory_path() / "simpul-tlog-bench";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::printf("Transparency log at %lld leaves (%s, transactions of %d)\n",
              static_cast<long long>(leaves), FileSystemOf(dir).c_str(), batch);
  auto db = store::Database::Open({dir / "log.db", 2}, store::SchemaMigrations());
  if (!db) return std::fprintf(stderr, "%s\n", db.error().message.c_str()), 1;

  const auto t0 = Clock::now();
  if (auto r = Append(**db, 0, leaves, batch); !r) {
    return std::fprintf(stderr, "%s\n", r.error().message.c_str()), 1;
  }
  const double append_rate = static_cast<double>(leaves) / Seconds(Clock::now() - t0);
  auto plain = PlainInsertRate(dir, std::min<std::int64_t>(leaves, 200'000), batch);
  if (!plain) return std::fprintf(stderr, "%s\n", plain.error().message.c_str()), 1;
  std::printf("  append                     %.0f leaves/s (%.1f us each)\n", append_rate,
              1e6 / append_rate);
  std::printf("  plain insert, same rows    %.0f rows/s   ratio %.2f\n", *plain,
              append_rate / *plain);

  for (const std::int64_t size : {leaves / 1024, leaves}) {
    if (size < 2) continue;
    auto inclusion = ProofLatency(**db, size, false, 2000);
    auto consistency = ProofLatency(**db, size, true, 2000);
    if (!inclusion || !consistency) return 1;
    std::printf(
        "  proofs at %9lld leaves   inclusion p50 %.0f us p99 %.0f us (%zu hashes); "
        "consistency p50 %.0f us p99 %.0f us (%zu hashes)\n",
        static_cast<long long>(size), inclusion->p50_us, inclusion->p99_us, inclusion->proof_hashes,
        consistency->p50_us, consistency->p99_us, consistency->proof_hashes);
  }
  const auto audit0 = Clock::now();
  auto audit = (*db)->WriteSync<std::int64_t>(
      [](Connection& c) { return TlogStore::VerifySubtreeCache(c); });
  if (!audit) return std::fprintf(stderr, "%s\n", audit.error().message.c_str()), 1;
  std::printf("  start-up audit             %.1f s for the whole log (%lld entries rewritten)\n",
              Seconds(Clock::now() - audit0), static_cast<long long>(*audit));
  db->reset();
  const double bytes = static_cast<double>(std::filesystem::file_size(dir / "log.db"));
  std::printf("  database                   %.1f MB, %.0f bytes per leaf\n", bytes / 1e6,
              bytes / static_cast<double>(leaves));
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace simpul::bench

int main(int argc, char** argv) {
  CLI::App app("Transparency-log benchmark");
  std::int64_t leaves = 1'000'000;
  int batch = 1000;
  std::string dir;
  app.add_option("--leaves", leaves, "Leaves to append")->check(CLI::Range(1000, 100'000'000));
  app.add_option("--batch", batch, "Leaves per transaction")->check(CLI::Range(1, 100'000));
  app.add_option("--dir", dir, "Scratch directory (removed afterwards)");
  CLI11_PARSE(app, argc, argv);
  return simpul::bench::Run(leaves, batch, dir);
}
