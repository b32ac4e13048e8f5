#include "node/store/identity_store.hpp"

namespace simpul::store {

Result<void> IdentityStore::Insert(Connection& c, std::int64_t case_id,
                                   std::span<const std::uint8_t> wrapped_key,
                                   std::span<const std::uint8_t> sealed) {
  auto s =
      c.Prepare("INSERT INTO reporter_identities(case_id, wrapped_key, sealed) VALUES (?,?,?)");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(case_id, wrapped_key, sealed);
  return s->Run();
}

Result<SealedIdentity> IdentityStore::Find(Connection& c, std::int64_t case_id) {
  auto s =
      c.Prepare("SELECT wrapped_key, sealed, erased_at FROM reporter_identities WHERE case_id = ?");
  if (!s) return tl::unexpected(s.error());
  s->Bind(1, case_id);
  auto row = s->Step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return Fail(ErrorCode::kNotFound, "no reporter identity stored for this case");
  SealedIdentity out;
  if (!s->IsNull(0)) out.wrapped_key = s->Blob(0);
  out.sealed = s->Blob(1);
  if (auto ms = s->OptionalInt(2)) {
    out.erased_at = domain::TimePoint(std::chrono::milliseconds(*ms));
  }
  return out;
}

Result<void> IdentityStore::Erase(Connection& c, std::int64_t case_id, domain::TimePoint now) {
  auto s = c.Prepare(
      "UPDATE reporter_identities SET wrapped_key = NULL, erased_at = ? "
      "WHERE case_id = ? AND wrapped_key IS NOT NULL");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(now.time_since_epoch().count(), case_id);
  if (auto r = s->Run(); !r) return r;
  if (c.Changes() == 0) return Fail(ErrorCode::kNotFound, "no reporter identity left to erase");
  return {};
}

}  // namespace simpul::store
