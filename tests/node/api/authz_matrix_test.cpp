// The authorisation matrix: every route of the real route table × (no session and each role) is
// dispatched, and the router's decision must match the expected access below. A route added
// without a reviewed row here fails RouteTableMatchesTheMatrix.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "node/api/escalation_routes.hpp"
#include "node/api/monitor_routes.hpp"
#include "node/api/open311_routes.hpp"
#include "node/api/routes.hpp"
#include "node/api/web_routes.hpp"
#include "node/http/router.hpp"
#include "tests/node/service/service_test_support.hpp"

namespace simpul::api {
namespace {

using service::Role;
using Roles = std::set<Role>;

const Roles kAnyStaff = {Role::kVerifier, Role::kUnitOfficer, Role::kSupervisor, Role::kNodeAdmin,
                         Role::kAuditor};
const Roles kCaseTriage = {Role::kVerifier, Role::kSupervisor, Role::kNodeAdmin};
const Roles kCaseHandling = {Role::kUnitOfficer, Role::kSupervisor, Role::kNodeAdmin};
const Roles kMonitoring = {Role::kNodeAdmin, Role::kSupervisor, Role::kAuditor};

// nullopt: public. Otherwise the roles admitted.
const std::map<std::string, std::optional<Roles>>& ExpectedMatrix() {
  static const std::map<std::string, std::optional<Roles>> kMatrix = {
      {"healthz", std::nullopt},
      {"readyz", std::nullopt},
      {"metrics", std::nullopt},
      {"node_info", std::nullopt},
      {"categories", std::nullopt},
      {"regions", std::nullopt},
      {"complaint_submit", std::nullopt},
      {"complaint_track", std::nullopt},
      {"complaint_reply", std::nullopt},
      {"public_feed", std::nullopt},
      {"auth_login", std::nullopt},
      {"auth_logout", kAnyStaff},
      {"auth_me", kAnyStaff},
      {"case_list", kAnyStaff},
      {"case_get", kAnyStaff},
      {"stats", kAnyStaff},
      {"unit_list", kAnyStaff},
      {"case_attachment",
       Roles{Role::kVerifier, Role::kUnitOfficer, Role::kSupervisor, Role::kNodeAdmin}},
      {"case_verify", kCaseTriage},
      {"case_request_info", kCaseTriage},
      {"case_provide_info", kCaseTriage},
      {"case_archive", kCaseTriage},
      {"case_classify", kCaseTriage},
      {"case_dispose", kCaseTriage},
      {"case_forward", kCaseTriage},
      {"case_decline", kCaseTriage},
      {"case_escalate", kCaseTriage},
      {"case_respond", kCaseHandling},
      {"case_resolve", kCaseHandling},
      {"case_close", Roles{Role::kSupervisor, Role::kNodeAdmin}},
      {"case_erase_identity", Roles{Role::kNodeAdmin}},
      {"user_list", Roles{Role::kSupervisor, Role::kNodeAdmin}},
      {"user_create", Roles{Role::kNodeAdmin}},
      {"user_update", Roles{Role::kNodeAdmin}},
      {"unit_create", Roles{Role::kNodeAdmin}},
      {"category_create", Roles{Role::kNodeAdmin}},
      {"fed_escalations", kMonitoring},
      {"monitor_escalations", kMonitoring},
      // The coordinator's national monitoring API (registered below as the coordinator does).
      {"monitor_nodes", kMonitoring},
      {"monitor_node", kMonitoring},
      {"monitor_sla", kMonitoring},
      {"monitor_trends", kMonitoring},
      // The web UI's static files.
      {"web_portal", std::nullopt},
      {"web_staff", std::nullopt},
      {"web_dashboard", std::nullopt},
      {"web_js", std::nullopt},
      {"web_vendor", std::nullopt},
      {"web_assets", std::nullopt},
      // The Open311 facade: public (filing checks its own api_key); its keys are node-admin only.
      {"open311_discovery_json", std::nullopt},
      {"open311_discovery_xml", std::nullopt},
      {"open311_services_json", std::nullopt},
      {"open311_services_xml", std::nullopt},
      {"open311_service_definition", std::nullopt},
      {"open311_requests_json", std::nullopt},
      {"open311_requests_xml", std::nullopt},
      {"open311_request", std::nullopt},
      {"open311_submit_json", std::nullopt},
      {"open311_submit_xml", std::nullopt},
      // The spec-format 404 and 405 under /open311/v2/, one route per method.
      {"open311_unmatched_get", std::nullopt},
      {"open311_unmatched_post", std::nullopt},
      {"open311_unmatched_put", std::nullopt},
      {"open311_unmatched_patch", std::nullopt},
      {"open311_unmatched_delete", std::nullopt},
      {"open311_unmatched_options", std::nullopt},
      {"open311_unmatched_other", std::nullopt},
      {"open311_key_list", Roles{Role::kNodeAdmin}},
      {"open311_key_create", Roles{Role::kNodeAdmin}},
      {"open311_key_revoke", Roles{Role::kNodeAdmin}},
  };
  return kMatrix;
}

// Fills the {param} segments of a pattern with plausible values.
std::string PathFor(const std::string& pattern) {
  std::string out;
  size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] == '{') {
      size_t end = pattern.find('}', i);
      out += "KAB3204-000001";
      i = end + 1;
    } else {
      out += pattern[i++];
    }
  }
  return out;
}

class AuthzMatrixTest : public service::testing::ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    auth_ = std::make_unique<service::AuthService>(*db_, clock_, std::chrono::minutes(60));
    ctx_ = std::make_unique<ApiContext>(
        ApiContext{*cases_, *auth_, *accounts_, *catalog_, *db_, metrics_, clock_, NodeInfo{},
                   [] { return true; }, 40 << 20, /*extra_metrics=*/{}});
    // Tokens name a role, so each caller is exactly one role.
    router_ = std::make_unique<http::Router>(
        [](std::string token) -> boost::asio::awaitable<Result<service::Principal>> {
          auto role = service::ParseRole(token);
          if (!role) co_return Fail(ErrorCode::kUnauthenticated, "unknown token");
          co_return service::Principal{7, "tester", *role, std::optional<std::int64_t>(1), "u1"};
        });
    AddAllRoutes(*router_, *ctx_);
    escalations_ = std::make_unique<EscalationApi>(EscalationApi{*db_, /*coordinator=*/true});
    AddEscalationRoutes(*router_, *escalations_);
    monitor_ = std::make_unique<MonitorApi>(MonitorApi{
        *db_, [] { return std::shared_ptr<const federation::Directory>(); }, clock_, {}});
    AddMonitorRoutes(*router_, *monitor_);
    AddWebRoutes(*router_, web_);
    open311_keys_ = std::make_unique<service::Open311Keys>(*db_, clock_, 60);
    open311_ = std::make_unique<Open311Api>(
        Open311Api{*cases_, *open311_keys_, *catalog_, *db_, clock_, "node", "32.04", {}});
    AddOpen311Routes(*router_, *open311_);
  }

  // Dispatches `route` as `role` (nullopt: no session) and returns the response.
  http::ApiResponse Call(const http::Route& route, std::optional<Role> role) {
    http::ApiRequest req;
    req.method = route.method;
    req.path = PathFor(route.pattern);
    req.content_type = "application/json";
    req.body = "{}";
    if (role) req.bearer_token = std::string(service::Name(*role));
    const http::Route* matched = router_->Match(req.method, req.path, &req.params);
    EXPECT_EQ(matched, &route) << route.name;
    return simpul::testing::RunAwait(io_, router_->Dispatch(req, matched));
  }

  http::Metrics metrics_;
  std::unique_ptr<service::AuthService> auth_;
  std::unique_ptr<ApiContext> ctx_;
  std::unique_ptr<MonitorApi> monitor_;
  std::unique_ptr<http::Router> router_;
  std::unique_ptr<EscalationApi> escalations_;
  http::StaticSite web_;
  std::unique_ptr<service::Open311Keys> open311_keys_;
  std::unique_ptr<Open311Api> open311_;
};

bool DeniedByRouter(const http::ApiResponse& r) {
  return r.status == 403 && r.body.find("may not use") != std::string::npos;
}

TEST_F(AuthzMatrixTest, RouteTableMatchesTheMatrix) {
  std::set<std::string> in_table;
  for (const auto& route : router_->routes()) {
    EXPECT_TRUE(in_table.insert(route.name).second) << "duplicate route name " << route.name;
    auto row = ExpectedMatrix().find(route.name);
    ASSERT_NE(row, ExpectedMatrix().end())
        << "route " << route.name << " (" << route.pattern << ") has no row in the matrix";
    EXPECT_EQ(route.access.kind == http::Access::Kind::kPublic, !row->second.has_value())
        << route.name;
    if (row->second) {
      EXPECT_EQ(Roles(route.access.roles.begin(), route.access.roles.end()), *row->second)
          << route.name;
    }
  }
  for (const auto& [name, access] : ExpectedMatrix()) {
    EXPECT_TRUE(in_table.count(name)) << "matrix row " << name << " has no route";
  }
}

TEST_F(AuthzMatrixTest, EveryRouteAndCallerGetsTheExpectedDecision) {
  int checked = 0;
  for (const auto& route : router_->routes()) {
    const auto& expected = ExpectedMatrix().at(route.name);
    auto anonymous = Call(route, std::nullopt);
    if (!expected) {
      EXPECT_NE(anonymous.status, 401) << route.name;
      EXPECT_FALSE(DeniedByRouter(anonymous)) << route.name;
    } else {
      EXPECT_EQ(anonymous.status, 401) << route.name;
    }
    ++checked;
    if (!expected) continue;
    for (Role role : service::AllRoles()) {
      auto r = Call(route, role);
      if (expected->count(role)) {
        EXPECT_NE(r.status, 401) << route.name << " as " << service::Name(role);
        EXPECT_FALSE(DeniedByRouter(r)) << route.name << " as " << service::Name(role);
      } else {
        EXPECT_TRUE(DeniedByRouter(r))
            << route.name << " as " << service::Name(role) << " got " << r.status << " " << r.body;
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 100);
}

}  // namespace
}  // namespace simpul::api
