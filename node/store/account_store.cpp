#include "node/store/account_store.hpp"

#include <chrono>

namespace simpul::store {
namespace {

using domain::TimePoint;
std::int64_t Millis(TimePoint t) { return t.time_since_epoch().count(); }
TimePoint FromMillis(std::int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

constexpr std::string_view kUserSelect =
    "SELECT s.id, s.username, s.display_name, s.password_hash, s.role, s.unit_id, u.code, "
    "s.disabled, s.created_at FROM users s LEFT JOIN units u ON u.id = s.unit_id ";

UserRecord ReadUser(const Statement& s, int first = 0) {
  UserRecord u;
  u.id = s.Int(first);
  u.username = s.Text(first + 1);
  u.display_name = s.Text(first + 2);
  u.password_hash = s.Text(first + 3);
  u.role = s.Text(first + 4);
  u.unit_id = s.OptionalInt(first + 5);
  u.unit_code = s.Text(first + 6);
  u.disabled = s.Int(first + 7) != 0;
  u.created_at = FromMillis(s.Int(first + 8));
  return u;
}

Result<void> RunOne(Connection& c, std::string_view sql, auto&&... args) {
  auto s = c.Prepare(sql);
  if (!s) return tl::unexpected(s.error());
  s->BindAll(args...);
  return s->Run();
}

}  // namespace

Result<std::int64_t> AccountStore::InsertUnit(Connection& c, const UnitRecord& unit) {
  auto r = RunOne(c, "INSERT INTO units(code, name, created_at) VALUES (?,?,?)", unit.code,
                  unit.name, Millis(unit.created_at));
  if (!r) {
    if (r.error().code == ErrorCode::kConflict) {
      return Fail(ErrorCode::kConflict, "a unit with code " + unit.code + " exists");
    }
    return tl::unexpected(r.error());
  }
  return c.LastInsertRowId();
}

Result<std::vector<UnitRecord>> AccountStore::Units(Connection& c) {
  auto s = c.Prepare("SELECT id, code, name, created_at FROM units ORDER BY code");
  if (!s) return tl::unexpected(s.error());
  std::vector<UnitRecord> out;
  for (;;) {
    auto row = s->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return out;
    out.push_back(UnitRecord{s->Int(0), s->Text(1), s->Text(2), FromMillis(s->Int(3))});
  }
}

Result<UnitRecord> AccountStore::FindUnit(Connection& c, std::string_view code) {
  auto s = c.Prepare("SELECT id, code, name, created_at FROM units WHERE code = ?");
  if (!s) return tl::unexpected(s.error());
  s->Bind(1, code);
  auto row = s->Step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return Fail(ErrorCode::kNotFound, "no unit with code " + std::string(code));
  return UnitRecord{s->Int(0), s->Text(1), s->Text(2), FromMillis(s->Int(3))};
}

Result<std::int64_t> AccountStore::InsertUser(Connection& c, const UserRecord& u) {
  auto r = RunOne(c,
                  "INSERT INTO users(username, display_name, password_hash, role, unit_id, "
                  "disabled, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
                  u.username, u.display_name, u.password_hash, u.role, u.unit_id, u.disabled,
                  Millis(u.created_at), Millis(u.created_at));
  if (!r) {
    if (r.error().code == ErrorCode::kConflict) {
      return Fail(ErrorCode::kConflict, "user " + u.username + " exists");
    }
    return tl::unexpected(r.error());
  }
  return c.LastInsertRowId();
}

Result<std::vector<UserRecord>> AccountStore::Users(Connection& c) {
  auto s = c.Prepare(std::string(kUserSelect) + "ORDER BY s.username");
  if (!s) return tl::unexpected(s.error());
  std::vector<UserRecord> out;
  for (;;) {
    auto row = s->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return out;
    out.push_back(ReadUser(*s));
  }
}

Result<UserRecord> AccountStore::FindUser(Connection& c, std::string_view username) {
  auto s = c.Prepare(std::string(kUserSelect) + "WHERE s.username = ?");
  if (!s) return tl::unexpected(s.error());
  s->Bind(1, username);
  auto row = s->Step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return Fail(ErrorCode::kNotFound, "no user " + std::string(username));
  return ReadUser(*s);
}

Result<void> AccountStore::SetPassword(Connection& c, std::int64_t user_id, std::string_view hash,
                                       TimePoint now) {
  return RunOne(c, "UPDATE users SET password_hash=?, updated_at=? WHERE id=?", hash, Millis(now),
                user_id);
}

Result<void> AccountStore::SetDisabled(Connection& c, std::int64_t user_id, bool disabled,
                                       TimePoint now) {
  return RunOne(c, "UPDATE users SET disabled=?, updated_at=? WHERE id=?", disabled, Millis(now),
                user_id);
}

Result<void> AccountStore::SetRole(Connection& c, std::int64_t user_id, std::string_view role,
                                   std::optional<std::int64_t> unit_id, TimePoint now) {
  return RunOne(c, "UPDATE users SET role=?, unit_id=?, updated_at=? WHERE id=?", role, unit_id,
                Millis(now), user_id);
}

Result<void> AccountStore::InsertSession(Connection& c, std::span<const std::uint8_t> token_hash,
                                         std::int64_t user_id, TimePoint now,
                                         TimePoint expires_at) {
  return RunOne(c,
                "INSERT INTO sessions(token_hash, user_id, created_at, expires_at) "
                "VALUES (?,?,?,?)",
                token_hash, user_id, Millis(now), Millis(expires_at));
}

Result<SessionRecord> AccountStore::FindSession(Connection& c,
                                                std::span<const std::uint8_t> token_hash) {
  auto s = c.Prepare(
      "SELECT x.expires_at, x.revoked, s.id, s.username, s.display_name, s.password_hash, "
      "s.role, s.unit_id, u.code, s.disabled, s.created_at FROM sessions x "
      "JOIN users s ON s.id = x.user_id LEFT JOIN units u ON u.id = s.unit_id "
      "WHERE x.token_hash = ?");
  if (!s) return tl::unexpected(s.error());
  s->Bind(1, token_hash);
  auto row = s->Step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return Fail(ErrorCode::kNotFound, "no such session");
  SessionRecord rec;
  rec.expires_at = FromMillis(s->Int(0));
  rec.revoked = s->Int(1) != 0;
  rec.user = ReadUser(*s, 2);
  return rec;
}

Result<void> AccountStore::RevokeSession(Connection& c, std::span<const std::uint8_t> token_hash) {
  return RunOne(c, "UPDATE sessions SET revoked=1 WHERE token_hash=?", token_hash);
}

Result<void> AccountStore::RevokeUserSessions(Connection& c, std::int64_t user_id) {
  return RunOne(c, "UPDATE sessions SET revoked=1 WHERE user_id=?", user_id);
}

}  // namespace simpul::store
