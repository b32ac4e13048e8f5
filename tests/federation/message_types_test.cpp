#include "federation/message_types.hpp"

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace simpul::federation {
namespace {

using nlohmann::json;

constexpr std::string_view kCaseId = "KAB3204-000042";

// One case.meta record of case kCaseId, at case event `event`.
json MetaRecord(std::int64_t event) {
  return {{"event", event},
          {"tracking_id", kCaseId},
          {"origin", "kab:32.04"},
          {"category", "kesehatan.puskesmas"},
          {"region", "32.04.05"},
          {"classification", "complaint"},
          {"state", "verified"},
          {"action", "verify"},
          {"at", 1720000100000},
          {"submitted_at", 1720000000000}};
}

// A node.report with every optional member present.
json NodeReportBody() {
  const json clock = {{"met", 4}, {"missed", 1}, {"running", 2}};
  return {{"node", "kab:32.04"},
          {"at", 1720000200000},
          {"interval_s", 300},
          {"directory_version", 7},
          {"cases", {{"total", 12}, {"by_state", {{"verified", 3}, {"resolved", 0}}}}},
          {"sla",
           {{"verify", clock}, {"first_response", clock}, {"settle", clock}, {"auto_close", clock}}},
          {"overdue", {{"total", 1}, {"ids", {kCaseId}}}},
          {"outbox",
           {{{"dest", "coord:panrb"}, {"pending", 2}, {"delivered", 9},
             {"oldest_pending_age_ms", 1500}}}},
          {"log",
           {{"size", 40},
            {"checkpoint", {{"size", 40}, {"root", std::string(64, 'b')}}},
            {"witnessed", {{"size", 32}, {"root", std::string(64, 'c')}}}}},
          {"meta", {{"sent", 8}, {"pending", 0}}}};
}

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
    case MessageType::kNodeReport:
      return NodeReportBody();
    case MessageType::kCaseMeta:
      return {{"node", "kab:32.04"}, {"records", json::array({MetaRecord(7), MetaRecord(8)})}};
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
  return type == MessageType::kNodeReport || type == MessageType::kCaseMeta ||
                 type == MessageType::kStreamSkip
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
  const char* expected[] = {"case.forward", "case.accept",  "case.decline", "case.status",
                            "case.response", "case.reply",  "case.close",   "node.report",
                            "case.meta",    "receipt",      "stream.skip"};
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
  for (const char* member : {"node", "at", "interval_s", "directory_version", "cases", "sla",
                             "overdue", "outbox", "log", "meta"}) {
    json body = ValidBody(MessageType::kNodeReport);
    body.erase(member);
    ExpectRejected(MessageType::kNodeReport, body, std::string(member) + ": required");
  }
  for (const char* member : {"event", "tracking_id", "origin", "category", "region",
                             "classification", "state", "action", "at", "submitted_at"}) {
    json body = ValidBody(MessageType::kCaseMeta);
    body["records"][1].erase(member);
    ExpectRejected(MessageType::kCaseMeta, body, "records[1]." + std::string(member) + ": required");
  }
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

TEST(MessageTypesTest, RejectsMalformedNodeReports) {
  json body = ValidBody(MessageType::kNodeReport);
  body["cases"]["by_state"]["verified"] = -1;
  ExpectRejected(MessageType::kNodeReport, body, "cases.by_state.verified: must be an integer in 0..");
  body = ValidBody(MessageType::kNodeReport);
  body["cases"]["by_state"]["deleted"] = 1;
  ExpectRejected(MessageType::kNodeReport, body, "cases.by_state.deleted: unknown member");
  body = ValidBody(MessageType::kNodeReport);
  body["sla"]["escalate"] = {{"met", 1}, {"missed", 0}, {"running", 0}};
  ExpectRejected(MessageType::kNodeReport, body, "sla.escalate: unknown member");
  body = ValidBody(MessageType::kNodeReport);
  body["interval_s"] = 0;
  ExpectRejected(MessageType::kNodeReport, body, "interval_s: must be an integer in 1..86400");
  body = ValidBody(MessageType::kNodeReport);
  body["overdue"]["ids"] = json::array();
  for (int i = 0; i <= kMaxReportedOverdueIds; ++i) body["overdue"]["ids"].push_back("KAB-1");
  ExpectRejected(MessageType::kNodeReport, body, "overdue.ids: must have 0..100 elements");
  body = ValidBody(MessageType::kNodeReport);
  body["overdue"]["ids"][0] = "KAB 1";
  ExpectRejected(MessageType::kNodeReport, body, "overdue.ids[0]: must be visible ASCII");
  body = ValidBody(MessageType::kNodeReport);
  body["outbox"][0]["pending"] = "2";
  ExpectRejected(MessageType::kNodeReport, body, "outbox[0].pending: must be an integer");
  body = ValidBody(MessageType::kNodeReport);
  body["outbox"] = {{"dest", "x"}};
  ExpectRejected(MessageType::kNodeReport, body, "outbox: must be an array");
  body = ValidBody(MessageType::kNodeReport);
  body["log"]["checkpoint"]["root"] = "abc";
  ExpectRejected(MessageType::kNodeReport, body, "log.checkpoint.root: must be 64..64 bytes");
}

TEST(MessageTypesTest, RejectsMalformedCaseMeta) {
  json body = ValidBody(MessageType::kCaseMeta);
  body["records"] = json::array();
  ExpectRejected(MessageType::kCaseMeta, body, "records: must have 1..500 elements");
  for (int i = 0; i <= kMaxMetaRecords; ++i) body["records"].push_back(MetaRecord(i + 1));
  ExpectRejected(MessageType::kCaseMeta, body, "records: must have 1..500 elements");
  body.erase("records");
  body["records"] = json::array({MetaRecord(1)});
  body["records"][0]["state"] = "deleted";
  ExpectRejected(MessageType::kCaseMeta, body, "records[0].state: \"deleted\"");
  body["records"][0] = MetaRecord(1);
  body["records"][0]["action"] = "delete";
  ExpectRejected(MessageType::kCaseMeta, body, "records[0].action: \"delete\"");
  body["records"][0] = MetaRecord(0);
  ExpectRejected(MessageType::kCaseMeta, body, "records[0].event: must be an integer in 1..");
}

// case.meta must never carry personal data or free text: every such member is refused.
TEST(MessageTypesTest, CaseMetaRefusesPersonalDataAndFreeText) {
  for (const char* member : {"title", "body", "address", "latitude", "longitude", "reporter",
                             "name", "nik", "phone", "email", "note", "reason", "message"}) {
    json body = ValidBody(MessageType::kCaseMeta);
    body["records"][0][member] = "x";
    ExpectRejected(MessageType::kCaseMeta, body, "records[0]." + std::string(member) + ": unknown member");
  }
  json body = ValidBody(MessageType::kCaseMeta);
  body["reporter"] = {{"name", "Budi"}};
  ExpectRejected(MessageType::kCaseMeta, body, "reporter: unknown member");
}

TEST(MessageTypesTest, RejectsUnknownMembers) {
  json decline = ValidBody(MessageType::kCaseDecline);
  decline["extra"] = 1;
  ExpectRejected(MessageType::kCaseDecline, decline, "extra: unknown member");
  json forward = ValidBody(MessageType::kCaseForward);
  forward["case"]["reporter"]["nik"] = "3204010101010001";
  ExpectRejected(MessageType::kCaseForward, forward, "case.reporter.nik: unknown member");
  json report = ValidBody(MessageType::kNodeReport);
  report["extra"] = 1;
  ExpectRejected(MessageType::kNodeReport, report, "extra: unknown member");
  report = ValidBody(MessageType::kNodeReport);
  report["outbox"][0]["last_error"] = "timeout";
  ExpectRejected(MessageType::kNodeReport, report, "outbox[0].last_error: unknown member");
  report = ValidBody(MessageType::kNodeReport);
  report["log"]["checkpoint"]["note"] = "signed note";
  ExpectRejected(MessageType::kNodeReport, report, "log.checkpoint.note: unknown member");
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
  EXPECT_TRUE(ValidateCaseRef(MessageType::kCaseMeta, ""));
  EXPECT_FALSE(ValidateCaseRef(MessageType::kCaseMeta, kCaseId));
}

}  // namespace
}  // namespace simpul::federation
