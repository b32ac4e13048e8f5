#include "node/domain/lifecycle.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <string>

#include "node/domain/enum_names.hpp"

namespace simpul::domain {
namespace {

using internal::NamedValue;
using S = CaseState;
using A = CaseAction;

constexpr std::array<NamedValue<CaseState>, 10> kStateNames{{
    {S::kSubmitted, "submitted"},
    {S::kPendingInfo, "pending_info"},
    {S::kVerified, "verified"},
    {S::kDispositioned, "dispositioned"},
    {S::kForwarded, "forwarded"},
    {S::kInProgress, "in_progress"},
    {S::kResolved, "resolved"},
    {S::kReopened, "reopened"},
    {S::kClosed, "closed"},
    {S::kArchived, "archived"},
}};

constexpr std::array<NamedValue<CaseAction>, 16> kActionNames{{
    {A::kSubmit, "submit"},
    {A::kVerify, "verify"},
    {A::kRequestInfo, "request_info"},
    {A::kProvideInfo, "provide_info"},
    {A::kArchive, "archive"},
    {A::kClassify, "classify"},
    {A::kDispose, "dispose"},
    {A::kForward, "forward"},
    {A::kRespond, "respond"},
    {A::kResolve, "resolve"},
    {A::kReporterReply, "reporter_reply"},
    {A::kDecline, "decline"},
    {A::kPeerUpdate, "peer_update"},
    {A::kClose, "close"},
    {A::kEscalate, "escalate"},
    {A::kEraseIdentity, "erase_identity"},
}};

constexpr std::array<NamedValue<ArchiveReason>, 5> kArchiveReasonNames{{
    {ArchiveReason::kIncomplete, "incomplete"},
    {ArchiveReason::kNotPublicService, "not_public_service"},
    {ArchiveReason::kDuplicate, "duplicate"},
    {ArchiveReason::kOutOfScope, "out_of_scope"},
    {ArchiveReason::kAbusive, "abusive"},
}};

constexpr std::array<CaseState, 10> kAllStates{
    S::kSubmitted,  S::kPendingInfo, S::kVerified, S::kDispositioned, S::kForwarded,
    S::kInProgress, S::kResolved,    S::kReopened, S::kClosed,        S::kArchived};

constexpr std::array<CaseAction, 16> kAllActions{
    A::kSubmit,   A::kVerify,        A::kRequestInfo,   A::kProvideInfo,
    A::kArchive,  A::kClassify,      A::kDispose,       A::kForward,
    A::kRespond,  A::kResolve,       A::kReporterReply, A::kClose,
    A::kEscalate, A::kEraseIdentity, A::kDecline,       A::kPeerUpdate};

bool OneOf(CaseState s, std::initializer_list<CaseState> states) {
  return std::find(states.begin(), states.end(), s) != states.end();
}

// The transition table: the state `action` leads to from `from`, or nullopt if not allowed.
std::optional<CaseState> Target(CaseState from, CaseAction action) {
  switch (action) {
    case A::kSubmit:
      return std::nullopt;
    case A::kVerify:
      if (from == S::kSubmitted) return S::kVerified;
      return std::nullopt;
    case A::kRequestInfo:
      if (from == S::kSubmitted) return S::kPendingInfo;
      return std::nullopt;
    case A::kProvideInfo:
      if (from == S::kPendingInfo) return S::kSubmitted;
      return std::nullopt;
    case A::kArchive:
      if (OneOf(from, {S::kSubmitted, S::kPendingInfo, S::kVerified})) return S::kArchived;
      return std::nullopt;
    case A::kClassify:
      if (OneOf(from, {S::kSubmitted, S::kPendingInfo, S::kVerified})) return from;
      return std::nullopt;
    case A::kDispose:
      if (OneOf(from, {S::kVerified, S::kDispositioned})) return S::kDispositioned;
      return std::nullopt;
    case A::kForward:
      if (from == S::kVerified) return S::kForwarded;
      return std::nullopt;
    case A::kRespond:
      if (OneOf(from, {S::kDispositioned, S::kInProgress, S::kReopened})) return S::kInProgress;
      return std::nullopt;
    case A::kResolve:
      if (from == S::kInProgress) return S::kResolved;
      return std::nullopt;
    case A::kReporterReply:
      if (from == S::kResolved) return S::kReopened;
      if (from == S::kPendingInfo) return S::kSubmitted;
      if (OneOf(from, {S::kSubmitted, S::kVerified, S::kDispositioned, S::kForwarded,
                       S::kInProgress, S::kReopened})) {
        return from;
      }
      return std::nullopt;
    case A::kClose:
      if (from == S::kResolved) return S::kClosed;
      return std::nullopt;
    case A::kEraseIdentity:
      return from;
    case A::kDecline:
      if (OneOf(from, {S::kSubmitted, S::kVerified})) return S::kArchived;
      return std::nullopt;
    case A::kPeerUpdate:
      return std::nullopt;
    case A::kEscalate:
      if (OneOf(from, {S::kSubmitted, S::kPendingInfo, S::kVerified, S::kDispositioned,
                       S::kInProgress, S::kReopened})) {
        return from;
      }
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::string_view Name(CaseState state) { return internal::NameIn(kStateNames, state); }
std::string_view Name(CaseAction action) { return internal::NameIn(kActionNames, action); }
std::string_view Name(ArchiveReason reason) {
  return internal::NameIn(kArchiveReasonNames, reason);
}

std::optional<CaseState> ParseCaseState(std::string_view name) {
  return internal::ParseIn(kStateNames, name);
}
std::optional<CaseAction> ParseCaseAction(std::string_view name) {
  return internal::ParseIn(kActionNames, name);
}
std::optional<ArchiveReason> ParseArchiveReason(std::string_view name) {
  return internal::ParseIn(kArchiveReasonNames, name);
}

std::span<const CaseState> AllCaseStates() { return kAllStates; }
std::span<const CaseAction> AllCaseActions() { return kAllActions; }

Result<CaseState> NextState(CaseState from, CaseAction action) {
  if (std::optional<CaseState> to = Target(from, action)) return *to;
  std::string allowed;
  for (CaseAction a : AllowedActions(from)) {
    if (!allowed.empty()) allowed += ", ";
    allowed += Name(a);
  }
  if (allowed.empty()) allowed = "none";
  std::string message = "cannot " + std::string(Name(action)) + " a case in state " +
                        std::string(Name(from)) + "; allowed: " + allowed;
  if (action == A::kSubmit) message += " (submit only creates a case)";
  return Fail(ErrorCode::kConflict, std::move(message));
}

std::vector<CaseAction> AllowedActions(CaseState state) {
  std::vector<CaseAction> allowed;
  for (CaseAction action : kAllActions) {
    if (action != A::kEraseIdentity && Target(state, action)) allowed.push_back(action);
  }
  std::sort(allowed.begin(), allowed.end(),
            [](CaseAction a, CaseAction b) { return Name(a) < Name(b); });
  return allowed;
}

bool IsTerminal(CaseState state) { return state == S::kClosed || state == S::kArchived; }

bool IsPaused(CaseState state) { return state == S::kPendingInfo; }

}  // namespace simpul::domain
