#include "tests/soak/faults.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "tests/soak/probes.hpp"
#include "tests/support/http_client.hpp"

namespace simpul::soak {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr auto kPoll = milliseconds(100);
constexpr auto kRecoveryLimit = seconds(60);
// Within the allowed skew by this much, beyond it by this much: envelopes a node signs while
// beyond are refused for about this long after it is set right.
constexpr auto kSkewMargin = seconds(45);
constexpr std::size_t kFillChunk = 1 << 20;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// Sends `signal` to the running node; false when it is not running.
bool Signal(Member& m, int signal) {
  return m.process->pid() > 0 && ::kill(m.process->pid(), signal) == 0;
}

bool Ready(const Member& m) {
  const std::uint16_t port = m.http_port.load();
  if (port == 0) return false;
  testing::HttpClient client(port, seconds(2));
  auto r = client.Request("GET", "/readyz");
  return r && r->status == 200;
}

// Writes `path` until the file system is full; returns the bytes written.
Result<std::uint64_t> FillDisk(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return Fail(ErrorCode::kUnavailable, "open " + path.string() + ": " + std::strerror(errno));
  const std::string chunk(kFillChunk, 'x');
  std::uint64_t written = 0;
  for (std::size_t size = kFillChunk; size > 0;) {
    const ssize_t n = ::write(fd, chunk.data(), size);
    if (n > 0) {
      written += static_cast<std::uint64_t>(n);
    } else if (errno == ENOSPC || n == 0) {
      size /= 2;  // top up the last partial chunk too
    } else if (errno != EINTR) {
      break;
    }
  }
  ::fsync(fd);
  ::close(fd);
  return written;
}

// Envelopes waiting on a link to or from `target`: (database, dest, highest undelivered seq).
struct Backlog {
  fs::path db;
  std::string dest;
  std::int64_t through = 0;
};

std::vector<Backlog> BacklogOf(SoakFederation& fed, const std::string& target,
                               std::int64_t& total) {
  std::vector<Backlog> out;
  total = 0;
  for (auto& m : fed.members()) {
    const bool own = m->id == target;
    auto rows = Query(m->process->database_path(),
                      "SELECT dest, max(seq), count(*) FROM fed_outbox WHERE delivered_at IS NULL "
                      "AND (?1 = 1 OR dest = ?2) GROUP BY dest",
                      {own ? "1" : "0", target});
    if (!rows) continue;
    for (const auto& row : *rows) {
      out.push_back({m->process->database_path(), row[0], std::stoll(row[1])});
      total += std::stoll(row[2]);
    }
  }
  return out;
}

bool Delivered(const std::vector<Backlog>& backlog) {
  for (const auto& b : backlog) {
    auto left = QueryInt(b.db,
                         "SELECT count(*) FROM fed_outbox WHERE dest = ?1 AND seq <= ?2 "
                         "AND delivered_at IS NULL",
                         {b.dest, std::to_string(b.through)});
    if (!left || *left != 0) return false;
  }
  return true;
}

}  // namespace

const char* Name(FaultKind kind) {
  switch (kind) {
    case FaultKind::kKill:
      return "kill";
    case FaultKind::kStop:
      return "stop";
    case FaultKind::kCut:
      return "cut";
    case FaultKind::kDelay:
      return "delay";
    case FaultKind::kReset:
      return "reset";
    case FaultKind::kDiskFull:
      return "disk_full";
    case FaultKind::kSkewWithin:
      return "skew_within";
    case FaultKind::kSkewBeyond:
      return "skew_beyond";
  }
  return "?";
}

Result<FaultKind> ParseFaultKind(std::string_view name) {
  for (FaultKind kind : kAllFaults) {
    if (name == Name(kind)) return kind;
  }
  return Fail(ErrorCode::kInvalidArgument, "unknown fault kind: " + std::string(name));
}

FaultInjector::FaultInjector(SoakFederation& fed, FaultProxy& proxy, Ledger& ledger,
                             std::uint64_t seed, std::vector<FaultKind> kinds,
                             std::string faketime_lib, std::chrono::seconds allowed_skew)
    : fed_(fed),
      proxy_(proxy),
      ledger_(ledger),
      rng_(seed),
      faketime_lib_(std::move(faketime_lib)),
      allowed_skew_(allowed_skew),
      kinds_(std::move(kinds)),
      first_round_(kinds_) {
  std::shuffle(first_round_.begin(), first_round_.end(), rng_);
}

FaultOutcome FaultInjector::InjectNext(Clock::time_point soak_start) {
  FaultKind kind;
  if (!first_round_.empty()) {
    kind = first_round_.back();
    first_round_.pop_back();
  } else {
    kind = kinds_[rng_() % kinds_.size()];
  }
  auto& members = fed_.members();
  Member* target = members[rng_() % members.size()].get();
  if (kind == FaultKind::kDiskFull) {
    for (auto& m : members) {
      if (!m->tmpfs.empty() || !m->disk_error.empty()) target = m.get();
    }
  }
  return Inject(kind, *target, soak_start);
}

FaultOutcome FaultInjector::Inject(FaultKind kind, Member& m, Clock::time_point soak_start) {
  FaultOutcome out;
  out.kind = kind;
  out.target = m.id;
  const auto start = Clock::now();
  out.at_s = Seconds(start - soak_start);
  const auto refused_before = ledger_.refusals(m.id).Total();
  const auto acked_before = ledger_.ComplaintsAt(m.id);
  const auto rejected_before = FedRejected();
  const auto hold = milliseconds(2000 + static_cast<std::int64_t>(rng_() % 6000));
  bool run = false;
  switch (kind) {
    case FaultKind::kKill:
    case FaultKind::kStop:
    case FaultKind::kCut:
    case FaultKind::kDelay:
    case FaultKind::kReset:
      run = HoldNodeFault(kind, m, hold, out);
      break;
    case FaultKind::kDiskFull:
      run = HoldDiskFull(m, hold + seconds(3), out);
      break;
    case FaultKind::kSkewWithin:
      run = HoldSkew(m, allowed_skew_ - kSkewMargin, hold + seconds(5), out);
      break;
    case FaultKind::kSkewBeyond:
      run = HoldSkew(m, allowed_skew_ + kSkewMargin, hold + seconds(5), out);
      break;
  }
  out.run = run;
  out.held_s = Seconds(Clock::now() - start);
  out.acked_while_held = ledger_.ComplaintsAt(m.id) - acked_before;
  if (run) WaitForRecovery(m, kind, out);
  out.refused = ledger_.refusals(m.id).Total() - refused_before;
  for (const auto& [id, after] : FedRejected()) {
    const auto before = rejected_before.find(id);
    const std::uint64_t from = before == rejected_before.end() ? 0 : before->second;
    out.fed_rejected += after >= from ? after - from : after;  // a restart starts it at 0
  }
  return out;
}

bool FaultInjector::HoldNodeFault(FaultKind kind, Member& m, milliseconds hold, FaultOutcome& out) {
  switch (kind) {
    case FaultKind::kKill:
      m.Kill();
      std::this_thread::sleep_for(hold / 4);
      if (auto r = m.Start(); !r) {
        out.note = "restart failed: " + r.error().message.substr(0, 200);
        return false;
      }
      return true;
    case FaultKind::kStop:
      if (!Signal(m, SIGSTOP)) {
        out.note = "not running";
        return false;
      }
      std::this_thread::sleep_for(hold);
      Signal(m, SIGCONT);
      return true;
    case FaultKind::kDelay: {
      const auto delay = milliseconds(100 + static_cast<std::int64_t>(rng_() % 700));
      out.note = "delay " + std::to_string(delay.count()) + " ms";
      proxy_.Set(m.id, LinkMode::kDelay, delay);
      break;
    }
    default:
      proxy_.Set(m.id, kind == FaultKind::kCut ? LinkMode::kCut : LinkMode::kReset);
      break;
  }
  std::this_thread::sleep_for(hold);
  proxy_.Set(m.id, LinkMode::kPass);
  return true;
}

bool FaultInjector::HoldDiskFull(Member& m, milliseconds hold, FaultOutcome& out) {
  if (m.tmpfs.empty()) {
    out.note = "not run: " + (m.disk_error.empty() ? "no tmpfs member" : m.disk_error);
    return false;
  }
  const fs::path filler = m.tmpfs / "soak-filler";
  auto written = FillDisk(filler);
  if (!written) {
    out.note = "not run: " + written.error().message;
    return false;
  }
  out.note = "filled " + std::to_string(*written >> 20) + " MiB";
  std::this_thread::sleep_for(hold);
  std::error_code ec;
  fs::remove(filler, ec);
  return true;
}

bool FaultInjector::HoldSkew(Member& m, seconds skew, milliseconds hold, FaultOutcome& out) {
  if (faketime_lib_.empty()) {
    out.note = "not run: libfaketime not found (apt-get install faketime)";
    return false;
  }
  out.note = "+" + std::to_string(skew.count()) + " s (allowed " +
             std::to_string(allowed_skew_.count()) + " s)";
  if (auto r = m.Stop(); !r) out.note += "; stop: " + r.error().message.substr(0, 120);
  if (auto r = m.Start({"LD_PRELOAD=" + faketime_lib_, "FAKETIME=+" + std::to_string(skew.count()),
                        "FAKETIME_DONT_FAKE_MONOTONIC=1"});
      !r) {
    out.note += "; skewed start failed: " + r.error().message.substr(0, 200);
    (void)m.Start();
    return false;
  }
  std::this_thread::sleep_for(hold);
  if (auto r = m.Stop(); !r) out.note += "; skewed stop: " + r.error().message.substr(0, 120);
  if (auto r = m.Start(); !r) {
    out.note += "; restart failed: " + r.error().message.substr(0, 200);
    return false;
  }
  return true;
}

void FaultInjector::WaitForRecovery(Member& m, FaultKind kind, FaultOutcome& out) {
  const auto healed = Clock::now();
  const auto limit =
      healed + kRecoveryLimit + (kind == FaultKind::kSkewBeyond ? kSkewMargin : seconds(0));
  const auto backlog = BacklogOf(fed_, m.id, out.queued_at_heal);
  const auto acked_at_heal = ledger_.ComplaintsAt(m.id);
  while (Clock::now() < limit) {
    const bool acked = ledger_.ComplaintsAt(m.id) > acked_at_heal;
    if (acked && out.intake_back_s < 0) out.intake_back_s = Seconds(Clock::now() - healed);
    const bool intake_back = kind != FaultKind::kDiskFull || acked;
    if (intake_back && Ready(m) && Delivered(backlog)) {
      out.recovered = true;
      out.recover_s = Seconds(Clock::now() - healed);
      return;
    }
    RestartCrashed();
    std::this_thread::sleep_for(kPoll);
  }
  out.recover_s = Seconds(Clock::now() - healed);
}

std::vector<std::string> FaultInjector::RestartCrashed() {
  std::vector<std::string> ended;
  for (auto& m : fed_.members()) {
    auto status = m->process->ReapIfExited();
    if (!status) continue;
    m->http_port = 0;
    const std::string how = WIFSIGNALED(*status) ? "signal " + std::to_string(WTERMSIG(*status))
                                                 : "exit " + std::to_string(WEXITSTATUS(*status));
    ended.push_back(m->id + " (" + how + ")");
    (void)m->Start();
  }
  crashes_.insert(crashes_.end(), ended.begin(), ended.end());
  return ended;
}

std::map<std::string, std::uint64_t> FaultInjector::FedRejected() {
  std::map<std::string, std::uint64_t> rejected;
  for (auto& m : fed_.members()) {
    const std::uint16_t port = m->http_port.load();
    if (port == 0) continue;
    auto v = ReadMetric(port, "simpul_fed_inbox_envelopes_total{outcome=\"rejected\"}");
    if (v) rejected[m->id] = static_cast<std::uint64_t>(*v);
  }
  return rejected;
}

}  // namespace simpul::soak
