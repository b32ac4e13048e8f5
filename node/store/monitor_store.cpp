#include "node/store/monitor_store.hpp"

#include <map>

namespace simpul::store {
namespace {

// Whether a record says where its case is handled now. A node that handed a case on keeps
// recording what it hears about it — peer updates and relayed replies in state "forwarded", the
// handler's closure echoed as "closed" — and those echoes must not pull the case back to it. The
// forward itself, and a decline coming back (state "verified"), do decide.
bool DecidesHandler(const MetaEvent& r) {
  if (r.state == "forwarded") return r.action == "forward";
  return !(r.action == "peer_update" && r.state == "closed");
}

std::optional<std::int64_t> AtIf(bool condition, std::int64_t at) {
  return condition ? std::optional<std::int64_t>(at) : std::nullopt;
}

// Upserts the case row of one record. Milestone times keep their earliest value; node, state and
// the case's codes follow the latest deciding record by event time.
constexpr std::string_view kUpsertCase = R"sql(
INSERT INTO mon_cases(tracking_id, origin, node, category, region, classification, state, month,
  submitted_at, verified_at, first_response_at, resolved_at, closed_at, last_event_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, strftime('%Y-%m', ?8 / 1000 + ?9, 'unixepoch'), ?8,
  ?10, ?11, ?12, ?13, CASE WHEN ?15 THEN ?14 ELSE 0 END)
ON CONFLICT(tracking_id) DO UPDATE SET
  node = CASE WHEN ?15 AND ?14 >= last_event_at THEN excluded.node ELSE node END,
  state = CASE WHEN ?15 AND ?14 >= last_event_at THEN excluded.state ELSE state END,
  category = CASE WHEN ?15 AND ?14 >= last_event_at THEN excluded.category ELSE category END,
  region = CASE WHEN ?15 AND ?14 >= last_event_at THEN excluded.region ELSE region END,
  classification = CASE WHEN ?15 AND ?14 >= last_event_at THEN excluded.classification
                   ELSE classification END,
  verified_at = min(coalesce(verified_at, ?10), coalesce(?10, verified_at)),
  first_response_at = min(coalesce(first_response_at, ?11), coalesce(?11, first_response_at)),
  resolved_at = min(coalesce(resolved_at, ?12), coalesce(?12, resolved_at)),
  closed_at = min(coalesce(closed_at, ?13), coalesce(?13, closed_at)),
  last_event_at = CASE WHEN ?15 THEN max(last_event_at, ?14) ELSE last_event_at END
)sql";

Result<void> UpsertCase(Statement& s, std::string_view node, const MetaEvent& r,
                        std::int64_t offset_s) {
  s.Bind(1, r.tracking_id)
      .Bind(2, r.origin)
      .Bind(3, node)
      .Bind(4, r.category)
      .Bind(5, r.region)
      .Bind(6, r.classification)
      .Bind(7, r.state)
      .Bind(8, r.submitted_at)
      .Bind(9, offset_s)
      .Bind(10, AtIf(r.action == "verify", r.at))
      .Bind(11, AtIf(r.action == "respond", r.at))
      .Bind(12, AtIf(r.state == "resolved", r.at))
      .Bind(13, AtIf(r.state == "closed", r.at))
      .Bind(14, r.at)
      .Bind(15, DecidesHandler(r));
  return s.Run();
}

Result<std::int64_t> MetaCursorOf(Connection& c, std::string_view node) {
  auto s = c.Prepare("SELECT meta_cursor FROM mon_nodes WHERE node = ?");
  if (!s) return tl::unexpected(s.error());
  s->Bind(1, node);
  auto row = s->Step();
  if (!row) return tl::unexpected(row.error());
  return *row ? s->Int(0) : 0;
}

Result<void> ReplaceSla(Connection& c, const NodeReportRow& r) {
  auto clear = c.Prepare("DELETE FROM mon_sla WHERE node = ?");
  if (!clear) return tl::unexpected(clear.error());
  clear->Bind(1, r.node);
  if (auto run = clear->Run(); !run) return run;
  auto put = c.Prepare("INSERT INTO mon_sla(node, clock, met, missed, running) VALUES (?,?,?,?,?)");
  if (!put) return tl::unexpected(put.error());
  for (const auto& clock : r.sla) {
    put->BindAll(r.node, clock.clock, clock.met, clock.missed, clock.running);
    if (auto run = put->Run(); !run) return run;
  }
  return {};
}

Result<void> AddHistory(Connection& c, const NodeReportRow& r) {
  auto add = c.Prepare(
      "INSERT OR IGNORE INTO mon_reports(node, report_at, received_at, report) VALUES (?,?,?,?)");
  if (!add) return tl::unexpected(add.error());
  add->BindAll(r.node, r.report_at, r.received_at, r.report);
  if (auto run = add->Run(); !run) return run;
  auto prune = c.Prepare("DELETE FROM mon_reports WHERE node = ? AND report_at < ?");
  if (!prune) return tl::unexpected(prune.error());
  prune->BindAll(r.node, r.report_at - kReportHistory.count());
  return prune->Run();
}

MonNodeRow ReadNode(const Statement& s) {
  MonNodeRow n;
  n.node = s.Text(0);
  n.report_at = s.OptionalInt(1);
  n.received_at = s.OptionalInt(2);
  n.last_seen_at = s.Int(3);
  n.interval_s = s.OptionalInt(4);
  n.directory_version = s.OptionalInt(5);
  n.cases_total = s.Int(6);
  n.overdue_total = s.Int(7);
  n.outbox_pending = s.Int(8);
  n.outbox_oldest_ms = s.OptionalInt(9);
  n.log_size = s.OptionalInt(10);
  n.checkpoint_size = s.OptionalInt(11);
  n.witnessed_size = s.OptionalInt(12);
  n.meta_pending = s.Int(13);
  n.reports = s.Int(14);
  n.meta_cursor = s.Int(15);
  n.meta_records = s.Int(16);
  n.audit_at = s.OptionalInt(17);
  n.audit_mismatches = s.OptionalInt(18);
  return n;
}

// The grouping column of each trend key: fixed SQL, never caller text.
std::string_view TrendColumn(TrendKey key) {
  switch (key) {
    case TrendKey::kCategory:
      return "category";
    case TrendKey::kRegion:
      return "region";
    case TrendKey::kMonth:
      return "month";
  }
  return "category";
}

}  // namespace

Result<bool> MonitorStore::PutReport(Connection& c, const NodeReportRow& r) {
  auto s = c.Prepare(
      "INSERT INTO mon_nodes(node, report_at, received_at, last_seen_at, interval_s, "
      "directory_version, cases_total, overdue_total, outbox_pending, outbox_oldest_ms, log_size, "
      "checkpoint_size, witnessed_size, meta_pending, report, reports, audit_at, "
      "audit_mismatches) "
      "VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 1, ?15, ?16) "
      "ON CONFLICT(node) DO UPDATE SET report_at = excluded.report_at, "
      "received_at = excluded.received_at, "
      "last_seen_at = max(last_seen_at, excluded.last_seen_at), "
      "interval_s = excluded.interval_s, directory_version = excluded.directory_version, "
      "cases_total = excluded.cases_total, overdue_total = excluded.overdue_total, "
      "outbox_pending = excluded.outbox_pending, outbox_oldest_ms = excluded.outbox_oldest_ms, "
      "log_size = excluded.log_size, checkpoint_size = excluded.checkpoint_size, "
      "witnessed_size = excluded.witnessed_size, meta_pending = excluded.meta_pending, "
      "report = excluded.report, reports = reports + 1, audit_at = excluded.audit_at, "
      "audit_mismatches = excluded.audit_mismatches "
      "WHERE report_at IS NULL OR excluded.report_at > report_at");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(r.node, r.report_at, r.received_at, r.interval_s, r.directory_version, r.cases_total,
             r.overdue_total, r.outbox_pending, r.outbox_oldest_ms, r.log_size, r.checkpoint_size,
             r.witnessed_size, r.meta_pending, r.report, r.audit_at, r.audit_mismatches);
  if (auto run = s->Run(); !run) return tl::unexpected(run.error());
  if (c.Changes() == 0) return false;
  if (auto sla = ReplaceSla(c, r); !sla) return tl::unexpected(sla.error());
  if (auto history = AddHistory(c, r); !history) return tl::unexpected(history.error());
  return true;
}

Result<MetaIngest> MonitorStore::IngestMeta(Connection& c, std::string_view node,
                                            const std::vector<MetaEvent>& records,
                                            std::int64_t received_at,
                                            std::chrono::minutes utc_offset) {
  auto cursor = MetaCursorOf(c, node);
  if (!cursor) return tl::unexpected(cursor.error());
  auto upsert = c.Prepare(kUpsertCase);
  if (!upsert) return tl::unexpected(upsert.error());
  const std::int64_t offset_s = std::chrono::seconds(utc_offset).count();
  MetaIngest out;
  std::int64_t last = *cursor;
  for (const MetaEvent& r : records) {
    if (r.event <= last) {
      ++out.skipped;
      continue;
    }
    if (auto run = UpsertCase(*upsert, node, r, offset_s); !run) return tl::unexpected(run.error());
    last = r.event;
    ++out.applied;
  }
  auto s = c.Prepare(
      "INSERT INTO mon_nodes(node, last_seen_at, meta_cursor, meta_records) VALUES (?,?,?,?) "
      "ON CONFLICT(node) DO UPDATE SET last_seen_at = max(last_seen_at, excluded.last_seen_at), "
      "meta_cursor = max(meta_cursor, excluded.meta_cursor), "
      "meta_records = meta_records + excluded.meta_records");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(node, received_at, last, out.applied);
  if (auto run = s->Run(); !run) return tl::unexpected(run.error());
  return out;
}

Result<std::vector<MonNodeRow>> MonitorStore::Nodes(Connection& c) {
  auto s = c.Prepare(
      "SELECT node, report_at, received_at, last_seen_at, interval_s, directory_version, "
      "cases_total, overdue_total, outbox_pending, outbox_oldest_ms, log_size, checkpoint_size, "
      "witnessed_size, meta_pending, reports, meta_cursor, meta_records, audit_at, "
      "audit_mismatches FROM mon_nodes "
      "ORDER BY node");
  if (!s) return tl::unexpected(s.error());
  auto nodes = CollectRows<MonNodeRow>(*s, ReadNode);
  if (!nodes) return nodes;
  std::map<std::string, MonNodeRow*, std::less<>> by_id;
  for (auto& n : *nodes) by_id[n.node] = &n;
  auto sla =
      c.Prepare("SELECT node, clock, met, missed, running FROM mon_sla ORDER BY node, clock");
  if (!sla) return tl::unexpected(sla.error());
  for (;;) {
    auto row = sla->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    auto it = by_id.find(sla->Text(0));
    if (it == by_id.end()) continue;
    it->second->sla.push_back(ClockCompliance{sla->Text(1), sla->Int(2), sla->Int(3), sla->Int(4)});
  }
  return nodes;
}

Result<std::vector<ReportHistoryRow>> MonitorStore::History(Connection& c, std::string_view node,
                                                            int limit) {
  auto s = c.Prepare(
      "SELECT report_at, received_at, report FROM mon_reports WHERE node = ? "
      "ORDER BY report_at DESC LIMIT ?");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(node, limit);
  return CollectRows<ReportHistoryRow>(*s, [](const Statement& st) {
    return ReportHistoryRow{st.Int(0), st.Int(1), st.Text(2)};
  });
}

Result<std::vector<TrendRow>> MonitorStore::Trends(Connection& c, const TrendQuery& q) {
  const std::string column(TrendColumn(q.by));
  auto s = c.Prepare(
      "SELECT " + column +
      ", count(*), sum(state NOT IN ('closed', 'archived')), sum(resolved_at IS NOT NULL), "
      "sum(state = 'closed'), sum(state = 'archived'), sum(node <> origin), "
      "CAST(avg(first_response_at - submitted_at) AS INTEGER) FROM mon_cases "
      "WHERE month >= ? AND month <= ? GROUP BY " +
      column + " ORDER BY " + column);
  if (!s) return tl::unexpected(s.error());
  s->BindAll(q.from_month.empty() ? std::string("0000-00") : q.from_month,
             q.to_month.empty() ? std::string("9999-99") : q.to_month);
  return CollectRows<TrendRow>(*s, [](const Statement& st) {
    return TrendRow{st.Text(0), st.Int(1), st.Int(2), st.Int(3),
                    st.Int(4),  st.Int(5), st.Int(6), st.OptionalInt(7)};
  });
}

Result<MonitorTotals> MonitorStore::Totals(Connection& c) {
  auto s = c.Prepare(
      "SELECT count(*), coalesce(sum(reports), 0), coalesce(sum(meta_records), 0), "
      "(SELECT count(*) FROM mon_cases) FROM mon_nodes");
  if (!s) return tl::unexpected(s.error());
  auto row = s->Step();
  if (!row) return tl::unexpected(row.error());
  return MonitorTotals{s->Int(0), s->Int(1), s->Int(2), s->Int(3)};
}

}  // namespace simpul::store
