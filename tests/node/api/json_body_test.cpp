#include "node/api/json_body.hpp"

#include <gtest/gtest.h>

namespace simpul::api {
namespace {

http::ApiRequest Body(std::string body, std::string type = "application/json") {
  http::ApiRequest r;
  r.body = std::move(body);
  r.content_type = std::move(type);
  return r;
}

TEST(JsonBodyTest, AcceptsAnObject) {
  auto j = ParseJsonObject(Body(R"({"a":1,"b":"x"})", "application/json; charset=utf-8"));
  ASSERT_TRUE(j) << j.error().message;
  EXPECT_EQ((*j)["a"], 1);
}

TEST(JsonBodyTest, RejectsWrongContentType) {
  auto j = ParseJsonObject(Body(R"({"a":1})", "text/plain"));
  ASSERT_FALSE(j);
  EXPECT_NE(j.error().message.find("Content-Type"), std::string::npos);
}

TEST(JsonBodyTest, RejectsMalformedJsonWithPosition) {
  auto j = ParseJsonObject(Body(R"({"a":)"));
  ASSERT_FALSE(j);
  EXPECT_NE(j.error().message.find("malformed JSON"), std::string::npos);
}

TEST(JsonBodyTest, RejectsNestingBeyondTheLimit) {
  std::string deep(kMaxJsonDepth + 1, '[');
  deep += std::string(kMaxJsonDepth + 1, ']');
  auto j = ParseJsonObject(Body("{\"a\":" + deep + "}"));
  ASSERT_FALSE(j);
  EXPECT_NE(j.error().message.find("nested deeper"), std::string::npos);
  std::string ok(kMaxJsonDepth - 1, '[');
  ok += std::string(kMaxJsonDepth - 1, ']');
  EXPECT_TRUE(ParseJsonObject(Body("{\"a\":" + ok + "}")));
}

TEST(JsonBodyTest, RejectsDuplicateKeysAndNonObjects) {
  auto dup = ParseJsonObject(Body(R"({"a":1,"a":2})"));
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.error().message.find("duplicate key"), std::string::npos);
  EXPECT_TRUE(ParseJsonObject(Body(R"({"x":{"a":1},"y":{"a":2}})")));
  EXPECT_FALSE(ParseJsonObject(Body("[1,2]")));
}

TEST(JsonBodyTest, RejectsInvalidUtf8) {
  EXPECT_FALSE(ParseJsonObject(Body("{\"a\":\"\xff\xfe\"}")));
  EXPECT_FALSE(ParseJsonObject(Body("{\"a\":\"\xc0\xaf\"}")));  // overlong '/'
}

TEST(JsonBodyTest, RejectsMoreValuesThanTheLimit) {
  // The object itself is one value, so kMaxJsonValues - 2 elements and the array fill the limit.
  auto Array = [](std::size_t n) {
    std::string a = "[0";
    for (std::size_t i = 1; i < n; ++i) a += ",0";
    return "{\"a\":" + a + "]}";
  };
  EXPECT_TRUE(ParseJsonObject(Body(Array(kMaxJsonValues - 2))));
  auto j = ParseJsonObject(Body(Array(kMaxJsonValues - 1)));
  ASSERT_FALSE(j);
  EXPECT_NE(j.error().message.find("more than 10000 values"), std::string::npos)
      << j.error().message;
}

TEST(JsonBodyTest, RejectsNulInStringsAndKeys) {
  auto in_value = ParseJsonObject(Body(R"({"a":"x\u0000y"})"));
  ASSERT_FALSE(in_value);
  EXPECT_NE(in_value.error().message.find("NUL"), std::string::npos);
  auto in_key = ParseJsonObject(Body(R"({"a\u0000":"x"})"));
  ASSERT_FALSE(in_key);
  EXPECT_NE(in_key.error().message.find("NUL"), std::string::npos);
  EXPECT_TRUE(ParseJsonObject(Body(R"({"a":"x\u0001y"})"))) << "other escapes are for fields";
}

TEST(JsonBodyTest, StringFieldChecksTypeLengthAndPresence) {
  nlohmann::json j = {{"s", "abc"}, {"n", 3}};
  EXPECT_EQ(*StringField(j, "s", 3, true), "abc");
  EXPECT_FALSE(StringField(j, "s", 2, true));
  EXPECT_FALSE(StringField(j, "n", 10, true));
  EXPECT_FALSE(StringField(j, "missing", 10, true));
  EXPECT_EQ(*StringField(j, "missing", 10, false), "");
}

TEST(JsonBodyTest, IntQueryIsBounded) {
  http::ApiRequest r;
  r.query["limit"] = "50";
  EXPECT_EQ(*IntQuery(r, "limit", 20, 1, 100), 50);
  r.query["limit"] = "500";
  EXPECT_FALSE(IntQuery(r, "limit", 20, 1, 100));
  r.query["limit"] = "5x";
  EXPECT_FALSE(IntQuery(r, "limit", 20, 1, 100));
  EXPECT_EQ(*IntQuery(r, "offset", 7, 0, 100), 7);
}

}  // namespace
}  // namespace simpul::api
