#pragma once
// This node as the federation sees it, built from its config and key files: the enrollment
// request a member node hands the coordinator, and the coordinator's own directory entry and
// trust anchor (DESIGN §3).
//
//   Result<OwnKeys> keys = ReadOwnKeys(config);
//   Result<std::string> request = SignedEnrollment(config, *keys, now_ms);   // a member node
//   Result<federation::NodeEntry> self = CoordinatorEntry(config, *keys);    // the coordinator
//
// Functions read files but keep no state; they are thread-safe. Times are Unix milliseconds.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "crypto/ed25519.hpp"
#include "crypto/result.hpp"
#include "federation/directory_document.hpp"
#include "federation/enrollment.hpp"
#include "federation/trust_anchor.hpp"
#include "node/config.hpp"

namespace simpul::coord {

// The message key waiting to replace msg.key (`simpulctl keys rotate` creates it).
std::filesystem::path NextMessageKeyPath(const NodeConfig& config);

// The node's federation keys.
struct OwnKeys {
  crypto::Ed25519KeyPair msg;
  crypto::Ed25519KeyPair log;
  std::optional<crypto::Ed25519KeyPair> next_msg;  // present while a rotation is pending
  std::string tls_spki_sha256;                     // pin of keys/federation.crt
};

// Reads msg.key, log.key, msg.next.key if it exists, and the federation certificate and key.
// Fails as crypto::ReadKeyFile and crypto::TlsIdentity::ReadFiles do, the message naming the file.
Result<OwnKeys> ReadOwnKeys(const NodeConfig& config);

// The federation class of a configured node class (the names are the same).
federation::NodeClass FederationClass(NodeClass node_class);

// The signed enrollment request for this node: id, name, class, [federation] endpoint, parent,
// regions and categories, the SPKI pin, and every key (msg, log and the next msg key), each
// proving possession. Fails with kInvalidArgument if federation is not configured, or as
// federation::SignEnrollment does.
Result<std::string> SignedEnrollment(const NodeConfig& config, const OwnKeys& keys,
                                     std::int64_t now_ms);

// The coordinator's own directory entry: class coordinator, [federation] endpoint, parent and
// regions, the SPKI pin, and its msg and log keys active since 0. Fails with kInvalidArgument if
// federation is not configured.
Result<federation::NodeEntry> CoordinatorEntry(const NodeConfig& config, const OwnKeys& keys);

// "<federation.endpoint>/federation/v1/directory".
std::string DirectoryUrl(const NodeConfig& config);

// The trust anchor member nodes install: this coordinator's id, DirectoryUrl and the public key
// of `directory_key`.
federation::TrustAnchor CoordinatorTrustAnchor(const NodeConfig& config,
                                               const crypto::Ed25519KeyPair& directory_key);

// Federation-wide policy from the coordinator's [sla] settings; other values are the defaults.
federation::DirectoryPolicy PolicyFromConfig(const NodeConfig& config);

}  // namespace simpul::coord
