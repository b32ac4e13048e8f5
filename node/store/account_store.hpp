#pragma once
// SQL for staff accounts, their sessions and the node's work units. Stateless; see CaseStore.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "node/domain/time.hpp"
#include "node/store/connection.hpp"

namespace simpul::store {

struct UnitRecord {
  std::int64_t id = 0;
  std::string code, name;
  domain::TimePoint created_at;
};

struct UserRecord {
  std::int64_t id = 0;
  std::string username, display_name, password_hash, role;
  std::optional<std::int64_t> unit_id;
  std::string unit_code;
  bool disabled = false;
  domain::TimePoint created_at;
};

struct SessionRecord {
  UserRecord user;
  domain::TimePoint expires_at;
  bool revoked = false;
};

class AccountStore {
 public:
  // Fails kConflict when the code exists.
  static Result<std::int64_t> InsertUnit(Connection& c, const UnitRecord& unit);
  static Result<std::vector<UnitRecord>> Units(Connection& c);
  // Fails kNotFound for an unknown code.
  static Result<UnitRecord> FindUnit(Connection& c, std::string_view code);

  // Fails kConflict when the username exists.
  static Result<std::int64_t> InsertUser(Connection& c, const UserRecord& user);
  static Result<std::vector<UserRecord>> Users(Connection& c);
  // Fails kNotFound for an unknown username.
  static Result<UserRecord> FindUser(Connection& c, std::string_view username);
  static Result<void> SetPassword(Connection& c, std::int64_t user_id, std::string_view hash,
                                  domain::TimePoint now);
  static Result<void> SetDisabled(Connection& c, std::int64_t user_id, bool disabled,
                                  domain::TimePoint now);
  static Result<void> SetRole(Connection& c, std::int64_t user_id, std::string_view role,
                              std::optional<std::int64_t> unit_id, domain::TimePoint now);

  static Result<void> InsertSession(Connection& c, std::span<const std::uint8_t> token_hash,
                                    std::int64_t user_id, domain::TimePoint now,
                                    domain::TimePoint expires_at);
  // Fails kNotFound when no session has that token hash.
  static Result<SessionRecord> FindSession(Connection& c, std::span<const std::uint8_t> token_hash);
  static Result<void> RevokeSession(Connection& c, std::span<const std::uint8_t> token_hash);
  static Result<void> RevokeUserSessions(Connection& c, std::int64_t user_id);
};

}  // namespace simpul::store
