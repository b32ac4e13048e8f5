#include "tests/soak/faults.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <thread>

#include "tests/soak/probes.hpp"

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
// skew_back waits until the nodes' keys are older than the skew by this much (see faults.hpp).
constexpr auto kKeyAgeMargin = seconds(10);
constexpr int kMaxRedraws = 16;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// Sends `signal` to the running node; false when it is not running.
bool Signal(Member& m, int signal) {
  return m.process->pid() > 0 && ::kill(m.process->pid(), signal) == 0;
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
    case FaultKind::kSkewBack:
      return "skew_back";
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
                             InjectorOptions options)
    : fed_(fed),
      proxy_(proxy),
      ledger_(ledger),
      options_(std::move(options)),
      created_(Clock::now()),
      rng_(options_.seed),
      first_round_(options_.kinds) {
  std::shuffle(first_round_.begin(), first_round_.end(), rng_);
}

seconds FaultInjector::NextSkewBack() const {
  return options_.allowed_skew + (skews_back_ % 2 == 0 ? -kSkewMargin : kSkewMargin);
}

bool FaultInjector::SkewBackTooEarly() const {
  return !options_.skew_back_any_time && Clock::now() - created_ < NextSkewBack() + kKeyAgeMargin;
}

FaultKind FaultInjector::NextKind() {
  bool from_round = !first_round_.empty();
  for (int tries = 0;; ++tries) {
    FaultKind kind = options_.kinds[rng_() % options_.kinds.size()];
    if (from_round) {
      kind = first_round_.back();
      first_round_.pop_back();
    }
    if (kind != FaultKind::kSkewBack || !SkewBackTooEarly() || tries >= kMaxRedraws) return kind;
    if (from_round) first_round_.insert(first_round_.begin(), kind);  // later in the round
    from_round = first_round_.size() > 1;
  }
}

Member* FaultInjector::PickTarget(FaultKind kind, const Member* busy) {
  std::vector<Member*> fit;
  for (Member* m : fed_.nodes()) {
    const bool has_disk = !m->tmpfs.empty() || !m->disk_error.empty();
    const auto& allowed = options_.targets;
    const bool listed =
        allowed.empty() || std::find(allowed.begin(), allowed.end(), m->id) != allowed.end();
    if (m != busy && listed && (kind != FaultKind::kDiskFull || has_disk)) fit.push_back(m);
  }
  return fit.empty() ? nullptr : fit[rng_() % fit.size()];
}

std::vector<FaultOutcome> FaultInjector::InjectNext(Clock::time_point soak_start) {
  ++injections_;
  const FaultKind kind = NextKind();
  Member* target = PickTarget(kind, nullptr);
  if (target == nullptr) {
    FaultOutcome none;
    none.kind = kind;
    none.target = "-";
    none.at_s = Seconds(Clock::now() - soak_start);
    none.run = false;
    none.note = "not run: no --targets node can take it";
    return {none};
  }
  std::vector<Active> faults = {Prepare(kind, *target, soak_start)};
  if (options_.overlap_every > 0 && injections_ % options_.overlap_every == 0) {
    for (int tries = 0; tries < kMaxRedraws; ++tries) {
      const FaultKind second = options_.kinds[rng_() % options_.kinds.size()];
      if (second == FaultKind::kSkewBack && SkewBackTooEarly()) continue;
      if (Member* other = PickTarget(second, target)) {
        faults.push_back(Prepare(second, *other, soak_start));
        faults[0].out.with = std::string(Name(second)) + " " + other->id;
        faults[1].out.with = std::string(Name(kind)) + " " + target->id;
        break;
      }
    }
  }
  Hold(faults);
  Recover(faults);
  std::vector<FaultOutcome> outcomes;
  for (auto& f : faults) outcomes.push_back(std::move(f.out));
  return outcomes;
}

void FaultInjector::Hold(std::vector<Active>& faults) {
  std::vector<Clock::time_point> begin_at;
  auto at = Clock::now();
  for (const auto& f : faults) {
    begin_at.push_back(at);
    at += f.hold / 3;  // the next fault begins while this one is held
  }
  std::vector<bool> begun(faults.size()), ended(faults.size());
  for (;;) {
    std::optional<std::size_t> next;
    Clock::time_point next_at = Clock::time_point::max();
    for (std::size_t i = 0; i < faults.size(); ++i) {
      const bool pending_end = begun[i] && !ended[i] && faults[i].out.run;
      const auto when = !begun[i] ? begin_at[i] : faults[i].began + faults[i].hold;
      if ((!begun[i] || pending_end) && when < next_at) {
        next = i;
        next_at = when;
      }
    }
    if (!next) return;
    // A fault already healed is followed while the other is still held.
    while (Clock::now() < next_at) {
      for (std::size_t i = 0; i < faults.size(); ++i) {
        if (ended[i] && faults[i].out.run && !faults[i].out.recovered) Poll(faults[i]);
      }
      std::this_thread::sleep_until(std::min(next_at, Clock::now() + kPoll));
    }
    Active& f = faults[*next];
    if (!begun[*next]) {
      begun[*next] = true;
      f.out.run = Begin(f);
    } else {
      ended[*next] = true;
      End(f);
    }
  }
}

FaultInjector::Active FaultInjector::Prepare(FaultKind kind, Member& m,
                                             Clock::time_point soak_start) {
  Active f;
  f.kind = kind;
  f.target = &m;
  f.soak_start = soak_start;
  f.out.kind = kind;
  f.out.target = m.id;
  f.hold = milliseconds(2000 + static_cast<std::int64_t>(rng_() % 6000));
  switch (kind) {
    case FaultKind::kKill:
      f.hold /= 4;  // the restart itself takes a while
      break;
    case FaultKind::kDiskFull:
      f.hold += seconds(3);
      break;
    case FaultKind::kSkewWithin:
    case FaultKind::kSkewBeyond:
    case FaultKind::kSkewBack:
      f.hold += seconds(5);
      break;
    default:
      break;
  }
  return f;
}

bool FaultInjector::Restart(Member& m, const std::vector<std::string>& env, Active& f,
                            const char* what) {
  if (auto r = m.Start(env); !r) {
    f.out.note += std::string(f.out.note.empty() ? "" : "; ") + what +
                  " failed: " + r.error().message.substr(0, 200);
    return false;
  }
  return true;
}

bool FaultInjector::Begin(Active& f) {
  Member& m = *f.target;
  f.began = Clock::now();
  f.out.at_s = Seconds(f.began - f.soak_start);
  f.refused_before = ledger_.refusals(m.id).Total();
  f.acked_before = ledger_.ComplaintsAt(m.id);
  f.rejected_before = FedRejected();
  switch (f.kind) {
    case FaultKind::kKill:
      m.Kill();
      return true;
    case FaultKind::kStop:
      if (Signal(m, SIGSTOP)) return true;
      f.out.note = "not running";
      return false;
    case FaultKind::kDelay: {
      const auto delay = milliseconds(100 + static_cast<std::int64_t>(rng_() % 700));
      f.out.note = "delay " + std::to_string(delay.count()) + " ms";
      proxy_.Set(m.id, LinkMode::kDelay, delay);
      return true;
    }
    case FaultKind::kCut:
    case FaultKind::kReset:
      proxy_.Set(m.id, f.kind == FaultKind::kCut ? LinkMode::kCut : LinkMode::kReset);
      return true;
    case FaultKind::kDiskFull: {
      if (m.tmpfs.empty()) {
        f.out.note = "not run: " + (m.disk_error.empty() ? "no tmpfs member" : m.disk_error);
        return false;
      }
      auto written = FillDisk(m.tmpfs / "soak-filler");
      if (!written) {
        f.out.note = "not run: " + written.error().message;
        return false;
      }
      f.out.note = "filled " + std::to_string(*written >> 20) + " MiB";
      return true;
    }
    case FaultKind::kSkewWithin:
      return BeginSkew(f, options_.allowed_skew - kSkewMargin);
    case FaultKind::kSkewBeyond:
      return BeginSkew(f, options_.allowed_skew + kSkewMargin);
    case FaultKind::kSkewBack:
      if (SkewBackTooEarly()) {
        f.out.note =
            "not run: the nodes' keys are younger than the skew (--skew-back-old-keys-only)";
        return false;
      }
      return BeginSkew(
          f, -(options_.allowed_skew + (skews_back_++ % 2 == 0 ? -kSkewMargin : kSkewMargin)));
  }
  return false;
}

bool FaultInjector::BeginSkew(Active& f, seconds skew) {
  Member& m = *f.target;
  if (options_.faketime_lib.empty()) {
    f.out.note = "not run: libfaketime not found (apt-get install faketime)";
    return false;
  }
  const std::string offset = (skew.count() >= 0 ? "+" : "") + std::to_string(skew.count());
  f.out.note = offset + " s (allowed " + std::to_string(options_.allowed_skew.count()) + " s)";
  if (auto r = m.Stop(); !r) f.out.note += "; stop: " + r.error().message.substr(0, 120);
  if (Restart(m,
              {"LD_PRELOAD=" + options_.faketime_lib, "FAKETIME=" + offset,
               "FAKETIME_DONT_FAKE_MONOTONIC=1"},
              f, "skewed start")) {
    return true;
  }
  (void)m.Start();
  return false;
}

void FaultInjector::End(Active& f) {
  Member& m = *f.target;
  switch (f.kind) {
    case FaultKind::kKill:
      Restart(m, {}, f, "restart");
      break;
    case FaultKind::kStop:
      Signal(m, SIGCONT);
      break;
    case FaultKind::kCut:
    case FaultKind::kDelay:
    case FaultKind::kReset:
      proxy_.Set(m.id, LinkMode::kPass);
      break;
    case FaultKind::kDiskFull: {
      std::error_code ec;
      fs::remove(m.tmpfs / "soak-filler", ec);
      break;
    }
    case FaultKind::kSkewWithin:
    case FaultKind::kSkewBeyond:
    case FaultKind::kSkewBack:
      // The skewed process's own refusals, counted since its start, are lost with it.
      f.rejected_by_skewed = FedRejected()[m.id];
      if (auto r = m.Stop(); !r) f.out.note += "; skewed stop: " + r.error().message.substr(0, 120);
      Restart(m, {}, f, "restart");
      break;
  }
  f.out.held_s = Seconds(Clock::now() - f.began);
  f.out.acked_while_held = ledger_.ComplaintsAt(m.id) - f.acked_before;
  f.mark = MarkHeal(fed_, m, ledger_);
  f.out.queued_at_heal = f.mark.queued;
}

bool FaultInjector::Poll(Active& f) {
  const bool acked = ledger_.ComplaintsAt(f.target->id) > f.mark.acked_at_heal;
  if (acked && f.out.intake_back_s < 0) f.out.intake_back_s = Seconds(Clock::now() - f.mark.healed);
  f.out.recover_s = Seconds(Clock::now() - f.mark.healed);
  f.out.recovered = Recovered(fed_, f.mark, *f.target, f.kind == FaultKind::kDiskFull, ledger_);
  return f.out.recovered;
}

void FaultInjector::Recover(std::vector<Active>& faults) {
  auto limit = Clock::now() + kRecoveryLimit;
  for (const auto& f : faults) {
    if (f.kind == FaultKind::kSkewBeyond)
      limit = std::max(limit, Clock::now() + kRecoveryLimit + kSkewMargin);
  }
  for (;;) {
    bool waiting = false;
    for (auto& f : faults) {
      if (f.out.run && !f.out.recovered && !Poll(f)) waiting = true;
    }
    if (!waiting || Clock::now() >= limit) break;
    RestartCrashed();
    std::this_thread::sleep_for(kPoll);
  }
  const auto rejected_after = FedRejected();
  for (auto& f : faults) {
    f.out.refused = ledger_.refusals(f.target->id).Total() - f.refused_before;
    f.out.fed_rejected = f.rejected_by_skewed;
    for (const auto& [id, after] : rejected_after) {
      const auto before = f.rejected_before.find(id);
      const std::uint64_t from = before == f.rejected_before.end() ? 0 : before->second;
      f.out.fed_rejected += after >= from ? after - from : after;  // a restart starts it at 0
    }
  }
}

std::vector<std::string> FaultInjector::RestartCrashed() {
  std::vector<std::string> ended;
  for (Member* m : fed_.nodes()) {
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
  for (Member* m : fed_.nodes()) {
    const std::uint16_t port = m->http_port.load();
    if (port == 0) continue;
    auto v = ReadMetric(port, "simpul_fed_inbox_envelopes_total{outcome=\"rejected\"}");
    if (v) rejected[m->id] = static_cast<std::uint64_t>(*v);
  }
  return rejected;
}

}  // namespace simpul::soak
