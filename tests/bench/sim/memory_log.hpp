#pragma once
// A simulated node's RFC 6962 transparency log, in memory: every complete subtree hash is kept
// (level 0 holds the leaf hashes), so roots and consistency proofs for any earlier size cost
// O(log n) through crypto/merkle_subtrees, as the node's stored log answers them.
//
//   MemoryLog log;
//   log.Append(crypto::LeafHash(crypto::AsBytes(event)));
//   crypto::MerkleHash root = log.RootAt(log.size());
//   crypto::MerkleProof proof = log.ConsistencyProof(witnessed_size, log.size()).value();
//
// Memory: about two hashes (64 bytes) per leaf. A value owned by one simulated node; not
// thread-safe.

#include <cstdint>
#include <vector>

#include "crypto/merkle.hpp"
#include "crypto/result.hpp"

namespace simpul::bench::sim {

class MemoryLog {
 public:
  // Appends one leaf hash and completes every subtree it closes.
  void Append(const crypto::MerkleHash& leaf_hash);

  std::uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }

  // MTH of the first `size` leaves. Fails with kInvalidArgument if size > size().
  Result<crypto::MerkleHash> RootAt(std::uint64_t size) const;

  // PROOF(old_size, D[0:new_size]). Fails with kInvalidArgument unless
  // old_size <= new_size <= size().
  Result<crypto::MerkleProof> ConsistencyProof(std::uint64_t old_size,
                                               std::uint64_t new_size) const;

 private:
  // The complete subtree (level, index); fails with kInvalidArgument if it is not complete yet.
  Result<crypto::MerkleHash> Subtree(unsigned level, std::uint64_t index) const;

  std::vector<std::vector<crypto::MerkleHash>> levels_;  // levels_[l][i] covers 2^l leaves
};

}  // namespace simpul::bench::sim
