#include "federation/directory_fields.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <utility>

#include <nlohmann/json.hpp>

#include "crypto/canonical_json.hpp"

namespace simpul::federation::internal {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLowerAlnum(char c) { return IsDigit(c) || (c >= 'a' && c <= 'z'); }

// True if `code` is exactly `groups` groups of two digits joined by '.'.
bool IsDigitGroups(std::string_view code, std::size_t groups) {
  if (groups == 0 || code.size() != groups * 3 - 1) return false;
  for (std::size_t i = 0; i < code.size(); ++i) {
    const bool separator = i % 3 == 2;
    if (separator ? code[i] != '.' : !IsDigit(code[i])) return false;
  }
  return true;
}

}  // namespace

tl::unexpected<Error> FieldError(std::string_view path, std::string_view what) {
  return Fail(ErrorCode::kInvalidArgument, std::string(path) + ": " + std::string(what));
}

std::string Printable(std::string_view value) {
  constexpr std::size_t kMaxQuoted = 64;
  std::string printable;
  for (char c : value.substr(0, kMaxQuoted)) printable.push_back(c >= 0x20 && c < 0x7F ? c : '?');
  if (value.size() > kMaxQuoted) printable += "...";
  return printable;
}

std::string ElementPath(std::string_view path, std::size_t index) {
  return std::string(path) + "[" + std::to_string(index) + "]";
}

bool IsNodeId(std::string_view id) {
  const std::size_t colon = id.find(':');
  if (colon == std::string_view::npos || id.size() > 64) return false;
  const std::string_view kind = id.substr(0, colon);
  const std::string_view code = id.substr(colon + 1);
  if (kind == "prov") return IsDigitGroups(code, 1);
  if (kind == "kab" || kind == "kota") return IsDigitGroups(code, 2);
  if (kind != "kl" && kind != "lem" && kind != "coord") return false;
  if (code.empty() || !IsLowerAlnum(code.front())) return false;
  return std::all_of(code.begin(), code.end(),
                     [](char c) { return IsLowerAlnum(c) || c == '.' || c == '-'; });
}

bool IsRegionCode(std::string_view code) {
  return IsDigitGroups(code, 1) || IsDigitGroups(code, 2) || IsDigitGroups(code, 3);
}

bool IsCategoryCode(std::string_view code) {
  if (code.empty() || code.size() > 100 || CodeDepth(code) > 3) return false;
  char previous = '.';
  for (char c : code) {
    if (c == '.' && previous == '.') return false;
    if (c != '.' && !IsLowerAlnum(c) && c != '_') return false;
    previous = c;
  }
  return previous != '.';
}

std::size_t CodeDepth(std::string_view code) {
  if (code.empty()) return 0;
  return static_cast<std::size_t>(std::count(code.begin(), code.end(), '.')) + 1;
}

bool CodeWithin(std::string_view code, std::string_view scope) {
  if (scope.empty() || !code.starts_with(scope)) return false;
  return code.size() == scope.size() || code[scope.size()] == '.';
}

bool IsHttpsUrl(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (!url.starts_with(kScheme) || url.size() > 2048) return false;
  const bool printable = std::all_of(
      url.begin(), url.end(), [](char c) { return c > 0x20 && c < 0x7F && c != '#' && c != '\\'; });
  if (!printable) return false;
  const std::string_view rest = url.substr(kScheme.size());
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?"));
  if (authority.empty() || authority.find('@') != std::string_view::npos) return false;
  return authority.front() != ':' && authority.back() != ':';
}

bool IsLowerHex(std::string_view text, std::size_t length) {
  return text.size() == length && std::all_of(text.begin(), text.end(), [](char c) {
           return IsDigit(c) || (c >= 'a' && c <= 'f');
         });
}

bool IsIsoDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  int parts[3] = {0, 0, 0};
  const std::array<std::pair<std::size_t, std::size_t>, 3> spans{{{0, 4}, {5, 2}, {8, 2}}};
  for (std::size_t i = 0; i < spans.size(); ++i) {
    for (std::size_t j = 0; j < spans[i].second; ++j) {
      const char c = text[spans[i].first + j];
      if (!IsDigit(c)) return false;
      parts[i] = parts[i] * 10 + (c - '0');
    }
  }
  const std::chrono::year_month_day date{std::chrono::year{parts[0]},
                                         std::chrono::month{static_cast<unsigned>(parts[1])},
                                         std::chrono::day{static_cast<unsigned>(parts[2])}};
  return date.ok();
}

Result<crypto::Ed25519PublicKey> ParseKeyWithId(std::string_view path, std::string_view kid,
                                                std::string_view public_key_base64) {
  Result<crypto::Ed25519PublicKey> key = crypto::ParsePublicKeyBase64(public_key_base64);
  if (!key) return FieldError(std::string(path) + ".public_key", key.error().message);
  const std::string expected = crypto::KeyId(*key);
  if (kid != expected) {
    return FieldError(std::string(path) + ".kid", "must be the KeyId of public_key (" + expected +
                                                      "), not \"" + Printable(kid) + "\"");
  }
  return key;
}

ObjectReader::ObjectReader(const nlohmann::json& value, std::string path)
    : value_(&value), path_(std::move(path)) {
  if (!value.is_object()) Check(FieldError(path_, "must be an object"));
}

std::string ObjectReader::PathOf(std::string_view key) const {
  return path_ + "." + std::string(key);
}

void ObjectReader::Check(const Result<void>& result) {
  if (!result && !error_) error_ = result.error();
}

const nlohmann::json* ObjectReader::Member(std::string_view key, JsonType type) {
  if (!value_->is_object()) return nullptr;
  const auto it = value_->find(key);
  read_.emplace_back(key);
  if (it == value_->end()) {
    Check(FieldError(PathOf(key), "missing"));
    return nullptr;
  }
  std::string_view expected;
  switch (type) {
    case JsonType::kString:
      if (!it->is_string()) expected = "must be a string";
      break;
    case JsonType::kInteger:
      if (!it->is_number_integer()) expected = "must be an integer";
      break;
    case JsonType::kArray:
      if (!it->is_array()) expected = "must be an array";
      break;
    case JsonType::kObject:
      if (!it->is_object()) expected = "must be an object";
      break;
  }
  if (!expected.empty()) {
    Check(FieldError(PathOf(key), expected));
    return nullptr;
  }
  return &*it;
}

std::string ObjectReader::String(std::string_view key) {
  const nlohmann::json* member = Member(key, JsonType::kString);
  return member == nullptr ? std::string() : member->get<std::string>();
}

std::int64_t ObjectReader::Int(std::string_view key) {
  const nlohmann::json* member = Member(key, JsonType::kInteger);
  if (member == nullptr) return 0;
  const bool in_range =
      member->is_number_unsigned()
          ? member->get<std::uint64_t>() <= static_cast<std::uint64_t>(crypto::kMaxSafeInteger)
          : member->get<std::int64_t>() >= -crypto::kMaxSafeInteger &&
                member->get<std::int64_t>() <= crypto::kMaxSafeInteger;
  if (!in_range) {
    Check(FieldError(PathOf(key), "must be an integer within +-(2^53-1)"));
    return 0;
  }
  return member->get<std::int64_t>();
}

std::vector<std::pair<const nlohmann::json*, std::string>> ObjectReader::Elements(
    std::string_view key) {
  std::vector<std::pair<const nlohmann::json*, std::string>> elements;
  const nlohmann::json* array = Member(key, JsonType::kArray);
  if (array == nullptr) return elements;
  for (std::size_t i = 0; i < array->size(); ++i) {
    elements.emplace_back(&(*array)[i], ElementPath(PathOf(key), i));
  }
  return elements;
}

const nlohmann::json* ObjectReader::Object(std::string_view key) {
  return Member(key, JsonType::kObject);
}

std::vector<std::string> ObjectReader::StringArray(std::string_view key) {
  std::vector<std::string> strings;
  for (const auto& [element, path] : Elements(key)) {
    if (!element->is_string()) {
      Check(FieldError(path, "must be a string"));
      return {};
    }
    strings.push_back(element->get<std::string>());
  }
  return strings;
}

Result<void> ObjectReader::Finish() const {
  if (error_) return tl::unexpected(*error_);
  for (const auto& [key, value] : value_->items()) {
    if (std::find(read_.begin(), read_.end(), key) == read_.end()) {
      return FieldError(PathOf(key), "unknown field");
    }
  }
  return {};
}

}  // namespace simpul::federation::internal
