#pragma once
// The case lifecycle: states, the actions that move a case between them, and the transition
// table. Every transition is an event; nothing is ever deleted (archiving is a state).
//
//   Result<CaseState> next = NextState(CaseState::kVerified, CaseAction::kDispose);
//   // next == CaseState::kDispositioned
//
// Wire names (Name/Parse*) are the snake_case English names used by the store and the API.

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "crypto/result.hpp"

namespace simpul::domain {

enum class CaseState {
  kSubmitted,      // lodged, awaiting verification
  kPendingInfo,    // tunda: waiting on the reporter; SLA clocks pause
  kVerified,       // accepted as a complaint this system handles
  kDispositioned,  // assigned to a work unit of this node
  kForwarded,      // sent to another node
  kInProgress,     // ditindaklanjuti: the handler has posted a follow-up
  kResolved,       // selesai: awaiting the reporter's reply or auto-close
  kReopened,       // the reporter replied to a resolution
  kClosed,         // terminal
  kArchived,       // terminal, with an ArchiveReason
};

enum class CaseAction {
  kSubmit,  // creates the case in kSubmitted; never a transition
  kVerify,
  kRequestInfo,
  kProvideInfo,
  kArchive,
  kClassify,  // changes classification or category; state unchanged
  kDispose,
  kForward,
  kRespond,
  kResolve,
  kReporterReply,
  kClose,
  kEscalate,  // raises the case to a supervisor; state unchanged
  // Crypto-shreds the reporter's identity (their personal data), keeping the case and its history.
  // Administrative: allowed in every state, state unchanged, never listed by AllowedActions.
  kEraseIdentity,
  // Bukan wewenang: the node a case was forwarded to hands it back to the sender with a reason and
  // a suggested node. Only for cases received from another node.
  kDecline,
  // Records what another node reported about a case (acceptance, status, a response, a decline,
  // a reply). Applied by the federation inbox, never by staff; not a NextState transition.
  kPeerUpdate,
};

// Why a case was archived without being handled.
enum class ArchiveReason {
  kIncomplete,
  kNotPublicService,
  kDuplicate,
  kOutOfScope,
  kAbusive,
};

// The state every case starts in (the result of kSubmit).
inline constexpr CaseState kInitialState = CaseState::kSubmitted;

std::string_view Name(CaseState state);
std::string_view Name(CaseAction action);
std::string_view Name(ArchiveReason reason);
std::optional<CaseState> ParseCaseState(std::string_view name);
std::optional<CaseAction> ParseCaseAction(std::string_view name);
std::optional<ArchiveReason> ParseArchiveReason(std::string_view name);

// Every state / action, in declaration order.
std::span<const CaseState> AllCaseStates();
std::span<const CaseAction> AllCaseActions();

// The state after `action` is applied to a case in `from`. Fails with kConflict if the action is
// not allowed there (kSubmit never is); the message names the allowed actions, e.g.
// "cannot resolve a case in state verified; allowed: archive, classify, dispose, ...".
Result<CaseState> NextState(CaseState from, CaseAction action);

// The case-handling actions NextState accepts in `state`, sorted by wire name. Empty for terminal
// states. The administrative kEraseIdentity is never listed.
std::vector<CaseAction> AllowedActions(CaseState state);

// True for closed and archived: no action applies and no clock runs.
bool IsTerminal(CaseState state);

// True for pending_info: the SLA clocks are paused.
bool IsPaused(CaseState state);

}  // namespace simpul::domain
