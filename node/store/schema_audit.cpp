#include "node/store/schema_parts.hpp"

namespace simpul::store {

// The source audit of the transparency log (node/tlog/source_audit.hpp): each run compares the
// case and event rows with the leaves that were logged for them, and keeps its result here,
// append-only, so the node's report can state it and an operator can see its history. On the
// coordinator, mon_nodes gains the latest audit a node reported.
extern const Migration kSchemaAudit = R"sql(
CREATE TABLE tlog_audits (
  id         INTEGER PRIMARY KEY,
  at         INTEGER NOT NULL,
  cases      INTEGER NOT NULL,
  events     INTEGER NOT NULL,
  mismatches INTEGER NOT NULL,
  findings   TEXT NOT NULL
);
CREATE TRIGGER tlog_audits_no_update BEFORE UPDATE ON tlog_audits
BEGIN SELECT RAISE(ABORT, 'tlog_audits is append-only'); END;
CREATE TRIGGER tlog_audits_no_delete BEFORE DELETE ON tlog_audits
BEGIN SELECT RAISE(ABORT, 'tlog_audits is append-only'); END;

ALTER TABLE mon_nodes ADD COLUMN audit_at INTEGER;
ALTER TABLE mon_nodes ADD COLUMN audit_mismatches INTEGER;
)sql";

}  // namespace simpul::store
