#pragma once
// How the soak looks at a node from outside: read-only SQL against its SQLite file while it runs
// (WAL lets a reader in beside the writer) — outboxes, inboxes, logs and cases as they really are
// on disk — and samples of its /metrics.
//
//   auto pending = QueryInt(node.database_path(),
//                           "SELECT count(*) FROM fed_outbox WHERE delivered_at IS NULL");
//
// Each call opens and closes its own connection, so any thread may call it.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "crypto/result.hpp"

namespace simpul::soak {

using Row = std::vector<std::string>;  // every column as text; NULL as ""

// Runs `sql` with `params` bound to ?1, ?2, ... as text; returns every row. Fails kUnavailable
// when the file cannot be opened or the statement fails.
Result<std::vector<Row>> Query(const std::filesystem::path& db, const std::string& sql,
                               const std::vector<std::string>& params = {});

// The first column of the first row as an integer; fails kNotFound when there is no row.
Result<std::int64_t> QueryInt(const std::filesystem::path& db, const std::string& sql,
                              const std::vector<std::string>& params = {});

// The value of the /metrics sample `sample` (name and labels exactly as printed, e.g.
// `simpul_fed_inbox_envelopes_total{outcome="rejected"}`) of the node on HTTP `port`. Fails
// kUnavailable when the node does not answer, kNotFound when the sample is missing.
Result<double> ReadMetric(std::uint16_t port, const std::string& sample);

}  // namespace simpul::soak
