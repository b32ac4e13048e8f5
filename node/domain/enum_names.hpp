#pragma once
// Internal to node/domain: one table per enum maps each enumerator to its snake_case wire name,
// so Name() and Parse*() cannot disagree.

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace simpul::domain::internal {

template <class E>
struct NamedValue {
  E value;
  std::string_view name;
};

// The wire name of `value`; "unknown" only for a value outside the enum (a programmer error).
template <class E, std::size_t N>
constexpr std::string_view NameIn(const std::array<NamedValue<E>, N>& table, E value) {
  for (const auto& entry : table) {
    if (entry.value == value) return entry.name;
  }
  return "unknown";
}

// The enumerator whose wire name is exactly `name`, or nullopt.
template <class E, std::size_t N>
constexpr std::optional<E> ParseIn(const std::array<NamedValue<E>, N>& table,
                                   std::string_view name) {
  for (const auto& entry : table) {
    if (entry.name == name) return entry.value;
  }
  return std::nullopt;
}

}  // namespace simpul::domain::internal
