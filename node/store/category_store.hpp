#pragma once
// SQL for the node's category tree (national defaults plus local additions). Stateless.

#include <string>
#include <vector>

#include "node/domain/categories.hpp"
#include "node/store/connection.hpp"

namespace simpul::store {

enum class CategoryOrigin { kNational, kLocal };

class CategoryStore {
 public:
  // Inserts `c` or, for a national category, refreshes its names. Fails kConflict when a local
  // category would overwrite an existing code.
  static Result<void> Put(Connection& c, const domain::Category& category, CategoryOrigin origin);
  static Result<std::vector<domain::Category>> All(Connection& c);
  static Result<void> SetActive(Connection& c, std::string_view code, bool active);
};

}  // namespace simpul::store
