#include "node/domain/calendar.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

namespace simpul::domain {
namespace {

using std::chrono::days;
using std::chrono::milliseconds;
using std::chrono::sys_days;

constexpr std::chrono::minutes kMaxUtcOffset{14 * 60};

// A local wall-clock instant, represented as if the local clock were UTC.
using LocalTime = TimePoint;

}  // namespace

WorkingCalendar::WorkingCalendar(std::chrono::minutes utc_offset, std::set<sys_days> holidays)
    : utc_offset_(utc_offset), holidays_(std::move(holidays)) {
  assert(utc_offset >= -kMaxUtcOffset && utc_offset <= kMaxUtcOffset);
}

Result<WorkingCalendar> WorkingCalendar::FromIsoDates(std::chrono::minutes utc_offset,
                                                      const std::vector<std::string>& dates) {
  if (utc_offset < -kMaxUtcOffset || utc_offset > kMaxUtcOffset) {
    return Fail(ErrorCode::kInvalidArgument,
                "utc offset " + std::to_string(utc_offset.count()) + " min is beyond ±14 h");
  }
  std::set<sys_days> holidays;
  for (const std::string& text : dates) {
    Result<std::chrono::year_month_day> date = ParseIsoDate(text);
    if (!date) return Fail(ErrorCode::kInvalidArgument, "holiday: " + date.error().message);
    holidays.insert(sys_days{*date});
  }
  return WorkingCalendar(utc_offset, std::move(holidays));
}

sys_days WorkingCalendar::LocalDay(TimePoint t) const { return LocalDate(t, utc_offset_); }

bool WorkingCalendar::IsWorkingDay(sys_days local_day) const {
  std::chrono::weekday weekday{local_day};
  if (weekday == std::chrono::Saturday || weekday == std::chrono::Sunday) return false;
  return !holidays_.contains(local_day);
}

TimePoint WorkingCalendar::StartOfNextLocalDay(TimePoint t) const {
  return TimePoint{LocalDay(t) + days{1}} - utc_offset_;
}

milliseconds WorkingCalendar::WorkingTimeBetween(TimePoint a, TimePoint b) const {
  if (b <= a) return milliseconds{0};
  LocalTime begin = a + utc_offset_;
  LocalTime end = b + utc_offset_;
  milliseconds total{0};
  for (sys_days day = std::chrono::floor<days>(begin); LocalTime{day} < end; day += days{1}) {
    if (!IsWorkingDay(day)) continue;
    LocalTime from = std::max(begin, LocalTime{day});
    LocalTime to = std::min(end, LocalTime{day + days{1}});
    total += to - from;
  }
  return total;
}

TimePoint WorkingCalendar::AddWorkingTime(TimePoint from, milliseconds budget) const {
  if (budget <= milliseconds{0}) return from;
  LocalTime cursor = from + utc_offset_;
  for (sys_days day = std::chrono::floor<days>(cursor);; day += days{1}) {
    if (!IsWorkingDay(day)) continue;
    LocalTime start = std::max(cursor, LocalTime{day});
    milliseconds available = LocalTime{day + days{1}} - start;
    if (budget <= available) return start + budget - utc_offset_;
    budget -= available;
  }
}

TimePoint WorkingCalendar::AddWorkingDays(TimePoint trigger, int n) const {
  return AddWorkingTime(StartOfNextLocalDay(trigger), days{n});
}

std::vector<std::string> IndonesianHolidays2026() {
  // Source: SKB Menteri Agama, Menteri Ketenagakerjaan and Menteri PANRB No. 1497/2025, 2/2025,
  // 5/2025 (signed 19 September 2025). Confirmed from press reports, not the SKB text itself:
  // national holidays per periskop.id/Antara (2025-09-19) and Okezone (2026-01-12); cuti bersama
  // per Kontan citing Kemenag and Tribun Palu. Both give 17 holidays + 8 cuti bersama = 25 days.
  return {
      "2026-01-01",  // Tahun Baru Masehi
      "2026-01-16",  // Isra Mikraj Nabi Muhammad SAW
      "2026-02-16",  // cuti bersama Tahun Baru Imlek
      "2026-02-17",  // Tahun Baru Imlek 2577 Kongzili
      "2026-03-18",  // cuti bersama Nyepi
      "2026-03-19",  // Hari Suci Nyepi, Tahun Baru Saka 1948
      "2026-03-20",  // cuti bersama Idulfitri
      "2026-03-21",  // Idulfitri 1447 H
      "2026-03-22",  // Idulfitri 1447 H
      "2026-03-23",  // cuti bersama Idulfitri
      "2026-03-24",  // cuti bersama Idulfitri
      "2026-04-03",  // Wafat Yesus Kristus
      "2026-04-05",  // Kebangkitan Yesus Kristus (Paskah)
      "2026-05-01",  // Hari Buruh Internasional
      "2026-05-14",  // Kenaikan Yesus Kristus
      "2026-05-15",  // cuti bersama Kenaikan Yesus Kristus
      "2026-05-27",  // Iduladha 1447 H
      "2026-05-28",  // cuti bersama Iduladha
      "2026-05-31",  // Hari Raya Waisak 2570 BE
      "2026-06-01",  // Hari Lahir Pancasila
      "2026-06-16",  // 1 Muharam, Tahun Baru Islam 1448 H
      "2026-08-17",  // Proklamasi Kemerdekaan
      "2026-08-25",  // Maulid Nabi Muhammad SAW
      "2026-12-24",  // cuti bersama Natal
      "2026-12-25",  // Kelahiran Yesus Kristus (Natal)
  };
}

}  // namespace simpul::domain
