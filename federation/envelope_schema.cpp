#include "federation/envelope_schema.hpp"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "crypto/uuid.hpp"

namespace simpul::federation {
namespace {

using nlohmann::json;

std::string Join(std::string_view path, std::string_view name) {
  if (path.empty()) return std::string(name);
  return std::string(path) + "." + std::string(name);
}

tl::unexpected<Error> Invalid(std::string_view path, const std::string& rule) {
  return Fail(ErrorCode::kInvalidArgument, std::string(path) + ": " + rule);
}

std::string Range(std::int64_t min, std::int64_t max) {
  return std::to_string(min) + ".." + std::to_string(max);
}

bool IsToken(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x21 && c <= 0x7E; });
}

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool IsIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  auto number = [&](std::size_t at, std::size_t len) {
    return std::stoi(std::string(s.substr(at, len)));
  };
  const std::chrono::year_month_day date{std::chrono::year(number(0, 4)),
                                         std::chrono::month(static_cast<unsigned>(number(5, 2))),
                                         std::chrono::day(static_cast<unsigned>(number(8, 2)))};
  return date.ok();
}

// Checks a string member against its kind, length and allowed values.
Result<void> CheckString(const json& value, const FieldSpec& spec, std::string_view path) {
  if (!value.is_string()) return Invalid(path, "must be a string");
  const auto& s = value.get_ref<const std::string&>();
  const auto size = static_cast<std::int64_t>(s.size());
  switch (spec.kind) {
    case FieldKind::kUuidV7:
      if (!crypto::UuidV7Millis(s)) return Invalid(path, "must be a lower-case UUIDv7");
      return {};
    case FieldKind::kDate:
      if (!IsIsoDate(s)) return Invalid(path, "must be a real date as YYYY-MM-DD");
      return {};
    case FieldKind::kToken:
      if (!IsToken(s)) return Invalid(path, "must be visible ASCII without spaces");
      break;
    case FieldKind::kHex:
      if (!IsLowerHex(s)) return Invalid(path, "must be lower-case hex");
      break;
    default:
      break;
  }
  if (size < spec.min || size > spec.max) {
    return Invalid(path, "must be " + Range(spec.min, spec.max) + " bytes long");
  }
  if (!spec.one_of.empty() &&
      std::find(spec.one_of.begin(), spec.one_of.end(), s) == spec.one_of.end()) {
    return Invalid(path, "\"" + s + "\" is not an allowed value");
  }
  return {};
}

Result<void> CheckMember(const json& value, const FieldSpec& spec, std::string_view path);

// Checks a kList member: an array of spec.min..spec.max elements, each matching members[0].
Result<void> CheckList(const json& value, const FieldSpec& spec, std::string_view path) {
  if (!value.is_array()) return Invalid(path, "must be an array");
  const auto size = static_cast<std::int64_t>(value.size());
  if (size < spec.min || size > spec.max) {
    return Invalid(path, "must have " + Range(spec.min, spec.max) + " elements");
  }
  assert(spec.members.size() == 1);
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string element = std::string(path) + "[" + std::to_string(i) + "]";
    if (auto ok = CheckMember(value[i], spec.members[0], element); !ok) return ok;
  }
  return {};
}

// Checks one present member against its spec.
Result<void> CheckMember(const json& value, const FieldSpec& spec, std::string_view path) {
  switch (spec.kind) {
    case FieldKind::kInteger:
      if (!value.is_number_integer() || value.get<std::int64_t>() < spec.min ||
          value.get<std::int64_t>() > spec.max) {
        return Invalid(path, "must be an integer in " + Range(spec.min, spec.max));
      }
      return {};
    case FieldKind::kBool:
      if (!value.is_boolean()) return Invalid(path, "must be true or false");
      return {};
    case FieldKind::kObject:
      return CheckObject(value, spec.members, path);
    case FieldKind::kAnyObject:
      if (!value.is_object()) return Invalid(path, "must be an object");
      return {};
    case FieldKind::kList:
      return CheckList(value, spec, path);
    default:
      return CheckString(value, spec, path);
  }
}

}  // namespace

Result<void> CheckObject(const json& value, std::span<const FieldSpec> fields,
                         std::string_view path) {
  if (!value.is_object()) return Invalid(path.empty() ? "(top level)" : path, "must be an object");
  for (const FieldSpec& spec : fields) {
    const std::string member = Join(path, spec.name);
    const auto it = value.find(spec.name);
    if (it == value.end()) {
      if (spec.optional) continue;
      return Invalid(member, "required");
    }
    if (auto ok = CheckMember(*it, spec, member); !ok) return ok;
  }
  for (auto it = value.begin(); it != value.end(); ++it) {
    const bool known = std::any_of(fields.begin(), fields.end(),
                                   [&](const FieldSpec& spec) { return spec.name == it.key(); });
    if (!known) return Invalid(Join(path, it.key()), "unknown member");
  }
  return {};
}

}  // namespace simpul::federation
