#pragma once
// A year of national complaint traffic, generated deterministically from a seed: complaints
// filed at member nodes by weight, each with its lifecycle of case events at the nodes that hold
// it — the origin and, for a forwarded case, the handler it was forwarded to.
//
//   Traffic t = GenerateTraffic(members, {.complaints = 500'000, .seed = 1});
//   for (const SimEvent& e : t.EventsOf(node_index)) ...   // that node's events, in time order
//
// The model (all delays in days, drawn per case):
//   - a complaint is filed at a node drawn by MemberPlan::weight, on a uniform day of the year,
//     during Indonesian office hours; 85% complaints, 10% aspirations, 5% information requests;
//   - `archive_share` are archived within 0-3 days (incomplete, out of scope, ...);
//   - the rest are verified after 0-2 days (15%: 3-5, 5%: 6-10, so the 3-day clock is missed);
//   - complaints filed at a province or ministry are forwarded to a regency or city (in the
//     province; for a ministry, anywhere, by weight) with the probability that makes
//     `forward_share` of all complaints forwarded; the handler records its own submit and verify;
//   - the handler disposes within 0-1 days, responds after 0-4 (25%: 5-12) days, resolves after
//     1-20 (10%: 20-60) days, and the case auto-closes 10-14 days later; the origin of a forwarded
//     case records the handler's response and closure as peer updates;
//   - a response 10 or more days late is escalated at 8 days (the handler records "escalate");
//   - events after the last day of the year are not generated: those cases stay open.
// Pure; the result is an immutable value, safe to read from any thread.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "node/domain/lifecycle.hpp"
#include "tests/bench/sim/federation_plan.hpp"

namespace simpul::bench::sim {

struct TrafficOptions {
  std::int64_t complaints = 500'000;
  int days = 365;
  double forward_share = 0.20;
  double archive_share = 0.08;
  std::uint64_t seed = 1;
  std::int64_t year_start_ms = 0;  // Unix ms of day 0, 00:00 UTC
};

// SLA clocks an event concludes, for the node's report.
enum class ClockOutcome : std::uint8_t {
  kNone,
  kVerifyMet,
  kVerifyMissed,
  kResponseMet,
  kResponseMissed,
  kSettleMet,
  kSettleMissed
};

struct SimCase {
  std::string tracking_id;     // "KAB3204-000123": origin prefix and the origin's sequence
  std::uint16_t origin = 0;    // member index
  std::uint16_t handler = 0;   // member index; == origin unless forwarded
  std::uint16_t category = 0;  // index into Traffic::categories(), a leaf of the national tree
  std::string region;          // Kemendagri code where it happened
  const char* classification = "complaint";
  std::int64_t submitted_at = 0;
};

// One case event at one node: 16 bytes, since a year holds a few million.
struct SimEvent {
  std::int64_t at = 0;  // Unix ms
  std::uint32_t case_index = 0;
  std::uint16_t node = 0;            // member index of the node that records it
  std::uint8_t action = 0;           // domain::CaseAction
  std::uint8_t state = 0;            // domain::CaseState after the event, at that node
  std::uint8_t previous = kNoState;  // the state before it at that node
  ClockOutcome clock = ClockOutcome::kNone;

  static constexpr std::uint8_t kNoState = 0xFF;  // the node's first event of the case
  domain::CaseAction Action() const { return static_cast<domain::CaseAction>(action); }
  domain::CaseState State() const { return static_cast<domain::CaseState>(state); }
};

class Traffic {
 public:
  Traffic(std::vector<std::string> categories, std::vector<SimCase> cases,
          std::vector<SimEvent> events, std::size_t nodes, std::int64_t year_start_ms);

  const std::vector<SimCase>& cases() const { return cases_; }
  const std::vector<std::string>& categories() const { return categories_; }
  std::size_t event_count() const { return events_.size(); }
  std::int64_t year_start_ms() const { return year_start_ms_; }
  // The events node `node` records, ordered by time.
  std::span<const SimEvent> EventsOf(std::size_t node) const;
  // The day (0-based) of the year `at_ms` falls on.
  int DayOf(std::int64_t at_ms) const;
  // Events of a kind, over all nodes.
  std::int64_t Count(domain::CaseAction action) const;

 private:
  std::vector<std::string> categories_;
  std::vector<SimCase> cases_;
  std::vector<SimEvent> events_;    // sorted by (node, at)
  std::vector<std::size_t> first_;  // first_[n]..first_[n + 1]: node n's events
  std::int64_t year_start_ms_ = 0;
};

// Generates the traffic of `options` over `members` (PlanFederation). Deterministic for a seed.
Traffic GenerateTraffic(const std::vector<MemberPlan>& members, const TrafficOptions& options);

}  // namespace simpul::bench::sim
