#include "node/fed/escalation_exchange.hpp"

#include <nlohmann/json.hpp>

#include "node/log.hpp"
#include "node/store/escalation_store.hpp"

namespace simpul::fed {

using domain::EscalationLevel;
using federation::NodeClass;
using nlohmann::json;

namespace {

domain::TimePoint FromMillis(std::int64_t ms) {
  return domain::TimePoint(std::chrono::milliseconds(ms));
}

// The coordinator's node id: the trust anchor's, or on a node without one (the coordinator
// itself) the directory's coordinator entry. "" if neither names one.
std::string CoordinatorOf(const FederationState& state, const federation::Directory& dir) {
  if (state.anchor()) return state.anchor()->coordinator;
  for (const auto& node : dir.document().nodes) {
    if (node.node_class == NodeClass::kCoordinator) return node.id;
  }
  return "";
}

}  // namespace

EscalationExchange::EscalationExchange(FederationState& state, Outbox& outbox, service::Clock clock)
    : state_(state), outbox_(outbox), clock_(std::move(clock)) {}

Result<service::EscalationTargets> EscalationExchange::Targets() const {
  auto dir = state_.directory();
  if (dir == nullptr) {
    return Fail(ErrorCode::kUnavailable, "no federation directory yet: escalations wait for it");
  }
  const auto* self = dir->Find(state_.self_id());
  if (self == nullptr) {
    return Fail(ErrorCode::kUnavailable,
                state_.self_id() + " is not in the directory yet: escalations wait for enrollment");
  }
  service::EscalationTargets targets;
  targets.coordinator = CoordinatorOf(state_, *dir);
  if (targets.coordinator == state_.self_id()) targets.coordinator.clear();
  if (!self->parent.empty() && self->parent != targets.coordinator &&
      self->parent != state_.self_id()) {
    targets.parent = self->parent;
  }
  return targets;
}

Result<std::string> EscalationExchange::Send(store::Connection& c, const store::CaseRecord& rec,
                                             const service::OverdueEscalation& e) {
  // Metadata only: the case.escalate schema is closed, so nothing personal can be added here.
  const json body = {{"level", domain::Name(e.level)},
                     {"clock", e.clock},
                     {"due_at", e.due_at.time_since_epoch().count()},
                     {"overdue_working_days", e.overdue_working_days},
                     {"state", domain::Name(rec.state)},
                     {"category", rec.category},
                     {"region", rec.region}};
  auto msg_id = outbox_.Enqueue(c, OutgoingMessage{federation::MessageType::kCaseEscalate, e.dest,
                                                   rec.tracking_id, body.dump()});
  if (!msg_id) return msg_id;
  LogEvent(spdlog::level::info, "escalation_sent",
           {{"case", rec.tracking_id},
            {"to", e.dest},
            {"level", domain::Name(e.level)},
            {"clock", e.clock},
            {"overdue_working_days", e.overdue_working_days}});
  return msg_id;
}

Result<void> EscalationExchange::Apply(store::Connection& c,
                                       const federation::VerifiedEnvelope& env,
                                       std::string_view /*origin_request_id: nothing is relayed*/) {
  if (!env.body) return Fail(ErrorCode::kInvalidArgument, "envelope body was erased");
  // The inbox verified the body against the case.escalate schema before handing it over.
  const json body = json::parse(*env.body);
  const auto level = domain::ParseEscalationLevel(body.at("level").get<std::string>());
  if (!level) return Fail(ErrorCode::kInvalidArgument, "level: parent or coordinator");
  auto dir = state_.directory();
  if (dir == nullptr) return Fail(ErrorCode::kUnavailable, "no federation directory");
  const std::string& self = state_.self_id();
  if (*level == EscalationLevel::kParent) {
    const auto* sender = dir->Find(env.from);
    if (sender == nullptr || sender->parent != self) {
      return Fail(ErrorCode::kPermissionDenied, "case.escalate to a parent: " + env.from +
                                                    " is not a child of " + self +
                                                    " in the directory");
    }
  } else if (CoordinatorOf(state_, *dir) != self) {
    return Fail(ErrorCode::kPermissionDenied,
                "case.escalate to the coordinator: " + self + " is not the coordinator");
  }
  store::ReceivedEscalation row;
  row.from_node = env.from;
  row.msg_id = env.msg_id;
  row.case_ref = env.case_id;
  row.level = *level;
  row.clock = body.at("clock").get<std::string>();
  row.due_at = FromMillis(body.at("due_at").get<std::int64_t>());
  row.overdue_working_days = body.at("overdue_working_days").get<std::int64_t>();
  row.state = body.at("state").get<std::string>();
  row.category = body.at("category").get<std::string>();
  row.region = body.at("region").get<std::string>();
  row.sent_at = env.created_at;
  row.received_at = clock_();
  auto fresh = store::EscalationStore::RecordReceived(c, row);
  if (!fresh) return tl::unexpected(fresh.error());
  LogEvent(spdlog::level::info, "escalation_received",
           {{"case", env.case_id},
            {"from", env.from},
            {"level", domain::Name(*level)},
            {"overdue_working_days", row.overdue_working_days},
            {"duplicate", !*fresh}});
  return {};
}

}  // namespace simpul::fed
