#include "node/service/catalog.hpp"

#include "node/store/category_store.hpp"

namespace simpul::service {

Catalog::Catalog(store::Database& db, domain::RegionRegistry regions)
    : db_(db), regions_(std::move(regions)), tree_(std::make_shared<domain::CategoryTree>()) {}

std::shared_ptr<const domain::CategoryTree> Catalog::categories() const {
  std::lock_guard lock(mu_);
  return tree_;
}

Result<void> Catalog::Reload(store::Connection& c) {
  auto rows = store::CategoryStore::All(c);
  if (!rows) return tl::unexpected(rows.error());
  auto tree = std::make_shared<domain::CategoryTree>();
  // Parents sort before children (a parent's code is a prefix of its children's), so adding in
  // code order always finds the parent.
  for (auto& cat : *rows) {
    if (auto r = tree->Add(cat); !r) {
      return Fail(ErrorCode::kInternal, "stored category " + cat.code + ": " + r.error().message);
    }
  }
  std::lock_guard lock(mu_);
  tree_ = std::move(tree);
  return {};
}

Result<void> Catalog::Load() {
  return db_
      .WriteSync<std::monostate>([this](store::Connection& c) -> Result<std::monostate> {
        for (const auto& cat : domain::DefaultNationalCategories().All()) {
          auto put = store::CategoryStore::Put(c, cat, store::CategoryOrigin::kNational);
          if (!put) return tl::unexpected(put.error());
        }
        if (auto r = Reload(c); !r) return tl::unexpected(r.error());
        return std::monostate{};
      })
      .map([](std::monostate) {});
}

boost::asio::awaitable<Result<domain::Category>> Catalog::AddLocalCategory(domain::Category cat) {
  auto added = co_await db_.Write<domain::Category>(
      [this, &cat](store::Connection& c) -> Result<domain::Category> {
        domain::CategoryTree check = *categories();
        if (auto r = check.Add(cat); !r) return tl::unexpected(r.error());
        auto put = store::CategoryStore::Put(c, cat, store::CategoryOrigin::kLocal);
        if (!put) return tl::unexpected(put.error());
        return cat;
      });
  if (!added) co_return added;
  // Refresh the cache only from committed state.
  auto reloaded =
      co_await db_.Read<std::monostate>([this](store::Connection& c) -> Result<std::monostate> {
        if (auto r = Reload(c); !r) return tl::unexpected(r.error());
        return std::monostate{};
      });
  if (!reloaded) co_return tl::unexpected(reloaded.error());
  co_return added;
}

}  // namespace simpul::service
