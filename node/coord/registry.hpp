#pragma once
// The coordinator's registry of member nodes and the directory versions it publishes (DESIGN §3).
// Each member is a federation::NodeEntry stored as JSON in fed_registry; each published, signed
// directory version is a row of fed_directory.
//
//   Result<PublishedDirectory> v = db.WriteSync<PublishedDirectory>([&](store::Connection& c)
//       -> Result<PublishedDirectory> {
//     if (Result<void> added = AddNode(c, request, now_ms); !added) return ...;
//     return Publish(c, {own_entry, directory_key, now_ms, lifetime, policy});
//   });
//
// Stateless functions on a connection. Writes run in the database's writer thread, where each job
// has its own savepoint: a change and the version that publishes it commit or fail together.
// Times are Unix milliseconds.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/ed25519.hpp"
#include "crypto/result.hpp"
#include "federation/directory_document.hpp"
#include "federation/enrollment.hpp"
#include "node/store/connection.hpp"
#include "node/store/federation_store.hpp"

namespace simpul::coord {

// What Publish needs besides the registry. Borrows the entry and the key.
struct PublishInput {
  const federation::NodeEntry& coordinator;   // the coordinator's own entry (CoordinatorEntry)
  const crypto::Ed25519KeyPair& signing_key;  // keys/directory.key, named by the trust anchor
  std::int64_t now_ms = 0;
  std::chrono::milliseconds lifetime{federation::kDefaultDirectoryLifetimeMs};
  federation::DirectoryPolicy policy;
};

// A version Publish stored.
struct PublishedDirectory {
  std::int64_t version = 0;
  std::string etag;  // hex SHA-256 of the signed bytes (Directory::Etag)
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
};

// A stored version: its signed canonical bytes (what nodes fetch), ETag and time.
using StoredDirectory = store::DirectoryRow;

// Registers the node `request` describes (verify it with VerifyEnrollment first), every key
// active from `now_ms`. Fails with kConflict if the node id is registered.
Result<void> AddNode(store::Connection& c, const federation::EnrollmentRequest& request,
                     std::int64_t now_ms);

// Takes name, parent, jurisdiction, endpoint and SPKI from `request`; its keys not yet registered
// are added with status next from `now_ms`, and registered keys keep their status. Fails with
// kNotFound if the node is not registered.
Result<void> UpdateNode(store::Connection& c, const federation::EnrollmentRequest& request,
                        std::int64_t now_ms);

// Removes the node. Fails with kNotFound if it is not registered.
Result<void> RemoveNode(store::Connection& c, std::string_view node_id);

// Makes the next key `kid` active; the node's active keys of the same use become retired with
// not_after = now_ms, so they still verify what was signed before. Fails with kNotFound for an
// unknown node or kid, kConflict if the key's status is not next.
Result<void> ActivateKey(store::Connection& c, std::string_view node_id, std::string_view kid,
                         std::int64_t now_ms);

// Marks the key revoked at `now_ms`. Fails with kNotFound for an unknown node or kid, kConflict if
// it is already revoked. Revoking a node's only active key is allowed.
Result<void> RevokeKey(store::Connection& c, std::string_view node_id, std::string_view kid,
                       std::int64_t now_ms);

// The registered node `node_id`. Fails with kNotFound.
Result<federation::NodeEntry> FindNode(store::Connection& c, std::string_view node_id);

// Every registered node, ordered by id.
Result<std::vector<federation::NodeEntry>> ListNodes(store::Connection& c);

// Signs and stores the next directory version: version latest + 1 (1 if none), chained to the
// latest by prev_hash, issued now and expiring after `lifetime`, with the national category tree,
// the holiday calendar, and the coordinator followed by every registered node. Fails with
// kInvalidArgument naming the field if the result breaks a directory rule (e.g. a parent that is
// not registered, or a kid used twice); nothing is stored then.
Result<PublishedDirectory> Publish(store::Connection& c, const PublishInput& input);

// The newest stored version. Fails with kNotFound if none was published.
Result<StoredDirectory> LatestDirectory(store::Connection& c);

}  // namespace simpul::coord
