#pragma once
// "No wrong door" routing: which nodes could handle a complaint about a region and a category,
// read from the directory's jurisdictions. A node that received a complaint it does not handle
// shows these suggestions to staff, who forward the case to one of them.
//
//   for (const RouteSuggestion& s : SuggestNodes(directory, "32.04.05", "kesehatan.rs")) ...
//   // kab:32.04 (region 32.04), prov:32 (region 32), kl:kemenkes (category kesehatan)
//
// Pure and thread-safe.

#include <string>
#include <string_view>
#include <vector>

namespace simpul::federation {

class Directory;

struct RouteSuggestion {
  std::string node_id;
  std::string node_name;
  std::string reason;  // "jurisdiction covers region 32.04", "... category kesehatan"

  bool operator==(const RouteSuggestion&) const = default;
};

// The nodes whose jurisdiction covers `region_code` and/or `category_code`, best first:
//   1. nodes with regions covering the region (a node that also lists categories must cover the
//      category as well), the most specific region first: "32.04.05" → "32.04" → "32";
//   2. then nodes with only categories covering the category (prefix match on the tree: a
//      jurisdiction "kesehatan" covers "kesehatan.rs"), the most specific category first.
// Ties are broken by node id; each node appears once, with its most specific match; coordinators
// are never suggested. An empty code matches nothing. Empty if no node matches.
std::vector<RouteSuggestion> SuggestNodes(const Directory& directory, std::string_view region_code,
                                          std::string_view category_code);

}  // namespace simpul::federation
