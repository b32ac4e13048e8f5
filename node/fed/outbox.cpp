#include "node/fed/outbox.hpp"

#include "crypto/uuid.hpp"
#include "federation/envelope.hpp"
#include "node/log.hpp"
#include "node/store/federation_store.hpp"

#include <nlohmann/json.hpp>

namespace simpul::fed {

std::string StreamName(std::string_view from, std::string_view to) {
  return std::string(from) + ">" + std::string(to);
}

Outbox::Outbox(FederationState& state, service::Clock clock)
    : state_(state), clock_(std::move(clock)) {}

Result<std::string> Outbox::Enqueue(store::Connection& c, const OutgoingMessage& msg,
                                    std::string_view request_id) {
  auto directory = state_.directory();
  if (directory == nullptr) {
    return Fail(ErrorCode::kUnavailable,
                "no federation directory yet: install the trust anchor and let the node fetch "
                "the directory before exchanging cases");
  }
  if (msg.dest == state_.self_id()) {
    return Fail(ErrorCode::kInvalidArgument, "a node cannot send a message to itself");
  }
  auto head = store::FederationStore::OutHead(c, msg.dest);
  if (!head) return tl::unexpected(head.error());
  auto key = state_.signing_key();
  const auto now =
      state_.SigningTime(*key, std::chrono::time_point_cast<std::chrono::milliseconds>(clock_()));
  federation::EnvelopeDraft draft;
  draft.type = msg.type;
  draft.msg_id = crypto::NewUuidV7(now);
  draft.from = state_.self_id();
  draft.to = msg.dest;
  draft.stream = StreamName(state_.self_id(), msg.dest);
  draft.seq = head->last_seq + 1;
  draft.prev = head->last_hash;
  draft.created_at = now;
  draft.dir_version = directory->version();
  draft.case_id = msg.case_ref;
  draft.body = msg.body_json;
  auto sealed = federation::SealEnvelope(draft, *key);
  if (!sealed) return tl::unexpected(sealed.error());
  auto hash = federation::EnvelopeHash(*sealed);
  if (!hash) return tl::unexpected(hash.error());
  store::OutboxRow row;
  row.dest = msg.dest;
  row.seq = draft.seq;
  row.msg_id = draft.msg_id;
  row.type = std::string(federation::Name(msg.type));
  row.case_ref = msg.case_ref;
  row.envelope = std::move(*sealed);
  row.hash = std::move(*hash);
  row.created_at = now.time_since_epoch().count();
  row.request_id = std::string(request_id);
  if (auto r = store::FederationStore::AppendOutbox(c, row); !r) return tl::unexpected(r.error());
  nlohmann::json fields = {
      {"msg_id", row.msg_id}, {"dest", row.dest}, {"type", row.type}, {"seq", row.seq}};
  if (!row.case_ref.empty()) fields["case"] = row.case_ref;
  if (!row.request_id.empty()) fields["request_id"] = row.request_id;
  // Traffic a request caused is worth a line at info; background traffic (reports, relays) only
  // at debug, or a coordinator's log would hold a line per case.meta.
  const auto level = row.request_id.empty() ? spdlog::level::debug : spdlog::level::info;
  LogEvent(level, "envelope_queued", fields);
  {
    std::lock_guard lock(mu_);
    touched_.insert(msg.dest);
  }
  return draft.msg_id;
}

void Outbox::OnCommit() {
  std::set<std::string> touched;
  {
    std::lock_guard lock(mu_);
    touched.swap(touched_);
  }
  if (!wake_) return;
  for (const auto& dest : touched) wake_(dest);
}

}  // namespace simpul::fed
