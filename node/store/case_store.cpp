#include "node/store/case_store.hpp"

#include <chrono>

#include <nlohmann/json.hpp>

#include "crypto/bytes.hpp"
#include "crypto/canonical_json.hpp"
#include "crypto/hash.hpp"
#include "node/store/log_leaves.hpp"
#include "node/store/tlog_store.hpp"

namespace simpul::store {
namespace {

using domain::TimePoint;

std::int64_t Millis(TimePoint t) { return t.time_since_epoch().count(); }
TimePoint FromMillis(std::int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }
std::optional<std::int64_t> Millis(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return Millis(*t);
}
std::optional<TimePoint> OptionalTime(const Statement& s, int col) {
  auto v = s.OptionalInt(col);
  if (!v) return std::nullopt;
  return FromMillis(*v);
}

constexpr std::string_view kCaseColumns =
    "c.id, c.tracking_id, c.classification, c.category, c.title, c.body, c.incident_date, "
    "c.region, c.address, c.latitude, c.longitude, c.suggested_agency, c.channel, c.anonymous, "
    "c.confidential, c.state, c.unit_id, u.code, c.escalation_level, c.access_hash, "
    "c.commitment, c.commitment_salt, c.submitted_at, c.updated_at, c.verified_at, "
    "c.next_due_at, c.next_clock, c.version, c.escalated_due_at";

std::string SelectCases(std::string_view where_and_rest) {
  std::string sql = "SELECT ";
  sql += kCaseColumns;
  sql += " FROM cases c LEFT JOIN units u ON u.id = c.unit_id ";
  sql += where_and_rest;
  return sql;
}

CaseRecord ReadCase(const Statement& s) {
  CaseRecord r;
  r.id = s.Int(0);
  r.tracking_id = s.Text(1);
  r.classification =
      domain::ParseClassification(s.Text(2)).value_or(domain::Classification::kComplaint);
  r.category = s.Text(3);
  r.title = s.Text(4);
  r.body = s.Text(5);
  if (!s.IsNull(6)) r.incident_date = s.Text(6);
  r.region = s.Text(7);
  r.address = s.Text(8);
  if (!s.IsNull(9)) r.latitude = s.Real(9);
  if (!s.IsNull(10)) r.longitude = s.Real(10);
  r.suggested_agency = s.Text(11);
  r.channel = domain::ParseChannel(s.Text(12)).value_or(domain::Channel::kWeb);
  r.anonymous = s.Int(13) != 0;
  r.confidential = s.Int(14) != 0;
  r.state = domain::ParseCaseState(s.Text(15)).value_or(domain::CaseState::kSubmitted);
  r.unit_id = s.OptionalInt(16);
  r.unit_code = s.Text(17);
  r.escalation_level = static_cast<int>(s.Int(18));
  r.access_hash = s.Blob(19);
  r.commitment = s.Blob(20);
  r.commitment_salt = s.Blob(21);
  r.submitted_at = FromMillis(s.Int(22));
  r.updated_at = FromMillis(s.Int(23));
  r.verified_at = OptionalTime(s, 24);
  r.next_due_at = OptionalTime(s, 25);
  r.next_clock = s.Text(26);
  r.version = s.Int(27);
  r.escalated_due_at = OptionalTime(s, 28);
  return r;
}

Result<std::vector<CaseRecord>> ReadCases(Statement& s) {
  std::vector<CaseRecord> out;
  for (;;) {
    auto row = s.Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return out;
    out.push_back(ReadCase(s));
  }
}

Result<std::vector<CountRow>> ReadCounts(Connection& c, std::string_view sql) {
  auto s = c.Prepare(sql);
  if (!s) return tl::unexpected(s.error());
  std::vector<CountRow> out;
  for (;;) {
    auto row = s->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return out;
    out.push_back(CountRow{s->Text(0), s->Int(1)});
  }
}

Result<std::int64_t> ReadScalar(Statement& s) {
  auto row = s.Step();
  if (!row) return tl::unexpected(row.error());
  return *row ? s.Int(0) : 0;
}

// Turns free text into an FTS5 query of quoted prefix terms, so user input is never FTS syntax.
// Quotes, blanks and control characters separate terms (FTS5 takes a NUL for the end of the query,
// so one inside a quoted term failed it as an unterminated string).
std::string FtsQuery(std::string_view text) {
  std::string out;
  std::string term;
  auto flush = [&] {
    if (term.empty()) return;
    if (!out.empty()) out += ' ';
    out += '"' + term + "\"*";
    term.clear();
  };
  for (char ch : text) {
    if (ch == '"' || ch == ' ' || static_cast<unsigned char>(ch) < 0x20 || ch == '\x7f') {
      flush();
    } else {
      term += ch;
    }
  }
  flush();
  return out;
}

}  // namespace

Result<std::int64_t> CaseStore::NextSequence(Connection& c, std::string_view counter) {
  auto s = c.Prepare(
      "INSERT INTO counters(name, value) VALUES (?, 1) "
      "ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value");
  if (!s) return tl::unexpected(s.error());
  s->Bind(1, counter);
  return ReadScalar(*s);
}

namespace {

// Appends the log leaf of event `e` of case `case_id`.
Result<void> LogEvent(Connection& c, std::int64_t case_id, const EventRecord& e) {
  auto tracking = c.Prepare("SELECT tracking_id FROM cases WHERE id = ?");
  if (!tracking) return tl::unexpected(tracking.error());
  tracking->Bind(1, case_id);
  auto row = tracking->Step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return Fail(ErrorCode::kNotFound, "no case " + std::to_string(case_id));
  const std::string tracking_id = tracking->Text(0);
  auto leaf = CaseStore::EventLeaf(tracking_id, e);
  if (!leaf) return tl::unexpected(leaf.error());
  auto logged = TlogStore::Append(c, leaves::kEvent, tracking_id, *leaf);
  if (!logged) return tl::unexpected(logged.error());
  return {};
}

}  // namespace

std::string CaseStore::IntakeLeaf(const CaseRecord& r) {
  return leaves::Intake(r.tracking_id, crypto::HexEncode(r.commitment), Millis(r.submitted_at));
}

Result<std::string> CaseStore::EventLeaf(std::string_view tracking_id, const EventRecord& e) {
  // The leaf commits to the whole event record (actor, reason, detail included) by its hash.
  nlohmann::json record = {{"action", domain::Name(e.action)},
                           {"state_after", domain::Name(e.state_after)},
                           {"actor", e.actor},
                           {"reason", e.reason},
                           {"detail", e.detail},
                           {"public", e.is_public},
                           {"at", Millis(e.at)}};
  auto canonical = crypto::Canonicalize(record);
  if (!canonical) return tl::unexpected(canonical.error());
  return leaves::Event(tracking_id, domain::Name(e.action), Millis(e.at),
                       crypto::HexEncode(crypto::Sha256(crypto::AsBytes(*canonical))));
}

Result<std::int64_t> CaseStore::Insert(Connection& c, const CaseRecord& r) {
  auto s = c.Prepare(
      "INSERT INTO cases(tracking_id, access_hash, classification, category, title, body, "
      "incident_date, region, address, latitude, longitude, suggested_agency, channel, anonymous, "
      "confidential, state, unit_id, escalation_level, commitment, commitment_salt, submitted_at, "
      "verified_at, updated_at, next_due_at, next_clock) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(r.tracking_id, std::span<const std::uint8_t>(r.access_hash),
             domain::Name(r.classification), r.category, r.title, r.body, r.incident_date, r.region,
             r.address, r.latitude, r.longitude, r.suggested_agency, domain::Name(r.channel),
             r.anonymous, r.confidential, domain::Name(r.state), r.unit_id, r.escalation_level,
             std::span<const std::uint8_t>(r.commitment),
             std::span<const std::uint8_t>(r.commitment_salt), Millis(r.submitted_at),
             Millis(r.verified_at), Millis(r.updated_at), Millis(r.next_due_at),
             r.next_clock.empty() ? std::optional<std::string>() : r.next_clock);
  if (auto run = s->Run(); !run) return tl::unexpected(run.error());
  const std::int64_t id = c.LastInsertRowId();
  if (auto logged = TlogStore::Append(c, leaves::kIntake, r.tracking_id, IntakeLeaf(r)); !logged) {
    return tl::unexpected(logged.error());
  }
  return id;
}

Result<void> CaseStore::AppendEvent(Connection& c, std::int64_t case_id, const EventRecord& e) {
  auto s = c.Prepare(
      "INSERT INTO case_events(case_id, action, state_after, actor, reason, detail, public, at) "
      "VALUES (?,?,?,?,?,?,?,?)");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(case_id, domain::Name(e.action), domain::Name(e.state_after), e.actor, e.reason,
             e.detail, e.is_public, Millis(e.at));
  if (auto run = s->Run(); !run) return run;
  return LogEvent(c, case_id, e);
}

Result<void> CaseStore::UpdateSummary(Connection& c, std::int64_t id, std::int64_t expected_version,
                                      const CaseSummary& m) {
  auto s = c.Prepare(
      "UPDATE cases SET state=?, unit_id=?, escalation_level=?, escalated_due_at=?, verified_at=?, "
      "next_due_at=?, next_clock=?, category=?, classification=?, updated_at=?, "
      "version=version+1 WHERE id=? AND version=?");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(domain::Name(m.state), m.unit_id, m.escalation_level, Millis(m.escalated_due_at),
             Millis(m.verified_at), Millis(m.next_due_at),
             m.next_clock.empty() ? std::optional<std::string>() : m.next_clock, m.category,
             domain::Name(m.classification), Millis(m.updated_at), id, expected_version);
  if (auto run = s->Run(); !run) return tl::unexpected(run.error());
  if (c.Changes() != 1) {
    return Fail(ErrorCode::kConflict, "the case changed meanwhile; reload it and try again");
  }
  return {};
}

Result<void> CaseStore::InsertAttachment(Connection& c, std::int64_t case_id,
                                         const AttachmentRecord& a) {
  auto s = c.Prepare(
      "INSERT OR IGNORE INTO attachments(case_id, sha256, filename, media_type, size) "
      "VALUES (?,?,?,?,?)");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(case_id, a.sha256, a.filename, a.media_type, a.size);
  return s->Run();
}

Result<std::vector<AttachmentRecord>> CaseStore::Attachments(Connection& c, std::int64_t case_id) {
  auto s = c.Prepare(
      "SELECT sha256, filename, media_type, size FROM attachments WHERE case_id = ? "
      "ORDER BY filename");
  if (!s) return tl::unexpected(s.error());
  s->Bind(1, case_id);
  std::vector<AttachmentRecord> out;
  for (;;) {
    auto row = s->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return out;
    out.push_back(AttachmentRecord{s->Text(0), s->Text(1), s->Text(2), s->Int(3)});
  }
}

Result<CaseRecord> CaseStore::FindByTrackingId(Connection& c, std::string_view tracking_id) {
  auto s = c.Prepare(SelectCases("WHERE c.tracking_id = ?"));
  if (!s) return tl::unexpected(s.error());
  s->Bind(1, tracking_id);
  auto row = s->Step();
  if (!row) return tl::unexpected(row.error());
  if (!*row)
    return Fail(ErrorCode::kNotFound, "no complaint with tracking id " + std::string(tracking_id));
  return ReadCase(*s);
}

Result<std::vector<EventRecord>> CaseStore::Events(Connection& c, std::int64_t case_id) {
  auto s = c.Prepare(
      "SELECT id, action, state_after, actor, reason, detail, public, at FROM case_events "
      "WHERE case_id = ? ORDER BY id");
  if (!s) return tl::unexpected(s.error());
  s->Bind(1, case_id);
  std::vector<EventRecord> out;
  for (;;) {
    auto row = s->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return out;
    EventRecord e;
    e.id = s->Int(0);
    e.action = domain::ParseCaseAction(s->Text(1)).value_or(domain::CaseAction::kSubmit);
    e.state_after = domain::ParseCaseState(s->Text(2)).value_or(domain::CaseState::kSubmitted);
    e.actor = s->Text(3);
    e.reason = s->Text(4);
    e.detail = s->Text(5);
    e.is_public = s->Int(6) != 0;
    e.at = FromMillis(s->Int(7));
    out.push_back(std::move(e));
  }
}

Result<CasePage> CaseStore::Query(Connection& c, const CaseQuery& q) {
  // Each filter is always present in the SQL and switched off by a NULL parameter, so the
  // statement text is fixed (cached, never concatenated from input).
  constexpr std::string_view kWhere =
      "WHERE (?1 IS NULL OR c.state = ?1) AND (?2 IS NULL OR c.unit_id = ?2) "
      "AND (?3 IS NULL OR c.category = ?3 OR substr(c.category, 1, length(?3) + 1) = ?3 || '.') "
      "AND (?4 IS NULL OR c.region = ?4 OR substr(c.region, 1, length(?4) + 1) = ?4 || '.') "
      "AND (?5 IS NULL OR c.id IN (SELECT rowid FROM cases_fts WHERE cases_fts MATCH ?5)) "
      "AND (?6 IS NULL OR c.next_due_at < ?6) "
      "AND (?7 = 0 OR (c.confidential = 0 AND c.verified_at IS NOT NULL)) "
      "AND (?10 IS NULL OR c.unit_id = (SELECT id FROM units WHERE code = ?10)) ";
  auto bind = [&](Statement& s) {
    s.Bind(1, q.state ? std::optional<std::string>(std::string(domain::Name(*q.state)))
                      : std::nullopt);
    s.Bind(2, q.unit_id);
    s.Bind(3, q.category.empty() ? std::optional<std::string>() : q.category);
    s.Bind(4, q.region.empty() ? std::optional<std::string>() : q.region);
    std::string fts = FtsQuery(q.text);
    s.Bind(5, fts.empty() ? std::optional<std::string>() : fts);
    s.Bind(6, Millis(q.overdue_at));
    s.Bind(7, q.public_only);
    s.Bind(10, q.unit_code.empty() ? std::optional<std::string>() : q.unit_code);
  };
  CasePage page;
  {
    auto count = c.Prepare(std::string("SELECT count(*) FROM cases c ") + std::string(kWhere));
    if (!count) return tl::unexpected(count.error());
    bind(*count);
    auto total = ReadScalar(*count);
    if (!total) return tl::unexpected(total.error());
    page.total = *total;
  }
  auto s = c.Prepare(SelectCases(std::string(kWhere) + "ORDER BY c.id DESC LIMIT ?8 OFFSET ?9"));
  if (!s) return tl::unexpected(s.error());
  bind(*s);
  s->Bind(8, q.limit).Bind(9, q.offset);
  auto items = ReadCases(*s);
  if (!items) return tl::unexpected(items.error());
  page.items = std::move(*items);
  return page;
}

Result<std::vector<CaseRecord>> CaseStore::DueBefore(Connection& c, TimePoint now, int limit) {
  auto s = c.Prepare(SelectCases(
      "WHERE c.next_due_at < ?1 AND (c.next_clock = 'auto_close' OR c.escalated_due_at IS NULL "
      "OR c.escalated_due_at != c.next_due_at) ORDER BY c.next_due_at LIMIT ?2"));
  if (!s) return tl::unexpected(s.error());
  s->BindAll(Millis(now), limit);
  return ReadCases(*s);
}

Result<void> CaseStore::ReplaceClocks(Connection& c, std::int64_t id,
                                      const std::vector<domain::ClockRecord>& clocks) {
  auto del = c.Prepare("DELETE FROM case_clocks WHERE case_id = ?");
  if (!del) return tl::unexpected(del.error());
  del->Bind(1, id);
  if (auto r = del->Run(); !r) return r;
  return InsertClocks(c, id, clocks);
}

Result<void> CaseStore::InsertClocks(Connection& c, std::int64_t id,
                                     const std::vector<domain::ClockRecord>& clocks) {
  auto ins = c.Prepare(
      "INSERT INTO case_clocks(case_id, ordinal, clock, started_at, due_at, stopped_at) "
      "VALUES (?,?,?,?,?,?)");
  if (!ins) return tl::unexpected(ins.error());
  int ordinal = 0;
  for (const auto& k : clocks) {
    ins->BindAll(id, ordinal++, domain::Name(k.clock), Millis(k.started_at), Millis(k.due),
                 Millis(k.stopped_at));
    if (auto r = ins->Run(); !r) return r;
  }
  return {};
}

Result<std::vector<ClockCompliance>> CaseStore::Compliance(Connection& c, TimePoint now) {
  auto s = c.Prepare(
      "SELECT clock, "
      "sum(stopped_at IS NOT NULL AND stopped_at <= due_at), "
      "sum((stopped_at IS NOT NULL AND stopped_at > due_at) OR (stopped_at IS NULL AND ?1 > "
      "due_at)), "
      "sum(stopped_at IS NULL AND ?1 <= due_at) "
      "FROM case_clocks GROUP BY clock ORDER BY clock");
  if (!s) return tl::unexpected(s.error());
  s->Bind(1, Millis(now));
  std::vector<ClockCompliance> out;
  for (;;) {
    auto row = s->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return out;
    out.push_back(ClockCompliance{s->Text(0), s->Int(1), s->Int(2), s->Int(3)});
  }
}

Result<std::vector<CountRow>> CaseStore::CountByState(Connection& c) {
  return ReadCounts(c, "SELECT state, count(*) FROM cases GROUP BY state ORDER BY state");
}

Result<std::vector<CountRow>> CaseStore::CountByCategory(Connection& c) {
  return ReadCounts(c, "SELECT category, count(*) FROM cases GROUP BY category ORDER BY category");
}

Result<std::vector<CountRow>> CaseStore::CountByRegion(Connection& c) {
  return ReadCounts(c, "SELECT region, count(*) FROM cases GROUP BY region ORDER BY region");
}

Result<std::int64_t> CaseStore::CountOverdue(Connection& c, TimePoint now) {
  auto s = c.Prepare("SELECT count(*) FROM cases WHERE next_due_at < ?");
  if (!s) return tl::unexpected(s.error());
  s->Bind(1, Millis(now));
  return ReadScalar(*s);
}

Result<std::int64_t> CaseStore::CountAll(Connection& c) {
  auto s = c.Prepare("SELECT count(*) FROM cases");
  if (!s) return tl::unexpected(s.error());
  return ReadScalar(*s);
}

}  // namespace simpul::store
