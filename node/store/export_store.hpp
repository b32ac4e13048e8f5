#pragma once
// Rows for `simpulctl export`: cases or case events changed since a time, with staff-visible
// metadata only. Never a reporter's identity (it lives encrypted in reporter_identities and is
// not read here) and no free text (titles, bodies, replies, reasons may carry names).
//
//   auto n = ExportRows(conn, ExportKind::kCases, since_ms, [&](const ExportRow& row) { ... });

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/result.hpp"

namespace simpul::store {

class Connection;

enum class ExportKind { kCases, kEvents };

enum class ExportColumnType { kText, kInteger, kTimeMs };

struct ExportColumn {
  std::string_view name;
  ExportColumnType type;
};

// One cell: `text` for kText, `number` for kInteger and kTimeMs (Unix ms); both empty for NULL.
struct ExportCell {
  std::optional<std::string> text;
  std::optional<std::int64_t> number;
};
using ExportRow = std::vector<ExportCell>;  // in ExportColumns(kind) order

// The columns ExportRows yields for `kind`.
std::span<const ExportColumn> ExportColumns(ExportKind kind);

// How many rows ExportRows would yield (for progress). Fails as the query does.
Result<std::int64_t> CountExportRows(Connection& c, ExportKind kind, std::int64_t since_ms);

// Calls `sink` for each case updated (kCases) or event recorded (kEvents) at or after
// `since_ms`, oldest first; returns the number of rows. Fails as the query does.
Result<std::int64_t> ExportRows(Connection& c, ExportKind kind, std::int64_t since_ms,
                                const std::function<void(const ExportRow&)>& sink);

}  // namespace simpul::store
