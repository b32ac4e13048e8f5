#pragma once
// The soak's end: wait until the healed federation is quiet, then hold every node to what the
// Ledger says was acknowledged, reading the nodes' SQLite files, /metrics and the witness API.
//
//   auto quiet = WaitForQuiescence(fed, std::chrono::minutes(3));
//   for (const CheckResult& c : RunChecks(fed, ledger, injector.crashes())) ...
//
// Called by the thread that owns the nodes, with the load stopped and every link healed.

#include <chrono>
#include <string>
#include <vector>

#include "crypto/result.hpp"
#include "tests/soak/ledger.hpp"
#include "tests/soak/soak_federation.hpp"

namespace simpul::soak {

struct CheckResult {
  std::string name;
  bool pass = false;
  std::string detail;
};

// Waits up to `limit` until no node has an undelivered outbox row or a held inbox row and the
// witness has cosigned every member's whole log; returns how long that took. Fails kUnavailable
// at the limit, saying what was still outstanding.
Result<double> WaitForQuiescence(SoakFederation& fed, std::chrono::seconds limit);

// Every end check, in a fixed order; `crashes` are the nodes that ended without being told to.
std::vector<CheckResult> RunChecks(SoakFederation& fed, const Ledger& ledger,
                                   const std::vector<std::string>& crashes);

}  // namespace simpul::soak
