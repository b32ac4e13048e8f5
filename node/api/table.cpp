#include "node/api/table.hpp"

#include <cassert>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace simpul::api {
namespace {

std::string Quoted(std::string_view field) {
  std::string text(field);
  if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos) {
    text.insert(text.begin(), '\'');
  }
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Number(double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f", value);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

std::string CsvField(const Cell& cell) {
  struct Visitor {
    std::string operator()(std::monostate) const { return ""; }
    std::string operator()(std::int64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const { return Number(v); }
    std::string operator()(bool v) const { return v ? "true" : "false"; }
    std::string operator()(const std::string& v) const { return Quoted(v); }
    std::string operator()(const std::vector<std::string>& v) const {
      std::string joined;
      for (const auto& item : v) joined += (joined.empty() ? "" : ";") + item;
      return Quoted(joined);
    }
  };
  return std::visit(Visitor{}, cell);
}

nlohmann::json JsonValue(const Cell& cell) {
  struct Visitor {
    nlohmann::json operator()(std::monostate) const { return nullptr; }
    nlohmann::json operator()(std::int64_t v) const { return v; }
    nlohmann::json operator()(double v) const { return std::stod(Number(v)); }
    nlohmann::json operator()(bool v) const { return v; }
    nlohmann::json operator()(const std::string& v) const { return v; }
    nlohmann::json operator()(const std::vector<std::string>& v) const { return v; }
  };
  return std::visit(Visitor{}, cell);
}

}  // namespace

std::string TableToCsv(const Table& table) {
  std::string out;
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    out += (i ? "," : "") + Quoted(table.columns[i]);
  }
  out += "\r\n";
  for (const auto& row : table.rows) {
    assert(row.size() == table.columns.size());
    for (std::size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + CsvField(row[i]);
    out += "\r\n";
  }
  return out;
}

nlohmann::json TableToJson(const Table& table) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : table.rows) {
    nlohmann::json object = nlohmann::json::object();
    for (std::size_t i = 0; i < row.size() && i < table.columns.size(); ++i) {
      object[table.columns[i]] = JsonValue(row[i]);
    }
    rows.push_back(std::move(object));
  }
  return rows;
}

}  // namespace simpul::api
