#pragma once
// The injected source of "now". Production uses the system clock; tests pass a fake.

#include <functional>

#include "node/domain/time.hpp"

namespace simpul::service {

using Clock = std::function<domain::TimePoint()>;

inline Clock SystemClock() {
  return [] {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
  };
}

}  // namespace simpul::service
