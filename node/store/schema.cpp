#include "node/store/schema.hpp"

#include <array>

#include "node/store/schema_parts.hpp"

namespace simpul::store {
namespace {

// Schema 1: the node core. Complaints and their events are append-only: triggers refuse DELETE
// on both and UPDATE on events, so "no complaint is quietly deleted" holds even for code paths
// that forget it. Reporter identity lives apart, sealed under a per-case key that is itself
// sealed under the node data key; erasing the wrapped key crypto-shreds the identity without
// touching the case history.
constexpr std::string_view kSchema1 = R"sql(
CREATE TABLE counters (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE units (
  id         INTEGER PRIMARY KEY,
  code       TEXT NOT NULL UNIQUE,
  name       TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE,
  display_name  TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL,
  unit_id       INTEGER REFERENCES units(id),
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
  token_hash BLOB PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE categories (
  code    TEXT PRIMARY KEY,
  parent  TEXT NOT NULL,
  name_id TEXT NOT NULL,
  name_en TEXT NOT NULL,
  active  INTEGER NOT NULL DEFAULT 1,
  origin  TEXT NOT NULL CHECK (origin IN ('national', 'local'))
) WITHOUT ROWID;

CREATE TABLE cases (
  id               INTEGER PRIMARY KEY,
  tracking_id      TEXT NOT NULL UNIQUE,
  access_hash      BLOB NOT NULL,
  classification   TEXT NOT NULL,
  category         TEXT NOT NULL,
  title            TEXT NOT NULL,
  body             TEXT NOT NULL,
  incident_date    TEXT,
  region           TEXT NOT NULL,
  address          TEXT NOT NULL,
  latitude         REAL,
  longitude        REAL,
  suggested_agency TEXT NOT NULL,
  channel          TEXT NOT NULL,
  anonymous        INTEGER NOT NULL,
  confidential     INTEGER NOT NULL,
  state            TEXT NOT NULL,
  unit_id          INTEGER REFERENCES units(id),
  escalation_level INTEGER NOT NULL DEFAULT 0,
  escalated_due_at INTEGER,
  commitment       BLOB NOT NULL,
  commitment_salt  BLOB NOT NULL,
  submitted_at     INTEGER NOT NULL,
  verified_at      INTEGER,
  updated_at       INTEGER NOT NULL,
  next_due_at      INTEGER,
  next_clock       TEXT,
  version          INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX cases_state ON cases(state, id);
CREATE INDEX cases_due ON cases(next_due_at) WHERE next_due_at IS NOT NULL;
CREATE INDEX cases_unit ON cases(unit_id, state);
CREATE INDEX cases_category ON cases(category);
CREATE INDEX cases_region ON cases(region);

CREATE TABLE case_events (
  id          INTEGER PRIMARY KEY,
  case_id     INTEGER NOT NULL REFERENCES cases(id),
  action      TEXT NOT NULL,
  state_after TEXT NOT NULL,
  actor       TEXT NOT NULL,
  reason      TEXT NOT NULL,
  detail      TEXT NOT NULL,
  public      INTEGER NOT NULL,
  at          INTEGER NOT NULL
);
CREATE INDEX case_events_case ON case_events(case_id, id);

-- Derived from case_events by the pure SLA function and rewritten after each event; it exists so
-- compliance statistics are one SQL aggregate.
CREATE TABLE case_clocks (
  case_id    INTEGER NOT NULL REFERENCES cases(id),
  ordinal    INTEGER NOT NULL,
  clock      TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  due_at     INTEGER NOT NULL,
  stopped_at INTEGER,
  PRIMARY KEY (case_id, ordinal)
) WITHOUT ROWID;

CREATE TABLE reporter_identities (
  case_id     INTEGER PRIMARY KEY REFERENCES cases(id),
  wrapped_key BLOB,
  sealed      BLOB NOT NULL,
  erased_at   INTEGER
);

CREATE TABLE attachments (
  case_id    INTEGER NOT NULL REFERENCES cases(id),
  sha256     TEXT NOT NULL,
  filename   TEXT NOT NULL,
  media_type TEXT NOT NULL,
  size       INTEGER NOT NULL,
  PRIMARY KEY (case_id, sha256)
) WITHOUT ROWID;

CREATE VIRTUAL TABLE cases_fts USING fts5(
  title, body, content='cases', content_rowid='id', tokenize='unicode61 remove_diacritics 2');

CREATE TRIGGER cases_fts_insert AFTER INSERT ON cases BEGIN
  INSERT INTO cases_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER cases_no_content_change BEFORE UPDATE OF tracking_id, title, body, submitted_at,
  commitment, commitment_salt, access_hash ON cases BEGIN
  SELECT RAISE(ABORT, 'complaint content is immutable; record a new event instead');
END;
CREATE TRIGGER cases_no_delete BEFORE DELETE ON cases BEGIN
  SELECT RAISE(ABORT, 'complaints are never deleted; archive them with a reason');
END;
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events BEGIN
  SELECT RAISE(ABORT, 'case history is append-only');
END;
CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events BEGIN
  SELECT RAISE(ABORT, 'case history is append-only');
END;
)sql";

// Schema 2: federation (DESIGN §3). The outbox is written in the same transaction as the business
// change it announces; the inbox keeps every envelope received with the receipt returned for it,
// so a resend gets the same receipt; equivocation is kept as evidence. Delivered outbox rows,
// inbox rows and evidence are never deleted or rewritten beyond their delivery columns.
constexpr std::string_view kSchema2 = R"sql(
-- Directory versions: on a node those it verified and accepted, on the coordinator those it
-- published. The newest row is the one in force.
CREATE TABLE fed_directory (
  version   INTEGER PRIMARY KEY,
  etag      TEXT NOT NULL,
  bytes     BLOB NOT NULL,
  stored_at INTEGER NOT NULL
);

-- Coordinator only: the registry of member nodes, each a directory NodeEntry as JSON.
CREATE TABLE fed_registry (
  node_id    TEXT PRIMARY KEY,
  entry      TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Sender side: one ordered stream per destination.
CREATE TABLE fed_streams_out (
  dest      TEXT PRIMARY KEY,
  last_seq  INTEGER NOT NULL,
  last_hash TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE fed_outbox (
  dest         TEXT NOT NULL,
  seq          INTEGER NOT NULL,
  msg_id       TEXT NOT NULL UNIQUE,
  type         TEXT NOT NULL,
  case_ref     TEXT NOT NULL,
  envelope     BLOB NOT NULL,
  hash         TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  delivered_at INTEGER,
  receipt      BLOB,
  PRIMARY KEY (dest, seq)
) WITHOUT ROWID;
CREATE INDEX fed_outbox_pending ON fed_outbox(dest, seq) WHERE delivered_at IS NULL;

-- Receiver side: the last applied position of each sender's stream.
CREATE TABLE fed_streams_in (
  sender    TEXT NOT NULL,
  stream    TEXT NOT NULL,
  last_seq  INTEGER NOT NULL,
  last_hash TEXT NOT NULL,
  PRIMARY KEY (sender, stream)
) WITHOUT ROWID;

-- Every envelope accepted into the inbox. `id` is the receiver's index quoted in its receipt.
-- state: held (waiting for earlier seqs), applied, dead (could never apply; skipped).
CREATE TABLE fed_inbox (
  id          INTEGER PRIMARY KEY,
  sender      TEXT NOT NULL,
  msg_id      TEXT NOT NULL,
  hash        TEXT NOT NULL,
  stream      TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  type        TEXT NOT NULL,
  case_ref    TEXT NOT NULL,
  envelope    BLOB NOT NULL,
  state       TEXT NOT NULL CHECK (state IN ('held', 'applied', 'dead')),
  error       TEXT NOT NULL DEFAULT '',
  receipt     BLOB NOT NULL,
  received_at INTEGER NOT NULL,
  UNIQUE (sender, msg_id),
  UNIQUE (sender, stream, seq)
);
CREATE INDEX fed_inbox_held ON fed_inbox(sender, stream, seq) WHERE state = 'held';

-- Two different envelopes a sender signed for one (msg_id) or one stream position.
CREATE TABLE fed_evidence (
  id       INTEGER PRIMARY KEY,
  sender   TEXT NOT NULL,
  kind     TEXT NOT NULL,
  msg_id   TEXT NOT NULL,
  first    BLOB NOT NULL,
  second   BLOB NOT NULL,
  at       INTEGER NOT NULL
);

-- How a case relates to other nodes: where the citizen filed it (origin), which node handed it
-- to this one (upstream), and which node this one handed it to (handler) with that node's
-- reported state.
CREATE TABLE fed_case_links (
  case_id       INTEGER PRIMARY KEY REFERENCES cases(id),
  origin        TEXT NOT NULL,
  upstream      TEXT NOT NULL,
  handler       TEXT NOT NULL,
  handler_state TEXT NOT NULL,
  updated_at    INTEGER NOT NULL
);

CREATE TRIGGER fed_inbox_no_delete BEFORE DELETE ON fed_inbox BEGIN
  SELECT RAISE(ABORT, 'received envelopes are kept as evidence');
END;
CREATE TRIGGER fed_outbox_no_delete BEFORE DELETE ON fed_outbox BEGIN
  SELECT RAISE(ABORT, 'sent envelopes are kept as evidence');
END;
CREATE TRIGGER fed_evidence_no_change BEFORE UPDATE ON fed_evidence BEGIN
  SELECT RAISE(ABORT, 'evidence is append-only');
END;
)sql";

}  // namespace

std::span<const Migration> SchemaMigrations() {
  static const Migration kMigrations[] = {kSchema1,       kSchema2,       kSchemaTlog,
                                          kSchemaWitness, kSchemaMonitor, kSchemaEscalation,
                                          kSchemaAudit,   kSchemaOpen311, kSchemaRequestTrace};
  return kMigrations;
}

}  // namespace simpul::store
