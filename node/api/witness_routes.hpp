#pragma once
// Routes of the coordinator's witness (node/coord/witness.hpp). On the federation listener
// (mutual TLS; any node in the directory may submit): the C2SP tlog-witness add-checkpoint call.
// On the staff API (node_admin, supervisor, auditor): the witnessed logs and the alarms with
// their evidence. Registered only when the node runs as the coordinator.

#include <string>

#include <boost/asio/awaitable.hpp>

#include "node/coord/witness.hpp"
#include "node/fed/federation_state.hpp"
#include "node/http/router.hpp"
#include "node/store/database.hpp"

namespace simpul::api {

// Borrowed parts; the owner (NodeApp) outlives the routers.
struct WitnessApi {
  coord::Witness& witness;
  fed::FederationState& state;
  store::Database& db;
};

// POST /federation/v1/witness/add-checkpoint: 200 with the cosignature line; 409 text/x.tlog.size
// with the witness's size; 400/403/404/409/422 with a JSON error naming the refusal; 503 with
// Retry-After when the coordinator has no current directory or the database is unavailable.
void AddWitnessPeerRoutes(http::Router& router, WitnessApi& api);

// GET /api/v1/witness/logs: the witness key and every witnessed log's latest cosigned checkpoint.
// GET /api/v1/witness/alarms?after=<id>&limit=<1..1000>&origin=<origin>: alarms, oldest first,
// each with both log-signed notes.
void AddWitnessStaffRoutes(http::Router& router, WitnessApi& api);

// simpul_witness_* metric families in Prometheus text form.
boost::asio::awaitable<void> AppendWitnessMetrics(WitnessApi& api, std::string& out);

}  // namespace simpul::api
