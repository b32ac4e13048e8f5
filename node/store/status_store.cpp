#include "node/store/status_store.hpp"

#include "node/store/connection.hpp"

namespace simpul::store {
namespace {

// The (size, time) of the newest checkpoint the query selects, if any.
Result<std::optional<CheckpointMark>> NewestCheckpoint(Connection& c, std::string_view sql) {
  auto s = c.Prepare(sql);
  if (!s) return tl::unexpected(s.error());
  auto row = s->Step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return std::optional<CheckpointMark>();
  return std::optional<CheckpointMark>(CheckpointMark{s->Int(0), s->Int(1)});
}

Result<std::int64_t> OneInt(Connection& c, std::string_view sql, std::int64_t bound = 0) {
  auto s = c.Prepare(sql);
  if (!s) return tl::unexpected(s.error());
  if (sql.find('?') != std::string_view::npos) s->Bind(1, bound);
  auto row = s->Step();
  if (!row) return tl::unexpected(row.error());
  return *row ? s->Int(0) : 0;
}

}  // namespace

Result<StoreStatus> ReadStoreStatus(Connection& c, std::int64_t now_ms) {
  StoreStatus status;
  auto version = OneInt(c, "PRAGMA user_version");
  if (!version) return tl::unexpected(version.error());
  status.schema_version = *version;
  auto s = c.Prepare("SELECT state, count(*) FROM cases GROUP BY state ORDER BY state");
  if (!s) return tl::unexpected(s.error());
  for (;;) {
    auto row = s->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    status.cases_by_state.emplace_back(s->Text(0), s->Int(1));
  }
  auto overdue = OneInt(c, "SELECT count(*) FROM cases WHERE next_due_at < ?", now_ms);
  if (!overdue) return tl::unexpected(overdue.error());
  status.overdue = *overdue;
  auto log_size = OneInt(c, "SELECT coalesce(max(idx) + 1, 0) FROM tlog_leaves");
  if (!log_size) return tl::unexpected(log_size.error());
  status.log_size = *log_size;
  auto latest = NewestCheckpoint(
      c, "SELECT size, created_at FROM tlog_checkpoints ORDER BY size DESC LIMIT 1");
  if (!latest) return tl::unexpected(latest.error());
  status.latest_checkpoint = *latest;
  auto witnessed = NewestCheckpoint(c,
                                    "SELECT size, witnessed_at FROM tlog_checkpoints "
                                    "WHERE witnessed_at IS NOT NULL ORDER BY size DESC LIMIT 1");
  if (!witnessed) return tl::unexpected(witnessed.error());
  status.latest_witnessed = *witnessed;
  return status;
}

}  // namespace simpul::store
