// Durability under a crash: SIGKILL a real simpuld in the middle of a burst of concurrent
// submissions; every complaint it acknowledged with 201 must be there after a restart, and the
// database must pass SQLite's integrity check.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/node_api.hpp"
#include "tests/support/node_process.hpp"

namespace simpul::testing {
namespace {

using std::chrono::steady_clock;

constexpr int kWriters = 8;
constexpr int kAcksBeforeKill = 300;
constexpr int kMaxSubmitsPerWriter = 2000;  // bounds each loop even if the kill never comes
constexpr auto kBurstDeadline = std::chrono::seconds(30);

// The tracking ids the node acknowledged, shared by the writer threads.
class Acknowledged {
 public:
  void Add(std::string id) {
    std::lock_guard lock(mu_);
    ids_.push_back(std::move(id));
    if (ids_.size() >= kAcksBeforeKill) enough_.notify_all();
  }
  // Waits until kAcksBeforeKill ids arrived or `deadline` passed; returns the count.
  std::size_t WaitForEnough(steady_clock::time_point deadline) {
    std::unique_lock lock(mu_);
    enough_.wait_until(lock, deadline, [&] { return ids_.size() >= kAcksBeforeKill; });
    return ids_.size();
  }
  std::vector<std::string> Snapshot() {
    std::lock_guard lock(mu_);
    return ids_;
  }

 private:
  std::mutex mu_;
  std::condition_variable enough_;
  std::vector<std::string> ids_;
};

// Submits complaints on its own keep-alive connection until the node stops answering, `stop` is
// set or kMaxSubmitsPerWriter is reached.
void SubmitUntilStopped(std::uint16_t port, int writer, const std::atomic<bool>& stop,
                        Acknowledged& acked) {
  NodeApi api(port);
  nlohmann::json complaint = SampleComplaint();
  for (int i = 0; i < kMaxSubmitsPerWriter && !stop.load(); ++i) {
    complaint["title"] = "Laporan " + std::to_string(writer) + "-" + std::to_string(i);
    ApiReply r = api.Submit(complaint);
    if (r.status == 201) {
      acked.Add(r.json["tracking_id"].get<std::string>());
    } else if (r.status == 0) {
      return;  // the node is gone
    }
  }
}

// Runs PRAGMA integrity_check on a read-only connection; returns its first row.
std::string IntegrityCheck(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close_v2)> db(raw, &sqlite3_close_v2);
  if (rc != SQLITE_OK) return std::string("open failed: ") + sqlite3_errstr(rc);
  sqlite3_stmt* raw_stmt = nullptr;
  rc = sqlite3_prepare_v2(db.get(), "PRAGMA integrity_check", -1, &raw_stmt, nullptr);
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> stmt(raw_stmt, &sqlite3_finalize);
  if (rc != SQLITE_OK) return std::string("prepare failed: ") + sqlite3_errmsg(db.get());
  if (sqlite3_step(stmt.get()) != SQLITE_ROW) {
    return std::string("step failed: ") + sqlite3_errmsg(db.get());
  }
  return reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), 0));
}

TEST(CrashTest, AcknowledgedComplaintsSurviveSigkill) {
  auto created = NodeProcess::Create();
  ASSERT_TRUE(created) << created.error().message;
  NodeProcess& node = **created;
  auto started = node.Start();
  ASSERT_TRUE(started) << started.error().message;

  Acknowledged acked;
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back(SubmitUntilStopped, node.port(), w, std::cref(stop), std::ref(acked));
  }
  const std::size_t acked_at_kill = acked.WaitForEnough(steady_clock::now() + kBurstDeadline);
  node.Kill();  // mid-burst: the writers still have requests in flight
  stop = true;
  for (auto& t : writers) t.join();
  const std::vector<std::string> ids = acked.Snapshot();
  ::testing::Test::RecordProperty("acknowledged", static_cast<int>(ids.size()));
  ASSERT_GE(acked_at_kill, static_cast<std::size_t>(kAcksBeforeKill))
      << "the burst did not reach its size before the deadline";
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size())
      << "tracking ids are unique";

  EXPECT_EQ(IntegrityCheck(node.database_path().string()), "ok");

  auto restarted = node.Start();
  ASSERT_TRUE(restarted) << restarted.error().message;
  NodeApi api(node.port());
  const std::string admin = api.Login("admin", node.admin_password());
  ASSERT_FALSE(admin.empty());
  std::size_t missing = 0;
  for (const auto& id : ids) {
    ApiReply r = api.Case(id, admin);
    if (r.status != 200) {
      ++missing;
      ADD_FAILURE() << "acknowledged " << id << " is gone: " << r.status << " " << r.body;
      if (missing >= 5) break;  // enough to diagnose
    }
  }
  EXPECT_EQ(missing, 0u);
  EXPECT_GE(api.CaseCount(admin), static_cast<std::int64_t>(ids.size()));
  // The node keeps taking complaints after the crash.
  EXPECT_EQ(api.Submit(SampleComplaint()).status, 201);
}

}  // namespace
}  // namespace simpul::testing
