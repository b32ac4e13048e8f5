// simpulctl export: cases or case events as CSV or JSON Lines, staff-visible metadata only (never
// a reporter's identity, no free text), with a progress line on stderr for long exports.
#include <nlohmann/json.hpp>

#include <ctime>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "admin/commands.hpp"
#include "admin/federation_support.hpp"
#include "admin/progress_line.hpp"
#include "node/store/connection.hpp"
#include "node/store/export_store.hpp"

namespace simpul::admin {
namespace {

namespace fs = std::filesystem;

struct ExportOptions {
  std::string what = "cases";
  std::string since;
  std::string format = "csv";
  std::string out;
};

// "2026-07-01" or "2026-07-01T08:00:00Z" as Unix milliseconds (UTC); empty means 0.
Result<std::int64_t> ParseSince(const std::string& text) {
  if (text.empty()) return 0;
  std::tm tm{};
  std::istringstream in(text);
  in >> std::get_time(&tm, text.size() > 10 ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d");
  if (in.fail() || in.peek() != std::char_traits<char>::eof()) {
    return Fail(ErrorCode::kInvalidArgument,
                "--since: use 2026-07-01 or 2026-07-01T08:00:00Z (UTC), not \"" + text + "\"");
  }
  return static_cast<std::int64_t>(::timegm(&tm)) * 1000;
}

std::string CsvField(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string quoted = "\"";
  for (char ch : v) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return quoted + "\"";
}

// Writes one row in the chosen format; times become ISO 8601 UTC.
void WriteRow(std::ostream& out, bool csv, std::span<const store::ExportColumn> columns,
              const store::ExportRow& row) {
  nlohmann::json obj = nlohmann::json::object();
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const auto& cell = row[i];
    nlohmann::json value = nullptr;
    if (cell.text) value = *cell.text;
    if (cell.number) {
      value = columns[i].type == store::ExportColumnType::kTimeMs
                  ? nlohmann::json(IsoUtc(*cell.number))
                  : nlohmann::json(*cell.number);
    }
    if (csv) {
      if (i > 0) out << ',';
      out << CsvField(value.is_null()     ? std::string()
                      : value.is_string() ? value.get<std::string>()
                                          : value.dump());
    } else {
      obj[std::string(columns[i].name)] = std::move(value);
    }
  }
  if (!csv) out << obj.dump();
  out << '\n';
}

// Streams the rows to `out` with a progress line on stderr unless `quiet`.
Result<std::int64_t> WriteExport(store::Connection& conn, store::ExportKind kind,
                                 std::int64_t since, bool csv, std::ostream& out, bool quiet) {
  auto total = store::CountExportRows(conn, kind, since);
  if (!total) return tl::unexpected(total.error());
  const auto columns = store::ExportColumns(kind);
  if (csv) {
    for (std::size_t i = 0; i < columns.size(); ++i) out << (i ? "," : "") << columns[i].name;
    out << '\n';
  }
  ProgressLine progress("export", "rows", !quiet);
  std::int64_t done = 0;
  return store::ExportRows(conn, kind, since, [&](const store::ExportRow& row) {
    WriteRow(out, csv, columns, row);
    progress.Update(++done, *total);
  });
}

int RunExport(const CommonOptions& common, const ExportOptions& options) {
  auto config = LoadConfigOrExplain(common);
  if (!config) return Report(common, config.error(), 2);
  auto since = ParseSince(options.since);
  if (!since) return Report(common, since.error(), 2);
  const auto kind =
      options.what == "cases" ? store::ExportKind::kCases : store::ExportKind::kEvents;
  std::error_code ec;
  if (fs::exists(options.out, ec)) {
    return Report(common, {ErrorCode::kConflict, options.out + " exists; choose a new file name"});
  }
  auto conn = store::Connection::Open(config->DatabasePath(), store::OpenMode::kReadOnly);
  if (!conn) return Report(common, conn.error());
  std::ofstream file(options.out, std::ios::out | std::ios::trunc);
  if (!file) return Report(common, {ErrorCode::kUnavailable, "cannot create " + options.out});
  auto rows = WriteExport(*conn, kind, *since, options.format == "csv", file, common.json);
  file.close();
  if (!rows || file.fail()) {
    fs::remove(options.out, ec);
    return Report(common, rows ? Error{ErrorCode::kUnavailable, "cannot write " + options.out}
                               : rows.error());
  }
  if (common.json) {
    std::cout << nlohmann::json{{"out", options.out},
                                {"what", options.what},
                                {"format", options.format},
                                {"rows", *rows}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << "exported " << *rows << " " << options.what << " to " << options.out << "\n";
  }
  return 0;
}

}  // namespace

void AddExportCommand(CLI::App& app, CommonOptions& common, Command& command) {
  auto options = std::make_shared<ExportOptions>();
  auto* exp = app.add_subcommand("export", "Cases or case events as CSV or JSON Lines");
  exp->footer(
      "Staff-visible metadata only: ids, states, categories, regions, units, times; never a "
      "reporter's identity and no free text. Reads the database read-only; works with the node "
      "running or stopped. A progress line goes to stderr each second.");
  exp->add_option("--what", options->what, "cases (updated since) or events (recorded since)")
      ->check(CLI::IsMember({"cases", "events"}));
  exp->add_option("--since", options->since, "UTC date or time, e.g. 2026-07-01 (default: all)");
  exp->add_option("--format", options->format, "csv (with a header row) or json (JSON Lines)")
      ->check(CLI::IsMember({"csv", "json"}));
  exp->add_option("--out", options->out, "File to create (must not exist)")->required();
  exp->callback([&, options] { command = [&, options] { return RunExport(common, *options); }; });
}

}  // namespace simpul::admin
