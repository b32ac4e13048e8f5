#include "node/api/open311_docs.hpp"

#include <algorithm>

#include "node/api/case_json.hpp"
#include "node/domain/sla.hpp"

namespace simpul::api {
namespace {

using domain::CaseState;

constexpr std::string_view kSpecification = "http://wiki.open311.org/GeoReport_v2";

bool IsLeaf(const domain::CategoryTree& tree, const domain::Category& c) {
  return tree.Children(c.code).empty();
}

std::string Keywords(const domain::Category& c) {
  std::string out;
  std::string_view code = c.code;
  for (std::size_t start = 0; start <= code.size();) {
    std::size_t dot = std::min(code.find('.', start), code.size());
    out += (out.empty() ? "" : ", ") + std::string(code.substr(start, dot - start));
    start = dot + 1;
  }
  return out + ", " + c.name_en;
}

Json311 Attribute(std::string code, std::string datatype, bool required, int order,
                  std::string description, std::string datatype_description = "") {
  return Json311{
      {"variable", true},
      {"code", std::move(code)},
      {"datatype", std::move(datatype)},
      {"required", required},
      {"datatype_description",
       datatype_description.empty() ? Json311(nullptr) : Json311(std::move(datatype_description))},
      {"order", order},
      {"description", std::move(description)}};
}

Json311 Values(std::initializer_list<std::pair<const char*, const char*>> values) {
  Json311 out = Json311::array();
  for (const auto& [key, name] : values) out.push_back({{"key", key}, {"name", name}});
  return out;
}

Json311 TrueFalse() { return Values({{"false", "Tidak / No"}, {"true", "Ya / Yes"}}); }

// The deadline the public can expect an answer by: the first-response or settle clock (the
// verify clock is internal, and the auto-close clock is the reporter's reply window).
Json311 ExpectedTime(const store::Open311Row& row) {
  const bool answer_clock = row.next_clock == domain::Name(domain::SlaClock::kFirstResponse) ||
                            row.next_clock == domain::Name(domain::SlaClock::kSettle);
  if (!answer_clock || !row.next_due_at) return nullptr;
  return FormatTime(*row.next_due_at);
}

}  // namespace

const XmlItemNames kOpen311XmlItems = {
    {"services", "service"},        {"attributes", "attribute"}, {"values", "value"},
    {"endpoints", "endpoint"},      {"formats", "format"},       {"errors", "error"},
    {"service_requests", "request"}};

Json311 DiscoveryDoc(const DiscoveryInfo& info) {
  return Json311{
      {"changeset", info.changeset},
      {"contact", info.contact},
      {"key_service", info.key_service},
      {"endpoints", Json311::array({Json311{{"specification", kSpecification},
                                            {"url", info.url},
                                            {"changeset", info.changeset},
                                            {"type", "production"},
                                            {"formats", {"text/xml", "application/json"}}}})}};
}

Json311 ServicesDoc(const domain::CategoryTree& tree) {
  Json311 out = Json311::array();
  for (const auto& c : tree.All()) {
    if (!IsLeaf(tree, c) || !tree.AcceptsComplaints(c.code)) continue;
    std::string group;
    if (auto parent = tree.Find(c.parent)) group = parent->name_id;
    out.push_back({{"service_code", c.code},
                   {"service_name", c.name_id},
                   {"description", c.name_en},
                   {"metadata", true},
                   {"type", "realtime"},
                   {"keywords", Keywords(c)},
                   {"group", group}});
  }
  return out;
}

Result<Json311> ServiceDefinitionDoc(const domain::CategoryTree& tree, std::string_view code,
                                     std::string_view node_region) {
  auto category = tree.Find(code);
  if (!category || !IsLeaf(tree, *category) || !tree.AcceptsComplaints(code)) {
    return Fail(ErrorCode::kNotFound, "no service " + std::string(code) + "; see services.json");
  }
  const bool region_required = node_region.empty();
  std::string region_note = "Kemendagri region code: province 32, regency 32.04, district 32.04.05";
  if (!region_required)
    region_note += "; defaults to this node's region " + std::string(node_region);
  Json311 attributes = Json311::array();
  attributes.push_back(Attribute("region", "string", region_required, 1,
                                 "Wilayah kejadian / Region of the incident", region_note));
  Json311 classification = Attribute("classification", "singlevaluelist", false, 2,
                                     "Jenis laporan / Kind of report", "defaults to complaint");
  classification["values"] = Values({{"complaint", "Pengaduan / Complaint"},
                                     {"aspiration", "Aspirasi / Aspiration"},
                                     {"information_request",
                                      "Permintaan informasi / "
                                      "Information request"}});
  attributes.push_back(std::move(classification));
  Json311 anonymous = Attribute("anonymous", "singlevaluelist", false, 3,
                                "Rahasiakan identitas pelapor / Hide the reporter's identity");
  anonymous["values"] = TrueFalse();
  attributes.push_back(std::move(anonymous));
  Json311 confidential = Attribute("confidential", "singlevaluelist", false, 4,
                                   "Laporan rahasia: tidak ditampilkan ke publik / Confidential: "
                                   "the whole report is hidden from the public");
  confidential["values"] = TrueFalse();
  attributes.push_back(std::move(confidential));
  attributes.push_back(Attribute("incident_date", "datetime", false, 5,
                                 "Tanggal kejadian / Date of the incident",
                                 "ISO 8601; only the date is kept"));
  return Json311{{"service_code", category->code}, {"attributes", std::move(attributes)}};
}

bool IsClosedState(CaseState state) {
  return state == CaseState::kResolved || state == CaseState::kClosed ||
         state == CaseState::kArchived;
}

std::vector<std::string> ClosedStateNames() {
  std::vector<std::string> out;
  for (CaseState s : domain::AllCaseStates()) {
    if (IsClosedState(s)) out.emplace_back(domain::Name(s));
  }
  return out;
}

Json311 RequestDoc(const store::Open311Row& row, const domain::CategoryTree& tree,
                   std::string_view node_name) {
  CaseState shown = row.state;
  if (row.state == CaseState::kForwarded && !row.handler_state.empty()) {
    shown = domain::ParseCaseState(row.handler_state).value_or(row.state);
  }
  std::string service_name = row.category;
  if (auto c = tree.Find(row.category)) service_name = c->name_id;
  std::string agency = row.handler.empty() ? std::string(node_name) : row.handler;
  if (row.handler.empty() && !row.unit_name.empty()) agency += " / " + row.unit_name;
  Json311 out{
      {"service_request_id", row.tracking_id},
      {"status", IsClosedState(shown) ? "closed" : "open"},
      {"status_notes", row.status_note.empty() ? Json311(nullptr) : Json311(row.status_note)},
      {"service_name", service_name},
      {"service_code", row.category},
      {"description", row.body},
      {"agency_responsible", agency},
      {"service_notice", row.handler.empty()
                             ? Json311(nullptr)
                             : Json311("Diteruskan ke / forwarded to " + row.handler)},
      {"requested_datetime", FormatTime(row.submitted_at)},
      {"updated_datetime", FormatTime(row.updated_at)},
      {"expected_datetime", ExpectedTime(row)}};
  if (!row.address.empty()) out["address"] = row.address;
  if (row.latitude && row.longitude) {
    out["lat"] = *row.latitude;
    out["long"] = *row.longitude;
  }
  return out;
}

Json311 PostReplyDoc(const service::SubmitResult& result) {
  Json311 receipt{{"access_code", result.access_code},
                  {"commitment", result.commitment_hex},
                  {"commitment_salt", result.commitment_salt_hex},
                  {"log_index", result.log_index},
                  {"payload_canonical", result.receipt.payload},
                  {"signature", result.receipt.signature}};
  return Json311::array(
      {Json311{{"service_request_id", result.tracking_id},
               {"service_notice",
                "Laporan diterima; tampil di daftar publik setelah diverifikasi. / "
                "Received; listed publicly once verified by the agency."},
               {"account_id", nullptr},
               {"simpul_receipt", std::move(receipt)}}});
}

Json311 ErrorsDoc(int code, std::string_view description) {
  return Json311::array({Json311{{"code", code}, {"description", description}}});
}

}  // namespace simpul::api
