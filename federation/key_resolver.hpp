#pragma once
// Where envelope verification learns which public key a sender used. The signed directory
// implements it; tests implement it with a fixed table.

#include <cstdint>
#include <string_view>

#include "crypto/ed25519.hpp"
#include "crypto/result.hpp"

namespace simpul::federation {

enum class KeyUse { kMessage, kLog };

class KeyResolver {
 public:
  virtual ~KeyResolver() = default;
  // The public key `kid` of node `node_id` for `use`, if that key was valid at `at_ms` (Unix ms):
  // status active, next, or retired with not_after > at_ms; never a revoked key whose revoked_at
  // <= at_ms. Fails kNotFound for an unknown node or kid, kPermissionDenied for a key not valid
  // at that time (the message names why: revoked, expired, not yet valid).
  virtual Result<crypto::Ed25519PublicKey> KeyFor(std::string_view node_id, std::string_view kid,
                                                  KeyUse use, std::int64_t at_ms) const = 0;
};

}  // namespace simpul::federation
