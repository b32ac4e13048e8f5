#pragma once
// When a healed fault's target counts as recovered: it answers /readyz again; every envelope that
// was waiting, at heal time, on a link to or from it has been delivered; after disk_full a new
// complaint has been acknowledged there; and after a fault of the coordinator the witness has
// cosigned every member's log at least up to the size it had at heal time.
//
//   HealMark mark = MarkHeal(fed, target, ledger);
//   while (!Recovered(mark, target, needs_intake, ledger)) ...
//
// Reads the nodes' SQLite files and HTTP endpoints; any thread may call it.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/soak/ledger.hpp"
#include "tests/soak/soak_federation.hpp"

namespace simpul::soak {

// Envelopes waiting on one link: the sender's database, the destination and the highest
// undelivered seq.
struct Backlog {
  std::filesystem::path db;
  std::string dest;
  std::int64_t through = 0;
};

// A member's log size the witness must reach: the member's database and its leaf count.
struct WitnessMark {
  std::string id;
  std::filesystem::path db;
  std::int64_t leaves = 0;
};

// What was outstanding on a target when its fault was healed.
struct HealMark {
  std::chrono::steady_clock::time_point healed;
  std::vector<Backlog> backlog;
  std::int64_t queued = 0;  // envelopes in the backlog
  std::uint64_t acked_at_heal = 0;
  std::vector<WitnessMark> witness;  // empty unless the target is the coordinator
};

HealMark MarkHeal(SoakFederation& fed, const Member& target, const Ledger& ledger);

// True once `target` has recovered from the fault healed at `mark` (see above); `needs_intake`
// asks for a new acknowledged complaint too.
bool Recovered(SoakFederation& fed, const HealMark& mark, const Member& target, bool needs_intake,
               const Ledger& ledger);

// "" once every member's log is cosigned by the witness up to its mark, else the first that is
// not.
std::string WitnessBehind(SoakFederation& fed, const std::vector<WitnessMark>& marks);

}  // namespace simpul::soak
