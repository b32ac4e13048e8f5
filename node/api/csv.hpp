#pragma once
// CSV for exports, as RFC 4180 defines it: records end with CRLF, fields are separated by commas,
// and a field holding a comma, a double quote, CR or LF is enclosed in double quotes with its
// quotes doubled. A field that starts with =, +, -, @, tab or CR gets a leading apostrophe so a
// spreadsheet shows it instead of evaluating it (OWASP "CSV injection"): exported values may
// come from other nodes.
//
//   std::string out;
//   AppendCsvRecord(out, {"from_node", "level"});  // header
//   AppendCsvRecord(out, {"kab:32.04", "parent"});
//
// Pure functions: thread-safe.

#include <string>
#include <vector>

namespace simpul::api {

// The media type of a CSV export with a header record.
inline constexpr const char* kCsvMediaType = "text/csv; charset=utf-8; header=present";

// Appends one record of `fields` to `out`.
void AppendCsvRecord(std::string& out, const std::vector<std::string>& fields);

}  // namespace simpul::api
