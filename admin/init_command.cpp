// simpulctl init: create a node's data dir, keys, config, database and first admin account.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <vector>

#include "admin/commands.hpp"
#include "admin/federation_support.hpp"
#include "crypto/bytes.hpp"
#include "crypto/ed25519.hpp"
#include "crypto/random.hpp"
#include "crypto/secretbox.hpp"
#include "crypto/tls_identity.hpp"
#include "node/domain/regions.hpp"
#include "node/service/account_service.hpp"
#include "node/service/catalog.hpp"
#include "node/store/schema.hpp"

namespace simpul::admin {
namespace {

namespace fs = std::filesystem;

struct InitOptions {
  std::string data_dir, config_path, node_id, name, node_class = "regency", region;
  std::string utc_offset = "+07:00", listen = "127.0.0.1:8080";
  std::string admin_user = "admin";
  std::string federation_listen, federation_endpoint, parent;
  std::vector<std::string> regions, categories;
  bool admin_password_stdin = false;
  bool json = false;
};

Result<void> MakeDir(const fs::path& dir, fs::perms perms) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return Fail(ErrorCode::kUnavailable, "cannot create " + dir.string() + ": " + ec.message());
  fs::permissions(dir, perms, ec);
  if (ec) return Fail(ErrorCode::kUnavailable, "cannot set permissions on " + dir.string());
  return {};
}

// The [federation] options; a coordinator needs them, since its directory URL derives from them.
Result<void> SetFederation(const InitOptions& o, NodeConfig& draft) {
  if (o.federation_listen.empty()) {
    if (!o.federation_endpoint.empty() || !o.parent.empty() || !o.regions.empty() ||
        !o.categories.empty()) {
      return Fail(ErrorCode::kInvalidArgument,
                  "--federation-endpoint, --parent, --regions and --categories need "
                  "--federation-listen");
    }
    if (draft.role == NodeRole::kCoordinator) {
      return Fail(ErrorCode::kInvalidArgument,
                  "a coordinator needs --federation-listen (and --federation-endpoint if peers "
                  "reach it by another URL): the trust anchor names its directory URL");
    }
    return {};
  }
  NodeConfig listener;
  if (auto r = ParseListenAddress(o.federation_listen, listener); !r) {
    return Fail(ErrorCode::kInvalidArgument,
                "--federation-listen: use host:port, e.g. 0.0.0.0:9443 or [::]:9443");
  }
  FederationConfig& f = draft.federation;
  f.listen_address = listener.listen_address;
  f.listen_port = listener.listen_port;
  f.endpoint = o.federation_endpoint;
  f.parent = o.parent;
  f.regions = o.regions;
  f.categories = o.categories;
  return {};
}

// Builds the config from the options and validates it by rendering and parsing it back, exactly as
// simpuld will read it.
Result<NodeConfig> BuildConfig(const InitOptions& o) {
  NodeConfig draft;
  draft.node_id = o.node_id;
  draft.name = o.name;
  draft.region = o.region;
  draft.data_dir = fs::absolute(o.data_dir);
  auto node_class = ParseNodeClass(o.node_class);
  if (!node_class) return tl::unexpected(node_class.error());
  draft.node_class = *node_class;
  draft.role = *node_class == NodeClass::kCoordinator ? NodeRole::kCoordinator : NodeRole::kNode;
  auto offset = ParseUtcOffset(o.utc_offset);
  if (!offset) return tl::unexpected(offset.error());
  draft.utc_offset = *offset;
  if (auto r = ParseListenAddress(o.listen, draft); !r) return tl::unexpected(r.error());
  if (auto r = SetFederation(o, draft); !r) return tl::unexpected(r.error());
  auto parsed = ParseConfig(RenderConfig(draft), fs::current_path());
  if (!parsed) return parsed;
  if (!o.region.empty()) {
    auto regions = domain::RegionRegistry::Builtin();
    if (auto r = regions.Find(o.region); !r) {
      return Fail(ErrorCode::kInvalidArgument, "--region: " + r.error().message);
    }
  }
  return parsed;
}

// What init made, for PrintInitResult.
struct InitOutcome {
  fs::path config_path;
  crypto::Ed25519PublicKey msg_key, log_key;
  std::string tls_spki_sha256;
  std::string password;
  std::optional<CoordinatorSetup> coordinator;
};

void PrintInitResult(const InitOptions& o, const NodeConfig& config, const InitOutcome& made) {
  const auto& key = made.msg_key;
  if (o.json) {
    nlohmann::json out = {
        {"node_id", config.node_id},
        {"config", made.config_path.string()},
        {"data_dir", config.data_dir.string()},
        {"message_key",
         {{"kid", crypto::KeyId(key)}, {"public_key", crypto::Base64Encode(key.bytes)}}},
        {"log_key",
         {{"kid", crypto::KeyId(made.log_key)},
          {"public_key", crypto::Base64Encode(made.log_key.bytes)}}},
        {"tls_spki_sha256", made.tls_spki_sha256},
        {"admin_user", o.admin_user}};
    if (!o.admin_password_stdin) out["admin_password"] = made.password;
    if (made.coordinator) {
      out["trust_anchor"] = {{"path", config.TrustAnchorPath().string()},
                             {"fingerprint", made.coordinator->anchor_fingerprint}};
      out["directory_version"] = made.coordinator->directory_version;
    }
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::cout << "Node " << config.node_id << " (" << config.name << ") is set up.\n"
            << "  config:      " << made.config_path.string() << "\n"
            << "  data dir:    " << config.data_dir.string() << "\n"
            << "  message key: " << crypto::KeyId(key) << "  " << crypto::Base64Encode(key.bytes)
            << "\n"
            << "  log key:     " << crypto::KeyId(made.log_key) << "  "
            << crypto::Base64Encode(made.log_key.bytes) << "\n"
            << "  TLS SPKI:    " << made.tls_spki_sha256 << "  (SHA-256; the directory pins it)\n"
            << "  admin user:  " << o.admin_user << "\n";
  if (!o.admin_password_stdin) {
    std::cout << "  password:    " << made.password
              << "   (shown once; change it after signing in)\n";
  }
  if (made.coordinator) {
    std::cout << "  trust anchor: " << config.TrustAnchorPath().string() << "\n"
              << "  fingerprint:  " << made.coordinator->anchor_fingerprint
              << "  (read it to every node that installs the anchor)\n"
              << "  directory:    version " << made.coordinator->directory_version
              << " published\n";
  }
  std::cout << "Start it with:  simpuld --config " << made.config_path.string() << "\n";
}

int RunInit(const InitOptions& o) {
  CommonOptions common{"", o.json};
  auto config = BuildConfig(o);
  if (!config) return Report(common, config.error(), 2);
  const fs::path config_path =
      o.config_path.empty() ? config->data_dir / "simpul.toml" : fs::path(o.config_path);
  std::error_code ec;
  if (fs::exists(config_path, ec) || fs::exists(config->MessageKeyPath(), ec)) {
    return Report(
        common, {ErrorCode::kConflict, "a node is already set up at " + config->data_dir.string() +
                                           "; choose another --data-dir"});
  }
  for (auto r : {MakeDir(config->data_dir,
                         fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec),
                 MakeDir(config->KeysDir(), fs::perms::owner_all),
                 MakeDir(config_path.parent_path(),
                         fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec)}) {
    if (!r) return Report(common, r.error());
  }
  auto msg_key = crypto::Ed25519KeyPair::Generate();
  if (auto r = crypto::WriteKeyFile(config->MessageKeyPath(), msg_key); !r) {
    return Report(common, r.error());
  }
  auto log_key = crypto::Ed25519KeyPair::Generate();
  if (auto r = crypto::WriteKeyFile(config->LogKeyPath(), log_key); !r) {
    return Report(common, r.error());
  }
  auto tls = crypto::TlsIdentity::Generate(config->node_id, std::chrono::system_clock::now());
  if (!tls) return Report(common, tls.error());
  if (auto r = tls->WriteFiles(config->FederationCertPath(), config->FederationKeyPath()); !r) {
    return Report(common, r.error());
  }
  if (auto r = crypto::WriteSecretKeyFile(config->DataKeyPath(), crypto::SecretBoxKey::Generate());
      !r) {
    return Report(common, r.error());
  }
  {
    std::ofstream out(config_path);
    out << RenderConfig(*config);
    if (!out)
      return Report(common, {ErrorCode::kUnavailable, "cannot write " + config_path.string()});
  }
  std::string password = o.admin_password_stdin ? ReadSecretLine() : crypto::RandomCode(16);
  auto db = store::Database::Open({config->DatabasePath(), 1}, store::SchemaMigrations());
  if (!db) return Report(common, db.error());
  service::Catalog catalog(**db, domain::RegionRegistry::Builtin());
  if (auto r = catalog.Load(); !r) return Report(common, r.error());
  service::AccountService accounts(**db, service::SystemClock(), service::kStaffPasswordCost);
  auto admin = accounts.CreateUserSync(
      {o.admin_user, "Node administrator", password, service::Role::kNodeAdmin, ""});
  if (!admin) return Report(common, admin.error());
  std::optional<CoordinatorSetup> coordinator;
  if (config->role == NodeRole::kCoordinator) {
    auto setup = SetUpCoordinator(*config, **db);
    if (!setup) return Report(common, setup.error());
    coordinator = *setup;
  }

  PrintInitResult(o, *config,
                  {config_path, msg_key.public_key(), log_key.public_key(), tls->spki_sha256_hex(),
                   password, coordinator});
  return 0;
}

}  // namespace

void AddInitCommand(CLI::App& app, Command& command) {
  auto options = std::make_shared<InitOptions>();
  auto* init = app.add_subcommand("init", "Create a new node: data dir, keys, config, first admin");
  init->add_option("--data-dir", options->data_dir, "Directory for the database and keys")
      ->required();
  init->add_option("--node-id", options->node_id, "Node id, e.g. kab:32.04 or kl:kemenkes")
      ->required();
  init->add_option("--name", options->name, "Instance name, e.g. \"Pemerintah Kab. Bandung\"")
      ->required();
  init->add_option("--class", options->node_class,
                   "ministry, agency, province, regency, city or coordinator")
      ->capture_default_str();
  init->add_option("--region", options->region, "Kemendagri code of the jurisdiction, e.g. 32.04");
  init->add_option("--utc-offset", options->utc_offset, "+07:00 (WIB), +08:00 (WITA), +09:00 (WIT)")
      ->capture_default_str();
  init->add_option("--listen", options->listen, "HTTP listen address")->capture_default_str();
  init->add_option("--federation-listen", options->federation_listen,
                   "Federation (mutual TLS) listen address, e.g. 0.0.0.0:9443; enables federation");
  init->add_option("--federation-endpoint", options->federation_endpoint,
                   "https URL peers reach the federation listener at (default: from the listener)");
  init->add_option("--parent", options->parent, "Parent node id in the federation, e.g. prov:32");
  init->add_option("--regions", options->regions,
                   "Region codes this node handles, comma-separated (default: --region)")
      ->delimiter(',');
  init->add_option("--categories", options->categories,
                   "Ministries and agencies: category codes handled, comma-separated")
      ->delimiter(',');
  init->add_option("--config-out", options->config_path,
                   "Where to write the config (default: <data-dir>/simpul.toml)");
  init->add_option("--admin-user", options->admin_user, "First admin account")
      ->capture_default_str();
  init->add_flag("--admin-password-stdin", options->admin_password_stdin,
                 "Read the admin password from standard input instead of generating one");
  init->add_flag("--json", options->json, "Print the result as JSON");
  init->callback([options, &command] { command = [options] { return RunInit(*options); }; });
}

}  // namespace simpul::admin
