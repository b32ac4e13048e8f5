#include "node/domain/regions.hpp"

#include <gtest/gtest.h>

namespace simpul::domain {
namespace {

TEST(RegionRegistryTest, BuiltinHoldsAllProvincesAndRegencies) {
  RegionRegistry regions = RegionRegistry::Builtin();
  EXPECT_EQ(regions.Children("").size(), 38u);
  EXPECT_EQ(regions.size(), 38u + 514u);
  std::size_t regencies = 0;
  for (const Region& province : regions.Children("")) {
    EXPECT_EQ(province.level, RegionLevel::kProvince);
    regencies += regions.Children(province.code).size();
  }
  EXPECT_EQ(regencies, 514u);
}

TEST(RegionRegistryTest, FindsAProvinceAndARegency) {
  RegionRegistry regions = RegionRegistry::Builtin();
  Result<Region> jabar = regions.Find("32");
  ASSERT_TRUE(jabar.has_value());
  EXPECT_EQ(jabar->name, "JAWA BARAT");
  EXPECT_EQ(jabar->level, RegionLevel::kProvince);

  Result<Region> bandung = regions.Find("32.04");
  ASSERT_TRUE(bandung.has_value());
  EXPECT_EQ(bandung->name, "KABUPATEN BANDUNG");
  EXPECT_EQ(bandung->province_code, "32");
  EXPECT_EQ(bandung->level, RegionLevel::kRegency);
}

TEST(RegionRegistryTest, UnknownCodeIsNotFoundAndNamed) {
  RegionRegistry regions = RegionRegistry::Builtin();
  Result<Region> missing = regions.Find("99.99");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message, "unknown region code 99.99");
  EXPECT_FALSE(regions.Find("").has_value());
  EXPECT_FALSE(regions.Find("3").has_value());
}

TEST(RegionRegistryTest, AcceptsWellFormedDistrictOfAKnownRegency) {
  RegionRegistry regions = RegionRegistry::Builtin();
  Result<Region> district = regions.Find("32.04.05");
  ASSERT_TRUE(district.has_value());
  EXPECT_EQ(district->level, RegionLevel::kDistrict);
  EXPECT_EQ(district->province_code, "32");
  EXPECT_TRUE(district->name.empty());

  EXPECT_FALSE(regions.Find("99.01.05").has_value());  // regency unknown
  EXPECT_FALSE(regions.Find("32.04.5").has_value());   // malformed
  EXPECT_FALSE(regions.Find("32.04.05.01").has_value());
  EXPECT_FALSE(regions.Find("32.04-05").has_value());
  EXPECT_TRUE(regions.Children("32.04").empty());
}

TEST(RegionRegistryTest, ChildrenAreSortedAndBelongToTheParent) {
  RegionRegistry regions = RegionRegistry::Builtin();
  std::vector<Region> jabar = regions.Children("32");
  ASSERT_FALSE(jabar.empty());
  for (std::size_t i = 0; i < jabar.size(); ++i) {
    EXPECT_EQ(jabar[i].province_code, "32");
    if (i > 0) {
      EXPECT_LT(jabar[i - 1].code, jabar[i].code);
    }
  }
  EXPECT_TRUE(regions.Children("99").empty());
}

TEST(RegionRegistryTest, FromCsvAcceptsCrlfAndRejectsBadRows) {
  auto ok = RegionRegistry::FromCsv("code,name\r\n11,ACEH\r\n",
                                    "code,province_code,name\r\n11.01,11,KABUPATEN X\r\n");
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ(ok->size(), 2u);

  const char* provinces = "code,name\n11,ACEH\n";
  auto wrong_header = RegionRegistry::FromCsv("id,name\n11,ACEH\n", "code,province_code,name\n");
  EXPECT_FALSE(wrong_header.has_value());
  auto bad_code = RegionRegistry::FromCsv(provinces, "code,province_code,name\n11.1,11,X\n");
  ASSERT_FALSE(bad_code.has_value());
  EXPECT_EQ(bad_code.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(bad_code.error().message.find("regencies.csv line 2"), std::string::npos);
  EXPECT_FALSE(
      RegionRegistry::FromCsv(provinces, "code,province_code,name\n12.01,12,X\n").has_value());
  EXPECT_FALSE(
      RegionRegistry::FromCsv(provinces, "code,province_code,name\n11.01,12,X\n").has_value());
  EXPECT_FALSE(RegionRegistry::FromCsv("code,name\n11,ACEH\n11,ACEH\n", "code,province_code,name\n")
                   .has_value());
  EXPECT_FALSE(
      RegionRegistry::FromCsv(provinces, "code,province_code,name\n11.01,11\n").has_value());
}

TEST(RegionRegistryTest, LevelNamesRoundTrip) {
  for (auto level : {RegionLevel::kProvince, RegionLevel::kRegency, RegionLevel::kDistrict}) {
    EXPECT_EQ(ParseRegionLevel(Name(level)), level);
  }
  EXPECT_EQ(Name(RegionLevel::kRegency), "regency");
}

}  // namespace
}  // namespace simpul::domain
