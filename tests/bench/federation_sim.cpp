// federation_sim: the whole federation on one machine — every province, regency and city of the
// shipped region data and a dozen ministries (about 565 member nodes), each with its own keys,
// TLS identity and enrollment, registered with a real coordinator (simpuld, coordinator mode) in
// one `simpulctl directory add`, then a year of national complaint traffic driven through the
// coordinator's mutual-TLS federation listener exactly as member nodes send it: signed case.meta,
// node.report and case.escalate envelopes on each node's stream (batches of at most 100 per inbox
// POST, every receipt verified), and the nodes' transparency-log checkpoints offered to the
// coordinator's witness with consistency proofs. A program that prints figures, not a timed test;
// it exits non-zero only when something failed, not when a rate is low.
//
//   federation_sim [--complaints 500000] [--nodes-limit 0] [--seconds 1800] [--lanes 24]
//                  [--days-per-session 7] [--report-every-days 1] [--checkpoint-every-days 1]
//
// Compression of the year (the real cadence is a report every few minutes and a checkpoint every
// few minutes or leaves): each node comes online once per `days-per-session` simulated days — one
// mutual-TLS connection — and delivers that span's backlog: one case.meta per simulated day (all
// of the day's case events, split at 500 records), one node.report per report period and one
// checkpoint per checkpoint period, in order. At most `lanes` nodes are connected at a time.
//
// Phases: bounds (Ed25519 sign and verify, measured alone), traffic generation, directory build
// (keys and TLS identities, coordinator init, one `directory add`, start, directory fetch), traffic
// (timed), then the coordinator's totals compared with what was sent.

#include <unistd.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <map>
#include <thread>

#include "tests/bench/child_process.hpp"
#include "tests/bench/parts.hpp"
#include "tests/bench/sim/coordinator.hpp"
#include "tests/bench/sim/federation_plan.hpp"
#include "tests/bench/sim/lanes.hpp"
#include "tests/bench/sim/totals_check.hpp"
#include "tests/bench/sim/traffic.hpp"

namespace simpul::bench::sim {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::int64_t kDayMs = 24LL * 60 * 60 * 1000;
constexpr std::size_t kEnvelopeBytes = 1024;

struct Options {
  std::int64_t complaints = 500'000;
  int nodes_limit = 0;
  int seconds = 1800;
  int lanes = 24;
  int threads = 2;
  int days = 365;
  int days_per_session = 7;
  int report_every_days = 1;
  int checkpoint_every_days = 1;
  double forward_share = 0.20;
  std::uint64_t seed = 1;
  int part_ms = 1000;
};

double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

int Fatal(const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "federation_sim: FAILED: %s\n", message.c_str());
  return 1;
}

void AddFlags(CLI::App& cli, Options& o) {
  cli.add_option("--complaints", o.complaints, "Complaints filed over the year")
      ->check(CLI::Range(1, 5'000'000))
      ->capture_default_str();
  cli.add_option("--nodes-limit", o.nodes_limit, "Keep only this many member nodes (0: all)")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  cli.add_option("--seconds", o.seconds, "Stop starting sessions after this long (traffic phase)")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  cli.add_option("--lanes", o.lanes, "Nodes connected to the coordinator at a time")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cli.add_option("--client-threads", o.threads, "I/O threads of the simulated nodes")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
  cli.add_option("--days", o.days, "Simulated days")
      ->check(CLI::Range(1, 366))
      ->capture_default_str();
  cli.add_option("--days-per-session", o.days_per_session, "Simulated days per node session")
      ->check(CLI::Range(1, 366))
      ->capture_default_str();
  cli.add_option("--report-every-days", o.report_every_days, "Simulated days per node.report")
      ->check(CLI::Range(1, 366))
      ->capture_default_str();
  cli.add_option("--checkpoint-every-days", o.checkpoint_every_days,
                 "Simulated days per witnessed checkpoint")
      ->check(CLI::Range(1, 366))
      ->capture_default_str();
  cli.add_option("--forward-share", o.forward_share, "Share of complaints forwarded")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cli.add_option("--seed", o.seed, "Traffic seed")->capture_default_str();
  cli.add_option("--part-ms", o.part_ms, "Time for each bound measurement")
      ->check(CLI::Range(100, 60000))
      ->capture_default_str();
}

Traffic Generate(const Options& o, const std::vector<MemberPlan>& members) {
  const std::int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
  TrafficOptions t;
  t.complaints = o.complaints;
  t.days = o.days;
  t.forward_share = o.forward_share;
  t.seed = o.seed;
  t.year_start_ms = (now_ms / kDayMs - o.days - 1) * kDayMs;  // the year that ended yesterday
  return GenerateTraffic(members, t);
}

void PrintTraffic(const Traffic& t, const std::vector<MemberPlan>& members, double seconds) {
  std::int64_t forwarded = 0;
  for (const SimCase& c : t.cases()) forwarded += c.handler != c.origin ? 1 : 0;
  using domain::CaseAction;
  std::printf("\nTraffic (generated in %.1f s, seed-determined)\n", seconds);
  std::printf("  %-34s %zu nodes + coordinator\n", "members", members.size());
  std::printf("  %-34s %zu (%lld forwarded, %.1f%%)\n", "complaints", t.cases().size(),
              static_cast<long long>(forwarded), 100.0 * forwarded / t.cases().size());
  std::printf("  %-34s %zu (submit %lld, close %lld, archive %lld, escalate %lld)\n",
              "case events at nodes", t.event_count(),
              static_cast<long long>(t.Count(CaseAction::kSubmit)),
              static_cast<long long>(t.Count(CaseAction::kClose)),
              static_cast<long long>(t.Count(CaseAction::kArchive)),
              static_cast<long long>(t.Count(CaseAction::kEscalate)));
  std::fflush(stdout);
}

// Keys, TLS identities and enrollment for every member; the coordinator registers, starts and
// serves the directory the nodes fetch.
Result<SimWorld> BuildFederation(const std::vector<MemberPlan>& members,
                                 std::vector<std::unique_ptr<SimNode>>& nodes,
                                 std::unique_ptr<SimCoordinator>& coordinator) {
  std::printf("\nDirectory build\n");
  auto step = Clock::now();
  const auto now = std::chrono::system_clock::now();
  for (std::size_t i = 0; i < members.size(); ++i) {
    // Never listened on: the coordinator only answers these nodes.
    const std::string endpoint = "https://127.0.0.1:9/sim/" + TrackingPrefix(members[i].id);
    auto node = SimNode::Create(i, members[i], endpoint, now);
    if (!node) return tl::unexpected(node.error());
    nodes.push_back(std::move(*node));
  }
  std::printf("  %-34s %.2f s (%zu nodes: msg + log Ed25519 keys, TLS identity)\n", "node keys",
              Since(step), nodes.size());
  step = Clock::now();
  auto made = SimCoordinator::Create();
  if (!made) return tl::unexpected(made.error());
  coordinator = std::move(*made);
  std::printf("  %-34s %.2f s\n", "coordinator init", Since(step));
  step = Clock::now();
  if (auto r = coordinator->Register(nodes); !r) return tl::unexpected(r.error());
  std::printf("  %-34s %.2f s (enrollments signed, one `directory add`, anchor)\n",
              "register all, publish once", Since(step));
  step = Clock::now();
  if (auto r = coordinator->process().Start(std::chrono::seconds(60)); !r) {
    return tl::unexpected(r.error());
  }
  auto world = coordinator->FetchWorld(*nodes.front());
  if (!world) return tl::unexpected(world.error());
  std::printf("  %-34s %.2f s (directory v%lld, %zu entries, %zu bytes, verified)\n",
              "coordinator start + fetch", Since(step),
              static_cast<long long>(world->directory->version()),
              world->directory->document().nodes.size(), world->directory->signed_bytes().size());
  std::fflush(stdout);
  return world;
}

}  // namespace

namespace {

struct Bounds {
  PartRate verify, sign;
  // Every signed item (envelope or checkpoint) costs one signature and one verification at the
  // node (seal or note; receipt or cosignature) and one of each at the coordinator (verify; the
  // receipt or cosignature it signs), all on this machine's cores.
  double Items(int cores) const { return cores / (2 / verify.rate + 2 / sign.rate); }
};

// CPU seconds spent while it was running: the coordinator (and its busiest thread, which is its
// single database writer when the writer is the limit), this simulator, the whole machine.
struct CpuUse {
  double coordinator = 0, busiest_thread = 0, nodes = 0, machine = 0;
};

class CpuMeter {
 public:
  explicit CpuMeter(pid_t coordinator)
      : pid_(coordinator),
        coordinator_(ReadCpuSeconds(pid_).value_or(0)),
        threads_(ReadThreadCpuSeconds(pid_)),
        nodes_(ProcessCpuSeconds()),
        machine_(ReadMachineBusySeconds().value_or(0)) {}

  CpuUse Since() const {
    CpuUse use{ReadCpuSeconds(pid_).value_or(0) - coordinator_, 0, ProcessCpuSeconds() - nodes_,
               ReadMachineBusySeconds().value_or(0) - machine_};
    for (const auto& [tid, seconds] : ReadThreadCpuSeconds(pid_)) {
      const auto before = threads_.find(tid);
      const double spent = seconds - (before == threads_.end() ? 0 : before->second);
      use.busiest_thread = std::max(use.busiest_thread, spent);
    }
    return use;
  }

 private:
  pid_t pid_;
  double coordinator_;
  std::map<pid_t, double> threads_;
  double nodes_, machine_;
};

void PrintResults(const Tally& tally, const LaneRun& run, const CpuUse& cpu, int cores) {
  const double s = run.seconds;
  std::printf("\nTraffic (timed): %.1f s, %d of the simulated days sent by every node%s\n", s,
              run.days_completed, run.cut_short ? " (cut short by --seconds)" : "");
  const auto rate = [s](const std::atomic<std::int64_t>& n) { return n.load() / s; };
  const auto line = [&](const char* what, const std::atomic<std::int64_t>& n) {
    std::printf("  %-34s %10lld  %9.0f/s\n", what, static_cast<long long>(n.load()), rate(n));
  };
  line("node sessions (TLS connections)", tally.sessions);
  line("case events replayed", tally.events);
  line("envelopes (receipts verified)", tally.envelopes);
  line("  inbox POSTs", tally.batches);
  line("  case.meta envelopes", tally.meta_envelopes);
  line("  node.report envelopes", tally.reports);
  line("  case.escalate envelopes", tally.escalations);
  line("case.meta records", tally.meta_records);
  line("checkpoints cosigned", tally.cosigned);
  std::printf("  %-34s %lld\n", "witness 409s (size resent)",
              static_cast<long long>(tally.conflicts.load()));
  std::printf(
      "  %-34s coordinator %.1f s (%.0f%% of one core; busiest thread %.0f%%), nodes "
      "%.1f s (%.0f%%); machine busy %.0f%% of %d cores\n",
      "CPU in the traffic phase", cpu.coordinator, 100 * cpu.coordinator / s,
      100 * cpu.busiest_thread / s, cpu.nodes, 100 * cpu.nodes / s, 100 * cpu.machine / (s * cores),
      cores);
  const double items = static_cast<double>(tally.envelopes.load() + tally.cosigned.load());
  std::printf("  %-34s coordinator %.0f us, nodes %.0f us\n", "CPU per signed item",
              items > 0 ? cpu.coordinator * 1e6 / items : 0,
              items > 0 ? cpu.nodes * 1e6 / items : 0);
}

// The coordinator's single database writer over the traffic phase: transactions (each one
// fdatasync) and write jobs grouped into them.
void PrintWriter(const std::map<std::string, double>& before,
                 const std::map<std::string, double>& after, double seconds) {
  const auto delta = [&](const char* key) {
    const auto a = after.find(key), b = before.find(key);
    return (a == after.end() ? 0 : a->second) - (b == before.end() ? 0 : b->second);
  };
  const double commits = delta("simpul_db_commits_total");
  const double jobs = delta("simpul_db_write_jobs_total");
  std::printf("  %-34s %.0f commits (%.0f/s), %.0f write jobs, %.1f jobs per commit\n",
              "coordinator database writer", commits, commits / seconds, jobs,
              commits > 0 ? jobs / commits : 0);
}

Bounds MeasureBounds(const Options& o, int cores) {
  const Budget budget{std::chrono::milliseconds(o.part_ms), 50'000'000};
  Bounds bounds{MeasureVerifyRate(kEnvelopeBytes, budget), MeasureSignRate(kEnvelopeBytes, budget)};
  std::printf("\nBounds, measured alone on this machine\n");
  std::printf("  Ed25519 verify, 1 KiB, 1 thread   %9.0f /s\n", bounds.verify.rate);
  std::printf("  Ed25519 sign, 1 KiB, 1 thread     %9.0f /s\n", bounds.sign.rate);
  std::printf(
      "  signed-item bound = cores / (2/R_verify + 2/R_sign) = %.0f items/s\n"
      "  (an item is an envelope or a checkpoint: signed and verified once at the node,\n"
      "   verified and answered with a signature once at the coordinator)\n",
      bounds.Items(cores));
  std::fflush(stdout);
  return bounds;
}

// The timed traffic phase and what it cost the coordinator and the nodes.
Result<LaneRun> DriveTraffic(const Options& o, int cores, SimCoordinator& coordinator,
                             const std::vector<std::unique_ptr<SimNode>>& nodes,
                             const SimWorld& world, Tally& tally) {
  std::printf(
      "\nTraffic: %d lanes, sessions of %d days, report every %d days, checkpoint every "
      "%d days\n",
      o.lanes, o.days_per_session, o.report_every_days, o.checkpoint_every_days);
  std::fflush(stdout);
  const pid_t pid = coordinator.process().pid();
  const CpuMeter meter(pid);
  auto metrics_before = ReadMetrics(coordinator.process());
  if (!metrics_before) return tl::unexpected(metrics_before.error());
  const LaneOptions lanes{.lanes = o.lanes,
                          .threads = o.threads,
                          .days = o.days,
                          .days_per_session = o.days_per_session,
                          .deadline = Clock::now() + std::chrono::seconds(o.seconds)};
  auto run = RunLanes(nodes, world, lanes, tally);
  if (!run) {
    return Fail(run.error().code, run.error().message + "\n" + coordinator.process().LogTail());
  }
  PrintResults(tally, *run, meter.Since(), cores);
  auto metrics_after = ReadMetrics(coordinator.process());
  if (!metrics_after) return tl::unexpected(metrics_after.error());
  PrintWriter(*metrics_before, *metrics_after, run->seconds);
  const auto coord_memory = ReadMemory(pid);
  const auto own_memory = ReadMemory(::getpid());
  std::printf("  %-34s coordinator %.1f MB, simulator %.1f MB\n", "peak RSS (VmHWM)",
              Mb(coord_memory ? coord_memory->peak_rss_kib : 0),
              Mb(own_memory ? own_memory->peak_rss_kib : 0));
  std::printf("  %-34s %.1f MB database, %.1f MB WAL\n", "coordinator storage",
              coordinator.DatabaseBytes() / 1e6, coordinator.WalBytes() / 1e6);
  return run;
}

// Prints every check line; true when all that this build exposes match.
bool PrintTotals(const std::vector<CheckLine>& lines) {
  bool all_match = true;
  std::printf("\nTotals: sent by the nodes vs held by the coordinator\n");
  for (const CheckLine& l : lines) {
    all_match = all_match && (l.Matches() || !l.coordinator);
    std::printf("  %-54s %10lld  %10s  %s\n", l.what.c_str(), static_cast<long long>(l.sent),
                l.coordinator ? std::to_string(*l.coordinator).c_str() : "n/a",
                !l.coordinator ? "(not in this build)"
                : l.Matches()  ? "match"
                               : "MISMATCH");
  }
  return all_match;
}

int Main(int argc, char** argv) {
  Options o;
  CLI::App cli{"federation_sim — a year of national traffic through a real coordinator"};
  AddFlags(cli, o);
  CLI11_PARSE(cli, argc, argv);
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  std::string load;
  std::getline(std::ifstream("/proc/loadavg"), load);
  std::printf(
      "Simpul federation simulation: %lld complaints, %d days, %d cores, temp dir %s (%s), "
      "load %s\n",
      static_cast<long long>(o.complaints), o.days, cores,
      std::filesystem::temp_directory_path().c_str(),
      FileSystemOf(std::filesystem::temp_directory_path()).c_str(), load.c_str());
  const Bounds bounds = MeasureBounds(o, cores);

  const auto members = PlanFederation(static_cast<std::size_t>(o.nodes_limit));
  const auto step = Clock::now();
  const Traffic traffic = Generate(o, members);
  PrintTraffic(traffic, members, Since(step));

  std::vector<std::unique_ptr<SimNode>> nodes;
  std::unique_ptr<SimCoordinator> coordinator;
  auto world = BuildFederation(members, nodes, coordinator);
  if (!world) return Fatal(world.error().message);
  world->traffic = &traffic;
  world->members = &members;
  world->report_every_days = o.report_every_days;
  world->checkpoint_every_days = o.checkpoint_every_days;
  Tally tally;
  auto run = DriveTraffic(o, cores, *coordinator, nodes, *world, tally);
  if (!run) return Fatal(run.error().message);
  auto lines = CheckTotals(coordinator->process(), nodes, traffic, tally);
  if (!lines) return Fatal(lines.error().message);
  const bool all_match = PrintTotals(*lines);

  const double items = (tally.envelopes.load() + tally.cosigned.load()) / run->seconds;
  std::printf("\nResult\n");
  std::printf("  %-34s %.0f signed items/s (envelopes + checkpoints cosigned)\n", "measured",
              items);
  std::printf("  %-34s %.0f/s\n", "signed-item bound", bounds.Items(cores));
  std::printf("  %-34s %.3f\n", "ratio to bound", items / bounds.Items(cores));
  std::getline(std::ifstream("/proc/loadavg"), load);
  std::printf("  %-34s %s\n", "load average at the end", load.c_str());
  std::fflush(stdout);
  auto stopped = coordinator->process().Stop();
  if (!stopped || *stopped != 0) return Fatal("the coordinator did not stop cleanly");
  return all_match ? 0 : Fatal("the coordinator's totals differ from what was sent");
}

}  // namespace
}  // namespace simpul::bench::sim

int main(int argc, char** argv) { return simpul::bench::sim::Main(argc, argv); }
