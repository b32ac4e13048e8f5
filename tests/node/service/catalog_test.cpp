#include "node/service/catalog.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tests/node/service/service_test_support.hpp"

namespace simpul::service {
namespace {

using testing::RunAwait;
using testing::ServiceTest;
using testing::ValidDraft;

class CatalogTest : public ServiceTest {
 protected:
  Result<domain::Category> AddLocal(std::string code, std::string parent) {
    return RunAwait(io_, catalog_->AddLocalCategory(
                             domain::Category{code, parent, "Lokal " + code, "Local", true}));
  }
};

TEST_F(CatalogTest, LoadsTheNationalDefaults) {
  const auto tree = catalog_->categories();
  for (const auto& cat : domain::DefaultNationalCategories().All()) {
    EXPECT_TRUE(tree->Find(cat.code).has_value()) << cat.code;
  }
  EXPECT_TRUE(catalog_->regions().Find("32.04").has_value());
  EXPECT_FALSE(catalog_->regions().Find("99.99").has_value());
}

TEST_F(CatalogTest, LocalCategoryTakesComplaintsAndSurvivesARestart) {
  const std::string code = "infrastruktur.trotoar";
  auto draft = ValidDraft();
  draft.category_code = code;
  EXPECT_FALSE(RunAwait(io_, cases_->Submit(draft)).has_value());

  auto added = AddLocal(code, "infrastruktur");
  ASSERT_TRUE(added.has_value()) << added.error().message;
  EXPECT_TRUE(catalog_->categories()->AcceptsComplaints(code));
  EXPECT_TRUE(RunAwait(io_, cases_->Submit(draft)).has_value());

  Catalog restarted(*db_, domain::RegionRegistry::Builtin());
  ASSERT_TRUE(restarted.Load().has_value());
  EXPECT_TRUE(restarted.categories()->AcceptsComplaints(code));
}

TEST_F(CatalogTest, RejectsDuplicatesAndOrphans) {
  auto dup = AddLocal("infrastruktur.jalan", "infrastruktur");
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  auto orphan = AddLocal("tidak.ada.induk", "tidak.ada");
  ASSERT_FALSE(orphan.has_value());
  EXPECT_FALSE(catalog_->categories()->AcceptsComplaints("tidak.ada.induk"));
}

TEST(PrincipalTest, RoleNamesRoundTrip) {
  for (Role role : AllRoles()) {
    auto parsed = ParseRole(Name(role));
    ASSERT_TRUE(parsed.has_value()) << Name(role);
    EXPECT_EQ(*parsed, role);
  }
  EXPECT_EQ(AllRoles().size(), 5u);
  EXPECT_FALSE(ParseRole("superuser").has_value());
  EXPECT_EQ((Principal{1, "siti", Role::kVerifier, std::nullopt, ""}).Actor(), "user:siti");
}

}  // namespace
}  // namespace simpul::service
