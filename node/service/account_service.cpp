#include "node/service/account_service.hpp"

#include <algorithm>

namespace simpul::service {
namespace {

using store::Connection;

constexpr std::size_t kMinPassword = 10;

bool ValidName(std::string_view s, std::size_t min, std::size_t max, std::string_view extra) {
  if (s.size() < min || s.size() > max) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || extra.find(c) != extra.npos;
  });
}

Result<std::optional<std::int64_t>> ResolveUnit(Connection& c, std::string_view code) {
  if (code.empty()) return std::optional<std::int64_t>();
  auto unit = store::AccountStore::FindUnit(c, code);
  if (!unit) return tl::unexpected(unit.error());
  return std::optional<std::int64_t>(unit->id);
}

}  // namespace

AccountService::AccountService(store::Database& db, Clock clock, crypto::PasswordHashCost cost)
    : db_(db), clock_(std::move(clock)), cost_(cost) {}

Result<store::Database::Job<store::UserRecord>> AccountService::CreateUserJob(NewUser u) {
  if (!ValidName(u.username, 3, 64, "._-")) {
    return Fail(ErrorCode::kInvalidArgument,
                "username: 3–64 characters of a-z, 0-9, '.', '_' or '-'");
  }
  if (u.password.size() < kMinPassword) {
    return Fail(ErrorCode::kInvalidArgument, "password: at least 10 characters");
  }
  if (u.role == Role::kUnitOfficer && u.unit_code.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "unit: a unit officer needs a unit");
  }
  if (u.display_name.size() > 120) {
    return Fail(ErrorCode::kInvalidArgument, "display_name: at most 120 bytes");
  }
  auto hash = crypto::HashPassword(u.password, cost_);
  if (!hash) return tl::unexpected(hash.error());
  std::fill(u.password.begin(), u.password.end(), '\0');
  store::UserRecord rec;
  rec.username = u.username;
  rec.display_name = u.display_name.empty() ? u.username : u.display_name;
  rec.password_hash = std::move(*hash);
  rec.role = std::string(Name(u.role));
  rec.created_at = clock_();
  return [rec, unit_code = u.unit_code](Connection& c) mutable -> Result<store::UserRecord> {
    auto unit = ResolveUnit(c, unit_code);
    if (!unit) return tl::unexpected(unit.error());
    rec.unit_id = *unit;
    auto id = store::AccountStore::InsertUser(c, rec);
    if (!id) return tl::unexpected(id.error());
    return store::AccountStore::FindUser(c, rec.username);
  };
}

Result<store::Database::Job<store::UserRecord>> AccountService::UpdateUserJob(std::string username,
                                                                              UserUpdate u) {
  std::optional<std::string> hash;
  if (u.password) {
    if (u.password->size() < kMinPassword) {
      return Fail(ErrorCode::kInvalidArgument, "password: at least 10 characters");
    }
    auto h = crypto::HashPassword(*u.password, cost_);
    if (!h) return tl::unexpected(h.error());
    hash = std::move(*h);
  }
  const domain::TimePoint now = clock_();
  return [username, u, hash, now](Connection& c) -> Result<store::UserRecord> {
    auto user = store::AccountStore::FindUser(c, username);
    if (!user) return tl::unexpected(user.error());
    if (u.role || u.unit_code) {
      std::string role = u.role ? std::string(Name(*u.role)) : user->role;
      auto unit = u.unit_code ? ResolveUnit(c, *u.unit_code)
                              : Result<std::optional<std::int64_t>>(user->unit_id);
      if (!unit) return tl::unexpected(unit.error());
      if (role == Name(Role::kUnitOfficer) && !*unit) {
        return Fail(ErrorCode::kInvalidArgument, "unit: a unit officer needs a unit");
      }
      if (auto r = store::AccountStore::SetRole(c, user->id, role, *unit, now); !r) {
        return tl::unexpected(r.error());
      }
    }
    if (u.disabled) {
      if (auto r = store::AccountStore::SetDisabled(c, user->id, *u.disabled, now); !r) {
        return tl::unexpected(r.error());
      }
    }
    if (hash) {
      if (auto r = store::AccountStore::SetPassword(c, user->id, *hash, now); !r) {
        return tl::unexpected(r.error());
      }
    }
    if (auto r = store::AccountStore::RevokeUserSessions(c, user->id); !r) {
      return tl::unexpected(r.error());
    }
    return store::AccountStore::FindUser(c, username);
  };
}

Result<store::Database::Job<store::UnitRecord>> AccountService::CreateUnitJob(NewUnit unit) {
  if (!ValidName(unit.code, 2, 32, "_-")) {
    return Fail(ErrorCode::kInvalidArgument, "code: 2–32 characters of a-z, 0-9, '_' or '-'");
  }
  if (unit.name.empty() || unit.name.size() > 200) {
    return Fail(ErrorCode::kInvalidArgument, "name: 1–200 bytes");
  }
  store::UnitRecord rec{0, unit.code, unit.name, clock_()};
  return [rec](Connection& c) -> Result<store::UnitRecord> {
    auto id = store::AccountStore::InsertUnit(c, rec);
    if (!id) return tl::unexpected(id.error());
    return store::AccountStore::FindUnit(c, rec.code);
  };
}

boost::asio::awaitable<Result<store::UserRecord>> AccountService::CreateUser(NewUser user) {
  auto job = CreateUserJob(std::move(user));
  if (!job) co_return tl::unexpected(job.error());
  co_return co_await db_.Write<store::UserRecord>(std::move(*job));
}

Result<store::UserRecord> AccountService::CreateUserSync(NewUser user) {
  auto job = CreateUserJob(std::move(user));
  if (!job) return tl::unexpected(job.error());
  return db_.WriteSync<store::UserRecord>(std::move(*job));
}

boost::asio::awaitable<Result<store::UserRecord>> AccountService::UpdateUser(std::string username,
                                                                             UserUpdate update) {
  auto job = UpdateUserJob(std::move(username), std::move(update));
  if (!job) co_return tl::unexpected(job.error());
  co_return co_await db_.Write<store::UserRecord>(std::move(*job));
}

Result<store::UserRecord> AccountService::UpdateUserSync(std::string username, UserUpdate update) {
  auto job = UpdateUserJob(std::move(username), std::move(update));
  if (!job) return tl::unexpected(job.error());
  return db_.WriteSync<store::UserRecord>(std::move(*job));
}

boost::asio::awaitable<Result<std::vector<store::UserRecord>>> AccountService::ListUsers() {
  co_return co_await db_.Read<std::vector<store::UserRecord>>(
      [](Connection& c) { return store::AccountStore::Users(c); });
}

Result<std::vector<store::UserRecord>> AccountService::ListUsersSync() {
  return db_.ReadSync<std::vector<store::UserRecord>>(
      [](Connection& c) { return store::AccountStore::Users(c); });
}

boost::asio::awaitable<Result<store::UnitRecord>> AccountService::CreateUnit(NewUnit unit) {
  auto job = CreateUnitJob(std::move(unit));
  if (!job) co_return tl::unexpected(job.error());
  co_return co_await db_.Write<store::UnitRecord>(std::move(*job));
}

Result<store::UnitRecord> AccountService::CreateUnitSync(NewUnit unit) {
  auto job = CreateUnitJob(std::move(unit));
  if (!job) return tl::unexpected(job.error());
  return db_.WriteSync<store::UnitRecord>(std::move(*job));
}

boost::asio::awaitable<Result<std::vector<store::UnitRecord>>> AccountService::ListUnits() {
  co_return co_await db_.Read<std::vector<store::UnitRecord>>(
      [](Connection& c) { return store::AccountStore::Units(c); });
}

Result<std::vector<store::UnitRecord>> AccountService::ListUnitsSync() {
  return db_.ReadSync<std::vector<store::UnitRecord>>(
      [](Connection& c) { return store::AccountStore::Units(c); });
}

}  // namespace simpul::service
