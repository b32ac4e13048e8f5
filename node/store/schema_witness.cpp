#include "node/store/schema_parts.hpp"

namespace simpul::store {

// The coordinator's witness (DESIGN §4, C2SP tlog-witness). `witness_logs` holds, per log origin,
// the latest checkpoint the witness cosigned: its size and root, the log-signed note as it was
// submitted, and when it was first and last cosigned. A trigger refuses to move a log backwards
// (a smaller size, or another root at the same size), so no code path can make the witness cosign
// a rollback. `witness_alarms` is append-only evidence of log misbehaviour: the kind, the origin,
// what was found, and both log-signed notes — the one the witness had cosigned and the one
// submitted against it. The unique key keeps a resubmitted piece of evidence once.
extern const Migration kSchemaWitness = R"sql(
CREATE TABLE witness_logs (
  origin            TEXT PRIMARY KEY,
  size              INTEGER NOT NULL CHECK (size >= 0),
  root              BLOB NOT NULL,
  note              TEXT NOT NULL,
  first_cosigned_at INTEGER NOT NULL,
  cosigned_at       INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER witness_logs_no_rollback BEFORE UPDATE ON witness_logs
WHEN NEW.origin != OLD.origin OR NEW.size < OLD.size OR (NEW.size = OLD.size AND NEW.root != OLD.root)
BEGIN
  SELECT RAISE(ABORT, 'a witnessed log never moves backwards');
END;
CREATE TRIGGER witness_logs_no_delete BEFORE DELETE ON witness_logs BEGIN
  SELECT RAISE(ABORT, 'witnessed logs are kept');
END;

CREATE TABLE witness_alarms (
  id             INTEGER PRIMARY KEY,
  kind           TEXT NOT NULL CHECK (kind IN ('fork', 'rollback')),
  origin         TEXT NOT NULL,
  detail         TEXT NOT NULL,
  cosigned_size  INTEGER NOT NULL,
  cosigned_root  BLOB NOT NULL,
  cosigned_note  TEXT NOT NULL,
  submitted_size INTEGER NOT NULL,
  submitted_root BLOB NOT NULL,
  submitted_note TEXT NOT NULL,
  raised_at      INTEGER NOT NULL,
  UNIQUE (origin, kind, cosigned_size, submitted_size, submitted_root)
);
CREATE INDEX witness_alarms_origin ON witness_alarms(origin, id);

CREATE TRIGGER witness_alarms_no_update BEFORE UPDATE ON witness_alarms BEGIN
  SELECT RAISE(ABORT, 'witness alarms are evidence and never change');
END;
CREATE TRIGGER witness_alarms_no_delete BEFORE DELETE ON witness_alarms BEGIN
  SELECT RAISE(ABORT, 'witness alarms are evidence and never change');
END;
)sql";

}  // namespace simpul::store
