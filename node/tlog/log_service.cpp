#include "node/tlog/log_service.hpp"

#include <optional>

#include "crypto/tlog_proof.hpp"
#include "node/store/federation_store.hpp"
#include "node/store/log_leaves.hpp"

namespace simpul::tlog {

namespace net = boost::asio;
using store::CheckpointRow;
using store::Connection;
using store::TlogStore;

namespace {

// The smallest checkpoint with more than `index` leaves that the policy allows.
Result<std::optional<CheckpointRow>> CoveringCheckpoint(Connection& c, std::int64_t index,
                                                        bool witnessed_only) {
  if (witnessed_only) return TlogStore::WitnessedCovering(c, index + 1);
  auto latest = TlogStore::LatestCheckpoint(c);
  if (!latest || !*latest || (*latest)->size > index) return latest;
  return std::optional<CheckpointRow>();
}

Result<ReceiptProof> Prove(Connection& c, const std::string& tracking_id, bool witnessed_only) {
  auto leaf = TlogStore::FindLeaf(c, store::leaves::kIntake, tracking_id);
  if (!leaf) return tl::unexpected(leaf.error());
  if (!*leaf) return Fail(ErrorCode::kNotFound, "no complaint with tracking id " + tracking_id);
  auto checkpoint = CoveringCheckpoint(c, (*leaf)->index, witnessed_only);
  if (!checkpoint) return tl::unexpected(checkpoint.error());
  if (!*checkpoint) {
    return Fail(ErrorCode::kUnavailable, std::string("the complaint is logged but no ") +
                                             (witnessed_only ? "witnessed " : "") +
                                             "checkpoint covers it yet; try again in a minute");
  }
  auto inclusion = TlogStore::InclusionProof(c, (*leaf)->index, (*checkpoint)->size);
  if (!inclusion) return tl::unexpected(inclusion.error());
  crypto::TlogProof proof;
  proof.index = static_cast<std::uint64_t>((*leaf)->index);
  proof.inclusion = std::move(*inclusion);
  const bool witnessed = (*checkpoint)->witnessed_at.has_value();
  proof.checkpoint_note = witnessed ? (*checkpoint)->cosigned_note : (*checkpoint)->note;
  auto text = crypto::FormatTlogProof(proof);
  if (!text) return tl::unexpected(text.error());
  auto directory = store::FederationStore::LatestDirectory(c);
  if (!directory) return tl::unexpected(directory.error());
  return ReceiptProof{tracking_id,   (*leaf)->index,
                      (*leaf)->data, std::move(*text),
                      witnessed,     *directory ? (*directory)->bytes : std::string()};
}

}  // namespace

net::awaitable<Result<std::string>> LogService::Checkpoint(bool witnessed) {
  auto row = co_await db_.Read<std::optional<CheckpointRow>>([witnessed](Connection& c) {
    return witnessed ? TlogStore::LatestWitnessed(c) : TlogStore::LatestCheckpoint(c);
  });
  if (!row) co_return tl::unexpected(row.error());
  if (!*row) {
    co_return Fail(ErrorCode::kNotFound, witnessed ? "no checkpoint has been witnessed yet"
                                                   : "no checkpoint has been signed yet");
  }
  co_return (*row)->witnessed_at ? (*row)->cosigned_note : (*row)->note;
}

net::awaitable<Result<crypto::MerkleProof>> LogService::Inclusion(std::int64_t index,
                                                                  std::int64_t size) {
  co_return co_await db_.Read<crypto::MerkleProof>(
      [index, size](Connection& c) { return TlogStore::InclusionProof(c, index, size); });
}

net::awaitable<Result<crypto::MerkleProof>> LogService::Consistency(std::int64_t size1,
                                                                    std::int64_t size2) {
  co_return co_await db_.Read<crypto::MerkleProof>(
      [size1, size2](Connection& c) { return TlogStore::ConsistencyProof(c, size1, size2); });
}

net::awaitable<Result<std::vector<store::LeafRow>>> LogService::Leaves(std::int64_t from,
                                                                       int limit) {
  co_return co_await db_.Read<std::vector<store::LeafRow>>(
      [from, limit](Connection& c) { return TlogStore::Leaves(c, from, limit); });
}

net::awaitable<Result<ReceiptProof>> LogService::ProveIntake(std::string tracking_id) {
  const bool witnessed_only = witnessed_only_;
  co_return co_await db_.Read<ReceiptProof>([&tracking_id, witnessed_only](Connection& c) {
    return Prove(c, tracking_id, witnessed_only);
  });
}

}  // namespace simpul::tlog
