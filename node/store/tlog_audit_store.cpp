#include "node/store/tlog_audit_store.hpp"

namespace simpul::store {
namespace {

AuditRow ReadAudit(const Statement& s) {
  return AuditRow{s.Int(0), s.Int(1), s.Int(2), s.Int(3), s.Text(4)};
}

}  // namespace

Result<void> TlogAuditStore::Insert(Connection& c, const AuditRow& row) {
  auto s = c.Prepare(
      "INSERT INTO tlog_audits (at, cases, events, mismatches, findings) VALUES (?, ?, ?, ?, ?)");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(row.at, row.cases, row.events, row.mismatches, row.findings);
  return s->Run();
}

Result<std::optional<AuditRow>> TlogAuditStore::Latest(Connection& c) {
  auto s = c.Prepare(
      "SELECT at, cases, events, mismatches, findings FROM tlog_audits ORDER BY id DESC LIMIT 1");
  if (!s) return tl::unexpected(s.error());
  auto rows = CollectRows<AuditRow>(*s, ReadAudit);
  if (!rows) return tl::unexpected(rows.error());
  if (rows->empty()) return std::nullopt;
  return std::move(rows->front());
}

}  // namespace simpul::store
