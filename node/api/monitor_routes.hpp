#pragma once
// The coordinator's national monitoring API (DESIGN §5), for node admins, supervisors and
// auditors (Ombudsman read-only access). Every route answers JSON, or CSV with ?format=csv (the
// same rows and numbers; RFC 4180, text/csv).
//
//   GET /api/v1/monitor/nodes        the federation table: every member node with last seen,
//                                    directory version, queue lag, log status (as it reports
//                                    and as the witness saw it) and alarms
//   GET /api/v1/monitor/nodes/{id}   a node's latest report and its report history (7 days)
//   GET /api/v1/monitor/sla          SLA compliance per node and the Top-12 ranking
//                                    (?min_cases=N, default 10; coord::RankingRule)
//   GET /api/v1/monitor/trends       cases by=category|region|month, &from=&to= (YYYY-MM) on
//                                    the month of submission
//
// Registered on the coordinator only.

#include <functional>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "federation/directory.hpp"
#include "node/coord/monitor_views.hpp"
#include "node/http/router.hpp"
#include "node/service/clock.hpp"
#include "node/store/database.hpp"

namespace simpul::api {

// What the monitoring handlers read. Borrowed: the owner (NodeApp) outlives the router.
struct MonitorApi {
  store::Database& db;
  // The directory in force (the member list); nullptr before the first one is published.
  std::function<std::shared_ptr<const federation::Directory>()> directory;
  service::Clock clock;
  coord::MonitorPolicy policy;
};

void AddMonitorRoutes(http::Router& router, MonitorApi& monitor);

// simpul_mon_* metric families in Prometheus text form: reports and metadata records ingested,
// nodes reporting, cases known, silent nodes.
boost::asio::awaitable<void> AppendMonitorMetrics(MonitorApi& monitor, std::string& out);

}  // namespace simpul::api
