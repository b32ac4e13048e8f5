#include "federation/routing.hpp"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <tuple>

#include "federation/directory.hpp"
#include "federation/directory_fields.hpp"

namespace simpul::federation {
namespace {

// A node that matched, and how well.
struct Candidate {
  int tier;                 // 0: region match, 1: category-only match
  std::size_t specificity;  // depth of the matched code: deeper is better
  RouteSuggestion suggestion;
};

// The deepest of `scopes` that `code` lies within, or nullopt.
std::optional<std::string> DeepestScope(const std::vector<std::string>& scopes,
                                        std::string_view code) {
  std::optional<std::string> best;
  for (const std::string& scope : scopes) {
    if (!internal::CodeWithin(code, scope)) continue;
    if (!best || internal::CodeDepth(scope) > internal::CodeDepth(*best)) best = scope;
  }
  return best;
}

// How `node` matches, following SuggestNodes' rules, or nullopt.
std::optional<Candidate> Match(const NodeEntry& node, std::string_view region_code,
                               std::string_view category_code) {
  if (node.node_class == NodeClass::kCoordinator) return std::nullopt;
  const Jurisdiction& scope = node.jurisdiction;
  const std::optional<std::string> region = DeepestScope(scope.regions, region_code);
  const std::optional<std::string> category = DeepestScope(scope.categories, category_code);
  if (!scope.regions.empty()) {
    if (!region || (!scope.categories.empty() && !category)) return std::nullopt;
    std::string reason = "jurisdiction covers region " + *region;
    if (category) reason += " and category " + *category;
    return Candidate{0, internal::CodeDepth(*region), {node.id, node.name, std::move(reason)}};
  }
  if (!category) return std::nullopt;
  return Candidate{1,
                   internal::CodeDepth(*category),
                   {node.id, node.name, "jurisdiction covers category " + *category}};
}

}  // namespace

std::vector<RouteSuggestion> SuggestNodes(const Directory& directory, std::string_view region_code,
                                          std::string_view category_code) {
  std::vector<Candidate> candidates;
  for (const NodeEntry& node : directory.document().nodes) {
    if (std::optional<Candidate> c = Match(node, region_code, category_code)) {
      candidates.push_back(std::move(*c));
    }
  }
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return std::tie(a.tier, b.specificity, a.suggestion.node_id) <
           std::tie(b.tier, a.specificity, b.suggestion.node_id);
  });
  std::vector<RouteSuggestion> suggestions;
  for (Candidate& c : candidates) suggestions.push_back(std::move(c.suggestion));
  return suggestions;
}

}  // namespace simpul::federation
