#include "crypto/merkle_subtrees.hpp"

#include <bit>
#include <string>

namespace simpul::crypto {
namespace {

// MTH(D[begin:end]) for a range the RFC 6962 recursion produces: `begin` is a multiple of the
// largest power of two not above end - begin, so every left part is one stored subtree.
Result<MerkleHash> RangeHash(const SubtreeReader& read, std::uint64_t begin, std::uint64_t end) {
  const std::uint64_t n = end - begin;
  if (std::has_single_bit(n) && begin % n == 0) {
    return read(static_cast<unsigned>(std::countr_zero(n)), begin >> std::countr_zero(n));
  }
  const std::uint64_t k = std::bit_floor(n - 1);
  auto left = RangeHash(read, begin, begin + k);
  if (!left) return left;
  auto right = RangeHash(read, begin + k, end);
  if (!right) return right;
  return NodeHash(*left, *right);
}

// PATH(m, D[begin:end]), deepest sibling first.
Result<void> AppendPath(const SubtreeReader& read, std::uint64_t m, std::uint64_t begin,
                        std::uint64_t end, MerkleProof& out) {
  const std::uint64_t n = end - begin;
  if (n <= 1) return {};
  const std::uint64_t k = std::bit_floor(n - 1);
  const bool left = m < begin + k;
  auto inner =
      left ? AppendPath(read, m, begin, begin + k, out) : AppendPath(read, m, begin + k, end, out);
  if (!inner) return inner;
  auto sibling = left ? RangeHash(read, begin + k, end) : RangeHash(read, begin, begin + k);
  if (!sibling) return tl::unexpected(sibling.error());
  out.push_back(*sibling);
  return {};
}

// SUBPROOF(m, D[begin:end], whole_old_tree), where m counts leaves from `begin`.
Result<void> AppendSubproof(const SubtreeReader& read, std::uint64_t m, std::uint64_t begin,
                            std::uint64_t end, bool whole_old_tree, MerkleProof& out) {
  const std::uint64_t n = end - begin;
  if (m == n) {
    if (whole_old_tree) return {};
    auto root = RangeHash(read, begin, end);
    if (!root) return tl::unexpected(root.error());
    out.push_back(*root);
    return {};
  }
  const std::uint64_t k = std::bit_floor(n - 1);
  Result<void> inner;
  Result<MerkleHash> sibling;
  if (m <= k) {
    inner = AppendSubproof(read, m, begin, begin + k, whole_old_tree, out);
    if (inner) sibling = RangeHash(read, begin + k, end);
  } else {
    inner = AppendSubproof(read, m - k, begin + k, end, false, out);
    if (inner) sibling = RangeHash(read, begin, begin + k);
  }
  if (!inner) return inner;
  if (!sibling) return tl::unexpected(sibling.error());
  out.push_back(*sibling);
  return {};
}

}  // namespace

Result<MerkleHash> RootFrom(const SubtreeReader& read, std::uint64_t size) {
  if (size == 0) return EmptyRoot();
  return RangeHash(read, 0, size);
}

Result<MerkleProof> InclusionProofFrom(const SubtreeReader& read, std::uint64_t index,
                                       std::uint64_t size) {
  if (index >= size) {
    return Fail(ErrorCode::kInvalidArgument, "leaf index " + std::to_string(index) +
                                                 " is not below tree size " + std::to_string(size));
  }
  MerkleProof proof;
  if (auto r = AppendPath(read, index, 0, size, proof); !r) return tl::unexpected(r.error());
  return proof;
}

Result<MerkleProof> ConsistencyProofFrom(const SubtreeReader& read, std::uint64_t size1,
                                         std::uint64_t size2) {
  if (size1 > size2) {
    return Fail(ErrorCode::kInvalidArgument,
                "old size " + std::to_string(size1) + " exceeds new size " + std::to_string(size2));
  }
  MerkleProof proof;
  if (size1 == 0 || size1 == size2) return proof;
  if (auto r = AppendSubproof(read, size1, 0, size2, true, proof); !r) {
    return tl::unexpected(r.error());
  }
  return proof;
}

}  // namespace simpul::crypto
