#include "node/store/schema.hpp"

#include <array>

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

constexpr std::array<Migration, 1> kMigrations = {kSchema1};

}  // namespace

std::span<const Migration> SchemaMigrations() { return kMigrations; }

}  // namespace simpul::store
