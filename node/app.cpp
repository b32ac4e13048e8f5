#include "node/app.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <fstream>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/bytes.hpp"
#include "crypto/checkpoint.hpp"
#include "crypto/ed25519.hpp"
#include "crypto/key_file.hpp"
#include "crypto/password.hpp"
#include "crypto/secretbox.hpp"
#include "crypto/tls_context.hpp"
#include "crypto/tls_identity.hpp"
#include "federation/trust_anchor.hpp"
#include "federation/witness_protocol.hpp"
#include "node/api/case_json.hpp"
#include "node/api/escalation_routes.hpp"
#include "node/api/federation_routes.hpp"
#include "node/api/log_routes.hpp"
#include "node/api/monitor_routes.hpp"
#include "node/api/open311_routes.hpp"
#include "node/api/routes.hpp"
#include "node/api/web_routes.hpp"
#include "node/api/witness_routes.hpp"
#include "node/coord/own_entry.hpp"
#include "node/coord/witness.hpp"
#include "node/domain/calendar.hpp"
#include "node/fed/case_exchange.hpp"
#include "node/fed/directory_sync.hpp"
#include "node/fed/dispatcher.hpp"
#include "node/fed/escalation_exchange.hpp"
#include "node/fed/federation_state.hpp"
#include "node/fed/gap_puller.hpp"
#include "node/fed/inbox.hpp"
#include "node/fed/monitor_ingest.hpp"
#include "node/fed/outbox.hpp"
#include "node/fed/reporter.hpp"
#include "node/fed/witness_link.hpp"
#include "node/http/server.hpp"
#include "node/http/static_site.hpp"
#include "node/key_files.hpp"
#include "node/log.hpp"
#include "node/service/account_service.hpp"
#include "node/service/auth_service.hpp"
#include "node/service/case_service.hpp"
#include "node/service/catalog.hpp"
#include "node/service/open311_keys.hpp"
#include "node/store/blob_store.hpp"
#include "node/store/schema.hpp"
#include "node/tlog/checkpointer.hpp"
#include "node/tlog/log_service.hpp"

namespace simpul {

namespace net = boost::asio;

struct NodeApp::Parts {
  NodeConfig config;
  service::Clock clock;
  crypto::Ed25519KeyPair message_key;
  crypto::SecretBoxKey data_key;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<store::BlobStore> blobs;
  std::unique_ptr<domain::WorkingCalendar> calendar;
  std::unique_ptr<service::Catalog> catalog;
  std::unique_ptr<service::CaseService> cases;
  std::unique_ptr<service::AuthService> auth;
  std::unique_ptr<service::AccountService> accounts;
  http::Metrics metrics;
  std::unique_ptr<api::ApiContext> api;
  std::unique_ptr<service::Open311Keys> open311_keys;
  std::unique_ptr<api::Open311Api> open311_api;
  std::unique_ptr<http::Router> router;
  std::unique_ptr<http::StaticSite> web;  // the web UI's files, served by the router
  net::io_context io;
  std::unique_ptr<net::ssl::context> tls;
  std::unique_ptr<http::HttpServer> server;
  std::unique_ptr<net::steady_timer> sweep_timer;
  std::unique_ptr<tlog::LogService> log_service;
  std::unique_ptr<tlog::Checkpointer> checkpointer;
  std::unique_ptr<fed::WitnessLink> witness_link;  // federated nodes other than the coordinator
  // Federation, when [federation] is configured. Declared after `io`: their strands and timers
  // must go before it.
  std::unique_ptr<crypto::TlsIdentity> fed_identity;
  std::unique_ptr<fed::FederationState> fed_state;
  std::unique_ptr<fed::Outbox> outbox;
  std::unique_ptr<fed::EscalationExchange> escalations;
  std::unique_ptr<fed::CaseExchange> exchange;
  std::unique_ptr<fed::Inbox> inbox;
  std::unique_ptr<fed::Dispatchers> dispatchers;
  std::unique_ptr<fed::GapPuller> gap_puller;
  std::unique_ptr<fed::DirectorySync> dir_sync;
  std::unique_ptr<api::FederationApi> fed_api;
  std::unique_ptr<api::EscalationApi> escalation_api;
  std::unique_ptr<coord::Witness> witness;  // the coordinator only
  std::unique_ptr<api::WitnessApi> witness_api;
  std::unique_ptr<http::Router> fed_router;
  std::unique_ptr<net::ssl::context> fed_tls;
  std::unique_ptr<http::HttpServer> fed_server;
  std::unique_ptr<net::steady_timer> peer_status_timer;
  std::unique_ptr<fed::Reporter> reporter;             // member nodes: reports to the coordinator
  std::unique_ptr<fed::MonitorIngest> monitor_ingest;  // coordinator: applies those reports
  std::unique_ptr<api::MonitorApi> monitor_api;        // coordinator: the national dashboard
  std::vector<std::thread> threads;
  std::atomic<bool> ready{false};
  bool stopped = false;

  Parts(NodeConfig c, service::Clock k, crypto::Ed25519KeyPair msg, crypto::SecretBoxKey data)
      : config(std::move(c)),
        clock(std::move(k)),
        message_key(std::move(msg)),
        data_key(std::move(data)) {}
};

namespace {

Result<domain::WorkingCalendar> BuildCalendar(const NodeConfig& c) {
  std::vector<std::string> dates = c.extra_holidays;
  if (c.builtin_holidays) {
    for (auto& d : domain::IndonesianHolidays2026()) dates.push_back(d);
  }
  return domain::WorkingCalendar::FromIsoDates(c.utc_offset, dates);
}

Result<std::unique_ptr<net::ssl::context>> BuildTls(const NodeConfig& c) {
  if (c.tls_cert.empty()) return std::unique_ptr<net::ssl::context>();
  auto ctx = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  boost::system::error_code ec;
  ctx->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                       net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                       net::ssl::context::no_tlsv1_1,
                   ec);
  if (!ec) ctx->use_certificate_chain_file(c.tls_cert.string(), ec);
  if (!ec) ctx->use_private_key_file(c.tls_key.string(), net::ssl::context::pem, ec);
  if (ec) {
    return Fail(ErrorCode::kInvalidArgument,
                "TLS certificate or key (" + c.tls_cert.string() + "): " + ec.message());
  }
  return ctx;
}

net::awaitable<void> SweepLoop(NodeApp::Parts* p);

// After a new directory: if it lists this node's pending next message key, sign with it from now
// on and make it the key file (the old one is kept beside it, renamed).
void PromoteNextKey(NodeApp::Parts& p) {
  const auto next_path = coord::NextMessageKeyPath(p.config);
  std::error_code ec;
  if (!std::filesystem::exists(next_path, ec)) return;
  auto next = crypto::ReadKeyFile(next_path);
  auto dir = p.fed_state->directory();
  if (!next || dir == nullptr) return;
  const std::string kid = crypto::KeyId(next->public_key());
  const std::int64_t now = p.clock().time_since_epoch().count();
  if (!dir->KeyFor(p.config.node_id, kid, federation::KeyUse::kMessage, now)) return;
  const std::string old_kid = crypto::KeyId(p.fed_state->signing_key()->public_key());
  std::filesystem::rename(p.config.MessageKeyPath(),
                          p.config.KeysDir() / ("msg.retired-" + old_kid + ".key"), ec);
  if (!ec) std::filesystem::rename(next_path, p.config.MessageKeyPath(), ec);
  if (ec) {
    LogEvent(spdlog::level::err, "key_promotion_failed", {{"kid", kid}, {"error", ec.message()}});
    return;
  }
  p.fed_state->SetSigningKey(std::move(*next));
  LogEvent(spdlog::level::info, "message_key_promoted", {{"kid", kid}, {"previous", old_kid}});
}

// Every 2 s: the dispatchers' view of each peer, written (atomically, by rename) where
// `simpulctl peers` reads it.
net::awaitable<void> PeerStatusLoop(NodeApp::Parts* p) {
  for (;;) {
    p->peer_status_timer->expires_after(std::chrono::seconds(2));
    auto [ec] = co_await p->peer_status_timer->async_wait(net::as_tuple(net::use_awaitable));
    if (ec) co_return;
    auto peers = co_await p->dispatchers->Status();
    if (!peers) continue;
    nlohmann::json items = nlohmann::json::array();
    for (const auto& s : *peers) {
      items.push_back({{"dest", s.dest},
                       {"breaker", s.breaker},
                       {"consecutive_failures", s.consecutive_failures},
                       {"last_error", s.last_error},
                       {"batches_sent", s.batches_sent}});
    }
    const nlohmann::json doc = {{"node_id", p->config.node_id},
                                {"written_at", p->clock().time_since_epoch().count()},
                                {"peers", std::move(items)}};
    const auto path = p->config.PeerStatusPath();
    const auto tmp = path.string() + ".tmp";
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << doc.dump() << "\n";
    }
    std::error_code rename_error;
    std::filesystem::rename(tmp, path, rename_error);
  }
}

// The federation TLS identity, the trust anchor (if installed) and the signing key.
Result<void> LoadFederationState(NodeApp::Parts& p) {
  const auto& c = p.config;
  auto identity = crypto::TlsIdentity::ReadFiles(c.FederationCertPath(), c.FederationKeyPath());
  if (!identity) {
    return Fail(identity.error().code, "federation TLS identity: " + identity.error().message +
                                           " (create it with `simpulctl init`)");
  }
  p.fed_identity = std::make_unique<crypto::TlsIdentity>(std::move(*identity));
  std::optional<federation::TrustAnchor> anchor;
  if (auto a = federation::ReadTrustAnchor(c.TrustAnchorPath())) {
    anchor = std::move(*a);
  } else if (a.error().code != ErrorCode::kNotFound) {
    return Fail(a.error().code, "trust anchor: " + a.error().message);
  } else {
    LogEvent(spdlog::level::warn, "no_trust_anchor",
             {{"path", c.TrustAnchorPath().string()},
              {"hint", "install the coordinator's anchor with `simpulctl trust install`"}});
  }
  auto signing = crypto::Ed25519KeyPair::FromSeed(p.message_key.Seed().view());
  if (!signing) return tl::unexpected(signing.error());
  p.fed_state =
      std::make_unique<fed::FederationState>(c.node_id, std::move(anchor), std::move(*signing));
  return {};
}

// Connects the parts: commits wake the dispatchers, gaps start pulls, a new directory promotes
// a pending key and re-checks blocked lanes, and case actions go through the exchange.
void WireFederation(NodeApp::Parts& p) {
  fed::GapPuller* puller = p.gap_puller.get();
  p.inbox->SetGapHandler([puller](const std::string& sender, std::int64_t from, std::int64_t to) {
    puller->Pull(sender, from, to);
  });
  fed::Outbox* outbox = p.outbox.get();
  fed::Dispatchers* dispatchers = p.dispatchers.get();
  p.db->SetCommitListener([outbox] { outbox->OnCommit(); });
  outbox->SetWake([dispatchers](const std::string& dest) { dispatchers->Wake(dest); });
  NodeApp::Parts* raw = &p;
  p.dir_sync->OnAccepted([raw] {
    PromoteNextKey(*raw);
    (void)raw->dispatchers->Start();  // lanes blocked on the old directory look again
  });
  p.cases->SetHooks(p.exchange.get());
  p.cases->SetEscalationHooks(p.escalations.get());
}

// The coordinator's witness: it cosigns with the coordinator's log key (the key its directory
// entry lists with use "log"), so anyone holding the directory can check its cosignatures.
Result<void> BuildWitness(NodeApp::Parts& p) {
  auto log_key = crypto::ReadKeyFile(p.config.LogKeyPath());
  if (!log_key) {
    return Fail(log_key.error().code,
                "coordinator log key (the witness key): " + log_key.error().message);
  }
  auto cosigner =
      crypto::Cosigner::Create(federation::WitnessName(p.config.node_id), std::move(*log_key));
  if (!cosigner) return tl::unexpected(cosigner.error());
  LogEvent(spdlog::level::info, "witness_key",
           {{"verifier_key", crypto::FormatNoteVerifierKey(cosigner->verifier_key())}});
  p.witness = std::make_unique<coord::Witness>(*p.fed_state, *p.db, std::move(*cosigner), p.clock);
  p.witness_api =
      std::make_unique<api::WitnessApi>(api::WitnessApi{*p.witness, *p.fed_state, *p.db});
  api::AddWitnessPeerRoutes(*p.fed_router, *p.witness_api);
  api::AddWitnessStaffRoutes(*p.router, *p.witness_api);
  return {};
}

// Coordinator: the national monitoring routes.
void AddMonitorApi(NodeApp::Parts& p) {
  fed::FederationState* state = p.fed_state.get();
  coord::MonitorPolicy policy;
  policy.default_interval = p.config.federation.report_interval;
  p.monitor_api = std::make_unique<api::MonitorApi>(
      api::MonitorApi{*p.db, [state] { return state->directory(); }, p.clock, policy});
  api::AddMonitorRoutes(*p.router, *p.monitor_api);
}

// The federation and escalation metrics, and the witness's and the monitor's on the coordinator
// (null elsewhere).
net::awaitable<void> AppendFederationMetrics(api::FederationApi* fed,
                                             api::EscalationApi* escalations,
                                             api::WitnessApi* witness, api::MonitorApi* monitor,
                                             std::string& out) {
  co_await api::AppendFederationMetrics(*fed, out);
  co_await api::AppendEscalationMetrics(*escalations, out);
  if (witness != nullptr) co_await api::AppendWitnessMetrics(*witness, out);
  if (monitor != nullptr) co_await api::AppendMonitorMetrics(*monitor, out);
}

// The federation routes (peer listener and staff API), metrics, and the mutual-TLS listener.
Result<void> BuildFederationListener(NodeApp::Parts& p) {
  p.fed_api = std::make_unique<api::FederationApi>(api::FederationApi{
      *p.fed_state, *p.inbox, *p.dispatchers, *p.dir_sync, *p.db, *p.cases, p.clock});
  NodeApp::Parts* raw = &p;
  p.fed_router = std::make_unique<http::Router>(
      [raw](std::string token) { return raw->auth->Authenticate(std::move(token)); });
  api::AddFederationPeerRoutes(*p.fed_router, *p.fed_api);
  api::AddFederationStaffRoutes(*p.router, *p.fed_api);
  p.escalation_api = std::make_unique<api::EscalationApi>(
      api::EscalationApi{*p.db, p.config.role == NodeRole::kCoordinator});
  api::AddEscalationRoutes(*p.router, *p.escalation_api);
  if (p.config.role == NodeRole::kCoordinator) {
    if (auto r = BuildWitness(p); !r) return r;
    AddMonitorApi(p);
  }
  api::FederationApi* fed_api = p.fed_api.get();
  api::EscalationApi* escalation_api = p.escalation_api.get();
  api::WitnessApi* witness_api = p.witness_api.get();
  api::MonitorApi* monitor_api = p.monitor_api.get();
  p.api->extra_metrics = [fed_api, escalation_api, witness_api, monitor_api](std::string& out) {
    return AppendFederationMetrics(fed_api, escalation_api, witness_api, monitor_api, out);
  };
  fed::FederationState* state = p.fed_state.get();
  auto ctx = crypto::MakeServerContext(*p.fed_identity, [state](std::string_view spki) {
    return state->NodeForSpki(spki).has_value();
  });
  if (!ctx) return tl::unexpected(ctx.error());
  p.fed_tls = std::make_unique<net::ssl::context>(ctx->release());
  p.fed_server =
      std::make_unique<http::HttpServer>(p.io, *p.fed_router, p.metrics, p.config.limits);
  return {};
}

// The transparency log's /metrics families.
net::awaitable<void> AppendLogMetrics(const tlog::Checkpointer& checkpointer, std::string& out) {
  const tlog::CheckpointerStatus s = checkpointer.status();
  out +=
      "# HELP simpul_tlog_checkpoint_size Leaves in the newest signed checkpoint.\n"
      "# TYPE simpul_tlog_checkpoint_size gauge\nsimpul_tlog_checkpoint_size " +
      std::to_string(s.latest_size) +
      "\n# HELP simpul_tlog_witnessed_size Leaves in the newest witness-cosigned checkpoint.\n"
      "# TYPE simpul_tlog_witnessed_size gauge\nsimpul_tlog_witnessed_size " +
      std::to_string(s.witnessed_size) +
      "\n# HELP simpul_tlog_checkpoints_signed_total Checkpoints signed since start.\n"
      "# TYPE simpul_tlog_checkpoints_signed_total counter\n"
      "simpul_tlog_checkpoints_signed_total " +
      std::to_string(s.checkpoints_signed) +
      "\n# HELP simpul_tlog_witness_refusals_total Checkpoints the witness refused.\n"
      "# TYPE simpul_tlog_witness_refusals_total counter\n"
      "simpul_tlog_witness_refusals_total " +
      std::to_string(s.witness_refusals) +
      "\n# HELP simpul_tlog_broken 1 when the log's leaves were found altered.\n"
      "# TYPE simpul_tlog_broken gauge\nsimpul_tlog_broken " +
      (s.broken.empty() ? "0" : "1") +
      "\n# HELP simpul_tlog_source_mismatches Cases whose rows no longer match their leaves.\n"
      "# TYPE simpul_tlog_source_mismatches gauge\nsimpul_tlog_source_mismatches " +
      std::to_string(s.source_mismatches) + "\n";
  co_return;
}

// The transparency log's checkpointer (signing with keys/log.key), its witness link on a
// federated node, its public routes and metrics. After BuildFederation.
Result<void> BuildTransparencyLog(NodeApp::Parts& p) {
  auto key = crypto::ReadKeyFile(p.config.LogKeyPath());
  if (!key) {
    return Fail(key.error().code, "node log key: " + key.error().message +
                                      " (create the node with `simpulctl init`)");
  }
  auto signer =
      crypto::NoteSigner::Create(federation::LogOrigin(p.config.node_id), std::move(*key));
  if (!signer) return tl::unexpected(signer.error());
  p.checkpointer = std::make_unique<tlog::Checkpointer>(
      p.io, *p.db, std::move(*signer),
      tlog::CheckpointPolicy{p.config.checkpoint_interval, p.config.checkpoint_leaves}, p.clock);
  const bool witnessed = p.fed_state && p.config.role != NodeRole::kCoordinator;
  if (witnessed) {
    p.witness_link = std::make_unique<fed::WitnessLink>(p.io, *p.fed_state, *p.fed_identity);
    p.checkpointer->SetWitness(p.witness_link->Call());
  }
  p.log_service = std::make_unique<tlog::LogService>(*p.db, witnessed);
  api::AddLogRoutes(*p.router, *p.log_service);
  auto previous = std::move(p.api->extra_metrics);
  tlog::Checkpointer* checkpointer = p.checkpointer.get();
  p.api->extra_metrics = [previous, checkpointer](std::string& out) -> net::awaitable<void> {
    if (previous) co_await previous(out);
    co_await AppendLogMetrics(*checkpointer, out);
  };
  return {};
}

Result<void> BuildFederation(NodeApp::Parts& p) {
  if (auto r = LoadFederationState(p); !r) return r;
  const auto& c = p.config;
  p.outbox = std::make_unique<fed::Outbox>(*p.fed_state, p.clock);
  p.escalations = std::make_unique<fed::EscalationExchange>(*p.fed_state, *p.outbox, p.clock);
  p.exchange =
      std::make_unique<fed::CaseExchange>(*p.fed_state, *p.outbox, *p.cases, *p.escalations);
  p.inbox = std::make_unique<fed::Inbox>(*p.fed_state, *p.db, *p.outbox, *p.exchange, p.clock);
  fed::DispatchOptions dispatch;
  dispatch.delivery.base = c.federation.retry_base;
  dispatch.delivery.cap = c.federation.retry_cap;
  dispatch.delivery.breaker_failures = c.federation.breaker_failures;
  p.dispatchers = std::make_unique<fed::Dispatchers>(p.io, *p.fed_state, *p.db, *p.fed_identity,
                                                     dispatch, p.clock);
  p.dir_sync =
      std::make_unique<fed::DirectorySync>(p.io, c, *p.fed_state, *p.db, *p.fed_identity, p.clock);
  if (auto r = p.dir_sync->LoadStored(); !r) return r;
  p.gap_puller = std::make_unique<fed::GapPuller>(p.io, *p.fed_state, *p.inbox, *p.fed_identity);
  if (c.role == NodeRole::kCoordinator) {
    p.monitor_ingest = std::make_unique<fed::MonitorIngest>(p.clock, c.utc_offset);
    p.exchange->SetMonitor(p.monitor_ingest.get());
  } else {
    p.reporter = std::make_unique<fed::Reporter>(
        p.io, *p.fed_state, *p.db, *p.outbox, p.clock,
        fed::ReporterOptions{.interval = c.federation.report_interval});
  }
  WireFederation(p);
  return BuildFederationListener(p);
}

// The web UI from [http] web_root (or the default). A node without its web files still serves
// the API: the web routes then answer 404 saying what to set.
http::StaticSite LoadWebUi(const NodeConfig& c) {
  const std::filesystem::path root = c.web_root.empty() ? http::DefaultWebRoot() : c.web_root;
  auto site = http::StaticSite::Load(root);
  if (!site) {
    LogEvent(spdlog::level::warn, "web_ui_unavailable", {{"error", site.error().message}});
    return http::StaticSite(site.error().message);
  }
  for (const auto& name : site->skipped()) {
    LogEvent(spdlog::level::warn, "web_file_outside_root", {{"file", name}});
  }
  LogEvent(spdlog::level::info, "web_ui_loaded",
           {{"root", root.string()}, {"files", site->size()}});
  return std::move(*site);
}

// The Open311 GeoReport v2 facade and its key routes. Discovery's URL is completed by Start when
// the config gives none (the port may be chosen at bind time).
void AddOpen311(NodeApp::Parts& p) {
  const auto& o = p.config.open311;
  p.open311_keys = std::make_unique<service::Open311Keys>(*p.db, p.clock, o.requests_per_minute);
  api::DiscoveryInfo discovery{api::FormatTime(p.clock()), o.contact, o.key_service,
                               o.public_url.empty() ? "" : o.public_url + "/open311/v2"};
  p.open311_api = std::make_unique<api::Open311Api>(
      api::Open311Api{*p.cases, *p.open311_keys, *p.catalog, *p.db, p.clock, p.config.name,
                      p.config.region, std::move(discovery)});
  api::AddOpen311Routes(*p.router, *p.open311_api);
}

}  // namespace

NodeApp::NodeApp(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

NodeApp::~NodeApp() {
  Stop();
  // The database's threads may still complete jobs whose results are posted to the io_context;
  // drain and join them while the io_context is alive (members die in reverse order, io first).
  parts_->db.reset();
}

const NodeConfig& NodeApp::config() const { return parts_->config; }

Result<std::unique_ptr<NodeApp>> NodeApp::Create(NodeConfig config, service::Clock clock) {
  if (auto keys = CheckSecretKeyFiles(config); !keys) return tl::unexpected(keys.error());
  auto msg_key = crypto::ReadKeyFile(config.MessageKeyPath());
  if (!msg_key) {
    return Fail(msg_key.error().code, "node message key: " + msg_key.error().message +
                                          " (create the node with `simpulctl init`)");
  }
  auto data_key = crypto::ReadSecretKeyFile(config.DataKeyPath());
  if (!data_key) {
    return Fail(data_key.error().code, "node data key: " + data_key.error().message +
                                           " (create the node with `simpulctl init`)");
  }
  auto p = std::make_unique<Parts>(std::move(config), std::move(clock), std::move(*msg_key),
                                   std::move(*data_key));
  const auto& c = p->config;
  auto db = store::Database::Open({c.DatabasePath(), c.db_readers}, store::SchemaMigrations());
  if (!db) return tl::unexpected(db.error());
  p->db = std::move(*db);
  p->blobs = std::make_unique<store::BlobStore>(c.BlobDir());
  auto calendar = BuildCalendar(c);
  if (!calendar) return tl::unexpected(calendar.error());
  p->calendar = std::make_unique<domain::WorkingCalendar>(std::move(*calendar));
  p->catalog = std::make_unique<service::Catalog>(*p->db, domain::RegionRegistry::Builtin());
  if (auto r = p->catalog->Load(); !r) return tl::unexpected(r.error());
  service::CaseServiceConfig case_config{
      c.node_id, service::TrackingPrefix(c.node_id), {}, c.sla, c.escalation};
  case_config.limits.max_attachment_bytes =
      std::min<std::size_t>(case_config.limits.max_attachment_bytes, c.max_upload_bytes);
  p->cases =
      std::make_unique<service::CaseService>(case_config, *p->db, *p->blobs, *p->catalog,
                                             *p->calendar, p->message_key, p->data_key, p->clock);
  p->auth = std::make_unique<service::AuthService>(*p->db, p->clock, c.session_ttl);
  p->accounts =
      std::make_unique<service::AccountService>(*p->db, p->clock, service::kStaffPasswordCost);
  auto tls = BuildTls(c);
  if (!tls) return tl::unexpected(tls.error());
  p->tls = std::move(*tls);

  api::NodeInfo info{c.node_id,
                     c.name,
                     std::string(Name(c.node_class)),
                     c.region,
                     std::string(Name(c.role)),
                     "0.1.0",
                     static_cast<int>(c.utc_offset.count()),
                     crypto::Base64Encode(p->message_key.public_key().bytes),
                     crypto::KeyId(p->message_key.public_key())};
  Parts* raw = p.get();
  p->api = std::make_unique<api::ApiContext>(
      api::ApiContext{*p->cases, *p->auth, *p->accounts, *p->catalog, *p->db, p->metrics, p->clock,
                      std::move(info), [raw] { return raw->ready.load(); }, c.max_upload_bytes,
                      /*extra_metrics=*/{}});
  p->router = std::make_unique<http::Router>(
      [raw](std::string token) { return raw->auth->Authenticate(std::move(token)); });
  api::AddAllRoutes(*p->router, *p->api);
  AddOpen311(*p);
  p->web = std::make_unique<http::StaticSite>(LoadWebUi(c));
  api::AddWebRoutes(*p->router, *p->web);
  p->server = std::make_unique<http::HttpServer>(p->io, *p->router, p->metrics, c.limits);
  if (c.federation.enabled()) {
    if (auto r = BuildFederation(*p); !r) return tl::unexpected(r.error());
  }
  if (auto r = BuildTransparencyLog(*p); !r) return tl::unexpected(r.error());
  return std::unique_ptr<NodeApp>(new NodeApp(std::move(p)));
}

Result<std::uint16_t> NodeApp::Start() {
  auto& p = *parts_;
  auto port = p.server->Listen(p.config.listen_address, p.config.listen_port, p.tls.get());
  if (!port) return port;
  if (p.config.open311.public_url.empty()) {
    p.open311_api->discovery.url = std::string(p.tls ? "https://" : "http://") +
                                   p.config.listen_address + ":" + std::to_string(*port) +
                                   "/open311/v2";
  }
  p.server->Start();
  std::optional<std::uint16_t> fed_port;
  if (p.fed_server) {
    const auto& f = p.config.federation;
    auto bound = p.fed_server->Listen(f.listen_address, *f.listen_port, p.fed_tls.get());
    if (!bound) {
      p.server->Stop();
      return Fail(bound.error().code, "federation listener: " + bound.error().message);
    }
    fed_port = *bound;
    p.fed_server->Start();
    if (auto r = p.dispatchers->Start(); !r) return tl::unexpected(r.error());
    p.dir_sync->Start();
    p.peer_status_timer = std::make_unique<net::steady_timer>(p.io);
    net::co_spawn(p.io, PeerStatusLoop(&p), net::detached);
    if (p.reporter) p.reporter->Start();
  }
  p.sweep_timer = std::make_unique<net::steady_timer>(p.io);
  net::co_spawn(p.io, SweepLoop(&p), net::detached);
  p.checkpointer->Start();
  for (int i = 0; i < std::max(1, p.config.io_threads); ++i) {
    p.threads.emplace_back([&p] { p.io.run(); });
  }
  p.ready = true;
  LogEvent(spdlog::level::info, "node_started",
           {{"node_id", p.config.node_id},
            {"address", p.config.listen_address},
            {"port", *port},
            {"tls", p.tls != nullptr},
            {"federation_port", fed_port ? nlohmann::json(*fed_port) : nlohmann::json(nullptr)},
            {"schema_version", p.db->schema_version()}});
  return port;
}

void NodeApp::Stop() {
  auto& p = *parts_;
  if (p.stopped) return;
  p.stopped = true;
  p.ready = false;
  p.server->Stop();
  if (p.fed_server) {
    p.fed_server->Stop();
    p.dispatchers->Stop();
    p.dir_sync->Stop();
    if (p.peer_status_timer) net::post(p.io, [&p] { p.peer_status_timer->cancel(); });
    if (p.reporter) p.reporter->Stop();
  }
  if (p.sweep_timer) net::post(p.io, [&p] { p.sweep_timer->cancel(); });
  p.checkpointer->Stop();
  // Let in-flight exchanges finish (bounded: idle keep-alive connections are not waited for).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (p.metrics.open_connections() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  p.io.stop();
  for (auto& t : p.threads) t.join();
  p.threads.clear();
  LogEvent(spdlog::level::info, "node_stopped", {{"node_id", p.config.node_id}});
}

namespace {

net::awaitable<void> SweepLoop(NodeApp::Parts* p) {
  for (;;) {
    p->sweep_timer->expires_after(p->config.sweep_interval);
    auto [ec] = co_await p->sweep_timer->async_wait(net::as_tuple(net::use_awaitable));
    if (ec) co_return;
    auto report = co_await p->cases->Sweep();
    if (!report) {
      LogEvent(spdlog::level::warn, "sweep_failed", {{"error", report.error().message}});
    } else if (report->auto_closed + report->escalated + report->escalated_beyond + report->failed >
               0) {
      LogEvent(spdlog::level::info, "sweep",
               {{"auto_closed", report->auto_closed},
                {"escalated", report->escalated},
                {"escalated_beyond", report->escalated_beyond},
                {"failed", report->failed},
                {"last_error", report->last_error}});
    }
  }
}

}  // namespace

}  // namespace simpul
