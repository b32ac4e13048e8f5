#include "tests/support/node_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

namespace simpul::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr auto kPollInterval = std::chrono::milliseconds(10);

// The build dir: $SIMPUL_TEST_BIN_DIR, else two levels above this test binary
// (<build>/tests/integration/<binary>), so the binary also runs outside ctest.
Result<fs::path> BinDir() {
  fs::path dir;
  if (const char* env = std::getenv("SIMPUL_TEST_BIN_DIR"); env != nullptr && *env != '\0') {
    dir = env;
  } else {
    std::error_code ec;
    dir = fs::read_symlink("/proc/self/exe", ec).parent_path().parent_path().parent_path();
  }
  for (const char* tool : {"node/simpuld", "admin/simpulctl"}) {
    if (!fs::exists(dir / tool)) {
      return Fail(ErrorCode::kNotFound,
                  (dir / tool).string() + " not found; build it and set SIMPUL_TEST_BIN_DIR");
    }
  }
  return dir;
}

// Starts `argv` with standard output on `out_fd` and standard error on `err_fd`, in this
// process's environment plus `extra_env`; every other descriptor of the test process (sockets of
// open clients) is closed in the child.
Result<pid_t> Spawn(const std::vector<std::string>& argv, int out_fd, int err_fd,
                    const std::vector<std::string>& extra_env = {}) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> env;
  for (char** e = environ; *e != nullptr; ++e) env.push_back(*e);
  for (const auto& e : extra_env) env.push_back(const_cast<char*>(e.c_str()));
  env.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) return Fail(ErrorCode::kInternal, std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec: the test process has threads.
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    ::dup2(out_fd, STDOUT_FILENO);
    ::dup2(err_fd, STDERR_FILENO);
    ::close_range(3, ~0U, 0);
    ::execve(args[0], args.data(), env.data());
    ::_exit(127);
  }
  return pid;
}

// Reaps `pid` if it exits within `timeout`; returns its wait status.
std::optional<int> WaitForExit(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid || (done < 0 && errno == ECHILD)) return status;
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(kPollInterval);
  }
}

std::string DescribeStatus(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "wait status " + std::to_string(status);
}

std::optional<std::uint16_t> ReadPort(const fs::path& file) {
  std::ifstream in(file);
  std::string text;
  if (!(in >> text)) return std::nullopt;
  unsigned port = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec != std::errc() || end != text.data() + text.size() || port == 0 || port > 65535) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(port);
}

}  // namespace

NodeProcess::NodeProcess(fs::path dir, fs::path bin_dir)
    : dir_(std::move(dir)), bin_dir_(std::move(bin_dir)) {}

NodeProcess::~NodeProcess() {
  Kill();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

Result<std::unique_ptr<NodeProcess>> NodeProcess::Create(NodeOptions options) {
  auto bin_dir = BinDir();
  if (!bin_dir) return tl::unexpected(bin_dir.error());
  std::string pattern = (fs::temp_directory_path() / "simpul-it-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    return Fail(ErrorCode::kInternal, std::string("mkdtemp: ") + std::strerror(errno));
  }
  std::unique_ptr<NodeProcess> node(new NodeProcess(pattern, *bin_dir));
  // init reads no config; Ctl's "-c" points at the file init is about to write.
  node->config_path_ = node->dir_ / "data" / "simpul.toml";
  std::vector<std::string> args = {"init",      "--data-dir",    (node->dir_ / "data").string(),
                                   "--node-id", options.node_id, "--name",
                                   "Test",      "--region",      options.region,
                                   "--listen",  "127.0.0.1:0",   "--json"};
  args.insert(args.end(), options.init_args.begin(), options.init_args.end());
  auto init = node->Ctl(args);
  if (!init) return tl::unexpected(init.error());
  auto out = nlohmann::json::parse(init->out, nullptr, /*allow_exceptions=*/false);
  if (init->exit_code != 0 || !out.is_object() || !out.contains("admin_password")) {
    return Fail(ErrorCode::kInternal, "simpulctl init failed (" + std::to_string(init->exit_code) +
                                          "): " + init->out + node->LogTail());
  }
  node->admin_password_ = out["admin_password"].get<std::string>();
  node->config_path_ = out["config"].get<std::string>();
  if (!options.extra_config.empty()) {
    std::ofstream config(node->config_path_, std::ios::app);
    config << "\n" << options.extra_config << "\n";
    if (!config)
      return Fail(ErrorCode::kInternal, "cannot append to " + node->config_path_.string());
  }
  return node;
}

namespace {

Result<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return Fail(ErrorCode::kInternal, "cannot read " + path.string());
  return text.str();
}

Result<void> WriteFileWithMode(const fs::path& path, const std::string& text, fs::perms mode) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) return Fail(ErrorCode::kInternal, "cannot write " + path.string());
  }
  std::error_code ec;
  fs::permissions(path, mode, ec);
  if (ec) return Fail(ErrorCode::kInternal, "chmod " + path.string() + ": " + ec.message());
  return {};
}

// Replaces the line `key = ...` of the TOML `text` by `key = "value"`.
Result<void> SetConfigLine(std::string& text, const std::string& key, const std::string& value) {
  const auto at = text.find("\n" + key + " = ");
  if (at == std::string::npos) return Fail(ErrorCode::kNotFound, "no " + key + " in the config");
  const auto end = text.find('\n', at + 1);
  text.replace(at + 1, end - at - 1, key + " = \"" + value + "\"");
  return {};
}

}  // namespace

Result<void> NodeProcess::UseHttps() const {
  const fs::path keys = dir_ / "data" / "keys";
  auto cert = ReadFile(keys / "federation.crt");
  auto key_file = ReadFile(keys / "federation.key");
  auto config = ReadFile(config_path_);
  for (const auto* r : {&cert, &key_file, &config}) {
    if (!*r) return tl::unexpected(r->error());
  }
  // Line 2 of simpul's key file is the body of the key's PKCS#8 PEM.
  const auto line2 = key_file->find('\n') + 1;
  const std::string pem = "-----BEGIN PRIVATE KEY-----\n" +
                          key_file->substr(line2, key_file->find('\n', line2) - line2) +
                          "\n-----END PRIVATE KEY-----\n";
  const fs::path https_crt = dir_ / "https.crt";
  const fs::path https_key = dir_ / "https.key";
  for (auto r : {WriteFileWithMode(https_crt, *cert, fs::perms(0644)),
                 WriteFileWithMode(https_key, pem, fs::perms(0600)),
                 SetConfigLine(*config, "tls_cert", https_crt.string()),
                 SetConfigLine(*config, "tls_key", https_key.string())}) {
    if (!r) return r;
  }
  std::ofstream out(config_path_, std::ios::binary | std::ios::trunc);  // keeps its mode
  out << *config;
  if (!out) return Fail(ErrorCode::kInternal, "cannot write " + config_path_.string());
  return {};
}

Result<void> NodeProcess::Start(std::chrono::milliseconds timeout,
                                const std::vector<std::string>& extra_env) {
  if (running()) return Fail(ErrorCode::kConflict, "the node is already running");
  const fs::path port_file = dir_ / "port";
  std::error_code ec;
  fs::remove(port_file, ec);
  int log = ::open(log_path().c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log < 0) return Fail(ErrorCode::kInternal, "cannot open " + log_path().string());
  auto pid = Spawn({(bin_dir_ / "node" / "simpuld").string(), "--config", config_path_.string(),
                    "--port-file", port_file.string()},
                   log, log, extra_env);
  ::close(log);
  if (!pid) return tl::unexpected(pid.error());
  pid_ = *pid;
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (auto port = ReadPort(port_file)) {
      port_ = *port;
      return {};
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return Fail(ErrorCode::kUnavailable,
                  "simpuld ended before listening (" + DescribeStatus(status) + "): " + LogTail());
    }
    if (Clock::now() >= deadline) {
      Kill();
      return Fail(ErrorCode::kUnavailable, "simpuld did not listen in time: " + LogTail());
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

Result<int> NodeProcess::Stop(std::chrono::milliseconds timeout) {
  if (!running()) return Fail(ErrorCode::kConflict, "the node is not running");
  ::kill(pid_, SIGTERM);
  auto status = WaitForExit(pid_, timeout);
  if (!status) {
    Kill();
    return Fail(ErrorCode::kUnavailable, "simpuld did not stop on SIGTERM: " + LogTail());
  }
  pid_ = -1;
  port_ = 0;
  if (!WIFEXITED(*status)) {
    return Fail(ErrorCode::kInternal,
                "simpuld ended by " + DescribeStatus(*status) + ": " + LogTail());
  }
  return WEXITSTATUS(*status);
}

void NodeProcess::Kill() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  port_ = 0;
}

std::optional<int> NodeProcess::ReapIfExited() {
  if (!running()) return std::nullopt;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) != pid_) return std::nullopt;
  pid_ = -1;
  port_ = 0;
  return status;
}

Result<void> NodeProcess::Restart() {
  auto stopped = Stop();
  if (!stopped) return tl::unexpected(stopped.error());
  if (*stopped != 0) {
    return Fail(ErrorCode::kInternal,
                "simpuld exited with status " + std::to_string(*stopped) + ": " + LogTail());
  }
  return Start();
}

Result<CommandOutput> NodeProcess::Ctl(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {(bin_dir_ / "admin" / "simpulctl").string(), "-c",
                                   config_path_.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return Fail(ErrorCode::kInternal, std::string("pipe: ") + std::strerror(errno));
  }
  int log = ::open(log_path().c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  auto pid = Spawn(argv, pipe_fds[1], log >= 0 ? log : pipe_fds[1]);
  ::close(pipe_fds[1]);
  if (log >= 0) ::close(log);
  CommandOutput result;
  if (pid) {
    char buf[4096];
    ssize_t n = 0;
    while ((n = ::read(pipe_fds[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
      if (n > 0) result.out.append(buf, static_cast<std::size_t>(n));
    }
  }
  ::close(pipe_fds[0]);
  if (!pid) return tl::unexpected(pid.error());
  int status = 0;
  ::waitpid(*pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

Result<std::string> NodeProcess::AddUser(const std::string& username, const std::string& role,
                                         const std::string& unit) const {
  std::vector<std::string> args = {"user", "add", username, "--role", role, "--json"};
  if (!unit.empty()) args.insert(args.end(), {"--unit", unit});
  auto run = Ctl(args);
  if (!run) return tl::unexpected(run.error());
  auto out = nlohmann::json::parse(run->out, nullptr, /*allow_exceptions=*/false);
  if (run->exit_code != 0 || !out.is_object() || !out.contains("password")) {
    return Fail(ErrorCode::kInternal, "simpulctl user add " + username + " failed: " + run->out);
  }
  return out["password"].get<std::string>();
}

Result<void> NodeProcess::AddUnit(const std::string& code, const std::string& name) const {
  auto run = Ctl({"unit", "add", code, "--name", name});
  if (!run) return tl::unexpected(run.error());
  if (run->exit_code != 0) {
    return Fail(ErrorCode::kInternal, "simpulctl unit add " + code + " failed: " + run->out);
  }
  return {};
}

std::string NodeProcess::LogTail(std::size_t max_bytes) const {
  std::ifstream in(log_path(), std::ios::binary);
  std::stringstream all;
  all << in.rdbuf();
  std::string text = all.str();
  if (text.size() > max_bytes) text = "..." + text.substr(text.size() - max_bytes);
  return "\n--- node log ---\n" + text;
}

}  // namespace simpul::testing
