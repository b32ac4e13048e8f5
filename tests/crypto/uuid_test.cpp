#include "crypto/uuid.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace simpul::crypto {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

system_clock::time_point AtMillis(std::int64_t ms) {
  return system_clock::time_point(milliseconds(ms));
}

TEST(UuidTest, HasCanonicalLowerCaseForm) {
  const std::string id = NewUuidV7(AtMillis(1'700'000'000'123));
  ASSERT_EQ(id.size(), 36u);
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      EXPECT_EQ(id[i], '-') << id;
    } else {
      EXPECT_NE(std::string_view("0123456789abcdef").find(id[i]), std::string_view::npos) << id;
    }
  }
}

TEST(UuidTest, SetsVersion7AndVariant10) {
  for (int i = 0; i < 200; ++i) {
    const std::string id = NewUuidV7(AtMillis(1'700'000'000'000));
    EXPECT_EQ(id[14], '7') << id;
    EXPECT_NE(std::string_view("89ab").find(id[19]), std::string_view::npos) << id;
  }
}

TEST(UuidTest, EmbedsInjectedMillis) {
  for (std::int64_t ms : {std::int64_t{0}, std::int64_t{1}, std::int64_t{1'645'557'742'000},
                          std::int64_t{1'700'000'000'123}, std::int64_t{9'000'000'000'000}}) {
    EXPECT_EQ(UuidV7Millis(NewUuidV7(AtMillis(ms))), ms);
  }
  // 1645557742000 ms = 0x017F22E279B0, as in RFC 9562 Appendix A.6.
  EXPECT_TRUE(NewUuidV7(AtMillis(1'645'557'742'000)).starts_with("017f22e2-79b0-7"));
  EXPECT_EQ(NewUuidV7(AtMillis(0)).substr(0, 15), "00000000-0000-7");
}

TEST(UuidTest, TruncatesSubMillisecondTime) {
  const auto t = AtMillis(1'700'000'000'123) + std::chrono::microseconds(999);
  EXPECT_EQ(UuidV7Millis(NewUuidV7(t)), 1'700'000'000'123);
}

TEST(UuidTest, SortsByTimeAcrossMilliseconds) {
  std::string previous = NewUuidV7(AtMillis(1'700'000'000'000));
  for (std::int64_t ms = 1'700'000'000'001; ms < 1'700'000'001'000; ++ms) {
    const std::string next = NewUuidV7(AtMillis(ms));
    EXPECT_LT(previous, next);
    previous = next;
  }
  EXPECT_LT(NewUuidV7(AtMillis(0xFF)), NewUuidV7(AtMillis(0x100)));
}

TEST(UuidTest, UniqueOverTenThousandInOneMillisecond) {
  std::set<std::string> seen;
  for (int i = 0; i < 10'000; ++i) seen.insert(NewUuidV7(AtMillis(1'700'000'000'000)));
  EXPECT_EQ(seen.size(), 10'000u);
}

TEST(UuidTest, MillisParsesRfc9562Example) {
  EXPECT_EQ(UuidV7Millis("017f22e2-79b0-7cc3-98c4-dc0c0c07398f"), 1'645'557'742'000);
}

TEST(UuidTest, MillisRejectsOtherForms) {
  for (const char* bad : {
           "017F22E2-79B0-7CC3-98C4-DC0C0C07398F",   // upper case
           "919108f7-52d1-4320-9bac-f847db4148a8",   // version 4
           "017f22e2-79b0-7cc3-08c4-dc0c0c07398f",   // variant 0
           "017f22e2-79b0-7cc3-c8c4-dc0c0c07398f",   // variant 110
           "017f22e279b07cc398c4dc0c0c07398f",       // no dashes
           "017f22e2-79b0-7cc3-98c4-dc0c0c07398",    // short
           "017f22e2-79b0-7cc3-98c4-dc0c0c07398f0",  // long
           "017f22e2_79b0-7cc3-98c4-dc0c0c07398f",   // wrong separator
           "017f22e2-79b0-7cc3-98c4-dc0c0c07398g",   // not hex
           "",
       }) {
    EXPECT_FALSE(UuidV7Millis(bad).has_value()) << bad;
  }
}

TEST(UuidDeathTest, AbortsBeforeEpoch) {
  EXPECT_DEATH(NewUuidV7(AtMillis(-1)), "time out of range");
}

}  // namespace
}  // namespace simpul::crypto
