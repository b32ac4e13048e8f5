#include "federation/routing.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "federation/directory.hpp"
#include "tests/federation/directory_test_fixture.hpp"

namespace simpul::federation {
namespace {

using testing::MakeNode;
using testing::SampleDocument;
using testing::SignedDirectory;

std::vector<std::string> Ids(const std::vector<RouteSuggestion>& suggestions) {
  std::vector<std::string> ids;
  for (const RouteSuggestion& s : suggestions) ids.push_back(s.node_id);
  return ids;
}

TEST(RoutingTest, DistrictComplaintGoesToRegencyThenProvinceThenMinistry) {
  const Directory d = SignedDirectory(SampleDocument());
  const std::vector<RouteSuggestion> s = SuggestNodes(d, "32.04.05", "kesehatan.rs");
  ASSERT_EQ(Ids(s), (std::vector<std::string>{"kab:32.04", "prov:32", "kl:kemenkes"}));
  EXPECT_EQ(s[0].reason, "jurisdiction covers region 32.04");
  EXPECT_EQ(s[0].node_name, "Node kab:32.04");
  EXPECT_EQ(s[1].reason, "jurisdiction covers region 32");
  EXPECT_EQ(s[2].reason, "jurisdiction covers category kesehatan");
}

TEST(RoutingTest, MinistryOnlyForItsCategories) {
  const Directory d = SignedDirectory(SampleDocument());
  EXPECT_EQ(Ids(SuggestNodes(d, "32.73", "infrastruktur.jalan")),
            (std::vector<std::string>{"kota:32.73", "prov:32"}));
  EXPECT_EQ(Ids(SuggestNodes(d, "33.01", "kesehatan")), (std::vector<std::string>{"kl:kemenkes"}));
  EXPECT_TRUE(SuggestNodes(d, "33.01", "infrastruktur").empty());
}

TEST(RoutingTest, MatchesWholeCodeSegmentsOnly) {
  const Directory d = SignedDirectory(SampleDocument());
  EXPECT_TRUE(SuggestNodes(d, "320", "kesehatan_gigi").empty());
  EXPECT_TRUE(SuggestNodes(d, "", "").empty());
  EXPECT_EQ(Ids(SuggestNodes(d, "32", "")), (std::vector<std::string>{"prov:32"}));
}

TEST(RoutingTest, NodeWithRegionsAndCategoriesNeedsBothAndTiesGoById) {
  DirectoryDocument doc = SampleDocument();
  // A provincial health agency and a second regency-level agency: both constrained by region.
  doc.nodes.push_back(
      MakeNode("lem:dinkes-jabar", NodeClass::kAgency, "prov:32", {"32"}, {"kesehatan"}, 70));
  doc.nodes.push_back(MakeNode("lem:bpbd-bandung", NodeClass::kAgency, "", {"32.04"}, {}, 80));
  const Directory d = SignedDirectory(doc);
  const std::vector<RouteSuggestion> s = SuggestNodes(d, "32.04.05", "kesehatan.rs");
  EXPECT_EQ(Ids(s), (std::vector<std::string>{"kab:32.04", "lem:bpbd-bandung", "lem:dinkes-jabar",
                                              "prov:32", "kl:kemenkes"}));
  EXPECT_EQ(s[2].reason, "jurisdiction covers region 32 and category kesehatan");
  EXPECT_EQ(Ids(SuggestNodes(d, "32.04.05", "infrastruktur")),
            (std::vector<std::string>{"kab:32.04", "lem:bpbd-bandung", "prov:32"}));
}

TEST(RoutingTest, NeverSuggestsCoordinator) {
  DirectoryDocument doc = SampleDocument();
  doc.nodes[0].jurisdiction = {{"32"}, {}};
  const Directory d = SignedDirectory(doc);
  EXPECT_EQ(Ids(SuggestNodes(d, "32.04", "infrastruktur")),
            (std::vector<std::string>{"kab:32.04", "prov:32"}));
}

TEST(RoutingTest, PrefersMostSpecificCategory) {
  DirectoryDocument doc = SampleDocument();
  doc.nodes.push_back(MakeNode("lem:rs-watch", NodeClass::kAgency, "", {}, {"kesehatan.rs"}, 90));
  const Directory d = SignedDirectory(doc);
  const std::vector<RouteSuggestion> s = SuggestNodes(d, "33.01", "kesehatan.rs");
  EXPECT_EQ(Ids(s), (std::vector<std::string>{"lem:rs-watch", "kl:kemenkes"}));
  EXPECT_EQ(s[0].reason, "jurisdiction covers category kesehatan.rs");
}

}  // namespace
}  // namespace simpul::federation
