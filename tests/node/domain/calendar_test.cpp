#include "node/domain/calendar.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace simpul::domain {
namespace {

using namespace std::chrono_literals;
using std::chrono::sys_days;

// The instant of local time y-m-d h:min at `offset`.
TimePoint At(std::chrono::year_month_day date, int h, int min, std::chrono::minutes offset) {
  return TimePoint{sys_days{date}} + std::chrono::hours{h} + std::chrono::minutes{min} - offset;
}
TimePoint Wib(std::chrono::year_month_day date, int h, int min = 0) {
  return At(date, h, min, kWib);
}

WorkingCalendar Calendar2026(std::chrono::minutes offset = kWib) {
  Result<WorkingCalendar> calendar =
      WorkingCalendar::FromIsoDates(offset, IndonesianHolidays2026());
  EXPECT_TRUE(calendar.has_value());
  return *calendar;
}

TEST(WorkingCalendarTest, LocalDayFollowsTheOffset) {
  WorkingCalendar wib = Calendar2026(kWib);
  WorkingCalendar utc = Calendar2026(0min);
  TimePoint late_thursday_wib = Wib(2026y / 1 / 8, 23, 30);
  EXPECT_EQ(late_thursday_wib, At(2026y / 1 / 8, 16, 30, 0min));
  EXPECT_EQ(wib.LocalDay(late_thursday_wib), sys_days{2026y / 1 / 8});
  EXPECT_EQ(utc.LocalDay(late_thursday_wib), sys_days{2026y / 1 / 8});
  TimePoint friday_wib = At(2026y / 1 / 8, 17, 30, 0min);
  EXPECT_EQ(wib.LocalDay(friday_wib), sys_days{2026y / 1 / 9});
  EXPECT_EQ(utc.LocalDay(friday_wib), sys_days{2026y / 1 / 8});
  EXPECT_EQ(wib.utc_offset(), 420min);
}

TEST(WorkingCalendarTest, WeekendsAndHolidaysAreNotWorkingDays) {
  WorkingCalendar wib = Calendar2026();
  EXPECT_TRUE(wib.IsWorkingDay(sys_days{2026y / 1 / 15}));   // Thursday
  EXPECT_FALSE(wib.IsWorkingDay(sys_days{2026y / 1 / 16}));  // Friday, Isra Mikraj
  EXPECT_FALSE(wib.IsWorkingDay(sys_days{2026y / 1 / 17}));  // Saturday
  EXPECT_FALSE(wib.IsWorkingDay(sys_days{2026y / 1 / 18}));  // Sunday
  EXPECT_FALSE(wib.IsWorkingDay(sys_days{2026y / 8 / 17}));  // Independence Day
  EXPECT_TRUE(wib.IsWorkingDay(sys_days{2026y / 8 / 18}));
}

TEST(WorkingCalendarTest, StartOfNextLocalDayIsLocalMidnight) {
  WorkingCalendar wib = Calendar2026();
  EXPECT_EQ(wib.StartOfNextLocalDay(Wib(2026y / 1 / 8, 23, 30)), Wib(2026y / 1 / 9, 0));
  EXPECT_EQ(wib.StartOfNextLocalDay(Wib(2026y / 1 / 9, 0)), Wib(2026y / 1 / 10, 0));
}

TEST(WorkingCalendarTest, WorkingTimeBetweenSkipsWeekendsAndHolidays) {
  WorkingCalendar wib = Calendar2026();
  EXPECT_EQ(wib.WorkingTimeBetween(Wib(2026y / 1 / 5, 9), Wib(2026y / 1 / 5, 17)), 8h);
  EXPECT_EQ(wib.WorkingTimeBetween(Wib(2026y / 1 / 9, 12), Wib(2026y / 1 / 12, 12)), 24h);
  EXPECT_EQ(wib.WorkingTimeBetween(Wib(2026y / 1 / 10, 1), Wib(2026y / 1 / 11, 23)), 0h);
  // Thursday 12:00 to Monday 12:00 across the Isra Mikraj Friday: 12 h + 12 h.
  EXPECT_EQ(wib.WorkingTimeBetween(Wib(2026y / 1 / 15, 12), Wib(2026y / 1 / 19, 12)), 24h);
  EXPECT_EQ(wib.WorkingTimeBetween(Wib(2026y / 1 / 6, 12), Wib(2026y / 1 / 5, 12)), 0h);
}

TEST(WorkingCalendarTest, AddWorkingTimeEndsAtTheEarliestInstant) {
  WorkingCalendar wib = Calendar2026();
  EXPECT_EQ(wib.AddWorkingTime(Wib(2026y / 1 / 9, 12), 12h), Wib(2026y / 1 / 10, 0));
  EXPECT_EQ(wib.AddWorkingTime(Wib(2026y / 1 / 9, 12), 13h), Wib(2026y / 1 / 12, 1));
  EXPECT_EQ(wib.AddWorkingTime(Wib(2026y / 1 / 10, 12), 1h), Wib(2026y / 1 / 12, 1));
  EXPECT_EQ(wib.AddWorkingTime(Wib(2026y / 1 / 9, 12), 0h), Wib(2026y / 1 / 9, 12));
  TimePoint from = Wib(2026y / 3 / 17, 15, 45);
  for (auto budget : {1h, 9h, 24h, 100h, 400h}) {
    TimePoint to = wib.AddWorkingTime(from, budget);
    EXPECT_EQ(wib.WorkingTimeBetween(from, to), budget);
  }
}

TEST(WorkingCalendarTest, AddWorkingDaysFromFridayEndsWednesday) {
  WorkingCalendar wib = Calendar2026();
  EXPECT_EQ(wib.AddWorkingDays(Wib(2026y / 1 / 9, 10), 3), Wib(2026y / 1 / 15, 0));
  // Wednesday with the Friday holiday in the window: Thu, Mon, Tue.
  EXPECT_EQ(wib.AddWorkingDays(Wib(2026y / 1 / 14, 10), 3), Wib(2026y / 1 / 21, 0));
  WorkingCalendar no_holidays(kWib, {});
  EXPECT_EQ(no_holidays.AddWorkingDays(Wib(2026y / 1 / 14, 10), 3), Wib(2026y / 1 / 20, 0));
}

TEST(WorkingCalendarTest, FromIsoDatesRejectsBadInput) {
  EXPECT_FALSE(WorkingCalendar::FromIsoDates(kWib, {"2026-13-01"}).has_value());
  EXPECT_FALSE(WorkingCalendar::FromIsoDates(kWib, {"2026-1-05"}).has_value());
  EXPECT_FALSE(WorkingCalendar::FromIsoDates(kWib, {"2026-02-29"}).has_value());
  Result<WorkingCalendar> bad = WorkingCalendar::FromIsoDates(kWib, {"2026-08-17x"});
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.error().message.find("2026-08-17x"), std::string::npos);
  EXPECT_FALSE(WorkingCalendar::FromIsoDates(15h, {}).has_value());
  EXPECT_TRUE(WorkingCalendar::FromIsoDates(kWit, {"2026-08-17"}).has_value());
}

TEST(IndonesianHolidays2026Test, SeventeenHolidaysAndEightCutiBersama) {
  std::vector<std::string> dates = IndonesianHolidays2026();
  EXPECT_EQ(dates.size(), 25u);
  EXPECT_TRUE(std::is_sorted(dates.begin(), dates.end()));
  EXPECT_EQ(std::adjacent_find(dates.begin(), dates.end()), dates.end());
  for (const std::string& date : dates) {
    Result<std::chrono::year_month_day> parsed = ParseIsoDate(date);
    ASSERT_TRUE(parsed.has_value()) << date;
    EXPECT_EQ(parsed->year(), 2026y);
  }
  for (const char* expected :
       {"2026-01-01", "2026-03-20", "2026-05-27", "2026-08-17", "2026-12-25"}) {
    EXPECT_NE(std::find(dates.begin(), dates.end(), expected), dates.end()) << expected;
  }
}

TEST(IsoDateTest, ParsesAndFormats) {
  Result<std::chrono::year_month_day> date = ParseIsoDate("2026-08-17");
  ASSERT_TRUE(date.has_value());
  EXPECT_EQ(*date, 2026y / 8 / 17);
  EXPECT_EQ(FormatIsoDate(2026y / 1 / 5), "2026-01-05");
  EXPECT_FALSE(ParseIsoDate("2026/08/17").has_value());
  EXPECT_FALSE(ParseIsoDate("+026-08-17").has_value());
}

}  // namespace
}  // namespace simpul::domain
