#pragma once
// Public routes of the node's transparency log (DESIGN §4, §6): anyone may fetch checkpoints,
// proofs, leaves (ids and hashes only) and a receipt's proof bundle.
//
//   GET /api/v1/log/checkpoint[?witnessed=1]       text/plain signed note
//   GET /api/v1/log/proof/inclusion?index=&size=   {"index","size","hashes":[base64...]}
//   GET /api/v1/log/proof/consistency?from=&to=    {"from","to","hashes":[base64...]}
//   GET /api/v1/log/leaves?from=&limit=            {"leaves":[{"index","kind","ref","data"}]}
//   GET /api/v1/receipts/{tracking_id}/proof       the receipt proof bundle (tlog::ReceiptProof)

#include "node/http/router.hpp"
#include "node/tlog/log_service.hpp"

namespace simpul::api {

void AddLogRoutes(http::Router& router, tlog::LogService& log);

}  // namespace simpul::api
