#include "node/api/open311_input.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdio>
#include <set>

#include "node/api/open311_docs.hpp"
#include "node/domain/time.hpp"

namespace simpul::api {
namespace {

Error Bad(std::string message) { return Error{ErrorCode::kInvalidArgument, std::move(message)}; }

int HexDigit(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

Result<std::string> FormDecode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%') {
      int hi = i + 2 < text.size() ? HexDigit(text[i + 1]) : -1;
      int lo = i + 2 < text.size() ? HexDigit(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) return tl::unexpected(Bad("form body: malformed %-escape"));
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string Trim(std::string_view s) {
  const auto begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  return std::string(s.substr(begin, s.find_last_not_of(" \t\r\n") - begin + 1));
}

std::vector<std::string> CommaList(std::string_view text) {
  std::vector<std::string> out;
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t comma = std::min(text.find(',', start), text.size());
    if (auto item = Trim(text.substr(start, comma - start)); !item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

std::string Field(const Open311Fields& f, std::string_view name) {
  auto it = f.find(name);
  return it == f.end() ? std::string() : Trim(it->second);
}

Result<bool> Flag(const Open311Fields& f, std::string_view name) {
  const std::string v = Field(f, name);
  if (v.empty() || v == "false" || v == "0") return false;
  if (v == "true" || v == "1") return true;
  return tl::unexpected(Bad(std::string(name) + ": true or false"));
}

Result<std::optional<double>> Coordinate(const Open311Fields& f, std::string_view name) {
  const std::string v = Field(f, name);
  if (v.empty()) return std::optional<double>();
  double out = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || end != v.data() + v.size()) {
    return tl::unexpected(Bad(std::string(name) + ": a decimal number (WGS84 degrees)"));
  }
  return std::optional<double>(out);
}

// Only the attributes the service definitions list are accepted, so a typo is not ignored.
Result<void> CheckAttributes(const Open311Fields& f) {
  static const std::set<std::string, std::less<>> kKnown = {
      "attribute[region]", "attribute[classification]", "attribute[anonymous]",
      "attribute[confidential]", "attribute[incident_date]"};
  for (const auto& [name, value] : f) {
    if (name.starts_with("attribute[") && !kKnown.contains(name)) {
      return tl::unexpected(Bad(name + ": unknown attribute; see the service definition"));
    }
  }
  return {};
}

Result<void> ReadAttributes(const Open311Fields& f, std::string_view node_region,
                            domain::ComplaintDraft& d) {
  if (auto ok = CheckAttributes(f); !ok) return ok;
  d.region_code = Field(f, "attribute[region]");
  if (d.region_code.empty()) d.region_code = std::string(node_region);
  if (d.region_code.empty()) {
    return tl::unexpected(Bad("attribute[region]: required at this node (a Kemendagri code)"));
  }
  if (auto c = Field(f, "attribute[classification]"); !c.empty()) {
    auto parsed = domain::ParseClassification(c);
    if (!parsed) {
      return tl::unexpected(
          Bad("attribute[classification]: complaint, aspiration or information_request"));
    }
    d.classification = *parsed;
  }
  auto anonymous = Flag(f, "attribute[anonymous]");
  if (!anonymous) return tl::unexpected(anonymous.error());
  auto confidential = Flag(f, "attribute[confidential]");
  if (!confidential) return tl::unexpected(confidential.error());
  d.anonymous = *anonymous;
  d.confidential = *confidential;
  if (auto date = Field(f, "attribute[incident_date]"); !date.empty()) {
    auto parsed = domain::ParseIsoDate(std::string_view(date).substr(0, 10));
    if (!parsed) return tl::unexpected(Bad("attribute[incident_date]: an ISO 8601 date"));
    d.incident_date = *parsed;
  }
  return {};
}

// [from, to] from start_date and end_date, at most kMaxOpen311Span apart.
Result<void> ReadDateRange(const std::map<std::string, std::string>& q, domain::TimePoint now,
                           store::Open311Filter& f) {
  std::optional<domain::TimePoint> from, to;
  for (auto [name, out] : {std::pair{"start_date", &from}, std::pair{"end_date", &to}}) {
    auto it = q.find(name);
    if (it == q.end() || it->second.empty()) continue;
    auto t = ParseOpen311Time(it->second);
    if (!t) return tl::unexpected(Bad(std::string(name) + ": " + t.error().message));
    *out = *t;
  }
  if (!from && !to) to = now;
  if (!from) from = *to - kMaxOpen311Span;
  if (!to) to = *from + kMaxOpen311Span;
  if (*from > *to) return tl::unexpected(Bad("start_date: must not be after end_date"));
  if (*to - *from > kMaxOpen311Span) {
    return tl::unexpected(Bad("end_date: the range may not span more than 90 days"));
  }
  f.submitted_from = from;
  f.submitted_to = to;
  return {};
}

Result<int> PositiveQuery(const std::map<std::string, std::string>& q, const char* name,
                          int fallback, int max) {
  auto it = q.find(name);
  if (it == q.end() || it->second.empty()) return fallback;
  int v = 0;
  auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  if (ec != std::errc() || end != it->second.data() + it->second.size() || v < 1 || v > max) {
    return tl::unexpected(
        Bad(std::string(name) + ": a whole number from 1 to " + std::to_string(max)));
  }
  return v;
}

}  // namespace

Result<Open311Fields> ParseFormBody(std::string_view body) {
  Open311Fields out;
  std::size_t count = 0;
  for (std::size_t start = 0; start < body.size();) {
    std::size_t amp = std::min(body.find('&', start), body.size());
    std::string_view pair = body.substr(start, amp - start);
    start = amp + 1;
    if (pair.empty()) continue;
    if (++count > kMaxOpen311Fields) return tl::unexpected(Bad("form body: too many fields"));
    const std::size_t eq = pair.find('=');
    auto name = FormDecode(pair.substr(0, eq));
    auto value = FormDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (!name) return tl::unexpected(name.error());
    if (!value) return tl::unexpected(value.error());
    out[std::move(*name)] = std::move(*value);
  }
  return out;
}

Result<Open311Fields> FieldsFromJson(const nlohmann::json& doc) {
  if (!doc.is_object()) return tl::unexpected(Bad("body: a JSON object of fields"));
  Open311Fields out;
  auto put = [&out](const std::string& name, const nlohmann::json& v) -> Result<void> {
    if (out.size() >= kMaxOpen311Fields) return tl::unexpected(Bad("body: too many fields"));
    if (v.is_string()) {
      out[name] = v.get<std::string>();
    } else if (v.is_number() || v.is_boolean()) {
      out[name] = v.dump();
    } else if (!v.is_null()) {
      return tl::unexpected(Bad(name + ": a string, number or boolean"));
    }
    return {};
  };
  for (const auto& [name, value] : doc.items()) {
    if (name == "attribute" && value.is_object()) {
      for (const auto& [code, v] : value.items()) {
        if (auto r = put("attribute[" + code + "]", v); !r) return tl::unexpected(r.error());
      }
    } else if (auto r = put(name, value); !r) {
      return tl::unexpected(r.error());
    }
  }
  return out;
}

std::string DeriveTitle(std::string_view description) {
  std::string line = Trim(description.substr(0, description.find('\n')));
  std::string collapsed;
  for (char ch : line) {
    const bool space = ch == ' ' || ch == '\t' || ch == '\r';
    if (space && (collapsed.empty() || collapsed.back() == ' ')) continue;
    collapsed += space ? ' ' : ch;
  }
  if (collapsed.size() <= kMaxDerivedTitleBytes) return collapsed;
  const std::string_view ellipsis = "\xE2\x80\xA6";  // …
  std::size_t cut = kMaxDerivedTitleBytes - ellipsis.size();
  while (cut > 0 && (static_cast<unsigned char>(collapsed[cut]) & 0xC0) == 0x80) --cut;
  if (auto space = collapsed.rfind(' ', cut); space != std::string::npos && space > cut / 2) {
    cut = space;
  }
  return Trim(collapsed.substr(0, cut)) + std::string(ellipsis);
}

Result<domain::ComplaintDraft> DraftFromOpen311(const Open311Fields& f,
                                                std::string_view node_region) {
  domain::ComplaintDraft d;
  d.channel = domain::Channel::kOpen311;
  d.category_code = Field(f, "service_code");
  if (d.category_code.empty()) return tl::unexpected(Bad("service_code: required"));
  d.body = Field(f, "description");
  if (d.body.empty()) return tl::unexpected(Bad("description: required"));
  d.title = DeriveTitle(d.body);
  d.address = Field(f, "address_string");
  auto lat = Coordinate(f, "lat");
  if (!lat) return tl::unexpected(lat.error());
  auto lon = Coordinate(f, "long");
  if (!lon) return tl::unexpected(lon.error());
  d.latitude = *lat;
  d.longitude = *lon;
  if (auto r = ReadAttributes(f, node_region, d); !r) return tl::unexpected(r.error());
  d.reporter.name = Trim(Field(f, "first_name") + " " + Field(f, "last_name"));
  d.reporter.email = Field(f, "email");
  d.reporter.phone = Field(f, "phone");
  return d;
}

Result<domain::TimePoint> ParseOpen311Time(std::string_view text) {
  using namespace std::chrono;
  auto date = domain::ParseIsoDate(text.substr(0, 10));
  if (!date) return tl::unexpected(Bad("an ISO 8601 time such as 2026-07-06T09:00:00+07:00"));
  domain::TimePoint day = sys_days(*date);
  if (text.size() == 10) return day;
  unsigned h = 0, m = 0, s = 0;
  int used = 0;
  const std::string rest(text.substr(10));
  if (std::sscanf(rest.c_str(), "T%2u:%2u:%2u%n", &h, &m, &s, &used) != 3 || used != 9 || h > 23 ||
      m > 59 || s > 60) {
    return tl::unexpected(Bad("an ISO 8601 time such as 2026-07-06T09:00:00+07:00"));
  }
  std::string_view zone = std::string_view(rest).substr(static_cast<std::size_t>(used));
  milliseconds fraction{0};
  if (!zone.empty() && zone[0] == '.') {
    std::size_t digits = 1;
    int scale = 100;
    for (; digits < zone.size() && zone[digits] >= '0' && zone[digits] <= '9'; ++digits) {
      fraction += milliseconds((zone[digits] - '0') * scale);
      scale /= 10;
    }
    zone.remove_prefix(digits);
  }
  domain::TimePoint local = day + hours(h) + minutes(m) + seconds(s) + fraction;
  if (zone == "Z") return local;
  unsigned oh = 0, om = 0;
  if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':' &&
      std::sscanf(std::string(zone.substr(1)).c_str(), "%2u:%2u", &oh, &om) == 2 && oh <= 14 &&
      om <= 59) {
    const minutes offset = hours(oh) + minutes(om);
    return zone[0] == '+' ? local - offset : local + offset;
  }
  return tl::unexpected(Bad("the time needs a zone: Z or an offset such as +07:00"));
}

Result<store::Open311Filter> FilterFromQuery(const std::map<std::string, std::string>& q,
                                             domain::TimePoint now) {
  store::Open311Filter f;
  auto page = PositiveQuery(q, "page", 1, 1000000);
  if (!page) return tl::unexpected(page.error());
  auto size = PositiveQuery(q, "page_size", kDefaultOpen311PageSize, kMaxOpen311PageSize);
  if (!size) return tl::unexpected(size.error());
  f.limit = *size;
  f.offset = (*page - 1) * *size;
  if (auto ids = q.find("service_request_id"); ids != q.end() && !ids->second.empty()) {
    f.tracking_ids = CommaList(ids->second);
    if (f.tracking_ids.size() > kMaxOpen311Ids) {
      return tl::unexpected(Bad("service_request_id: at most 100 ids"));
    }
    return f;  // the spec: service_request_id overrides every other filter
  }
  if (auto codes = q.find("service_code"); codes != q.end())
    f.categories = CommaList(codes->second);
  if (f.categories.size() > kMaxOpen311Ids) {
    return tl::unexpected(Bad("service_code: at most 100 codes"));
  }
  if (auto r = ReadDateRange(q, now, f); !r) return tl::unexpected(r.error());
  if (auto status = q.find("status"); status != q.end()) {
    bool open = false, closed = false;
    for (const auto& s : CommaList(status->second)) {
      if (s != "open" && s != "closed") return tl::unexpected(Bad("status: open or closed"));
      (s == "open" ? open : closed) = true;
    }
    if (open != closed) f.closed = closed;
  }
  f.closed_states = ClosedStateNames();
  return f;
}

}  // namespace simpul::api
