#include "node/api/case_json.hpp"

#include <chrono>
#include <cstdio>

#include "crypto/bytes.hpp"
#include "node/api/json_body.hpp"
#include "node/domain/time.hpp"

namespace simpul::api {
namespace {

using nlohmann::json;

json OptionalTime(const std::optional<domain::TimePoint>& t) {
  return t ? json(FormatTime(*t)) : json(nullptr);
}

// Whom the reporter sees acting: never a staff member's account name.
std::string PublicActor(const std::string& actor) {
  if (actor == "reporter" || actor == "system") return actor;
  return "staff";
}

Result<std::vector<domain::AttachmentDraft>> AttachmentsFromJson(const json& body) {
  std::vector<domain::AttachmentDraft> out;
  auto it = body.find("attachments");
  if (it == body.end() || it->is_null()) return out;
  if (!it->is_array()) return Fail(ErrorCode::kInvalidArgument, "attachments: must be an array");
  if (it->size() > 16) return Fail(ErrorCode::kInvalidArgument, "attachments: too many");
  for (const auto& a : *it) {
    if (!a.is_object()) {
      return Fail(ErrorCode::kInvalidArgument, "attachments: each must be an object");
    }
    auto filename = StringField(a, "filename", 255, true);
    auto media_type = StringField(a, "media_type", 100, true);
    auto content = StringField(a, "content_base64", 64 << 20, true);
    for (const auto* r : {&filename, &media_type, &content}) {
      if (!*r) return Fail(ErrorCode::kInvalidArgument, "attachments." + r->error().message);
    }
    auto bytes = crypto::Base64Decode(*content);
    if (!bytes) {
      return Fail(ErrorCode::kInvalidArgument, "attachments.content_base64: not valid base64");
    }
    out.push_back({*filename, *media_type, crypto::ToString(*bytes)});
  }
  return out;
}

Result<domain::ReporterIdentity> ReporterFromJson(const json& body) {
  domain::ReporterIdentity id;
  auto it = body.find("reporter");
  if (it == body.end() || it->is_null()) return id;
  if (!it->is_object()) return Fail(ErrorCode::kInvalidArgument, "reporter: must be an object");
  std::string* fields[] = {&id.name, &id.nik, &id.phone, &id.email};
  const char* keys[] = {"name", "nik", "phone", "email"};
  for (int i = 0; i < 4; ++i) {
    auto v = StringField(*it, keys[i], 300, false);
    if (!v) return Fail(ErrorCode::kInvalidArgument, "reporter." + v.error().message);
    *fields[i] = std::move(*v);
  }
  return id;
}

}  // namespace

std::string FormatTime(domain::TimePoint t) {
  using namespace std::chrono;
  auto day = floor<days>(t);
  year_month_day ymd(day);
  hh_mm_ss<milliseconds> hms(t - day);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                static_cast<int>(hms.subseconds().count()));
  return buf;
}

Result<domain::ComplaintDraft> DraftFromJson(const json& body,
                                             const domain::ComplaintLimits& limits) {
  domain::ComplaintDraft d;
  auto classification = StringField(body, "classification", 40, false);
  auto channel = StringField(body, "channel", 20, false);
  auto category = StringField(body, "category", 100, true);
  auto title = StringField(body, "title", limits.max_title, true);
  auto text = StringField(body, "body", limits.max_body, true);
  auto incident = StringField(body, "incident_date", 10, false);
  auto region = StringField(body, "region", 20, true);
  auto address = StringField(body, "address", limits.max_address, false);
  auto agency = StringField(body, "suggested_agency", 200, false);
  for (const auto* r : {&classification, &channel, &category, &title, &text, &incident, &region,
                        &address, &agency}) {
    if (!*r) return tl::unexpected(r->error());
  }
  auto parsed_class = classification->empty() ? std::optional(domain::Classification::kComplaint)
                                              : domain::ParseClassification(*classification);
  if (!parsed_class) {
    return Fail(ErrorCode::kInvalidArgument,
                "classification: one of complaint, aspiration, information_request");
  }
  auto parsed_channel =
      channel->empty() ? std::optional(domain::Channel::kWeb) : domain::ParseChannel(*channel);
  if (!parsed_channel) {
    return Fail(ErrorCode::kInvalidArgument,
                "channel: one of web, open311, sms, walk_in, letter, phone, social");
  }
  d.classification = *parsed_class;
  d.channel = *parsed_channel;
  d.category_code = std::move(*category);
  d.title = std::move(*title);
  d.body = std::move(*text);
  d.region_code = std::move(*region);
  d.address = std::move(*address);
  d.suggested_agency = std::move(*agency);
  if (!incident->empty()) {
    auto date = domain::ParseIsoDate(*incident);
    if (!date) return Fail(ErrorCode::kInvalidArgument, "incident_date: use YYYY-MM-DD");
    d.incident_date = *date;
  }
  auto lat = NumberField(body, "latitude");
  auto lon = NumberField(body, "longitude");
  auto anonymous = BoolField(body, "anonymous");
  auto confidential = BoolField(body, "confidential");
  if (!lat) return tl::unexpected(lat.error());
  if (!lon) return tl::unexpected(lon.error());
  if (!anonymous) return tl::unexpected(anonymous.error());
  if (!confidential) return tl::unexpected(confidential.error());
  d.latitude = *lat;
  d.longitude = *lon;
  d.anonymous = anonymous->value_or(false);
  d.confidential = confidential->value_or(false);
  auto reporter = ReporterFromJson(body);
  if (!reporter) return tl::unexpected(reporter.error());
  d.reporter = std::move(*reporter);
  auto attachments = AttachmentsFromJson(body);
  if (!attachments) return tl::unexpected(attachments.error());
  d.attachments = std::move(*attachments);
  return d;
}

Result<service::ActionCommand> ActionFromJson(domain::CaseAction action, const json& body) {
  service::ActionCommand cmd;
  cmd.action = action;
  auto reason = StringField(body, "reason", 2000, false);
  auto message = StringField(body, "message", 10000, false);
  auto unit = StringField(body, "unit", 32, false);
  auto archive_reason = StringField(body, "archive_reason", 40, false);
  auto duplicate_of = StringField(body, "duplicate_of", 40, false);
  auto category = StringField(body, "category", 100, false);
  auto classification = StringField(body, "classification", 40, false);
  auto target = StringField(body, "target_node", 80, false);
  for (const auto* r : {&reason, &message, &unit, &archive_reason, &duplicate_of, &category,
                        &classification, &target}) {
    if (!*r) return tl::unexpected(r->error());
  }
  cmd.reason = std::move(*reason);
  cmd.message = std::move(*message);
  cmd.unit_code = std::move(*unit);
  cmd.duplicate_of = std::move(*duplicate_of);
  cmd.category = std::move(*category);
  cmd.target_node = std::move(*target);
  if (!archive_reason->empty()) {
    cmd.archive_reason = domain::ParseArchiveReason(*archive_reason);
    if (!cmd.archive_reason) {
      return Fail(ErrorCode::kInvalidArgument,
                  "archive_reason: one of incomplete, not_public_service, duplicate, "
                  "out_of_scope, abusive");
    }
  }
  if (!classification->empty()) {
    cmd.classification = domain::ParseClassification(*classification);
    if (!cmd.classification) {
      return Fail(ErrorCode::kInvalidArgument,
                  "classification: one of complaint, aspiration, information_request");
    }
  }
  return cmd;
}

json CaseSummaryJson(const store::CaseRecord& r, domain::TimePoint now) {
  return json{{"tracking_id", r.tracking_id},
              {"classification", domain::Name(r.classification)},
              {"category", r.category},
              {"title", r.title},
              {"region", r.region},
              {"channel", domain::Name(r.channel)},
              {"anonymous", r.anonymous},
              {"confidential", r.confidential},
              {"state", domain::Name(r.state)},
              {"unit", r.unit_code.empty() ? json(nullptr) : json(r.unit_code)},
              {"escalation_level", r.escalation_level},
              {"submitted_at", FormatTime(r.submitted_at)},
              {"updated_at", FormatTime(r.updated_at)},
              {"next_due_at", OptionalTime(r.next_due_at)},
              {"next_clock", r.next_clock.empty() ? json(nullptr) : json(r.next_clock)},
              {"overdue", r.next_due_at.has_value() && *r.next_due_at < now}};
}

json StaffCaseJson(const service::CaseView& v, domain::TimePoint now) {
  const auto& r = v.record;
  json out = CaseSummaryJson(r, now);
  out["body"] = r.body;
  out["incident_date"] = r.incident_date ? json(*r.incident_date) : json(nullptr);
  out["address"] = r.address;
  out["latitude"] = r.latitude ? json(*r.latitude) : json(nullptr);
  out["longitude"] = r.longitude ? json(*r.longitude) : json(nullptr);
  out["suggested_agency"] = r.suggested_agency;
  out["verified_at"] = OptionalTime(r.verified_at);
  out["commitment"] = crypto::HexEncode(r.commitment);
  out["identity"] = v.identity_state;
  out["reporter"] = v.reporter ? json{{"name", v.reporter->name},
                                      {"nik", v.reporter->nik},
                                      {"phone", v.reporter->phone},
                                      {"email", v.reporter->email}}
                               : json(nullptr);
  json events = json::array();
  for (const auto& e : v.events) {
    events.push_back({{"action", domain::Name(e.action)},
                      {"state_after", domain::Name(e.state_after)},
                      {"actor", e.actor},
                      {"reason", e.reason},
                      {"detail", json::parse(e.detail, nullptr, false)},
                      {"public", e.is_public},
                      {"at", FormatTime(e.at)}});
  }
  out["events"] = std::move(events);
  json attachments = json::array();
  for (const auto& a : v.attachments) {
    attachments.push_back({{"sha256", a.sha256},
                           {"filename", a.filename},
                           {"media_type", a.media_type},
                           {"size", a.size}});
  }
  out["attachments"] = std::move(attachments);
  json clocks = json::array();
  for (const auto& k : v.sla.clocks) {
    clocks.push_back({{"clock", domain::Name(k.clock)},
                      {"started_at", FormatTime(k.started_at)},
                      {"due", FormatTime(k.due)},
                      {"stopped_at", OptionalTime(k.stopped_at)},
                      {"breached", k.Breached(now)}});
  }
  out["sla"] = {{"clocks", std::move(clocks)}, {"paused", v.sla.paused}};
  json allowed = json::array();
  for (auto a : v.allowed_actions) allowed.push_back(domain::Name(a));
  out["allowed_actions"] = std::move(allowed);
  out["federation"] = v.link ? json{{"origin", v.link->origin},
                                    {"upstream", v.link->upstream},
                                    {"handler", v.link->handler},
                                    {"handler_state", v.link->handler_state}}
                             : json(nullptr);
  return out;
}

json ReporterCaseJson(const service::CaseView& v, domain::TimePoint now) {
  const auto& r = v.record;
  json events = json::array();
  for (const auto& e : v.events) {
    if (!e.is_public) continue;
    json detail = json::parse(e.detail, nullptr, false);
    json item = {{"action", domain::Name(e.action)},
                 {"state_after", domain::Name(e.state_after)},
                 {"actor", PublicActor(e.actor)},
                 {"at", FormatTime(e.at)}};
    if (detail.is_object() && detail.contains("message")) item["message"] = detail["message"];
    if (detail.is_object() && detail.contains("archive_reason")) {
      item["archive_reason"] = detail["archive_reason"];
    }
    events.push_back(std::move(item));
  }
  json attachments = json::array();
  for (const auto& a : v.attachments) {
    attachments.push_back({{"filename", a.filename}, {"size", a.size}});
  }
  // The reporter sees what the public sees of their case, plus its privacy flags, deadline
  // status, commitment, attachment names and public history.
  json out = PublicCaseJson(r);
  out["anonymous"] = r.anonymous;
  out["confidential"] = r.confidential;
  out["overdue"] = r.next_due_at.has_value() && *r.next_due_at < now;
  out["commitment"] = crypto::HexEncode(r.commitment);
  out["attachments"] = std::move(attachments);
  out["events"] = std::move(events);
  // Where the case is being handled when this node handed it on, and the state reported there.
  if (v.link && !v.link->handler.empty()) {
    out["handled_by"] = v.link->handler;
    out["handler_state"] = v.link->handler_state;
  }
  return out;
}

json PublicCaseJson(const store::CaseRecord& r) {
  return json{{"tracking_id", r.tracking_id},
              {"classification", domain::Name(r.classification)},
              {"category", r.category},
              {"title", r.title},
              {"body", r.body},
              {"region", r.region},
              {"state", domain::Name(r.state)},
              {"submitted_at", FormatTime(r.submitted_at)},
              {"updated_at", FormatTime(r.updated_at)}};
}

json SubmitResultJson(const service::SubmitResult& s) {
  return json{{"tracking_id", s.tracking_id},
              {"access_code", s.access_code},
              {"commitment", s.commitment_hex},
              {"commitment_salt", s.commitment_salt_hex},
              {"log_index", s.log_index},
              {"receipt",
               {{"payload", json::parse(s.receipt.payload)},
                {"payload_canonical", s.receipt.payload},
                {"signature", s.receipt.signature}}}};
}

}  // namespace simpul::api
