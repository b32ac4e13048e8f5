#pragma once
// Internal to simpul::crypto: library start-up and invariant checks shared by its .cpp files.

namespace simpul::crypto::internal {

// Initialises libsodium. Idempotent and thread-safe; call before any libsodium function that
// needs it (random numbers, key generation, optimised primitives). Aborts if libsodium cannot
// start, because no cryptography is possible then.
void EnsureSodium();

// Aborts with `what` on stderr unless `ok`. For broken invariants and programmer errors only,
// never for input.
void CheckOrDie(bool ok, const char* what);

}  // namespace simpul::crypto::internal
