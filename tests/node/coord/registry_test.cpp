// The coordinator registry on a real SQLite file: published versions chain and verify against the
// trust anchor, key rotation and revocation show in the published directory, and the registry
// refuses duplicates and unknown nodes or keys.
#include "node/coord/registry.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "crypto/bytes.hpp"
#include "federation/directory.hpp"
#include "federation/trust_anchor.hpp"
#include "node/store/database.hpp"
#include "tests/node/store/store_test_support.hpp"

namespace simpul::coord {
namespace {

using federation::Directory;
using federation::KeyStatus;
using federation::KeyUse;
using federation::NodeEntry;

constexpr std::int64_t kT0 = 1'760'000'000'000;
constexpr std::int64_t kMinute = 60 * 1000;

crypto::Ed25519KeyPair KeyFromByte(std::uint8_t b) {
  return crypto::Ed25519KeyPair::FromSeed(crypto::Bytes(32, b)).value();
}

federation::EnrollmentKey Listed(const crypto::Ed25519KeyPair& pair, KeyUse use) {
  return {crypto::KeyId(pair.public_key()), use, pair.public_key()};
}

class RegistryTest : public ::testing::Test {
 protected:
  RegistryTest()
      : db_(store::testing::OpenMigrated(dir_.path() / "simpul.db")),
        directory_key_(KeyFromByte(1)),
        coord_msg_(KeyFromByte(2)),
        coord_log_(KeyFromByte(3)),
        msg_(KeyFromByte(10)),
        log_(KeyFromByte(11)),
        next_(KeyFromByte(12)),
        anchor_(federation::MakeTrustAnchor("coord:panrb",
                                            "https://coord.example/federation/v1/directory",
                                            {directory_key_.public_key()})) {
    coordinator_.id = "coord:panrb";
    coordinator_.name = "KemenPAN-RB";
    coordinator_.node_class = federation::NodeClass::kCoordinator;
    coordinator_.endpoint = "https://coord.example:9443";
    coordinator_.tls_spki_sha256 = std::string(64, 'c');
    for (const auto& [key, use] :
         {std::pair{&coord_msg_, KeyUse::kMessage}, std::pair{&coord_log_, KeyUse::kLog}}) {
      coordinator_.keys.push_back(
          {crypto::KeyId(key->public_key()), use, key->public_key(), KeyStatus::kActive, 0, 0, 0});
    }
    request_.id = "kab:32.04";
    request_.name = "Pemerintah Kabupaten Bandung";
    request_.node_class = federation::NodeClass::kRegency;
    request_.jurisdiction = {{"32.04"}, {}};
    request_.endpoint = "https://bandungkab.example:9443";
    request_.tls_spki_sha256 = std::string(64, 'b');
    request_.keys = {Listed(msg_, KeyUse::kMessage), Listed(log_, KeyUse::kLog)};
    request_.created_at = kT0;
  }

  template <class T>
  Result<T> Write(const std::function<Result<T>(store::Connection&)>& job) {
    return db_->WriteSync<T>(job);
  }

  Result<PublishedDirectory> PublishAt(std::int64_t now_ms) {
    return Write<PublishedDirectory>([&](store::Connection& c) {
      return Publish(c, {coordinator_, directory_key_, now_ms, std::chrono::hours(24), {}});
    });
  }

  // Publishes at `now_ms` and verifies the new version against the anchor, chained to
  // `current_` if there is one; the result becomes current_.
  const Directory& PublishAndVerify(std::int64_t now_ms) {
    Result<PublishedDirectory> published = PublishAt(now_ms);
    EXPECT_TRUE(published) << published.error().message;
    Result<StoredDirectory> stored = Write<StoredDirectory>(&LatestDirectory);
    EXPECT_TRUE(stored) << stored.error().message;
    const Directory* previous = current_ ? &*current_ : nullptr;
    Result<Directory> verified =
        federation::VerifyDirectory(stored->bytes, anchor_, previous, now_ms + kMinute);
    EXPECT_TRUE(verified) << verified.error().message;
    EXPECT_EQ(verified->Etag(), published->etag);
    EXPECT_EQ(stored->etag, published->etag);
    current_.emplace(std::move(*verified));
    return *current_;
  }

  Result<void> Mutate(const std::function<Result<void>(store::Connection&)>& job) {
    return Write<void>(job);
  }

  simpul::testing::TempDir dir_;
  std::unique_ptr<store::Database> db_;
  crypto::Ed25519KeyPair directory_key_, coord_msg_, coord_log_, msg_, log_, next_;
  federation::TrustAnchor anchor_;
  NodeEntry coordinator_;
  federation::EnrollmentRequest request_;
  std::optional<Directory> current_;
};

TEST_F(RegistryTest, PublishedVersionsChainAndVerifyAgainstTheAnchor) {
  EXPECT_EQ(Write<StoredDirectory>(&LatestDirectory).error().code, ErrorCode::kNotFound);
  const Directory& first = PublishAndVerify(kT0);
  EXPECT_EQ(first.version(), 1);
  EXPECT_EQ(first.document().prev_hash, "");
  EXPECT_EQ(first.document().nodes.size(), 1u);
  EXPECT_FALSE(first.document().categories.empty());
  EXPECT_FALSE(first.document().holidays.empty());
  const std::string first_etag = first.Etag();
  const std::string first_bytes = first.signed_bytes();

  ASSERT_TRUE(Mutate([&](store::Connection& c) { return AddNode(c, request_, kT0 + kMinute); }));
  const Directory& second = PublishAndVerify(kT0 + 2 * kMinute);
  EXPECT_EQ(second.version(), 2);
  EXPECT_EQ(second.document().prev_hash, first_etag);
  EXPECT_EQ(second.document().expires_at, kT0 + 2 * kMinute + 24 * 60 * kMinute);
  ASSERT_NE(second.Find("kab:32.04"), nullptr);
  EXPECT_TRUE(second.KeyFor("kab:32.04", request_.keys[0].kid, KeyUse::kMessage, kT0 + kMinute));

  const Directory& third = PublishAndVerify(kT0 + 3 * kMinute);
  EXPECT_EQ(third.version(), 3);
  // A node still at version 1 cannot jump to 3 without the version between.
  Result<Directory> old = federation::ReopenDirectory(first_bytes, anchor_);
  ASSERT_TRUE(old);
  Result<StoredDirectory> latest = Write<StoredDirectory>(&LatestDirectory);
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->version, 3);
  EXPECT_FALSE(federation::VerifyDirectory(latest->bytes, anchor_, &*old, kT0 + 4 * kMinute));
}

TEST_F(RegistryTest, RotationAndRevocationShowInThePublishedDirectory) {
  const std::int64_t added = kT0, updated = kT0 + 10 * kMinute, activated = kT0 + 20 * kMinute,
                     revoked = kT0 + 30 * kMinute;
  ASSERT_TRUE(Mutate([&](store::Connection& c) { return AddNode(c, request_, added); }));
  request_.keys.push_back(Listed(next_, KeyUse::kMessage));
  request_.endpoint = "https://new.bandungkab.example:9443";
  ASSERT_TRUE(Mutate([&](store::Connection& c) { return UpdateNode(c, request_, updated); }));
  const std::string old_kid = request_.keys[0].kid, next_kid = request_.keys[2].kid;

  const Directory& with_next = PublishAndVerify(updated);
  const NodeEntry* node = with_next.Find("kab:32.04");
  ASSERT_NE(node, nullptr);
  EXPECT_EQ(node->endpoint, "https://new.bandungkab.example:9443");
  ASSERT_EQ(node->keys.size(), 3u);
  EXPECT_EQ(node->keys[0].status, KeyStatus::kActive);
  EXPECT_EQ(node->keys[2].status, KeyStatus::kNext);
  EXPECT_EQ(node->keys[2].not_before, updated);

  ASSERT_TRUE(Mutate(
      [&](store::Connection& c) { return ActivateKey(c, "kab:32.04", next_kid, activated); }));
  const Directory& rotated = PublishAndVerify(activated);
  EXPECT_EQ(rotated.Find("kab:32.04")->keys[0].status, KeyStatus::kRetired);
  EXPECT_EQ(rotated.Find("kab:32.04")->keys[2].status, KeyStatus::kActive);
  EXPECT_EQ(rotated.Find("kab:32.04")->keys[1].status, KeyStatus::kActive);  // log key untouched
  EXPECT_TRUE(rotated.KeyFor("kab:32.04", old_kid, KeyUse::kMessage, activated - 1));
  EXPECT_EQ(rotated.KeyFor("kab:32.04", old_kid, KeyUse::kMessage, activated).error().code,
            ErrorCode::kPermissionDenied);
  EXPECT_TRUE(rotated.KeyFor("kab:32.04", next_kid, KeyUse::kMessage, activated));

  ASSERT_TRUE(
      Mutate([&](store::Connection& c) { return RevokeKey(c, "kab:32.04", next_kid, revoked); }));
  const Directory& after_revoke = PublishAndVerify(revoked);
  EXPECT_EQ(after_revoke.Find("kab:32.04")->keys[2].status, KeyStatus::kRevoked);
  EXPECT_TRUE(after_revoke.KeyFor("kab:32.04", next_kid, KeyUse::kMessage, revoked - 1));
  EXPECT_EQ(after_revoke.KeyFor("kab:32.04", next_kid, KeyUse::kMessage, revoked).error().code,
            ErrorCode::kPermissionDenied);
}

TEST_F(RegistryTest, UpdateKeepsRegisteredKeyStatuses) {
  ASSERT_TRUE(Mutate([&](store::Connection& c) { return AddNode(c, request_, kT0); }));
  request_.name = "Kabupaten Bandung";
  ASSERT_TRUE(Mutate([&](store::Connection& c) { return UpdateNode(c, request_, kT0 + 1); }));
  Result<NodeEntry> entry =
      Write<NodeEntry>([](store::Connection& c) { return FindNode(c, "kab:32.04"); });
  ASSERT_TRUE(entry) << entry.error().message;
  EXPECT_EQ(entry->name, "Kabupaten Bandung");
  ASSERT_EQ(entry->keys.size(), 2u);
  for (const auto& key : entry->keys) {
    EXPECT_EQ(key.status, KeyStatus::kActive);
    EXPECT_EQ(key.not_before, kT0);
  }
}

TEST_F(RegistryTest, RefusesDuplicatesAndUnknownNodesOrKeys) {
  const auto code = [&](const std::function<Result<void>(store::Connection&)>& job) {
    Result<void> r = Mutate(job);
    return r ? std::optional<ErrorCode>() : r.error().code;
  };
  using C = store::Connection;
  EXPECT_EQ(code([&](C& c) { return UpdateNode(c, request_, kT0); }), ErrorCode::kNotFound);
  EXPECT_EQ(code([&](C& c) { return RemoveNode(c, "kab:32.04"); }), ErrorCode::kNotFound);
  EXPECT_EQ(code([&](C& c) { return ActivateKey(c, "kab:32.04", "00", kT0); }),
            ErrorCode::kNotFound);
  ASSERT_EQ(code([&](C& c) { return AddNode(c, request_, kT0); }), std::nullopt);
  EXPECT_EQ(code([&](C& c) { return AddNode(c, request_, kT0); }), ErrorCode::kConflict);
  EXPECT_EQ(code([&](C& c) { return ActivateKey(c, "kab:32.04", "0011223344556677", kT0); }),
            ErrorCode::kNotFound);
  const std::string kid = request_.keys[0].kid;
  EXPECT_EQ(code([&](C& c) { return ActivateKey(c, "kab:32.04", kid, kT0 + 1); }),
            ErrorCode::kConflict);  // already active
  EXPECT_EQ(code([&](C& c) { return RevokeKey(c, "kab:32.04", kid, kT0 + 1); }), std::nullopt);
  EXPECT_EQ(code([&](C& c) { return RevokeKey(c, "kab:32.04", kid, kT0 + 2); }),
            ErrorCode::kConflict);
  EXPECT_EQ(code([&](C& c) { return RemoveNode(c, "kab:32.04"); }), std::nullopt);
  Result<std::vector<NodeEntry>> nodes = Write<std::vector<NodeEntry>>(&ListNodes);
  ASSERT_TRUE(nodes);
  EXPECT_TRUE(nodes->empty());
}

TEST_F(RegistryTest, ChangeThatBreaksTheDirectoryIsNotStored) {
  request_.parent = "prov:32";  // not registered, so no directory can hold this node
  Result<PublishedDirectory> published =
      Write<PublishedDirectory>([&](store::Connection& c) -> Result<PublishedDirectory> {
        if (Result<void> added = AddNode(c, request_, kT0); !added) {
          return tl::unexpected(added.error());
        }
        return Publish(c, {coordinator_, directory_key_, kT0, std::chrono::hours(24), {}});
      });
  ASSERT_FALSE(published);
  EXPECT_NE(published.error().message.find("parent"), std::string::npos)
      << published.error().message;
  EXPECT_TRUE(Write<std::vector<NodeEntry>>(&ListNodes)->empty());
  EXPECT_EQ(Write<StoredDirectory>(&LatestDirectory).error().code, ErrorCode::kNotFound);
}

TEST_F(RegistryTest, RemovedNodeLeavesTheNextVersion) {
  ASSERT_TRUE(Mutate([&](store::Connection& c) { return AddNode(c, request_, kT0); }));
  ASSERT_NE(PublishAndVerify(kT0).Find("kab:32.04"), nullptr);
  ASSERT_TRUE(Mutate([&](store::Connection& c) { return RemoveNode(c, "kab:32.04"); }));
  EXPECT_EQ(PublishAndVerify(kT0 + kMinute).Find("kab:32.04"), nullptr);
}

}  // namespace
}  // namespace simpul::coord
