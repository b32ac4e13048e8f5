// simpulctl peers: the federation as this node sees it — per destination the outbox backlog, the
// age of the oldest undelivered envelope, breaker state and last error; per sender what the inbox
// holds; the directory in force; equivocation evidence. Reads the database (works with the node
// stopped) and the delivery state the running node writes every 2 s.
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "admin/commands.hpp"
#include "node/store/database.hpp"
#include "node/store/federation_store.hpp"
#include "node/store/schema.hpp"

namespace simpul::admin {
namespace {

using nlohmann::json;

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct InboxSummary {
  std::string sender;
  std::int64_t applied = 0, held = 0, dead = 0;
};

struct Snapshot {
  std::vector<store::OutboxBacklog> backlog;
  std::vector<InboxSummary> inbox;
  std::optional<store::DirectoryRow> directory;
  std::int64_t evidence = 0;
};

Result<Snapshot> ReadSnapshot(store::Connection& c) {
  Snapshot s;
  auto backlog = store::FederationStore::Backlog(c);
  if (!backlog) return tl::unexpected(backlog.error());
  s.backlog = std::move(*backlog);
  auto stmt = c.Prepare(
      "SELECT sender, sum(state = 'applied'), sum(state = 'held'), sum(state = 'dead') "
      "FROM fed_inbox GROUP BY sender ORDER BY sender");
  if (!stmt) return tl::unexpected(stmt.error());
  for (;;) {
    auto row = stmt->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    s.inbox.push_back({stmt->Text(0), stmt->Int(1), stmt->Int(2), stmt->Int(3)});
  }
  auto dir = store::FederationStore::LatestDirectory(c);
  if (!dir) return tl::unexpected(dir.error());
  s.directory = std::move(*dir);
  auto evidence = store::FederationStore::CountEvidence(c);
  if (!evidence) return tl::unexpected(evidence.error());
  s.evidence = *evidence;
  return s;
}

// The running node's delivery state, or an empty object.
json LiveState(const NodeConfig& config) {
  std::ifstream in(config.PeerStatusPath());
  if (!in) return json::object();
  std::stringstream text;
  text << in.rdbuf();
  auto doc = json::parse(text.str(), nullptr, false);
  return doc.is_object() ? doc : json::object();
}

int RunPeers(const CommonOptions& common) {
  auto config = LoadConfigOrExplain(common);
  if (!config) return Report(common, config.error(), 2);
  if (!config->federation.enabled()) {
    return Report(common,
                  {ErrorCode::kInvalidArgument, "federation is not configured in " +
                                                    common.config_path + " ([federation] listen)"},
                  2);
  }
  auto db = store::Database::Open({config->DatabasePath(), 1}, store::SchemaMigrations());
  if (!db) return Report(common, db.error());
  auto snap = (*db)->ReadSync<Snapshot>(ReadSnapshot);
  if (!snap) return Report(common, snap.error());
  const json live = LiveState(*config);
  const std::int64_t now = NowMs();
  const std::int64_t written = live.value("written_at", std::int64_t{0});
  const bool fresh = written > 0 && now - written < 10000;
  json peers = json::array();
  for (const auto& b : snap->backlog) {
    json p = {{"dest", b.dest},
              {"pending", b.pending},
              {"oldest_pending_age_s",
               b.oldest_pending_at ? json((now - *b.oldest_pending_at) / 1000) : json(nullptr)},
              {"delivered", b.delivered},
              {"breaker", nullptr},
              {"consecutive_failures", nullptr},
              {"last_error", nullptr}};
    for (const auto& l : live.value("peers", json::array())) {
      if (fresh && l.value("dest", "") == b.dest) {
        p["breaker"] = l["breaker"];
        p["consecutive_failures"] = l["consecutive_failures"];
        p["last_error"] = l["last_error"];
      }
    }
    peers.push_back(std::move(p));
  }
  json inbox = json::array();
  for (const auto& i : snap->inbox) {
    inbox.push_back(
        {{"sender", i.sender}, {"applied", i.applied}, {"held", i.held}, {"dead", i.dead}});
  }
  json directory =
      snap->directory ? json{{"version", snap->directory->version}, {"etag", snap->directory->etag}}
                      : json(nullptr);
  if (common.json) {
    std::cout << json{{"node_id", config->node_id},
                      {"node_running", fresh},
                      {"directory", directory},
                      {"peers", peers},
                      {"inbox", inbox},
                      {"equivocation_evidence", snap->evidence}}
                     .dump(2)
              << "\n";
    return 0;
  }
  std::cout << "Node " << config->node_id << " — directory "
            << (snap->directory ? "version " + std::to_string(snap->directory->version)
                                : std::string("none yet (install the trust anchor)"))
            << (fresh ? "" : "; node not running (delivery state unknown)") << "\n\n";
  std::cout << std::left << std::setw(16) << "DESTINATION" << std::setw(9) << "PENDING"
            << std::setw(12) << "OLDEST(s)" << std::setw(11) << "DELIVERED" << std::setw(11)
            << "BREAKER"
            << "LAST ERROR\n";
  for (const auto& p : peers) {
    std::cout << std::setw(16) << p["dest"].get<std::string>() << std::setw(9)
              << p["pending"].get<std::int64_t>() << std::setw(12)
              << (p["oldest_pending_age_s"].is_null() ? std::string("-")
                                                      : p["oldest_pending_age_s"].dump())
              << std::setw(11) << p["delivered"].get<std::int64_t>() << std::setw(11)
              << (p["breaker"].is_null() ? std::string("?") : p["breaker"].get<std::string>())
              << (p["last_error"].is_string() ? p["last_error"].get<std::string>() : "") << "\n";
  }
  if (peers.empty()) std::cout << "(nothing sent yet)\n";
  std::cout << "\n"
            << std::setw(16) << "FROM" << std::setw(9) << "APPLIED" << std::setw(6) << "HELD"
            << "DEAD\n";
  for (const auto& i : snap->inbox) {
    std::cout << std::setw(16) << i.sender << std::setw(9) << i.applied << std::setw(6) << i.held
              << i.dead << "\n";
  }
  if (snap->evidence > 0) {
    std::cout << "\nWARNING: " << snap->evidence
              << " equivocation record(s) kept as evidence (fed_evidence): a peer signed two "
                 "different envelopes for one position. Report it to the coordinator.\n";
  }
  return 0;
}

}  // namespace

void AddPeersCommand(CLI::App& app, CommonOptions& common, Command& command) {
  app.add_subcommand("peers",
                     "Federation peers and queues: outbox backlog, breaker, last error, inbox")
      ->alias("queues")
      ->callback([&] { command = [&] { return RunPeers(common); }; });
}

}  // namespace simpul::admin
