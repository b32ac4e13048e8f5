#pragma once
// The faults the soak injects, each held for a while, healed, and followed until the federation
// has recovered from it (bounded). The target is a seeded random node, the coordinator included
// (never for disk_full, which needs the member on a tmpfs):
//   kill        SIGKILL the node, restart it after a moment
//   stop        SIGSTOP for a few seconds, then SIGCONT
//   cut         the proxy closes the node's federation link (open and new connections)
//   delay       the proxy delays every chunk on the link
//   reset       the proxy aborts the link's connections with RST
//   disk_full   a filler file takes all free space of the node's tmpfs data directory
//   skew_within restart the node under libfaketime, ahead by less than the allowed clock skew
//   skew_beyond the same, ahead by more than the allowed skew, so peers refuse its envelopes
//   skew_back   the same, behind: by less than the allowed skew, then by more (alternating), so
//               that every peer's envelope, receipt and directory looks to it from the future.
//               Also right after enrollment, when the node's clock is then behind its key's
//               not_before: that once blocked its streams for good (the soak found it; fixed,
//               README "Tests and benchmarks"); skew_back_any_time = false waits for older keys.
// A skewed node is restarted unskewed at the end of its fault.
//
// Recovered is defined in recovery.hpp. Driven by one thread, the one that owns the nodes.

#include <chrono>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/result.hpp"
#include "tests/soak/fault_proxy.hpp"
#include "tests/soak/ledger.hpp"
#include "tests/soak/recovery.hpp"
#include "tests/soak/soak_federation.hpp"

namespace simpul::soak {

enum class FaultKind {
  kKill,
  kStop,
  kCut,
  kDelay,
  kReset,
  kDiskFull,
  kSkewWithin,
  kSkewBeyond,
  kSkewBack
};
inline constexpr FaultKind kAllFaults[] = {
    FaultKind::kKill,       FaultKind::kStop,       FaultKind::kCut,
    FaultKind::kDelay,      FaultKind::kReset,      FaultKind::kDiskFull,
    FaultKind::kSkewWithin, FaultKind::kSkewBeyond, FaultKind::kSkewBack};

const char* Name(FaultKind kind);
// The kind named `name` (as Name prints it); fails kInvalidArgument for any other name.
Result<FaultKind> ParseFaultKind(std::string_view name);

struct FaultOutcome {
  FaultKind kind{};
  std::string target;
  double at_s = 0;    // start, seconds since the soak began
  double held_s = 0;  // how long the fault lasted
  bool run = true;    // false: could not be injected (see note)
  std::string note;   // why not run, or what happened besides
  bool recovered = false;
  double recover_s = 0;                // heal -> recovered
  double intake_back_s = -1;           // heal -> first complaint the target acknowledged again
  std::uint64_t refused = 0;           // load requests to the target refused from start to recovery
  std::uint64_t fed_rejected = 0;      // envelopes the inboxes rejected meanwhile (all members)
  std::int64_t queued_at_heal = 0;     // envelopes waiting on the target's links at heal
  std::uint64_t acked_while_held = 0;  // complaints acknowledged by the target during the fault
  std::string with;                    // the fault held at the same time ("kill kl:pupr"), if any
};

struct InjectorOptions {
  std::uint64_t seed = 1;
  std::vector<FaultKind> kinds;            // the kinds to inject, not empty
  std::string faketime_lib;                // libfaketime's path; "": skew faults are not run
  std::chrono::seconds allowed_skew{300};  // the directory policy's
  std::vector<std::string> targets;        // node ids that may be faulted; empty: every node
  bool skew_back_any_time = true;          // also set a node back to before its keys' not_before
  // Every n-th injection holds a second fault, on another node, at the same time; 0: never.
  int overlap_every = 3;
};

class FaultInjector {
 public:
  FaultInjector(SoakFederation& fed, FaultProxy& proxy, Ledger& ledger, InjectorOptions options);

  // Injects the next fault, holds it, heals it and waits for recovery; returns its outcome. The
  // kinds come once each in a seeded order first, then seeded random ones. Every
  // overlap_every-th time a second, random fault on another node begins a third of the way into
  // the first one's hold; both are followed until both have recovered (each one's recovery time
  // counts from its own heal) and both outcomes are returned.
  std::vector<FaultOutcome> InjectNext(std::chrono::steady_clock::time_point soak_start);

  // Reaps nodes that ended without being told to, restarts them, and returns their ids (each one
  // is a crash the soak must report).
  std::vector<std::string> RestartCrashed();
  const std::vector<std::string>& crashes() const { return crashes_; }

 private:
  // One fault from injection to recovery.
  struct Active {
    FaultKind kind{};
    Member* target = nullptr;
    std::chrono::milliseconds hold{0};
    std::chrono::steady_clock::time_point soak_start, began;
    std::uint64_t refused_before = 0, acked_before = 0;
    std::map<std::string, std::uint64_t> rejected_before;
    std::uint64_t rejected_by_skewed = 0;  // envelopes the skewed target itself refused
    HealMark mark;
    FaultOutcome out;
  };

  // The next kind; skew_back is drawn again (bounded) while SkewBackTooEarly.
  FaultKind NextKind();
  bool SkewBackTooEarly() const;
  // How far the next skew_back sets its node back.
  std::chrono::seconds NextSkewBack() const;
  // A seeded random node that can take `kind`, other than `busy`; nullptr when there is none.
  Member* PickTarget(FaultKind kind, const Member* busy);
  Active Prepare(FaultKind kind, Member& target, std::chrono::steady_clock::time_point soak_start);
  // Begins and ends `faults` on their schedule (see InjectNext).
  void Hold(std::vector<Active>& faults);
  // Injects the fault; false with out.note when it could not be run.
  bool Begin(Active& f);
  // Heals the fault and marks what must be delivered before it counts as recovered.
  void End(Active& f);
  // Updates f's recovery in its outcome (recovered, recover_s, intake_back_s); true once it has
  // recovered.
  bool Poll(Active& f);
  // Waits (bounded) until every fault in `faults` has recovered, then fills in their outcomes.
  void Recover(std::vector<Active>& faults);
  bool Restart(Member& m, const std::vector<std::string>& env, Active& f, const char* what);
  // Restarts f's target under libfaketime, `skew` ahead (negative: behind).
  bool BeginSkew(Active& f, std::chrono::seconds skew);
  // Each running node's count of envelopes its inbox rejected (since it started).
  std::map<std::string, std::uint64_t> FedRejected();

  SoakFederation& fed_;
  FaultProxy& proxy_;
  Ledger& ledger_;
  const InjectorOptions options_;
  const std::chrono::steady_clock::time_point created_;  // just after the nodes were enrolled
  std::mt19937_64 rng_;
  std::vector<FaultKind> first_round_;
  int injections_ = 0;
  int skews_back_ = 0;  // skew_back faults begun: even ones stay within the allowed skew
  std::vector<std::string> crashes_;
};

}  // namespace simpul::soak
