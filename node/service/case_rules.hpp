#pragma once
// The rules CaseService applies on every path: which role may take which action, who may see a
// case and its reporter, which events the reporter sees, and the checks on free text. Internal to
// node/service.

#include <string_view>
#include <vector>

#include "node/domain/calendar.hpp"
#include "node/domain/sla.hpp"
#include "node/service/principal.hpp"
#include "node/store/case_store.hpp"

namespace simpul::service::rules {

// Whether `role` may take staff action `action` (unit officers only on their unit's cases).
bool RoleMayAct(Role role, domain::CaseAction action);
// Unit officers work only on their own unit's cases; every other role sees all cases.
bool MaySee(const Principal& who, const store::CaseRecord& rec);
// Auditors never see reporter identities.
bool MaySeeIdentity(const Principal& who, const store::CaseRecord& rec);
// Events the reporter sees when tracking (internal reclassification and escalations are not).
bool IsPublicAction(domain::CaseAction action);
// The SLA clocks of a case from its stored history.
// The content commitment of a complaint: SHA-256 of its canonical content and its salt, without
// the reporter's identity or the tracking id.
Result<std::vector<std::uint8_t>> CommitmentOf(const store::CaseRecord& rec);

domain::SlaStatus ComputeSlaOf(const std::vector<store::EventRecord>& events,
                               const domain::WorkingCalendar& calendar,
                               const domain::SlaPolicy& policy);
// Checks a free-text field: at most 10,000 bytes of valid UTF-8 without control characters other
// than newline and tab; non-blank when `required`. Fails kInvalidArgument naming `field`.
Result<void> CheckMessage(std::string_view field, std::string_view text, bool required);

}  // namespace simpul::service::rules
