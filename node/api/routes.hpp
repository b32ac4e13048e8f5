#pragma once
// The node's HTTP API, registered into a route table. Each Add*Routes function adds one audience's
// routes with their access rules; handlers parse and validate, call a service and map its Result.

#include <functional>
#include <string>

#include "node/http/metrics.hpp"
#include "node/http/router.hpp"
#include "node/service/account_service.hpp"
#include "node/service/auth_service.hpp"
#include "node/service/case_service.hpp"
#include "node/service/catalog.hpp"
#include "node/store/database.hpp"

namespace simpul::api {

// What the public /api/v1/node endpoint tells about this node.
struct NodeInfo {
  std::string node_id, name, node_class, region, role, version;
  int utc_offset_minutes = 420;
  std::string public_key_base64, key_id;
};

// Everything the handlers call. Borrowed: the owner (NodeApp) outlives the router.
struct ApiContext {
  service::CaseService& cases;
  service::AuthService& auth;
  service::AccountService& accounts;
  service::Catalog& catalog;
  store::Database& db;
  http::Metrics& metrics;
  service::Clock clock;
  NodeInfo info;
  std::function<bool()> ready;  // false while starting or shutting down
  std::size_t max_upload_bytes = 40 << 20;
  // Appends further metric families (the federation's) to /metrics; may be empty.
  std::function<boost::asio::awaitable<void>(std::string&)> extra_metrics;
};

void AddPublicRoutes(http::Router& router, ApiContext& ctx);
void AddAuthRoutes(http::Router& router, ApiContext& ctx);
void AddStaffRoutes(http::Router& router, ApiContext& ctx);
void AddAdminRoutes(http::Router& router, ApiContext& ctx);
void AddOpsRoutes(http::Router& router, ApiContext& ctx);

// All of the above: the node's complete route table.
void AddAllRoutes(http::Router& router, ApiContext& ctx);

}  // namespace simpul::api
