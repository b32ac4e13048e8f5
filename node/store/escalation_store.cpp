#include "node/store/escalation_store.hpp"

namespace simpul::store {
namespace {

using domain::EscalationLevel;
using domain::TimePoint;

std::int64_t Millis(TimePoint t) { return t.time_since_epoch().count(); }
TimePoint FromMillis(std::int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

constexpr std::string_view kReceivedColumns =
    "id, from_node, msg_id, case_ref, level, clock, due_at, overdue_working_days, state, "
    "category, region, sent_at, received_at";

// ?1 from_node ("" for any), ?2 since (NULL for any).
constexpr std::string_view kReceivedWhere =
    "WHERE (?1 = '' OR from_node = ?1) AND (?2 IS NULL OR received_at >= ?2) ";

ReceivedEscalation ReadReceived(const Statement& s) {
  ReceivedEscalation r;
  r.id = s.Int(0);
  r.from_node = s.Text(1);
  r.msg_id = s.Text(2);
  r.case_ref = s.Text(3);
  // The level was parsed from a validated body before it was stored.
  r.level = domain::ParseEscalationLevel(s.Text(4)).value_or(EscalationLevel::kParent);
  r.clock = s.Text(5);
  r.due_at = FromMillis(s.Int(6));
  r.overdue_working_days = s.Int(7);
  r.state = s.Text(8);
  r.category = s.Text(9);
  r.region = s.Text(10);
  r.sent_at = FromMillis(s.Int(11));
  r.received_at = FromMillis(s.Int(12));
  return r;
}

Result<std::vector<CountRow>> CountByLevel(Connection& c, std::string_view sql) {
  auto s = c.Prepare(sql);
  if (!s) return tl::unexpected(s.error());
  std::vector<CountRow> rows;
  for (;;) {
    auto row = s->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return rows;
    rows.push_back(CountRow{s->Text(0), s->Int(1)});
  }
}

}  // namespace

Result<std::vector<EscalationCandidate>> EscalationStore::Candidates(Connection& c,
                                                                     TimePoint parent_cutoff,
                                                                     TimePoint coordinator_cutoff,
                                                                     int limit) {
  auto s = c.Prepare(
      "SELECT c.id, c.tracking_id, c.next_clock, c.next_due_at FROM cases c "
      "WHERE c.next_due_at < ?1 AND c.next_clock != 'auto_close' "
      "AND c.escalated_due_at = c.next_due_at "
      "AND NOT EXISTS (SELECT 1 FROM escalations_sent s WHERE s.case_id = c.id "
      "  AND s.clock = c.next_clock AND s.due_at = c.next_due_at AND s.level = 'coordinator') "
      "AND (c.next_due_at < ?2 OR NOT EXISTS (SELECT 1 FROM escalations_sent s "
      "  WHERE s.case_id = c.id AND s.clock = c.next_clock AND s.due_at = c.next_due_at "
      "  AND s.level = 'parent')) "
      "ORDER BY c.next_due_at LIMIT ?3");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(Millis(parent_cutoff), Millis(coordinator_cutoff), limit);
  std::vector<EscalationCandidate> out;
  for (;;) {
    auto row = s->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return out;
    out.push_back({s->Int(0), s->Text(1), s->Text(2), FromMillis(s->Int(3))});
  }
}

Result<bool> EscalationStore::WasSent(Connection& c, std::int64_t case_id, std::string_view clock,
                                      TimePoint due_at, EscalationLevel level) {
  auto s = c.Prepare(
      "SELECT 1 FROM escalations_sent WHERE case_id = ? AND clock = ? AND due_at = ? AND "
      "level = ?");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(case_id, clock, Millis(due_at), domain::Name(level));
  return s->Step();
}

Result<void> EscalationStore::RecordSent(Connection& c, const SentEscalation& e) {
  auto s = c.Prepare(
      "INSERT INTO escalations_sent(case_id, clock, due_at, level, dest, msg_id, sent_at) "
      "VALUES (?,?,?,?,?,?,?)");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(e.case_id, e.clock, Millis(e.due_at), domain::Name(e.level), e.dest, e.msg_id,
             Millis(e.sent_at));
  return s->Run();
}

Result<bool> EscalationStore::RecordReceived(Connection& c, const ReceivedEscalation& e) {
  auto s = c.Prepare(
      "INSERT INTO escalations_received(from_node, msg_id, case_ref, level, clock, due_at, "
      "overdue_working_days, state, category, region, sent_at, received_at) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?) "
      "ON CONFLICT (from_node, case_ref, clock, due_at, level) DO NOTHING");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(e.from_node, e.msg_id, e.case_ref, domain::Name(e.level), e.clock, Millis(e.due_at),
             e.overdue_working_days, e.state, e.category, e.region, Millis(e.sent_at),
             Millis(e.received_at));
  if (auto r = s->Run(); !r) return tl::unexpected(r.error());
  return c.Changes() > 0;
}

Result<EscalationPage> EscalationStore::Received(Connection& c, const EscalationQuery& q) {
  const auto bind = [&q](Statement& s) {
    s.Bind(1, q.from_node);
    s.Bind(2, q.since ? std::optional<std::int64_t>(Millis(*q.since)) : std::nullopt);
  };
  EscalationPage page;
  {
    auto count =
        c.Prepare("SELECT count(*) FROM escalations_received " + std::string(kReceivedWhere));
    if (!count) return tl::unexpected(count.error());
    bind(*count);
    auto row = count->Step();
    if (!row) return tl::unexpected(row.error());
    page.total = *row ? count->Int(0) : 0;
  }
  auto s = c.Prepare("SELECT " + std::string(kReceivedColumns) + " FROM escalations_received " +
                     std::string(kReceivedWhere) +
                     "ORDER BY received_at DESC, id DESC "
                     "LIMIT ?3 OFFSET ?4");
  if (!s) return tl::unexpected(s.error());
  bind(*s);
  s->Bind(3, q.limit).Bind(4, q.offset);
  for (;;) {
    auto row = s->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return page;
    page.items.push_back(ReadReceived(*s));
  }
}

Result<std::vector<CountRow>> EscalationStore::CountSentByLevel(Connection& c) {
  return CountByLevel(c, "SELECT level, count(*) FROM escalations_sent GROUP BY level");
}

Result<std::vector<CountRow>> EscalationStore::CountReceivedByLevel(Connection& c) {
  return CountByLevel(c, "SELECT level, count(*) FROM escalations_received GROUP BY level");
}

}  // namespace simpul::store
