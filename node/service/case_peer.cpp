// CaseService's entry points for the federation inbox: a case handed over by another node, what a
// peer reports about a case, and a reporter's reply relayed from the node where they filed.
#include <nlohmann/json.hpp>

#include "crypto/random.hpp"
#include "node/service/case_rules.hpp"
#include "node/service/case_service.hpp"

namespace simpul::service {

using domain::CaseAction;
using domain::CaseState;
using nlohmann::json;
using rules::ComputeSlaOf;
using store::Connection;

Result<store::CaseRecord> CaseService::ReceiveForwardInWriter(Connection& c,
                                                              const ReceivedCase& in) {
  if (!catalog_.categories()->AcceptsComplaints(in.category)) {
    return Fail(ErrorCode::kInvalidArgument,
                "case.category: " + in.category + " is not a category this node handles");
  }
  if (auto region = catalog_.regions().Find(in.region); !region) {
    return Fail(ErrorCode::kInvalidArgument, "case.region: " + region.error().message);
  }
  if (auto existing = store::CaseStore::FindByTrackingId(c, in.tracking_id); existing) {
    return Fail(ErrorCode::kConflict, "case " + in.tracking_id + " is already at this node");
  } else if (existing.error().code != ErrorCode::kNotFound) {
    return tl::unexpected(existing.error());
  }
  const domain::TimePoint now = clock_();
  store::CaseRecord rec;
  rec.tracking_id = in.tracking_id;
  // Nobody knows this code: the reporter follows the case at the origin node.
  rec.access_hash = HashAccessCode(crypto::RandomCode(26));
  rec.classification = in.classification;
  rec.category = in.category;
  rec.title = in.title;
  rec.body = in.body;
  rec.incident_date = in.incident_date;
  rec.region = in.region;
  rec.channel = domain::Channel::kWeb;
  rec.anonymous = in.anonymous;
  rec.confidential = in.confidential;
  rec.state = CaseState::kSubmitted;
  rec.commitment_salt = crypto::RandomBytes(16);
  rec.submitted_at = in.submitted_at;
  rec.updated_at = now;
  auto commitment = rules::CommitmentOf(rec);
  if (!commitment) return tl::unexpected(commitment.error());
  rec.commitment = std::move(*commitment);
  // The SLA runs from the citizen's submission, not from the hand-over: clocks continue.
  const store::EventRecord received{0,
                                    CaseAction::kSubmit,
                                    CaseState::kSubmitted,
                                    "node:" + in.from,
                                    "",
                                    json{{"forwarded_from", in.from},
                                         {"origin", in.origin},
                                         {"received_at", now.time_since_epoch().count()}}
                                        .dump(),
                                    true,
                                    in.submitted_at};
  const auto sla = ComputeSlaOf({received}, calendar_, config_.sla);
  rec.next_due_at = sla.next_due;
  rec.next_clock = sla.next_clock ? std::string(domain::Name(*sla.next_clock)) : "";
  auto id = store::CaseStore::Insert(c, rec);
  if (!id) return tl::unexpected(id.error());
  rec.id = *id;
  if (auto r = store::CaseStore::AppendEvent(c, *id, received); !r) {
    return tl::unexpected(r.error());
  }
  if (auto r = store::CaseStore::InsertClocks(c, *id, sla.clocks); !r) {
    return tl::unexpected(r.error());
  }
  return rec;
}

Result<void> CaseService::RecordPeerUpdateInWriter(Connection& c, const store::CaseRecord& rec,
                                                   CaseState state_after, std::string_view actor,
                                                   std::string_view reason,
                                                   std::string_view detail_json, bool is_public) {
  const domain::TimePoint now = clock_();
  auto events = store::CaseStore::Events(c, rec.id);
  if (!events) return tl::unexpected(events.error());
  store::EventRecord event{0,
                           CaseAction::kPeerUpdate,
                           state_after,
                           std::string(actor),
                           std::string(reason),
                           std::string(detail_json),
                           is_public,
                           now};
  events->push_back(event);
  auto sla = ComputeSlaOf(*events, calendar_, config_.sla);
  store::CaseSummary summary{state_after,
                             rec.unit_id,
                             rec.escalation_level,
                             rec.escalated_due_at,
                             rec.verified_at,
                             sla.next_due,
                             sla.next_clock ? std::string(domain::Name(*sla.next_clock)) : "",
                             rec.category,
                             rec.classification,
                             now};
  if (auto r = store::CaseStore::AppendEvent(c, rec.id, event); !r) return r;
  if (auto r = store::CaseStore::ReplaceClocks(c, rec.id, sla.clocks); !r) return r;
  return store::CaseStore::UpdateSummary(c, rec.id, rec.version, summary);
}

Result<CaseView> CaseService::RelayedReplyInWriter(Connection& c, const std::string& tracking_id,
                                                   std::string_view actor, std::string message) {
  if (auto ok = rules::CheckMessage("message", message, true); !ok) {
    return tl::unexpected(ok.error());
  }
  ActionCommand cmd;
  cmd.action = CaseAction::kReporterReply;
  cmd.message = std::move(message);
  return ApplyInWriter(c, nullptr, actor, tracking_id, cmd);
}

}  // namespace simpul::service
