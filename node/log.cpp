#include "node/log.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <nlohmann/json.hpp>

namespace simpul {
namespace {
// The output format is process-wide like the spdlog default logger it configures; it is set once
// at start-up before any thread logs.
std::atomic<bool> g_json_format{false};
}  // namespace

void ConfigureLogging(std::string_view level, std::string_view format) {
  g_json_format = format == "json";
  spdlog::set_level(spdlog::level::from_str(std::string(level)));
  if (g_json_format) {
    spdlog::set_pattern("%v");
  } else {
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");
  }
}

void LogEvent(spdlog::level::level_enum level, std::string_view event,
              const nlohmann::json& fields) {
  if (!spdlog::should_log(level)) return;
  if (g_json_format) {
    nlohmann::json line = {{"level", spdlog::level::to_string_view(level).data()},
                           {"event", event}};
    line["ts"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
    if (fields.is_object()) {
      for (auto it = fields.begin(); it != fields.end(); ++it) line[it.key()] = it.value();
    }
    spdlog::log(level, "{}", line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    return;
  }
  std::string text(event);
  if (fields.is_object()) {
    for (auto it = fields.begin(); it != fields.end(); ++it) {
      text += ' ';
      text += it.key();
      text += '=';
      text += it.value().is_string()
                  ? it.value().get<std::string>()
                  : it.value().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  }
  spdlog::log(level, "{}", text);
}

void LogEvent(spdlog::level::level_enum level, std::string_view event) {
  LogEvent(level, event, nlohmann::json::object());
}

}  // namespace simpul
