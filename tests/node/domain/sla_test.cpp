#include "node/domain/sla.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace simpul::domain {
namespace {

using namespace std::chrono_literals;
using std::chrono::sys_days;
using A = CaseAction;
using S = CaseState;

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

SlaStatus Compute(const std::vector<SlaEvent>& events, std::chrono::minutes offset = kWib) {
  return ComputeSla(events, Calendar2026(offset), SlaPolicy{});
}

// The records of `clock`, in start order.
std::vector<ClockRecord> Runs(const SlaStatus& status, SlaClock clock) {
  std::vector<ClockRecord> runs;
  std::copy_if(status.clocks.begin(), status.clocks.end(), std::back_inserter(runs),
               [&](const ClockRecord& r) { return r.clock == clock; });
  return runs;
}

ClockRecord Only(const SlaStatus& status, SlaClock clock) {
  std::vector<ClockRecord> runs = Runs(status, clock);
  EXPECT_EQ(runs.size(), 1u) << Name(clock);
  return runs.empty() ? ClockRecord{} : runs.front();
}

TEST(SlaTest, VerifyFromFridaySkipsTheWeekend) {
  SlaStatus sla = Compute({{A::kSubmit, S::kSubmitted, Wib(2026y / 1 / 9, 10)}});
  ClockRecord verify = Only(sla, SlaClock::kVerify);
  EXPECT_EQ(verify.due, Wib(2026y / 1 / 15, 0));  // end of Wednesday
  EXPECT_TRUE(verify.running());
  EXPECT_EQ(sla.next_due, verify.due);
  EXPECT_EQ(sla.next_clock, SlaClock::kVerify);
  EXPECT_FALSE(sla.paused);
}

TEST(SlaTest, HolidayInsideTheWindowMovesTheDue) {
  // Wednesday 14 January; Friday 16 January is Isra Mikraj: Thu, Mon, Tue.
  SlaStatus sla = Compute({{A::kSubmit, S::kSubmitted, Wib(2026y / 1 / 14, 10)}});
  EXPECT_EQ(Only(sla, SlaClock::kVerify).due, Wib(2026y / 1 / 21, 0));
}

TEST(SlaTest, UtcOffsetDecidesTheLocalDay) {
  // 23:30 WIB on Thursday is 16:30 UTC on Thursday: both count from Thursday.
  TimePoint instant = Wib(2026y / 1 / 8, 23, 30);
  ASSERT_EQ(instant, At(2026y / 1 / 8, 16, 30, 0min));
  std::vector<SlaEvent> events = {{A::kSubmit, S::kSubmitted, instant}};
  EXPECT_EQ(Only(Compute(events, kWib), SlaClock::kVerify).due, Wib(2026y / 1 / 14, 0));
  EXPECT_EQ(Only(Compute(events, 0min), SlaClock::kVerify).due, At(2026y / 1 / 14, 0, 0, 0min));

  // 17:30 UTC on Thursday is already Friday 00:30 in WIB: WIB counts from Friday.
  std::vector<SlaEvent> later = {{A::kSubmit, S::kSubmitted, At(2026y / 1 / 8, 17, 30, 0min)}};
  EXPECT_EQ(Only(Compute(later, kWib), SlaClock::kVerify).due, Wib(2026y / 1 / 15, 0));
  EXPECT_EQ(Only(Compute(later, 0min), SlaClock::kVerify).due, At(2026y / 1 / 14, 0, 0, 0min));
}

TEST(SlaTest, PauseExtendsVerifyByExactlyThePausedWorkingTime) {
  std::vector<SlaEvent> events = {
      {A::kSubmit, S::kSubmitted, Wib(2026y / 1 / 5, 9)},
      {A::kRequestInfo, S::kPendingInfo, Wib(2026y / 1 / 6, 10)},
  };
  SlaStatus paused = Compute(events);
  EXPECT_TRUE(paused.paused);
  EXPECT_EQ(paused.paused_since, Wib(2026y / 1 / 6, 10));
  EXPECT_EQ(paused.next_due, std::nullopt);
  EXPECT_TRUE(OverdueClocks(paused, Wib(2026y / 2 / 1, 0)).empty());

  events.push_back({A::kProvideInfo, S::kSubmitted, Wib(2026y / 1 / 6, 14, 30)});
  SlaStatus resumed = Compute(events);
  EXPECT_FALSE(resumed.paused);
  // Unpaused due: end of Thursday 8 January; the pause held 4.5 working hours.
  EXPECT_EQ(Only(resumed, SlaClock::kVerify).due, Wib(2026y / 1 / 9, 4, 30));
  EXPECT_EQ(resumed.next_due, Wib(2026y / 1 / 9, 4, 30));
}

TEST(SlaTest, PauseAcrossAWeekendCountsOnlyWorkingTime) {
  SlaStatus sla = Compute({
      {A::kSubmit, S::kSubmitted, Wib(2026y / 1 / 5, 9)},
      {A::kRequestInfo, S::kPendingInfo, Wib(2026y / 1 / 7, 12)},
      {A::kReporterReply, S::kSubmitted, Wib(2026y / 1 / 12, 12)},
  });
  // Wed 12:00–Mon 12:00 holds 12 + 24 + 24 + 12 = 72 working hours: Fri 9 00:00 → Wed 14 00:00.
  EXPECT_EQ(Only(sla, SlaClock::kVerify).due, Wib(2026y / 1 / 14, 0));
}

TEST(SlaTest, PauseWhollyOnAWeekendDoesNotExtend) {
  SlaStatus sla = Compute({
      {A::kSubmit, S::kSubmitted, Wib(2026y / 1 / 9, 10)},
      {A::kRequestInfo, S::kPendingInfo, Wib(2026y / 1 / 10, 10)},
      {A::kProvideInfo, S::kSubmitted, Wib(2026y / 1 / 11, 20)},
  });
  EXPECT_EQ(Only(sla, SlaClock::kVerify).due, Wib(2026y / 1 / 15, 0));
}

TEST(SlaTest, LatePauseDoesNotCureABreach) {
  std::vector<SlaEvent> events = {
      {A::kSubmit, S::kSubmitted, Wib(2026y / 1 / 5, 9)},
      {A::kRequestInfo, S::kPendingInfo, Wib(2026y / 1 / 9, 10)},  // due was Fri 9 00:00
  };
  SlaStatus paused = Compute(events);
  EXPECT_EQ(OverdueClocks(paused, Wib(2026y / 1 / 9, 11)),
            std::vector<SlaClock>{SlaClock::kVerify});
  events.push_back({A::kProvideInfo, S::kSubmitted, Wib(2026y / 1 / 12, 10)});
  events.push_back({A::kVerify, S::kVerified, Wib(2026y / 1 / 12, 11)});
  ClockRecord verify = Only(Compute(events), SlaClock::kVerify);
  EXPECT_EQ(verify.due, Wib(2026y / 1 / 9, 0));
  EXPECT_TRUE(verify.Breached(Wib(2026y / 1 / 12, 11)));
}

TEST(SlaTest, ArchiveWhilePausedStopsEverything) {
  SlaStatus sla = Compute({
      {A::kSubmit, S::kSubmitted, Wib(2026y / 1 / 5, 9)},
      {A::kRequestInfo, S::kPendingInfo, Wib(2026y / 1 / 6, 10)},
      {A::kArchive, S::kArchived, Wib(2026y / 1 / 20, 10)},
  });
  EXPECT_FALSE(sla.paused);
  EXPECT_EQ(sla.next_due, std::nullopt);
  ClockRecord verify = Only(sla, SlaClock::kVerify);
  EXPECT_EQ(verify.stopped_at, Wib(2026y / 1 / 20, 10));
  EXPECT_FALSE(verify.Breached(Wib(2026y / 3 / 1, 0)));  // the pause covered the wait
  EXPECT_TRUE(OverdueClocks(sla, Wib(2026y / 3 / 1, 0)).empty());
}

std::vector<SlaEvent> HandledCase() {
  return {
      {A::kSubmit, S::kSubmitted, Wib(2026y / 1 / 5, 9)},
      {A::kVerify, S::kVerified, Wib(2026y / 1 / 6, 10)},
      {A::kDispose, S::kDispositioned, Wib(2026y / 1 / 7, 10)},
  };
}

TEST(SlaTest, VerifyStopsAndStartsSettleAndFirstResponseAtDispose) {
  SlaStatus sla = Compute(HandledCase());
  ClockRecord verify = Only(sla, SlaClock::kVerify);
  EXPECT_EQ(verify.stopped_at, Wib(2026y / 1 / 6, 10));
  EXPECT_FALSE(verify.Breached(Wib(2026y / 12 / 1, 0)));
  EXPECT_EQ(Only(sla, SlaClock::kSettle).due, Wib(2026y / 3 / 7, 10));  // 60 calendar days
  // Dispose on Wednesday: Thu, Fri, Mon, Tue, Wed.
  EXPECT_EQ(Only(sla, SlaClock::kFirstResponse).due, Wib(2026y / 1 / 15, 0));
  EXPECT_EQ(sla.next_clock, SlaClock::kFirstResponse);
  EXPECT_EQ(sla.next_due, Wib(2026y / 1 / 15, 0));
}

TEST(SlaTest, OverdueOnlyStrictlyAfterTheDue) {
  SlaStatus sla = Compute(HandledCase());
  EXPECT_TRUE(OverdueClocks(sla, Wib(2026y / 1 / 15, 0)).empty());
  EXPECT_EQ(OverdueClocks(sla, Wib(2026y / 1 / 15, 0) + 1ms),
            std::vector<SlaClock>{SlaClock::kFirstResponse});
  EXPECT_EQ(OverdueClocks(sla, Wib(2026y / 3 / 8, 0)),
            (std::vector<SlaClock>{SlaClock::kSettle, SlaClock::kFirstResponse}));
}

TEST(SlaTest, RedisposeDoesNotRestartFirstResponse) {
  std::vector<SlaEvent> events = HandledCase();
  events.push_back({A::kDispose, S::kDispositioned, Wib(2026y / 1 / 13, 10)});
  SlaStatus sla = Compute(events);
  ClockRecord first_response = Only(sla, SlaClock::kFirstResponse);
  EXPECT_EQ(first_response.started_at, Wib(2026y / 1 / 7, 10));
  EXPECT_EQ(first_response.due, Wib(2026y / 1 / 15, 0));

  events.push_back({A::kRespond, S::kInProgress, Wib(2026y / 1 / 16, 9)});  // a day late
  ClockRecord late = Only(Compute(events), SlaClock::kFirstResponse);
  EXPECT_EQ(late.stopped_at, Wib(2026y / 1 / 16, 9));
  EXPECT_TRUE(late.Breached(Wib(2026y / 1 / 16, 9)));
}

TEST(SlaTest, ResolveStopsSettleAndStartsAutoClose) {
  std::vector<SlaEvent> events = HandledCase();
  events.push_back({A::kRespond, S::kInProgress, Wib(2026y / 1 / 8, 10)});
  events.push_back({A::kResolve, S::kResolved, Wib(2026y / 1 / 19, 10)});
  SlaStatus sla = Compute(events);
  EXPECT_EQ(Only(sla, SlaClock::kSettle).stopped_at, Wib(2026y / 1 / 19, 10));
  ClockRecord auto_close = Only(sla, SlaClock::kAutoClose);
  EXPECT_EQ(auto_close.due, Wib(2026y / 2 / 3, 0));  // 10 working days after Mon 19 Jan
  EXPECT_EQ(sla.next_clock, SlaClock::kAutoClose);
  EXPECT_EQ(sla.next_due, auto_close.due);

  events.push_back({A::kClose, S::kClosed, Wib(2026y / 2 / 3, 0)});
  SlaStatus closed = Compute(events);
  EXPECT_EQ(closed.next_due, std::nullopt);
  EXPECT_FALSE(Only(closed, SlaClock::kAutoClose).Breached(Wib(2026y / 6 / 1, 0)));
  for (const ClockRecord& r : closed.clocks) EXPECT_FALSE(r.running()) << Name(r.clock);
}

TEST(SlaTest, AutoCloseCountsTenWorkingDaysThroughHolidays) {
  // Resolved Tue 17 March, before Nyepi and Idulfitri (18–24 March) and Good Friday (3 April).
  SlaStatus sla = Compute({
      {A::kSubmit, S::kSubmitted, Wib(2026y / 3 / 2, 9)},
      {A::kVerify, S::kVerified, Wib(2026y / 3 / 2, 10)},
      {A::kDispose, S::kDispositioned, Wib(2026y / 3 / 3, 10)},
      {A::kRespond, S::kInProgress, Wib(2026y / 3 / 4, 10)},
      {A::kResolve, S::kResolved, Wib(2026y / 3 / 17, 10)},
  });
  EXPECT_EQ(Only(sla, SlaClock::kAutoClose).due, Wib(2026y / 4 / 9, 0));
}

TEST(SlaTest, ReopenStartsAFreshFirstResponseClock) {
  std::vector<SlaEvent> events = HandledCase();
  events.push_back({A::kRespond, S::kInProgress, Wib(2026y / 1 / 8, 10)});
  events.push_back({A::kResolve, S::kResolved, Wib(2026y / 1 / 19, 10)});
  events.push_back({A::kReporterReply, S::kReopened, Wib(2026y / 1 / 21, 10)});
  SlaStatus sla = Compute(events);
  EXPECT_EQ(Only(sla, SlaClock::kAutoClose).stopped_at, Wib(2026y / 1 / 21, 10));
  std::vector<ClockRecord> first_responses = Runs(sla, SlaClock::kFirstResponse);
  ASSERT_EQ(first_responses.size(), 2u);
  EXPECT_EQ(first_responses[0].stopped_at, Wib(2026y / 1 / 8, 10));
  EXPECT_EQ(first_responses[1].started_at, Wib(2026y / 1 / 21, 10));
  EXPECT_EQ(first_responses[1].due, Wib(2026y / 1 / 29, 0));
  EXPECT_EQ(sla.next_clock, SlaClock::kFirstResponse);

  events.push_back({A::kRespond, S::kInProgress, Wib(2026y / 1 / 22, 10)});
  events.push_back({A::kResolve, S::kResolved, Wib(2026y / 1 / 23, 10)});
  SlaStatus again = Compute(events);
  EXPECT_EQ(Runs(again, SlaClock::kAutoClose).size(), 2u);
  EXPECT_EQ(Only(again, SlaClock::kSettle).stopped_at, Wib(2026y / 1 / 19, 10));  // first only
}

TEST(SlaTest, ForwardStopsLocalClocks) {
  SlaStatus sla = Compute({
      {A::kSubmit, S::kSubmitted, Wib(2026y / 1 / 5, 9)},
      {A::kVerify, S::kVerified, Wib(2026y / 1 / 5, 10)},
      {A::kForward, S::kForwarded, Wib(2026y / 1 / 5, 11)},
  });
  for (const ClockRecord& r : sla.clocks) EXPECT_FALSE(r.running()) << Name(r.clock);
  EXPECT_EQ(sla.next_due, std::nullopt);
}

TEST(SlaTest, EscalateChangesNoClock) {
  std::vector<SlaEvent> events = HandledCase();
  SlaStatus before = Compute(events);
  events.push_back({A::kEscalate, S::kDispositioned, Wib(2026y / 1 / 16, 10)});
  SlaStatus after = Compute(events);
  EXPECT_EQ(after.clocks.size(), before.clocks.size());
  EXPECT_EQ(after.next_due, before.next_due);
}

TEST(SlaTest, ClockNamesRoundTrip) {
  for (auto c :
       {SlaClock::kVerify, SlaClock::kFirstResponse, SlaClock::kSettle, SlaClock::kAutoClose}) {
    EXPECT_EQ(ParseSlaClock(Name(c)), c);
  }
  EXPECT_EQ(Name(SlaClock::kAutoClose), "auto_close");
  EXPECT_EQ(Name(SlaClock::kFirstResponse), "first_response");
}

}  // namespace
}  // namespace simpul::domain
