#pragma once
// The node's line to the coordinator's witness: the tlog::WitnessCall its checkpointer uses. It
// finds the coordinator in the directory in force, talks to it over mutual TLS pinned to the
// coordinator's SPKI (a new client when the endpoint or pin changes), and checks cosignatures
// against the coordinator's log key from the directory.
//
//   WitnessLink link(io, state, identity);
//   checkpointer.SetWitness(link.Call());
//
// Thread safety: calls are made one at a time by the checkpointer; the client lives on a strand.

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <memory>
#include <string>

#include "crypto/tls_identity.hpp"
#include "federation/peer_client.hpp"
#include "node/fed/federation_state.hpp"
#include "node/tlog/checkpointer.hpp"

namespace simpul::fed {

class WitnessLink {
 public:
  WitnessLink(boost::asio::io_context& io, FederationState& state,
              const crypto::TlsIdentity& identity);

  tlog::WitnessCall Call();

 private:
  // Fails kUnavailable without a usable directory or coordinator entry.
  boost::asio::awaitable<Result<tlog::WitnessAnswer>> Offer(std::int64_t old_size,
                                                            crypto::MerkleProof proof,
                                                            std::string note);

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  FederationState& state_;
  const crypto::TlsIdentity& identity_;
  std::unique_ptr<federation::PeerClient> client_;
  std::string client_endpoint_, client_pin_;
};

}  // namespace simpul::fed
