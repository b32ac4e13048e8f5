// A small federation for the browser tests: a coordinator (coord:panrb), a ministry (kl:pupr) and
// a regency (kab:32.04), real simpuld processes on loopback with real mutual TLS, built the way the
// forwarding benchmark builds them (simpulctl init, enroll, directory add, anchor, trust install).
//
//   federation_launcher [--report-interval-s 1] [--web-config TOML]
//
// Members send node.report and case.meta every --report-interval-s. Each member gets
// kSeededCases complaints (some verified) so the coordinator has SLA figures and trends, and the
// ministry one more complaint left `submitted` for a test to verify and forward from the console.
// The launcher waits until the coordinator has a report from both members counting those cases,
// prints one line of JSON (URLs, admin passwords, node ids, the case to forward), then waits for
// standard input to close and takes every node and its temp dir down. Exit 1 when a step fails
// (the message goes to standard error).
#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "tests/bench/two_node_federation.hpp"

namespace {

using nlohmann::json;
using simpul::ErrorCode;
using simpul::Fail;
using simpul::Result;
using simpul::testing::HttpClient;
using simpul::testing::NodeProcess;
namespace bench = simpul::bench;

constexpr int kSeededCases = 12;    // at least the SLA ranking's default min_cases (10)
constexpr int kVerifiedCases = 8;   // of those, verified (so the verify clock has met figures)
constexpr auto kStartTimeout = std::chrono::seconds(60);
constexpr auto kReportTimeout = std::chrono::seconds(60);

struct Options {
  int report_interval_s = 1;
  std::string web_config;  // TOML appended to every node's config (the web assets' location)
};

// The three nodes; each takes its temp dir away when destroyed.
struct Nodes {
  std::unique_ptr<NodeProcess> coordinator, ministry, regency;
};

// Appends `extra` to the node's config and sets its report interval.
Result<void> Configure(NodeProcess& node, const Options& options) {
  std::stringstream text;
  text << std::ifstream(node.config_path()).rdbuf();
  std::string config = text.str();
  const std::string key = "report_interval_s = ";
  if (auto at = config.find(key); at != std::string::npos) {
    config.replace(at, config.find('\n', at) - at,
                   key + std::to_string(options.report_interval_s));
  }
  config += "\n[transparency]\ncheckpoint_interval_s = 1\n";
  if (!options.web_config.empty()) config += "\n" + options.web_config + "\n";
  std::ofstream out(node.config_path(), std::ios::trunc);
  out << config;
  if (!out) return Fail(ErrorCode::kInternal, "cannot write " + node.config_path().string());
  return {};
}

// Enrolls the members with the coordinator and installs its trust anchor at each.
Result<void> Register(Nodes& n) {
  for (NodeProcess* node : {n.ministry.get(), n.regency.get()}) {
    const std::string request = (node->dir() / "enroll.json").string();
    if (auto r = bench::RunCtl(*node, {"enroll", "--out", request}); !r) return r;
    if (auto r = bench::RunCtl(*n.coordinator, {"directory", "add", request}); !r) return r;
  }
  const std::string anchor = (n.coordinator->dir() / "anchor.json").string();
  if (auto r = bench::RunCtl(*n.coordinator, {"directory", "anchor", "--out", anchor}); !r) {
    return r;
  }
  for (NodeProcess* node : {n.ministry.get(), n.regency.get()}) {
    if (auto r = bench::RunCtl(*node, {"trust", "install", anchor}); !r) return r;
  }
  return {};
}

Result<Nodes> Build(const Options& options) {
  Nodes n;
  auto coordinator = bench::MakeFederatedNode("coord:panrb", "", {"--class", "coordinator"});
  if (!coordinator) return tl::unexpected(coordinator.error());
  n.coordinator = std::move(*coordinator);
  auto ministry = bench::MakeFederatedNode(bench::kSenderId, "",
                                           {"--class", "ministry", "--categories", "infrastruktur"});
  if (!ministry) return tl::unexpected(ministry.error());
  n.ministry = std::move(*ministry);
  auto regency = bench::MakeFederatedNode(bench::kReceiverId, "32.04", {"--class", "regency"});
  if (!regency) return tl::unexpected(regency.error());
  n.regency = std::move(*regency);
  for (NodeProcess* node : {n.coordinator.get(), n.ministry.get(), n.regency.get()}) {
    if (auto r = Configure(*node, options); !r) return tl::unexpected(r.error());
  }
  if (auto r = Register(n); !r) return tl::unexpected(r.error());
  if (auto r = n.regency->AddUnit("dinas-pu", "Dinas Pekerjaan Umum"); !r) {
    return tl::unexpected(r.error());
  }
  return n;
}

// Files a complaint about `category` in 32.04 and returns its tracking id.
Result<std::string> File(HttpClient& client, const std::string& category, const std::string& title,
                         const std::string& body) {
  const std::string request = json{{"category", category},
                                   {"title", title},
                                   {"body", body},
                                   {"region", "32.04"},
                                   {"reporter", {{"name", "Siti Aminah"}, {"phone", "081234567890"}}}}
                                  .dump();
  auto reply = bench::Call(client, "POST", "/api/v1/complaints", request, "", 201);
  if (!reply) return tl::unexpected(reply.error());
  return json::parse(*reply).at("tracking_id").get<std::string>();
}

// Files kSeededCases complaints at `node` (category `category` and its siblings) and verifies the
// first kVerifiedCases of them.
Result<void> Seed(NodeProcess& node, const std::vector<std::string>& categories) {
  auto token = bench::AdminToken(node);
  if (!token) return tl::unexpected(token.error());
  HttpClient client(node.port());
  for (int i = 0; i < kSeededCases; ++i) {
    const std::string& category = categories[static_cast<std::size_t>(i) % categories.size()];
    auto id = File(client, category, "Laporan uji " + std::to_string(i + 1),
                   "Keluhan warga tentang layanan publik di Kabupaten Bandung.");
    if (!id) return tl::unexpected(id.error());
    if (i >= kVerifiedCases) continue;
    if (auto r = bench::Call(client, "POST", "/api/v1/cases/" + *id + "/verify", "{}", *token, 200);
        !r) {
      return tl::unexpected(r.error());
    }
  }
  return {};
}

// Waits until the coordinator's federation table counts at least kSeededCases cases for both
// members, i.e. their node.report and case.meta records have arrived.
Result<void> WaitForReports(NodeProcess& coordinator) {
  auto token = bench::AdminToken(coordinator);
  if (!token) return tl::unexpected(token.error());
  HttpClient client(coordinator.port());
  const auto deadline = std::chrono::steady_clock::now() + kReportTimeout;
  std::string last;
  while (std::chrono::steady_clock::now() < deadline) {
    auto body = bench::Call(client, "GET", "/api/v1/monitor/nodes", "", *token, 200);
    last = body ? *body : body.error().message;
    int reported = 0;
    const json table = body ? json::parse(*body, nullptr, false) : json();
    if (table.is_object() && table["nodes"].is_array()) {
      for (const auto& row : table["nodes"]) {
        if (row.value("cases", 0) >= kSeededCases && !row["last_seen_at"].is_null()) ++reported;
      }
    }
    if (reported >= 2) return {};
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return Fail(ErrorCode::kUnavailable, "the coordinator never counted both members: " + last);
}

json NodeJson(const NodeProcess& node, const std::string& id) {
  return json{{"node_id", id},
              {"url", "http://127.0.0.1:" + std::to_string(node.port())},
              {"username", "admin"},
              {"password", node.admin_password()}};
}

Result<json> Launch(const Options& options, Nodes& n) {
  auto built = Build(options);
  if (!built) return tl::unexpected(built.error());
  n = std::move(*built);
  for (NodeProcess* node : {n.coordinator.get(), n.ministry.get(), n.regency.get()}) {
    if (auto r = node->Start(); !r) return tl::unexpected(r.error());
  }
  for (NodeProcess* node : {n.ministry.get(), n.regency.get()}) {
    bench::TwoNodeFederation waiter;
    if (auto r = waiter.WaitForDirectory(*node, kStartTimeout); !r) {
      return tl::unexpected(r.error());
    }
  }
  if (auto r = Seed(*n.ministry, {"infrastruktur.jalan", "infrastruktur.jembatan"}); !r) {
    return tl::unexpected(r.error());
  }
  if (auto r = Seed(*n.regency, {"kesehatan.puskesmas", "pendidikan.ppdb", "lingkungan.sampah"});
      !r) {
    return tl::unexpected(r.error());
  }
  HttpClient ministry(n.ministry->port());
  auto to_forward = File(ministry, "infrastruktur.jalan", "Jalan desa rusak berat",
                         "Jalan penghubung desa di Kecamatan Soreang berlubang dan banjir.");
  if (!to_forward) return tl::unexpected(to_forward.error());
  if (auto r = WaitForReports(*n.coordinator); !r) return tl::unexpected(r.error());
  return json{{"coordinator", NodeJson(*n.coordinator, "coord:panrb")},
              {"ministry", NodeJson(*n.ministry, bench::kSenderId)},
              {"regency", NodeJson(*n.regency, bench::kReceiverId)},
              {"regency_unit", "dinas-pu"},
              {"case_to_forward", *to_forward},
              {"seeded_cases", kSeededCases}};
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"Starts a coordinator, a ministry and a regency for the browser tests"};
  app.add_option("--report-interval-s", options.report_interval_s,
                 "members' node.report interval in seconds")
      ->check(CLI::Range(1, 300));
  app.add_option("--web-config", options.web_config, "TOML appended to every node's config");
  CLI11_PARSE(app, argc, argv);
  Nodes nodes;
  auto launched = Launch(options, nodes);
  if (!launched) {
    std::cerr << "federation_launcher: " << launched.error().message << "\n";
    return 1;
  }
  std::cout << launched->dump() << std::endl;
  std::string ignored((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  return 0;
}
