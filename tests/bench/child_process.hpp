#pragma once
// A child process of the benchmark (simpulctl, simpuld) and what /proc says about it.
//
//   auto node = ChildProcess::Start({simpuld, "--config", config}, dir / "simpuld.log");
//   auto memory = ReadMemory(node->pid());
//   node->Stop(std::chrono::seconds(5));
//
// A child is never left behind: the destructor stops it (SIGTERM, SIGKILL after a grace period),
// and the kernel kills it if the benchmark itself dies first (PR_SET_PDEATHSIG). Owned by the
// thread that started it, which is also the only one that may use it.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "crypto/result.hpp"

namespace simpul::bench {

class ChildProcess {
 public:
  // Starts argv[0] with arguments argv[1..], stdout and stderr appended to `log`. Fails
  // kUnavailable when fork fails; a program that cannot be executed exits with status 127.
  static Result<ChildProcess> Start(const std::vector<std::string>& argv,
                                    const std::filesystem::path& log);
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  // True until the process has exited.
  bool Running();
  // Waits up to `timeout` for the exit; returns the exit status, 128 + n if signal n ended it.
  // Fails kUnavailable when the process is still running at the timeout.
  Result<int> Wait(std::chrono::milliseconds timeout);
  // Sends SIGTERM, waits up to `grace`, then SIGKILL; returns the exit status as Wait does.
  int Stop(std::chrono::milliseconds grace);

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  // Reaps the process if it has exited; true when it has.
  bool Reap(bool block);

  pid_t pid_ = -1;
  std::optional<int> status_;
};

struct ProcessMemory {
  std::int64_t rss_kib = 0;       // VmRSS: resident now
  std::int64_t peak_rss_kib = 0;  // VmHWM: the most ever resident
};

// VmRSS and VmHWM from /proc/<pid>/status. Fails kNotFound when the process is gone.
Result<ProcessMemory> ReadMemory(pid_t pid);

// User plus system CPU time of `pid` so far, from /proc/<pid>/stat. Fails kNotFound when the
// process is gone.
Result<double> ReadCpuSeconds(pid_t pid);

// CPU time of each thread of `pid`, by thread id, from /proc/<pid>/task. Threads that end
// while it reads are left out; empty when the process is gone.
std::map<pid_t, double> ReadThreadCpuSeconds(pid_t pid);

// Seconds of CPU time the whole machine has spent busy (anything but idle and iowait), summed
// over all CPUs, from /proc/stat. Fails kUnavailable when /proc/stat cannot be read.
Result<double> ReadMachineBusySeconds();

}  // namespace simpul::bench
