// fault_soak: intake and federation load on real nodes while faults are injected at random, then
// a check that nothing acknowledged was lost or applied twice. Not a CTest test: a program with a
// hard time bound, run by deploy/run-soak.sh.
//
//   fault_soak [--minutes 3] [--seed S] [--rate 8] [--tmpfs-mb N] [--faults kill,cut,...]
//              [--targets coord:panrb,...] [--overlap 3] [--skew-back-old-keys-only] [--logs DIR]
//
// A coordinator and three members (kl:pupr, prov:32, kab:32.04) run as real simpuld processes
// with mutual TLS; every node's federation endpoint, the coordinator's too, is a port of an
// in-process fault proxy.
// For --minutes, load runs (complaints filed at every member, some verified and forwarded to the
// others, which accept them) while faults are injected one after another (see faults.hpp). Then
// every link is healed, every node restarted unskewed, the federation left to go quiet, and
// the checks in checks.hpp run. Prints a table of faults and outcomes and a table of checks;
// exits 1 on any failed check, 2 on a setup error, 3 when the hard time limit is hit.

#include <signal.h>
#include <sys/mount.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>

#include "federation/directory_document.hpp"
#include "tests/soak/checks.hpp"
#include "tests/soak/fault_proxy.hpp"
#include "tests/soak/faults.hpp"
#include "tests/soak/load.hpp"
#include "tests/soak/soak_federation.hpp"

namespace simpul::soak {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::seconds;

constexpr char kFaketimeLib[] = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";
constexpr auto kStartTimeout = seconds(60);
constexpr auto kQuiescenceLimit = seconds(240);
// Beyond --minutes: the last fault's recovery, the restarts, quiescence and the checks.
constexpr auto kHardLimitSlack = seconds(600);
// prov:32's database and WAL grew by about 10 MiB a minute at the default rate on a 2-core
// machine; the disk must only be full when the soak fills it.
constexpr int kTmpfsBaseMb = 64;
constexpr int kTmpfsMbPerMinute = 24;

struct Options {
  double minutes = 3;
  std::uint64_t seed = 1;
  double rate = 8;
  int tmpfs_mb = 0;  // 0: kTmpfsBaseMb + kTmpfsMbPerMinute per minute at the default rate
  std::string faketime_lib = kFaketimeLib;
  std::vector<std::string> faults;   // kinds to inject; empty: all
  std::vector<std::string> targets;  // node ids that may be faulted; empty: all
  bool skew_back_old_keys_only = false;
  int overlap = 3;   // every n-th injection holds two faults at once; 0: never
  std::string logs;  // where to copy the nodes' logs at the end; empty: nowhere
};

// Ends the whole process group (this program and its nodes) if the run overstays its bound, so
// the soak stops itself even when a wait inside it never returns.
class Watchdog {
 public:
  Watchdog(Clock::duration limit, std::vector<fs::path> mounts)
      : thread_([this, limit, mounts = std::move(mounts)] {
          std::unique_lock lock(mu_);
          if (cv_.wait_for(lock, limit, [this] { return done_; })) return;
          std::fprintf(stderr, "fault_soak: hard time limit reached; killing the nodes\n");
          for (const auto& m : mounts) ::umount2(m.c_str(), MNT_DETACH);
          ::signal(SIGTERM, SIG_IGN);
          ::kill(0, SIGTERM);
          std::this_thread::sleep_for(seconds(3));
          ::kill(0, SIGKILL);
        }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

void PrintFault(const FaultOutcome& f) {
  std::string outcome = !f.run ? "NOT RUN" : (f.recovered ? "recovered" : "NOT RECOVERED");
  char times[96] = "";
  if (f.run && f.intake_back_s >= 0) {
    std::snprintf(times, sizeof times, " after %.1f s (intake back %.1f s)", f.recover_s,
                  f.intake_back_s);
  } else if (f.run) {
    std::snprintf(times, sizeof times, " after %.1f s", f.recover_s);
  }
  std::printf("  t=%6.1fs  %-11s %-11s held %5.1fs  %s%s%s%s\n", f.at_s, Name(f.kind),
              f.target.c_str(), f.held_s, outcome.c_str(), times,
              f.note.empty() ? "" : ("  (" + f.note + ")").c_str(),
              f.with.empty() ? "" : ("  [with " + f.with + "]").c_str());
  std::fflush(stdout);
}

double Quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5)];
}

void PrintFaultTable(const std::vector<FaultOutcome>& faults) {
  std::printf("\nFaults injected\n");
  std::printf("  %-11s | %8s | %7s | %7s | %9s | %-17s | %7s | %8s | %6s | %s\n", "fault",
              "injected", "overlap", "not run", "recovered", "recover p50/max s", "refused",
              "rejected", "queued", "acked while held");
  for (FaultKind kind : kAllFaults) {
    int injected = 0, overlapped = 0, not_run = 0, recovered = 0;
    std::uint64_t refused = 0, rejected = 0, acked = 0;
    std::int64_t queued = 0;
    std::vector<double> times;
    std::string reason;
    for (const auto& f : faults) {
      if (f.kind != kind) continue;
      if (!f.run) {
        ++not_run;
        reason = f.note;
        continue;
      }
      ++injected;
      if (!f.with.empty()) ++overlapped;
      if (f.recovered) {
        ++recovered;
        times.push_back(f.recover_s);
      }
      refused += f.refused;
      rejected += f.fed_rejected;
      queued += f.queued_at_heal;
      acked += f.acked_while_held;
    }
    char recover[32];
    std::snprintf(recover, sizeof recover, "%.1f / %.1f", Quantile(times, 0.5),
                  Quantile(times, 1.0));
    std::printf("  %-11s | %8d | %7d | %7d | %4d/%-4d | %-17s | %7llu | %8llu | %6lld | %llu%s\n",
                Name(kind), injected, overlapped, not_run, recovered, injected, recover,
                static_cast<unsigned long long>(refused), static_cast<unsigned long long>(rejected),
                static_cast<long long>(queued), static_cast<unsigned long long>(acked),
                reason.empty() ? "" : ("  [" + reason + "]").c_str());
  }
  std::printf(
      "  (overlap: of those injected, held together with a fault on another node; refused:\n"
      "   load requests to the target that failed, fault start to recovery; rejected:\n"
      "   envelopes the nodes' inboxes refused meanwhile; queued: envelopes waiting on the\n"
      "   target's links at heal; acked while held: complaints the target acknowledged during "
      "it)\n");
}

// Copies every node's log into `dir` as <node id>.log (':' becomes '_').
void KeepLogs(SoakFederation& fed, const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  for (Member* m : fed.nodes()) {
    std::string name = m->id;
    std::replace(name.begin(), name.end(), ':', '_');
    fs::copy_file(m->process->log_path(), dir / (name + ".log"),
                  fs::copy_options::overwrite_existing, ec);
  }
  std::printf("Node logs copied to %s\n", dir.c_str());
}

// The kinds --faults names (all when empty); fails kInvalidArgument on an unknown name.
Result<std::vector<FaultKind>> FaultKinds(const std::vector<std::string>& names) {
  std::vector<FaultKind> kinds;
  for (const auto& name : names) {
    auto kind = ParseFaultKind(name);
    if (!kind) return tl::unexpected(kind.error());
    kinds.push_back(*kind);
  }
  if (kinds.empty()) kinds.assign(std::begin(kAllFaults), std::end(kAllFaults));
  return kinds;
}

void PrintMembers(SoakFederation& fed, const Options& o) {
  for (Member* m : fed.nodes()) {
    std::printf(
        "  %-10s federation port %u behind proxy; data %s\n", m->id.c_str(), m->federation_port,
        !m->tmpfs.empty()       ? ("on a " + std::to_string(o.tmpfs_mb) + " MiB tmpfs").c_str()
        : m->disk_error.empty() ? "on the temp dir"
                                : ("on the temp dir (tmpfs: " + m->disk_error + ")").c_str());
  }
}

// Heals every link, restarts every node unskewed and waits for quiescence; returns the check
// row saying whether the federation went quiet.
CheckResult HealAndQuiesce(SoakFederation& fed, FaultProxy& proxy, FaultInjector& injector) {
  std::printf("\nHealing: every link to pass, every node restarted unskewed\n");
  proxy.HealAll();
  injector.RestartCrashed();
  for (Member* m : fed.nodes()) {
    if (m->process->running()) {
      if (auto r = m->Stop(); !r)
        std::printf("  %s: %s\n", m->id.c_str(), r.error().message.c_str());
    }
    if (auto r = m->Start(); !r)
      std::printf("  %s: %s\n", m->id.c_str(), r.error().message.c_str());
  }
  auto quiet = WaitForQuiescence(fed, kQuiescenceLimit);
  std::printf(
      "  %s\n",
      quiet ? ("quiet " + std::to_string(*quiet).substr(0, 5) + " s after the restarts").c_str()
            : quiet.error().message.c_str());
  return {
      "federation quiet after healing", quiet.has_value(),
      quiet ? std::to_string(*quiet).substr(0, 5) + " s" : quiet.error().message.substr(0, 300)};
}

// Stops every node with SIGTERM; the check row says whether each exited 0.
CheckResult StopAll(SoakFederation& fed) {
  std::string failed;
  for (Member* m : fed.nodes()) {
    if (auto r = m->Stop(); !r) failed += m->id + ": " + r.error().message.substr(0, 200) + "; ";
  }
  return {"every node stops cleanly (SIGTERM, exit 0)", failed.empty(),
          failed.empty() ? "all " + std::to_string(fed.nodes().size()) : failed};
}

void PrintLoad(SoakFederation& fed, const Ledger& ledger) {
  std::printf(
      "\nLoad acknowledged: %zu complaints, %zu forwards, %zu acceptances, %zu responses, %zu "
      "citizen replies\n",
      ledger.complaints().size(), ledger.forwards().size(), ledger.accepts().size(),
      ledger.responses().size(), ledger.replies().size());
  for (auto& m : fed.members()) {
    const Refusals r = ledger.refusals(m->id);
    std::printf(
        "  %-10s %llu complaints; refused %llu (transport %llu, 5xx %llu, other %llu)\n",
        m->id.c_str(), static_cast<unsigned long long>(ledger.ComplaintsAt(m->id)),
        static_cast<unsigned long long>(r.Total()), static_cast<unsigned long long>(r.transport),
        static_cast<unsigned long long>(r.server), static_cast<unsigned long long>(r.other));
    if (!r.last_server_error.empty()) {
      std::printf("             latest 5xx: %s\n", r.last_server_error.c_str());
    }
  }
}

// Prints the checks; true when all passed.
bool PrintChecks(const std::vector<CheckResult>& checks) {
  std::printf("\nChecks\n");
  bool all = true;
  for (const auto& c : checks) {
    std::printf("  %-4s | %-62s | %s\n", c.pass ? "PASS" : "FAIL", c.name.c_str(),
                c.detail.c_str());
    all = all && c.pass;
  }
  return all;
}

// False, saying which, when `targets` names a node the federation does not have.
bool KnownTargets(SoakFederation& fed, const std::vector<std::string>& targets) {
  const auto nodes = fed.nodes();
  for (const auto& id : targets) {
    if (std::none_of(nodes.begin(), nodes.end(), [&](Member* m) { return m->id == id; })) {
      std::fprintf(stderr, "fault_soak: --targets: no node %s\n", id.c_str());
      return false;
    }
  }
  return true;
}

// Injects faults one after another (1-3 s apart, seeded) until `run_for` has passed since
// `soak_start`, printing each outcome; returns them all.
std::vector<FaultOutcome> InjectFaults(FaultInjector& injector, Clock::time_point soak_start,
                                       Clock::duration run_for, std::uint64_t seed) {
  std::vector<FaultOutcome> faults;
  std::mt19937_64 gap_rng(seed ^ 0x5eed);
  while (Clock::now() - soak_start < run_for) {
    for (auto& f : injector.InjectNext(soak_start)) {
      PrintFault(f);
      faults.push_back(std::move(f));
    }
    injector.RestartCrashed();
    std::this_thread::sleep_for(std::chrono::milliseconds(1000 + gap_rng() % 2000));
  }
  return faults;
}

int Run(const Options& o) {
  const auto soak_start = Clock::now();
  auto kinds = FaultKinds(o.faults);
  if (!kinds) {
    std::fprintf(stderr, "fault_soak: %s\n", kinds.error().message.c_str());
    return 2;
  }
  const std::string faketime = fs::exists(o.faketime_lib) ? o.faketime_lib : "";
  const auto allowed_skew = std::chrono::duration_cast<seconds>(
      std::chrono::milliseconds(federation::DirectoryPolicy{}.allowed_clock_skew_ms));
  std::printf("Simpul fault soak: %.1f min, seed %llu, %.0f load steps/s per member\n", o.minutes,
              static_cast<unsigned long long>(o.seed), o.rate);

  FaultProxy proxy;
  const std::vector<MemberSpec> specs = {
      {"kl:pupr", "", {"--class", "ministry", "--categories", "infrastruktur"}, false},
      {"prov:32", "32", {"--class", "province"}, true},
      {"kab:32.04", "32.04", {"--class", "regency", "--parent", "prov:32"}, false}};
  auto built = SoakFederation::Build(specs, proxy, static_cast<std::uint64_t>(o.tmpfs_mb) << 20);
  if (!built) {
    std::fprintf(stderr, "fault_soak: setup failed: %s\n", built.error().message.c_str());
    return 2;
  }
  SoakFederation& fed = **built;
  if (!KnownTargets(fed, o.targets)) return 2;
  PrintMembers(fed, o);
  std::vector<fs::path> mounts;
  for (auto& m : fed.members()) {
    if (!m->tmpfs.empty()) mounts.push_back(m->tmpfs);
  }
  const auto run_for =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.minutes * 60));
  Watchdog watchdog(run_for + kHardLimitSlack, mounts);
  if (auto r = fed.StartAll(kStartTimeout); !r) {
    std::fprintf(stderr, "fault_soak: start failed: %s\n", r.error().message.c_str());
    return 2;
  }
  std::printf("  libfaketime: %s; allowed clock skew %lld s\n\nFaults as injected\n",
              faketime.empty() ? "not found (skew faults not run)" : faketime.c_str(),
              static_cast<long long>(allowed_skew.count()));

  Ledger ledger;
  LoadDriver load(fed, ledger, {.per_node_rate = o.rate, .seed = o.seed});
  FaultInjector injector(fed, proxy, ledger,
                         {.seed = o.seed,
                          .kinds = *kinds,
                          .faketime_lib = faketime,
                          .allowed_skew = allowed_skew,
                          .targets = o.targets,
                          .skew_back_any_time = !o.skew_back_old_keys_only,
                          .overlap_every = o.overlap});
  load.Start();
  const auto faults = InjectFaults(injector, soak_start, run_for, o.seed);
  load.Stop();

  std::vector<CheckResult> checks = {HealAndQuiesce(fed, proxy, injector)};
  for (auto& c : RunChecks(fed, ledger, injector.crashes())) checks.push_back(std::move(c));
  checks.push_back(StopAll(fed));
  if (!o.logs.empty()) KeepLogs(fed, o.logs);
  PrintFaultTable(faults);
  PrintLoad(fed, ledger);
  const bool all = PrintChecks(checks);
  std::printf("\n%s in %.0f s\n", all ? "PASS" : "FAIL",
              std::chrono::duration<double>(Clock::now() - soak_start).count());
  return all ? 0 : 1;
}

}  // namespace
}  // namespace simpul::soak

int main(int argc, char** argv) {
  simpul::soak::Options o;
  CLI::App cli{"fault_soak — real nodes under load while faults are injected"};
  cli.add_option("--minutes", o.minutes, "How long faults are injected")
      ->check(CLI::Range(0.1, 120.0))
      ->capture_default_str();
  cli.add_option("--seed", o.seed, "Seed of the fault schedule")->capture_default_str();
  cli.add_option("--rate", o.rate, "Load steps per second per member")
      ->check(CLI::Range(0.5, 200.0))
      ->capture_default_str();
  cli.add_option("--tmpfs-mb", o.tmpfs_mb,
                 "Size of prov:32's small disk (tmpfs); default grows with --minutes and --rate")
      ->check(CLI::Range(0, 65536))
      ->capture_default_str();
  cli.add_option("--faketime-lib", o.faketime_lib, "libfaketime for the clock skew faults")
      ->capture_default_str();
  cli.add_option("--faults", o.faults,
                 "Fault kinds to inject (default all): kill, stop, cut, "
                 "delay, reset, disk_full, skew_within, skew_beyond, skew_back")
      ->delimiter(',');
  cli.add_option("--targets", o.targets,
                 "Node ids that may be faulted (default all): coord:panrb, kl:pupr, prov:32, "
                 "kab:32.04")
      ->delimiter(',');
  cli.add_option("--overlap", o.overlap,
                 "Every n-th injection holds a second fault on another node at the same time "
                 "(1: always, 0: never)")
      ->check(CLI::Range(0, 1000))
      ->capture_default_str();
  cli.add_flag("--skew-back-old-keys-only", o.skew_back_old_keys_only,
               "Set a node back only once the nodes' keys are older than the skew (before the "
               "fix, a node set back to before its key's not_before blocked its streams for good)");
  cli.add_option("--logs", o.logs, "Directory to copy the nodes' logs into at the end");
  CLI11_PARSE(cli, argc, argv);
  if (o.tmpfs_mb == 0) {
    o.tmpfs_mb = simpul::soak::kTmpfsBaseMb +
                 static_cast<int>(simpul::soak::kTmpfsMbPerMinute * o.minutes * o.rate / 8);
  }
  return simpul::soak::Run(o);
}
