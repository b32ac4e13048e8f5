#pragma once
// The hierarchical complaint category tree. The coordinator distributes national defaults
// (DefaultNationalCategories); a node may add its own categories below them and deactivate
// ones it does not use. Nothing is removed, so old cases keep a valid category.
//
// Codes are lowercase segments of [a-z0-9_] joined by '.', one segment per level, at most three
// levels: "infrastruktur", "infrastruktur.jalan", "infrastruktur.jalan.nasional". A category's
// code is its parent's code plus one segment.
//
// A CategoryTree is a plain value: not thread-safe for writes; const methods may be shared.

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/result.hpp"

namespace simpul::domain {

struct Category {
  std::string code;     // "infrastruktur.jalan"
  std::string parent;   // "infrastruktur"; empty for a top-level category
  std::string name_id;  // Indonesian name, shown first: "Jalan Rusak"
  std::string name_en;  // English name: "Damaged roads"
  bool active = true;   // inactive categories stay for old cases but take no new complaints
};

inline constexpr std::size_t kMaxCategoryDepth = 3;
inline constexpr std::size_t kMaxCategoryNameBytes = 100;

class CategoryTree {
 public:
  // Adds `category`. Fails with kConflict if its code exists, and with kInvalidArgument if the
  // code is malformed or deeper than kMaxCategoryDepth, the parent does not exist, the code is
  // not the parent's code plus one segment, or name_id is empty or a name is longer than
  // kMaxCategoryNameBytes.
  Result<void> Add(Category category);

  // Marks a category active or inactive. Fails with kNotFound for an unknown code.
  Result<void> SetActive(std::string_view code, bool active);

  // The category with `code`. Fails with kNotFound ("unknown category x").
  Result<Category> Find(std::string_view code) const;

  // True if `code` exists and it and all its ancestors are active.
  bool AcceptsComplaints(std::string_view code) const;

  // Every category, sorted by code.
  std::vector<Category> All() const;

  // The direct children of `parent` ("" for the top level), sorted by code.
  std::vector<Category> Children(std::string_view parent) const;

  std::size_t size() const { return categories_.size(); }

 private:
  std::map<std::string, Category, std::less<>> categories_;
};

// The national default tree modelled on SP4N-LAPOR!: thirteen top-level categories, each with
// two to five children, Indonesian names with English translations. All valid and active.
CategoryTree DefaultNationalCategories();

}  // namespace simpul::domain
