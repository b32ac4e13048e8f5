#include "node/domain/complaint.hpp"

#include <algorithm>
#include <array>

#include "node/domain/enum_names.hpp"
#include "node/domain/text.hpp"

namespace simpul::domain {
namespace {

constexpr std::array<internal::NamedValue<Classification>, 3> kClassificationNames{{
    {Classification::kComplaint, "complaint"},
    {Classification::kAspiration, "aspiration"},
    {Classification::kInformationRequest, "information_request"},
}};

constexpr std::array<internal::NamedValue<Channel>, 7> kChannelNames{{
    {Channel::kWeb, "web"},
    {Channel::kOpen311, "open311"},
    {Channel::kSms, "sms"},
    {Channel::kWalkIn, "walk_in"},
    {Channel::kLetter, "letter"},
    {Channel::kPhone, "phone"},
    {Channel::kSocial, "social"},
}};

struct MediaType {
  std::string_view name;
  std::string_view magic;
};

constexpr std::array<MediaType, 3> kMediaTypes{{
    {"image/jpeg", std::string_view("\xFF\xD8\xFF", 3)},
    {"image/png", std::string_view("\x89PNG\r\n\x1A\n", 8)},
    {"application/pdf", "%PDF-"},
}};

constexpr double kMinLatitude = -11.5;
constexpr double kMaxLatitude = 6.5;
constexpr double kMinLongitude = 94.0;
constexpr double kMaxLongitude = 141.5;

Result<void> Invalid(std::string_view field, std::string_view rule) {
  return Fail(ErrorCode::kInvalidArgument, std::string(field) + ": " + std::string(rule));
}

bool AllDigits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A text field of min..max bytes, clean UTF-8 with only `allowed_controls`; not blank if min > 0.
Result<void> CheckText(std::string_view field, std::string_view value, std::size_t min,
                       std::size_t max, std::string_view allowed_controls = {}) {
  if (value.size() < min || value.size() > max) {
    std::string range = min > 0 ? std::to_string(min) + "–" + std::to_string(max) + " bytes"
                                : "at most " + std::to_string(max) + " bytes";
    return Invalid(field, "must be " + range);
  }
  if (!IsCleanText(value, allowed_controls)) {
    return Invalid(field, allowed_controls.empty()
                              ? "must be valid UTF-8 without control characters"
                              : "must be valid UTF-8 without control characters other than "
                                "newline and tab");
  }
  if (min > 0 && IsBlank(value)) return Invalid(field, "must not be blank");
  return {};
}

Result<void> CheckCategory(std::string_view code, const CategoryTree& categories) {
  if (!categories.Find(code))
    return Invalid("category_code", "unknown category " + std::string(code));
  if (!categories.AcceptsComplaints(code)) {
    return Invalid("category_code", "category " + std::string(code) + " is inactive");
  }
  return {};
}

Result<void> CheckPlace(const ComplaintDraft& d, const RegionRegistry& regions) {
  if (Result<Region> region = regions.Find(d.region_code); !region) {
    return Invalid("region_code", region.error().message);
  }
  if (d.latitude.has_value() != d.longitude.has_value()) {
    return Invalid("latitude, longitude", "give both or neither");
  }
  if (d.latitude && !(*d.latitude >= kMinLatitude && *d.latitude <= kMaxLatitude)) {
    return Invalid("latitude", "must be between -11.5 and 6.5");
  }
  if (d.longitude && !(*d.longitude >= kMinLongitude && *d.longitude <= kMaxLongitude)) {
    return Invalid("longitude", "must be between 94 and 141.5");
  }
  return {};
}

Result<void> CheckIncidentDate(const std::optional<std::chrono::year_month_day>& date,
                               TimePoint now, std::chrono::minutes utc_offset) {
  if (!date) return {};
  if (!date->ok()) return Invalid("incident_date", "not a valid date");
  std::chrono::sys_days today = LocalDate(now, utc_offset);
  if (std::chrono::sys_days{*date} > today) {
    return Invalid("incident_date", "must not be after today (" +
                                        FormatIsoDate(std::chrono::year_month_day{today}) + ")");
  }
  return {};
}

bool IsPhone(std::string_view phone) {
  if (!phone.empty() && phone.front() == '+') phone.remove_prefix(1);
  return phone.size() >= 8 && phone.size() <= 15 && AllDigits(phone);
}

bool IsEmail(std::string_view email) {
  if (email.size() > kMaxEmailBytes || !IsCleanText(email)) return false;
  if (email.find_first_of(" \t") != std::string_view::npos) return false;
  std::size_t at = email.find('@');
  if (at == std::string_view::npos || at == 0 ||
      email.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  std::string_view domain = email.substr(at + 1);
  std::size_t dot = domain.find('.');
  return dot != std::string_view::npos && dot > 0 && domain.back() != '.';
}

Result<void> CheckReporter(const ReporterIdentity& r, bool anonymous) {
  if (auto ok = CheckText("reporter.name", r.name, 0, kMaxReporterNameBytes); !ok) return ok;
  if (!r.nik.empty() && !(r.nik.size() == 16 && AllDigits(r.nik))) {
    return Invalid("reporter.nik", "must be exactly 16 digits");
  }
  if (!r.phone.empty() && !IsPhone(r.phone)) {
    return Invalid("reporter.phone", "must be 8–15 digits, optionally starting with '+'");
  }
  if (!r.email.empty() && !IsEmail(r.email)) {
    return Invalid("reporter.email", "must be an address with one '@' and a dotted domain");
  }
  if (!anonymous && (IsBlank(r.name) || (r.phone.empty() && r.email.empty()))) {
    return Invalid("reporter", "a non-anonymous complaint needs a name and a phone or email");
  }
  return {};
}

Result<void> CheckFilename(const std::string& field, std::string_view name) {
  if (name.empty() || name.size() > kMaxFilenameBytes) {
    return Invalid(field, "must be 1–" + std::to_string(kMaxFilenameBytes) + " bytes");
  }
  if (name.find_first_of("/\\") != std::string_view::npos || name.front() == '.' ||
      !IsCleanText(name)) {
    return Invalid(field, "must not contain '/', '\\' or control characters, nor start with '.'");
  }
  return {};
}

Result<void> CheckAttachment(std::size_t index, const AttachmentDraft& a,
                             const ComplaintLimits& limits) {
  std::string prefix = "attachments[" + std::to_string(index) + "].";
  if (a.content.size() > limits.max_attachment_bytes) {
    return Fail(ErrorCode::kTooLarge, prefix + "content: larger than " +
                                          std::to_string(limits.max_attachment_bytes) + " bytes");
  }
  if (auto ok = CheckFilename(prefix + "filename", a.filename); !ok) return ok;
  auto type = std::find_if(kMediaTypes.begin(), kMediaTypes.end(),
                           [&](const MediaType& t) { return t.name == a.media_type; });
  if (type == kMediaTypes.end()) {
    return Invalid(prefix + "media_type", "must be image/jpeg, image/png or application/pdf");
  }
  if (!std::string_view(a.content).starts_with(type->magic)) {
    return Invalid(prefix + "content", "is not a " + std::string(type->name) + " file");
  }
  return {};
}

Result<void> CheckAttachments(const std::vector<AttachmentDraft>& attachments,
                              const ComplaintLimits& limits) {
  if (attachments.size() > limits.max_attachments) {
    return Invalid("attachments", "at most " + std::to_string(limits.max_attachments) + " allowed");
  }
  for (std::size_t i = 0; i < attachments.size(); ++i) {
    if (auto ok = CheckAttachment(i, attachments[i], limits); !ok) return ok;
  }
  return {};
}

}  // namespace

std::string_view Name(Classification classification) {
  return internal::NameIn(kClassificationNames, classification);
}
std::string_view Name(Channel channel) { return internal::NameIn(kChannelNames, channel); }

std::optional<Classification> ParseClassification(std::string_view name) {
  return internal::ParseIn(kClassificationNames, name);
}
std::optional<Channel> ParseChannel(std::string_view name) {
  return internal::ParseIn(kChannelNames, name);
}

Result<void> ValidateComplaint(const ComplaintDraft& draft, const RegionRegistry& regions,
                               const CategoryTree& categories, const ComplaintLimits& limits,
                               TimePoint now, std::chrono::minutes utc_offset) {
  const ComplaintDraft& d = draft;
  if (auto ok = CheckText("title", d.title, limits.min_title, limits.max_title); !ok) return ok;
  if (auto ok = CheckText("body", d.body, limits.min_body, limits.max_body, "\n\t"); !ok) {
    return ok;
  }
  if (auto ok = CheckCategory(d.category_code, categories); !ok) return ok;
  if (auto ok = CheckIncidentDate(d.incident_date, now, utc_offset); !ok) return ok;
  if (auto ok = CheckPlace(d, regions); !ok) return ok;
  if (auto ok = CheckText("address", d.address, 0, limits.max_address); !ok) return ok;
  if (auto ok = CheckText("suggested_agency", d.suggested_agency, 0, kMaxSuggestedAgencyBytes);
      !ok) {
    return ok;
  }
  if (auto ok = CheckReporter(d.reporter, d.anonymous); !ok) return ok;
  return CheckAttachments(d.attachments, limits);
}

}  // namespace simpul::domain
