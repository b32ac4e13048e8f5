#pragma once
// SQL for the coordinator's national monitoring tables (node/store/schema_monitor.cpp): the latest
// report of each node with its clock compliance and a bounded history, and one metadata row per
// tracking id built from the case.meta records of every node that held the case.
//
//   MonitorStore::PutReport(c, row);                              // in the inbox's transaction
//   MonitorStore::IngestMeta(c, "kab:32.04", records, now_ms, offset);
//   auto nodes = MonitorStore::Nodes(c);                          // for the federation table
//
// Stateless: every function works on the Connection it is given; writes run on the writer thread
// inside the transaction that applies the envelope. Every write is idempotent: a report not newer
// than the stored one and a record at or below the node's ingested cursor change nothing.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "node/store/case_store.hpp"
#include "node/store/connection.hpp"
#include "node/store/report_source.hpp"

namespace simpul::store {

// Reports older than this (by the reporting node's own time) leave mon_reports.
inline constexpr std::chrono::milliseconds kReportHistory = std::chrono::hours(24 * 7);

// What the latest node.report of a node says, in the columns the dashboard reads.
struct NodeReportRow {
  std::string node;
  std::int64_t report_at = 0;    // when the node measured (its clock)
  std::int64_t received_at = 0;  // when the coordinator applied it (its clock)
  std::int64_t interval_s = 0;
  std::int64_t directory_version = 0;
  std::int64_t cases_total = 0, overdue_total = 0;
  std::int64_t outbox_pending = 0;               // summed over destinations
  std::optional<std::int64_t> outbox_oldest_ms;  // the oldest pending age of any destination
  std::int64_t log_size = 0;
  std::optional<std::int64_t> checkpoint_size, witnessed_size;
  std::int64_t meta_pending = 0;  // case events it has not yet sent
  // Its latest source audit (tlog/source_audit.hpp): when it ran and how many cases differed.
  std::optional<std::int64_t> audit_at, audit_mismatches;
  std::vector<ClockCompliance> sla;
  std::string report;  // the body as received (canonical JSON)
};

// A node as the monitoring tables know it. Report columns are unset until its first report.
struct MonNodeRow {
  std::string node;
  std::optional<std::int64_t> report_at, received_at;
  std::int64_t last_seen_at = 0;  // the latest report or case.meta applied from it
  std::optional<std::int64_t> interval_s, directory_version;
  std::int64_t cases_total = 0, overdue_total = 0, outbox_pending = 0;
  std::optional<std::int64_t> outbox_oldest_ms, log_size, checkpoint_size, witnessed_size;
  std::int64_t meta_pending = 0;
  std::int64_t reports = 0;       // reports applied
  std::int64_t meta_cursor = 0;   // highest case event id ingested
  std::int64_t meta_records = 0;  // case.meta records applied
  std::optional<std::int64_t> audit_at, audit_mismatches;
  std::vector<ClockCompliance> sla;
};

struct MetaIngest {
  std::int64_t applied = 0;  // records that changed the tables
  std::int64_t skipped = 0;  // records at or below the node's cursor (sent before)
};

// One row of a report's history.
struct ReportHistoryRow {
  std::int64_t report_at = 0, received_at = 0;
  std::string report;
};

enum class TrendKey { kCategory, kRegion, kMonth };

// Cases submitted in months from..to (inclusive "YYYY-MM"; "" leaves that end open).
struct TrendQuery {
  TrendKey by = TrendKey::kCategory;
  std::string from_month, to_month;
};

struct TrendRow {
  std::string key;  // category code, region code or "YYYY-MM"
  std::int64_t cases = 0;
  std::int64_t open = 0;      // neither closed nor archived
  std::int64_t resolved = 0;  // ever resolved
  std::int64_t closed = 0, archived = 0;
  std::int64_t forwarded = 0;  // handled at a node other than where it was filed
  std::optional<std::int64_t> mean_first_response_ms;  // submission to first response
};

struct MonitorTotals {
  std::int64_t nodes = 0, reports = 0, meta_records = 0, cases = 0;
};

class MonitorStore {
 public:
  // Stores `row` as its node's latest report, replaces its clock rows, adds it to the history and
  // prunes history older than kReportHistory. Returns false and changes nothing when the node
  // already has a report at or after row.report_at.
  static Result<bool> PutReport(Connection& c, const NodeReportRow& row);

  // Applies the case.meta `records` of `node` (ascending event ids) received at `received_at`:
  // records at or below the node's cursor are skipped; the others update their case's row (see
  // the .cpp for which record decides where a case is handled) and move the cursor. Months are
  // taken at `utc_offset`.
  static Result<MetaIngest> IngestMeta(Connection& c, std::string_view node,
                                       const std::vector<MetaEvent>& records,
                                       std::int64_t received_at, std::chrono::minutes utc_offset);

  // Every node with a report or metadata, ordered by id, with its clock rows.
  static Result<std::vector<MonNodeRow>> Nodes(Connection& c);
  // The latest `limit` reports of `node`, newest first.
  static Result<std::vector<ReportHistoryRow>> History(Connection& c, std::string_view node,
                                                       int limit);
  // Case counts grouped by q.by, ordered by key.
  static Result<std::vector<TrendRow>> Trends(Connection& c, const TrendQuery& q);
  static Result<MonitorTotals> Totals(Connection& c);
};

}  // namespace simpul::store
