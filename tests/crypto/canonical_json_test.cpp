#include "crypto/canonical_json.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/bytes.hpp"

namespace simpul::crypto {
namespace {

using nlohmann::json;

// RFC 8785 §3.2.2's input without its "numbers" member (floats are outside the profile), and the
// canonical form §3.2.2 gives for it, minus "numbers".
constexpr std::string_view kRfc8785Input = R"({
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
})";
const std::string kRfc8785Canonical = R"({"literals":[null,true,false],"string":")"
                                      "\xE2\x82\xAC"
                                      R"($\u000f\nA'B\"\\\\\"/"})";

bool IsPrintableAscii(std::string_view s) {
  for (char c : s) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

// Expects `r` to fail with kInvalidArgument and a printable message containing `needle`.
template <class T>
void ExpectRejected(const Result<T>& r, std::string_view needle, std::string_view input) {
  SCOPED_TRACE(testing::Message() << "input: " << input);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
  EXPECT_TRUE(IsPrintableAscii(r.error().message)) << r.error().message;
}

std::string Nested(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(CanonicalJsonTest, Rfc8785PrimitivesExample) {
  const Result<json> parsed = ParseProfileJson(kRfc8785Input);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(Canonicalize(*parsed).value(), kRfc8785Canonical);
  EXPECT_EQ(ParseCanonical(kRfc8785Canonical).value(), *parsed);
  ExpectRejected(ParseCanonical(kRfc8785Input), "non-canonical bytes", kRfc8785Input);
}

TEST(CanonicalJsonTest, EscapesStringsAsRfc8785) {
  std::string all;
  for (char c = 0; c < 0x20; ++c) all.push_back(c);
  all += "\"\\/\x7F\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
  const std::string expected =
      R"("\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f)"
      R"(\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d)"
      R"(\u001e\u001f\"\\/)"
      "\x7F\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"";
  EXPECT_EQ(Canonicalize(json(all)).value(), expected);
  EXPECT_EQ(ParseCanonical(expected).value(), json(all));
}

TEST(CanonicalJsonTest, SortsKeysBytewiseAtEveryLevel) {
  const json value = {{"b", 1},   {"a", 2},
                      {"A", 3},   {"_", 4},
                      {"aa", 5},  {"", 6},
                      {"a b", 7}, {"z", {{"y", 1}, {"x", json::array({{{"d", 1}, {"c", 2}}})}}}};
  const std::string expected =
      R"({"":6,"A":3,"_":4,"a":2,"a b":7,"aa":5,"b":1,"z":{"x":[{"c":2,"d":1}],"y":1}})";
  EXPECT_EQ(Canonicalize(value).value(), expected);
  const Result<json> reordered = ParseProfileJson(R"({"z":{"y":1,"x":[{"d":1,"c":2}]},"b":1,
      "a b":7, "aa":5,"a":2,"_":4,"A":3,"":6})");
  EXPECT_EQ(Canonicalize(reordered.value()).value(), expected);
}

TEST(CanonicalJsonTest, AcceptsIntegersUpToTheSafeLimit) {
  EXPECT_EQ(Canonicalize(json(kMaxSafeInteger)).value(), "9007199254740991");
  EXPECT_EQ(Canonicalize(json(-kMaxSafeInteger)).value(), "-9007199254740991");
  EXPECT_EQ(Canonicalize(json(std::uint64_t{9007199254740991})).value(), "9007199254740991");
  for (const char* text : {"9007199254740991", "-9007199254740991", "0", "-1", "42"}) {
    EXPECT_EQ(Canonicalize(ParseCanonical(text).value()).value(), text);
  }
}

TEST(CanonicalJsonTest, RejectsIntegersBeyondTheSafeLimit) {
  for (const json& v : {json(kMaxSafeInteger + 1), json(-kMaxSafeInteger - 1),
                        json(std::numeric_limits<std::int64_t>::min()),
                        json(std::numeric_limits<std::uint64_t>::max())}) {
    ExpectRejected(Canonicalize(v), "integer out of range", v.dump());
  }
  for (const char* text :
       {"9007199254740992", "-9007199254740992", "18446744073709551615", "18446744073709551616",
        "-9223372036854775809", "123456789012345678901234567890", R"({"a":[9007199254740992]})"}) {
    ExpectRejected(ParseProfileJson(text), "integer out of range", text);
  }
}

TEST(CanonicalJsonTest, RejectsFloats) {
  for (const json& v : {json(1.5), json(1.0), json(-0.0), json(0.0), json(1e300),
                        json(std::numeric_limits<double>::quiet_NaN()), json::array({1, 2.5})}) {
    ExpectRejected(Canonicalize(v), "float not allowed", v.dump());
  }
  for (const char* text :
       {"1.0", "1e2", "1E2", "1e-2", "-0.0", "0.5", "-1.5e3", "0e0", "[1,2.0]"}) {
    ExpectRejected(ParseProfileJson(text), "float not allowed", text);
  }
  ExpectRejected(ParseProfileJson("1E400"), "number overflow", "1E400");
}

TEST(CanonicalJsonTest, NamesWhereARuleIsBroken) {
  const Result<json> parsed = ParseProfileJson(R"({"a":[0,{"b":1.5}]})");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().message, "float not allowed (1.5) at /a/1/b");
  const Result<std::string> built = Canonicalize(json{{"a", {0, {{"b", 1.5}}}}});
  ASSERT_FALSE(built.has_value());
  EXPECT_EQ(built.error().message, "float not allowed (1.5) at /a/1/b");
  EXPECT_EQ(ParseProfileJson("[[1],[2,[3,1e1]]]").error().message,
            "float not allowed (1e1) at /1/1/1");
  EXPECT_EQ(ParseProfileJson(R"({"a/b~":0.5})").error().message,
            "float not allowed (0.5) at /a~1b~0");
  EXPECT_EQ(ParseProfileJson("2.5").error().message, "float not allowed (2.5) at the top level");
}

TEST(CanonicalJsonTest, RejectsDuplicateKeysAtAnyDepth) {
  ExpectRejected(ParseProfileJson(R"({"a":1,"a":2})"), R"(duplicate key "a" at /a)", "top");
  ExpectRejected(ParseProfileJson(R"({"x":[{"k":1},{"k":1,"m":{"d":true,"d":false}}]})"),
                 R"(duplicate key "d" at /x/1/m/d)", "nested");
  ExpectRejected(ParseProfileJson(R"({"a":1,"\u0061":2})"), R"(duplicate key "a")", "escaped");
  EXPECT_TRUE(ParseProfileJson(R"({"a":{"a":1},"b":{"a":1}})").has_value());
}

TEST(CanonicalJsonTest, RejectsNonAsciiKeys) {
  for (const char* text : {"{\"\xC3\xA9\":1}", R"({"\u00e9":1})", R"({"a":{"\u20ac":1}})"}) {
    ExpectRejected(ParseProfileJson(text), "non-ASCII key", text);
  }
  ExpectRejected(Canonicalize(json{{"a", {{"\xC3\xA9", 1}}}}),
                 "non-ASCII key not allowed at /a/\\xC3\\xA9", "built");
  EXPECT_EQ(Canonicalize(ParseProfileJson(R"({"\u0001":1})").value()).value(), R"({"\u0001":1})");
}

const std::vector<std::string> kInvalidUtf8 = {
    "\x80",              // lone continuation byte
    "\xC3",              // truncated 2-byte sequence
    "\xE2\x82",          // truncated 3-byte sequence
    "\xC0\xAF",          // overlong '/'
    "\xC1\xBF",          // overlong
    "\xE0\x80\xAF",      // overlong 3-byte
    "\xF0\x80\x80\xAF",  // overlong 4-byte
    "\xED\xA0\x80",      // surrogate U+D800
    "\xED\xBF\xBF",      // surrogate U+DFFF
    "\xF4\x90\x80\x80",  // beyond U+10FFFF
    "\xF5\x80\x80\x80",  // invalid lead byte
    "\xFE",              //
    "\xFF",              //
    "a\xC3(b",           // bad continuation
};

TEST(CanonicalJsonTest, ParseRejectsInvalidUtf8) {
  for (const std::string& bad : kInvalidUtf8) {
    const std::string as_value = "[\"" + bad + "\"]";
    ExpectRejected(ParseProfileJson(as_value), "malformed JSON at byte", HexEncode(AsBytes(bad)));
    const std::string as_key = "{\"" + bad + "\":1}";
    ExpectRejected(ParseProfileJson(as_key), "malformed JSON at byte", HexEncode(AsBytes(bad)));
  }
}

TEST(CanonicalJsonTest, ParseRejectsEscapedLoneSurrogates) {
  for (const char* text : {R"("\ud800")", R"("\udc00")", R"("\ud800\u0041")", R"("\ud800x")",
                           R"("\udbff\udbff")", R"("\ude00\ud83d")"}) {
    ExpectRejected(ParseProfileJson(text), "malformed JSON at byte", text);
  }
}

TEST(CanonicalJsonTest, CanonicalizeRejectsInvalidUtf8) {
  for (const std::string& bad : kInvalidUtf8) {
    const json value = {{"a", json::array({"fine", bad})}};
    ExpectRejected(Canonicalize(value), "invalid UTF-8", HexEncode(AsBytes(bad)));
    ExpectRejected(Canonicalize(value), "at /a/1", HexEncode(AsBytes(bad)));
  }
}

TEST(CanonicalJsonTest, AcceptsValidUtf8EdgeCases) {
  EXPECT_EQ(Canonicalize(ParseProfileJson(R"("\ud83d\ude00")").value()).value(),
            "\"\xF0\x9F\x98\x80\"");
  for (const char* text : {"\"\xF4\x8F\xBF\xBF\"", "\"\xEF\xBF\xBF\"", "\"\xED\x9F\xBF\"",
                           "\"\xEE\x80\x80\"", "\"\xC2\x80\""}) {
    EXPECT_EQ(ParseCanonical(text).value().get<std::string>(),
              std::string(text + 1, std::strlen(text) - 2));
  }
}

TEST(CanonicalJsonTest, ParseCanonicalRejectsNonCanonicalBytes) {
  for (const char* text : {
           R"({"a": 1})", R"( {"a":1})", "{\"a\":1}\n", R"({"a":1} )", R"([1,2 ])",
           R"({"b":1,"a":2})",       // key order
           R"({"a":"\/"})",          // escaped '/'
           R"({"a":"\u001F"})",      // upper-case hex escape
           R"({"a":"\u0041"})",      // needless escape
           R"({"a":"\u000a"})",      // \n has a short form
           R"({"a":"\u00e9"})",      // non-ASCII must be raw UTF-8
           "-0",                     // integer zero is "0"
           "\xEF\xBB\xBF{\"a\":1}",  // byte order mark
       }) {
    ExpectRejected(ParseCanonical(text), "non-canonical bytes", text);
    EXPECT_TRUE(ParseProfileJson(text).has_value()) << text;
  }
  EXPECT_EQ(ParseCanonical(R"({"a": 1})").error().message,
            "non-canonical bytes: first difference at byte 5");
}

TEST(CanonicalJsonTest, ParseCanonicalAcceptsCanonicalBytes) {
  for (const std::string& text : {
           std::string(R"({"a":[1,-2,"x",null,true,false,{}],"b":{"c":[]}})"),
           std::string(R"("plain")"),
           std::string("0"),
           std::string("[]"),
           std::string("{}"),
           std::string("null"),
           kRfc8785Canonical,
       }) {
    const Result<json> parsed = ParseCanonical(text);
    ASSERT_TRUE(parsed.has_value()) << text << ": " << parsed.error().message;
    EXPECT_EQ(Canonicalize(*parsed).value(), text);
  }
}

TEST(CanonicalJsonTest, RejectsMalformedJson) {
  for (const char* text : {"", " ", "{", "[1,]", "tru", R"({"a":1}x)", R"({"a":1,})", "{'a':1}",
                           "01", "+1", "\"\x01\"", "NaN", "/*c*/1", R"({"a"})"}) {
    ExpectRejected(ParseProfileJson(text), "malformed JSON at byte", text);
  }
}

TEST(CanonicalJsonTest, EnforcesDepthLimit) {
  EXPECT_TRUE(ParseCanonical(Nested(32)).has_value());
  ExpectRejected(ParseProfileJson(Nested(33)), "nesting deeper than 32", "33 deep");
  json deep = json::array();
  for (int i = 1; i < 32; ++i) deep = json::array({deep});
  EXPECT_EQ(Canonicalize(deep).value(), Nested(32));
  ExpectRejected(Canonicalize(json::array({deep})), "nesting deeper than 32", "built 33 deep");

  EXPECT_TRUE(ParseProfileJson(R"({"a":[1]})", 2).has_value());
  ExpectRejected(ParseProfileJson(R"({"a":[[1]]})", 2), "nesting deeper than 2 at /a/0", "3");
  ExpectRejected(Canonicalize(json{{"a", {{1}}}}, 2), "nesting deeper than 2 at /a/0", "3");
  EXPECT_TRUE(ParseProfileJson("1", 0).has_value());
  ExpectRejected(ParseProfileJson("[]", 0), "nesting deeper than 0", "[] at 0");
}

TEST(CanonicalJsonTest, VeryDeepInputFailsWithoutCrashing) {
  ExpectRejected(ParseProfileJson(Nested(200'000)), "nesting deeper than 32", "200k deep");
  ExpectRejected(ParseProfileJson(std::string(200'000, '[')), "nesting deeper", "unclosed");
}

TEST(CanonicalJsonTest, RejectsBinaryValues) {
  ExpectRejected(Canonicalize(json::binary({1, 2})), "binary value not allowed", "binary");
}

TEST(CanonicalJsonTest, BuiltValuesRoundTrip) {
  const json value = {
      {"v", 1},
      {"type", "case.forward"},
      {"msg_id", "017f22e2-79b0-7cc3-98c4-dc0c0c07398f"},
      {"seq", kMaxSafeInteger},
      {"neg", -kMaxSafeInteger},
      {"refs", {{"case_id", "KAB-32.04-0001"}}},
      {"body",
       {{"text", "Jalan rusak di RT 03\n\"segera\" \xE2\x80\x94 terima kasih \\o/"},
        {"tags", json::array({"jalan", "", nullptr, true, false, 0})},
        {"empty", json::object()}}},
  };
  const std::string bytes = Canonicalize(value).value();
  const Result<json> parsed = ParseCanonical(bytes);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(*parsed, value);
  EXPECT_EQ(Canonicalize(*parsed).value(), bytes);
}

}  // namespace
}  // namespace simpul::crypto
