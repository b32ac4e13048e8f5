#pragma once
// What `simpulctl status` reports from a node's database: schema, cases by state, overdue
// cases and the transparency log's progress. Reads only; works on a read-only connection while
// the node is stopped or running (WAL readers do not block the writer).

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crypto/result.hpp"

namespace simpul::store {

class Connection;

// A signed checkpoint of the log: its tree size and when it was signed or witnessed (Unix ms).
struct CheckpointMark {
  std::int64_t size = 0;
  std::int64_t at_ms = 0;
};

struct StoreStatus {
  std::int64_t schema_version = 0;
  std::vector<std::pair<std::string, std::int64_t>> cases_by_state;  // ordered by state name
  std::int64_t overdue = 0;  // open cases whose next deadline is before `now_ms`
  std::int64_t log_size = 0;
  std::optional<CheckpointMark> latest_checkpoint;
  std::optional<CheckpointMark> latest_witnessed;
};

// Reads the status at `now_ms` (Unix milliseconds). Fails as the queries do (kInternal for a
// database missing the tables of the current schema: run simpuld once to migrate it).
Result<StoreStatus> ReadStoreStatus(Connection& c, std::int64_t now_ms);

}  // namespace simpul::store
