#pragma once
// The node's configuration, read from a TOML file (see deploy/config/simpul.example.toml).
//
//   [node]   id = "kab:32.04"  name = "..."  class = "regency"  region = "32.04"
//            utc_offset = "+07:00"  role = "node"
//   [storage] data_dir = "/var/lib/simpul"
//   [http]   listen = "127.0.0.1:8080"  tls_cert = ""  tls_key = ""  threads = 2
//   [limits] max_body_bytes, max_upload_bytes, header_timeout_s, body_timeout_s, idle_timeout_s,
//            max_connections, max_connections_per_client
//   [sla]    verify_working_days, first_response_working_days, autoclose_working_days,
//            settle_days, extra_holidays = ["2026-12-31"], builtin_holidays = true
//   [escalation] parent_after_days = 5  coordinator_after_days = 10  (working days past a missed
//            deadline before the sweeper escalates it to the parent node / the coordinator)
//   [auth]   session_ttl_minutes
//   [log]    level = "info"  format = "text" | "json"
//   [federation] listen = "127.0.0.1:9443"  endpoint = "https://127.0.0.1:9443"  parent = ""
//            regions = ["32.04"]  categories = []  poll_interval_s, retry_base_ms, retry_cap_ms,
//            breaker_failures, directory_lifetime_h (coordinator), report_interval_s (member
//            nodes: how often node.report and case.meta go to the coordinator; the coordinator
//            uses its own value for nodes that have not reported one)
//   [open311] public_url = "https://lapor.example.go.id"  contact = "..."  key_service = "..."
//            requests_per_minute = 60  (the GeoReport v2 facade; POSTs per API key per minute)
//
// Relative paths are resolved against the directory of the config file.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "crypto/result.hpp"
#include "node/domain/escalation.hpp"
#include "node/domain/sla.hpp"
#include "node/http/server.hpp"

namespace simpul {

enum class NodeRole { kNode, kCoordinator };
enum class NodeClass { kMinistry, kAgency, kProvince, kRegency, kCity, kCoordinator };

std::string_view Name(NodeRole role);
std::string_view Name(NodeClass node_class);

// Federation settings (DESIGN §3). Federation is on when `listen_port` is set.
struct FederationConfig {
  std::string listen_address;                // the mutual-TLS listener for peers
  std::optional<std::uint16_t> listen_port;  // unset: federation off
  std::string endpoint;                      // the https URL peers reach that listener at
  std::string parent;                        // parent node id ("" for none)
  std::vector<std::string> regions;          // jurisdiction; defaults to [node.region]
  std::vector<std::string> categories;       // ministries and agencies: categories they handle
  std::chrono::seconds poll_interval{60};    // directory polling
  std::chrono::milliseconds retry_base{2000};
  std::chrono::milliseconds retry_cap{15 * 60 * 1000};
  int breaker_failures = 5;                   // consecutive failures that open the breaker
  std::chrono::hours directory_lifetime{24};  // coordinator: validity of a published directory
  std::chrono::seconds report_interval{300};  // node.report and case.meta to the coordinator

  bool enabled() const { return listen_port.has_value(); }
};

// The Open311 GeoReport v2 facade (README "Open311"). Every field has a usable default.
struct Open311Config {
  std::string public_url;  // base URL clients reach the node at; "" = http(s)://<listen>
  std::string contact = "Hubungi admin instansi / contact the agency's administrator";
  std::string key_service =
      "API keys are issued by this node's administrator "
      "(simpulctl open311 key add)";
  int requests_per_minute = 60;  // POST requests per API key per minute
};

struct NodeConfig {
  std::string node_id;  // "kab:32.04", "kl:kemenkes", "coord:panrb"
  std::string name;
  NodeClass node_class = NodeClass::kRegency;
  std::string region;  // Kemendagri code of the node's jurisdiction; empty for ministries
  std::chrono::minutes utc_offset{7 * 60};
  NodeRole role = NodeRole::kNode;

  std::filesystem::path data_dir;

  std::string listen_address = "127.0.0.1";
  std::uint16_t listen_port = 8080;
  std::filesystem::path tls_cert, tls_key;  // both empty: plain HTTP
  std::filesystem::path web_root;           // the web UI's files; empty: http::DefaultWebRoot()
  int io_threads = 2;
  int db_readers = 2;
  http::ServerLimits limits;
  std::size_t max_upload_bytes = 40 << 20;

  domain::SlaPolicy sla;
  domain::EscalationPolicy escalation;
  bool builtin_holidays = true;
  std::vector<std::string> extra_holidays;
  std::chrono::seconds sweep_interval{60};
  std::chrono::minutes session_ttl{12 * 60};
  // A checkpoint of the transparency log is signed when this much time has passed or this many
  // leaves were added since the last one, whichever comes first.
  std::chrono::seconds checkpoint_interval{10};
  std::int64_t checkpoint_leaves = 1000;

  std::string log_level = "info";
  std::string log_format = "text";

  FederationConfig federation;
  Open311Config open311;

  std::filesystem::path DatabasePath() const { return data_dir / "simpul.db"; }
  std::filesystem::path KeysDir() const { return data_dir / "keys"; }
  std::filesystem::path MessageKeyPath() const { return KeysDir() / "msg.key"; }
  std::filesystem::path DataKeyPath() const { return KeysDir() / "data.key"; }
  // Signs transparency-log checkpoints (DESIGN §4); created by init, used from issue 4 on.
  std::filesystem::path LogKeyPath() const { return KeysDir() / "log.key"; }
  // Federation mutual-TLS identity; the directory pins its SPKI SHA-256 (DESIGN §3).
  std::filesystem::path FederationCertPath() const { return KeysDir() / "federation.crt"; }
  std::filesystem::path FederationKeyPath() const { return KeysDir() / "federation.key"; }
  std::filesystem::path BlobDir() const { return data_dir / "attachments"; }
  // Coordinator only: the key that signs directory versions (the trust anchor names it).
  std::filesystem::path DirectoryKeyPath() const { return KeysDir() / "directory.key"; }
  // The coordinator's trust anchor as installed by `simpulctl trust install`.
  std::filesystem::path TrustAnchorPath() const { return data_dir / "trust_anchor.json"; }
  // Delivery state of each federation peer, rewritten by the running node every few seconds for
  // `simpulctl peers` (breaker, last error: what only the running process knows).
  std::filesystem::path PeerStatusPath() const { return data_dir / "federation-peers.json"; }
};

// Reads and validates the config file. Fails kNotFound when it is missing and kInvalidArgument
// naming the key (and line, for syntax errors) when something is wrong.
Result<NodeConfig> LoadConfig(const std::filesystem::path& path);
// Parses TOML text; relative paths resolve against `base_dir`.
Result<NodeConfig> ParseConfig(std::string_view toml_text, const std::filesystem::path& base_dir);
// Renders a config as TOML that ParseConfig reads back to the same values.
std::string RenderConfig(const NodeConfig& config);
// "+07:00" → 420 minutes. Fails kInvalidArgument for other forms or beyond ±14 h.
Result<std::chrono::minutes> ParseUtcOffset(std::string_view text);
// "regency" → NodeClass::kRegency.
Result<NodeClass> ParseNodeClass(std::string_view text);
// "127.0.0.1:8080" or "[::1]:8080" into listen_address and listen_port.
Result<void> ParseListenAddress(std::string_view text, NodeConfig& config);
// Checks the node id form: "<kind>:<code>" with kind prov, kab, kota, kl, lem or coord.
Result<void> ValidateNodeId(std::string_view node_id);

}  // namespace simpul
