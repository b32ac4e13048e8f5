#include "federation/message_types.hpp"

#include <array>
#include <string>

#include <nlohmann/json.hpp>

#include "crypto/canonical_json.hpp"
#include "federation/envelope_schema.hpp"

namespace simpul::federation {
namespace {

using nlohmann::json;
using K = FieldKind;

constexpr std::int64_t kMax = crypto::kMaxSafeInteger;
constexpr std::int64_t kMaxNote = 2000;
constexpr std::int64_t kMaxMessage = 20000;
constexpr std::int64_t kMaxNodeId = 64;

struct TypeName {
  MessageType type;
  std::string_view name;
};

constexpr std::array<TypeName, 12> kTypeNames = {{
    {MessageType::kCaseForward, "case.forward"},
    {MessageType::kCaseAccept, "case.accept"},
    {MessageType::kCaseDecline, "case.decline"},
    {MessageType::kCaseStatus, "case.status"},
    {MessageType::kCaseResponse, "case.response"},
    {MessageType::kCaseReply, "case.reply"},
    {MessageType::kCaseClose, "case.close"},
    {MessageType::kCaseEscalate, "case.escalate"},
    {MessageType::kNodeReport, "node.report"},
    {MessageType::kCaseMeta, "case.meta"},
    {MessageType::kReceipt, "receipt"},
    {MessageType::kStreamSkip, "stream.skip"},
}};

constexpr std::array<MessageType, kTypeNames.size()> kAllTypes = [] {
  std::array<MessageType, kTypeNames.size()> all{};
  for (std::size_t i = 0; i < kTypeNames.size(); ++i) all[i] = kTypeNames[i].type;
  return all;
}();

constexpr std::string_view kClassifications[] = {"complaint", "aspiration", "information_request"};

// The wire names of node/domain/lifecycle.hpp's CaseState; federation cannot depend on node.
constexpr std::string_view kCaseStates[] = {
    "submitted",   "pending_info", "verified", "dispositioned", "forwarded",
    "in_progress", "resolved",     "reopened", "closed",        "archived"};

// The wire names of node/domain/lifecycle.hpp's CaseAction.
constexpr std::string_view kCaseActions[] = {
    "submit",      "verify",  "request_info", "provide_info",  "archive",        "classify",
    "dispose",     "forward", "respond",      "resolve",       "reporter_reply", "decline",
    "peer_update", "close",   "escalate",     "erase_identity"};

constexpr FieldSpec kReporter[] = {
    {.name = "name", .kind = K::kText, .min = 1, .max = 120},
    {.name = "phone", .kind = K::kToken, .optional = true, .min = 8, .max = 16},
    {.name = "email", .kind = K::kText, .optional = true, .min = 3, .max = 254},
};

constexpr FieldSpec kCase[] = {
    {.name = "tracking_id", .kind = K::kToken, .min = 1, .max = 64},
    {.name = "classification", .kind = K::kToken, .min = 1, .max = 32, .one_of = kClassifications},
    {.name = "category", .kind = K::kToken, .min = 1, .max = 64},
    {.name = "title", .kind = K::kText, .min = 1, .max = 200},
    {.name = "body", .kind = K::kText, .min = 1, .max = kMaxMessage},
    {.name = "region", .kind = K::kToken, .min = 2, .max = 13},
    {.name = "incident_date", .kind = K::kDate, .optional = true},
    {.name = "anonymous", .kind = K::kBool},
    {.name = "confidential", .kind = K::kBool},
    {.name = "reporter", .kind = K::kObject, .optional = true, .members = kReporter},
    {.name = "submitted_at", .kind = K::kInteger, .min = 0, .max = kMax},
    {.name = "origin", .kind = K::kToken, .min = 1, .max = kMaxNodeId},
};

constexpr FieldSpec kForward[] = {{.name = "case", .kind = K::kObject, .members = kCase}};
constexpr FieldSpec kAccept[] = {
    {.name = "note", .kind = K::kText, .optional = true, .min = 1, .max = kMaxNote}};
constexpr FieldSpec kDecline[] = {
    {.name = "reason", .kind = K::kText, .min = 1, .max = kMaxNote},
    {.name = "suggested_node", .kind = K::kToken, .min = 1, .max = kMaxNodeId},
};
constexpr FieldSpec kStatus[] = {
    {.name = "state", .kind = K::kToken, .min = 1, .max = 32, .one_of = kCaseStates},
    {.name = "note", .kind = K::kText, .optional = true, .min = 1, .max = kMaxNote},
};
constexpr FieldSpec kMessage[] = {
    {.name = "message", .kind = K::kText, .min = 1, .max = kMaxMessage}};
constexpr FieldSpec kClose[] = {
    {.name = "reason", .kind = K::kText, .optional = true, .min = 1, .max = kMaxNote}};
constexpr std::string_view kEscalationLevels[] = {"parent", "coordinator"};
// The clocks of node/domain/sla.hpp that can be missed (auto_close closes a case instead).
constexpr std::string_view kEscalatedClocks[] = {"verify", "first_response", "settle"};
constexpr FieldSpec kEscalate[] = {
    {.name = "level", .kind = K::kToken, .min = 1, .max = 32, .one_of = kEscalationLevels},
    {.name = "clock", .kind = K::kToken, .min = 1, .max = 32, .one_of = kEscalatedClocks},
    {.name = "due_at", .kind = K::kInteger, .min = 0, .max = kMax},
    {.name = "overdue_working_days", .kind = K::kInteger, .min = 0, .max = 100000},
    {.name = "state", .kind = K::kToken, .min = 1, .max = 32, .one_of = kCaseStates},
    {.name = "category", .kind = K::kToken, .min = 1, .max = 64},
    {.name = "region", .kind = K::kToken, .min = 2, .max = 13},
};

// node.report
constexpr std::int64_t kMaxOutboxDestinations = 1000;
constexpr FieldSpec kByState[] = {
    {.name = "submitted", .kind = K::kInteger, .optional = true, .max = kMax},
    {.name = "pending_info", .kind = K::kInteger, .optional = true, .max = kMax},
    {.name = "verified", .kind = K::kInteger, .optional = true, .max = kMax},
    {.name = "dispositioned", .kind = K::kInteger, .optional = true, .max = kMax},
    {.name = "forwarded", .kind = K::kInteger, .optional = true, .max = kMax},
    {.name = "in_progress", .kind = K::kInteger, .optional = true, .max = kMax},
    {.name = "resolved", .kind = K::kInteger, .optional = true, .max = kMax},
    {.name = "reopened", .kind = K::kInteger, .optional = true, .max = kMax},
    {.name = "closed", .kind = K::kInteger, .optional = true, .max = kMax},
    {.name = "archived", .kind = K::kInteger, .optional = true, .max = kMax},
};
constexpr FieldSpec kCaseCounts[] = {
    {.name = "total", .kind = K::kInteger, .max = kMax},
    {.name = "by_state", .kind = K::kObject, .members = kByState},
};
constexpr FieldSpec kClockCounts[] = {
    {.name = "met", .kind = K::kInteger, .max = kMax},
    {.name = "missed", .kind = K::kInteger, .max = kMax},
    {.name = "running", .kind = K::kInteger, .max = kMax},
};
constexpr FieldSpec kSla[] = {
    {.name = "verify", .kind = K::kObject, .optional = true, .members = kClockCounts},
    {.name = "first_response", .kind = K::kObject, .optional = true, .members = kClockCounts},
    {.name = "settle", .kind = K::kObject, .optional = true, .members = kClockCounts},
    {.name = "auto_close", .kind = K::kObject, .optional = true, .members = kClockCounts},
};
constexpr FieldSpec kTrackingId[] = {{.name = "element", .kind = K::kToken, .min = 1, .max = 64}};
constexpr FieldSpec kOverdue[] = {
    {.name = "total", .kind = K::kInteger, .max = kMax},
    {.name = "ids", .kind = K::kList, .max = kMaxReportedOverdueIds, .members = kTrackingId},
};
constexpr FieldSpec kDestination[] = {
    {.name = "dest", .kind = K::kToken, .min = 1, .max = kMaxNodeId},
    {.name = "pending", .kind = K::kInteger, .max = kMax},
    {.name = "delivered", .kind = K::kInteger, .max = kMax},
    {.name = "oldest_pending_age_ms", .kind = K::kInteger, .optional = true, .max = kMax},
};
constexpr FieldSpec kDestinationItem[] = {
    {.name = "element", .kind = K::kObject, .members = kDestination}};
constexpr FieldSpec kTreeHead[] = {
    {.name = "size", .kind = K::kInteger, .max = kMax},
    {.name = "root", .kind = K::kHex, .min = 64, .max = 64},
};
constexpr FieldSpec kSourceAudit[] = {
    {.name = "at", .kind = K::kInteger, .max = kMax},
    {.name = "cases", .kind = K::kInteger, .max = kMax},
    {.name = "events", .kind = K::kInteger, .max = kMax},
    {.name = "mismatches", .kind = K::kInteger, .max = kMax},
};
constexpr FieldSpec kLog[] = {
    {.name = "size", .kind = K::kInteger, .max = kMax},
    {.name = "checkpoint", .kind = K::kObject, .optional = true, .members = kTreeHead},
    {.name = "witnessed", .kind = K::kObject, .optional = true, .members = kTreeHead},
    {.name = "audit", .kind = K::kObject, .optional = true, .members = kSourceAudit},
};
constexpr FieldSpec kMetaProgress[] = {
    {.name = "sent", .kind = K::kInteger, .max = kMax},
    {.name = "pending", .kind = K::kInteger, .max = kMax},
};
constexpr FieldSpec kReport[] = {
    {.name = "node", .kind = K::kToken, .min = 1, .max = kMaxNodeId},
    {.name = "at", .kind = K::kInteger, .max = kMax},
    {.name = "interval_s", .kind = K::kInteger, .min = 1, .max = 86400},
    {.name = "directory_version", .kind = K::kInteger, .max = kMax},
    {.name = "cases", .kind = K::kObject, .members = kCaseCounts},
    {.name = "sla", .kind = K::kObject, .members = kSla},
    {.name = "overdue", .kind = K::kObject, .members = kOverdue},
    {.name = "outbox",
     .kind = K::kList,
     .max = kMaxOutboxDestinations,
     .members = kDestinationItem},
    {.name = "log", .kind = K::kObject, .members = kLog},
    {.name = "meta", .kind = K::kObject, .members = kMetaProgress},
};

// case.meta
constexpr FieldSpec kMetaRecord[] = {
    {.name = "event", .kind = K::kInteger, .min = 1, .max = kMax},
    {.name = "tracking_id", .kind = K::kToken, .min = 1, .max = 64},
    {.name = "origin", .kind = K::kToken, .min = 1, .max = kMaxNodeId},
    {.name = "category", .kind = K::kToken, .min = 1, .max = 64},
    {.name = "region", .kind = K::kToken, .min = 2, .max = 13},
    {.name = "classification", .kind = K::kToken, .min = 1, .max = 32, .one_of = kClassifications},
    {.name = "state", .kind = K::kToken, .min = 1, .max = 32, .one_of = kCaseStates},
    {.name = "action", .kind = K::kToken, .min = 1, .max = 32, .one_of = kCaseActions},
    {.name = "at", .kind = K::kInteger, .max = kMax},
    {.name = "submitted_at", .kind = K::kInteger, .max = kMax},
};
constexpr FieldSpec kMetaRecordItem[] = {
    {.name = "element", .kind = K::kObject, .members = kMetaRecord}};
constexpr FieldSpec kMeta[] = {
    {.name = "node", .kind = K::kToken, .min = 1, .max = kMaxNodeId},
    {.name = "records",
     .kind = K::kList,
     .min = 1,
     .max = kMaxMetaRecords,
     .members = kMetaRecordItem},
};

constexpr FieldSpec kReceiptBody[] = {
    {.name = "for_msg_id", .kind = K::kUuidV7},
    {.name = "for_hash", .kind = K::kHex, .min = 64, .max = 64},
    {.name = "log_index", .kind = K::kInteger, .min = 0, .max = kMax},
    {.name = "dir_version", .kind = K::kInteger, .min = 1, .max = kMax},
};
constexpr FieldSpec kSkip[] = {
    {.name = "skipped_seq", .kind = K::kInteger, .min = 1, .max = kMax},
    {.name = "reason", .kind = K::kText, .min = 1, .max = kMaxNote},
};

std::span<const FieldSpec> SchemaOf(MessageType type) {
  switch (type) {
    case MessageType::kCaseForward:
      return kForward;
    case MessageType::kCaseAccept:
      return kAccept;
    case MessageType::kCaseDecline:
      return kDecline;
    case MessageType::kCaseStatus:
      return kStatus;
    case MessageType::kCaseResponse:
    case MessageType::kCaseReply:
      return kMessage;
    case MessageType::kCaseClose:
      return kClose;
    case MessageType::kCaseEscalate:
      return kEscalate;
    case MessageType::kNodeReport:
      return kReport;
    case MessageType::kCaseMeta:
      return kMeta;
    case MessageType::kReceipt:
      return kReceiptBody;
    case MessageType::kStreamSkip:
      return kSkip;
  }
  return {};
}

// The rules of case.forward that relate members to each other or to the envelope.
Result<void> CheckForwardRules(const json& body, std::string_view case_id) {
  const json& c = body.at("case");
  if (c.at("anonymous").get<bool>() && c.contains("reporter")) {
    return Fail(ErrorCode::kInvalidArgument, "case.reporter: not allowed in an anonymous forward");
  }
  if (c.at("tracking_id").get_ref<const std::string&>() != case_id) {
    return Fail(ErrorCode::kInvalidArgument, "case.tracking_id: must equal refs.case_id");
  }
  return {};
}

}  // namespace

std::string_view Name(MessageType type) {
  for (const TypeName& t : kTypeNames) {
    if (t.type == type) return t.name;
  }
  return "unknown";
}

std::optional<MessageType> ParseMessageType(std::string_view name) {
  for (const TypeName& t : kTypeNames) {
    if (t.name == name) return t.type;
  }
  return std::nullopt;
}

std::span<const MessageType> AllMessageTypes() { return kAllTypes; }

Result<void> ValidateCaseRef(MessageType type, std::string_view case_id) {
  switch (type) {
    case MessageType::kNodeReport:
    case MessageType::kCaseMeta:
    case MessageType::kStreamSkip:
      if (!case_id.empty()) {
        return Fail(ErrorCode::kInvalidArgument,
                    "refs.case_id: not allowed in " + std::string(Name(type)));
      }
      return {};
    case MessageType::kReceipt:
      return {};
    default:
      if (case_id.empty()) {
        return Fail(ErrorCode::kInvalidArgument,
                    "refs.case_id: required for " + std::string(Name(type)));
      }
      return {};
  }
}

Result<void> ValidateBody(MessageType type, const json& body, std::string_view case_id) {
  if (auto ok = CheckObject(body, SchemaOf(type)); !ok) return ok;
  if (type == MessageType::kCaseForward) return CheckForwardRules(body, case_id);
  return {};
}

}  // namespace simpul::federation
