#pragma once
// The reference data complaints are checked against: the region list (built in, immutable) and
// the category tree (national defaults plus the node's own additions, persisted in SQLite and
// cached here). Thread-safe: readers take an immutable snapshot of the tree; changes replace it.

#include <memory>
#include <mutex>

#include <boost/asio/awaitable.hpp>

#include "node/domain/categories.hpp"
#include "node/domain/regions.hpp"
#include "node/store/database.hpp"

namespace simpul::service {

class Catalog {
 public:
  Catalog(store::Database& db, domain::RegionRegistry regions);

  // Stores the national default categories (refreshing their names) and loads the full tree.
  // Called once at start-up, before serving.
  Result<void> Load();

  const domain::RegionRegistry& regions() const { return regions_; }
  std::shared_ptr<const domain::CategoryTree> categories() const;

  // Adds a node-local category under an existing parent. Fails kConflict if the code exists and
  // kInvalidArgument if the code or parent is not acceptable.
  boost::asio::awaitable<Result<domain::Category>> AddLocalCategory(domain::Category category);

 private:
  Result<void> Reload(store::Connection& c);

  store::Database& db_;
  domain::RegionRegistry regions_;
  mutable std::mutex mu_;
  std::shared_ptr<const domain::CategoryTree> tree_;
};

}  // namespace simpul::service
