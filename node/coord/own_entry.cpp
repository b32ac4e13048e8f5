#include "node/coord/own_entry.hpp"

#include <utility>
#include <vector>

#include "crypto/tls_identity.hpp"

namespace simpul::coord {
namespace {

namespace fs = std::filesystem;

Result<crypto::Ed25519KeyPair> ReadKey(const fs::path& path) {
  Result<crypto::Ed25519KeyPair> key = crypto::ReadKeyFile(path);
  if (!key) {
    return Fail(key.error().code, "key file " + path.string() + ": " + key.error().message);
  }
  return key;
}

Result<void> RequireFederation(const NodeConfig& config) {
  if (config.federation.enabled() && !config.federation.endpoint.empty()) return {};
  return Fail(ErrorCode::kInvalidArgument,
              "federation is not configured: add a [federation] section with listen (and "
              "endpoint) to the config, or init the node with --federation-listen");
}

}  // namespace

fs::path NextMessageKeyPath(const NodeConfig& config) { return config.KeysDir() / "msg.next.key"; }

Result<OwnKeys> ReadOwnKeys(const NodeConfig& config) {
  Result<crypto::Ed25519KeyPair> msg = ReadKey(config.MessageKeyPath());
  if (!msg) return tl::unexpected(msg.error());
  Result<crypto::Ed25519KeyPair> log = ReadKey(config.LogKeyPath());
  if (!log) return tl::unexpected(log.error());
  Result<crypto::TlsIdentity> tls =
      crypto::TlsIdentity::ReadFiles(config.FederationCertPath(), config.FederationKeyPath());
  if (!tls) {
    return Fail(tls.error().code, "federation certificate " + config.FederationCertPath().string() +
                                      ": " + tls.error().message);
  }
  OwnKeys keys{std::move(*msg), std::move(*log), std::nullopt, tls->spki_sha256_hex()};
  std::error_code ec;
  if (fs::exists(NextMessageKeyPath(config), ec)) {
    Result<crypto::Ed25519KeyPair> next = ReadKey(NextMessageKeyPath(config));
    if (!next) return tl::unexpected(next.error());
    keys.next_msg.emplace(std::move(*next));
  }
  return keys;
}

federation::NodeClass FederationClass(NodeClass node_class) {
  return federation::NodeClassNamed(Name(node_class)).value_or(federation::NodeClass::kRegency);
}

Result<std::string> SignedEnrollment(const NodeConfig& config, const OwnKeys& keys,
                                     std::int64_t now_ms) {
  if (Result<void> ok = RequireFederation(config); !ok) return tl::unexpected(ok.error());
  federation::EnrollmentRequest request;
  request.id = config.node_id;
  request.name = config.name;
  request.node_class = FederationClass(config.node_class);
  request.parent = config.federation.parent;
  request.jurisdiction = {config.federation.regions, config.federation.categories};
  request.endpoint = config.federation.endpoint;
  request.tls_spki_sha256 = keys.tls_spki_sha256;
  request.created_at = now_ms;
  std::vector<const crypto::Ed25519KeyPair*> signers = {&keys.msg, &keys.log};
  if (keys.next_msg) signers.push_back(&*keys.next_msg);
  for (const crypto::Ed25519KeyPair* key : signers) {
    const federation::KeyUse use =
        key == &keys.log ? federation::KeyUse::kLog : federation::KeyUse::kMessage;
    request.keys.push_back({crypto::KeyId(key->public_key()), use, key->public_key()});
  }
  return federation::SignEnrollment(request, signers);
}

Result<federation::NodeEntry> CoordinatorEntry(const NodeConfig& config, const OwnKeys& keys) {
  if (Result<void> ok = RequireFederation(config); !ok) return tl::unexpected(ok.error());
  federation::NodeEntry entry;
  entry.id = config.node_id;
  entry.name = config.name;
  entry.node_class = federation::NodeClass::kCoordinator;
  entry.parent = config.federation.parent;
  entry.jurisdiction.regions = config.federation.regions;
  entry.endpoint = config.federation.endpoint;
  entry.tls_spki_sha256 = keys.tls_spki_sha256;
  for (const auto& [key, use] : {std::pair{&keys.msg, federation::KeyUse::kMessage},
                                 std::pair{&keys.log, federation::KeyUse::kLog}}) {
    entry.keys.push_back({crypto::KeyId(key->public_key()), use, key->public_key(),
                          federation::KeyStatus::kActive, 0, 0, 0});
  }
  return entry;
}

std::string DirectoryUrl(const NodeConfig& config) {
  std::string base = config.federation.endpoint;
  while (base.ends_with('/')) base.pop_back();
  return base + "/federation/v1/directory";
}

federation::TrustAnchor CoordinatorTrustAnchor(const NodeConfig& config,
                                               const crypto::Ed25519KeyPair& directory_key) {
  return federation::MakeTrustAnchor(config.node_id, DirectoryUrl(config),
                                     {directory_key.public_key()});
}

federation::DirectoryPolicy PolicyFromConfig(const NodeConfig& config) {
  federation::DirectoryPolicy policy;
  policy.verify_working_days = config.sla.verify_working_days;
  policy.first_response_working_days = config.sla.first_response_working_days;
  policy.autoclose_working_days = config.sla.autoclose_working_days;
  policy.settle_days = config.sla.settle.count();
  return policy;
}

}  // namespace simpul::coord
