#include "node/store/schema_parts.hpp"

namespace simpul::store {

// The coordinator's national monitoring tables (DESIGN §5), filled from node.report and case.meta
// envelopes (node/fed/monitor_ingest.hpp). Everything here is derived from envelopes the inbox
// keeps for ever in fed_inbox, so it can be rebuilt; on a member node these tables stay empty.
//
// mon_nodes: per reporting node, the latest report (summary columns plus its body) and the
// case.meta cursor: the highest case event id ingested, so a record sent twice is never counted
// twice. mon_sla: the latest report's clock compliance, one row per (node, clock), so rankings
// are one aggregate. mon_reports: report history, bounded to seven days per node (a report every
// five minutes from 600 nodes is 170k rows a day); older rows are pruned as new ones arrive.
// mon_cases: one row per tracking id — where the case is handled now, its state, and the times
// of its milestones — with `month` (YYYY-MM of submission, coordinator's UTC offset) for trends.
extern const Migration kSchemaMonitor = R"sql(
CREATE TABLE mon_nodes (
  node              TEXT PRIMARY KEY,
  report_at         INTEGER,
  received_at       INTEGER,
  last_seen_at      INTEGER NOT NULL,
  interval_s        INTEGER,
  directory_version INTEGER,
  cases_total       INTEGER NOT NULL DEFAULT 0,
  overdue_total     INTEGER NOT NULL DEFAULT 0,
  outbox_pending    INTEGER NOT NULL DEFAULT 0,
  outbox_oldest_ms  INTEGER,
  log_size          INTEGER,
  checkpoint_size   INTEGER,
  witnessed_size    INTEGER,
  meta_pending      INTEGER NOT NULL DEFAULT 0,
  report            TEXT,
  reports           INTEGER NOT NULL DEFAULT 0,
  meta_cursor       INTEGER NOT NULL DEFAULT 0,
  meta_records      INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE mon_sla (
  node    TEXT NOT NULL,
  clock   TEXT NOT NULL,
  met     INTEGER NOT NULL,
  missed  INTEGER NOT NULL,
  running INTEGER NOT NULL,
  PRIMARY KEY (node, clock)
) WITHOUT ROWID;

CREATE TABLE mon_reports (
  node        TEXT NOT NULL,
  report_at   INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  report      TEXT NOT NULL,
  PRIMARY KEY (node, report_at)
) WITHOUT ROWID;

CREATE TABLE mon_cases (
  tracking_id       TEXT PRIMARY KEY,
  origin            TEXT NOT NULL,
  node              TEXT NOT NULL,
  category          TEXT NOT NULL,
  region            TEXT NOT NULL,
  classification    TEXT NOT NULL,
  state             TEXT NOT NULL,
  month             TEXT NOT NULL,
  submitted_at      INTEGER NOT NULL,
  verified_at       INTEGER,
  first_response_at INTEGER,
  resolved_at       INTEGER,
  closed_at         INTEGER,
  last_event_at     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX mon_cases_month_category ON mon_cases(month, category);
CREATE INDEX mon_cases_month_region ON mon_cases(month, region);
)sql";

}  // namespace simpul::store
