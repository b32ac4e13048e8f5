#include "tests/soak/soak_federation.hpp"

#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "tests/bench/two_node_federation.hpp"

namespace simpul::soak {
namespace {

namespace fs = std::filesystem;

// Checkpoint every second, so the witness keeps up within a short run.
constexpr char kExtraConfig[] = "[transparency]\ncheckpoint_interval_s = 1\n";

// Moves the (stopped) node's data directory onto a fresh tmpfs of `bytes` mounted in its place.
// Fails kUnavailable with the reason when the mount is refused (no root, no tmpfs).
Result<fs::path> MoveDataToTmpfs(const testing::NodeProcess& node, std::uint64_t bytes) {
  const fs::path data = node.dir() / "data";
  const fs::path seed = node.dir() / "data.seed";
  std::error_code ec;
  fs::rename(data, seed, ec);
  if (!ec) fs::create_directory(data, ec);
  if (ec)
    return Fail(ErrorCode::kUnavailable, "cannot prepare " + data.string() + ": " + ec.message());
  const std::string options = "size=" + std::to_string(bytes) + ",mode=0700";
  if (::mount("tmpfs", data.c_str(), "tmpfs", 0, options.c_str()) != 0) {
    const std::string reason = std::string("mount tmpfs: ") + std::strerror(errno);
    fs::remove(data, ec);
    fs::rename(seed, data, ec);
    return Fail(ErrorCode::kUnavailable, reason);
  }
  fs::copy(seed, data, fs::copy_options::recursive, ec);
  if (ec) {
    ::umount2(data.c_str(), MNT_DETACH);
    return Fail(ErrorCode::kUnavailable, "cannot copy the data onto the tmpfs: " + ec.message());
  }
  fs::remove_all(seed, ec);
  return data;
}

// Sets report_interval_s in the node's generated config to kReportInterval.
Result<void> SetReportInterval(const testing::NodeProcess& node) {
  std::stringstream text;
  text << std::ifstream(node.config_path()).rdbuf();
  std::string config = text.str();
  const std::string key = "report_interval_s = ";
  const auto at = config.find(key);
  if (at == std::string::npos) {
    return Fail(ErrorCode::kInternal, "no report_interval_s in " + node.config_path().string());
  }
  config.replace(at, config.find('\n', at) - at, key + std::to_string(kReportInterval.count()));
  std::ofstream(node.config_path(), std::ios::trunc) << config;
  return {};
}

// A free loopback port not in `taken` (ports handed out earlier but not bound yet), added to it.
Result<std::uint16_t> UnusedPort(std::set<std::uint16_t>& taken) {
  for (int tries = 0; tries < 100; ++tries) {
    auto port = bench::FreeLoopbackPort();
    if (!port) return port;
    if (taken.insert(*port).second) return *port;
  }
  return Fail(ErrorCode::kUnavailable, "no unused loopback port after 100 tries");
}

// Creates node `id` with its federation endpoint published as a new proxy link named `id`.
Result<std::unique_ptr<Member>> MakeProxiedNode(const std::string& id, const std::string& region,
                                                const std::vector<std::string>& init_args,
                                                FaultProxy& proxy, std::set<std::uint16_t>& taken) {
  auto member = std::make_unique<Member>();
  member->id = id;
  auto listen = UnusedPort(taken);
  auto published = UnusedPort(taken);
  if (!listen) return tl::unexpected(listen.error());
  if (!published) return tl::unexpected(published.error());
  // Bind the proxy's port first: it must not go to another node meanwhile.
  if (auto r = proxy.AddLink(id, *published, *listen); !r) return tl::unexpected(r.error());
  member->federation_port = *listen;
  auto node = bench::MakeFederatedNode(
      id, region, init_args,
      {.listen_port = *listen, .published_port = *published, .extra_config = kExtraConfig});
  if (!node) return tl::unexpected(node.error());
  if (auto r = SetReportInterval(**node); !r) return tl::unexpected(r.error());
  member->process = std::move(*node);
  return member;
}

}  // namespace

Result<void> Member::Start(const std::vector<std::string>& extra_env) {
  if (auto r = process->Start(std::chrono::seconds(30), extra_env); !r) return r;
  http_port = process->port();
  return {};
}

void Member::Kill() {
  http_port = 0;
  process->Kill();
}

Result<void> Member::Stop() {
  http_port = 0;
  auto status = process->Stop();
  if (!status) return tl::unexpected(status.error());
  if (*status != 0) {
    return Fail(ErrorCode::kInternal, id + " exited with status " + std::to_string(*status));
  }
  return {};
}

Result<std::unique_ptr<SoakFederation>> SoakFederation::Build(const std::vector<MemberSpec>& specs,
                                                              FaultProxy& proxy,
                                                              std::uint64_t tmpfs_bytes) {
  auto fed = std::make_unique<SoakFederation>();
  std::set<std::uint16_t> taken;
  auto coordinator = MakeProxiedNode(kCoordinatorId, "", {"--class", "coordinator"}, proxy, taken);
  if (!coordinator) return tl::unexpected(coordinator.error());
  fed->coordinator_ = std::move(*coordinator);
  std::vector<testing::NodeProcess*> processes;
  for (const auto& spec : specs) {
    auto member = MakeProxiedNode(spec.id, spec.region, spec.init_args, proxy, taken);
    if (!member) return tl::unexpected(member.error());
    processes.push_back((*member)->process.get());
    fed->members_.push_back(std::move(*member));
  }
  if (auto r = bench::RegisterMembers(*fed->coordinator_->process, processes); !r) {
    return tl::unexpected(r.error());
  }
  for (std::size_t i = 0; i < specs.size(); ++i) {
    Member& m = *fed->members_[i];
    if (auto r = m.process->AddUnit(kUnitCode, "Bidang Jalan"); !r)
      return tl::unexpected(r.error());
    if (!specs[i].small_disk) continue;
    auto mounted = MoveDataToTmpfs(*m.process, tmpfs_bytes);
    if (mounted) {
      m.tmpfs = *mounted;
    } else {
      m.disk_error = mounted.error().message;
    }
  }
  return fed;
}

std::vector<Member*> SoakFederation::nodes() {
  std::vector<Member*> all = {coordinator_.get()};
  for (auto& m : members_) all.push_back(m.get());
  return all;
}

SoakFederation::~SoakFederation() {
  if (coordinator_) coordinator_->Kill();
  for (auto& m : members_) {
    m->Kill();
    if (!m->tmpfs.empty()) ::umount2(m->tmpfs.c_str(), MNT_DETACH);
  }
}

Result<void> SoakFederation::StartAll(std::chrono::milliseconds timeout) {
  if (auto r = coordinator_->Start(); !r)
    return Fail(r.error().code, "coordinator: " + r.error().message);
  for (auto& m : members_) {
    if (auto r = m->Start(); !r) return Fail(r.error().code, m->id + ": " + r.error().message);
  }
  for (auto& m : members_) {
    if (auto r = bench::WaitForCurrentDirectory(*m->process, timeout); !r) return r;
  }
  return {};
}

}  // namespace simpul::soak
