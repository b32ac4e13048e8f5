#include "tests/bench/node_run.hpp"

#include <fstream>
#include <map>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

namespace simpul::bench {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

// The value of an unlabelled sample `name` in Prometheus text, if present.
std::optional<double> MetricValue(const std::string& text, const std::string& name) {
  std::size_t at = 0;
  while ((at = text.find(name + " ", at)) != std::string::npos) {
    if (at == 0 || text[at - 1] == '\n') {
      return std::strtod(text.c_str() + at + name.size(), nullptr);
    }
    at += name.size();
  }
  return std::nullopt;
}

}  // namespace

std::string ComplaintJson(std::size_t text_bytes) {
  std::string text;
  while (text.size() < text_bytes) {
    text +=
        "Jalan di depan pasar berlubang besar sejak musim hujan dan sudah beberapa kali "
        "menyebabkan pengendara motor terjatuh, mohon segera diperbaiki oleh dinas terkait. ";
  }
  text.resize(text_bytes);
  return nlohmann::json{{"category", "infrastruktur.jalan"},
                        {"title", "Jalan berlubang di depan pasar"},
                        {"body", text},
                        {"region", "32.04"},
                        {"reporter", {{"name", "Siti Aminah"}, {"phone", "081234567890"}}}}
      .dump();
}

Result<NodeRun> RunNode(const NodeRunOptions& o, const fs::path& dir, const std::string& body) {
  const fs::path data = dir / "node";
  const fs::path log = dir / "simpuld.log";
  auto init = ChildProcess::Start(
      {o.simpulctl, "init", "--data-dir", data.string(), "--node-id", "kab:32.04", "--name",
       "Bench", "--region", "32.04", "--listen", "127.0.0.1:0", "--json"},
      dir / "simpulctl.log");
  if (!init) return tl::unexpected(init.error());
  auto init_status = init->Wait(seconds(60));
  if (!init_status || *init_status != 0) {
    return Fail(ErrorCode::kInternal,
                "simpulctl init failed; see " + (dir / "simpulctl.log").string());
  }
  const fs::path port_file = dir / "simpuld.port";
  auto node = ChildProcess::Start({o.simpuld, "--config", (data / "simpul.toml").string(),
                                   "--port-file", port_file.string(), "--listen", "127.0.0.1:0"},
                                  log);
  if (!node) return tl::unexpected(node.error());
  // simpuld writes the port file (atomically, by rename) once it listens. Poll for it, bounded.
  std::uint16_t port = 0;
  for (auto deadline = std::chrono::steady_clock::now() + seconds(15);
       port == 0 && std::chrono::steady_clock::now() < deadline && node->Running();
       std::this_thread::sleep_for(milliseconds(10))) {
    std::ifstream in(port_file);
    int value = 0;
    if (in >> value && value > 0 && value < 65536) port = static_cast<std::uint16_t>(value);
  }
  if (port == 0) return Fail(ErrorCode::kUnavailable, "simpuld did not start; see " + log.string());

  NodeRun run;
  std::this_thread::sleep_for(seconds(1));  // settle: let start-up allocations finish
  auto idle = ReadMemory(node->pid());
  if (!idle) return tl::unexpected(idle.error());
  run.idle = *idle;

  double cpu_at_start = 0, machine_at_start = 0;
  std::map<pid_t, double> threads_at_start;
  LoadOptions load = o.load;
  load.port = port;
  load.request = BuildPost(port, "/api/v1/complaints", body);
  load.expected_status = 201;
  load.probe_target = "/metrics";
  load.on_window_edge = [&](WindowEdge edge) {
    const double cpu = ReadCpuSeconds(node->pid()).value_or(0);
    const double machine = ReadMachineBusySeconds().value_or(0);
    auto threads = ReadThreadCpuSeconds(node->pid());
    if (edge == WindowEdge::kStart) {
      cpu_at_start = cpu;
      machine_at_start = machine;
      threads_at_start = std::move(threads);
      return;
    }
    run.node_cpu_seconds = cpu - cpu_at_start;
    run.machine_busy_seconds = machine - machine_at_start;
    for (const auto& [tid, cpu_seconds] : threads) {
      run.busiest_thread_seconds =
          std::max(run.busiest_thread_seconds, cpu_seconds - threads_at_start[tid]);
    }
  };
  run.load = RunLoad(load);
  auto after = ReadMemory(node->pid());
  if (!after) {
    return Fail(ErrorCode::kInternal, "simpuld exited during the load; see " + log.string());
  }
  run.after = *after;
  for (auto [name, out] : {std::pair{"simpul_db_write_jobs_total", &run.jobs},
                           std::pair{"simpul_db_commits_total", &run.commits}}) {
    auto before = MetricValue(run.load.probe_at_start, name);
    auto later = MetricValue(run.load.probe_at_end, name);
    if (before && later) *out = *later - *before;
  }
  run.exit_status = node->Stop(seconds(10));
  return run;
}

}  // namespace simpul::bench
