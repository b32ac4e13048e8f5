#pragma once
// Routes of a federated node. On the federation listener (mutual TLS): the inbox peers deliver
// envelope batches to, and the signed directory (the coordinator serves it; every node can serve
// the versions it holds). On the staff API: per-destination delivery state and routing
// suggestions for a case.

#include "node/api/routes.hpp"
#include "node/fed/directory_sync.hpp"
#include "node/fed/dispatcher.hpp"
#include "node/fed/federation_state.hpp"
#include "node/fed/inbox.hpp"

namespace simpul::api {

struct FederationApi {
  fed::FederationState& state;
  fed::Inbox& inbox;
  fed::Dispatchers& dispatchers;
  fed::DirectorySync& sync;
  store::Database& db;
  service::CaseService& cases;
  service::Clock clock;
};

// POST /federation/v1/inbox, GET /federation/v1/directory[/versions/{version}], GET /healthz.
void AddFederationPeerRoutes(http::Router& router, FederationApi& fed);
// GET /api/v1/federation/peers, GET /api/v1/cases/{id}/routes.
void AddFederationStaffRoutes(http::Router& router, FederationApi& fed);
// Per-destination outbox and directory metrics in Prometheus text form.
boost::asio::awaitable<void> AppendFederationMetrics(FederationApi& fed, std::string& out);

}  // namespace simpul::api
