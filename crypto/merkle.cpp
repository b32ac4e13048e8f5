#include "crypto/merkle.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <string>

namespace simpul::crypto {
namespace {

constexpr std::uint8_t kLeafPrefix = 0x00;
constexpr std::uint8_t kNodePrefix = 0x01;

// k of RFC 6962 §2.1: the largest power of two smaller than n. Precondition: n >= 2.
std::size_t SplitPoint(std::size_t n) { return std::bit_floor(n - 1); }

// PATH(m, D[n]) of RFC 6962 §2.1.1, appended to `out` deepest first. Precondition: m <
// leaves.size().
void AppendPath(std::span<const MerkleHash> leaves, std::size_t m, MerkleProof& out) {
  const std::size_t n = leaves.size();
  if (n <= 1) return;
  const std::size_t k = SplitPoint(n);
  if (m < k) {
    AppendPath(leaves.first(k), m, out);
    out.push_back(RootOf(leaves.subspan(k)));
  } else {
    AppendPath(leaves.subspan(k), m - k, out);
    out.push_back(RootOf(leaves.first(k)));
  }
}

// SUBPROOF(m, D[n], b) of RFC 6962 §2.1.2, appended to `out`. Precondition: 0 < m <= leaves.size().
void AppendSubproof(std::span<const MerkleHash> leaves, std::size_t m, bool whole_old_tree,
                    MerkleProof& out) {
  const std::size_t n = leaves.size();
  if (m == n) {
    if (!whole_old_tree) out.push_back(RootOf(leaves));
    return;
  }
  const std::size_t k = SplitPoint(n);
  if (m <= k) {
    AppendSubproof(leaves.first(k), m, whole_old_tree, out);
    out.push_back(RootOf(leaves.subspan(k)));
  } else {
    AppendSubproof(leaves.subspan(k), m - k, false, out);
    out.push_back(RootOf(leaves.first(k)));
  }
}

// Right-shifts both until the lowest bit of fn is set or fn is 0 (RFC 9162 step "ii").
void ShiftUntilOdd(std::uint64_t& fn, std::uint64_t& sn) {
  while ((fn & 1) == 0 && fn != 0) {
    fn >>= 1;
    sn >>= 1;
  }
}

}  // namespace

MerkleHash LeafHash(ByteView leaf_data) {
  Sha256Hasher hasher;
  const std::uint8_t prefix = kLeafPrefix;
  hasher.Update(ByteView(&prefix, 1));
  hasher.Update(leaf_data);
  return hasher.Finish();
}

MerkleHash NodeHash(const MerkleHash& left, const MerkleHash& right) {
  std::array<std::uint8_t, 1 + 2 * sizeof(MerkleHash)> input;
  input[0] = kNodePrefix;
  std::copy(left.begin(), left.end(), input.begin() + 1);
  std::copy(right.begin(), right.end(), input.begin() + 1 + left.size());
  return Sha256(input);
}

MerkleHash EmptyRoot() { return Sha256({}); }

MerkleHash RootOf(std::span<const MerkleHash> leaf_hashes) {
  const std::size_t n = leaf_hashes.size();
  if (n == 0) return EmptyRoot();
  if (n == 1) return leaf_hashes[0];
  const std::size_t k = SplitPoint(n);
  return NodeHash(RootOf(leaf_hashes.first(k)), RootOf(leaf_hashes.subspan(k)));
}

Result<MerkleProof> InclusionProof(std::span<const MerkleHash> leaf_hashes, std::uint64_t index,
                                   std::uint64_t size) {
  if (size > leaf_hashes.size()) {
    return Fail(ErrorCode::kInvalidArgument, "tree size " + std::to_string(size) + " exceeds the " +
                                                 std::to_string(leaf_hashes.size()) + " leaves");
  }
  if (index >= size) {
    return Fail(ErrorCode::kInvalidArgument, "leaf index " + std::to_string(index) +
                                                 " is not below tree size " + std::to_string(size));
  }
  MerkleProof proof;
  AppendPath(leaf_hashes.first(size), index, proof);
  return proof;
}

Result<MerkleProof> ConsistencyProof(std::span<const MerkleHash> leaf_hashes, std::uint64_t size1,
                                     std::uint64_t size2) {
  if (size2 > leaf_hashes.size()) {
    return Fail(ErrorCode::kInvalidArgument, "tree size " + std::to_string(size2) +
                                                 " exceeds the " +
                                                 std::to_string(leaf_hashes.size()) + " leaves");
  }
  if (size1 > size2) {
    return Fail(ErrorCode::kInvalidArgument,
                "old size " + std::to_string(size1) + " exceeds new size " + std::to_string(size2));
  }
  MerkleProof proof;
  if (size1 == 0) return proof;
  AppendSubproof(leaf_hashes.first(size2), size1, true, proof);
  return proof;
}

Result<void> VerifyInclusion(const MerkleHash& leaf_hash, std::uint64_t index, std::uint64_t size,
                             std::span<const MerkleHash> proof, const MerkleHash& root) {
  if (index >= size) {
    return Fail(ErrorCode::kInvalidArgument, "leaf index " + std::to_string(index) +
                                                 " is not below tree size " + std::to_string(size));
  }
  std::uint64_t fn = index;
  std::uint64_t sn = size - 1;
  MerkleHash r = leaf_hash;
  for (const MerkleHash& p : proof) {
    if (sn == 0) {
      return Fail(ErrorCode::kInvalidArgument, "inclusion proof is longer than the tree is deep");
    }
    if ((fn & 1) == 1 || fn == sn) {
      r = NodeHash(p, r);
      if ((fn & 1) == 0) ShiftUntilOdd(fn, sn);
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return Fail(ErrorCode::kInvalidArgument, "inclusion proof is shorter than the tree is deep");
  }
  if (r != root) {
    return Fail(ErrorCode::kInvalidArgument, "inclusion proof does not lead to the root");
  }
  return {};
}

Result<void> VerifyConsistency(std::uint64_t size1, std::uint64_t size2,
                               std::span<const MerkleHash> proof, const MerkleHash& root1,
                               const MerkleHash& root2) {
  if (size1 > size2) {
    return Fail(ErrorCode::kInvalidArgument,
                "old size " + std::to_string(size1) + " exceeds new size " + std::to_string(size2));
  }
  if (size1 == size2 || size1 == 0) {
    if (!proof.empty()) {
      return Fail(ErrorCode::kInvalidArgument,
                  "consistency proof must be empty when the old tree is empty or the same size");
    }
    if (size1 == size2 && root1 != root2) {
      return Fail(ErrorCode::kInvalidArgument, "same tree size but different roots");
    }
    if (size1 == 0 && root1 != EmptyRoot()) {
      return Fail(ErrorCode::kInvalidArgument, "old root is not the empty tree's root");
    }
    return {};
  }
  // RFC 9162 §2.1.4.2 steps 1 to 7.
  if (proof.empty()) return Fail(ErrorCode::kInvalidArgument, "consistency proof is empty");
  MerkleProof path;
  path.reserve(proof.size() + 1);
  if (std::has_single_bit(size1)) path.push_back(root1);
  path.insert(path.end(), proof.begin(), proof.end());

  std::uint64_t fn = size1 - 1;
  std::uint64_t sn = size2 - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  MerkleHash fr = path[0];
  MerkleHash sr = path[0];
  for (std::size_t i = 1; i < path.size(); ++i) {
    const MerkleHash& c = path[i];
    if (sn == 0) {
      return Fail(ErrorCode::kInvalidArgument, "consistency proof is longer than the tree needs");
    }
    if ((fn & 1) == 1 || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      if ((fn & 1) == 0) ShiftUntilOdd(fn, sn);
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return Fail(ErrorCode::kInvalidArgument, "consistency proof is shorter than the tree needs");
  }
  if (fr != root1) {
    return Fail(ErrorCode::kInvalidArgument, "consistency proof does not lead to the old root");
  }
  if (sr != root2) {
    return Fail(ErrorCode::kInvalidArgument, "consistency proof does not lead to the new root");
  }
  return {};
}

Result<MerkleFrontier> MerkleFrontier::FromHashes(std::uint64_t size,
                                                  std::span<const MerkleHash> hashes) {
  if (static_cast<std::size_t>(std::popcount(size)) != hashes.size()) {
    return Fail(ErrorCode::kInvalidArgument, "a frontier of size " + std::to_string(size) +
                                                 " has " + std::to_string(std::popcount(size)) +
                                                 " hashes, not " + std::to_string(hashes.size()));
  }
  MerkleFrontier frontier;
  frontier.size_ = size;
  frontier.hashes_.assign(hashes.begin(), hashes.end());
  return frontier;
}

void MerkleFrontier::Append(const MerkleHash& leaf_hash) {
  hashes_.push_back(leaf_hash);
  // Each trailing one bit of the old size is a perfect subtree that the new leaf completes.
  for (std::uint64_t s = size_; (s & 1) == 1; s >>= 1) {
    const MerkleHash right = hashes_.back();
    hashes_.pop_back();
    hashes_.back() = NodeHash(hashes_.back(), right);
  }
  ++size_;
}

MerkleHash MerkleFrontier::Root() const {
  if (hashes_.empty()) return EmptyRoot();
  MerkleHash root = hashes_.back();
  for (std::size_t i = hashes_.size() - 1; i-- > 0;) root = NodeHash(hashes_[i], root);
  return root;
}

}  // namespace simpul::crypto
