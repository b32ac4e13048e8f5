#pragma once
// RFC 6962 roots and proofs computed from stored complete-subtree hashes instead of all leaves, so
// a log of any size answers with O(log n) reads (at most about 2 log2 n for a proof).
//
//   SubtreeReader read = [&](unsigned level, std::uint64_t index) { return store.Node(level,
//   index); }; Result<MerkleProof> proof = InclusionProofFrom(read, leaf_index, tree_size);
//
// The subtree (level, index) covers leaves [index * 2^level, (index + 1) * 2^level); level 0 is a
// leaf hash. The results equal RootOf, InclusionProof and ConsistencyProof over the same leaves.
// The functions are pure apart from what `read` does; an error from `read` is returned as is.
#include <cstdint>
#include <functional>

#include "crypto/merkle.hpp"
#include "crypto/result.hpp"

namespace simpul::crypto {

using SubtreeReader = std::function<Result<MerkleHash>(unsigned level, std::uint64_t index)>;

// MTH(D[0:size]); EmptyRoot() for size 0.
Result<MerkleHash> RootFrom(const SubtreeReader& read, std::uint64_t size);
// PATH(index, D[0:size]). Fails with kInvalidArgument unless index < size.
Result<MerkleProof> InclusionProofFrom(const SubtreeReader& read, std::uint64_t index,
                                       std::uint64_t size);
// PROOF(size1, D[0:size2]); empty when size1 is 0 or equals size2. Fails with kInvalidArgument
// unless size1 <= size2.
Result<MerkleProof> ConsistencyProofFrom(const SubtreeReader& read, std::uint64_t size1,
                                         std::uint64_t size2);

}  // namespace simpul::crypto
