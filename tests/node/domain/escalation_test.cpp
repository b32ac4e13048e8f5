#include "node/domain/escalation.hpp"

#include <gtest/gtest.h>

namespace simpul::domain {
namespace {

using namespace std::chrono_literals;
using std::chrono::sys_days;
using L = EscalationLevel;

// The instant of WIB local time y-m-d h:min.
TimePoint Wib(std::chrono::year_month_day date, int h, int min = 0) {
  return TimePoint{sys_days{date}} + std::chrono::hours{h} + std::chrono::minutes{min} - kWib;
}

WorkingCalendar Calendar2026() {
  auto calendar = WorkingCalendar::FromIsoDates(kWib, IndonesianHolidays2026());
  EXPECT_TRUE(calendar.has_value());
  return *calendar;
}

TEST(EscalationTest, LevelNamesRoundTrip) {
  for (L level : {L::kParent, L::kCoordinator}) {
    EXPECT_EQ(ParseEscalationLevel(Name(level)), level);
  }
  EXPECT_EQ(Name(L::kParent), "parent");
  EXPECT_EQ(Name(L::kCoordinator), "coordinator");
  EXPECT_FALSE(ParseEscalationLevel("supervisor"));
}

TEST(EscalationTest, OverdueDaysSkipTheWeekend) {
  const WorkingCalendar wib = Calendar2026();
  // Due at the end of Wednesday 8 July 2026 (no holidays nearby).
  const TimePoint due = Wib(2026y / 7 / 9, 0);
  EXPECT_EQ(OverdueWorkingDays(wib, due, due - 1h), 0);
  EXPECT_EQ(OverdueWorkingDays(wib, due, Wib(2026y / 7 / 9, 23, 59)), 0);  // Thursday not over
  EXPECT_EQ(OverdueWorkingDays(wib, due, Wib(2026y / 7 / 10, 0)), 1);      // end of Thursday
  EXPECT_EQ(OverdueWorkingDays(wib, due, Wib(2026y / 7 / 11, 0)), 2);      // end of Friday
  EXPECT_EQ(OverdueWorkingDays(wib, due, Wib(2026y / 7 / 13, 0)), 2);      // the weekend adds none
  EXPECT_EQ(OverdueWorkingDays(wib, due, Wib(2026y / 7 / 14, 0)), 3);      // end of Monday
  EXPECT_EQ(OverdueWorkingDays(wib, due, Wib(2026y / 7 / 16, 0)), 5);      // end of Wednesday
}

TEST(EscalationTest, OverdueDaysSkipHolidays) {
  const WorkingCalendar wib = Calendar2026();
  // Due at the end of Friday 14 August 2026; Monday 17 August is Independence Day.
  const TimePoint due = Wib(2026y / 8 / 15, 0);
  EXPECT_EQ(OverdueWorkingDays(wib, due, Wib(2026y / 8 / 18, 0)), 0);  // Sat, Sun, holiday
  EXPECT_EQ(OverdueWorkingDays(wib, due, Wib(2026y / 8 / 19, 0)), 1);  // end of Tuesday
  // A deadline at an arbitrary hour (settle runs in calendar days) counts from that hour.
  const TimePoint settle_due = Wib(2026y / 8 / 14, 15);
  EXPECT_EQ(OverdueWorkingDays(wib, settle_due, Wib(2026y / 8 / 18, 14)), 0);  // 9 h + 14 h
  EXPECT_EQ(OverdueWorkingDays(wib, settle_due, Wib(2026y / 8 / 18, 15)), 1);  // 9 h + 15 h
}

TEST(EscalationTest, ParentThresholdThenCoordinatorThreshold) {
  const EscalationPolicy policy;  // 5 and 10 working days
  using Levels = std::vector<L>;
  EXPECT_EQ(LevelsReached(policy, 0, true), Levels{});
  EXPECT_EQ(LevelsReached(policy, 4, true), Levels{});
  EXPECT_EQ(LevelsReached(policy, 5, true), Levels{L::kParent});
  EXPECT_EQ(LevelsReached(policy, 9, true), Levels{L::kParent});
  EXPECT_EQ(LevelsReached(policy, 10, true), (Levels{L::kParent, L::kCoordinator}));
  EXPECT_EQ(LevelsReached(policy, 40, true), (Levels{L::kParent, L::kCoordinator}));
}

TEST(EscalationTest, WithoutAParentTheFirstThresholdGoesToTheCoordinator) {
  const EscalationPolicy policy{3, 8};
  using Levels = std::vector<L>;
  EXPECT_EQ(LevelsReached(policy, 2, false), Levels{});
  EXPECT_EQ(LevelsReached(policy, 3, false), Levels{L::kCoordinator});
  EXPECT_EQ(LevelsReached(policy, 8, false), Levels{L::kCoordinator});
}

TEST(EscalationTest, ZeroThresholdEscalatesAsSoonAsOverdue) {
  const EscalationPolicy policy{0, 0};
  EXPECT_EQ(LevelsReached(policy, 0, true), (std::vector<L>{L::kParent, L::kCoordinator}));
}

}  // namespace
}  // namespace simpul::domain
