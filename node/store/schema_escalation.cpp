#include "node/store/schema_parts.hpp"

namespace simpul::store {

// Escalation of overdue cases beyond the node (issue 4): `escalations_sent` holds one row per
// (case, missed deadline, level) this node raised to its parent or the coordinator — the key that
// makes the sweeper's escalation happen exactly once, across restarts. `escalations_received`
// holds what other nodes raised to this one: case metadata only, never personal data, at most
// once per (sender, case, deadline, level) so a resend changes nothing. Both are append-only.
extern const Migration kSchemaEscalation = R"sql(
CREATE TABLE escalations_sent (
  case_id INTEGER NOT NULL REFERENCES cases(id),
  clock   TEXT NOT NULL,
  due_at  INTEGER NOT NULL,
  level   TEXT NOT NULL,
  dest    TEXT NOT NULL,
  msg_id  TEXT NOT NULL,
  sent_at INTEGER NOT NULL,
  PRIMARY KEY (case_id, clock, due_at, level)
) WITHOUT ROWID;
CREATE TRIGGER escalations_sent_no_update BEFORE UPDATE ON escalations_sent BEGIN
  SELECT RAISE(ABORT, 'escalation records are append-only');
END;
CREATE TRIGGER escalations_sent_no_delete BEFORE DELETE ON escalations_sent BEGIN
  SELECT RAISE(ABORT, 'escalation records are append-only');
END;

CREATE TABLE escalations_received (
  id                   INTEGER PRIMARY KEY,
  from_node            TEXT NOT NULL,
  msg_id               TEXT NOT NULL,
  case_ref             TEXT NOT NULL,
  level                TEXT NOT NULL,
  clock                TEXT NOT NULL,
  due_at               INTEGER NOT NULL,
  overdue_working_days INTEGER NOT NULL,
  state                TEXT NOT NULL,
  category             TEXT NOT NULL,
  region               TEXT NOT NULL,
  sent_at              INTEGER NOT NULL,
  received_at          INTEGER NOT NULL,
  UNIQUE (from_node, case_ref, clock, due_at, level)
);
CREATE INDEX escalations_received_time ON escalations_received(received_at, id);
CREATE INDEX escalations_received_from ON escalations_received(from_node, received_at, id);
CREATE TRIGGER escalations_received_no_update BEFORE UPDATE ON escalations_received BEGIN
  SELECT RAISE(ABORT, 'escalation records are append-only');
END;
CREATE TRIGGER escalations_received_no_delete BEFORE DELETE ON escalations_received BEGIN
  SELECT RAISE(ABORT, 'escalation records are append-only');
END;
)sql";

}  // namespace simpul::store
