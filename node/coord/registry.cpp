#include "node/coord/registry.hpp"

#include <algorithm>
#include <utility>

#include <nlohmann/json.hpp>

#include "crypto/bytes.hpp"
#include "crypto/hash.hpp"
#include "federation/directory.hpp"
#include "node/domain/calendar.hpp"
#include "node/domain/categories.hpp"

namespace simpul::coord {
namespace {

using federation::KeyStatus;
using federation::NodeEntry;
using federation::NodeKey;

Result<void> SaveNode(store::Connection& c, const NodeEntry& entry, std::int64_t now_ms) {
  auto stmt = c.Prepare(
      "INSERT INTO fed_registry (node_id, entry, updated_at) VALUES (?, ?, ?) "
      "ON CONFLICT (node_id) DO UPDATE SET entry = excluded.entry, "
      "updated_at = excluded.updated_at");
  if (!stmt) return tl::unexpected(stmt.error());
  return stmt->BindAll(entry.id, federation::NodeEntryToJson(entry).dump(), now_ms).Run();
}

Result<NodeEntry> ParseStored(const std::string& node_id, const std::string& text) {
  const nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  Result<NodeEntry> entry = federation::NodeEntryFromJson(value, "fed_registry[" + node_id + "]");
  if (!entry) {
    return Fail(ErrorCode::kInternal, "stored registry entry is corrupt: " + entry.error().message);
  }
  return entry;
}

// The key `kid` of `entry`, or kNotFound.
Result<NodeKey*> KeyOf(NodeEntry& entry, std::string_view kid) {
  const auto key = std::find_if(entry.keys.begin(), entry.keys.end(),
                                [&](const NodeKey& k) { return k.kid == kid; });
  if (key == entry.keys.end()) {
    return Fail(ErrorCode::kNotFound,
                "node " + entry.id + " has no key " + std::string(kid) + " in the registry");
  }
  return &*key;
}

std::vector<federation::DirectoryCategory> NationalCategories() {
  std::vector<federation::DirectoryCategory> categories;
  for (const domain::Category& c : domain::DefaultNationalCategories().All()) {
    categories.push_back({c.code, c.parent, c.name_id, c.name_en});
  }
  return categories;
}

Result<void> InsertVersion(store::Connection& c, const PublishedDirectory& version,
                           std::string_view bytes) {
  return store::FederationStore::InsertDirectory(
      c, {version.version, version.etag, std::string(bytes), version.issued_at});
}

}  // namespace

Result<NodeEntry> FindNode(store::Connection& c, std::string_view node_id) {
  auto stmt = c.Prepare("SELECT entry FROM fed_registry WHERE node_id = ?");
  if (!stmt) return tl::unexpected(stmt.error());
  stmt->Bind(1, node_id);
  Result<bool> row = stmt->Step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) {
    return Fail(ErrorCode::kNotFound, "node " + std::string(node_id) + " is not registered");
  }
  return ParseStored(std::string(node_id), stmt->Text(0));
}

Result<std::vector<NodeEntry>> ListNodes(store::Connection& c) {
  auto stmt = c.Prepare("SELECT node_id, entry FROM fed_registry ORDER BY node_id");
  if (!stmt) return tl::unexpected(stmt.error());
  std::vector<NodeEntry> nodes;
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return nodes;
    Result<NodeEntry> entry = ParseStored(stmt->Text(0), stmt->Text(1));
    if (!entry) return tl::unexpected(entry.error());
    nodes.push_back(std::move(*entry));
  }
}

Result<void> AddNode(store::Connection& c, const federation::EnrollmentRequest& request,
                     std::int64_t now_ms) {
  Result<NodeEntry> existing = FindNode(c, request.id);
  if (existing) {
    return Fail(ErrorCode::kConflict, "node " + request.id +
                                          " is already registered; use `directory update` to "
                                          "change it");
  }
  if (existing.error().code != ErrorCode::kNotFound) return tl::unexpected(existing.error());
  return SaveNode(c, federation::EnrolledNodeEntry(request, KeyStatus::kActive, now_ms), now_ms);
}

Result<void> UpdateNode(store::Connection& c, const federation::EnrollmentRequest& request,
                        std::int64_t now_ms) {
  Result<NodeEntry> entry = FindNode(c, request.id);
  if (!entry) return tl::unexpected(entry.error());
  entry->name = request.name;
  entry->parent = request.parent;
  entry->jurisdiction = request.jurisdiction;
  entry->endpoint = request.endpoint;
  entry->tls_spki_sha256 = request.tls_spki_sha256;
  for (const federation::EnrollmentKey& key : request.keys) {
    if (KeyOf(*entry, key.kid)) continue;
    entry->keys.push_back(
        NodeKey{key.kid, key.use, key.public_key, KeyStatus::kNext, now_ms, 0, 0});
  }
  return SaveNode(c, *entry, now_ms);
}

Result<void> RemoveNode(store::Connection& c, std::string_view node_id) {
  auto stmt = c.Prepare("DELETE FROM fed_registry WHERE node_id = ?");
  if (!stmt) return tl::unexpected(stmt.error());
  if (Result<void> done = stmt->Bind(1, node_id).Run(); !done) return done;
  if (c.Changes() == 0) {
    return Fail(ErrorCode::kNotFound, "node " + std::string(node_id) + " is not registered");
  }
  return {};
}

Result<void> ActivateKey(store::Connection& c, std::string_view node_id, std::string_view kid,
                         std::int64_t now_ms) {
  Result<NodeEntry> entry = FindNode(c, node_id);
  if (!entry) return tl::unexpected(entry.error());
  Result<NodeKey*> key = KeyOf(*entry, kid);
  if (!key) return tl::unexpected(key.error());
  if ((*key)->status != KeyStatus::kNext) {
    return Fail(ErrorCode::kConflict, "key " + std::string(kid) + " is " +
                                          std::string(federation::Name((*key)->status)) +
                                          "; only a next key can be activated");
  }
  for (NodeKey& other : entry->keys) {
    if (other.use != (*key)->use || other.status != KeyStatus::kActive) continue;
    other.status = KeyStatus::kRetired;
    // The directory requires not_after > not_before, even for a key retired the moment it began.
    other.not_after = std::max(now_ms, other.not_before + 1);
  }
  (*key)->status = KeyStatus::kActive;
  return SaveNode(c, *entry, now_ms);
}

Result<void> RevokeKey(store::Connection& c, std::string_view node_id, std::string_view kid,
                       std::int64_t now_ms) {
  Result<NodeEntry> entry = FindNode(c, node_id);
  if (!entry) return tl::unexpected(entry.error());
  Result<NodeKey*> key = KeyOf(*entry, kid);
  if (!key) return tl::unexpected(key.error());
  if ((*key)->status == KeyStatus::kRevoked) {
    return Fail(ErrorCode::kConflict, "key " + std::string(kid) + " is already revoked");
  }
  (*key)->status = KeyStatus::kRevoked;
  (*key)->revoked_at = std::max<std::int64_t>(now_ms, 1);
  return SaveNode(c, *entry, now_ms);
}

Result<StoredDirectory> LatestDirectory(store::Connection& c) {
  auto latest = store::FederationStore::LatestDirectory(c);
  if (!latest) return tl::unexpected(latest.error());
  if (!*latest) {
    return Fail(ErrorCode::kNotFound,
                "no directory version has been published; run `simpulctl directory publish`");
  }
  return std::move(**latest);
}

Result<PublishedDirectory> Publish(store::Connection& c, const PublishInput& input) {
  Result<StoredDirectory> latest = LatestDirectory(c);
  if (!latest && latest.error().code != ErrorCode::kNotFound) {
    return tl::unexpected(latest.error());
  }
  Result<std::vector<NodeEntry>> members = ListNodes(c);
  if (!members) return tl::unexpected(members.error());
  federation::DirectoryDocument doc;
  doc.version = latest ? latest->version + 1 : 1;
  doc.prev_hash = latest ? latest->etag : "";
  doc.issued_at = input.now_ms;
  doc.expires_at = input.now_ms + input.lifetime.count();
  doc.policy = input.policy;
  doc.holidays = domain::IndonesianHolidays2026();
  doc.categories = NationalCategories();
  doc.nodes.push_back(input.coordinator);
  for (NodeEntry& member : *members) doc.nodes.push_back(std::move(member));
  Result<std::string> bytes = federation::SignDirectory(doc, input.signing_key);
  if (!bytes) return tl::unexpected(bytes.error());
  PublishedDirectory published{doc.version, crypto::Sha256Hex(crypto::AsBytes(*bytes)),
                               doc.issued_at, doc.expires_at};
  if (Result<void> stored = InsertVersion(c, published, *bytes); !stored) {
    return tl::unexpected(stored.error());
  }
  return published;
}

}  // namespace simpul::coord
