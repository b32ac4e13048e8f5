#include "node/domain/complaint.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <limits>

namespace simpul::domain {
namespace {

using namespace std::chrono_literals;
using std::chrono::year_month_day;

const std::string kPng("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 16);
const std::string kJpeg("\xFF\xD8\xFF\xE0\0\x10JFIF", 10);
const std::string kPdf("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");

// 2026-01-05 10:00 WIB (Monday).
const TimePoint kNow = TimePoint{std::chrono::sys_days{2026y / 1 / 5}} + 3h;

class ComplaintValidationTest : public ::testing::Test {
 protected:
  static ComplaintDraft GoodDraft() {
    ComplaintDraft d;
    d.classification = Classification::kComplaint;
    d.category_code = "infrastruktur.jalan";
    d.title = "Jalan berlubang di Jl. Raya Banjaran";
    d.body = "Lubang besar di depan pasar sejak dua minggu.\nSudah ada dua kecelakaan motor.";
    d.incident_date = 2026y / 1 / 3;
    d.region_code = "32.04";
    d.address = "Jl. Raya Banjaran km 12";
    d.latitude = -7.05;
    d.longitude = 107.59;
    d.channel = Channel::kWeb;
    d.reporter = {"Siti Rahayu", "3204050101900001", "+6281234567890", "siti@example.id"};
    d.attachments.push_back({"lubang.png", "image/png", kPng});
    d.attachments.push_back({"foto.jpg", "image/jpeg", kJpeg});
    d.attachments.push_back({"surat.pdf", "application/pdf", kPdf});
    return d;
  }

  Result<void> Validate(const ComplaintDraft& d) const {
    return ValidateComplaint(d, regions_, categories_, ComplaintLimits{}, kNow, kWib);
  }

  // Asserts that `mutate` applied to a good draft is rejected with `code` and a message that
  // starts with `field`.
  void ExpectRejected(const std::function<void(ComplaintDraft&)>& mutate, std::string_view field,
                      ErrorCode code = ErrorCode::kInvalidArgument) const {
    ComplaintDraft d = GoodDraft();
    mutate(d);
    Result<void> result = Validate(d);
    ASSERT_FALSE(result.has_value()) << "expected a rejection of " << field;
    EXPECT_EQ(result.error().code, code) << result.error().message;
    EXPECT_TRUE(result.error().message.starts_with(std::string(field) + ":"))
        << result.error().message;
  }

  RegionRegistry regions_ = RegionRegistry::Builtin();
  CategoryTree categories_ = DefaultNationalCategories();
};

TEST_F(ComplaintValidationTest, GoodDraftPasses) {
  Result<void> result = Validate(GoodDraft());
  EXPECT_TRUE(result.has_value()) << result.error().message;
}

TEST_F(ComplaintValidationTest, MinimalAnonymousDraftPasses) {
  ComplaintDraft d = GoodDraft();
  d.anonymous = true;
  d.reporter = {};
  d.incident_date.reset();
  d.latitude.reset();
  d.longitude.reset();
  d.address.clear();
  d.attachments.clear();
  d.region_code = "32.04.05";
  Result<void> result = Validate(d);
  EXPECT_TRUE(result.has_value()) << result.error().message;
}

TEST_F(ComplaintValidationTest, TitleLengthIsInBytes) {
  ExpectRejected([](ComplaintDraft& d) { d.title = "abcd"; }, "title");
  ExpectRejected([](ComplaintDraft& d) { d.title = std::string(201, 'x'); }, "title");
  ComplaintDraft d = GoodDraft();
  d.title = "abcd";
  EXPECT_EQ(Validate(d).error().message, "title: must be 5–200 bytes");
  d.title = "jálan";  // 6 bytes, 5 characters
  EXPECT_TRUE(Validate(d).has_value());
}

TEST_F(ComplaintValidationTest, TitleMustBeCleanText) {
  ExpectRejected([](ComplaintDraft& d) { d.title = "Jalan\nrusak"; }, "title");
  ExpectRejected([](ComplaintDraft& d) { d.title = std::string("Jalan\0rusak", 11); }, "title");
  ExpectRejected([](ComplaintDraft& d) { d.title = "Jalan \xC3\x28 rusak"; }, "title");
  ExpectRejected([](ComplaintDraft& d) { d.title = "Jalan \xC0\xAF rusak"; }, "title");
  ExpectRejected([](ComplaintDraft& d) { d.title = "Jalan \xED\xA0\x80 rusak"; }, "title");
  ExpectRejected([](ComplaintDraft& d) { d.title = "Jalan \xC2\x85 rusak"; }, "title");
  ExpectRejected([](ComplaintDraft& d) { d.title = "       "; }, "title");
}

TEST_F(ComplaintValidationTest, BodyAllowsOnlyNewlineAndTab) {
  ExpectRejected([](ComplaintDraft& d) { d.body = "short"; }, "body");
  ExpectRejected([](ComplaintDraft& d) { d.body = std::string(20001, 'x'); }, "body");
  ExpectRejected([](ComplaintDraft& d) { d.body = std::string("Ada lubang\0besar", 16); }, "body");
  ExpectRejected([](ComplaintDraft& d) { d.body = "Ada lubang\rbesar"; }, "body");
  ExpectRejected([](ComplaintDraft& d) { d.body = "Ada lubang\x1b[31m"; }, "body");
  ComplaintDraft d = GoodDraft();
  d.body = "Baris satu\n\tBaris dua";
  EXPECT_TRUE(Validate(d).has_value());
}

TEST_F(ComplaintValidationTest, CategoryMustExistAndBeActive) {
  ExpectRejected([](ComplaintDraft& d) { d.category_code = "infrastruktur.kereta"; },
                 "category_code");
  ExpectRejected([](ComplaintDraft& d) { d.category_code = ""; }, "category_code");
  ASSERT_TRUE(categories_.SetActive("infrastruktur", false).has_value());
  ExpectRejected([](ComplaintDraft&) {}, "category_code");
}

TEST_F(ComplaintValidationTest, RegionMustExist) {
  ComplaintDraft d = GoodDraft();
  d.region_code = "99.01";
  Result<void> result = Validate(d);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().message, "region_code: unknown region code 99.01");
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(ComplaintValidationTest, IncidentDateNotAfterLocalToday) {
  ExpectRejected([](ComplaintDraft& d) { d.incident_date = 2026y / 1 / 6; }, "incident_date");
  ExpectRejected([](ComplaintDraft& d) { d.incident_date = 2026y / 2 / 30; }, "incident_date");
  ComplaintDraft d = GoodDraft();
  d.incident_date = 2026y / 1 / 5;
  EXPECT_TRUE(Validate(d).has_value());
  // 2026-01-04 17:30 UTC is already 2026-01-05 00:30 in WIB, but not in UTC.
  TimePoint evening = TimePoint{std::chrono::sys_days{2026y / 1 / 4}} + 17h + 30min;
  EXPECT_TRUE(ValidateComplaint(d, regions_, categories_, {}, evening, kWib).has_value());
  EXPECT_FALSE(ValidateComplaint(d, regions_, categories_, {}, evening, std::chrono::minutes{0}));
}

TEST_F(ComplaintValidationTest, CoordinatesInsideIndonesiaAndPaired) {
  ExpectRejected([](ComplaintDraft& d) { d.latitude = 7.0; }, "latitude");
  ExpectRejected([](ComplaintDraft& d) { d.latitude = -12.0; }, "latitude");
  ExpectRejected([](ComplaintDraft& d) { d.longitude = 93.9; }, "longitude");
  ExpectRejected([](ComplaintDraft& d) { d.longitude = 142.0; }, "longitude");
  ExpectRejected([](ComplaintDraft& d) { d.latitude = std::numeric_limits<double>::quiet_NaN(); },
                 "latitude");
  ExpectRejected([](ComplaintDraft& d) { d.longitude.reset(); }, "latitude, longitude");
}

TEST_F(ComplaintValidationTest, AddressAndSuggestedAgencyAreBounded) {
  ExpectRejected([](ComplaintDraft& d) { d.address = std::string(501, 'a'); }, "address");
  ExpectRejected([](ComplaintDraft& d) { d.address = "Jl.\x07Raya"; }, "address");
  ExpectRejected([](ComplaintDraft& d) { d.suggested_agency = std::string(201, 'a'); },
                 "suggested_agency");
}

TEST_F(ComplaintValidationTest, ReporterFieldsAreChecked) {
  ExpectRejected([](ComplaintDraft& d) { d.reporter.nik = "320405010190000"; }, "reporter.nik");
  ExpectRejected([](ComplaintDraft& d) { d.reporter.nik = "320405010190000A"; }, "reporter.nik");
  ExpectRejected([](ComplaintDraft& d) { d.reporter.phone = "0812345"; }, "reporter.phone");
  ExpectRejected([](ComplaintDraft& d) { d.reporter.phone = "+6281234567890123"; },
                 "reporter.phone");
  ExpectRejected([](ComplaintDraft& d) { d.reporter.phone = "0812-3456-789"; }, "reporter.phone");
  ExpectRejected([](ComplaintDraft& d) { d.reporter.email = "siti.example.id"; }, "reporter.email");
  ExpectRejected([](ComplaintDraft& d) { d.reporter.email = "siti@@example.id"; },
                 "reporter.email");
  ExpectRejected([](ComplaintDraft& d) { d.reporter.email = "siti@localhost"; }, "reporter.email");
  ExpectRejected([](ComplaintDraft& d) { d.reporter.email = "@example.id"; }, "reporter.email");
  ExpectRejected([](ComplaintDraft& d) { d.reporter.name = std::string(121, 'a'); },
                 "reporter.name");
  ComplaintDraft d = GoodDraft();
  d.reporter.phone = "081234567890";
  d.reporter.nik.clear();
  EXPECT_TRUE(Validate(d).has_value());
}

TEST_F(ComplaintValidationTest, NonAnonymousNeedsNameAndContact) {
  ExpectRejected([](ComplaintDraft& d) { d.reporter.name.clear(); }, "reporter");
  ExpectRejected(
      [](ComplaintDraft& d) {
        d.reporter.phone.clear();
        d.reporter.email.clear();
      },
      "reporter");
  ComplaintDraft d = GoodDraft();
  d.reporter.phone.clear();
  EXPECT_TRUE(Validate(d).has_value());  // email alone is enough
  d.anonymous = true;
  d.reporter.name.clear();
  d.reporter.email.clear();
  EXPECT_TRUE(Validate(d).has_value());
}

TEST_F(ComplaintValidationTest, AttachmentCountAndSize) {
  ExpectRejected(
      [](ComplaintDraft& d) {
        d.attachments.assign(6, AttachmentDraft{"a.png", "image/png", kPng});
      },
      "attachments");
  ExpectRejected(
      [](ComplaintDraft& d) { d.attachments[1].content = kJpeg + std::string(5 << 20, 'x'); },
      "attachments[1].content", ErrorCode::kTooLarge);
}

TEST_F(ComplaintValidationTest, AttachmentFilenames) {
  for (std::string bad :
       {std::string(), std::string(121, 'a'), std::string("../etc/passwd"), std::string("a\\b.png"),
        std::string(".hidden.png"), std::string("a\0.png", 6), std::string("a\n.png")}) {
    ExpectRejected([&](ComplaintDraft& d) { d.attachments[0].filename = bad; },
                   "attachments[0].filename");
  }
}

TEST_F(ComplaintValidationTest, AttachmentTypeAndMagicBytes) {
  ExpectRejected([](ComplaintDraft& d) { d.attachments[0].media_type = "image/gif"; },
                 "attachments[0].media_type");
  ExpectRejected([](ComplaintDraft& d) { d.attachments[0].media_type = "image/jpeg"; },
                 "attachments[0].content");
  ExpectRejected([](ComplaintDraft& d) { d.attachments[2].content = "<html>%PDF-"; },
                 "attachments[2].content");
  ExpectRejected([](ComplaintDraft& d) { d.attachments[1].content.clear(); },
                 "attachments[1].content");
}

TEST(ComplaintNamesTest, RoundTrip) {
  for (auto c : {Classification::kComplaint, Classification::kAspiration,
                 Classification::kInformationRequest}) {
    EXPECT_EQ(ParseClassification(Name(c)), c);
  }
  EXPECT_EQ(Name(Classification::kInformationRequest), "information_request");
  for (auto c : {Channel::kWeb, Channel::kOpen311, Channel::kSms, Channel::kWalkIn,
                 Channel::kLetter, Channel::kPhone, Channel::kSocial}) {
    EXPECT_EQ(ParseChannel(Name(c)), c);
  }
  EXPECT_EQ(Name(Channel::kWalkIn), "walk_in");
  EXPECT_EQ(ParseChannel("fax"), std::nullopt);
}

}  // namespace
}  // namespace simpul::domain
