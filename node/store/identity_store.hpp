#pragma once
// SQL for sealed reporter identities, kept apart from case content. Stateless; see CaseStore.
// The row holds the identity sealed under a per-case key and that key sealed ("wrapped") under the
// node data key. Erase() drops the wrapped key: the identity becomes unreadable forever while the
// case and its history stay intact (crypto-shredding).

#include <cstdint>
#include <optional>
#include <vector>

#include "node/domain/time.hpp"
#include "node/store/connection.hpp"

namespace simpul::store {

struct SealedIdentity {
  std::optional<std::vector<std::uint8_t>> wrapped_key;  // unset once erased
  std::vector<std::uint8_t> sealed;
  std::optional<domain::TimePoint> erased_at;
};

class IdentityStore {
 public:
  static Result<void> Insert(Connection& c, std::int64_t case_id,
                             std::span<const std::uint8_t> wrapped_key,
                             std::span<const std::uint8_t> sealed);
  // Fails kNotFound when the case has no identity (anonymous without contact details).
  static Result<SealedIdentity> Find(Connection& c, std::int64_t case_id);
  // Fails kNotFound when there is nothing to erase.
  static Result<void> Erase(Connection& c, std::int64_t case_id, domain::TimePoint now);
};

}  // namespace simpul::store
