#include "crypto/sodium.hpp"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace simpul::crypto::internal {

void EnsureSodium() { CheckOrDie(sodium_init() >= 0, "libsodium failed to initialise"); }

void CheckOrDie(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "simpul::crypto: fatal: %s\n", what);
  std::abort();
}

}  // namespace simpul::crypto::internal
