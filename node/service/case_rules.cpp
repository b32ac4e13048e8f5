#include "node/service/case_rules.hpp"

#include "node/domain/text.hpp"

namespace simpul::service::rules {
namespace {
using domain::CaseAction;
constexpr std::size_t kMaxMessageBytes = 10000;
}  // namespace

bool RoleMayAct(Role role, CaseAction action) {
  switch (role) {
    case Role::kNodeAdmin:
      return action != CaseAction::kPeerUpdate;
    case Role::kSupervisor:
      return action != CaseAction::kEraseIdentity && action != CaseAction::kPeerUpdate;
    case Role::kVerifier:
      return action == CaseAction::kVerify || action == CaseAction::kRequestInfo ||
             action == CaseAction::kProvideInfo || action == CaseAction::kArchive ||
             action == CaseAction::kClassify || action == CaseAction::kDispose ||
             action == CaseAction::kForward || action == CaseAction::kEscalate ||
             action == CaseAction::kDecline;
    case Role::kUnitOfficer:
      return action == CaseAction::kRespond || action == CaseAction::kResolve;
    case Role::kAuditor:
      return false;
  }
  return false;
}

bool MaySee(const Principal& who, const store::CaseRecord& rec) {
  return who.role != Role::kUnitOfficer || (who.unit_id && rec.unit_id == who.unit_id);
}

bool MaySeeIdentity(const Principal& who, const store::CaseRecord& rec) {
  return who.role != Role::kAuditor && MaySee(who, rec);
}

bool IsPublicAction(CaseAction a) {
  return a != CaseAction::kClassify && a != CaseAction::kEscalate &&
         a != CaseAction::kEraseIdentity;
}

domain::SlaStatus ComputeSlaOf(const std::vector<store::EventRecord>& events,
                               const domain::WorkingCalendar& calendar,
                               const domain::SlaPolicy& policy) {
  std::vector<domain::SlaEvent> in;
  in.reserve(events.size());
  for (const auto& e : events) in.push_back(domain::SlaEvent{e.action, e.state_after, e.at});
  return domain::ComputeSla(in, calendar, policy);
}

Result<void> CheckMessage(std::string_view field, std::string_view text, bool required) {
  if (required && domain::IsBlank(text)) {
    return Fail(ErrorCode::kInvalidArgument, std::string(field) + ": required");
  }
  if (text.size() > kMaxMessageBytes) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string(field) + ": at most " + std::to_string(kMaxMessageBytes) + " bytes");
  }
  if (!domain::IsCleanText(text, "\n\t")) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string(field) + ": must be valid UTF-8 without control characters");
  }
  return {};
}

}  // namespace simpul::service::rules
