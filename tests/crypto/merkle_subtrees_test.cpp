#include "crypto/merkle_subtrees.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace simpul::crypto {
namespace {

// Leaf hashes 0..n-1 and a reader over their complete subtrees that counts its reads.
struct Tree {
  std::vector<MerkleHash> leaves;
  std::map<std::pair<unsigned, std::uint64_t>, MerkleHash> nodes;
  mutable int reads = 0;

  explicit Tree(std::uint64_t n) {
    for (std::uint64_t i = 0; i < n; ++i) {
      const std::string data = "leaf " + std::to_string(i);
      leaves.push_back(LeafHash(AsBytes(data)));
      nodes[{0, i}] = leaves.back();
    }
    for (unsigned level = 1; (std::uint64_t{1} << level) <= n; ++level) {
      for (std::uint64_t i = 0; ((i + 1) << level) <= n; ++i) {
        nodes[{level, i}] =
            NodeHash(nodes.at({level - 1, 2 * i}), nodes.at({level - 1, 2 * i + 1}));
      }
    }
  }

  SubtreeReader Reader() const {
    return [this](unsigned level, std::uint64_t index) -> Result<MerkleHash> {
      ++reads;
      auto it = nodes.find({level, index});
      if (it == nodes.end()) return Fail(ErrorCode::kNotFound, "no such subtree");
      return it->second;
    };
  }
};

TEST(MerkleSubtreesTest, RootsAndProofsEqualTheReferenceForEverySmallTree) {
  const Tree full(70);
  for (std::uint64_t size = 0; size <= 70; ++size) {
    const std::span<const MerkleHash> leaves(full.leaves.data(), size);
    auto root = RootFrom(full.Reader(), size);
    ASSERT_TRUE(root) << root.error().message;
    EXPECT_EQ(*root, RootOf(leaves)) << "size " << size;
    for (std::uint64_t i = 0; i < size; ++i) {
      auto got = InclusionProofFrom(full.Reader(), i, size);
      ASSERT_TRUE(got) << got.error().message;
      EXPECT_EQ(*got, InclusionProof(leaves, i, size).value()) << i << " in " << size;
      EXPECT_TRUE(VerifyInclusion(full.leaves[i], i, size, *got, *root));
    }
    for (std::uint64_t old = 0; old <= size; ++old) {
      auto got = ConsistencyProofFrom(full.Reader(), old, size);
      ASSERT_TRUE(got) << got.error().message;
      EXPECT_EQ(*got, ConsistencyProof(leaves, old, size).value()) << old << " to " << size;
    }
  }
}

TEST(MerkleSubtreesTest, ProofsReadLogarithmicallyManySubtrees) {
  const Tree tree(5000);
  tree.reads = 0;
  auto proof = InclusionProofFrom(tree.Reader(), 1234, 4999);
  ASSERT_TRUE(proof);
  EXPECT_LE(tree.reads, 2 * 13);
  tree.reads = 0;
  ASSERT_TRUE(ConsistencyProofFrom(tree.Reader(), 3333, 4999));
  EXPECT_LE(tree.reads, 2 * 13);
}

TEST(MerkleSubtreesTest, RejectsOutOfRangeArgumentsAndPassesReaderErrorsOn) {
  const Tree tree(8);
  EXPECT_EQ(InclusionProofFrom(tree.Reader(), 8, 8).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(ConsistencyProofFrom(tree.Reader(), 9, 8).error().code, ErrorCode::kInvalidArgument);
  auto beyond = RootFrom(tree.Reader(), 9);
  ASSERT_FALSE(beyond);
  EXPECT_EQ(beyond.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace simpul::crypto
