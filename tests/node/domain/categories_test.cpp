#include "node/domain/categories.hpp"

#include <gtest/gtest.h>

namespace simpul::domain {
namespace {

Category Make(std::string code, std::string parent) {
  return Category{std::move(code), std::move(parent), "Nama", "Name"};
}

TEST(CategoryTreeTest, AddsAThreeLevelTree) {
  CategoryTree tree;
  ASSERT_TRUE(tree.Add(Make("infrastruktur", "")).has_value());
  ASSERT_TRUE(tree.Add(Make("infrastruktur.jalan", "infrastruktur")).has_value());
  ASSERT_TRUE(tree.Add(Make("infrastruktur.jalan.nasional_2", "infrastruktur.jalan")).has_value());
  EXPECT_EQ(tree.size(), 3u);
  Result<Category> found = tree.Find("infrastruktur.jalan");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->parent, "infrastruktur");
}

TEST(CategoryTreeTest, RejectsMalformedCodes) {
  CategoryTree tree;
  for (const char* code :
       {"", "Infrastruktur", "jalan rusak", "a..b", ".a", "a.", "jalan-rusak", "jálan"}) {
    Result<void> added = tree.Add(Make(code, ""));
    ASSERT_FALSE(added.has_value()) << code;
    EXPECT_EQ(added.error().code, ErrorCode::kInvalidArgument) << code;
  }
}

TEST(CategoryTreeTest, ParentMustExistAndPrefixTheCode) {
  CategoryTree tree;
  ASSERT_TRUE(tree.Add(Make("a", "")).has_value());
  ASSERT_TRUE(tree.Add(Make("b", "")).has_value());
  EXPECT_FALSE(tree.Add(Make("x.y", "x")).has_value());  // parent missing
  EXPECT_FALSE(tree.Add(Make("b.y", "a")).has_value());  // not under its parent
  EXPECT_FALSE(tree.Add(Make("a.y", "")).has_value());   // dotted code without parent
  EXPECT_FALSE(tree.Add(Make("ab", "a")).has_value());   // prefix without '.'
  ASSERT_TRUE(tree.Add(Make("a.b", "a")).has_value());
  EXPECT_FALSE(tree.Add(Make("a.b.c.d", "a.b")).has_value());  // skips a level
  ASSERT_TRUE(tree.Add(Make("a.b.c", "a.b")).has_value());
  Result<void> too_deep = tree.Add(Make("a.b.c.d", "a.b.c"));
  ASSERT_FALSE(too_deep.has_value());
  EXPECT_NE(too_deep.error().message.find("deeper than 3"), std::string::npos);
}

TEST(CategoryTreeTest, DuplicateIsAConflict) {
  CategoryTree tree;
  ASSERT_TRUE(tree.Add(Make("a", "")).has_value());
  Result<void> again = tree.Add(Make("a", ""));
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
}

TEST(CategoryTreeTest, NamesAreRequiredAndBounded) {
  CategoryTree tree;
  EXPECT_FALSE(tree.Add(Category{"a", "", "", "Name"}).has_value());
  EXPECT_FALSE(tree.Add(Category{"a", "", std::string(101, 'x'), "Name"}).has_value());
  EXPECT_TRUE(tree.Add(Category{"a", "", "Nama", ""}).has_value());
}

TEST(CategoryTreeTest, FindUnknownIsNotFound) {
  CategoryTree tree;
  Result<Category> missing = tree.Find("nope");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message, "unknown category nope");
  EXPECT_EQ(tree.SetActive("nope", false).error().code, ErrorCode::kNotFound);
}

TEST(CategoryTreeTest, InactiveAncestorStopsComplaints) {
  CategoryTree tree;
  ASSERT_TRUE(tree.Add(Make("a", "")).has_value());
  ASSERT_TRUE(tree.Add(Make("a.b", "a")).has_value());
  EXPECT_TRUE(tree.AcceptsComplaints("a.b"));
  ASSERT_TRUE(tree.SetActive("a", false).has_value());
  EXPECT_FALSE(tree.AcceptsComplaints("a.b"));
  EXPECT_FALSE(tree.AcceptsComplaints("a"));
  EXPECT_FALSE(tree.AcceptsComplaints("zzz"));
}

TEST(CategoryTreeTest, AllAndChildrenAreSortedByCode) {
  CategoryTree tree;
  ASSERT_TRUE(tree.Add(Make("b", "")).has_value());
  ASSERT_TRUE(tree.Add(Make("a", "")).has_value());
  ASSERT_TRUE(tree.Add(Make("a.z", "a")).has_value());
  ASSERT_TRUE(tree.Add(Make("a.m", "a")).has_value());
  std::vector<std::string> all;
  for (const Category& c : tree.All()) all.push_back(c.code);
  EXPECT_EQ(all, (std::vector<std::string>{"a", "a.m", "a.z", "b"}));
  std::vector<std::string> children;
  for (const Category& c : tree.Children("a")) children.push_back(c.code);
  EXPECT_EQ(children, (std::vector<std::string>{"a.m", "a.z"}));
  EXPECT_EQ(tree.Children("").size(), 2u);
}

TEST(DefaultNationalCategoriesTest, IsARealisticValidTree) {
  CategoryTree tree = DefaultNationalCategories();
  std::vector<Category> top = tree.Children("");
  EXPECT_GE(top.size(), 12u);
  for (const Category& parent : top) {
    std::size_t children = tree.Children(parent.code).size();
    EXPECT_GE(children, 2u) << parent.code;
    EXPECT_LE(children, 5u) << parent.code;
  }
  std::size_t expected = top.size();
  for (const Category& parent : top) expected += tree.Children(parent.code).size();
  EXPECT_EQ(tree.size(), expected);  // every entry was added: none rejected by the rules

  Result<Category> roads = tree.Find("infrastruktur.jalan");
  ASSERT_TRUE(roads.has_value());
  EXPECT_EQ(roads->name_id, "Jalan Rusak");
  EXPECT_EQ(roads->name_en, "Damaged roads");
  for (const char* code : {"kesehatan", "pendidikan", "kependudukan", "lingkungan", "ketertiban",
                           "perizinan", "sosial.bansos", "ketenagakerjaan", "transportasi",
                           "pertanahan", "korupsi.pungli", "lainnya"}) {
    EXPECT_TRUE(tree.AcceptsComplaints(code)) << code;
  }
  for (const Category& c : tree.All()) {
    EXPECT_FALSE(c.name_id.empty()) << c.code;
    EXPECT_FALSE(c.name_en.empty()) << c.code;
  }
}

}  // namespace
}  // namespace simpul::domain
