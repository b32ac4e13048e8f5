#include "node/store/tlog_store.hpp"

#include <algorithm>
#include <string>

#include "crypto/merkle_subtrees.hpp"

namespace simpul::store {
namespace {

crypto::MerkleHash HashOf(const std::vector<std::uint8_t>& blob) {
  crypto::MerkleHash h{};
  if (blob.size() == h.size()) std::copy(blob.begin(), blob.end(), h.begin());
  return h;
}

// The cached hash of complete subtree (level, index); a leaf hash at level 0.
Result<crypto::MerkleHash> ReadNode(Connection& c, unsigned level, std::uint64_t index) {
  auto s = level == 0 ? c.Prepare("SELECT data FROM tlog_leaves WHERE idx = ?")
                      : c.Prepare("SELECT hash FROM tlog_nodes WHERE level = ? AND idx = ?");
  if (!s) return tl::unexpected(s.error());
  if (level == 0) {
    s->Bind(1, static_cast<std::int64_t>(index));
  } else {
    s->BindAll(static_cast<std::int64_t>(level), static_cast<std::int64_t>(index));
  }
  auto row = s->Step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) {
    return Fail(ErrorCode::kInternal, "transparency log subtree (" + std::to_string(level) + ", " +
                                          std::to_string(index) +
                                          ") is missing; run `simpulctl check` to rebuild it");
  }
  if (level == 0) return crypto::LeafHash(crypto::AsBytes(s->Text(0)));
  return HashOf(s->Blob(0));
}

crypto::SubtreeReader ReaderOn(Connection& c) {
  return [&c](unsigned level, std::uint64_t index) { return ReadNode(c, level, index); };
}

Result<void> CheckSize(Connection& c, std::int64_t size, std::string_view what) {
  auto total = TlogStore::Size(c);
  if (!total) return tl::unexpected(total.error());
  if (size < 0 || size > *total) {
    return Fail(ErrorCode::kInvalidArgument, std::string(what) + " " + std::to_string(size) +
                                                 " is outside the log of " +
                                                 std::to_string(*total) + " leaves");
  }
  return {};
}

Result<void> PutNode(Connection& c, unsigned level, std::int64_t index,
                     const crypto::MerkleHash& hash) {
  auto s = c.Prepare("INSERT OR REPLACE INTO tlog_nodes (level, idx, hash) VALUES (?, ?, ?)");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(static_cast<std::int64_t>(level), index, std::span<const std::uint8_t>(hash));
  return s->Run();
}

LeafRow ReadLeaf(const Statement& s) {
  LeafRow r;
  r.index = s.Int(0);
  r.kind = s.Text(1);
  r.ref = s.Text(2);
  r.data = s.Text(3);
  r.hash = crypto::LeafHash(crypto::AsBytes(r.data));
  return r;
}

CheckpointRow ReadCheckpoint(const Statement& s) {
  CheckpointRow r;
  r.size = s.Int(0);
  r.root = HashOf(s.Blob(1));
  r.note = s.Text(2);
  r.created_at = s.Int(3);
  if (!s.IsNull(4)) r.cosigned_note = s.Text(4);
  r.witnessed_at = s.OptionalInt(5);
  return r;
}

template <class Row, class Reader>
Result<std::optional<Row>> First(Statement& s, Reader read) {
  auto row = s.Step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return std::optional<Row>();
  return std::optional<Row>(read(s));
}

constexpr std::string_view kCheckpointColumns =
    "size, root, note, created_at, cosigned_note, witnessed_at";

Result<std::optional<CheckpointRow>> OneCheckpoint(Connection& c, std::string_view where,
                                                   std::optional<std::int64_t> arg) {
  auto s = c.Prepare("SELECT " + std::string(kCheckpointColumns) + " FROM tlog_checkpoints " +
                     std::string(where));
  if (!s) return tl::unexpected(s.error());
  if (arg) s->Bind(1, *arg);
  return First<CheckpointRow>(*s, ReadCheckpoint);
}

}  // namespace

Result<std::int64_t> TlogStore::Size(Connection& c) {
  auto s = c.Prepare("SELECT coalesce(max(idx) + 1, 0) FROM tlog_leaves");
  if (!s) return tl::unexpected(s.error());
  auto row = s->Step();
  if (!row) return tl::unexpected(row.error());
  return s->Int(0);
}

Result<std::int64_t> TlogStore::Append(Connection& c, std::string_view kind, std::string_view ref,
                                       std::string_view data) {
  auto index = Size(c);
  if (!index) return index;
  const crypto::MerkleHash leaf = crypto::LeafHash(crypto::AsBytes(data));
  auto s = c.Prepare("INSERT INTO tlog_leaves (idx, kind, ref, data) VALUES (?, ?, ?, ?)");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(*index, kind, ref, std::span<const std::uint8_t>(crypto::AsBytes(data)));
  if (auto r = s->Run(); !r) return tl::unexpected(r.error());
  // Each completed pair of siblings yields its parent: amortised one read and one write.
  crypto::MerkleHash hash = leaf;
  std::uint64_t position = static_cast<std::uint64_t>(*index);
  for (unsigned level = 0; (position & 1) == 1; ++level, position >>= 1) {
    auto left = ReadNode(c, level, position - 1);
    if (!left) return tl::unexpected(left.error());
    hash = crypto::NodeHash(*left, hash);
    if (auto r = PutNode(c, level + 1, static_cast<std::int64_t>(position >> 1), hash); !r) {
      return tl::unexpected(r.error());
    }
  }
  return index;
}

Result<crypto::MerkleHash> TlogStore::Root(Connection& c, std::int64_t size) {
  if (auto r = CheckSize(c, size, "tree size"); !r) return tl::unexpected(r.error());
  return crypto::RootFrom(ReaderOn(c), static_cast<std::uint64_t>(size));
}

Result<crypto::MerkleProof> TlogStore::InclusionProof(Connection& c, std::int64_t index,
                                                      std::int64_t size) {
  if (auto r = CheckSize(c, size, "tree size"); !r) return tl::unexpected(r.error());
  if (index < 0) return Fail(ErrorCode::kInvalidArgument, "leaf index must not be negative");
  return crypto::InclusionProofFrom(ReaderOn(c), static_cast<std::uint64_t>(index),
                                    static_cast<std::uint64_t>(size));
}

Result<crypto::MerkleProof> TlogStore::ConsistencyProof(Connection& c, std::int64_t size1,
                                                        std::int64_t size2) {
  if (auto r = CheckSize(c, size2, "tree size"); !r) return tl::unexpected(r.error());
  if (size1 < 0) return Fail(ErrorCode::kInvalidArgument, "old size must not be negative");
  return crypto::ConsistencyProofFrom(ReaderOn(c), static_cast<std::uint64_t>(size1),
                                      static_cast<std::uint64_t>(size2));
}

Result<std::optional<LeafRow>> TlogStore::Leaf(Connection& c, std::int64_t index) {
  auto s = c.Prepare("SELECT idx, kind, ref, data FROM tlog_leaves WHERE idx = ?");
  if (!s) return tl::unexpected(s.error());
  s->Bind(1, index);
  return First<LeafRow>(*s, ReadLeaf);
}

Result<std::vector<LeafRow>> TlogStore::Leaves(Connection& c, std::int64_t from, int limit) {
  auto s =
      c.Prepare("SELECT idx, kind, ref, data FROM tlog_leaves WHERE idx >= ? ORDER BY idx LIMIT ?");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(from, limit);
  std::vector<LeafRow> out;
  for (;;) {
    auto row = s->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return out;
    out.push_back(ReadLeaf(*s));
  }
}

Result<std::vector<LeafRow>> TlogStore::LeavesOfKind(Connection& c, std::string_view kind,
                                                     std::int64_t after, int limit) {
  auto s = c.Prepare(
      "SELECT idx, kind, ref, data FROM tlog_leaves WHERE kind = ? AND idx > ? ORDER BY idx "
      "LIMIT ?");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(kind, after, limit);
  return CollectRows<LeafRow>(*s, ReadLeaf);
}

Result<std::vector<LeafRow>> TlogStore::LeavesAbout(Connection& c, std::string_view kind,
                                                    std::string_view ref) {
  auto s = c.Prepare(
      "SELECT idx, kind, ref, data FROM tlog_leaves WHERE ref = ? AND kind = ? ORDER BY idx");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(ref, kind);
  return CollectRows<LeafRow>(*s, ReadLeaf);
}

Result<std::optional<LeafRow>> TlogStore::FindLeaf(Connection& c, std::string_view kind,
                                                   std::string_view ref) {
  auto s = c.Prepare(
      "SELECT idx, kind, ref, data FROM tlog_leaves WHERE ref = ? AND kind = ? "
      "ORDER BY idx LIMIT 1");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(ref, kind);
  return First<LeafRow>(*s, ReadLeaf);
}

Result<std::int64_t> TlogStore::VerifySubtreeCache(Connection& c, bool repair) {
  // One pass over the leaves in order; every parent a leaf completes is recomputed from its
  // (already checked) left sibling and compared with its cached row.
  std::int64_t rewritten = 0;
  std::int64_t next = 0;
  for (;;) {
    auto batch = Leaves(c, next, 4096);
    if (!batch) return tl::unexpected(batch.error());
    if (batch->empty()) return rewritten;
    for (const LeafRow& leaf : *batch) {
      if (leaf.index != next) {
        return Fail(ErrorCode::kInternal, "transparency log leaf " + std::to_string(next) +
                                              " is missing: the log was altered");
      }
      crypto::MerkleHash hash = leaf.hash;
      std::uint64_t position = static_cast<std::uint64_t>(next);
      for (unsigned level = 0; (position & 1) == 1; ++level, position >>= 1) {
        auto left = ReadNode(c, level, position - 1);
        if (!left) return tl::unexpected(left.error());
        hash = crypto::NodeHash(*left, hash);
        auto cached = ReadNode(c, level + 1, position >> 1);
        if (cached && *cached == hash) continue;
        ++rewritten;
        if (!repair) continue;
        if (auto r = PutNode(c, level + 1, static_cast<std::int64_t>(position >> 1), hash); !r) {
          return tl::unexpected(r.error());
        }
      }
      ++next;
    }
  }
}

Result<void> TlogStore::InsertCheckpoint(Connection& c, const CheckpointRow& row) {
  auto s =
      c.Prepare("INSERT INTO tlog_checkpoints (size, root, note, created_at) VALUES (?, ?, ?, ?)");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(row.size, std::span<const std::uint8_t>(row.root), row.note, row.created_at);
  return s->Run();
}

Result<std::optional<CheckpointRow>> TlogStore::LatestCheckpoint(Connection& c) {
  return OneCheckpoint(c, "ORDER BY size DESC LIMIT 1", std::nullopt);
}

Result<std::optional<CheckpointRow>> TlogStore::LatestWitnessed(Connection& c) {
  return OneCheckpoint(c, "WHERE witnessed_at IS NOT NULL ORDER BY size DESC LIMIT 1",
                       std::nullopt);
}

Result<std::optional<CheckpointRow>> TlogStore::WitnessedCovering(Connection& c,
                                                                  std::int64_t size) {
  return OneCheckpoint(c, "WHERE witnessed_at IS NOT NULL AND size >= ? ORDER BY size LIMIT 1",
                       size);
}

Result<void> TlogStore::SetCosigned(Connection& c, std::int64_t size,
                                    std::string_view cosigned_note, std::int64_t at) {
  auto s =
      c.Prepare("UPDATE tlog_checkpoints SET cosigned_note = ?, witnessed_at = ? WHERE size = ?");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(cosigned_note, at, size);
  if (auto r = s->Run(); !r) return r;
  if (c.Changes() == 0) {
    return Fail(ErrorCode::kNotFound, "no checkpoint of size " + std::to_string(size));
  }
  return {};
}

}  // namespace simpul::store
