#pragma once
// A real simpuld process for process-level tests: a fresh node in its own temp dir, created with
// `simpulctl init` and served on a loopback port chosen by the kernel.
//
//   auto node = NodeProcess::Create();          // temp dir, keys, config, admin account
//   ASSERT_TRUE(node) << node.error().message;
//   ASSERT_TRUE((*node)->Start());              // fork/exec simpuld, wait for its port file
//   HttpClient client((*node)->port());
//   ...
//   (*node)->Kill();                            // SIGKILL, as a crash would
//
// Binaries are found through $SIMPUL_TEST_BIN_DIR (the build dir: node/simpuld, admin/simpulctl).
// The destructor kills a running node and removes the temp dir. Not thread-safe: one test thread
// drives a NodeProcess.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crypto/result.hpp"

namespace simpul::testing {

struct NodeOptions {
  std::string node_id = "kab:32.04";
  std::string region = "32.04";
  // Arguments appended to `simpulctl init`, e.g. {"--class", "coordinator"}.
  std::vector<std::string> init_args;
  // TOML appended to the generated config, e.g. "[limits]\nmax_connections = 64\n".
  std::string extra_config;
};

// What a finished command printed and how it ended.
struct CommandOutput {
  int exit_code = -1;
  std::string out;  // standard output; standard error goes to the node's log file
};

class NodeProcess {
 public:
  // Makes a temp dir and runs `simpulctl init` in it. Fails with kNotFound if the binaries are
  // missing, kInternal if a step fails (the message carries simpulctl's output).
  static Result<std::unique_ptr<NodeProcess>> Create(NodeOptions options = {});

  NodeProcess(const NodeProcess&) = delete;
  NodeProcess& operator=(const NodeProcess&) = delete;
  ~NodeProcess();

  // Starts simpuld and waits, up to `timeout`, for it to write its port. `extra_env` entries
  // ("NAME=value") are added to the inherited environment (e.g. LD_PRELOAD for libfaketime).
  // Fails with kUnavailable if it exits first or does not listen in time (the message carries
  // the log's tail).
  Result<void> Start(std::chrono::milliseconds timeout = std::chrono::seconds(15),
                     const std::vector<std::string>& extra_env = {});
  // Sends SIGTERM and waits up to `timeout` for the process to exit; returns its exit status.
  // On timeout kills it and fails with kUnavailable.
  Result<int> Stop(std::chrono::milliseconds timeout = std::chrono::seconds(15));
  // Sends SIGKILL and reaps the process. Does nothing if it is not running.
  void Kill();
  // If the running process has ended on its own, reaps it and returns its wait status (the node
  // is then not running); otherwise nothing.
  std::optional<int> ReapIfExited();
  // Stop (which must end with exit status 0), then Start.
  Result<void> Restart();
  bool running() const { return pid_ > 0; }
  // The simpuld process id while running, else -1.
  pid_t pid() const { return pid_; }

  // Runs `simpulctl -c <config> <args...>`.
  Result<CommandOutput> Ctl(const std::vector<std::string>& args) const;
  // `simpulctl user add` with --json; returns the generated password.
  Result<std::string> AddUser(const std::string& username, const std::string& role,
                              const std::string& unit = "") const;
  // `simpulctl unit add`.
  Result<void> AddUnit(const std::string& code, const std::string& name) const;
  // Makes the public listener serve HTTPS (only) with the node's federation certificate and key,
  // the key written as the PEM that `[http] tls_key` takes. Call before Start.
  Result<void> UseHttps() const;

  std::uint16_t port() const { return port_; }
  const std::filesystem::path& dir() const { return dir_; }
  const std::filesystem::path& config_path() const { return config_path_; }
  std::filesystem::path database_path() const { return dir_ / "data" / "simpul.db"; }
  std::filesystem::path log_path() const { return dir_ / "node.log"; }
  const std::string& admin_password() const { return admin_password_; }
  // The last lines of the node's log, for failure messages.
  std::string LogTail(std::size_t max_bytes = 2000) const;

 private:
  NodeProcess(std::filesystem::path dir, std::filesystem::path bin_dir);

  std::filesystem::path dir_;
  std::filesystem::path bin_dir_;
  std::filesystem::path config_path_;
  std::string admin_password_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace simpul::testing
