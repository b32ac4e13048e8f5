#pragma once
// Test helper: a small, valid directory (coordinator, West Java province, Kabupaten Bandung,
// Kota Bandung, the health ministry) with deterministic keys, and its trust anchor.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "crypto/bytes.hpp"
#include "crypto/ed25519.hpp"
#include "federation/directory.hpp"
#include "federation/directory_document.hpp"
#include "federation/trust_anchor.hpp"

namespace simpul::federation::testing {

inline constexpr std::int64_t kIssuedAt = 1'750'000'000'000;  // June 2025, Unix ms
inline constexpr std::int64_t kHour = 60 * 60 * 1000;

// The key derived from a seed of 32 bytes `b`.
inline crypto::Ed25519KeyPair KeyFromByte(std::uint8_t b) {
  return crypto::Ed25519KeyPair::FromSeed(crypto::Bytes(32, b)).value();
}

inline NodeKey MakeKey(const crypto::Ed25519KeyPair& pair, KeyUse use,
                       KeyStatus status = KeyStatus::kActive) {
  NodeKey key;
  key.kid = crypto::KeyId(pair.public_key());
  key.use = use;
  key.public_key = pair.public_key();
  key.status = status;
  return key;
}

inline NodeEntry MakeNode(std::string id, NodeClass node_class, std::string parent,
                          std::vector<std::string> regions, std::vector<std::string> categories,
                          std::uint8_t key_seed) {
  NodeEntry node;
  node.name = "Node " + id;
  node.endpoint = "https://" + id.substr(id.find(':') + 1) + ".simpul.example:8443/";
  node.id = std::move(id);
  node.node_class = node_class;
  node.parent = std::move(parent);
  node.jurisdiction = {std::move(regions), std::move(categories)};
  node.tls_spki_sha256 = std::string(64, 'a');
  node.keys.push_back(MakeKey(KeyFromByte(key_seed), KeyUse::kMessage));
  node.keys.push_back(MakeKey(KeyFromByte(key_seed + 1), KeyUse::kLog));
  return node;
}

// The coordinator's directory signing key, and one nobody trusts.
inline const crypto::Ed25519KeyPair& CoordinatorKey() {
  static const crypto::Ed25519KeyPair key = KeyFromByte(1);
  return key;
}
inline const crypto::Ed25519KeyPair& StrangerKey() {
  static const crypto::Ed25519KeyPair key = KeyFromByte(2);
  return key;
}

inline TrustAnchor SampleAnchor() {
  return MakeTrustAnchor("coord:panrb", "https://panrb.simpul.example/federation/v1/directory",
                         {CoordinatorKey().public_key()});
}

// Version 1, issued at kIssuedAt, expiring 24 h later.
inline DirectoryDocument SampleDocument() {
  DirectoryDocument doc;
  doc.version = 1;
  doc.issued_at = kIssuedAt;
  doc.expires_at = kIssuedAt + 24 * kHour;
  doc.holidays = {"2025-08-17", "2025-12-25"};
  doc.categories = {{"infrastruktur", "", "Infrastruktur", "Infrastructure"},
                    {"infrastruktur.jalan", "infrastruktur", "Jalan", "Roads"},
                    {"kesehatan", "", "Kesehatan", "Health"},
                    {"kesehatan.rs", "kesehatan", "Rumah Sakit", "Hospitals"}};
  doc.nodes = {MakeNode("coord:panrb", NodeClass::kCoordinator, "", {}, {}, 10),
               MakeNode("prov:32", NodeClass::kProvince, "", {"32"}, {}, 20),
               MakeNode("kab:32.04", NodeClass::kRegency, "prov:32", {"32.04"}, {}, 30),
               MakeNode("kota:32.73", NodeClass::kCity, "prov:32", {"32.73"}, {}, 40),
               MakeNode("kl:kemenkes", NodeClass::kMinistry, "", {}, {"kesehatan"}, 50)};
  return doc;
}

inline std::string Sign(const DirectoryDocument& doc,
                        const crypto::Ed25519KeyPair& key = CoordinatorKey()) {
  Result<std::string> bytes = SignDirectory(doc, key);
  EXPECT_TRUE(bytes.has_value()) << bytes.error().message;
  return bytes.value_or("");
}

// The directory `doc` signed by the coordinator and verified as a first directory.
inline Directory SignedDirectory(const DirectoryDocument& doc) {
  Result<Directory> directory =
      VerifyDirectory(Sign(doc), SampleAnchor(), std::nullopt, doc.issued_at);
  if (!directory) ADD_FAILURE() << directory.error().message;
  return std::move(directory).value();
}

// The document of the version after `current`: version + 1, chained, issued `later_ms` after it.
inline DirectoryDocument NextDocument(const Directory& current, std::int64_t later_ms = kHour) {
  DirectoryDocument doc = current.document();
  doc.version += 1;
  doc.prev_hash = current.Etag();
  doc.issued_at += later_ms;
  doc.expires_at = doc.issued_at + 24 * kHour;
  return doc;
}

}  // namespace simpul::federation::testing
