#include "node/fed/request_trace.hpp"

#include <algorithm>
#include <cctype>

namespace simpul::fed {
namespace {

// A msg_id as sealed by the outbox: a UUID in hex and dashes.
bool IsValidMsgId(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) || c == '-';
  });
}

}  // namespace

bool IsValidRequestId(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

std::string FormatRequestIds(const std::vector<store::OutboxRow>& rows) {
  std::string out;
  for (const auto& row : rows) {
    if (!IsValidRequestId(row.request_id) || !IsValidMsgId(row.msg_id)) continue;
    const std::size_t entry = row.msg_id.size() + 1 + row.request_id.size();
    if (out.size() + 1 + entry > kMaxRequestIdsHeaderBytes) break;
    if (!out.empty()) out += ',';
    out += row.msg_id;
    out += '=';
    out += row.request_id;
  }
  return out;
}

std::map<std::string, std::string> ParseRequestIds(std::string_view header) {
  std::map<std::string, std::string> ids;
  while (!header.empty()) {
    const auto comma = header.find(',');
    std::string_view entry = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    while (!entry.empty() && entry.front() == ' ') entry.remove_prefix(1);
    const auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    const auto msg_id = entry.substr(0, eq);
    const auto request_id = entry.substr(eq + 1);
    if (IsValidMsgId(msg_id) && IsValidRequestId(request_id)) {
      ids.emplace(std::string(msg_id), std::string(request_id));
    }
  }
  return ids;
}

}  // namespace simpul::fed
