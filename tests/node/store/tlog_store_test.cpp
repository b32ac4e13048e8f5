#include "node/store/tlog_store.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/node/store/store_test_support.hpp"

namespace simpul::store {
namespace {

using testing::OpenMigrated;
using testing::TempDir;

std::string LeafData(int i) { return R"({"kind":"event","n":)" + std::to_string(i) + "}"; }

class TlogStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { db_ = OpenMigrated(dir_.path() / "node.db"); }

  void AppendLeaves(int from, int to) {
    auto r = db_->WriteSync<bool>([&](Connection& c) -> Result<bool> {
      for (int i = from; i < to; ++i) {
        auto index = TlogStore::Append(c, "event", "KAB-" + std::to_string(i), LeafData(i));
        if (!index) return tl::unexpected(index.error());
        EXPECT_EQ(*index, i);
        reference_.push_back(crypto::LeafHash(crypto::AsBytes(LeafData(i))));
      }
      return true;
    });
    ASSERT_TRUE(r) << r.error().message;
  }

  template <class F>
  auto Read(F f) {
    using T = typename std::invoke_result_t<F, Connection&>::value_type;
    return db_->ReadSync<T>(f);
  }

  TempDir dir_;
  std::unique_ptr<Database> db_;
  std::vector<crypto::MerkleHash> reference_;
};

TEST_F(TlogStoreTest, RootsAndProofsFromTheCacheEqualTheReference) {
  AppendLeaves(0, 37);
  for (std::int64_t size : {1, 2, 5, 16, 31, 37}) {
    auto root = Read([&](Connection& c) { return TlogStore::Root(c, size); });
    ASSERT_TRUE(root) << root.error().message;
    const std::span<const crypto::MerkleHash> leaves(reference_.data(), size);
    EXPECT_EQ(*root, crypto::RootOf(leaves));
    for (std::int64_t i = 0; i < size; ++i) {
      auto proof = Read([&](Connection& c) { return TlogStore::InclusionProof(c, i, size); });
      ASSERT_TRUE(proof);
      EXPECT_TRUE(crypto::VerifyInclusion(reference_[i], i, size, *proof, *root));
    }
    for (std::int64_t old : {0, 1, 3, 8}) {
      if (old > size) continue;
      auto proof = Read([&](Connection& c) { return TlogStore::ConsistencyProof(c, old, size); });
      ASSERT_TRUE(proof);
      EXPECT_EQ(*proof, crypto::ConsistencyProof(leaves, old, size).value());
    }
  }
}

TEST_F(TlogStoreTest, RefusesSizesBeyondTheLog) {
  AppendLeaves(0, 4);
  auto root = Read([](Connection& c) { return TlogStore::Root(c, 5); });
  ASSERT_FALSE(root);
  EXPECT_EQ(root.error().code, ErrorCode::kInvalidArgument);
  auto proof = Read([](Connection& c) { return TlogStore::InclusionProof(c, 4, 4); });
  EXPECT_FALSE(proof);
}

TEST_F(TlogStoreTest, LeavesAreAppendOnly) {
  AppendLeaves(0, 2);
  auto update = db_->WriteSync<bool>([](Connection& c) -> Result<bool> {
    if (auto r = c.Exec("UPDATE tlog_leaves SET data = 'x' WHERE idx = 0"); !r) {
      return tl::unexpected(r.error());
    }
    return true;
  });
  EXPECT_FALSE(update);
  auto remove = db_->WriteSync<bool>([](Connection& c) -> Result<bool> {
    if (auto r = c.Exec("DELETE FROM tlog_leaves WHERE idx = 1"); !r) {
      return tl::unexpected(r.error());
    }
    return true;
  });
  EXPECT_FALSE(remove);
}

TEST_F(TlogStoreTest, VerifySubtreeCacheRepairsALostOrAlteredCache) {
  AppendLeaves(0, 21);
  const auto root = crypto::RootOf(reference_);
  auto clean =
      db_->WriteSync<std::int64_t>([](Connection& c) { return TlogStore::VerifySubtreeCache(c); });
  ASSERT_TRUE(clean);
  EXPECT_EQ(*clean, 0);
  auto damage = db_->WriteSync<bool>([](Connection& c) -> Result<bool> {
    auto r = c.Exec(
        "DELETE FROM tlog_nodes WHERE level = 2; UPDATE tlog_nodes SET hash = zeroblob(32) "
        "WHERE level = 4");
    if (!r) return tl::unexpected(r.error());
    return true;
  });
  ASSERT_TRUE(damage);
  auto damaged = Read([](Connection& c) { return TlogStore::Root(c, 21); });
  EXPECT_TRUE(!damaged || *damaged != root);
  auto repaired =
      db_->WriteSync<std::int64_t>([](Connection& c) { return TlogStore::VerifySubtreeCache(c); });
  ASSERT_TRUE(repaired) << repaired.error().message;
  EXPECT_EQ(*repaired, 5 + 1);  // five level-2 nodes and the one level-4 node
  EXPECT_EQ(Read([](Connection& c) { return TlogStore::Root(c, 21); }).value(), root);
}

TEST_F(TlogStoreTest, AlteredLeafDataChangesTheRootOnceTheCacheIsRebuilt) {
  AppendLeaves(0, 8);
  const auto root = crypto::RootOf(reference_);
  auto tamper = db_->WriteSync<std::int64_t>([](Connection& c) -> Result<std::int64_t> {
    auto r = c.Exec(
        "DROP TRIGGER tlog_leaves_no_update; UPDATE tlog_leaves SET data = '{}' WHERE idx = 3");
    if (!r) return tl::unexpected(r.error());
    return TlogStore::VerifySubtreeCache(c);
  });
  ASSERT_TRUE(tamper) << tamper.error().message;
  EXPECT_EQ(*tamper, 3);  // the path from leaf 3 to the root
  EXPECT_NE(Read([](Connection& c) { return TlogStore::Root(c, 8); }).value(), root);
}

TEST_F(TlogStoreTest, AGapInTheLeavesIsReported) {
  AppendLeaves(0, 6);
  auto result = db_->WriteSync<std::int64_t>([](Connection& c) -> Result<std::int64_t> {
    auto r = c.Exec("DROP TRIGGER tlog_leaves_no_delete; DELETE FROM tlog_leaves WHERE idx = 2");
    if (!r) return tl::unexpected(r.error());
    return TlogStore::VerifySubtreeCache(c);
  });
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("leaf 2 is missing"), std::string::npos);
}

TEST_F(TlogStoreTest, CheckpointsTrackWitnessing) {
  AppendLeaves(0, 10);
  auto r = db_->WriteSync<bool>([](Connection& c) -> Result<bool> {
    for (std::int64_t size : {4, 7, 10}) {
      CheckpointRow row;
      row.size = size;
      row.note = "note " + std::to_string(size);
      row.created_at = size;
      if (auto w = TlogStore::InsertCheckpoint(c, row); !w) return tl::unexpected(w.error());
    }
    if (auto w = TlogStore::SetCosigned(c, 7, "note 7 + cosig", 99); !w) {
      return tl::unexpected(w.error());
    }
    return true;
  });
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(Read([](Connection& c) { return TlogStore::LatestCheckpoint(c); }).value()->size, 10);
  auto witnessed = Read([](Connection& c) { return TlogStore::LatestWitnessed(c); }).value();
  ASSERT_TRUE(witnessed);
  EXPECT_EQ(witnessed->size, 7);
  EXPECT_EQ(witnessed->cosigned_note, "note 7 + cosig");
  EXPECT_EQ(Read([](Connection& c) { return TlogStore::WitnessedCovering(c, 5); }).value()->size,
            7);
  EXPECT_FALSE(Read([](Connection& c) { return TlogStore::WitnessedCovering(c, 8); }).value());
  auto missing = db_->WriteSync<bool>([](Connection& c) -> Result<bool> {
    if (auto w = TlogStore::SetCosigned(c, 5, "x", 1); !w) return tl::unexpected(w.error());
    return true;
  });
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace simpul::store
