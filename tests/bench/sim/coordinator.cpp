#include "tests/bench/sim/coordinator.hpp"

#include <fstream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "federation/directory.hpp"
#include "federation/peer_client.hpp"
#include "federation/trust_anchor.hpp"
#include "federation/witness_protocol.hpp"
#include "tests/bench/two_node_federation.hpp"

namespace simpul::bench::sim {
namespace {

namespace fs = std::filesystem;
namespace net = boost::asio;

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// GETs `url` (https://host:port/path) with `identity`, accepting any server certificate.
Result<std::string> FetchOnce(const crypto::TlsIdentity& identity, const std::string& url) {
  const std::size_t path = url.find('/', url.find("://") + 3);
  const std::string endpoint = url.substr(0, path);
  std::string target = path == std::string::npos ? "/" : url.substr(path);
  net::io_context io;
  auto client = federation::PeerClient::Create(io.get_executor(), identity, endpoint,
                                               std::string(federation::kAnyServerPin));
  if (!client) return tl::unexpected(client.error());
  std::string body, type;
  auto pending = net::co_spawn(
      io,
      (*client)->Request(federation::PeerMethod::kGet, std::move(target), std::move(body),
                         std::move(type), std::chrono::milliseconds(30000)),
      net::use_future);
  io.run();
  auto response = pending.get();
  if (!response) return tl::unexpected(response.error());
  if (response->status != 200) {
    return Fail(ErrorCode::kUnavailable, url + ": HTTP " + std::to_string(response->status) + " " +
                                             response->body.substr(0, 300));
  }
  return std::move(response->body);
}

}  // namespace

Result<std::unique_ptr<SimCoordinator>> SimCoordinator::Create() {
  auto process = MakeFederatedNode(kCoordinatorId, "", {"--class", "coordinator"});
  if (!process) return tl::unexpected(process.error());
  auto out = std::make_unique<SimCoordinator>();
  out->process_ = std::move(*process);
  return out;
}

Result<void> SimCoordinator::Register(const std::vector<std::unique_ptr<SimNode>>& nodes) {
  const fs::path dir = process_->dir() / "enrollments";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Fail(ErrorCode::kInternal, "cannot create " + dir.string());
  std::vector<std::string> args = {"directory", "add"};
  for (const auto& node : nodes) {
    auto request = node->Enrollment(NowMs());
    if (!request) return Fail(request.error().code, node->id() + ": " + request.error().message);
    const fs::path path = dir / (std::to_string(node->index()) + ".json");
    std::ofstream(path, std::ios::binary) << *request;
    args.push_back(path.string());
  }
  if (auto added = RunCtl(*process_, args); !added) return added;
  anchor_path_ = process_->dir() / "anchor.json";
  return RunCtl(*process_, {"directory", "anchor", "--out", anchor_path_.string()});
}

Result<SimWorld> SimCoordinator::FetchWorld(const SimNode& as) {
  auto anchor = federation::ReadTrustAnchor(anchor_path_);
  if (!anchor) return tl::unexpected(anchor.error());
  auto bytes = FetchOnce(as.tls(), anchor->directory_url);
  if (!bytes) return tl::unexpected(bytes.error());
  auto directory = federation::VerifyDirectory(*bytes, *anchor, std::nullopt, NowMs());
  if (!directory) return tl::unexpected(directory.error());
  SimWorld world;
  world.directory = std::make_shared<const federation::Directory>(std::move(*directory));
  world.coordinator_id = anchor->coordinator;
  const federation::NodeEntry* self = world.directory->Find(world.coordinator_id);
  if (self == nullptr) return Fail(ErrorCode::kNotFound, "the directory lists no coordinator");
  world.coordinator_endpoint = self->endpoint;
  world.coordinator_pin = self->tls_spki_sha256;
  const auto witness_keys = federation::WitnessKeysFromDirectory(*world.directory);
  if (witness_keys.empty()) return Fail(ErrorCode::kNotFound, "the directory has no witness key");
  world.witness_key = witness_keys.front();
  return world;
}

namespace {

std::int64_t FileBytes(const fs::path& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  return ec ? 0 : static_cast<std::int64_t>(size);
}

}  // namespace

std::int64_t SimCoordinator::DatabaseBytes() const { return FileBytes(process_->database_path()); }

std::int64_t SimCoordinator::WalBytes() const {
  return FileBytes(process_->database_path().string() + "-wal");
}

}  // namespace simpul::bench::sim
