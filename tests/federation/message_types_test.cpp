#include "federation/message_types.hpp"

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace simpul::federation {
namespace {

using nlohmann::json;

constexpr std::string_view kCaseId = "KAB3204-000042";

// A valid body of each type, with every optional member present where that is allowed.
json ValidBody(MessageType type) {
  switch (type) {
    case MessageType::kCaseForward:
      return {{"case",
               {{"tracking_id", kCaseId},
                {"classification", "aspiration"},
                {"category", "kesehatan.puskesmas"},
                {"title", "Antrian puskesmas"},
                {"body", "Antrian terlalu panjang setiap pagi."},
                {"region", "32.04.05"},
                {"incident_date", "2024-02-29"},
                {"anonymous", false},
                {"confidential", true},
                {"reporter", {{"name", "Budi"}, {"phone", "081234567"}, {"email", "b@x.id"}}},
                {"submitted_at", 1720000000000},
                {"origin", "kab:32.04"}}}};
    case MessageType::kCaseAccept:
      return {{"note", "diterima"}};
    case MessageType::kCaseDecline:
      return {{"reason", "bukan wewenang"}, {"suggested_node", "kl:pupr"}};
    case MessageType::kCaseStatus:
      return {{"state", "in_progress"}, {"note", "survei lapangan"}};
    case MessageType::kCaseResponse:
    case MessageType::kCaseReply:
      return {{"message", "Terima kasih."}};
    case MessageType::kCaseClose:
      return {{"reason", "selesai"}};
    case MessageType::kCaseEscalate:
      return {{"level", "parent"},       {"clock", "verify"},
              {"due_at", 1783000000000}, {"overdue_working_days", 6},
              {"state", "submitted"},    {"category", "infrastruktur.jalan"},
              {"region", "32.04"}};
    case MessageType::kNodeReport:
      return {{"counts", {{"open", 12}, {"by_state", {{"verified", 3}, {"resolved", 0}}}}}};
    case MessageType::kReceipt:
      return {{"for_msg_id", "0190f3c4-5a6b-7c8d-9e0f-1a2b3c4d5e6f"},
              {"for_hash", std::string(64, 'a')},
              {"log_index", 0},
              {"dir_version", 4}};
    case MessageType::kStreamSkip:
      return {{"skipped_seq", 9}, {"reason", "case unknown here"}};
  }
  return {};
}

std::string CaseIdFor(MessageType type) {
  return type == MessageType::kNodeReport || type == MessageType::kStreamSkip
             ? ""
             : std::string(kCaseId);
}

// Expects ValidateBody to reject `body` of `type` with a message starting with `prefix`.
void ExpectRejected(MessageType type, const json& body, std::string_view prefix) {
  auto ok = ValidateBody(type, body, CaseIdFor(type));
  ASSERT_FALSE(ok) << Name(type) << " accepted " << body.dump();
  EXPECT_EQ(ok.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(ok.error().message.starts_with(prefix)) << ok.error().message;
}

TEST(MessageTypesTest, WireNamesRoundTrip) {
  const char* expected[] = {"case.forward",  "case.accept", "case.decline", "case.status",
                            "case.response", "case.reply",  "case.close",   "case.escalate",
                            "node.report",   "receipt",     "stream.skip"};
  ASSERT_EQ(AllMessageTypes().size(), std::size(expected));
  for (std::size_t i = 0; i < std::size(expected); ++i) {
    EXPECT_EQ(Name(AllMessageTypes()[i]), expected[i]);
    EXPECT_EQ(ParseMessageType(expected[i]), AllMessageTypes()[i]);
  }
  EXPECT_FALSE(ParseMessageType("case.delete"));
  EXPECT_FALSE(ParseMessageType("CASE.FORWARD"));
}

TEST(MessageTypesTest, AcceptsAValidBodyOfEveryType) {
  for (MessageType type : AllMessageTypes()) {
    auto ok = ValidateBody(type, ValidBody(type), CaseIdFor(type));
    EXPECT_TRUE(ok) << Name(type) << ": " << ok.error().message;
  }
}

TEST(MessageTypesTest, RejectsMissingRequiredMember) {
  ExpectRejected(MessageType::kCaseDecline, {{"reason", "x"}}, "suggested_node: required");
  ExpectRejected(MessageType::kCaseDecline, {{"suggested_node", "kl:pupr"}}, "reason: required");
  ExpectRejected(MessageType::kCaseStatus, {{"note", "x"}}, "state: required");
  ExpectRejected(MessageType::kCaseResponse, json::object(), "message: required");
  ExpectRejected(MessageType::kCaseReply, json::object(), "message: required");
  ExpectRejected(MessageType::kNodeReport, json::object(), "counts: required");
  ExpectRejected(MessageType::kStreamSkip, {{"reason", "x"}}, "skipped_seq: required");
  for (const char* member : {"for_msg_id", "for_hash", "log_index", "dir_version"}) {
    json body = ValidBody(MessageType::kReceipt);
    body.erase(member);
    ExpectRejected(MessageType::kReceipt, body, std::string(member) + ": required");
  }
  for (const char* member : {"tracking_id", "classification", "category", "title", "body", "region",
                             "anonymous", "confidential", "submitted_at", "origin"}) {
    json body = ValidBody(MessageType::kCaseForward);
    body["case"].erase(member);
    ExpectRejected(MessageType::kCaseForward, body, "case." + std::string(member) + ": required");
  }
}

TEST(MessageTypesTest, EscalationCarriesCaseMetadataOnly) {
  const json valid = ValidBody(MessageType::kCaseEscalate);
  for (const char* member :
       {"level", "clock", "due_at", "overdue_working_days", "state", "category", "region"}) {
    json body = valid;
    body.erase(member);
    ExpectRejected(MessageType::kCaseEscalate, body, std::string(member) + ": required");
  }
  // Closed: neither the complaint's text nor anything about the reporter may ride along.
  for (const char* member : {"title", "body", "reporter", "reporter_name", "nik", "address"}) {
    json body = valid;
    body[member] = "Siti Rahmawati";
    ExpectRejected(MessageType::kCaseEscalate, body, member);
  }
  json supervisor = valid;
  supervisor["level"] = "supervisor";
  ExpectRejected(MessageType::kCaseEscalate, supervisor, "level: ");
  json auto_close = valid;
  auto_close["clock"] = "auto_close";
  ExpectRejected(MessageType::kCaseEscalate, auto_close, "clock: ");
  json negative = valid;
  negative["overdue_working_days"] = -1;
  ExpectRejected(MessageType::kCaseEscalate, negative, "overdue_working_days: ");
  EXPECT_FALSE(ValidateCaseRef(MessageType::kCaseEscalate, ""));
}

TEST(MessageTypesTest, AcceptsAbsentOptionalMembers) {
  json forward = ValidBody(MessageType::kCaseForward);
  forward["case"].erase("incident_date");
  forward["case"].erase("reporter");
  EXPECT_TRUE(ValidateBody(MessageType::kCaseForward, forward, kCaseId));
  EXPECT_TRUE(ValidateBody(MessageType::kCaseAccept, json::object(), kCaseId));
  EXPECT_TRUE(ValidateBody(MessageType::kCaseClose, json::object(), kCaseId));
  EXPECT_TRUE(ValidateBody(MessageType::kCaseStatus, {{"state", "closed"}}, kCaseId));
}

TEST(MessageTypesTest, RejectsWrongTypes) {
  ExpectRejected(MessageType::kCaseDecline, {{"reason", 5}, {"suggested_node", "kl:pupr"}},
                 "reason: must be a string");
  ExpectRejected(MessageType::kStreamSkip, {{"skipped_seq", "9"}, {"reason", "x"}},
                 "skipped_seq: must be an integer");
  ExpectRejected(MessageType::kStreamSkip, {{"skipped_seq", 0}, {"reason", "x"}},
                 "skipped_seq: must be an integer in 1..");
  json forward = ValidBody(MessageType::kCaseForward);
  forward["case"]["anonymous"] = 0;
  ExpectRejected(MessageType::kCaseForward, forward, "case.anonymous: must be true or false");
  ExpectRejected(MessageType::kCaseForward, {{"case", "text"}}, "case: must be an object");
  ExpectRejected(MessageType::kCaseAccept, json::array(), "(top level): must be an object");
}

TEST(MessageTypesTest, RejectsValuesOutsideTheirLimits) {
  json forward = ValidBody(MessageType::kCaseForward);
  forward["case"]["title"] = std::string(201, 't');
  ExpectRejected(MessageType::kCaseForward, forward, "case.title: must be 1..200 bytes");
  forward = ValidBody(MessageType::kCaseForward);
  forward["case"]["title"] = "";
  ExpectRejected(MessageType::kCaseForward, forward, "case.title: must be 1..200 bytes");
  forward = ValidBody(MessageType::kCaseForward);
  forward["case"]["classification"] = "complaints";
  ExpectRejected(MessageType::kCaseForward, forward, "case.classification: \"complaints\"");
  forward = ValidBody(MessageType::kCaseForward);
  forward["case"]["incident_date"] = "2023-02-29";
  ExpectRejected(MessageType::kCaseForward, forward, "case.incident_date: must be a real date");
  forward = ValidBody(MessageType::kCaseForward);
  forward["case"]["origin"] = "kab 32.04";
  ExpectRejected(MessageType::kCaseForward, forward, "case.origin: must be visible ASCII");
  ExpectRejected(MessageType::kCaseResponse, {{"message", std::string(20001, 'm')}},
                 "message: must be 1..20000 bytes");
  ExpectRejected(MessageType::kCaseStatus, {{"state", "deleted"}}, "state: \"deleted\"");
  json receipt = ValidBody(MessageType::kReceipt);
  receipt["for_hash"] = std::string(64, 'A');
  ExpectRejected(MessageType::kReceipt, receipt, "for_hash: must be lower-case hex");
  receipt = ValidBody(MessageType::kReceipt);
  receipt["for_msg_id"] = "0190f3c4-5a6b-4c8d-9e0f-1a2b3c4d5e6f";  // version 4
  ExpectRejected(MessageType::kReceipt, receipt, "for_msg_id: must be a lower-case UUIDv7");
}

TEST(MessageTypesTest, RejectsMalformedCounts) {
  ExpectRejected(MessageType::kNodeReport, {{"counts", {{"open", -1}}}},
                 "counts.open: must be an integer >= 0");
  ExpectRejected(MessageType::kNodeReport, {{"counts", {{"a", {{"b", {{"c", 1}}}}}}}},
                 "counts.a.b: must be an integer >= 0");
  ExpectRejected(MessageType::kNodeReport, {{"counts", {{"open state", 1}}}},
                 "counts.open state: count names");
  json many = json::object();
  for (int i = 0; i <= 1000; ++i) many["n" + std::to_string(i)] = i;
  ExpectRejected(MessageType::kNodeReport, {{"counts", many}}, "counts: has more than 1000");
}

TEST(MessageTypesTest, RejectsUnknownMembers) {
  json decline = ValidBody(MessageType::kCaseDecline);
  decline["extra"] = 1;
  ExpectRejected(MessageType::kCaseDecline, decline, "extra: unknown member");
  json forward = ValidBody(MessageType::kCaseForward);
  forward["case"]["reporter"]["nik"] = "3204010101010001";
  ExpectRejected(MessageType::kCaseForward, forward, "case.reporter.nik: unknown member");
}

TEST(MessageTypesTest, AnonymousForwardMustNotCarryReporter) {
  json forward = ValidBody(MessageType::kCaseForward);
  forward["case"]["anonymous"] = true;
  ExpectRejected(MessageType::kCaseForward, forward,
                 "case.reporter: not allowed in an anonymous forward");
  forward["case"].erase("reporter");
  EXPECT_TRUE(ValidateBody(MessageType::kCaseForward, forward, kCaseId));
}

TEST(MessageTypesTest, ForwardTrackingIdMustMatchCaseRef) {
  auto ok = ValidateBody(MessageType::kCaseForward, ValidBody(MessageType::kCaseForward),
                         "KAB3204-000043");
  ASSERT_FALSE(ok);
  EXPECT_TRUE(ok.error().message.starts_with("case.tracking_id: must equal refs.case_id"));
}

TEST(MessageTypesTest, CaseRefRules) {
  EXPECT_TRUE(ValidateCaseRef(MessageType::kCaseStatus, kCaseId));
  EXPECT_FALSE(ValidateCaseRef(MessageType::kCaseStatus, ""));
  EXPECT_FALSE(ValidateCaseRef(MessageType::kCaseForward, ""));
  EXPECT_TRUE(ValidateCaseRef(MessageType::kReceipt, ""));
  EXPECT_TRUE(ValidateCaseRef(MessageType::kReceipt, kCaseId));
  EXPECT_TRUE(ValidateCaseRef(MessageType::kNodeReport, ""));
  EXPECT_FALSE(ValidateCaseRef(MessageType::kNodeReport, kCaseId));
  EXPECT_FALSE(ValidateCaseRef(MessageType::kStreamSkip, kCaseId));
}

}  // namespace
}  // namespace simpul::federation
