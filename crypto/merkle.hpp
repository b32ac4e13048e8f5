#pragma once
// RFC 6962 §2.1 Merkle hash trees over SHA-256, with the RFC 9162 §2.1.3.2 and §2.1.4.2 proof
// verifiers and a streaming frontier that keeps the root of a growing log in O(log n) space.
//
//   MerkleFrontier log;
//   log.Append(LeafHash(AsBytes(event)));
//   MerkleHash root = log.Root();
//   Result<void> ok = VerifyInclusion(leaf_hash, index, size, proof, root);
//
// Leaf hashes are SHA-256(0x00 || data); interior nodes SHA-256(0x01 || left || right); the tree of
// n leaves splits at k, the largest power of two below n. Free functions are pure and thread-safe.
//
// RootOf, InclusionProof and ConsistencyProof compute from all leaf hashes in O(n): they are the
// reference for tests and small trees. A large log computes proofs from stored subtree hashes
// instead; the verifiers do not care where a proof came from.

#include <cstdint>
#include <span>
#include <vector>

#include "crypto/bytes.hpp"
#include "crypto/hash.hpp"
#include "crypto/result.hpp"

namespace simpul::crypto {

using MerkleHash = Digest32;
// Sibling hashes, from the leaf (or the older tree) upwards, as RFC 9162 orders them.
using MerkleProof = std::vector<MerkleHash>;

// SHA-256(0x00 || leaf_data).
MerkleHash LeafHash(ByteView leaf_data);

// SHA-256(0x01 || left || right).
MerkleHash NodeHash(const MerkleHash& left, const MerkleHash& right);

// The root of the empty tree: SHA-256 of the empty string.
MerkleHash EmptyRoot();

// MTH of the tree whose leaves have these hashes; EmptyRoot() for none.
MerkleHash RootOf(std::span<const MerkleHash> leaf_hashes);

// PATH(index, D[0:size]) of RFC 6962 §2.1.1. Fails with kInvalidArgument unless
// index < size <= leaf_hashes.size().
Result<MerkleProof> InclusionProof(std::span<const MerkleHash> leaf_hashes, std::uint64_t index,
                                   std::uint64_t size);

// PROOF(size1, D[0:size2]) of RFC 6962 §2.1.2: empty when size1 == size2 and, since every tree
// extends the empty one, when size1 == 0. Fails with kInvalidArgument unless
// size1 <= size2 <= leaf_hashes.size().
Result<MerkleProof> ConsistencyProof(std::span<const MerkleHash> leaf_hashes, std::uint64_t size1,
                                     std::uint64_t size2);

// RFC 9162 §2.1.3.2: succeeds if `proof` shows the leaf with `leaf_hash` at `index` in the tree of
// `size` leaves whose root is `root`. Fails with kInvalidArgument if index >= size, if the proof is
// too short or too long for (index, size), or if it leads to another root.
Result<void> VerifyInclusion(const MerkleHash& leaf_hash, std::uint64_t index, std::uint64_t size,
                             std::span<const MerkleHash> proof, const MerkleHash& root);

// Succeeds if the tree of `size2` leaves with root `root2` extends the tree of `size1` leaves with
// root `root1`. For 0 < size1 < size2 this is RFC 9162 §2.1.4.2. RFC 9162 defines proofs only for
// 0 < size1 < size2; at the edges the only valid proof is the empty one: size1 == size2 needs
// root1 == root2, and size1 == 0 needs root1 == EmptyRoot() (any root2 extends it). Fails with
// kInvalidArgument if size1 > size2, if the proof has the wrong length, or if a root differs.
Result<void> VerifyConsistency(std::uint64_t size1, std::uint64_t size2,
                               std::span<const MerkleHash> proof, const MerkleHash& root1,
                               const MerkleHash& root2);

// The right edge of a log: the roots of the perfect subtrees that the binary form of the size
// describes, largest (leftmost) first, one per set bit. Appending costs amortised O(1) hashes and
// the state is at most 64 hashes, so a node keeps its root current at any size. A value type; not
// thread-safe.
class MerkleFrontier {
 public:
  MerkleFrontier() = default;

  // Restores a frontier saved from size() and hashes(). Fails with kInvalidArgument if the number
  // of hashes is not the number of set bits in `size`.
  static Result<MerkleFrontier> FromHashes(std::uint64_t size, std::span<const MerkleHash> hashes);

  void Append(const MerkleHash& leaf_hash);

  std::uint64_t size() const { return size_; }
  std::span<const MerkleHash> hashes() const { return hashes_; }
  // MTH of the leaves appended so far; EmptyRoot() when there are none.
  MerkleHash Root() const;

 private:
  std::uint64_t size_ = 0;
  std::vector<MerkleHash> hashes_;
};

}  // namespace simpul::crypto
