#pragma once
// Fills a gap in a sender's stream (DESIGN §3, Inbox: "a gap is filled by pulling from the
// sender"): fetches the missing envelopes from the sender's GET /federation/v1/stream over a
// connection pinned to the sender's directory SPKI, and feeds them through the inbox like any
// delivery, so they are verified, deduplicated and applied in order with the held ones behind
// them. One pull per sender at a time; a failed pull is retried by the next gap report or by the
// sender's own redelivery.
//
// Thread safety: Pull may be called from any thread.

#include <boost/asio/io_context.hpp>

#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "crypto/tls_identity.hpp"
#include "node/fed/federation_state.hpp"
#include "node/fed/inbox.hpp"

namespace simpul::fed {

class GapPuller {
 public:
  GapPuller(boost::asio::io_context& io, FederationState& state, Inbox& inbox,
            const crypto::TlsIdentity& identity);

  // Starts pulling seqs [from, to] of `sender`'s stream to this node, unless a pull from that
  // sender is already running.
  void Pull(const std::string& sender, std::int64_t from, std::int64_t to);

  std::uint64_t pulled() const;

 private:
  boost::asio::awaitable<void> Run(std::string sender, std::int64_t from, std::int64_t to);

  boost::asio::io_context& io_;
  FederationState& state_;
  Inbox& inbox_;
  const crypto::TlsIdentity& identity_;
  mutable std::mutex mu_;
  std::set<std::string> running_;
  std::uint64_t pulled_ = 0;
};

}  // namespace simpul::fed
