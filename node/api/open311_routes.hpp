#pragma once
// The Open311 GeoReport v2 facade at /open311/v2/ (DESIGN §6), so existing civic apps can file
// and read requests, and the admin routes that issue and revoke its API keys:
//
//   GET  /open311/v2/discovery.{json,xml}
//   GET  /open311/v2/services.{json,xml}          one service per active leaf category
//   GET  /open311/v2/services/{code}.{json,xml}   its attributes
//   GET  /open311/v2/requests.{json,xml}          public cases, filtered and paged
//   GET  /open311/v2/requests/{id}.{json,xml}
//   POST /open311/v2/requests.{json,xml}          files a complaint through normal intake
//   GET/POST /api/v1/open311/keys, POST /api/v1/open311/keys/{id}/revoke   (node admin)
//
// Open311 routes answer errors in the spec's list format ([{"code","description"}] or
// <errors>), with the status of the error; the key routes use the node's usual JSON errors.

#include <string>

#include "node/api/open311_docs.hpp"
#include "node/http/router.hpp"
#include "node/service/case_service.hpp"
#include "node/service/catalog.hpp"
#include "node/service/open311_keys.hpp"

namespace simpul::api {

// What the Open311 handlers use. Borrowed references: the owner (NodeApp) outlives the router.
// `discovery.url` may be filled in after the listener is bound, before serving starts.
struct Open311Api {
  service::CaseService& cases;
  service::Open311Keys& keys;
  service::Catalog& catalog;
  store::Database& db;
  service::Clock clock;
  std::string node_name;
  std::string node_region;  // default region of requests ("" for ministries)
  DiscoveryInfo discovery;
};

void AddOpen311Routes(http::Router& router, Open311Api& api);

}  // namespace simpul::api
