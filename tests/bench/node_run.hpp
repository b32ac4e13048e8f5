#pragma once
// The real run of the intake benchmark: a fresh node made with `simpulctl init`, simpuld started
// as a child process, measured idle, loaded with RunLoad over HTTP, measured again and stopped.
//
//   auto run = RunNode({simpuld, simpulctl, load}, work_dir, ComplaintJson(1024));
//
// simpuld never outlives the call (see ChildProcess). Not thread-safe.

#include <filesystem>
#include <string>

#include "crypto/result.hpp"
#include "tests/bench/child_process.hpp"
#include "tests/bench/load_client.hpp"

namespace simpul::bench {

struct NodeRunOptions {
  std::string simpuld, simpulctl;  // binaries
  LoadOptions load;                // connections, threads, warm-up, window and cap
};

// What the real run measured.
struct NodeRun {
  LoadResult load;
  ProcessMemory idle, after;
  double node_cpu_seconds = 0;        // simpuld's CPU time inside the window
  double machine_busy_seconds = 0;    // every process's CPU time inside the window
  double busiest_thread_seconds = 0;  // CPU time of simpuld's busiest thread inside the window
  double jobs = 0, commits = 0;       // metric deltas across the window
  int exit_status = 0;                // simpuld's, after SIGTERM
};

// The body of a public intake request: a complaint with `text_bytes` of Indonesian text.
std::string ComplaintJson(std::size_t text_bytes);

// Makes a node in dir/node, starts simpuld on 127.0.0.1 (any port), lets it settle, reads its
// idle memory, runs the load against POST /api/v1/complaints expecting 201, reads /metrics at both
// window edges, and stops it with SIGTERM. Fails when simpulctl or simpuld cannot run or simpuld
// dies; failed requests are counted in the result, not returned as an error.
Result<NodeRun> RunNode(const NodeRunOptions& options, const std::filesystem::path& dir,
                        const std::string& body);

}  // namespace simpul::bench
