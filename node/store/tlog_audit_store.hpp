#pragma once
// SQL for the record of each source audit of the transparency log (node/tlog/source_audit.hpp),
// append-only.
//
//   TlogAuditStore::Insert(c, {.at = now_ms, .cases = 12, .mismatches = 0});   // writer only
//
// Stateless; every function works on the Connection it is given.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "node/store/connection.hpp"
#include "node/store/tlog_store.hpp"

namespace simpul::store {

struct AuditRow {
  std::int64_t at = 0;  // Unix ms
  std::int64_t cases = 0, events = 0, mismatches = 0;
  std::string findings;  // one finding per line, at most a few
};

class TlogAuditStore {
 public:
  // Records an audit's result. Writer only.
  static Result<void> Insert(Connection& c, const AuditRow& row);
  // The newest audit, if any ran.
  static Result<std::optional<AuditRow>> Latest(Connection& c);
};

}  // namespace simpul::store
