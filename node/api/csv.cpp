#include "node/api/csv.hpp"

#include <string_view>

namespace simpul::api {
namespace {

bool StartsLikeAFormula(std::string_view field) {
  if (field.empty()) return false;
  const char first = field.front();
  return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' ||
         first == '\r';
}

void AppendField(std::string& out, std::string_view field) {
  const std::string guard = StartsLikeAFormula(field) ? "'" : "";
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += guard;
    out += field;
    return;
  }
  out += '"';
  out += guard;
  for (char ch : field) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
}

}  // namespace

void AppendCsvRecord(std::string& out, const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    AppendField(out, fields[i]);
  }
  out += "\r\n";
}

}  // namespace simpul::api
