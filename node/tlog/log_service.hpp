#pragma once
// Read access to the node's transparency log for the public API: the latest checkpoint, inclusion
// and consistency proofs, leaves, and a citizen's receipt proof bundle (DESIGN §4).
//
// A receipt proof is the C2SP tlog-proof of the complaint's intake leaf under the smallest
// checkpoint that covers it — a witnessed one when this node has a witness — together with the
// leaf itself and the signed directory in force, which carries the node's keys. With the bundle,
// the receipt and the coordinator's trust anchor, anyone can check offline that the complaint was
// lodged and is still in the log (`simpulctl verify-receipt`).
//
// Thread safety: all methods may be called from any thread; each is one database read.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "crypto/merkle.hpp"
#include "node/store/database.hpp"
#include "node/store/tlog_store.hpp"

namespace simpul::tlog {

struct ReceiptProof {
  std::string tracking_id;
  std::int64_t leaf_index = 0;
  std::string leaf;        // the intake leaf bytes
  std::string tlog_proof;  // c2sp.org/tlog-proof@v1 text
  bool witnessed = false;  // the checkpoint carries witness cosignatures
  std::string directory;   // the signed directory in force; "" on a node outside a federation
};

class LogService {
 public:
  // `witnessed_only`: serve receipt proofs only under witness-cosigned checkpoints (a federated
  // node with a witness); otherwise under the node's own latest checkpoint.
  LogService(store::Database& db, bool witnessed_only) : db_(db), witnessed_only_(witnessed_only) {}

  // The newest checkpoint note (cosigned if `witnessed`). Fails kNotFound if there is none yet.
  boost::asio::awaitable<Result<std::string>> Checkpoint(bool witnessed);
  // Fail kInvalidArgument on sizes outside the log, as TlogStore does.
  boost::asio::awaitable<Result<crypto::MerkleProof>> Inclusion(std::int64_t index,
                                                                std::int64_t size);
  boost::asio::awaitable<Result<crypto::MerkleProof>> Consistency(std::int64_t size1,
                                                                  std::int64_t size2);
  boost::asio::awaitable<Result<std::vector<store::LeafRow>>> Leaves(std::int64_t from, int limit);
  // Fails kNotFound for an unknown tracking id; kUnavailable (retry later) while no suitable
  // checkpoint covers the intake leaf yet.
  boost::asio::awaitable<Result<ReceiptProof>> ProveIntake(std::string tracking_id);

 private:
  store::Database& db_;
  bool witnessed_only_;
};

}  // namespace simpul::tlog
