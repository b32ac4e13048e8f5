#pragma once
// SQL for the node's transparency log (schema 3, DESIGN §4): append-only leaves, the cached
// complete-subtree hashes that keep roots and proofs at O(log n) reads, and signed checkpoints.
//
//   auto index = TlogStore::Append(c, "intake", tracking_id, leaf_json);   // in the event's txn
//   auto proof = TlogStore::InclusionProof(c, *index, checkpoint.size);
//
// Stateless: every function works on the Connection it is given. Append runs on the writer
// thread inside the transaction of the event it records, so the event and its leaf commit
// together; reads run anywhere. Leaf data is canonical JSON holding hashes and ids only.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/merkle.hpp"
#include "node/store/connection.hpp"

namespace simpul::store {

struct LeafRow {
  std::int64_t index = 0;
  std::string kind;           // intake, event, sent, received, receipt, delivered, directory
  std::string ref;            // tracking id, msg id or directory version the leaf is about
  std::string data;           // the leaf bytes: canonical JSON
  crypto::MerkleHash hash{};  // LeafHash(data)
};

struct CheckpointRow {
  std::int64_t size = 0;
  crypto::MerkleHash root{};
  std::string note;  // the signed checkpoint note
  std::int64_t created_at = 0;
  std::string cosigned_note;  // note plus witness cosignature lines; "" until witnessed
  std::optional<std::int64_t> witnessed_at;
};

class TlogStore {
 public:
  // Appends a leaf and updates the subtree cache; returns its index. Writer only.
  static Result<std::int64_t> Append(Connection& c, std::string_view kind, std::string_view ref,
                                     std::string_view data);
  // The index the next appended leaf gets (writer only: one writer makes this exact).
  static Result<std::int64_t> Size(Connection& c);
  // MTH of the first `size` leaves. Fails kInvalidArgument if size exceeds the log.
  static Result<crypto::MerkleHash> Root(Connection& c, std::int64_t size);
  // Fails kInvalidArgument unless 0 <= index < size <= Size().
  static Result<crypto::MerkleProof> InclusionProof(Connection& c, std::int64_t index,
                                                    std::int64_t size);
  // Fails kInvalidArgument unless 0 <= size1 <= size2 <= Size().
  static Result<crypto::MerkleProof> ConsistencyProof(Connection& c, std::int64_t size1,
                                                      std::int64_t size2);
  static Result<std::optional<LeafRow>> Leaf(Connection& c, std::int64_t index);
  // Leaves with index >= `from`, in order, at most `limit`.
  static Result<std::vector<LeafRow>> Leaves(Connection& c, std::int64_t from, int limit);
  // Leaves of `kind` with index > `after`, in index order, at most `limit`.
  static Result<std::vector<LeafRow>> LeavesOfKind(Connection& c, std::string_view kind,
                                                   std::int64_t after, int limit);
  // Every leaf of `kind` about `ref` (a tracking id, msg id, ...), in index order.
  static Result<std::vector<LeafRow>> LeavesAbout(Connection& c, std::string_view kind,
                                                  std::string_view ref);
  // The leaf of `kind` about `ref`, the first if several.
  static Result<std::optional<LeafRow>> FindLeaf(Connection& c, std::string_view kind,
                                                 std::string_view ref);

  // Checks the subtree cache against the leaves and returns how many entries differ or are
  // missing; with `repair`, rewrites them (writer only). Reads every leaf: O(n), about 10 s per
  // million leaves on a 2-core machine, so run it first without `repair` on a reader. Fails
  // kInternal, naming the index, if a leaf is missing (a gap in the log).
  static Result<std::int64_t> VerifySubtreeCache(Connection& c, bool repair = true);

  // Fails kConflict if a checkpoint of that size exists.
  static Result<void> InsertCheckpoint(Connection& c, const CheckpointRow& row);
  static Result<std::optional<CheckpointRow>> LatestCheckpoint(Connection& c);
  // The largest checkpoint a witness cosigned.
  static Result<std::optional<CheckpointRow>> LatestWitnessed(Connection& c);
  // The smallest witnessed checkpoint of at least `size` leaves (the one a proof for a leaf below
  // `size` is best given under).
  static Result<std::optional<CheckpointRow>> WitnessedCovering(Connection& c, std::int64_t size);
  static Result<void> SetCosigned(Connection& c, std::int64_t size, std::string_view cosigned_note,
                                  std::int64_t at);
};

}  // namespace simpul::store
