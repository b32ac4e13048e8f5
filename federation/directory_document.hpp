#pragma once
// The content of one version of the federation directory (DESIGN §3): who the nodes are, where
// they listen, which keys they sign with, and the shared policy, holidays and category tree. The
// coordinator signs it (directory.hpp); this file only models it and converts it to and from JSON.
//
//   DirectoryDocument doc;                    // fill version, issued_at, nodes, ...
//   nlohmann::json j = DirectoryDocumentToJson(doc);
//   Result<DirectoryDocument> back = DirectoryDocumentFromJson(j);  // strict: types and rules
//
// Times are Unix milliseconds, as on the wire. These are plain values; the functions are pure and
// thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "crypto/ed25519.hpp"
#include "crypto/result.hpp"
#include "federation/key_resolver.hpp"

namespace simpul::federation {

enum class NodeClass { kMinistry, kAgency, kProvince, kRegency, kCity, kCoordinator };
enum class KeyStatus { kNext, kActive, kRetired, kRevoked };

// Wire names: "ministry", ..., "coordinator"; "next", "active", "retired", "revoked"; "msg", "log".
std::string_view Name(NodeClass node_class);
std::string_view Name(KeyStatus status);
std::string_view Name(KeyUse use);

// The enumerator with wire name `name`, or std::nullopt for an unknown name.
std::optional<NodeClass> NodeClassNamed(std::string_view name);
std::optional<KeyUse> KeyUseNamed(std::string_view name);

// A directory is valid for 24 hours after it is issued unless it says otherwise.
inline constexpr std::int64_t kDefaultDirectoryLifetimeMs = 24LL * 60 * 60 * 1000;

// Federation-wide defaults every node applies (DESIGN §3 "policy").
struct DirectoryPolicy {
  std::int64_t verify_working_days = 3;                // 1..365
  std::int64_t first_response_working_days = 5;        // 1..365
  std::int64_t autoclose_working_days = 10;            // 1..365
  std::int64_t settle_days = 60;                       // 1..3650
  std::int64_t allowed_clock_skew_ms = 5 * 60 * 1000;  // 0..1 h
  std::int64_t max_batch = 100;                        // envelopes per inbox POST, 1..1000

  bool operator==(const DirectoryPolicy&) const = default;
};

// One node of the national complaint category tree.
struct DirectoryCategory {
  std::string code;     // "kesehatan.rs"
  std::string parent;   // "kesehatan"; "" at the top level
  std::string name_id;  // Indonesian name; not empty
  std::string name_en;  // English name; may be empty

  bool operator==(const DirectoryCategory&) const = default;
};

// What a node handles: regions (and everything below them) and, for ministries and agencies,
// categories (and everything below them).
struct Jurisdiction {
  std::vector<std::string> regions;     // Kemendagri codes: "32", "32.04"
  std::vector<std::string> categories;  // category codes present in the directory's tree

  bool operator==(const Jurisdiction&) const = default;
};

// One public key of a node. `kid` is always crypto::KeyId(public_key).
struct NodeKey {
  std::string kid;
  KeyUse use = KeyUse::kMessage;
  crypto::Ed25519PublicKey public_key;
  KeyStatus status = KeyStatus::kActive;
  std::int64_t not_before = 0;  // valid from this time on
  std::int64_t not_after = 0;   // valid before this time; 0 = no end (required when retired)
  std::int64_t revoked_at = 0;  // > 0 exactly when status is kRevoked

  bool operator==(const NodeKey&) const = default;
};

// One member node of the federation.
struct NodeEntry {
  std::string id;  // "kab:32.04"; its prefix fixes the class (kab: regency, kl: ministry, ...)
  std::string name;
  NodeClass node_class = NodeClass::kRegency;
  std::string parent;  // id of another node in the directory, or ""
  Jurisdiction jurisdiction;
  std::string endpoint;         // "https://host[:port][/path]"
  std::string tls_spki_sha256;  // 64 lower-case hex characters
  std::vector<NodeKey> keys;

  bool operator==(const NodeEntry&) const = default;
};

// One version of the directory.
struct DirectoryDocument {
  std::int64_t version = 1;  // >= 1, strictly increasing
  std::string prev_hash;     // Etag of the previous version's signed bytes; "" for version 1
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;  // > issued_at; SignDirectory turns 0 into issued_at + 24 h
  DirectoryPolicy policy;
  std::vector<std::string> holidays;  // "YYYY-MM-DD", no duplicates
  std::vector<DirectoryCategory> categories;
  std::vector<NodeEntry> nodes;

  bool operator==(const DirectoryDocument&) const = default;
};

// The JSON form of `doc`, with every field present. Does not validate.
nlohmann::json DirectoryDocumentToJson(const DirectoryDocument& doc);

// Parses and validates the JSON form. Fails with kInvalidArgument whose message starts with the
// path of the offending field ("directory.nodes[2].keys[0].kid: ..."): a missing or unknown field,
// a wrong type, an unknown enum name, or any rule of ValidateDirectoryDocument.
Result<DirectoryDocument> DirectoryDocumentFromJson(const nlohmann::json& value);

// The JSON form of one node entry, as it appears in "nodes". Does not validate.
nlohmann::json NodeEntryToJson(const NodeEntry& node);

// Parses the JSON form of one node entry and checks ValidateNodeEntry. Fails with
// kInvalidArgument whose message starts with the field path under `path` ("node.keys[0].kid").
Result<NodeEntry> NodeEntryFromJson(const nlohmann::json& value, std::string_view path = "node");

// The rules of ValidateDirectoryDocument for one node entry that do not depend on the rest of the
// directory: id form and class, name, https endpoint, SPKI hash, region codes (within the node's
// own region for provinces, regencies and cities) and category code syntax, key statuses. Fails
// with kInvalidArgument naming the field under `path`.
Result<void> ValidateNodeEntry(const NodeEntry& node, std::string_view path);

// Checks the rules a document must meet to be signed or accepted, failing with kInvalidArgument
// naming the field path: version >= 1 and prev_hash "" exactly for version 1 (else 64 hex);
// 0 <= issued_at < expires_at; policy values in range; holidays valid dates without duplicates;
// category codes well formed and unique, each its listed parent's code plus one segment; node ids
// well formed, unique, matching their class; parents known and acyclic; jurisdiction regions well
// formed and categories in the tree; endpoints https; SPKI hashes 64 hex; key ids equal
// KeyId(public_key) and unique across the directory; statuses consistent (revoked exactly when
// revoked_at > 0, retired needs not_after, not_after > not_before).
Result<void> ValidateDirectoryDocument(const DirectoryDocument& doc);

}  // namespace simpul::federation
