#pragma once
// The kinds of message nodes exchange (DESIGN §3) and the schema of each one's body.
//
//   std::optional<MessageType> type = ParseMessageType("case.decline");
//   Result<void> ok = ValidateBody(*type, body, case_id);  // "reason: required"
//
// Every body is a closed JSON object: a member not listed below is rejected. Lengths are in
// bytes; "token" means visible ASCII without spaces; "text" means any UTF-8; "?" marks an
// optional member. refs.case_id is required for case.* messages except case.meta, optional for
// receipt, and must be absent for node.report, case.meta and stream.skip.
//
//   case.forward   case: {tracking_id token 1..64 (equals refs.case_id),
//                         classification: complaint | aspiration | information_request,
//                         category token 1..64, title text 1..200, body text 1..20000,
//                         region token 2..13 (Kemendagri code), incident_date? "YYYY-MM-DD",
//                         anonymous bool, confidential bool,
//                         reporter? {name text 1..120, phone? token 8..16, email? text 3..254}
//                           (only when anonymous is false: an anonymous forward carrying a
//                           reporter is rejected),
//                         submitted_at integer >= 0 (Unix ms), origin token 1..64 (node id)}
//   case.accept    note? text 1..2000
//   case.decline   reason text 1..2000, suggested_node token 1..64 (where it should go instead)
//   case.status    state: a lifecycle state name (submitted, pending_info, verified,
//                  dispositioned, forwarded, in_progress, resolved, reopened, closed, archived),
//                  note? text 1..2000
//   case.response  message text 1..20000
//   case.reply     message text 1..20000
//   case.close     reason? text 1..2000
//   node.report    the sender's periodic statistics for the coordinator (DESIGN §5):
//                  node token 1..64 (must equal the envelope's from), at integer >= 0 (Unix ms
//                  measured), interval_s integer 1..86400 (the sender's report interval),
//                  directory_version integer >= 0 (0: none in force),
//                  cases {total integer >= 0, by_state {<state>? integer >= 0 for each
//                    lifecycle state name below}},
//                  sla {verify?, first_response?, settle?, auto_close?: {met, missed, running
//                    integers >= 0}},
//                  overdue {total integer >= 0, ids: 0..100 tracking ids (token 1..64)},
//                  outbox: 0..1000 of {dest token 1..64, pending integer >= 0,
//                    delivered integer >= 0, oldest_pending_age_ms? integer >= 0},
//                  log {size integer >= 0, checkpoint? {size integer >= 0, root hex 64},
//                    witnessed? {size integer >= 0, root hex 64}},
//                  meta {sent integer >= 0 (last case event sent as case.meta),
//                    pending integer >= 0 (case events not yet sent)}
//   case.meta      personal-data-free case metadata for the coordinator's statistics:
//                  node token 1..64 (must equal the envelope's from),
//                  records: 1..500 of {event integer >= 1 (the sender's case event sequence,
//                    strictly increasing within a stream), tracking_id token 1..64,
//                    origin token 1..64 (node where the citizen filed it), category token 1..64,
//                    region token 2..13, classification (as in case.forward), state (the
//                    lifecycle state after the event), action (a lifecycle action name: submit,
//                    verify, request_info, provide_info, archive, classify, dispose, forward,
//                    respond, resolve, reporter_reply, decline, peer_update, close, escalate,
//                    erase_identity), at integer >= 0 (event time, Unix ms), submitted_at
//                    integer >= 0}.
//                  Never a title, body, address, coordinates, reporter, note or reason: the
//                  records are closed objects, so a member carrying them is rejected.
//   receipt        for_msg_id UUIDv7, for_hash hex 64, log_index integer >= 0,
//                  dir_version integer >= 1
//   stream.skip    skipped_seq integer >= 1, reason text 1..2000
//
// Who may send which type about which case is the inbox's rule, not checked here.
// Thread-safe: all functions are pure.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "crypto/result.hpp"

namespace simpul::federation {

// Most records in one case.meta body.
inline constexpr std::int64_t kMaxMetaRecords = 500;
// Most overdue tracking ids listed in one node.report (overdue.total counts them all).
inline constexpr std::int64_t kMaxReportedOverdueIds = 100;

enum class MessageType {
  kCaseForward,   // case.forward: hands a case to the node that must handle it
  kCaseAccept,    // case.accept: the receiver takes the case on
  kCaseDecline,   // case.decline: bukan wewenang, with a reason and a suggested node
  kCaseStatus,    // case.status: the handler reports a lifecycle state
  kCaseResponse,  // case.response: the handler's follow-up for the reporter
  kCaseReply,     // case.reply: the reporter's reply, relayed by the origin node
  kCaseClose,     // case.close: the case is closed
  kNodeReport,    // node.report: periodic statistics for the coordinator
  kCaseMeta,      // case.meta: personal-data-free case events for the coordinator
  kReceipt,       // receipt: the receiver acknowledges an envelope
  kStreamSkip,    // stream.skip: a message that can never apply is skipped
};

// The wire name, e.g. "case.forward".
std::string_view Name(MessageType type);

// The type whose wire name is `name`, or nullopt.
std::optional<MessageType> ParseMessageType(std::string_view name);

// Every type, in declaration order.
std::span<const MessageType> AllMessageTypes();

// Checks refs.case_id (`case_id`, "" when absent) against the rule for `type`. Fails with
// kInvalidArgument "refs.case_id: ...".
Result<void> ValidateCaseRef(MessageType type, std::string_view case_id);

// Checks `body` against the schema of `type` above, including case.forward's tracking_id ==
// `case_id`. Fails with kInvalidArgument; the message starts with the member's path, e.g.
// "case.reporter: not allowed in an anonymous forward".
Result<void> ValidateBody(MessageType type, const nlohmann::json& body, std::string_view case_id);

}  // namespace simpul::federation
