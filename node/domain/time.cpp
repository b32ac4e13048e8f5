#include "node/domain/time.hpp"

#include <cstddef>

namespace simpul::domain {
namespace {

// Reads `text` as an unsigned decimal number; false if it holds anything but digits.
bool ParseDigits(std::string_view text, int& out) {
  if (text.empty()) return false;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

void AppendPadded(std::string& out, int value, int width) {
  std::string digits = std::to_string(value);
  if (static_cast<int>(digits.size()) < width) {
    out.append(static_cast<std::size_t>(width) - digits.size(), '0');
  }
  out += digits;
}

}  // namespace

Result<std::chrono::year_month_day> ParseIsoDate(std::string_view text) {
  int y = 0;
  int m = 0;
  int d = 0;
  bool shaped = text.size() == 10 && text[4] == '-' && text[7] == '-';
  if (!shaped || !ParseDigits(text.substr(0, 4), y) || !ParseDigits(text.substr(5, 2), m) ||
      !ParseDigits(text.substr(8, 2), d)) {
    return Fail(ErrorCode::kInvalidArgument,
                "malformed date \"" + std::string(text) + "\"; expected YYYY-MM-DD");
  }
  std::chrono::year_month_day date{std::chrono::year{y},
                                   std::chrono::month{static_cast<unsigned>(m)},
                                   std::chrono::day{static_cast<unsigned>(d)}};
  if (!date.ok()) {
    return Fail(ErrorCode::kInvalidArgument, "no such date \"" + std::string(text) + "\"");
  }
  return date;
}

std::string FormatIsoDate(std::chrono::year_month_day date) {
  std::string out;
  AppendPadded(out, static_cast<int>(date.year()), 4);
  out += '-';
  AppendPadded(out, static_cast<int>(static_cast<unsigned>(date.month())), 2);
  out += '-';
  AppendPadded(out, static_cast<int>(static_cast<unsigned>(date.day())), 2);
  return out;
}

std::chrono::sys_days LocalDate(TimePoint t, std::chrono::minutes utc_offset) {
  return std::chrono::floor<std::chrono::days>(t + utc_offset);
}

}  // namespace simpul::domain
