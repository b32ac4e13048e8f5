#pragma once
// Cryptographically secure random values from the operating system (via libsodium). Thread-safe.
// These never fail: if the system cannot supply randomness the process aborts.

#include <cstddef>
#include <string>

#include "crypto/bytes.hpp"

namespace simpul::crypto {

// `n` uniformly random bytes.
Bytes RandomBytes(std::size_t n);

// An unguessable token: `bytes` random bytes, base64url without padding (43 chars for 32 bytes).
std::string RandomToken(std::size_t bytes = 32);

// `length` characters drawn uniformly from the Crockford base32 alphabet
// "0123456789ABCDEFGHJKMNPQRSTVWXYZ" (no I, L, O, U): 5 bits of entropy per character.
std::string RandomCode(std::size_t length);

}  // namespace simpul::crypto
