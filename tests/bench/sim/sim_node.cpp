#include "tests/bench/sim/sim_node.hpp"

#include "crypto/bytes.hpp"
#include "crypto/checkpoint.hpp"
#include "crypto/hash.hpp"
#include "crypto/uuid.hpp"
#include "federation/enrollment.hpp"
#include "federation/envelope.hpp"
#include "federation/witness_protocol.hpp"
#include "node/store/log_leaves.hpp"

namespace simpul::bench::sim {

namespace store_leaves = store::leaves;

Result<std::unique_ptr<SimNode>> SimNode::Create(std::size_t index, const MemberPlan& plan,
                                                 std::string endpoint,
                                                 std::chrono::system_clock::time_point now) {
  auto tls = crypto::TlsIdentity::Generate(plan.id, now);
  if (!tls) return tl::unexpected(tls.error());
  crypto::Ed25519KeyPair log_key = crypto::Ed25519KeyPair::Generate();
  auto signing_copy = crypto::Ed25519KeyPair::FromSeed(log_key.Seed().view());
  if (!signing_copy) return tl::unexpected(signing_copy.error());
  auto signer =
      crypto::NoteSigner::Create(federation::LogOrigin(plan.id), std::move(*signing_copy));
  if (!signer) return tl::unexpected(signer.error());
  return std::unique_ptr<SimNode>(
      new SimNode(index, plan, std::move(endpoint), crypto::Ed25519KeyPair::Generate(),
                  std::move(log_key), std::move(*signer), std::move(*tls)));
}

SimNode::SimNode(std::size_t index, MemberPlan plan, std::string endpoint,
                 crypto::Ed25519KeyPair message_key, crypto::Ed25519KeyPair log_key,
                 crypto::NoteSigner log_signer, crypto::TlsIdentity tls)
    : index_(index),
      plan_(std::move(plan)),
      endpoint_(std::move(endpoint)),
      message_key_(std::move(message_key)),
      log_key_(std::move(log_key)),
      log_signer_(std::move(log_signer)),
      tls_(std::move(tls)) {}

Result<std::string> SimNode::Enrollment(std::int64_t now_ms) const {
  federation::EnrollmentRequest request;
  request.id = plan_.id;
  request.name = plan_.name;
  request.node_class = plan_.node_class;
  request.parent = plan_.parent;
  if (!plan_.region.empty()) request.jurisdiction.regions = {plan_.region};
  request.jurisdiction.categories = plan_.categories;
  request.endpoint = endpoint_;
  request.tls_spki_sha256 = tls_.spki_sha256_hex();
  for (const auto* key : {&message_key_, &log_key_}) {
    request.keys.push_back(
        {crypto::KeyId(key->public_key()),
         key == &message_key_ ? federation::KeyUse::kMessage : federation::KeyUse::kLog,
         key->public_key()});
  }
  request.created_at = now_ms;
  const crypto::Ed25519KeyPair* keys[] = {&message_key_, &log_key_};
  return federation::SignEnrollment(request, keys);
}

void SimNode::Record(const SimEvent& e, const SimCase& c) {
  const auto action = domain::Name(e.Action());
  // The node commits to the whole event record without revealing it; the simulation has no
  // record beyond these fields, so it commits to them.
  const std::string record =
      c.tracking_id + "|" + std::string(action) + "|" + std::to_string(e.at) + "|" + plan_.id;
  const std::string leaf =
      e.Action() == domain::CaseAction::kSubmit
          ? store_leaves::Intake(c.tracking_id, crypto::Sha256Hex(crypto::AsBytes(record)), e.at)
          : store_leaves::Event(c.tracking_id, action, e.at,
                                crypto::Sha256Hex(crypto::AsBytes(record)));
  log_.Append(crypto::LeafHash(crypto::AsBytes(leaf)));
  ++stats_.events;
  if (e.previous == SimEvent::kNoState) {
    ++stats_.cases;
  } else {
    --stats_.by_state[e.previous];
  }
  ++stats_.by_state[e.state];
  if (e.clock != ClockOutcome::kNone) ++stats_.clocks[static_cast<int>(e.clock) - 1];
  if (e.Action() == domain::CaseAction::kEscalate) ++stats_.escalations;
}

Result<OutgoingEnvelope> SimNode::Seal(federation::MessageType type, std::string body,
                                       const std::string& to, std::int64_t dir_version,
                                       std::chrono::system_clock::time_point now,
                                       std::string case_id) {
  const auto created = std::chrono::time_point_cast<std::chrono::milliseconds>(now);
  federation::EnvelopeDraft draft;
  draft.type = type;
  draft.msg_id = crypto::NewUuidV7(created);
  draft.from = plan_.id;
  draft.to = to;
  draft.stream = plan_.id + ">" + to;
  draft.seq = seq_ + 1;
  draft.prev = prev_;
  draft.created_at = created;
  draft.dir_version = dir_version;
  draft.body = std::move(body);
  draft.case_id = std::move(case_id);
  auto sealed = federation::SealEnvelope(draft, message_key_);
  if (!sealed) return tl::unexpected(sealed.error());
  auto hash = federation::EnvelopeHash(*sealed);
  if (!hash) return tl::unexpected(hash.error());
  seq_ = draft.seq;
  prev_ = *hash;
  log_.Append(crypto::LeafHash(crypto::AsBytes(store_leaves::Sent(draft.msg_id, to, seq_, *hash))));
  return OutgoingEnvelope{
      type, to, std::move(draft.msg_id), seq_, std::move(*sealed), std::move(*hash)};
}

void SimNode::Delivered(const OutgoingEnvelope& envelope, std::string_view receipt) {
  ++stats_.delivered;
  log_.Append(crypto::LeafHash(
      crypto::AsBytes(store_leaves::Delivered(envelope.to, envelope.seq, receipt))));
}

Result<std::string> SimNode::SignCheckpoint() const {
  auto root = log_.RootAt(log_.size());
  if (!root) return tl::unexpected(root.error());
  auto body = crypto::FormatCheckpoint({federation::LogOrigin(plan_.id), log_.size(), *root, {}});
  if (!body) return tl::unexpected(body.error());
  return crypto::SignNote(*body, log_signer_);
}

}  // namespace simpul::bench::sim
