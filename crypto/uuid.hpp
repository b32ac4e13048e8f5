#pragma once
// UUID version 7 (RFC 9562 §5.7): 48-bit Unix time in milliseconds, then random bits, so ids sort
// by creation time. Thread-safe.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace simpul::crypto {

// A new UUIDv7 for time `now`, lower-case "xxxxxxxx-xxxx-7xxx-Vxxx-xxxxxxxxxxxx" (V in 8..b).
// Ids from different milliseconds sort (as strings) by time; within one millisecond their order
// is random. Precondition (aborts if broken): `now` is not before 1970.
std::string NewUuidV7(std::chrono::system_clock::time_point now);

// The Unix milliseconds embedded in `uuid`, or nullopt unless it is a lower-case canonical UUID
// with version 7 and variant 10.
std::optional<std::int64_t> UuidV7Millis(std::string_view uuid);

}  // namespace simpul::crypto
