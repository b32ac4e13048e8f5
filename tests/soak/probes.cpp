#include "tests/soak/probes.hpp"

#include <sqlite3.h>

#include <chrono>
#include <memory>
#include <sstream>

#include "node/store/connection.hpp"
#include "tests/support/http_client.hpp"

namespace simpul::soak {
namespace {

using SqliteDb = std::unique_ptr<sqlite3, store::CFree<&::sqlite3_close_v2>>;
using SqliteStmt = std::unique_ptr<sqlite3_stmt, store::CFree<&::sqlite3_finalize>>;

constexpr int kBusyTimeoutMs = 5000;

}  // namespace

Result<std::vector<Row>> Query(const std::filesystem::path& db, const std::string& sql,
                               const std::vector<std::string>& params) {
  sqlite3* raw = nullptr;
  const int opened = sqlite3_open_v2(db.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  SqliteDb conn(raw);
  if (opened != SQLITE_OK) {
    return Fail(ErrorCode::kUnavailable, "cannot open " + db.string() + ": " +
                                             (raw ? sqlite3_errmsg(raw) : "out of memory"));
  }
  sqlite3_busy_timeout(conn.get(), kBusyTimeoutMs);
  sqlite3_stmt* raw_stmt = nullptr;
  const int prepared = sqlite3_prepare_v2(conn.get(), sql.c_str(), -1, &raw_stmt, nullptr);
  SqliteStmt stmt(raw_stmt);
  if (prepared != SQLITE_OK) {
    return Fail(ErrorCode::kUnavailable, sql + ": " + sqlite3_errmsg(conn.get()));
  }
  for (std::size_t i = 0; i < params.size(); ++i) {
    sqlite3_bind_text(stmt.get(), static_cast<int>(i + 1), params[i].data(),
                      static_cast<int>(params[i].size()), SQLITE_TRANSIENT);
  }
  std::vector<Row> rows;
  int step = SQLITE_ROW;
  while ((step = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    Row row;
    for (int c = 0; c < sqlite3_column_count(stmt.get()); ++c) {
      const auto* text = sqlite3_column_text(stmt.get(), c);
      row.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
    }
    rows.push_back(std::move(row));
  }
  if (step != SQLITE_DONE) {
    return Fail(ErrorCode::kUnavailable, sql + ": " + sqlite3_errmsg(conn.get()));
  }
  return rows;
}

Result<std::int64_t> QueryInt(const std::filesystem::path& db, const std::string& sql,
                              const std::vector<std::string>& params) {
  auto rows = Query(db, sql, params);
  if (!rows) return tl::unexpected(rows.error());
  if (rows->empty() || rows->front().empty()) return Fail(ErrorCode::kNotFound, sql + ": no row");
  return std::stoll(rows->front().front().empty() ? "0" : rows->front().front());
}

Result<double> ReadMetric(std::uint16_t port, const std::string& sample) {
  testing::HttpClient client(port, std::chrono::seconds(5));
  auto r = client.Request("GET", "/metrics");
  if (!r || r->status != 200) {
    return Fail(ErrorCode::kUnavailable,
                "GET /metrics on port " + std::to_string(port) +
                    (r ? " answered " + std::to_string(r->status) : ": " + r.error().message));
  }
  std::istringstream lines(r->body);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.size() > sample.size() && line.compare(0, sample.size(), sample) == 0 &&
        line[sample.size()] == ' ') {
      return std::stod(line.substr(sample.size() + 1));
    }
  }
  return Fail(ErrorCode::kNotFound, sample + " is not in /metrics");
}

}  // namespace simpul::soak
