#pragma once
// JSON shapes of the case API: request bodies into typed commands, and typed views into the three
// audiences' JSON — staff (everything the caller may see), reporter (public events, no actors, no
// identity), public feed (verified, non-confidential, no identity).

#include <nlohmann/json.hpp>

#include "node/domain/complaint.hpp"
#include "node/service/case_service.hpp"

namespace simpul::api {

// ISO 8601 UTC with milliseconds: "2026-11-24T01:02:03.004Z".
std::string FormatTime(domain::TimePoint t);

// Reads a complaint submission. Attachments come as {"filename","media_type","content_base64"}.
Result<domain::ComplaintDraft> DraftFromJson(const nlohmann::json& body,
                                             const domain::ComplaintLimits& limits);
// Reads the body of a staff action.
Result<service::ActionCommand> ActionFromJson(domain::CaseAction action,
                                              const nlohmann::json& body);

nlohmann::json StaffCaseJson(const service::CaseView& view, domain::TimePoint now);
nlohmann::json CaseSummaryJson(const store::CaseRecord& rec, domain::TimePoint now);
nlohmann::json ReporterCaseJson(const service::CaseView& view, domain::TimePoint now);
nlohmann::json PublicCaseJson(const store::CaseRecord& rec);
nlohmann::json SubmitResultJson(const service::SubmitResult& result);

}  // namespace simpul::api
