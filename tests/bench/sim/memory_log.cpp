#include "tests/bench/sim/memory_log.hpp"

#include <string>

#include "crypto/merkle_subtrees.hpp"

namespace simpul::bench::sim {

void MemoryLog::Append(const crypto::MerkleHash& leaf_hash) {
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(leaf_hash);
  // A subtree at level l + 1 closes whenever level l reaches an even count.
  for (std::size_t level = 0; levels_[level].size() % 2 == 0; ++level) {
    if (level + 1 == levels_.size()) levels_.emplace_back();
    const auto& below = levels_[level];
    levels_[level + 1].push_back(
        crypto::NodeHash(below[below.size() - 2], below[below.size() - 1]));
  }
}

Result<crypto::MerkleHash> MemoryLog::Subtree(unsigned level, std::uint64_t index) const {
  if (level >= levels_.size() || index >= levels_[level].size()) {
    return Fail(ErrorCode::kInvalidArgument, "subtree (" + std::to_string(level) + ", " +
                                                 std::to_string(index) + ") is not complete");
  }
  return levels_[level][index];
}

Result<crypto::MerkleHash> MemoryLog::RootAt(std::uint64_t size) const {
  if (size > this->size()) return Fail(ErrorCode::kInvalidArgument, "size beyond the log");
  const crypto::SubtreeReader read = [this](unsigned level, std::uint64_t index) {
    return Subtree(level, index);
  };
  return crypto::RootFrom(read, size);
}

Result<crypto::MerkleProof> MemoryLog::ConsistencyProof(std::uint64_t old_size,
                                                        std::uint64_t new_size) const {
  if (new_size > size()) return Fail(ErrorCode::kInvalidArgument, "size beyond the log");
  const crypto::SubtreeReader read = [this](unsigned level, std::uint64_t index) {
    return Subtree(level, index);
  };
  return crypto::ConsistencyProofFrom(read, old_size, new_size);
}

}  // namespace simpul::bench::sim
