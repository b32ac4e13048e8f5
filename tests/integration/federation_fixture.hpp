#pragma once
// A small federation of real processes on loopback with real mutual TLS: a coordinator and
// member nodes, each initialised, enrolled, registered, given the trust anchor and started, the
// way an operator would with simpulctl. Ports are fixed before init because the directory
// publishes each node's endpoint.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/ed25519.hpp"
#include "crypto/uuid.hpp"
#include "federation/envelope.hpp"
#include "tests/integration/node_api.hpp"
#include "tests/support/node_process.hpp"

namespace simpul::testing {

// A loopback port nothing listens on right now (the kernel's choice; a tiny reuse race remains).
inline std::uint16_t FreeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// A case.forward from `from` to `to` at `seq` of their stream (after the envelope hashed `prev`),
// sealed with `from`'s message key: a complaint about a closed puskesmas in 32.04, filed by the
// citizen at `submitted_at`. For tests that speak as a member node.
inline std::string SealedForward(const crypto::Ed25519KeyPair& key, const std::string& from,
                                 const std::string& to, std::int64_t seq, const std::string& prev,
                                 std::int64_t dir_version, const std::string& tracking_id,
                                 std::chrono::sys_time<std::chrono::milliseconds> submitted_at) {
  const auto now =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  federation::EnvelopeDraft draft;
  draft.type = federation::MessageType::kCaseForward;
  draft.msg_id = crypto::NewUuidV7(now);
  draft.from = from;
  draft.to = to;
  draft.stream = from + ">" + to;
  draft.seq = seq;
  draft.prev = prev;
  draft.created_at = now;
  draft.dir_version = dir_version;
  draft.case_id = tracking_id;
  draft.body = nlohmann::json{{"case",
                               {{"tracking_id", tracking_id},
                                {"classification", "complaint"},
                                {"category", "kesehatan.puskesmas"},
                                {"title", "Puskesmas tutup"},
                                {"body", "Puskesmas di desa kami tutup sejak pagi."},
                                {"region", "32.04"},
                                {"anonymous", true},
                                {"confidential", false},
                                {"submitted_at", submitted_at.time_since_epoch().count()},
                                {"origin", from}}}}
                   .dump();
  auto sealed = federation::SealEnvelope(draft, key);
  EXPECT_TRUE(sealed) << sealed.error().message;
  return sealed.value_or("");
}

struct MemberSpec {
  std::string id;
  std::string region;                  // "" for ministries
  std::vector<std::string> init_args;  // --class, --parent, --regions, --categories ...
};

class Federation {
 public:
  // Members send node.report and case.meta every `seconds` (call before Build); otherwise the
  // default interval (5 min) means no reports during a test.
  void ReportEvery(int seconds) { report_interval_s_ = seconds; }
  // Every node logs at `level` in `format` ("text" or "json"; call before Build).
  void LogAs(std::string level, std::string format) {
    log_level_ = std::move(level);
    log_format_ = std::move(format);
  }

  // Creates (not starts) the coordinator and `members`, registers every member and installs the
  // trust anchor everywhere. Fails the test on any step.
  void Build(const std::vector<MemberSpec>& members) {
    auto coord = Make("coord:panrb", "", {"--class", "coordinator"});
    ASSERT_TRUE(coord);
    coordinator_ = std::move(coord);
    for (const auto& m : members) {
      auto node = Make(m.id, m.region, m.init_args);
      ASSERT_TRUE(node);
      const std::string request = (node->dir() / "enroll.json").string();
      Expect(*node, {"enroll", "--out", request});
      Expect(*coordinator_, {"directory", "add", request});
      nodes_[m.id] = std::move(node);
    }
    const std::string anchor = (coordinator_->dir() / "anchor.json").string();
    Expect(*coordinator_, {"directory", "anchor", "--out", anchor});
    for (auto& [id, node] : nodes_) Expect(*node, {"trust", "install", anchor});
  }

  // Starts the coordinator and every member except those in `not_started` (which a test may
  // impersonate with the member's own keys).
  void StartAll(const std::set<std::string>& not_started = {}) {
    auto started = coordinator_->Start();
    ASSERT_TRUE(started) << started.error().message;
    for (auto& [id, node] : nodes_) {
      if (not_started.count(id) > 0) continue;
      auto r = node->Start();
      ASSERT_TRUE(r) << id << ": " << r.error().message;
    }
    for (auto& [id, node] : nodes_) {
      if (not_started.count(id) == 0) WaitForDirectory(id);
    }
  }

  // The federation endpoint ("https://127.0.0.1:port") written in the member's config.
  std::string Endpoint(const std::string& id) {
    std::ifstream in(node(id).config_path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string cfg = text.str();
    const auto at = cfg.find("endpoint = \"") + 12;
    return cfg.substr(at, cfg.find('"', at) - at);
  }

  NodeProcess& coordinator() { return *coordinator_; }
  // Signs in as the coordinator's admin (cached).
  std::string CoordinatorToken() {
    if (coordinator_token_.empty()) {
      coordinator_token_ =
          NodeApi(coordinator_->port()).Login("admin", coordinator_->admin_password());
    }
    return coordinator_token_;
  }
  NodeProcess& node(const std::string& id) { return *nodes_.at(id); }

  // Signs in as the node's admin (cached).
  std::string Token(const std::string& id) {
    auto& token = tokens_[id];
    if (token.empty()) token = NodeApi(node(id).port()).Login("admin", node(id).admin_password());
    return token;
  }

  // Waits until the node holds a current directory that lists every member.
  void WaitForDirectory(const std::string& id,
                        std::chrono::seconds timeout = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string last;
    while (std::chrono::steady_clock::now() < deadline) {
      NodeApi api(node(id).port());
      ApiReply r = api.Get("/api/v1/federation/peers", Token(id));
      last = r.body;
      if (r.status == 200 && r.json["directory"].is_object() &&
          !r.json["directory"].value("expired", true)) {
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << id << " never got a directory: " << last << "\n" << node(id).LogTail();
  }

  // Polls `probe` every 50 ms until it returns true or `timeout` passes.
  template <class Probe>
  static bool Eventually(Probe probe, std::chrono::seconds timeout = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (probe()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return probe();
  }

 private:
  std::unique_ptr<NodeProcess> Make(const std::string& id, const std::string& region,
                                    std::vector<std::string> args) const {
    const std::uint16_t port = FreeLoopbackPort();
    args.push_back("--federation-listen");
    args.push_back("127.0.0.1:" + std::to_string(port));
    auto node = NodeProcess::Create({id, region, args, ""});
    EXPECT_TRUE(node) << id << ": " << node.error().message;
    if (!node) return nullptr;
    // Poll the directory every second instead of every minute; retry a peer after 0.1-1 s.
    std::ifstream in((*node)->config_path());
    std::stringstream text;
    text << in.rdbuf();
    std::string config = text.str();
    const std::string key = "poll_interval_s = ";
    if (auto at = config.find(key); at != std::string::npos) {
      config.replace(at, config.find('\n', at) - at,
                     key + "1\nretry_base_ms = 100\nretry_cap_ms = 1000");
    }
    const std::string report_key = "report_interval_s = ";
    if (auto at = config.find(report_key); at != std::string::npos && report_interval_s_ > 0) {
      config.replace(at, config.find('\n', at) - at,
                     report_key + std::to_string(report_interval_s_));
    }
    if (!log_level_.empty()) {
      // `simpulctl init` writes "[log]\nlevel = ...\nformat = ...\n"; replace those two lines.
      const auto at = config.find("\n[log]\n");
      const auto end = at == std::string::npos ? at : config.find("\nformat = ", at);
      if (end != std::string::npos) {
        config.replace(at, config.find('\n', end + 1) - at,
                       "\n[log]\nlevel = \"" + log_level_ + "\"\nformat = \"" + log_format_ + "\"");
      }
    }
    // Checkpoint the transparency log every second instead of every ten.
    config += "\n[transparency]\ncheckpoint_interval_s = 1\n";
    std::ofstream((*node)->config_path(), std::ios::trunc) << config;
    return std::move(*node);
  }

  static void Expect(const NodeProcess& process, const std::vector<std::string>& args) {
    auto run = process.Ctl(args);
    ASSERT_TRUE(run) << run.error().message;
    ASSERT_EQ(run->exit_code, 0) << args[0] << ": " << run->out;
  }

  int report_interval_s_ = 0;           // 0: the config's default
  std::string log_level_, log_format_;  // empty: the config's default
  std::unique_ptr<NodeProcess> coordinator_;
  std::map<std::string, std::unique_ptr<NodeProcess>> nodes_;
  std::map<std::string, std::string> tokens_;
  std::string coordinator_token_;
};

}  // namespace simpul::testing
