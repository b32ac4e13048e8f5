#pragma once
// Following a request across a federation hop. The node that queues an envelope while serving a
// request keeps that request's X-Request-Id with the outbox row; the dispatcher sends the ids of
// a batch in one header of the inbox POST, outside the signed envelopes:
//
//   X-Simpul-Request-Ids: 0190a1b2-...-7c=Ab3dE9-41,0190a1b2-...-7d=trace_from_portal
//
// and the receiver logs each envelope it applies with that id as `origin_request_id` beside its
// own `request_id`. The header is a log correlation aid only: it is unsigned, so nothing but a
// log line depends on it, and entries that are malformed or unknown are ignored.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "node/store/federation_store.hpp"

namespace simpul::fed {

inline constexpr std::string_view kRequestIdsHeader = "X-Simpul-Request-Ids";
// Entries past this many bytes are left out, so the header stays well within the receiver's
// header limit whatever the batch size; their envelopes are then logged without an origin id.
inline constexpr std::size_t kMaxRequestIdsHeaderBytes = 8 << 10;

// Whether `id` may be a request id: 1–64 characters of [A-Za-z0-9_-] (what the HTTP server
// accepts in X-Request-Id).
bool IsValidRequestId(std::string_view id);

// The header value for `rows`: "msg_id=request_id" for each row with a request id, comma
// separated, at most kMaxRequestIdsHeaderBytes. Empty when no row has one.
std::string FormatRequestIds(const std::vector<store::OutboxRow>& rows);

// msg_id → request id from a header value. Never fails: malformed entries are skipped.
std::map<std::string, std::string> ParseRequestIds(std::string_view header);

}  // namespace simpul::fed
