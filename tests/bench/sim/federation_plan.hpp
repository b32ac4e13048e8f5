#pragma once
// The member list of the simulated federation: every province, regency and city of the shipped
// region data (domain::RegionRegistry::Builtin: 38 provinces, 514 regencies and cities, ODbL) and
// a dozen ministries, each with the id, class, parent and jurisdiction an operator would enroll,
// and a weight for how many complaints it receives.
//
//   std::vector<MemberPlan> members = PlanFederation(/*limit=*/0);
//
// Weights are a coarse population proxy, since the shipped data holds no population: a regency
// weighs 2, a city 3, a province 8 and a ministry 16, and the six provinces of Java (31-36), where
// about 56% of Indonesians live, count double. Pure; thread-safe.

#include <cstddef>
#include <string>
#include <vector>

#include "federation/directory_document.hpp"

namespace simpul::bench::sim {

struct MemberPlan {
  std::string id;  // "prov:32", "kab:32.04", "kota:32.73", "kl:kemenkes"
  std::string name;
  federation::NodeClass node_class = federation::NodeClass::kRegency;
  std::string parent;                   // "prov:32" for a regency or city, else ""
  std::string region;                   // its own region code; "" for a ministry
  std::vector<std::string> categories;  // a ministry's top-level categories; else empty
  double weight = 1;                    // relative share of the complaints filed there
};

// Provinces first (by code), then regencies and cities (by code), then ministries. With `limit` >
// 0 only the first `limit` members are kept, dropped regencies never orphaning a kept one (their
// provinces come first) and at least one ministry always kept so forwards from ministries exist.
std::vector<MemberPlan> PlanFederation(std::size_t limit);

// "KAB3204" for "kab:32.04": the prefix of the tracking ids a node issues.
std::string TrackingPrefix(const std::string& node_id);

}  // namespace simpul::bench::sim
