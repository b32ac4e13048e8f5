// Fuzzes the RFC 9162 proof verifiers (crypto/merkle.hpp) with tree sizes, indexes, hashes and
// proofs taken from the input. Input: u16 leaf count, u16 and u16 selectors, u64 index and u64
// size used raw, then 32-byte hashes (the first may stand in for a leaf or a root).
//
// Invariants over a tree of distinct leaves built here: the reference proof verifies; a proof
// from the input verifies only if it is the reference proof; the reference proof does not verify
// another leaf, another index or another root. With raw 64-bit sizes and indexes the verifiers
// and the frontier only have to refuse cleanly.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "crypto/bytes.hpp"
#include "crypto/merkle.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

namespace crypto = simpul::crypto;
using crypto::MerkleHash;
using simpul::fuzz::Require;

// Takes fixed-size fields from the front of the input; zeros once it runs out.
class InputReader {
 public:
  InputReader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  std::uint64_t Take(std::size_t bytes) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < bytes; ++i) {
      value = (value << 8) | (pos_ < size_ ? data_[pos_++] : 0);
    }
    return value;
  }

  // The rest of the input as whole 32-byte hashes.
  std::vector<MerkleHash> Hashes() {
    std::vector<MerkleHash> out;
    while (size_ - pos_ >= 32) {
      MerkleHash h;
      std::memcpy(h.data(), data_ + pos_, 32);
      out.push_back(h);
      pos_ += 32;
    }
    return out;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

constexpr std::uint64_t kMaxLeaves = 300;

std::vector<MerkleHash> DistinctLeaves(std::uint64_t n) {
  std::vector<MerkleHash> leaves;
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::string data = "leaf " + std::to_string(i);
    leaves.push_back(crypto::LeafHash(crypto::AsBytes(data)));
  }
  return leaves;
}

MerkleHash RootOfPrefix(const std::vector<MerkleHash>& leaves, std::uint64_t size) {
  return crypto::RootOf(std::span(leaves).first(size));
}

bool SameProof(std::span<const MerkleHash> a, std::span<const MerkleHash> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

void CheckInclusion(const std::vector<MerkleHash>& leaves, std::uint64_t a, std::uint64_t b,
                    const std::vector<MerkleHash>& input) {
  const std::uint64_t size = 1 + b % leaves.size();
  const std::uint64_t index = a % size;
  const MerkleHash root = RootOfPrefix(leaves, size);
  const auto proof = crypto::InclusionProof(leaves, index, size);
  Require(proof.has_value(), "no reference inclusion proof");
  Require(crypto::VerifyInclusion(leaves[index], index, size, *proof, root).has_value(),
          "the reference inclusion proof does not verify");
  if (crypto::VerifyInclusion(leaves[index], index, size, input, root)) {
    Require(SameProof(input, *proof), "accepted an inclusion proof that is not the tree's");
  }
  if (input.empty()) return;
  const MerkleHash& other = input.front();
  if (other != leaves[index]) {
    Require(!crypto::VerifyInclusion(other, index, size, *proof, root),
            "the inclusion proof verifies another leaf");
  }
  if (other != root) {
    Require(!crypto::VerifyInclusion(leaves[index], index, size, *proof, other),
            "the inclusion proof verifies against another root");
  }
  const std::uint64_t other_index = (index + 1 + other[0]) % size;
  if (other_index != index) {
    Require(!crypto::VerifyInclusion(leaves[index], other_index, size, *proof, root),
            "the inclusion proof verifies at another index");
  }
}

void CheckConsistency(const std::vector<MerkleHash>& leaves, std::uint64_t a, std::uint64_t b,
                      const std::vector<MerkleHash>& input) {
  const std::uint64_t n = leaves.size();
  const std::uint64_t size1 = a % (n + 1);
  const std::uint64_t size2 = size1 + b % (n + 1 - size1);
  const MerkleHash root1 = RootOfPrefix(leaves, size1);
  const MerkleHash root2 = RootOfPrefix(leaves, size2);
  const auto proof = crypto::ConsistencyProof(leaves, size1, size2);
  Require(proof.has_value(), "no reference consistency proof");
  Require(crypto::VerifyConsistency(size1, size2, *proof, root1, root2).has_value(),
          "the reference consistency proof does not verify");
  if (crypto::VerifyConsistency(size1, size2, input, root1, root2)) {
    Require(SameProof(input, *proof), "accepted a consistency proof that is not the tree's");
  }
  if (input.empty()) return;
  const MerkleHash& other = input.front();
  if (other != root1) {
    Require(!crypto::VerifyConsistency(size1, size2, *proof, other, root2),
            "the consistency proof verifies another old root");
  }
  if (other != root2 && size1 > 0) {
    Require(!crypto::VerifyConsistency(size1, size2, *proof, root1, other),
            "the consistency proof verifies another new root");
  }
}

// Sizes and indexes straight from the input: anything may be refused, nothing may crash.
void CheckRaw(std::uint64_t index, std::uint64_t size, const std::vector<MerkleHash>& input) {
  const MerkleHash root = input.empty() ? crypto::EmptyRoot() : input.back();
  const MerkleHash leaf = input.empty() ? crypto::EmptyRoot() : input.front();
  (void)crypto::VerifyInclusion(leaf, index, size, input, root);
  (void)crypto::VerifyConsistency(index, size, input, leaf, root);
  auto frontier = crypto::MerkleFrontier::FromHashes(size, input);
  if (frontier) {
    Require(frontier->size() == size, "frontier size changed");
    (void)frontier->Root();
    if (size < UINT64_MAX) frontier->Append(leaf);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  InputReader in(data, size);
  const std::uint64_t n = 1 + in.Take(2) % kMaxLeaves;
  const std::uint64_t a = in.Take(2);
  const std::uint64_t b = in.Take(2);
  const std::uint64_t raw_index = in.Take(8);
  const std::uint64_t raw_size = in.Take(8);
  const std::vector<MerkleHash> input = in.Hashes();
  const std::vector<MerkleHash> leaves = DistinctLeaves(n);
  CheckInclusion(leaves, a, b, input);
  CheckConsistency(leaves, a, b, input);
  CheckRaw(raw_index, raw_size, input);
  return 0;
}
