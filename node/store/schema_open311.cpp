#include "node/store/schema_parts.hpp"

namespace simpul::store {

// The Open311 GeoReport v2 facade (issue 5): API keys that civic apps present when they file a
// request. Only the SHA-256 of a key is stored (keys are 32 random bytes, so a plain hash is
// enough); `prefix` is the key's first characters, shown in lists so an admin can tell keys apart.
// A key is revoked by setting revoked_at, never deleted, so who filed what stays explainable.
extern const Migration kSchemaOpen311 = R"sql(
CREATE TABLE open311_keys (
  id         INTEGER PRIMARY KEY,
  key_hash   BLOB NOT NULL UNIQUE,
  prefix     TEXT NOT NULL,
  label      TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE TRIGGER open311_keys_no_delete BEFORE DELETE ON open311_keys BEGIN
  SELECT RAISE(ABORT, 'Open311 keys are revoked, never deleted');
END;
CREATE INDEX cases_submitted ON cases(submitted_at);
)sql";

}  // namespace simpul::store
