#pragma once
// The documents of the Open311 GeoReport v2 facade (http://wiki.open311.org/GeoReport_v2), built
// as JSON in the spec's JSON shape and key order; open311_xml.hpp derives the XML from them with
// kOpen311XmlItems. Pure functions of their arguments: no I/O, no clock.
//
// Mapping choices (README "Open311"): one service per active leaf category (service_code = the
// category code, group = the parent category's name); the states resolved, closed and archived
// are "closed", every other state "open", and a case this node forwarded shows the state its
// handler last reported; status_notes is the latest public response to the reporter.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/result.hpp"
#include "node/api/open311_xml.hpp"
#include "node/domain/categories.hpp"
#include "node/domain/lifecycle.hpp"
#include "node/service/case_service.hpp"
#include "node/store/open311_store.hpp"

namespace simpul::api {

using Json311 = nlohmann::ordered_json;

// The element names of the spec's XML lists, by the name of the list.
extern const XmlItemNames kOpen311XmlItems;

// What discovery.{json,xml} tells about this node.
struct DiscoveryInfo {
  std::string changeset;    // ISO 8601 time the service list last changed (the node's start)
  std::string contact;      // who to ask, from config
  std::string key_service;  // how to get an api_key
  std::string url;          // this node's GeoReport v2 base URL
};

Json311 DiscoveryDoc(const DiscoveryInfo& info);

// The services list: one per active leaf category, sorted by code.
Json311 ServicesDoc(const domain::CategoryTree& tree);

// The definition of service `code` with the attributes Simpul takes beyond the spec's core
// fields (region, classification, anonymous, confidential, incident_date). `node_region` is the
// default region ("" for ministries: the region attribute is then required). Fails kNotFound
// unless `code` is an active leaf category.
Result<Json311> ServiceDefinitionDoc(const domain::CategoryTree& tree, std::string_view code,
                                     std::string_view node_region);

// True for the states Open311 calls "closed"; their names, for the store's status filter.
bool IsClosedState(domain::CaseState state);
std::vector<std::string> ClosedStateNames();

// One service request as GET requests shows it. `node_name` names this node as the responsible
// agency when no other node handles the case.
Json311 RequestDoc(const store::Open311Row& row, const domain::CategoryTree& tree,
                   std::string_view node_name);

// The answer to POST requests: [{"service_request_id", "service_notice", "account_id": null,
// "simpul_receipt": {...}}]. The extension field carries what the citizen needs later: the access
// code and the node-signed receipt (as POST /api/v1/complaints returns them).
Json311 PostReplyDoc(const service::SubmitResult& result);

// The spec's error list: [{"code": 403, "description": "..."}].
Json311 ErrorsDoc(int code, std::string_view description);

}  // namespace simpul::api
