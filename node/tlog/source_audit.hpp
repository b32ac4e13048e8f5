#pragma once
// The source audit of the transparency log: does every case and event row still say what was
// logged for it? The witness catches a changed or removed leaf (the node's next checkpoint no
// longer extends what it cosigned); this audit catches the other half — a case or event row
// changed or deleted directly in the SQLite file while its leaves were left alone.
//
// For each intake leaf it finds the case by tracking id and checks that
//   - the row still exists;
//   - the intake leaf rebuilt from the row (tracking id, commitment, submission time) is the
//     logged one, and the row's content still hashes to its commitment (service/case_rules.hpp);
//   - the case's event rows rebuild, one for one and in order, the event leaves logged for it.
// Cases filed before the log existed (schema 3) have no leaves and are not audited.
//
//   auto audit = co_await db.Read<SourceAudit>(AuditSources);   // O(cases + events), read only
//
// Stateless and read-only; run it on a reader connection.

#include <cstdint>
#include <string>
#include <vector>

#include "node/store/connection.hpp"

namespace simpul::tlog {

struct SourceAudit {
  std::int64_t cases = 0;             // cases compared with their leaves
  std::int64_t events = 0;            // event rows compared
  std::int64_t mismatches = 0;        // cases whose rows differ from their leaves
  std::vector<std::string> findings;  // the first few, each naming the case and what differs

  static constexpr std::size_t kMaxFindings = 10;
};

// Fails only on a database error; what differs is reported in the result.
Result<SourceAudit> AuditSources(store::Connection& c);

}  // namespace simpul::tlog
