#include "crypto/merkle.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace simpul::crypto {
namespace {

// The 8-leaf example tree and its published hashes, from transparency-dev/merkle
// proof/verify_test.go (https://github.com/transparency-dev/merkle/blob/main/proof/verify_test.go):
// `leaves`, `roots`, `inclusionProofs` and `consistencyProofs`. That file numbers leaves from 1 in
// `inclusionProofs`; the indexes below are 0-based.
const char* const kLeafData[] = {
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
};

const char* const kRoots[] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",  // size 1
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",  // size 2
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",  // size 3
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",  // size 4
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",  // size 5
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",  // size 6
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",  // size 7
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",  // size 8
};

struct PublishedInclusion {
  std::uint64_t index;
  std::uint64_t size;
  std::vector<const char*> proof;
};

const std::vector<PublishedInclusion> kInclusionProofs = {
    {0,
     8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {5,
     8,
     {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {1,
     5,
     {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

struct PublishedConsistency {
  std::uint64_t size1;
  std::uint64_t size2;
  std::vector<const char*> proof;
};

const std::vector<PublishedConsistency> kConsistencyProofs = {
    {1, 1, {}},
    {1,
     8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {6,
     8,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2,
     5,
     {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    {6,
     7,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
};

MerkleHash H(const char* hex) {
  const Bytes b = HexDecode(hex).value();
  MerkleHash h{};
  EXPECT_EQ(b.size(), h.size()) << hex;
  std::copy(b.begin(), b.end(), h.begin());
  return h;
}

MerkleProof Proof(const std::vector<const char*>& hex) {
  MerkleProof p;
  for (const char* h : hex) p.push_back(H(h));
  return p;
}

std::vector<MerkleHash> ExampleLeafHashes() {
  std::vector<MerkleHash> out;
  for (const char* d : kLeafData) out.push_back(LeafHash(HexDecode(d).value()));
  return out;
}

MerkleHash Root(std::uint64_t size) { return H(kRoots[size - 1]); }

MerkleHash Flipped(MerkleHash h, std::size_t byte = 0) {
  h[byte] ^= 0x10;
  return h;
}

// Each way of damaging a correct inclusion proof for (index, size) in the 8-leaf tree; every one
// must be rejected. Returns a description of any that verified.
std::vector<std::string> AcceptedTamperedInclusions(const std::vector<MerkleHash>& leaves,
                                                    std::uint64_t index, std::uint64_t size,
                                                    const MerkleProof& proof) {
  std::vector<std::string> accepted;
  const MerkleHash root = Root(size);
  auto expect_reject = [&](const std::string& what, const MerkleHash& leaf, std::uint64_t i,
                           std::uint64_t n, const MerkleProof& p, const MerkleHash& r) {
    if (VerifyInclusion(leaf, i, n, p, r)) accepted.push_back(what);
  };
  const MerkleHash& leaf = leaves[index];
  for (std::size_t k = 0; k < proof.size(); ++k) {
    MerkleProof p = proof;
    p[k] = Flipped(p[k], k % 32);
    expect_reject("flipped byte in proof[" + std::to_string(k) + "]", leaf, index, size, p, root);
  }
  if (!proof.empty()) {
    expect_reject("dropped last hash", leaf, index, size,
                  MerkleProof(proof.begin(), proof.end() - 1), root);
    expect_reject("dropped first hash", leaf, index, size,
                  MerkleProof(proof.begin() + 1, proof.end()), root);
  }
  MerkleProof extended = proof;
  extended.push_back(root);
  expect_reject("appended a hash", leaf, index, size, extended, root);
  MerkleProof prefixed = proof;
  prefixed.insert(prefixed.begin(), leaf);
  expect_reject("prepended a hash", leaf, index, size, prefixed, root);
  expect_reject("flipped leaf hash", Flipped(leaf), index, size, proof, root);
  expect_reject("flipped root", leaf, index, size, proof, Flipped(root));
  for (std::uint64_t i = 0; i < size; ++i) {
    if (i == index) continue;
    expect_reject("index " + std::to_string(i), leaf, i, size, proof, root);
  }
  expect_reject("index == size", leaf, size, size, proof, root);
  for (std::uint64_t n = index + 1; n <= leaves.size(); ++n) {
    if (n == size) continue;
    // A proof for one tree never proves inclusion in another tree.
    expect_reject("size " + std::to_string(n) + " with its root", leaf, index, n, proof, Root(n));
    // The RFC 9162 check binds the size only through the proof's shape: sizes whose proofs for this
    // index have another length must be rejected even against the right root.
    if (InclusionProof(leaves, index, n).value().size() != proof.size()) {
      expect_reject("size " + std::to_string(n), leaf, index, n, proof, root);
    }
  }
  return accepted;
}

std::vector<std::string> AcceptedTamperedConsistencies(std::uint64_t size1, std::uint64_t size2,
                                                       const MerkleProof& proof) {
  std::vector<std::string> accepted;
  const MerkleHash root1 = Root(size1);
  const MerkleHash root2 = Root(size2);
  auto expect_reject = [&](const std::string& what, std::uint64_t m, std::uint64_t n,
                           const MerkleProof& p, const MerkleHash& r1, const MerkleHash& r2) {
    if (VerifyConsistency(m, n, p, r1, r2)) accepted.push_back(what);
  };
  for (std::size_t k = 0; k < proof.size(); ++k) {
    MerkleProof p = proof;
    p[k] = Flipped(p[k], k % 32);
    expect_reject("flipped byte in proof[" + std::to_string(k) + "]", size1, size2, p, root1,
                  root2);
  }
  expect_reject("empty proof", size1, size2, {}, root1, root2);
  expect_reject("dropped last hash", size1, size2, MerkleProof(proof.begin(), proof.end() - 1),
                root1, root2);
  expect_reject("dropped first hash", size1, size2, MerkleProof(proof.begin() + 1, proof.end()),
                root1, root2);
  MerkleProof extended = proof;
  extended.push_back(root2);
  expect_reject("appended a hash", size1, size2, extended, root1, root2);
  MerkleProof prefixed = proof;
  prefixed.insert(prefixed.begin(), root1);
  expect_reject("prepended old root", size1, size2, prefixed, root1, root2);
  expect_reject("flipped old root", size1, size2, proof, Flipped(root1), root2);
  expect_reject("flipped new root", size1, size2, proof, root1, Flipped(root2));
  expect_reject("swapped roots", size1, size2, proof, root2, root1);
  expect_reject("sizes reversed", size2, size1, proof, root2, root1);
  for (std::uint64_t m = 1; m < size2; ++m) {
    if (m != size1) expect_reject("old size " + std::to_string(m), m, size2, proof, Root(m), root2);
  }
  for (std::uint64_t n = size1 + 1; n <= 8; ++n) {
    if (n != size2) expect_reject("new size " + std::to_string(n), size1, n, proof, root1, Root(n));
  }
  return accepted;
}

TEST(MerkleTest, EmptyTreeRootIsSha256OfNothing) {
  EXPECT_EQ(HexEncode(EmptyRoot()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(RootOf({}), EmptyRoot());
  EXPECT_EQ(MerkleFrontier().Root(), EmptyRoot());
}

TEST(MerkleTest, LeafAndNodeHashesUseRfc6962Prefixes) {
  const Bytes data = {0xab, 0xcd};
  EXPECT_EQ(LeafHash(data), Sha256(Bytes{0x00, 0xab, 0xcd}));
  const MerkleHash a = LeafHash(Bytes{1});
  const MerkleHash b = LeafHash(Bytes{2});
  Bytes node = {0x01};
  node.insert(node.end(), a.begin(), a.end());
  node.insert(node.end(), b.begin(), b.end());
  EXPECT_EQ(NodeHash(a, b), Sha256(node));
  EXPECT_NE(NodeHash(a, b), NodeHash(b, a));
}

TEST(MerkleTest, RootsOfExampleTreeMatchPublishedRoots) {
  const std::vector<MerkleHash> leaves = ExampleLeafHashes();
  MerkleFrontier frontier;
  for (std::size_t n = 1; n <= leaves.size(); ++n) {
    EXPECT_EQ(HexEncode(RootOf(std::span(leaves).first(n))), kRoots[n - 1]) << "size " << n;
    frontier.Append(leaves[n - 1]);
    EXPECT_EQ(HexEncode(frontier.Root()), kRoots[n - 1]) << "size " << n;
  }
}

TEST(MerkleTest, InclusionProofsMatchPublishedProofs) {
  const std::vector<MerkleHash> leaves = ExampleLeafHashes();
  for (const PublishedInclusion& v : kInclusionProofs) {
    const MerkleProof want = Proof(v.proof);
    EXPECT_EQ(InclusionProof(leaves, v.index, v.size).value(), want) << v.index << " in " << v.size;
    EXPECT_TRUE(VerifyInclusion(leaves[v.index], v.index, v.size, want, Root(v.size)))
        << v.index << " in " << v.size;
  }
}

TEST(MerkleTest, ConsistencyProofsMatchPublishedProofs) {
  const std::vector<MerkleHash> leaves = ExampleLeafHashes();
  for (const PublishedConsistency& v : kConsistencyProofs) {
    const MerkleProof want = Proof(v.proof);
    EXPECT_EQ(ConsistencyProof(leaves, v.size1, v.size2).value(), want)
        << v.size1 << " to " << v.size2;
    EXPECT_TRUE(VerifyConsistency(v.size1, v.size2, want, Root(v.size1), Root(v.size2)))
        << v.size1 << " to " << v.size2;
  }
}

TEST(MerkleTest, EveryInclusionProofOfExampleTreeVerifiesAndEveryTamperingFails) {
  const std::vector<MerkleHash> leaves = ExampleLeafHashes();
  for (std::uint64_t size = 1; size <= 8; ++size) {
    for (std::uint64_t index = 0; index < size; ++index) {
      const MerkleProof proof = InclusionProof(leaves, index, size).value();
      const Result<void> ok = VerifyInclusion(leaves[index], index, size, proof, Root(size));
      EXPECT_TRUE(ok) << index << " in " << size << ": " << ok.error().message;
      for (const std::string& what : AcceptedTamperedInclusions(leaves, index, size, proof)) {
        ADD_FAILURE() << index << " in " << size << " accepted with " << what;
      }
    }
  }
}

TEST(MerkleTest, EveryConsistencyProofOfExampleTreeVerifiesAndEveryTamperingFails) {
  const std::vector<MerkleHash> leaves = ExampleLeafHashes();
  for (std::uint64_t size2 = 1; size2 <= 8; ++size2) {
    for (std::uint64_t size1 = 1; size1 < size2; ++size1) {
      const MerkleProof proof = ConsistencyProof(leaves, size1, size2).value();
      const Result<void> ok = VerifyConsistency(size1, size2, proof, Root(size1), Root(size2));
      EXPECT_TRUE(ok) << size1 << " to " << size2 << ": " << ok.error().message;
      for (const std::string& what : AcceptedTamperedConsistencies(size1, size2, proof)) {
        ADD_FAILURE() << size1 << " to " << size2 << " accepted with " << what;
      }
    }
  }
}

TEST(MerkleTest, InclusionRejectsIndexNotBelowSize) {
  const MerkleHash leaf = LeafHash(Bytes{});
  EXPECT_FALSE(VerifyInclusion(leaf, 0, 0, {}, EmptyRoot()));
  EXPECT_FALSE(VerifyInclusion(leaf, 1, 1, {}, leaf));
  EXPECT_FALSE(VerifyInclusion(leaf, 2, 1, {}, leaf));
  EXPECT_TRUE(VerifyInclusion(leaf, 0, 1, {}, leaf));  // one leaf: the leaf is the root
  EXPECT_FALSE(VerifyInclusion(leaf, 0, 1, MerkleProof{leaf}, leaf));
  const std::vector<MerkleHash> leaves = ExampleLeafHashes();
  EXPECT_FALSE(InclusionProof(leaves, 8, 8));
  EXPECT_FALSE(InclusionProof(leaves, 0, 9));
}

TEST(MerkleTest, ConsistencyEdgeCases) {
  const MerkleHash r1 = Root(1);
  const MerkleHash r2 = Root(2);
  // Equal sizes: only the empty proof between equal roots.
  EXPECT_TRUE(VerifyConsistency(1, 1, {}, r1, r1));
  EXPECT_TRUE(VerifyConsistency(0, 0, {}, EmptyRoot(), EmptyRoot()));
  EXPECT_FALSE(VerifyConsistency(1, 1, {}, r1, r2));
  EXPECT_FALSE(VerifyConsistency(1, 1, MerkleProof{r1}, r1, r1));
  // From the empty tree: only the empty proof, from the empty tree's root, to any tree.
  EXPECT_TRUE(VerifyConsistency(0, 5, {}, EmptyRoot(), Root(5)));
  EXPECT_FALSE(VerifyConsistency(0, 5, {}, r1, Root(5)));
  EXPECT_FALSE(VerifyConsistency(0, 5, MerkleProof{r1}, EmptyRoot(), Root(5)));
  // Going back in time.
  EXPECT_FALSE(VerifyConsistency(2, 1, {}, r2, r1));
  EXPECT_FALSE(VerifyConsistency(1, 0, {}, r1, EmptyRoot()));
  // A real size change needs a proof.
  EXPECT_FALSE(VerifyConsistency(1, 2, {}, r1, r2));

  const std::vector<MerkleHash> leaves = ExampleLeafHashes();
  EXPECT_TRUE(ConsistencyProof(leaves, 0, 8).value().empty());
  EXPECT_TRUE(ConsistencyProof(leaves, 8, 8).value().empty());
  EXPECT_FALSE(ConsistencyProof(leaves, 3, 2));
  EXPECT_FALSE(ConsistencyProof(leaves, 3, 9));
}

TEST(MerkleTest, FrontierRestoresFromItsHashes) {
  const std::vector<MerkleHash> leaves = ExampleLeafHashes();
  MerkleFrontier frontier;
  for (std::size_t i = 0; i < 5; ++i) frontier.Append(leaves[i]);
  EXPECT_EQ(frontier.hashes().size(), 2u);  // 5 = 4 + 1
  MerkleFrontier restored = MerkleFrontier::FromHashes(5, frontier.hashes()).value();
  for (std::size_t i = 5; i < 8; ++i) restored.Append(leaves[i]);
  EXPECT_EQ(restored.Root(), Root(8));
  EXPECT_EQ(restored.hashes().size(), 1u);
  EXPECT_FALSE(MerkleFrontier::FromHashes(7, frontier.hashes()));
  EXPECT_FALSE(MerkleFrontier::FromHashes(0, frontier.hashes()));
}

// Random leaves, deterministic seed. The frontier's root after every append is checked against
// the reference RootOf at every size up to 512 and at sampled sizes beyond; reference proofs
// between random sizes verify against the frontier's roots.
TEST(MerkleTest, FrontierRootsAndReferenceProofsAgreeOnRandomTrees) {
  constexpr std::size_t kLeaves = 3000;
  std::mt19937_64 rng(20261124);
  std::vector<MerkleHash> leaves;
  std::vector<MerkleHash> roots = {EmptyRoot()};  // roots[n] is the root at size n
  MerkleFrontier frontier;
  for (std::size_t i = 0; i < kLeaves; ++i) {
    const std::uint64_t word = rng();
    Bytes data(reinterpret_cast<const std::uint8_t*>(&word),
               reinterpret_cast<const std::uint8_t*>(&word) + sizeof(word));
    leaves.push_back(LeafHash(data));
    frontier.Append(leaves.back());
    ASSERT_LE(frontier.hashes().size(), 64u);
    roots.push_back(frontier.Root());
  }
  for (std::size_t n = 0; n <= 512; ++n) {
    ASSERT_EQ(roots[n], RootOf(std::span(leaves).first(n))) << "size " << n;
  }
  std::uniform_int_distribution<std::uint64_t> any_size(1, kLeaves);
  for (int trial = 0; trial < 100; ++trial) {
    const std::uint64_t n = any_size(rng);
    ASSERT_EQ(roots[n], RootOf(std::span(leaves).first(n))) << "size " << n;
    const std::uint64_t index = std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng);
    const MerkleProof inclusion = InclusionProof(leaves, index, n).value();
    EXPECT_TRUE(VerifyInclusion(leaves[index], index, n, inclusion, roots[n]))
        << index << " in " << n;
    EXPECT_FALSE(VerifyInclusion(leaves[index], index, n, inclusion, roots[n - 1]))
        << index << " in " << n;
    const std::uint64_t m = std::uniform_int_distribution<std::uint64_t>(1, n)(rng);
    const MerkleProof consistency = ConsistencyProof(leaves, m, n).value();
    EXPECT_TRUE(VerifyConsistency(m, n, consistency, roots[m], roots[n])) << m << " to " << n;
    if (m < n) {
      EXPECT_FALSE(VerifyConsistency(m, n, consistency, roots[m - 1], roots[n]))
          << m << " to " << n;
    }
  }
}

}  // namespace
}  // namespace simpul::crypto
