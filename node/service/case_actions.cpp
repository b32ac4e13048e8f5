// CaseService's state-changing paths: staff actions, reporter replies applied in the writer, and
// the sweep that auto-closes and escalates.
#include <nlohmann/json.hpp>

#include <algorithm>

#include "node/domain/text.hpp"
#include "node/service/case_hooks.hpp"
#include "node/service/case_rules.hpp"
#include "node/service/case_service.hpp"
#include "node/store/account_store.hpp"
#include "node/store/identity_store.hpp"

namespace simpul::service {

using domain::CaseAction;
using domain::CaseState;
using nlohmann::json;
using rules::CheckMessage;
using rules::ComputeSlaOf;
using rules::IsPublicAction;
using rules::MaySee;
using rules::RoleMayAct;
using store::Connection;

namespace {
constexpr std::string_view kActorSystem = "system";
}  // namespace

boost::asio::awaitable<Result<CaseView>> CaseService::Act(Principal who, std::string tracking_id,
                                                          ActionCommand cmd) {
  if (cmd.action == CaseAction::kSubmit || cmd.action == CaseAction::kReporterReply) {
    co_return Fail(ErrorCode::kInvalidArgument,
                   std::string(domain::Name(cmd.action)) + " is not a staff action");
  }
  if (!RoleMayAct(who.role, cmd.action)) {
    co_return Fail(ErrorCode::kPermissionDenied,
                   "role " + std::string(Name(who.role)) + " may not " +
                       std::string(domain::Name(cmd.action)) + " a case");
  }
  if (auto ok = CheckMessage("reason", cmd.reason, false); !ok) {
    co_return tl::unexpected(ok.error());
  }
  const bool needs_message = cmd.action == CaseAction::kRequestInfo ||
                             cmd.action == CaseAction::kRespond ||
                             cmd.action == CaseAction::kResolve;
  if (auto ok = CheckMessage("message", cmd.message, needs_message); !ok) {
    co_return tl::unexpected(ok.error());
  }
  const std::string actor = who.Actor();
  co_return co_await db_.Write<CaseView>([&, this](Connection& c) -> Result<CaseView> {
    return ApplyInWriter(c, &who, actor, tracking_id, cmd);
  });
}

namespace {

// Checks the action-specific fields and builds the event detail; also applies the action's effect
// on the summary (unit, category, escalation). Fails kInvalidArgument / kNotFound on bad fields.
Result<json> PrepareAction(Connection& c, const ActionCommand& cmd, const Catalog& catalog,
                           const store::CaseRecord& rec, store::CaseSummary& summary,
                           domain::TimePoint now) {
  json detail = json::object();
  if (!cmd.message.empty()) detail["message"] = cmd.message;
  switch (cmd.action) {
    case CaseAction::kVerify:
      summary.verified_at = now;
      break;
    case CaseAction::kArchive: {
      if (!cmd.archive_reason) {
        return Fail(ErrorCode::kInvalidArgument,
                    "archive_reason: required (incomplete, not_public_service, duplicate, "
                    "out_of_scope, abusive)");
      }
      detail["archive_reason"] = domain::Name(*cmd.archive_reason);
      if (*cmd.archive_reason == domain::ArchiveReason::kDuplicate) {
        if (cmd.duplicate_of.empty() || cmd.duplicate_of == rec.tracking_id) {
          return Fail(ErrorCode::kInvalidArgument,
                      "duplicate_of: the tracking id of the original complaint is required");
        }
        auto original = store::CaseStore::FindByTrackingId(c, cmd.duplicate_of);
        if (!original) return tl::unexpected(original.error());
        detail["duplicate_of"] = cmd.duplicate_of;
      }
      break;
    }
    case CaseAction::kClassify: {
      if (cmd.category.empty() && !cmd.classification) {
        return Fail(ErrorCode::kInvalidArgument, "classify needs a category or classification");
      }
      if (!cmd.category.empty()) {
        if (!catalog.categories()->AcceptsComplaints(cmd.category)) {
          return Fail(ErrorCode::kInvalidArgument,
                      "category: unknown or inactive category " + cmd.category);
        }
        detail["category"] = {{"from", rec.category}, {"to", cmd.category}};
        summary.category = cmd.category;
      }
      if (cmd.classification) {
        detail["classification"] = {{"from", domain::Name(rec.classification)},
                                    {"to", domain::Name(*cmd.classification)}};
        summary.classification = *cmd.classification;
      }
      break;
    }
    case CaseAction::kDispose: {
      if (cmd.unit_code.empty()) return Fail(ErrorCode::kInvalidArgument, "unit: required");
      auto unit = store::AccountStore::FindUnit(c, cmd.unit_code);
      if (!unit) return tl::unexpected(unit.error());
      summary.unit_id = unit->id;
      detail["unit"] = unit->code;
      detail["unit_name"] = unit->name;
      break;
    }
    case CaseAction::kForward:
      if (cmd.target_node.empty()) {
        return Fail(ErrorCode::kInvalidArgument, "target_node: required (the receiving node id)");
      }
      detail["to"] = cmd.target_node;
      break;
    case CaseAction::kDecline:
      if (domain::IsBlank(cmd.reason)) {
        return Fail(ErrorCode::kInvalidArgument,
                    "reason: required (why this case is not this node's to handle)");
      }
      if (cmd.target_node.empty()) {
        return Fail(ErrorCode::kInvalidArgument,
                    "target_node: required (the node that should handle it instead)");
      }
      detail["suggested_node"] = cmd.target_node;
      detail["archive_reason"] = domain::Name(domain::ArchiveReason::kOutOfScope);
      break;
    case CaseAction::kEraseIdentity: {
      if (domain::IsBlank(cmd.reason)) {
        return Fail(ErrorCode::kInvalidArgument,
                    "reason: required (the legal basis, e.g. the reporter's request)");
      }
      auto erased = store::IdentityStore::Erase(c, rec.id, now);
      if (!erased) return tl::unexpected(erased.error());
      detail["erased"] = true;
      break;
    }
    case CaseAction::kEscalate:
      summary.escalation_level = rec.escalation_level + 1;
      summary.escalated_due_at = rec.next_due_at;
      detail["level"] = summary.escalation_level;
      detail["to"] = cmd.beyond ? cmd.beyond->dest : "supervisor";
      if (!rec.next_clock.empty()) detail["clock"] = rec.next_clock;
      if (cmd.beyond) {
        detail["escalation"] = domain::Name(cmd.beyond->level);
        detail["due_at"] = cmd.beyond->due_at.time_since_epoch().count();
        detail["overdue_working_days"] = cmd.beyond->overdue_working_days;
        detail["msg_id"] = cmd.beyond->msg_id;
      }
      break;
    default:
      break;
  }
  return detail;
}

}  // namespace

Result<CaseView> CaseService::ApplyInWriter(Connection& c, const Principal* who,
                                            std::string_view actor, const std::string& tracking_id,
                                            const ActionCommand& cmd) {
  const domain::TimePoint now = clock_();
  auto rec = store::CaseStore::FindByTrackingId(c, tracking_id);
  if (!rec) return tl::unexpected(rec.error());
  if (who != nullptr && !MaySee(*who, *rec)) {
    return Fail(ErrorCode::kPermissionDenied, "this case is not assigned to your unit");
  }
  auto next = domain::NextState(rec->state, cmd.action);
  if (!next) return tl::unexpected(next.error());
  if (cmd.action == CaseAction::kForward || cmd.action == CaseAction::kDecline) {
    if (hooks_ == nullptr) {
      return Fail(ErrorCode::kConflict,
                  "this node is not federated: set [federation] in its config and enroll it");
    }
  }
  if (hooks_ != nullptr) {
    if (auto ok = hooks_->CheckAction(c, *rec, cmd); !ok) return tl::unexpected(ok.error());
  }
  auto events = store::CaseStore::Events(c, rec->id);
  if (!events) return tl::unexpected(events.error());

  if (cmd.action == CaseAction::kReporterReply && rec->state == CaseState::kResolved) {
    auto sla = ComputeSlaOf(*events, calendar_, config_.sla);
    auto it = std::find_if(sla.clocks.begin(), sla.clocks.end(), [](const auto& k) {
      return k.clock == domain::SlaClock::kAutoClose && k.running();
    });
    if (it != sla.clocks.end() && now > it->due) {
      return Fail(ErrorCode::kConflict,
                  "the reply window of this resolved complaint has closed; file a new complaint");
    }
  }

  store::CaseSummary summary{
      *next,        rec->unit_id, rec->escalation_level, rec->escalated_due_at, rec->verified_at,
      std::nullopt, "",           rec->category,         rec->classification,   now};
  auto detail = PrepareAction(c, cmd, catalog_, *rec, summary, now);
  if (!detail) return tl::unexpected(detail.error());

  store::EventRecord event{0,
                           cmd.action,
                           *next,
                           std::string(actor),
                           cmd.reason,
                           detail->dump(),
                           IsPublicAction(cmd.action),
                           now};
  events->push_back(event);
  auto sla = ComputeSlaOf(*events, calendar_, config_.sla);
  summary.next_due_at = sla.next_due;
  summary.next_clock = sla.next_clock ? std::string(domain::Name(*sla.next_clock)) : "";

  if (auto r = store::CaseStore::AppendEvent(c, rec->id, event); !r) {
    return tl::unexpected(r.error());
  }
  if (auto r = store::CaseStore::ReplaceClocks(c, rec->id, sla.clocks); !r) {
    return tl::unexpected(r.error());
  }
  if (auto r = store::CaseStore::UpdateSummary(c, rec->id, rec->version, summary); !r) {
    return tl::unexpected(r.error());
  }
  if (hooks_ != nullptr) {
    if (auto r = hooks_->AfterEvent(c, *rec, event, cmd); !r) return tl::unexpected(r.error());
  }
  auto updated = store::CaseStore::FindByTrackingId(c, tracking_id);
  if (!updated) return tl::unexpected(updated.error());
  return LoadView(c, std::move(*updated), who);
}

Result<void> CaseService::SweepOne(Connection& c, const store::CaseRecord& rec,
                                   SweepReport& report) {
  ActionCommand cmd;
  if (rec.next_clock == domain::Name(domain::SlaClock::kAutoClose)) {
    cmd.action = CaseAction::kClose;
    cmd.reason = "auto-closed: no reply from the reporter within the reply window";
  } else {
    cmd.action = CaseAction::kEscalate;
    cmd.reason = "deadline passed: " + rec.next_clock;
  }
  auto applied = store::WithSavepoint(
      c, [&] { return ApplyInWriter(c, nullptr, kActorSystem, rec.tracking_id, cmd); });
  if (!applied) return tl::unexpected(applied.error());
  (cmd.action == CaseAction::kClose ? report.auto_closed : report.escalated)++;
  return {};
}

Result<SweepReport> CaseService::SweepInWriter(Connection& c) {
  SweepReport report;
  auto due = store::CaseStore::DueBefore(c, clock_(), 500);
  if (!due) return tl::unexpected(due.error());
  for (const auto& rec : *due) {
    if (auto r = SweepOne(c, rec, report); !r) {
      ++report.failed;
      report.last_error = rec.tracking_id + ": " + r.error().message;
    }
  }
  if (auto r = EscalateBeyondInWriter(c, report); !r) return tl::unexpected(r.error());
  return report;
}

Result<SweepReport> CaseService::SweepSync() {
  return db_.WriteSync<SweepReport>([this](Connection& c) { return SweepInWriter(c); });
}

boost::asio::awaitable<Result<SweepReport>> CaseService::Sweep() {
  co_return co_await db_.Write<SweepReport>([this](Connection& c) { return SweepInWriter(c); });
}

}  // namespace simpul::service
