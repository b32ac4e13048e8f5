#pragma once
// Time types shared by the domain model. The domain never reads a clock: every function that
// needs "now" takes it as a parameter.

#include <chrono>
#include <string>
#include <string_view>

#include "crypto/result.hpp"

namespace simpul::domain {

// An instant in UTC with millisecond precision (the precision of envelope `created_at`).
using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;

// The fixed UTC offsets of Indonesia's three time zones; Indonesia has no daylight saving.
inline constexpr std::chrono::minutes kWib{7 * 60};   // Waktu Indonesia Barat
inline constexpr std::chrono::minutes kWita{8 * 60};  // Waktu Indonesia Tengah
inline constexpr std::chrono::minutes kWit{9 * 60};   // Waktu Indonesia Timur

// Parses an ISO 8601 calendar date "YYYY-MM-DD" (exactly that form). Fails with
// kInvalidArgument naming `text` if it is malformed or not a real date (e.g. "2026-02-30").
Result<std::chrono::year_month_day> ParseIsoDate(std::string_view text);

// Formats a valid date as "YYYY-MM-DD" (years 0000–9999).
std::string FormatIsoDate(std::chrono::year_month_day date);

// The calendar date at `utc_offset` on which instant `t` falls.
std::chrono::sys_days LocalDate(TimePoint t, std::chrono::minutes utc_offset);

}  // namespace simpul::domain
