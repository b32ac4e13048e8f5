#include "node/store/category_store.hpp"

namespace simpul::store {

Result<void> CategoryStore::Put(Connection& c, const domain::Category& cat, CategoryOrigin origin) {
  const bool national = origin == CategoryOrigin::kNational;
  auto s =
      c.Prepare(national ? "INSERT INTO categories(code, parent, name_id, name_en, active, origin) "
                           "VALUES (?,?,?,?,?,'national') ON CONFLICT(code) DO UPDATE SET "
                           "name_id=excluded.name_id, name_en=excluded.name_en"
                         : "INSERT INTO categories(code, parent, name_id, name_en, active, origin) "
                           "VALUES (?,?,?,?,?,'local')");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(cat.code, cat.parent, cat.name_id, cat.name_en, cat.active);
  auto r = s->Run();
  if (!r && r.error().code == ErrorCode::kConflict) {
    return Fail(ErrorCode::kConflict, "category " + cat.code + " exists");
  }
  return r;
}

Result<std::vector<domain::Category>> CategoryStore::All(Connection& c) {
  auto s = c.Prepare("SELECT code, parent, name_id, name_en, active FROM categories ORDER BY code");
  if (!s) return tl::unexpected(s.error());
  std::vector<domain::Category> out;
  for (;;) {
    auto row = s->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return out;
    domain::Category cat;
    cat.code = s->Text(0);
    cat.parent = s->Text(1);
    cat.name_id = s->Text(2);
    cat.name_en = s->Text(3);
    cat.active = s->Int(4) != 0;
    out.push_back(std::move(cat));
  }
}

Result<void> CategoryStore::SetActive(Connection& c, std::string_view code, bool active) {
  auto s = c.Prepare("UPDATE categories SET active = ? WHERE code = ?");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(active, code);
  if (auto r = s->Run(); !r) return r;
  if (c.Changes() == 0) return Fail(ErrorCode::kNotFound, "no category " + std::string(code));
  return {};
}

}  // namespace simpul::store
