#include "node/store/schema_parts.hpp"

namespace simpul::store {

// Schema 3: the node's transparency log (DESIGN §4). `tlog_leaves` is the log itself: leaf i is
// the canonical JSON of one case event, envelope or receipt — hashes and ids only, never personal
// data — with its RFC 6962 leaf hash. `tlog_nodes` caches the hash of every complete subtree above
// the leaves (level >= 1; node (l, i) covers leaves [i * 2^l, (i + 1) * 2^l)), so roots and proofs
// read O(log n) rows at any size. The cache is derived and may be rebuilt from the leaves; the
// leaves never change. `tlog_checkpoints` keeps every checkpoint this node signed and, once a
// witness cosigned it, the cosigned note.
extern const Migration kSchemaTlog = R"sql(
CREATE TABLE tlog_leaves (
  idx  INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  ref  TEXT NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX tlog_leaves_ref ON tlog_leaves(ref, kind);

CREATE TABLE tlog_nodes (
  level INTEGER NOT NULL,
  idx   INTEGER NOT NULL,
  hash  BLOB NOT NULL,
  PRIMARY KEY (level, idx)
) WITHOUT ROWID;

CREATE TABLE tlog_checkpoints (
  size          INTEGER PRIMARY KEY,
  root          BLOB NOT NULL,
  note          TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  cosigned_note TEXT,
  witnessed_at  INTEGER
);
CREATE INDEX tlog_checkpoints_witnessed ON tlog_checkpoints(size) WHERE witnessed_at IS NOT NULL;

CREATE TRIGGER tlog_leaves_no_update BEFORE UPDATE ON tlog_leaves BEGIN
  SELECT RAISE(ABORT, 'the transparency log is append-only');
END;
CREATE TRIGGER tlog_leaves_no_delete BEFORE DELETE ON tlog_leaves BEGIN
  SELECT RAISE(ABORT, 'the transparency log is append-only');
END;
CREATE TRIGGER tlog_checkpoints_no_delete BEFORE DELETE ON tlog_checkpoints BEGIN
  SELECT RAISE(ABORT, 'signed checkpoints are kept');
END;
)sql";

}  // namespace simpul::store
