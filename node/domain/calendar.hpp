#pragma once
// Working-day arithmetic for the statutory clocks. A node has one fixed UTC offset (WIB +7,
// WITA +8, WIT +9; no daylight saving) and one holiday list (national holidays and cuti bersama,
// distributed by the coordinator). A working day is a local Monday–Friday that is not a holiday;
// working time is the wall time that falls on working days.
//
//   WorkingCalendar wib = *WorkingCalendar::FromIsoDates(kWib, IndonesianHolidays2026());
//   TimePoint due = wib.AddWorkingDays(submitted_at, 3);  // end of the 3rd working day after
//
// An immutable value: const methods are safe from any thread.

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "crypto/result.hpp"
#include "node/domain/time.hpp"

namespace simpul::domain {

class WorkingCalendar {
 public:
  // `utc_offset` must be within ±14 h (asserted; use FromIsoDates for untrusted input).
  WorkingCalendar(std::chrono::minutes utc_offset, std::set<std::chrono::sys_days> holidays);

  // Builds a calendar from "YYYY-MM-DD" holiday dates. Fails with kInvalidArgument naming the
  // first malformed date, or if |utc_offset| exceeds 14 h.
  static Result<WorkingCalendar> FromIsoDates(std::chrono::minutes utc_offset,
                                              const std::vector<std::string>& dates);

  // The local calendar day on which `t` falls.
  std::chrono::sys_days LocalDay(TimePoint t) const;

  // True if `local_day` is Monday–Friday and not a holiday.
  bool IsWorkingDay(std::chrono::sys_days local_day) const;

  // The instant of local midnight that begins the day after `t`'s local day.
  TimePoint StartOfNextLocalDay(TimePoint t) const;

  // The part of [a, b) that falls on local working days; zero if b <= a.
  std::chrono::milliseconds WorkingTimeBetween(TimePoint a, TimePoint b) const;

  // The earliest instant t with WorkingTimeBetween(from, t) == budget; `from` if budget <= 0.
  // A budget that ends exactly at the end of a working day yields that day's closing midnight.
  TimePoint AddWorkingTime(TimePoint from, std::chrono::milliseconds budget) const;

  // AddWorkingTime(StartOfNextLocalDay(trigger), n × 24 h): the end (local midnight) of the n-th
  // working day after the trigger's local day. A Friday submission with n = 3 is due at the end
  // of Wednesday.
  TimePoint AddWorkingDays(TimePoint trigger, int n) const;

  std::chrono::minutes utc_offset() const { return utc_offset_; }
  const std::set<std::chrono::sys_days>& holidays() const { return holidays_; }

 private:
  std::chrono::minutes utc_offset_;
  std::set<std::chrono::sys_days> holidays_;
};

// Indonesia's 2026 national holidays (17 days) and cuti bersama (8 days) as "YYYY-MM-DD",
// sorted, per SKB Menteri Agama, Menteri Ketenagakerjaan and Menteri PANRB No. 1497/2025,
// 2/2025 and 5/2025 of 19 September 2025. Includes holidays that fall on weekends.
std::vector<std::string> IndonesianHolidays2026();

}  // namespace simpul::domain
