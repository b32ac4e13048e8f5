#pragma once
// What Open311 clients send, read into Simpul's types: the form fields of POST requests (the
// spec's application/x-www-form-urlencoded, or a flat JSON object), a complaint draft from them,
// the filters of GET requests, and ISO 8601 times. Pure functions; every failure is
// kInvalidArgument whose message names the field, as the spec's 400 description.

#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "crypto/result.hpp"
#include "node/domain/complaint.hpp"
#include "node/store/open311_store.hpp"

namespace simpul::api {

using Open311Fields = std::map<std::string, std::string, std::less<>>;

inline constexpr std::size_t kMaxOpen311Fields = 64;
inline constexpr std::size_t kMaxOpen311Ids = 100;  // service_request_id values per query
inline constexpr int kMaxOpen311PageSize = 1000;
inline constexpr int kDefaultOpen311PageSize = 100;
inline constexpr std::chrono::days kMaxOpen311Span{90};  // the spec's bound on a date range
inline constexpr std::size_t kMaxDerivedTitleBytes = 80;

// Decodes an application/x-www-form-urlencoded body ('+' is a space; %XX escapes). A repeated
// name keeps its last value. Fails on a malformed escape or more than kMaxOpen311Fields fields.
Result<Open311Fields> ParseFormBody(std::string_view body);

// Reads a JSON object (already parsed with the API's depth and size limits) of string, number
// or boolean values into the same fields; a nested "attribute" object {"region": "32.04"}
// becomes attribute[region].
Result<Open311Fields> FieldsFromJson(const nlohmann::json& doc);

// The complaint an Open311 POST describes: service_code → category, description → body (and a
// title derived from it), lat/long/address_string → location, attribute[region|classification|
// anonymous|confidential|incident_date], first_name/last_name/email/phone → the reporter. The
// region defaults to `node_region`. Fails on a missing service_code or description, an unknown
// attribute or a value it cannot read; ValidateComplaint then applies the normal intake rules.
Result<domain::ComplaintDraft> DraftFromOpen311(const Open311Fields& fields,
                                                std::string_view node_region);

// The first line of `description`, whitespace collapsed, cut at a word boundary to at most
// kMaxDerivedTitleBytes (with "…" when cut). UTF-8 sequences are never split.
std::string DeriveTitle(std::string_view description);

// "2026-07-06T09:00:00+07:00", "...Z", with optional fractional seconds, or a bare date (UTC
// midnight). Fails for anything else.
Result<domain::TimePoint> ParseOpen311Time(std::string_view text);

// The filters of GET requests from its query: service_request_id (comma list; when given, the
// other filters are ignored, as the spec says), service_code (comma list), start_date, end_date
// (at most 90 days apart; without either, the 90 days before `now`), status (open, closed or
// both), page (from 1) and page_size (1–1000, default 100).
Result<store::Open311Filter> FilterFromQuery(const std::map<std::string, std::string>& query,
                                             domain::TimePoint now);

}  // namespace simpul::api
