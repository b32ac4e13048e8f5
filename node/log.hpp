#pragma once
// Structured logs. Every line is one event with named fields:
//   LogEvent(spdlog::level::info, "node_started", {{"port", 8080}});
// format "json" writes one JSON object per line ({"ts","level","event",...fields});
// format "text" writes "ts level event k=v ...". Never pass personal data or secrets as fields.

#include <spdlog/common.h>

#include <nlohmann/json_fwd.hpp>
#include <string_view>

namespace simpul {

// Sets the process-wide logger's level ("debug", "info", "warn", "error") and format.
void ConfigureLogging(std::string_view level, std::string_view format);
void LogEvent(spdlog::level::level_enum level, std::string_view event,
              const nlohmann::json& fields);
void LogEvent(spdlog::level::level_enum level, std::string_view event);

}  // namespace simpul
