#include "node/fed/case_exchange.hpp"

#include <nlohmann/json.hpp>

#include "node/domain/time.hpp"
#include "node/log.hpp"
#include "node/store/federation_store.hpp"

namespace simpul::fed {

using domain::CaseAction;
using domain::CaseState;
using federation::MessageType;
using nlohmann::json;
using store::Connection;
using store::FederationStore;

namespace {

std::int64_t Millis(domain::TimePoint t) { return t.time_since_epoch().count(); }

std::string Actor(std::string_view node) { return "node:" + std::string(node); }

// The case `id` an envelope refers to; kNotFound names this node as not knowing it.
Result<store::CaseRecord> KnownCase(Connection& c, const std::string& id) {
  auto rec = store::CaseStore::FindByTrackingId(c, id);
  if (!rec && rec.error().code == ErrorCode::kNotFound) {
    return Fail(ErrorCode::kNotFound, "case " + id + " is not known at this node");
  }
  return rec;
}

Result<std::optional<store::CaseLink>> LinkOf(Connection& c, std::int64_t case_id) {
  return FederationStore::FindLink(c, case_id);
}

}  // namespace

CaseExchange::CaseExchange(FederationState& state, Outbox& outbox, service::CaseService& cases,
                           EnvelopeApplier& escalations)
    : state_(state), outbox_(outbox), cases_(cases), escalations_(escalations) {}

Result<void> CaseExchange::Send(Connection& c, MessageType type, const std::string& dest,
                                const std::string& case_ref, const std::string& body_json,
                                std::string_view request_id) {
  auto sent = outbox_.Enqueue(c, OutgoingMessage{type, dest, case_ref, body_json}, request_id);
  if (!sent) return tl::unexpected(sent.error());
  return {};
}

Result<void> CaseExchange::CheckAction(Connection& c, const store::CaseRecord& rec,
                                       const service::ActionCommand& cmd) {
  if (cmd.action != CaseAction::kForward && cmd.action != CaseAction::kDecline) return {};
  auto directory = state_.directory();
  if (directory == nullptr) {
    return Fail(ErrorCode::kConflict,
                "this node has no federation directory yet; it cannot hand cases over");
  }
  const auto* target = directory->Find(cmd.target_node);
  if (target == nullptr || target->node_class == federation::NodeClass::kCoordinator) {
    return Fail(ErrorCode::kInvalidArgument,
                "target_node: " + cmd.target_node + " is not a member node in the directory");
  }
  if (cmd.target_node == state_.self_id()) {
    return Fail(ErrorCode::kInvalidArgument, "target_node: this node itself");
  }
  auto link = LinkOf(c, rec.id);
  if (!link) return tl::unexpected(link.error());
  const std::string upstream = *link ? (*link)->upstream : "";
  if (cmd.action == CaseAction::kDecline && upstream.empty()) {
    return Fail(ErrorCode::kConflict,
                "only a case received from another node can be declined; archive it instead");
  }
  if (cmd.action == CaseAction::kForward && cmd.target_node == upstream) {
    return Fail(ErrorCode::kConflict, "case came from " + upstream +
                                          "; decline it to hand it back instead of forwarding");
  }
  return {};
}

Result<void> CaseExchange::SendForward(Connection& c, const store::CaseRecord& rec,
                                       const std::optional<store::CaseLink>& link,
                                       const std::string& dest, std::string_view request_id) {
  const std::string origin =
      link && !link->origin.empty() ? link->origin : std::string(state_.self_id());
  json body_case = {{"tracking_id", rec.tracking_id},
                    {"classification", domain::Name(rec.classification)},
                    {"category", rec.category},
                    {"title", rec.title},
                    {"body", rec.body},
                    {"region", rec.region},
                    {"anonymous", rec.anonymous},
                    {"confidential", rec.confidential},
                    {"submitted_at", Millis(rec.submitted_at)},
                    {"origin", origin}};
  if (rec.incident_date) body_case["incident_date"] = *rec.incident_date;
  // The reporter's identity stays at the origin: the handler answers through the case, and the
  // origin relays replies. Nothing personal beyond the complaint text leaves this node.
  if (auto r = Send(c, MessageType::kCaseForward, dest, rec.tracking_id,
                    json{{"case", std::move(body_case)}}.dump(), request_id);
      !r) {
    return r;
  }
  store::CaseLink next = link.value_or(store::CaseLink{});
  next.case_id = rec.id;
  next.handler = dest;
  next.handler_state = std::string(domain::Name(CaseState::kSubmitted));
  next.updated_at = Millis(rec.updated_at);
  return FederationStore::PutLink(c, next);
}

Result<void> CaseExchange::AfterEvent(Connection& c, const store::CaseRecord& before,
                                      const store::EventRecord& event,
                                      const service::ActionCommand& cmd) {
  auto link = LinkOf(c, before.id);
  if (!link) return tl::unexpected(link.error());
  const std::string& id = before.tracking_id;
  const std::string& rid = cmd.request_id;
  if (cmd.action == CaseAction::kForward) {
    if (auto r = SendForward(c, before, *link, cmd.target_node, rid); !r) return r;
  }
  if (cmd.action == CaseAction::kReporterReply && *link && !(*link)->handler.empty() &&
      before.state == CaseState::kForwarded) {
    if (auto r = Send(c, MessageType::kCaseReply, (*link)->handler, id,
                      json{{"message", cmd.message}}.dump(), rid);
        !r) {
      return r;
    }
  }
  if (!*link || (*link)->upstream.empty()) return {};
  const std::string& upstream = (*link)->upstream;
  switch (cmd.action) {
    case CaseAction::kVerify:
      return Send(c, MessageType::kCaseAccept, upstream, id, "{}", rid);
    case CaseAction::kDecline:
      return Send(c, MessageType::kCaseDecline, upstream, id,
                  json{{"reason", cmd.reason}, {"suggested_node", cmd.target_node}}.dump(), rid);
    default:
      break;
  }
  if (event.state_after != before.state) {
    json status = {{"state", domain::Name(event.state_after)}};
    if (cmd.action == CaseAction::kForward) status["note"] = "forwarded to " + cmd.target_node;
    if (auto r = Send(c, MessageType::kCaseStatus, upstream, id, status.dump(), rid); !r) {
      return r;
    }
  }
  if (event.is_public && !cmd.message.empty() && cmd.action != CaseAction::kReporterReply) {
    return Send(c, MessageType::kCaseResponse, upstream, id, json{{"message", cmd.message}}.dump(),
                rid);
  }
  return {};
}

Result<void> CaseExchange::Apply(Connection& c, const federation::VerifiedEnvelope& env,
                                 std::string_view origin_request_id) {
  if (!env.body) return Fail(ErrorCode::kInvalidArgument, "envelope body was erased");
  switch (env.type) {
    case MessageType::kCaseForward:
      return ApplyForward(c, env, *env.body);
    case MessageType::kCaseAccept:
    case MessageType::kCaseDecline:
    case MessageType::kCaseStatus:
    case MessageType::kCaseResponse:
    case MessageType::kCaseClose:
      return ApplyFromHandler(c, env, *env.body, origin_request_id);
    case MessageType::kCaseReply:
      return ApplyReply(c, env, *env.body, origin_request_id);
    case MessageType::kCaseEscalate:
      return escalations_.Apply(c, env, origin_request_id);
    case MessageType::kStreamSkip: {
      auto body = json::parse(*env.body);
      LogEvent(spdlog::level::err, "peer_skipped_message",
               {{"peer", env.from},
                {"skipped_seq", body.value("skipped_seq", 0)},
                {"reason", body.value("reason", "")}});
      return {};
    }
    case MessageType::kNodeReport:
    case MessageType::kCaseMeta:
      if (monitor_ == nullptr) {
        return Fail(ErrorCode::kPermissionDenied, "this node is not the coordinator; send " +
                                                      std::string(federation::Name(env.type)) +
                                                      " to the coordinator");
      }
      return monitor_->Apply(c, env, origin_request_id);
    case MessageType::kReceipt:
      break;
  }
  return Fail(ErrorCode::kInvalidArgument, "this node does not accept " +
                                               std::string(federation::Name(env.type)) +
                                               " messages in its inbox");
}

Result<void> CaseExchange::ApplyForward(Connection& c, const federation::VerifiedEnvelope& env,
                                        const std::string& body_json) {
  const json body = json::parse(body_json).at("case");
  service::ReceivedCase in;
  in.tracking_id = body.at("tracking_id").get<std::string>();
  in.classification =
      domain::ParseClassification(body.at("classification").get<std::string>()).value();
  in.category = body.at("category").get<std::string>();
  in.title = body.at("title").get<std::string>();
  in.body = body.at("body").get<std::string>();
  in.region = body.at("region").get<std::string>();
  if (body.contains("incident_date")) in.incident_date = body["incident_date"].get<std::string>();
  in.anonymous = body.at("anonymous").get<bool>();
  in.confidential = body.at("confidential").get<bool>();
  in.submitted_at =
      domain::TimePoint(std::chrono::milliseconds(body.at("submitted_at").get<std::int64_t>()));
  in.origin = body.at("origin").get<std::string>();
  in.from = env.from;
  auto rec = cases_.ReceiveForwardInWriter(c, in);
  if (!rec) return tl::unexpected(rec.error());
  return FederationStore::PutLink(
      c, store::CaseLink{rec->id, in.origin, env.from, "", "", Millis(rec->updated_at)});
}

Result<void> CaseExchange::ApplyFromHandler(Connection& c, const federation::VerifiedEnvelope& env,
                                            const std::string& body_json,
                                            std::string_view origin_request_id) {
  auto rec = KnownCase(c, env.case_id);
  if (!rec) return tl::unexpected(rec.error());
  auto link = LinkOf(c, rec->id);
  if (!link) return tl::unexpected(link.error());
  if (!*link || (*link)->handler != env.from) {
    return Fail(ErrorCode::kPermissionDenied,
                env.from + " does not handle case " + env.case_id + " for this node");
  }
  store::CaseLink next = **link;
  const json body = json::parse(body_json);
  json detail = {{"peer", env.from}, {"type", federation::Name(env.type)}};
  CaseState state_after = rec->state;
  bool is_public = true;
  std::optional<std::pair<MessageType, json>> relay;
  switch (env.type) {
    case MessageType::kCaseAccept:
      next.handler_state = std::string(domain::Name(CaseState::kVerified));
      detail["state"] = next.handler_state;
      relay.emplace(MessageType::kCaseStatus,
                    json{{"state", next.handler_state}, {"note", "accepted by " + env.from}});
      break;
    case MessageType::kCaseDecline:
      if (rec->state != CaseState::kForwarded) {
        return Fail(ErrorCode::kConflict, "case " + env.case_id + " is not forwarded here");
      }
      detail["reason"] = body.at("reason");
      detail["suggested_node"] = body.at("suggested_node");
      state_after = CaseState::kVerified;  // back to this node's staff to route again
      is_public = false;
      next.handler.clear();
      next.handler_state.clear();
      break;
    case MessageType::kCaseStatus:
    case MessageType::kCaseClose: {
      const std::string state = env.type == MessageType::kCaseClose
                                    ? std::string(domain::Name(CaseState::kClosed))
                                    : body.at("state").get<std::string>();
      next.handler_state = state;
      detail["state"] = state;
      if (body.contains("note")) detail["note"] = body["note"];
      if (state == domain::Name(CaseState::kClosed) && rec->state == CaseState::kForwarded) {
        state_after = CaseState::kClosed;
      }
      relay.emplace(MessageType::kCaseStatus, json{{"state", state}});
      break;
    }
    case MessageType::kCaseResponse:
      detail["message"] = body.at("message");
      relay.emplace(MessageType::kCaseResponse, json{{"message", body.at("message")}});
      break;
    default:
      return Fail(ErrorCode::kInternal, "unexpected message type");
  }
  if (auto r = cases_.RecordPeerUpdateInWriter(c, *rec, state_after, Actor(env.from), "",
                                               detail.dump(), is_public);
      !r) {
    return r;
  }
  next.updated_at = env.created_at.time_since_epoch().count();
  if (auto r = FederationStore::PutLink(c, next); !r) return r;
  if (relay && !next.upstream.empty()) {
    return Send(c, relay->first, next.upstream, env.case_id, relay->second.dump(),
                origin_request_id);
  }
  return {};
}

Result<void> CaseExchange::ApplyReply(Connection& c, const federation::VerifiedEnvelope& env,
                                      const std::string& body_json,
                                      std::string_view origin_request_id) {
  auto rec = KnownCase(c, env.case_id);
  if (!rec) return tl::unexpected(rec.error());
  auto link = LinkOf(c, rec->id);
  if (!link) return tl::unexpected(link.error());
  if (!*link || (*link)->upstream != env.from) {
    return Fail(ErrorCode::kPermissionDenied,
                env.from + " did not hand case " + env.case_id + " to this node");
  }
  std::string message = json::parse(body_json).at("message").get<std::string>();
  if (!(*link)->handler.empty() && rec->state == CaseState::kForwarded) {
    // Passed on down the chain: recorded here, relayed to the node handling it.
    json detail = {{"peer", env.from}, {"type", "case.reply"}, {"message", message}};
    if (auto r = cases_.RecordPeerUpdateInWriter(c, *rec, rec->state, Actor(env.from), "",
                                                 detail.dump(), true);
        !r) {
      return r;
    }
    return Send(c, MessageType::kCaseReply, (*link)->handler, env.case_id,
                json{{"message", message}}.dump(), origin_request_id);
  }
  auto view = cases_.RelayedReplyInWriter(c, env.case_id, "reporter", std::move(message));
  if (!view) return tl::unexpected(view.error());
  return {};
}

}  // namespace simpul::fed
