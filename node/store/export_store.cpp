#include "node/store/export_store.hpp"

#include <array>

#include "node/store/connection.hpp"

namespace simpul::store {
namespace {

using T = ExportColumnType;

constexpr std::array kCaseColumns = {
    ExportColumn{"tracking_id", T::kText},
    ExportColumn{"state", T::kText},
    ExportColumn{"category", T::kText},
    ExportColumn{"region", T::kText},
    ExportColumn{"unit", T::kText},
    ExportColumn{"channel", T::kText},
    ExportColumn{"classification", T::kText},
    ExportColumn{"anonymous", T::kInteger},
    ExportColumn{"confidential", T::kInteger},
    ExportColumn{"escalation_level", T::kInteger},
    ExportColumn{"submitted_at", T::kTimeMs},
    ExportColumn{"verified_at", T::kTimeMs},
    ExportColumn{"updated_at", T::kTimeMs},
    ExportColumn{"next_due_at", T::kTimeMs},
    ExportColumn{"next_clock", T::kText},
};
constexpr std::string_view kCaseSelect =
    "SELECT c.tracking_id, c.state, c.category, c.region, u.code, c.channel, c.classification, "
    "c.anonymous, c.confidential, c.escalation_level, c.submitted_at, c.verified_at, "
    "c.updated_at, c.next_due_at, c.next_clock "
    "FROM cases c LEFT JOIN units u ON u.id = c.unit_id WHERE c.updated_at >= ? ORDER BY c.id";
constexpr std::string_view kCaseCount = "SELECT count(*) FROM cases WHERE updated_at >= ?";

// Reporter events carry the actor "reporter" (never a name); staff events the staff username.
constexpr std::array kEventColumns = {
    ExportColumn{"tracking_id", T::kText}, ExportColumn{"event_id", T::kInteger},
    ExportColumn{"action", T::kText},      ExportColumn{"state_after", T::kText},
    ExportColumn{"actor", T::kText},       ExportColumn{"public", T::kInteger},
    ExportColumn{"at", T::kTimeMs},
};
constexpr std::string_view kEventSelect =
    "SELECT c.tracking_id, e.id, e.action, e.state_after, e.actor, e.public, e.at "
    "FROM case_events e JOIN cases c ON c.id = e.case_id WHERE e.at >= ? ORDER BY e.id";
constexpr std::string_view kEventCount = "SELECT count(*) FROM case_events WHERE at >= ?";

}  // namespace

std::span<const ExportColumn> ExportColumns(ExportKind kind) {
  if (kind == ExportKind::kCases) return kCaseColumns;
  return kEventColumns;
}

Result<std::int64_t> CountExportRows(Connection& c, ExportKind kind, std::int64_t since_ms) {
  auto s = c.Prepare(kind == ExportKind::kCases ? kCaseCount : kEventCount);
  if (!s) return tl::unexpected(s.error());
  s->Bind(1, since_ms);
  auto row = s->Step();
  if (!row) return tl::unexpected(row.error());
  return *row ? s->Int(0) : 0;
}

Result<std::int64_t> ExportRows(Connection& c, ExportKind kind, std::int64_t since_ms,
                                const std::function<void(const ExportRow&)>& sink) {
  const auto columns = ExportColumns(kind);
  auto s = c.Prepare(kind == ExportKind::kCases ? kCaseSelect : kEventSelect);
  if (!s) return tl::unexpected(s.error());
  s->Bind(1, since_ms);
  std::int64_t n = 0;
  ExportRow row(columns.size());
  for (;;) {
    auto more = s->Step();
    if (!more) return tl::unexpected(more.error());
    if (!*more) break;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const int col = static_cast<int>(i);
      row[i] = ExportCell{};
      if (s->IsNull(col)) continue;
      if (columns[i].type == T::kText) {
        row[i].text = s->Text(col);
      } else {
        row[i].number = s->Int(col);
      }
    }
    sink(row);
    ++n;
  }
  return n;
}

}  // namespace simpul::store
