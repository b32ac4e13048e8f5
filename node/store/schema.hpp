#pragma once
// The node database schema as an ordered list of migrations (index i → user_version i+1).
// A released migration is never edited; a change is a new migration appended to the list.

#include <span>

#include "node/store/database.hpp"

namespace simpul::store {

std::span<const Migration> SchemaMigrations();

}  // namespace simpul::store
