// Node administration routes: work units, staff accounts, local categories.
#include <nlohmann/json.hpp>

#include "node/api/case_json.hpp"
#include "node/api/json_body.hpp"
#include "node/api/routes.hpp"

namespace simpul::api {
namespace {

using http::Access;
using http::ApiRequest;
using http::ApiResponse;
using http::Method;
using nlohmann::json;
using service::Role;
using Reply = boost::asio::awaitable<ApiResponse>;

json UserRecordJson(const store::UserRecord& u) {
  return json{
      {"username", u.username}, {"display_name", u.display_name},
      {"role", u.role},         {"unit", u.unit_code.empty() ? json(nullptr) : json(u.unit_code)},
      {"disabled", u.disabled}, {"created_at", FormatTime(u.created_at)}};
}

json UnitJson(const store::UnitRecord& u) {
  return json{{"code", u.code}, {"name", u.name}, {"created_at", FormatTime(u.created_at)}};
}

Result<Role> RoleField(const json& body, bool required) {
  auto role = StringField(body, "role", 40, required);
  if (!role) return tl::unexpected(role.error());
  auto parsed = service::ParseRole(*role);
  if (!parsed) {
    return Fail(ErrorCode::kInvalidArgument,
                "role: one of verifier, unit_officer, supervisor, node_admin, auditor");
  }
  return *parsed;
}

Result<service::UserUpdate> UserUpdateFromJson(const json& body) {
  service::UserUpdate u;
  if (body.contains("role")) {
    auto role = RoleField(body, true);
    if (!role) return tl::unexpected(role.error());
    u.role = *role;
  }
  if (body.contains("unit")) {
    auto unit = StringField(body, "unit", 32, false);
    if (!unit) return tl::unexpected(unit.error());
    u.unit_code = *unit;
  }
  auto disabled = BoolField(body, "disabled");
  if (!disabled) return tl::unexpected(disabled.error());
  u.disabled = *disabled;
  if (body.contains("password")) {
    auto password = StringField(body, "password", 1024, true);
    if (!password) return tl::unexpected(password.error());
    u.password = *password;
  }
  return u;
}

}  // namespace

void AddAdminRoutes(http::Router& router, ApiContext& ctx) {
  const auto admin = Access::Roles({Role::kNodeAdmin});
  router.Add({Method::kGet, "/api/v1/units", Access::AnyStaff(), "unit_list",
              [&ctx](ApiRequest&) -> Reply {
                auto units = co_await ctx.accounts.ListUnits();
                if (!units) co_return ApiResponse::FromError(units.error());
                json items = json::array();
                for (const auto& u : *units) items.push_back(UnitJson(u));
                co_return ApiResponse::Json(200, {{"items", std::move(items)}});
              }});
  router.Add(
      {Method::kPost, "/api/v1/units", admin, "unit_create", [&ctx](ApiRequest& req) -> Reply {
         auto body = ParseJsonObject(req);
         if (!body) co_return ApiResponse::FromError(body.error());
         auto code = StringField(*body, "code", 32, true);
         auto name = StringField(*body, "name", 200, true);
         if (!code) co_return ApiResponse::FromError(code.error());
         if (!name) co_return ApiResponse::FromError(name.error());
         service::NewUnit new_unit{std::move(*code), std::move(*name)};
         auto unit = co_await ctx.accounts.CreateUnit(std::move(new_unit));
         if (!unit) co_return ApiResponse::FromError(unit.error());
         co_return ApiResponse::Json(201, UnitJson(*unit));
       }});
  router.Add({Method::kGet, "/api/v1/users", Access::Roles({Role::kNodeAdmin, Role::kSupervisor}),
              "user_list", [&ctx](ApiRequest&) -> Reply {
                auto users = co_await ctx.accounts.ListUsers();
                if (!users) co_return ApiResponse::FromError(users.error());
                json items = json::array();
                for (const auto& u : *users) items.push_back(UserRecordJson(u));
                co_return ApiResponse::Json(200, {{"items", std::move(items)}});
              }});
  router.Add(
      {Method::kPost, "/api/v1/users", admin, "user_create", [&ctx](ApiRequest& req) -> Reply {
         auto body = ParseJsonObject(req);
         if (!body) co_return ApiResponse::FromError(body.error());
         auto username = StringField(*body, "username", 64, true);
         auto display = StringField(*body, "display_name", 120, false);
         auto password = StringField(*body, "password", 1024, true);
         auto unit = StringField(*body, "unit", 32, false);
         auto role = RoleField(*body, true);
         for (const Error* e :
              {username ? nullptr : &username.error(), display ? nullptr : &display.error(),
               password ? nullptr : &password.error(), unit ? nullptr : &unit.error(),
               role ? nullptr : &role.error()}) {
           if (e != nullptr) co_return ApiResponse::FromError(*e);
         }
         service::NewUser new_user{*username, *display, *password, *role, *unit};
         auto user = co_await ctx.accounts.CreateUser(std::move(new_user));
         if (!user) co_return ApiResponse::FromError(user.error());
         co_return ApiResponse::Json(201, UserRecordJson(*user));
       }});
  router.Add({Method::kPatch, "/api/v1/users/{username}", admin, "user_update",
              [&ctx](ApiRequest& req) -> Reply {
                auto body = ParseJsonObject(req);
                if (!body) co_return ApiResponse::FromError(body.error());
                auto update = UserUpdateFromJson(*body);
                if (!update) co_return ApiResponse::FromError(update.error());
                std::string username = req.Param("username");
                auto user = co_await ctx.accounts.UpdateUser(std::move(username), *update);
                if (!user) co_return ApiResponse::FromError(user.error());
                co_return ApiResponse::Json(200, UserRecordJson(*user));
              }});
  router.Add({Method::kPost, "/api/v1/categories", admin, "category_create",
              [&ctx](ApiRequest& req) -> Reply {
                auto body = ParseJsonObject(req);
                if (!body) co_return ApiResponse::FromError(body.error());
                domain::Category cat;
                auto code = StringField(*body, "code", 100, true);
                auto parent = StringField(*body, "parent", 100, true);
                auto name_id = StringField(*body, "name_id", 100, true);
                auto name_en = StringField(*body, "name_en", 100, false);
                for (const Error* e :
                     {code ? nullptr : &code.error(), parent ? nullptr : &parent.error(),
                      name_id ? nullptr : &name_id.error(), name_en ? nullptr : &name_en.error()}) {
                  if (e != nullptr) co_return ApiResponse::FromError(*e);
                }
                cat.code = *code;
                cat.parent = *parent;
                cat.name_id = *name_id;
                cat.name_en = *name_en;
                auto added = co_await ctx.catalog.AddLocalCategory(cat);
                if (!added) co_return ApiResponse::FromError(added.error());
                co_return ApiResponse::Json(201, {{"code", added->code},
                                                  {"parent", added->parent},
                                                  {"name_id", added->name_id},
                                                  {"name_en", added->name_en}});
              }});
}

}  // namespace simpul::api
