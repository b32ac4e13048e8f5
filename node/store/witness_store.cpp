#include "node/store/witness_store.hpp"

#include <algorithm>

namespace simpul::store {
namespace {

constexpr std::string_view kLogColumns = "origin, size, root, note, first_cosigned_at, cosigned_at";
constexpr std::string_view kAlarmColumns =
    "id, kind, origin, detail, cosigned_size, cosigned_root, cosigned_note, submitted_size, "
    "submitted_root, submitted_note, raised_at";

crypto::MerkleHash HashOf(const Statement& s, int column) {
  crypto::MerkleHash hash{};
  const std::vector<std::uint8_t> blob = s.Blob(column);
  if (blob.size() == hash.size()) std::copy(blob.begin(), blob.end(), hash.begin());
  return hash;
}

WitnessLogRow ReadLog(const Statement& s) {
  return WitnessLogRow{s.Text(0), s.Int(1), HashOf(s, 2), s.Text(3), s.Int(4), s.Int(5)};
}

WitnessAlarmKind ParseKind(std::string_view text) {
  return text == "rollback" ? WitnessAlarmKind::kRollback : WitnessAlarmKind::kFork;
}

WitnessAlarmRow ReadAlarm(const Statement& s) {
  WitnessAlarmRow a;
  a.id = s.Int(0);
  a.kind = ParseKind(s.Text(1));
  a.origin = s.Text(2);
  a.detail = s.Text(3);
  a.cosigned_size = s.Int(4);
  a.cosigned_root = HashOf(s, 5);
  a.cosigned_note = s.Text(6);
  a.submitted_size = s.Int(7);
  a.submitted_root = HashOf(s, 8);
  a.submitted_note = s.Text(9);
  a.raised_at = s.Int(10);
  return a;
}

Result<std::int64_t> Scalar(Statement& s) {
  auto row = s.Step();
  if (!row) return tl::unexpected(row.error());
  return *row ? s.Int(0) : 0;
}

}  // namespace

std::string_view Name(WitnessAlarmKind kind) {
  return kind == WitnessAlarmKind::kRollback ? "rollback" : "fork";
}

Result<std::optional<WitnessLogRow>> WitnessStore::FindLog(Connection& c, std::string_view origin) {
  auto s = c.Prepare("SELECT " + std::string(kLogColumns) + " FROM witness_logs WHERE origin = ?");
  if (!s) return tl::unexpected(s.error());
  s->Bind(1, origin);
  auto row = s->Step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return std::optional<WitnessLogRow>();
  return std::optional<WitnessLogRow>(ReadLog(*s));
}

Result<void> WitnessStore::PutLog(Connection& c, const WitnessLogRow& row) {
  auto s = c.Prepare("INSERT INTO witness_logs(" + std::string(kLogColumns) +
                     ") VALUES (?,?,?,?,?,?) ON CONFLICT(origin) DO UPDATE SET "
                     "size = excluded.size, root = excluded.root, note = excluded.note, "
                     "cosigned_at = excluded.cosigned_at");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(row.origin, row.size, std::span<const std::uint8_t>(row.root), row.note,
             row.first_cosigned_at, row.cosigned_at);
  return s->Run();
}

Result<std::vector<WitnessLogRow>> WitnessStore::Logs(Connection& c) {
  auto s = c.Prepare("SELECT " + std::string(kLogColumns) + " FROM witness_logs ORDER BY origin");
  if (!s) return tl::unexpected(s.error());
  return CollectRows<WitnessLogRow>(*s, ReadLog);
}

Result<std::int64_t> WitnessStore::CountLogs(Connection& c) {
  auto s = c.Prepare("SELECT count(*) FROM witness_logs");
  if (!s) return tl::unexpected(s.error());
  return Scalar(*s);
}

Result<std::optional<std::int64_t>> WitnessStore::InsertAlarm(Connection& c,
                                                              const WitnessAlarmRow& a) {
  auto s = c.Prepare(
      "INSERT INTO witness_alarms(kind, origin, detail, cosigned_size, cosigned_root, "
      "cosigned_note, submitted_size, submitted_root, submitted_note, raised_at) "
      "VALUES (?,?,?,?,?,?,?,?,?,?) "
      "ON CONFLICT(origin, kind, cosigned_size, submitted_size, submitted_root) DO NOTHING");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(Name(a.kind), a.origin, a.detail, a.cosigned_size,
             std::span<const std::uint8_t>(a.cosigned_root), a.cosigned_note, a.submitted_size,
             std::span<const std::uint8_t>(a.submitted_root), a.submitted_note, a.raised_at);
  if (auto run = s->Run(); !run) return tl::unexpected(run.error());
  if (c.Changes() == 0) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(c.LastInsertRowId());
}

Result<std::vector<WitnessAlarmRow>> WitnessStore::Alarms(Connection& c, const AlarmQuery& query) {
  auto s = c.Prepare("SELECT " + std::string(kAlarmColumns) +
                     " FROM witness_alarms WHERE id > ? AND (? = '' OR origin = ?) "
                     "ORDER BY id LIMIT ?");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(query.after_id, query.origin, query.origin, std::clamp(query.limit, 1, 1000));
  return CollectRows<WitnessAlarmRow>(*s, ReadAlarm);
}

Result<std::int64_t> WitnessStore::CountAlarms(Connection& c, WitnessAlarmKind kind) {
  auto s = c.Prepare("SELECT count(*) FROM witness_alarms WHERE kind = ?");
  if (!s) return tl::unexpected(s.error());
  s->Bind(1, Name(kind));
  return Scalar(*s);
}

}  // namespace simpul::store
