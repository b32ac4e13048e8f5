#pragma once
// A flat table of results that the monitoring API serves either as JSON (an array of objects
// keyed by column) or as CSV (RFC 4180), so both exports carry the same numbers.
//
//   Table t{{"node_id", "cases"}, {}};
//   t.rows.push_back({std::string("kab:32.04"), std::int64_t{12}});
//   std::string csv = TableToCsv(t);   // "node_id,cases\r\nkab:32.04,12\r\n"
//
// Pure functions; thread-safe.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace simpul::api {

// One value: null, integer, number, boolean, text or a list of texts.
using Cell = std::variant<std::monostate, std::int64_t, double, bool, std::string,
                          std::vector<std::string>>;

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;  // each as long as `columns`
};

// RFC 4180 text: a header line, then one line per row, each ended by CRLF. A field holding a
// comma, double quote, CR or LF is enclosed in double quotes with inner quotes doubled. Null is
// an empty field, a list is joined with ';', a number has at most 4 decimals. A text starting
// with '=', '+', '-', '@', tab or CR gets a leading apostrophe so a spreadsheet does not run it
// as a formula.
std::string TableToCsv(const Table& table);

// The rows as an array of objects {column: value}; a list becomes a JSON array.
nlohmann::json TableToJson(const Table& table);

}  // namespace simpul::api
