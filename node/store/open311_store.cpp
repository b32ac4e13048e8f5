#include "node/store/open311_store.hpp"

#include <nlohmann/json.hpp>

namespace simpul::store {
namespace {

using domain::TimePoint;

std::int64_t Millis(TimePoint t) { return t.time_since_epoch().count(); }
TimePoint FromMillis(std::int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

// A list filter as a JSON array for json_each (NULL when empty: the filter is off), so the SQL
// text stays fixed whatever the list's length. Bytes that are not UTF-8 (the items come from a
// query string) become U+FFFD, which no tracking id or category code holds: such an item matches
// nothing. (The strict writer would throw on the database thread and end the process.)
std::optional<std::string> JsonList(const std::vector<std::string>& items) {
  if (items.empty()) return std::nullopt;
  return nlohmann::json(items).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

constexpr std::string_view kKeyColumns = "id, prefix, label, created_at, revoked_at";

Open311KeyRecord ReadKey(Statement& s) {
  Open311KeyRecord k{s.Int(0), s.Text(1), s.Text(2), FromMillis(s.Int(3)), std::nullopt};
  if (auto revoked = s.OptionalInt(4)) k.revoked_at = FromMillis(*revoked);
  return k;
}

// The key the bound statement selects, if any.
Result<std::optional<Open311KeyRecord>> FirstKey(Statement& s) {
  auto rows = CollectRows<Open311KeyRecord>(s, ReadKey);
  if (!rows) return tl::unexpected(rows.error());
  if (rows->empty()) return std::optional<Open311KeyRecord>();
  return std::optional<Open311KeyRecord>(std::move(rows->front()));
}

Result<std::optional<Open311KeyRecord>> KeyById(Connection& c, std::int64_t id) {
  auto s = c.Prepare("SELECT " + std::string(kKeyColumns) + " FROM open311_keys WHERE id = ?");
  if (!s) return tl::unexpected(s.error());
  s->Bind(1, id);
  return FirstKey(*s);
}

// The case's public state: the handler's report for a case this node forwarded, else its own.
constexpr std::string_view kPublicState =
    "(CASE WHEN c.state = 'forwarded' AND coalesce(l.handler_state, '') != '' "
    "THEN l.handler_state ELSE c.state END)";

// Every filter is in the SQL and switched off by a NULL parameter (see CaseStore::Query).
std::string WhereClause() {
  return "FROM cases c LEFT JOIN fed_case_links l ON l.case_id = c.id "
         "LEFT JOIN units u ON u.id = c.unit_id "
         "WHERE c.confidential = 0 AND c.verified_at IS NOT NULL "
         "AND (?1 IS NULL OR c.tracking_id IN (SELECT value FROM json_each(?1))) "
         "AND (?2 IS NULL OR c.category IN (SELECT value FROM json_each(?2))) "
         "AND (?3 IS NULL OR c.submitted_at >= ?3) AND (?4 IS NULL OR c.submitted_at <= ?4) "
         "AND (?5 IS NULL OR (" +
         std::string(kPublicState) + " IN (SELECT value FROM json_each(?6))) = ?5) ";
}

void BindFilter(Statement& s, const Open311Filter& f) {
  s.Bind(1, JsonList(f.tracking_ids));
  s.Bind(2, JsonList(f.categories));
  s.Bind(3,
         f.submitted_from ? std::optional<std::int64_t>(Millis(*f.submitted_from)) : std::nullopt);
  s.Bind(4, f.submitted_to ? std::optional<std::int64_t>(Millis(*f.submitted_to)) : std::nullopt);
  s.Bind(5, f.closed);
  s.Bind(6, nlohmann::json(f.closed_states).dump());
}

// The latest public answer to the reporter: a staff response or resolution here, or a response
// the handling node sent back.
constexpr std::string_view kStatusNote =
    "(SELECT json_extract(e.detail, '$.message') FROM case_events e WHERE e.case_id = c.id "
    "AND e.public = 1 AND json_valid(e.detail) "
    "AND json_extract(e.detail, '$.message') IS NOT NULL "
    "AND (e.action IN ('respond', 'resolve') OR (e.action = 'peer_update' "
    "AND json_extract(e.detail, '$.type') = 'case.response')) ORDER BY e.id DESC LIMIT 1)";

Open311Row ReadRow(Statement& s) {
  Open311Row r;
  r.tracking_id = s.Text(0);
  r.category = s.Text(1);
  r.body = s.Text(2);
  r.address = s.Text(3);
  r.state = domain::ParseCaseState(s.Text(4)).value_or(domain::CaseState::kVerified);
  r.handler = s.Text(5);
  r.handler_state = s.Text(6);
  r.unit_name = s.Text(7);
  if (!s.IsNull(8) && !s.IsNull(9)) {
    r.latitude = s.Real(8);
    r.longitude = s.Real(9);
  }
  r.submitted_at = FromMillis(s.Int(10));
  r.updated_at = FromMillis(s.Int(11));
  if (auto due = s.OptionalInt(12)) r.next_due_at = FromMillis(*due);
  r.next_clock = s.Text(13);
  r.status_note = s.Text(14);
  return r;
}

}  // namespace

Result<Open311KeyRecord> Open311Store::InsertKey(Connection& c,
                                                 std::span<const std::uint8_t> key_hash,
                                                 std::string_view prefix, std::string_view label,
                                                 TimePoint now) {
  auto s = c.Prepare(
      "INSERT INTO open311_keys(key_hash, prefix, label, created_at) VALUES (?, ?, ?, ?)");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(key_hash, prefix, label, Millis(now));
  if (auto r = s->Run(); !r) return tl::unexpected(r.error());
  return Open311KeyRecord{c.LastInsertRowId(), std::string(prefix), std::string(label), now,
                          std::nullopt};
}

Result<std::vector<Open311KeyRecord>> Open311Store::ListKeys(Connection& c) {
  auto s = c.Prepare("SELECT " + std::string(kKeyColumns) + " FROM open311_keys ORDER BY id");
  if (!s) return tl::unexpected(s.error());
  return CollectRows<Open311KeyRecord>(*s, ReadKey);
}

Result<Open311KeyRecord> Open311Store::RevokeKey(Connection& c, std::int64_t id, TimePoint now) {
  auto key = KeyById(c, id);
  if (!key) return tl::unexpected(key.error());
  if (!*key) return Fail(ErrorCode::kNotFound, "no Open311 key with id " + std::to_string(id));
  if ((*key)->revoked_at) {
    return Fail(ErrorCode::kConflict, "Open311 key " + std::to_string(id) + " is already revoked");
  }
  auto s = c.Prepare("UPDATE open311_keys SET revoked_at = ? WHERE id = ?");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(Millis(now), id);
  if (auto r = s->Run(); !r) return tl::unexpected(r.error());
  (*key)->revoked_at = now;
  return std::move(**key);
}

Result<std::optional<Open311KeyRecord>> Open311Store::FindActiveKey(
    Connection& c, std::span<const std::uint8_t> key_hash) {
  auto s = c.Prepare("SELECT " + std::string(kKeyColumns) +
                     " FROM open311_keys WHERE key_hash = ? AND revoked_at IS NULL");
  if (!s) return tl::unexpected(s.error());
  s->Bind(1, key_hash);
  return FirstKey(*s);
}

Result<Open311Page> Open311Store::QueryRequests(Connection& c, const Open311Filter& f) {
  const std::string where = WhereClause();
  Open311Page page;
  {
    auto count = c.Prepare("SELECT count(*) " + where);
    if (!count) return tl::unexpected(count.error());
    BindFilter(*count, f);
    auto row = count->Step();
    if (!row) return tl::unexpected(row.error());
    page.total = *row ? count->Int(0) : 0;
  }
  auto s = c.Prepare(
      "SELECT c.tracking_id, c.category, c.body, c.address, c.state, coalesce(l.handler, ''), "
      "coalesce(l.handler_state, ''), coalesce(u.name, ''), c.latitude, c.longitude, "
      "c.submitted_at, c.updated_at, c.next_due_at, coalesce(c.next_clock, ''), coalesce(" +
      std::string(kStatusNote) + ", '') " + where + "ORDER BY c.id DESC LIMIT ?7 OFFSET ?8");
  if (!s) return tl::unexpected(s.error());
  BindFilter(*s, f);
  s->Bind(7, f.limit).Bind(8, f.offset);
  auto rows = CollectRows<Open311Row>(*s, ReadRow);
  if (!rows) return tl::unexpected(rows.error());
  page.items = std::move(*rows);
  return page;
}

}  // namespace simpul::store
