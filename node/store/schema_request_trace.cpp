#include "node/store/schema_parts.hpp"

namespace simpul::store {

// The X-Request-Id of the HTTP request that queued each outbox envelope, so the dispatcher can
// tell the receiver which request a delivered envelope came from (X-Simpul-Request-Ids) and the
// two nodes' logs can be joined. Empty for envelopes no request caused (sweeps, relays, receipts
// of dead envelopes) and for those queued before this migration. Never inside the signed
// envelope: it is a log correlation id, not part of the message.
extern const Migration kSchemaRequestTrace = R"sql(
ALTER TABLE fed_outbox ADD COLUMN request_id TEXT NOT NULL DEFAULT '';
)sql";

}  // namespace simpul::store
