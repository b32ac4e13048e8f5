#pragma once
// A progress line on stderr for long simpulctl operations: "\r<what> <done>/<total> <unit>",
// rewritten at most once a second and once more when done == total; silent when disabled (with
// --json, so machine output stays clean). Used by one thread.

#include <chrono>
#include <cstdint>
#include <iostream>
#include <string>

namespace simpul::admin {

class ProgressLine {
 public:
  ProgressLine(std::string what, std::string unit, bool enabled)
      : what_(std::move(what)), unit_(std::move(unit)), enabled_(enabled) {}
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  // Ends the line if one was printed.
  ~ProgressLine() {
    if (printed_) std::cerr << "\n";
  }

  void Update(std::int64_t done, std::int64_t total) {
    const auto now = std::chrono::steady_clock::now();
    if (!enabled_ || (now - last_ < std::chrono::seconds(1) && done < total)) return;
    const std::int64_t percent = total == 0 ? 100 : done * 100 / total;
    std::cerr << "\r" << what_ << " " << percent << "% (" << done << "/" << total << " " << unit_
              << ")" << std::flush;
    last_ = now;
    printed_ = true;
  }

 private:
  std::string what_, unit_;
  bool enabled_;
  bool printed_ = false;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace simpul::admin
