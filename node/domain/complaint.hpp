#pragma once
// A complaint (laporan) as submitted, before it is a case, and the rules it must satisfy.
//
//   Result<void> ok = ValidateComplaint(draft, regions, categories, ComplaintLimits{}, now, kWib);
//   if (!ok) return tl::unexpected(ok.error());  // "title: must be 5–200 bytes"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/result.hpp"
#include "node/domain/categories.hpp"
#include "node/domain/regions.hpp"
#include "node/domain/time.hpp"

namespace simpul::domain {

enum class Classification {
  kComplaint,           // pengaduan
  kAspiration,          // aspirasi
  kInformationRequest,  // permintaan informasi
};

enum class Channel { kWeb, kOpen311, kSms, kWalkIn, kLetter, kPhone, kSocial };

std::string_view Name(Classification classification);
std::string_view Name(Channel channel);
std::optional<Classification> ParseClassification(std::string_view name);
std::optional<Channel> ParseChannel(std::string_view name);

// The reporter's personal data. Every field is optional on its own; see ValidateComplaint.
struct ReporterIdentity {
  std::string name;
  std::string nik;    // Nomor Induk Kependudukan, 16 digits
  std::string phone;  // digits, optionally with a leading '+'
  std::string email;

  // True if no field is set.
  bool empty() const { return name.empty() && nik.empty() && phone.empty() && email.empty(); }
};

struct AttachmentDraft {
  std::string filename;
  std::string media_type;  // "image/jpeg", "image/png" or "application/pdf"
  std::string content;     // raw bytes
};

struct ComplaintDraft {
  Classification classification = Classification::kComplaint;
  std::string category_code;
  std::string title;
  std::string body;
  std::optional<std::chrono::year_month_day> incident_date;
  std::string region_code;  // "32", "32.04" or "32.04.05"
  std::string address;
  std::optional<double> latitude;
  std::optional<double> longitude;
  std::string suggested_agency;  // free text or a node id; optional
  Channel channel = Channel::kWeb;
  bool anonymous = false;     // identity hidden from the handling agency and the public
  bool confidential = false;  // the whole report hidden from the public
  ReporterIdentity reporter;
  std::vector<AttachmentDraft> attachments;
};

// Sizes in bytes unless the name says otherwise.
struct ComplaintLimits {
  std::size_t max_title = 200;
  std::size_t min_title = 5;
  std::size_t max_body = 20000;
  std::size_t min_body = 10;
  std::size_t max_address = 500;
  std::size_t max_attachments = 5;
  std::size_t max_attachment_bytes = 5 << 20;
};

inline constexpr std::size_t kMaxReporterNameBytes = 120;
inline constexpr std::size_t kMaxEmailBytes = 254;
inline constexpr std::size_t kMaxSuggestedAgencyBytes = 200;
inline constexpr std::size_t kMaxFilenameBytes = 120;

// Checks `draft` and returns the first broken rule; the message starts with the field name
// ("title: must be 5–200 bytes", "attachments[1].media_type: ..."). Fails with kTooLarge for an
// attachment over max_attachment_bytes and with kInvalidArgument for everything else:
// - title and body within their min/max limits, valid UTF-8, not blank, with no control
//   characters (the body may hold '\n' and '\t'); the optional address (≤ max_address),
//   suggested_agency (≤ kMaxSuggestedAgencyBytes) and reporter.name (≤ kMaxReporterNameBytes)
//   valid UTF-8 with no control characters;
// - category_code names a category that, with its ancestors, is active;
// - region_code is known to `regions`;
// - incident_date, if given, is a real date not after the local date of `now` at `utc_offset`;
// - latitude in [-11.5, 6.5] and longitude in [94, 141.5] (Indonesia), both or neither;
// - reporter: NIK exactly 16 digits, phone 8–15 digits with an optional leading '+', email with
//   exactly one '@' and a dot inside the domain (each only if given); a non-anonymous complaint
//   needs a name and a phone or an email;
// - attachments: at most max_attachments; filename 1–kMaxFilenameBytes bytes of clean UTF-8 with
//   no '/', '\\' or leading '.'; media_type image/jpeg, image/png or application/pdf, and the
//   content's leading magic bytes match it.
Result<void> ValidateComplaint(const ComplaintDraft& draft, const RegionRegistry& regions,
                               const CategoryTree& categories, const ComplaintLimits& limits,
                               TimePoint now, std::chrono::minutes utc_offset);

}  // namespace simpul::domain
