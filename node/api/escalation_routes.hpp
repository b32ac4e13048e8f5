#pragma once
// The escalations other nodes raised to this one (case.escalate, node/fed/escalation_exchange):
// GET /api/v1/federation/escalations on every federated node and, on the coordinator, the same
// data at GET /api/v1/monitor/escalations for the national dashboard. Both take the filters
// ?from=<node id> and ?since=<UTC date or time>, paging with ?limit (1..1000, default 100) and
// ?offset, and ?format=json (default) or csv (RFC 4180). Newest first. Roles: supervisor,
// node_admin, auditor.

#include <boost/asio/awaitable.hpp>

#include <string>

#include "node/http/router.hpp"
#include "node/service/clock.hpp"
#include "node/store/database.hpp"

namespace simpul::api {

// Borrowed by the handlers: the owner (NodeApp) outlives the router.
struct EscalationApi {
  store::Database& db;
  bool coordinator = false;  // serve /api/v1/monitor/escalations too
};

void AddEscalationRoutes(http::Router& router, EscalationApi& api);
// simpul_escalations_sent_total and simpul_escalations_received_total by level, in Prometheus
// text form. Counted from the append-only escalation tables, so they survive restarts.
boost::asio::awaitable<void> AppendEscalationMetrics(EscalationApi& api, std::string& out);

}  // namespace simpul::api
