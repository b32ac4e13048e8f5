#include "node/store/report_source.hpp"

namespace simpul::store {
namespace {

constexpr std::string_view kMetaCursorCounter = "monitor.meta_cursor";

Result<std::int64_t> ReadScalar(Statement& s) {
  auto row = s.Step();
  if (!row) return tl::unexpected(row.error());
  return *row ? s.Int(0) : 0;
}

}  // namespace

Result<std::vector<std::string>> ReportSource::OverdueIds(Connection& c, domain::TimePoint now,
                                                          int limit) {
  auto s = c.Prepare(
      "SELECT tracking_id FROM cases WHERE next_due_at < ? ORDER BY next_due_at, id LIMIT ?");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(now.time_since_epoch().count(), limit);
  std::vector<std::string> out;
  for (;;) {
    auto row = s->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return out;
    out.push_back(s->Text(0));
  }
}

Result<std::int64_t> ReportSource::MetaCursor(Connection& c) {
  auto s = c.Prepare("SELECT value FROM counters WHERE name = ?");
  if (!s) return tl::unexpected(s.error());
  s->Bind(1, kMetaCursorCounter);
  return ReadScalar(*s);
}

Result<void> ReportSource::SetMetaCursor(Connection& c, std::int64_t event) {
  auto s = c.Prepare(
      "INSERT INTO counters(name, value) VALUES (?, ?) "
      "ON CONFLICT(name) DO UPDATE SET value = excluded.value");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(kMetaCursorCounter, event);
  return s->Run();
}

Result<std::vector<MetaEvent>> ReportSource::MetaEvents(Connection& c, std::int64_t after,
                                                        int limit) {
  auto s = c.Prepare(
      "SELECT e.id, c.tracking_id, coalesce(l.origin, ''), c.category, c.region, "
      "c.classification, e.state_after, e.action, e.at, c.submitted_at "
      "FROM case_events e JOIN cases c ON c.id = e.case_id "
      "LEFT JOIN fed_case_links l ON l.case_id = c.id "
      "WHERE e.id > ? ORDER BY e.id LIMIT ?");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(after, limit);
  std::vector<MetaEvent> out;
  for (;;) {
    auto row = s->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return out;
    out.push_back(MetaEvent{s->Int(0), s->Text(1), s->Text(2), s->Text(3), s->Text(4), s->Text(5),
                            s->Text(6), s->Text(7), s->Int(8), s->Int(9)});
  }
}

Result<std::int64_t> ReportSource::MetaPending(Connection& c, std::int64_t after) {
  auto s = c.Prepare("SELECT count(*) FROM case_events WHERE id > ?");
  if (!s) return tl::unexpected(s.error());
  s->Bind(1, after);
  return ReadScalar(*s);
}

}  // namespace simpul::store
