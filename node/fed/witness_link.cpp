#include "node/fed/witness_link.hpp"

#include <variant>

#include "federation/witness_client.hpp"

namespace simpul::fed {

namespace net = boost::asio;
using tlog::WitnessAnswer;

namespace {

constexpr auto kWitnessTimeout = std::chrono::seconds(15);

const federation::NodeEntry* CoordinatorOf(const federation::Directory& directory) {
  for (const auto& node : directory.document().nodes) {
    if (node.node_class == federation::NodeClass::kCoordinator) return &node;
  }
  return nullptr;
}

// `note_size`: the length of the submitted note, which the cosigned note starts with.
WitnessAnswer ToAnswer(const federation::WitnessReply& reply, std::size_t note_size) {
  if (const auto* ok = std::get_if<federation::WitnessCosigned>(&reply)) {
    return {WitnessAnswer::Kind::kCosigned, ok->cosigned_note.substr(note_size), 0, ""};
  }
  if (const auto* conflict = std::get_if<federation::WitnessConflict>(&reply)) {
    return {WitnessAnswer::Kind::kConflict, "", static_cast<std::int64_t>(conflict->known_size),
            ""};
  }
  const auto& refused = std::get<federation::WitnessRefused>(reply);
  return {WitnessAnswer::Kind::kRefused, "", 0,
          std::to_string(refused.status) + " " + refused.code + ": " + refused.message};
}

}  // namespace

WitnessLink::WitnessLink(net::io_context& io, FederationState& state,
                         const crypto::TlsIdentity& identity)
    : strand_(net::make_strand(io)), state_(state), identity_(identity) {}

tlog::WitnessCall WitnessLink::Call() {
  return [this](std::int64_t old_size, crypto::MerkleProof proof, std::string note) {
    return Offer(old_size, std::move(proof), std::move(note));
  };
}

net::awaitable<Result<WitnessAnswer>> WitnessLink::Offer(std::int64_t old_size,
                                                         crypto::MerkleProof proof,
                                                         std::string note) {
  auto directory = state_.directory();
  if (!directory) co_return Fail(ErrorCode::kUnavailable, "no directory accepted yet");
  const federation::NodeEntry* coordinator = CoordinatorOf(*directory);
  if (coordinator == nullptr) {
    co_return Fail(ErrorCode::kUnavailable, "the directory names no coordinator to witness");
  }
  auto keys = federation::WitnessKeysFromDirectory(*directory);
  if (keys.empty()) co_return Fail(ErrorCode::kUnavailable, "the coordinator has no log key");
  if (!client_ || client_endpoint_ != coordinator->endpoint ||
      client_pin_ != coordinator->tls_spki_sha256) {
    auto client = federation::PeerClient::Create(strand_, identity_, coordinator->endpoint,
                                                 coordinator->tls_spki_sha256);
    if (!client) co_return tl::unexpected(client.error());
    client_ = std::move(*client);
    client_endpoint_ = coordinator->endpoint;
    client_pin_ = coordinator->tls_spki_sha256;
  }
  const std::size_t note_size = note.size();
  federation::AddCheckpointRequest request{static_cast<std::uint64_t>(old_size), std::move(proof),
                                           std::move(note)};
  crypto::NoteVerifierKey witness_key = keys.front();
  const std::chrono::milliseconds timeout = kWitnessTimeout;
  auto reply = co_await federation::AddCheckpoint(*client_, std::move(request),
                                                  std::move(witness_key), timeout);
  if (!reply) co_return tl::unexpected(reply.error());
  co_return ToAnswer(*reply, note_size);
}

}  // namespace simpul::fed
