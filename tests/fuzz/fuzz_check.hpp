#pragma once
// Invariant checks for fuzz targets. A broken invariant aborts, which libFuzzer reports as a crash
// with the input saved, and the corpus replay reports as a failed test. Unlike assert, it stays on
// in release builds.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace simpul::fuzz {

// Aborts with `what` on stderr unless `condition` holds.
inline void Require(bool condition, std::string_view what) {
  if (condition) return;
  std::fprintf(stderr, "fuzz invariant broken: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

inline std::string_view AsText(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace simpul::fuzz
