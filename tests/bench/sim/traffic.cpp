#include "tests/bench/sim/traffic.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <random>
#include <tuple>

#include "node/domain/categories.hpp"

namespace simpul::bench::sim {
namespace {

using domain::CaseAction;
using domain::CaseState;
using federation::NodeClass;

constexpr std::int64_t kDayMs = 24LL * 60 * 60 * 1000;
constexpr std::int64_t kMinuteMs = 60 * 1000;
constexpr std::int64_t kOfficeStartMs = 1 * 60 * kMinuteMs;  // 08:00 WIB is 01:00 UTC
constexpr std::int64_t kOfficeMs = 9 * 60 * kMinuteMs;

// The events of one case at one node, in the order they happen there.
struct Track {
  std::uint16_t node = 0;
  std::uint8_t state = SimEvent::kNoState;
};

class Generator {
 public:
  Generator(const std::vector<MemberPlan>& members, const TrafficOptions& options);
  void Case(std::uint32_t index);
  Traffic Finish();

 private:
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  // A time on `day` during office hours, at least a minute after `after`; nullopt past the year.
  std::optional<std::int64_t> At(int day, std::int64_t after);
  void Emit(Track& track, std::int64_t at, std::uint32_t c, CaseAction action, CaseState state,
            ClockOutcome clock = ClockOutcome::kNone);
  // Where a complaint filed at `origin` is forwarded; origin itself when it is not.
  std::uint16_t PickHandler(std::uint16_t origin);
  // Disposition to closure at the handler; `verified_day` starts the settle clock.
  void Handle(std::uint32_t c, Track& handler, Track* origin, int day, std::int64_t t,
              int verified_day);

  const std::vector<MemberPlan>& members_;
  TrafficOptions options_;
  std::mt19937_64 rng_;
  std::vector<std::string> categories_;             // leaves of the national tree
  std::vector<std::vector<std::uint16_t>> leaves_;  // per member: the leaves it may get
  std::discrete_distribution<int> origin_pick_;
  std::discrete_distribution<int> local_pick_;                 // regencies and cities, by weight
  std::vector<std::uint16_t> local_;                           // their member indexes
  std::vector<std::vector<std::uint16_t>> local_in_province_;  // per member (provinces only)
  double forward_probability_ = 0;
  std::vector<std::uint32_t> next_seq_;
  std::vector<SimCase> cases_;
  std::vector<SimEvent> events_;
};

bool IsLocal(NodeClass c) { return c == NodeClass::kRegency || c == NodeClass::kCity; }

Generator::Generator(const std::vector<MemberPlan>& members, const TrafficOptions& options)
    : members_(members), options_(options), rng_(options.seed), next_seq_(members.size(), 0) {
  const domain::CategoryTree tree = domain::DefaultNationalCategories();
  std::vector<double> weights, local_weights;
  for (const auto& c : tree.All()) {
    if (!c.parent.empty()) categories_.push_back(c.code);
  }
  leaves_.resize(members.size());
  local_in_province_.resize(members.size());
  for (std::uint16_t i = 0; i < members.size(); ++i) {
    const MemberPlan& m = members[i];
    for (std::uint16_t k = 0; k < categories_.size(); ++k) {
      const bool in_scope = m.categories.empty() ||
                            std::any_of(m.categories.begin(), m.categories.end(), [&](auto& top) {
                              return categories_[k].starts_with(top + ".");
                            });
      if (in_scope) leaves_[i].push_back(k);
    }
    weights.push_back(m.weight);
    if (IsLocal(m.node_class)) {
      local_.push_back(i);
      local_weights.push_back(m.weight);
      for (std::uint16_t p = 0; p < members.size(); ++p) {
        if (members[p].id == m.parent) local_in_province_[p].push_back(i);
      }
    }
  }
  origin_pick_ = std::discrete_distribution<int>(weights.begin(), weights.end());
  local_pick_ = std::discrete_distribution<int>(local_weights.begin(), local_weights.end());
  double total = 0, upper = 0;
  for (std::uint16_t i = 0; i < members.size(); ++i) {
    total += members[i].weight;
    const bool ministry = members[i].node_class == NodeClass::kMinistry && !local_.empty();
    if (ministry || !local_in_province_[i].empty()) upper += members[i].weight;
  }
  forward_probability_ = upper > 0 ? std::min(1.0, options.forward_share * total / upper) : 0;
}

std::optional<std::int64_t> Generator::At(int day, std::int64_t after) {
  if (day >= options_.days) return std::nullopt;
  const std::int64_t t = options_.year_start_ms + day * kDayMs + kOfficeStartMs +
                         std::uniform_int_distribution<std::int64_t>(0, kOfficeMs)(rng_);
  return std::max(t, after + kMinuteMs);
}

void Generator::Emit(Track& track, std::int64_t at, std::uint32_t c, CaseAction action,
                     CaseState state, ClockOutcome clock) {
  SimEvent e;
  e.at = at;
  e.case_index = c;
  e.node = track.node;
  e.action = static_cast<std::uint8_t>(action);
  e.state = static_cast<std::uint8_t>(state);
  e.previous = track.state;
  e.clock = clock;
  events_.push_back(e);
  track.state = e.state;
}

std::uint16_t Generator::PickHandler(std::uint16_t origin) {
  const MemberPlan& m = members_[origin];
  if (!Chance(forward_probability_)) return origin;
  if (m.node_class == NodeClass::kMinistry && !local_.empty()) return local_[local_pick_(rng_)];
  const auto& in_province = local_in_province_[origin];
  if (in_province.empty()) return origin;
  return in_province[Uniform(0, static_cast<int>(in_province.size()) - 1)];
}

void Generator::Case(std::uint32_t index) {
  const auto origin = static_cast<std::uint16_t>(origin_pick_(rng_));
  const std::uint16_t handler = PickHandler(origin);
  SimCase c;
  char seq[16];
  std::snprintf(seq, sizeof seq, "-%06u", ++next_seq_[origin]);
  c.tracking_id = TrackingPrefix(members_[origin].id) + seq;
  c.origin = origin;
  c.handler = handler;
  const auto& leaves = leaves_[origin].empty() ? leaves_[handler] : leaves_[origin];
  c.category = leaves[Uniform(0, static_cast<int>(leaves.size()) - 1)];
  const std::string& own_region = members_[handler].region;
  c.region = !own_region.empty() ? own_region
             : local_.empty()    ? std::string("31")
                                 : members_[local_[local_pick_(rng_)]].region;
  const int kind = Uniform(0, 99);
  c.classification = kind < 85 ? "complaint" : kind < 95 ? "aspiration" : "information_request";
  int day = Uniform(0, options_.days - 1);
  const std::int64_t submitted = *At(day, 0);
  c.submitted_at = submitted;
  cases_.push_back(std::move(c));

  Track o{origin};
  Emit(o, submitted, index, CaseAction::kSubmit, CaseState::kSubmitted);
  if (Chance(options_.archive_share)) {
    if (auto t = At(day + Uniform(0, 3), submitted)) {
      Emit(o, *t, index, CaseAction::kArchive, CaseState::kArchived);
    }
    return;
  }
  const int roll = Uniform(0, 99);
  const int delay = roll < 80 ? Uniform(0, 2) : roll < 95 ? Uniform(3, 5) : Uniform(6, 10);
  auto verified = At(day += delay, submitted);
  if (!verified) return;
  Emit(o, *verified, index, CaseAction::kVerify, CaseState::kVerified,
       delay <= 3 ? ClockOutcome::kVerifyMet : ClockOutcome::kVerifyMissed);
  if (handler == origin) return Handle(index, o, nullptr, day, *verified, day);

  auto forwarded = At(day += Uniform(0, 2), *verified);
  if (!forwarded) return;
  Emit(o, *forwarded, index, CaseAction::kForward, CaseState::kForwarded);
  Track h{handler};
  const std::int64_t received = *forwarded + kMinuteMs;
  Emit(h, received, index, CaseAction::kSubmit, CaseState::kSubmitted);
  const int handler_delay = Uniform(0, 2);
  auto accepted = At(day += handler_delay, received);
  if (!accepted) return;
  Emit(h, *accepted, index, CaseAction::kVerify, CaseState::kVerified, ClockOutcome::kVerifyMet);
  Handle(index, h, &o, day, *accepted, day);
}

void Generator::Handle(std::uint32_t c, Track& handler, Track* origin, int day, std::int64_t t,
                       int verified_day) {
  auto disposed = At(day += Uniform(0, 1), t);
  if (!disposed) return;
  Emit(handler, *disposed, c, CaseAction::kDispose, CaseState::kDispositioned);
  std::int64_t last = *disposed;
  const int respond_delay = Uniform(0, 99) < 75 ? Uniform(0, 4) : Uniform(5, 12);
  if (respond_delay >= 10) {
    auto escalated = At(day + 8, last);
    if (!escalated) return;
    Emit(handler, last = *escalated, c, CaseAction::kEscalate, CaseState::kDispositioned);
  }
  auto responded = At(day += respond_delay, last);
  if (!responded) return;
  Emit(handler, *responded, c, CaseAction::kRespond, CaseState::kInProgress,
       respond_delay <= 5 ? ClockOutcome::kResponseMet : ClockOutcome::kResponseMissed);
  if (origin) {
    Emit(*origin, *responded + kMinuteMs, c, CaseAction::kPeerUpdate, CaseState::kForwarded);
  }
  const bool slow = Uniform(0, 9) == 0;
  const int resolve_delay = slow ? Uniform(20, 60) : Uniform(1, 20);
  auto resolved = At(day += resolve_delay, *responded);
  if (!resolved) return;
  Emit(handler, *resolved, c, CaseAction::kResolve, CaseState::kResolved,
       day - verified_day <= 60 ? ClockOutcome::kSettleMet : ClockOutcome::kSettleMissed);
  auto closed = At(day += Uniform(10, 14), *resolved);
  if (!closed) return;
  Emit(handler, *closed, c, CaseAction::kClose, CaseState::kClosed);
  if (origin) Emit(*origin, *closed + kMinuteMs, c, CaseAction::kPeerUpdate, CaseState::kClosed);
}

Traffic Generator::Finish() {
  std::sort(events_.begin(), events_.end(), [](const SimEvent& a, const SimEvent& b) {
    return std::tie(a.node, a.at, a.case_index) < std::tie(b.node, b.at, b.case_index);
  });
  return Traffic(std::move(categories_), std::move(cases_), std::move(events_), members_.size(),
                 options_.year_start_ms);
}

}  // namespace

Traffic::Traffic(std::vector<std::string> categories, std::vector<SimCase> cases,
                 std::vector<SimEvent> events, std::size_t nodes, std::int64_t year_start_ms)
    : categories_(std::move(categories)),
      cases_(std::move(cases)),
      events_(std::move(events)),
      first_(nodes + 1, 0),
      year_start_ms_(year_start_ms) {
  for (const SimEvent& e : events_) ++first_[e.node + 1];
  for (std::size_t n = 0; n < nodes; ++n) first_[n + 1] += first_[n];
}

std::span<const SimEvent> Traffic::EventsOf(std::size_t node) const {
  return std::span<const SimEvent>(events_).subspan(first_[node], first_[node + 1] - first_[node]);
}

int Traffic::DayOf(std::int64_t at_ms) const {
  return static_cast<int>((at_ms - year_start_ms_) / kDayMs);
}

std::int64_t Traffic::Count(domain::CaseAction action) const {
  return std::count_if(events_.begin(), events_.end(),
                       [action](const SimEvent& e) { return e.Action() == action; });
}

Traffic GenerateTraffic(const std::vector<MemberPlan>& members, const TrafficOptions& options) {
  Generator generator(members, options);
  for (std::int64_t i = 0; i < options.complaints; ++i) {
    generator.Case(static_cast<std::uint32_t>(i));
  }
  return generator.Finish();
}

}  // namespace simpul::bench::sim
