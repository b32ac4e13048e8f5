// simpuld: the Simpul node daemon. Reads its config, opens its data dir and serves until SIGTERM.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <pthread.h>
#include <sys/stat.h>

#include <csignal>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "node/app.hpp"
#include "node/log.hpp"

int main(int argc, char** argv) {
  CLI::App cli{"simpuld — Simpul federated complaint node daemon"};
  std::string config_path = "/etc/simpul/simpul.toml";
  std::string port_file;
  std::string listen;
  cli.add_option("-c,--config", config_path, "Path of the node's TOML config")
      ->capture_default_str();
  cli.add_option("--listen", listen, "Override [http] listen, e.g. 127.0.0.1:0");
  cli.add_option("--port-file", port_file,
                 "Write the bound port to this file once listening (for supervisors and tests)");
  CLI11_PARSE(cli, argc, argv);
  ::umask(027);  // complaint data and keys are never world-readable

  auto config = simpul::LoadConfig(config_path);
  if (!config) {
    std::fprintf(stderr, "simpuld: %s\n", config.error().message.c_str());
    return 2;
  }
  if (!listen.empty()) {
    auto colon = listen.rfind(':');
    if (colon == std::string::npos) {
      std::fprintf(stderr, "simpuld: --listen needs host:port\n");
      return 2;
    }
    config->listen_address = listen.substr(0, colon);
    config->listen_port = static_cast<std::uint16_t>(std::stoi(listen.substr(colon + 1)));
  }
  simpul::ConfigureLogging(config->log_level, config->log_format);
  // Block the stop signals before any thread exists, so every thread inherits the mask and a
  // signal that arrives at any moment waits for the sigwait below instead of killing the process.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  auto app = simpul::NodeApp::Create(*config, simpul::service::SystemClock());
  if (!app) {
    std::fprintf(stderr, "simpuld: cannot start: %s\n", app.error().message.c_str());
    return 1;
  }
  auto port = (*app)->Start();
  if (!port) {
    std::fprintf(stderr, "simpuld: cannot start: %s\n", port.error().message.c_str());
    return 1;
  }
  if (!port_file.empty()) {
    std::string tmp = port_file + ".tmp";
    std::ofstream(tmp) << *port << "\n";
    std::rename(tmp.c_str(), port_file.c_str());
  }
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  simpul::LogEvent(spdlog::level::info, "signal_received",
                   nlohmann::json{{"signal", signal_number}});
  (*app)->Stop();
  return 0;
}
