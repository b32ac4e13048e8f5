#include "node/domain/categories.hpp"

#include <utility>

namespace simpul::domain {
namespace {

bool IsSegmentChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

// The number of segments of a well-formed code, or 0 if it is malformed.
std::size_t Depth(std::string_view code) {
  std::size_t depth = 1;
  std::size_t segment_length = 0;
  for (char c : code) {
    if (c == '.') {
      if (segment_length == 0) return 0;
      ++depth;
      segment_length = 0;
    } else if (IsSegmentChar(c)) {
      ++segment_length;
    } else {
      return 0;
    }
  }
  return segment_length == 0 ? 0 : depth;
}

Result<void> Invalid(const Category& c, std::string_view what) {
  return Fail(ErrorCode::kInvalidArgument, "category " + c.code + ": " + std::string(what));
}

}  // namespace

Result<void> CategoryTree::Add(Category category) {
  const Category& c = category;
  std::size_t depth = Depth(c.code);
  if (depth == 0) return Invalid(c, "code must be [a-z0-9_] segments joined by '.'");
  if (depth > kMaxCategoryDepth) return Invalid(c, "deeper than 3 levels");
  if (c.parent.empty()) {
    if (depth != 1) return Invalid(c, "a dotted code needs its parent");
  } else {
    if (!categories_.contains(c.parent)) return Invalid(c, "unknown parent " + c.parent);
    bool extends_parent = c.code.size() > c.parent.size() + 1 &&
                          c.code.starts_with(c.parent + ".") && Depth(c.parent) + 1 == depth;
    if (!extends_parent) return Invalid(c, "code must be the parent's code plus one segment");
  }
  if (c.name_id.empty()) return Invalid(c, "name_id is required");
  if (c.name_id.size() > kMaxCategoryNameBytes || c.name_en.size() > kMaxCategoryNameBytes) {
    return Invalid(c, "names must be at most 100 bytes");
  }
  if (categories_.contains(c.code)) {
    return Fail(ErrorCode::kConflict, "category " + c.code + " already exists");
  }
  std::string code = c.code;
  categories_.emplace(std::move(code), std::move(category));
  return {};
}

Result<void> CategoryTree::SetActive(std::string_view code, bool active) {
  auto it = categories_.find(code);
  if (it == categories_.end()) {
    return Fail(ErrorCode::kNotFound, "unknown category " + std::string(code));
  }
  it->second.active = active;
  return {};
}

Result<Category> CategoryTree::Find(std::string_view code) const {
  auto it = categories_.find(code);
  if (it == categories_.end()) {
    return Fail(ErrorCode::kNotFound, "unknown category " + std::string(code));
  }
  return it->second;
}

bool CategoryTree::AcceptsComplaints(std::string_view code) const {
  auto it = categories_.find(code);
  while (it != categories_.end()) {
    if (!it->second.active) return false;
    if (it->second.parent.empty()) return true;
    it = categories_.find(it->second.parent);
  }
  return false;
}

std::vector<Category> CategoryTree::All() const {
  std::vector<Category> all;
  all.reserve(categories_.size());
  for (const auto& [code, category] : categories_) all.push_back(category);
  return all;
}

std::vector<Category> CategoryTree::Children(std::string_view parent) const {
  std::vector<Category> children;
  for (const auto& [code, category] : categories_) {
    if (category.parent == parent) children.push_back(category);
  }
  return children;
}

}  // namespace simpul::domain
