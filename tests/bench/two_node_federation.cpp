#include "tests/bench/two_node_federation.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace simpul::bench {

using testing::NodeProcess;

// The directory publishes each node's federation endpoint, so it is fixed before init.
Result<std::uint16_t> FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return Fail(ErrorCode::kUnavailable, "socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  ::close(fd);
  if (!ok) return Fail(ErrorCode::kUnavailable, "cannot bind a loopback port");
  return ntohs(addr.sin_port);
}

Result<std::unique_ptr<NodeProcess>> MakeFederatedNode(const std::string& id,
                                                       const std::string& region,
                                                       std::vector<std::string> args,
                                                       const FederatedNodeOptions& options) {
  std::uint16_t port = options.listen_port;
  if (port == 0) {
    auto free_port = FreeLoopbackPort();
    if (!free_port) return tl::unexpected(free_port.error());
    port = *free_port;
  }
  args.push_back("--federation-listen");
  args.push_back("127.0.0.1:" + std::to_string(port));
  if (options.published_port != 0) {
    args.push_back("--federation-endpoint");
    args.push_back("https://127.0.0.1:" + std::to_string(options.published_port));
  }
  auto node = NodeProcess::Create({id, region, args, ""});
  if (!node) return Fail(node.error().code, id + ": " + node.error().message);
  std::stringstream text;
  text << std::ifstream((*node)->config_path()).rdbuf();
  std::string config = text.str();
  const std::string key = "poll_interval_s = ";
  const auto at = config.find(key);
  if (at == std::string::npos) {
    return Fail(ErrorCode::kInternal, id + ": no poll_interval_s in the generated config");
  }
  config.replace(at, config.find('\n', at) - at,
                 key + "1\nretry_base_ms = 100\nretry_cap_ms = 1000");
  if (!options.extra_config.empty()) config += "\n" + options.extra_config + "\n";
  std::ofstream((*node)->config_path(), std::ios::trunc) << config;
  return std::move(*node);
}

Result<void> RunCtl(const NodeProcess& process, const std::vector<std::string>& args) {
  auto run = process.Ctl(args);
  if (!run) return tl::unexpected(run.error());
  if (run->exit_code != 0) {
    return Fail(ErrorCode::kInternal, "simpulctl " + args[0] + " failed: " + run->out);
  }
  return {};
}

Result<std::unique_ptr<TwoNodeFederation>> TwoNodeFederation::Build() {
  auto fed = std::make_unique<TwoNodeFederation>();
  auto coordinator = MakeFederatedNode("coord:panrb", "", {"--class", "coordinator"});
  if (!coordinator) return tl::unexpected(coordinator.error());
  fed->coordinator_ = std::move(*coordinator);
  auto sender =
      MakeFederatedNode(kSenderId, "", {"--class", "ministry", "--categories", "infrastruktur"});
  if (!sender) return tl::unexpected(sender.error());
  fed->sender_ = std::move(*sender);
  auto receiver = MakeFederatedNode(kReceiverId, "32.04", {"--class", "regency"});
  if (!receiver) return tl::unexpected(receiver.error());
  fed->receiver_ = std::move(*receiver);
  if (auto r = RegisterMembers(*fed->coordinator_, {fed->sender_.get(), fed->receiver_.get()});
      !r) {
    return tl::unexpected(r.error());
  }
  return fed;
}

Result<void> TwoNodeFederation::StartAll(std::chrono::milliseconds timeout) {
  for (NodeProcess* node : {coordinator_.get(), sender_.get(), receiver_.get()}) {
    if (auto r = node->Start(); !r) return tl::unexpected(r.error());
  }
  for (NodeProcess* node : {sender_.get(), receiver_.get()}) {
    if (auto r = WaitForDirectory(*node, timeout); !r) return r;
  }
  return {};
}

Result<void> TwoNodeFederation::WaitForDirectory(NodeProcess& node,
                                                 std::chrono::milliseconds timeout) {
  return WaitForCurrentDirectory(node, timeout);
}

Result<void> RegisterMembers(const NodeProcess& coordinator,
                             const std::vector<NodeProcess*>& members) {
  for (NodeProcess* node : members) {
    const std::string request = (node->dir() / "enroll.json").string();
    if (auto r = RunCtl(*node, {"enroll", "--out", request}); !r) return tl::unexpected(r.error());
    if (auto r = RunCtl(coordinator, {"directory", "add", request}); !r) {
      return tl::unexpected(r.error());
    }
  }
  const std::string anchor = (coordinator.dir() / "anchor.json").string();
  if (auto r = RunCtl(coordinator, {"directory", "anchor", "--out", anchor}); !r) {
    return tl::unexpected(r.error());
  }
  for (NodeProcess* node : members) {
    if (auto r = RunCtl(*node, {"trust", "install", anchor}); !r) return tl::unexpected(r.error());
  }
  return {};
}

Result<void> WaitForCurrentDirectory(NodeProcess& node, std::chrono::milliseconds timeout) {
  auto token = AdminToken(node);
  if (!token) return tl::unexpected(token.error());
  testing::HttpClient client(node.port());
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string last;
  while (std::chrono::steady_clock::now() < deadline) {
    auto body = Call(client, "GET", "/api/v1/federation/peers", "", *token, 200);
    if (body) {
      last = *body;
      auto j = nlohmann::json::parse(*body, nullptr, /*allow_exceptions=*/false);
      if (j.is_object() && j["directory"].is_object() && !j["directory"].value("expired", true)) {
        return {};
      }
    } else {
      last = body.error().message;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Fail(ErrorCode::kUnavailable,
              "a node never got a current directory: " + last + "\n" + node.LogTail());
}

Result<std::string> AdminToken(NodeProcess& node) {
  testing::HttpClient client(node.port());
  const std::string body =
      nlohmann::json{{"username", "admin"}, {"password", node.admin_password()}}.dump();
  auto reply = Call(client, "POST", "/api/v1/auth/login", body, "", 200);
  if (!reply) return tl::unexpected(reply.error());
  auto j = nlohmann::json::parse(*reply, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j["token"].is_string()) {
    return Fail(ErrorCode::kInternal, "login returned no token: " + *reply);
  }
  return j["token"].get<std::string>();
}

Result<std::string> Call(testing::HttpClient& client, std::string_view method,
                         std::string_view target, std::string_view body, const std::string& token,
                         int expected) {
  testing::HttpHeaders headers;
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  auto r = client.Request(method, target, body, headers);
  if (!r) return Fail(ErrorCode::kUnavailable, std::string(target) + ": " + r.error().message);
  if (r->status != expected) {
    return Fail(ErrorCode::kInternal, std::string(method) + " " + std::string(target) + ": HTTP " +
                                          std::to_string(r->status) + " " + r->body.substr(0, 300));
  }
  return std::move(r->body);
}

}  // namespace simpul::bench
