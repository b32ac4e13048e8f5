#include "crypto/canonical_json.hpp"

#include <cstdio>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace simpul::crypto {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxQuotedBytes = 64;

// `s` made safe to put in an error message (which may end up in a JSON body): printable ASCII
// kept, other bytes as \xNN, cut to `max` input bytes.
std::string Printable(std::string_view s, std::size_t max = kMaxQuotedBytes) {
  std::string out;
  for (std::size_t i = 0; i < s.size() && i < max; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7F) {
      out.push_back(static_cast<char>(c));
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      out += hex;
    }
  }
  if (s.size() > max) out += "...";
  return out;
}

// nlohmann's exception text without its "[json.exception.x.n] " prefix, made printable.
std::string LibraryMessage(const std::exception& e) {
  std::string_view what = e.what();
  if (const std::size_t end = what.find("] "); what.starts_with("[") && end != what.npos) {
    what.remove_prefix(end + 2);
  }
  return Printable(what, 200);
}

// Appends `key` to a JSON Pointer (RFC 6901), escaping '~' and '/'.
void AppendPointerToken(std::string& pointer, std::string_view key) {
  pointer.push_back('/');
  for (char c : key) {
    if (c == '~') {
      pointer += "~0";
    } else if (c == '/') {
      pointer += "~1";
    } else {
      pointer.push_back(c);
    }
  }
}

std::string Where(const std::string& pointer) {
  return pointer.empty() ? "at the top level" : "at " + Printable(pointer, 200);
}

bool IsAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

tl::unexpected<Error> Invalid(const std::string& what, const std::string& pointer) {
  return Fail(ErrorCode::kInvalidArgument, what + " " + Where(pointer));
}

// Checks the profile's value rules on a tree built in code. UTF-8 is left to the serialiser.
Result<void> CheckValue(const json& value, int depth, int max_depth, std::string& pointer);

Result<void> CheckChildren(const json& value, int depth, int max_depth, std::string& pointer) {
  if (depth > max_depth) {
    return Invalid("nesting deeper than " + std::to_string(max_depth), pointer);
  }
  const std::size_t parent_length = pointer.size();
  std::size_t index = 0;
  for (auto it = value.begin(); it != value.end(); ++it, ++index) {
    if (value.is_object()) {
      AppendPointerToken(pointer, it.key());
      if (!IsAscii(it.key())) return Invalid("non-ASCII key not allowed", pointer);
    } else {
      AppendPointerToken(pointer, std::to_string(index));
    }
    if (Result<void> ok = CheckValue(*it, depth, max_depth, pointer); !ok) return ok;
    pointer.resize(parent_length);
  }
  return {};
}

Result<void> CheckValue(const json& value, int depth, int max_depth, std::string& pointer) {
  switch (value.type()) {
    case json::value_t::number_float:
      return Invalid("float not allowed (" + value.dump() + ")", pointer);
    case json::value_t::number_integer: {
      const auto i = value.get<std::int64_t>();
      if (i > kMaxSafeInteger || i < -kMaxSafeInteger) {
        return Invalid("integer out of range (" + std::to_string(i) + ")", pointer);
      }
      return {};
    }
    case json::value_t::number_unsigned: {
      const auto u = value.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(kMaxSafeInteger)) {
        return Invalid("integer out of range (" + std::to_string(u) + ")", pointer);
      }
      return {};
    }
    case json::value_t::binary:
      return Invalid("binary value not allowed", pointer);
    case json::value_t::discarded:
      return Invalid("discarded value not allowed", pointer);
    case json::value_t::object:
    case json::value_t::array:
      return CheckChildren(value, depth + 1, max_depth, pointer);
    case json::value_t::null:
    case json::value_t::boolean:
    case json::value_t::string:
      return {};
  }
  return {};
}

// Finds the first string (or key) the strict serialiser refuses, setting `pointer` to it. Only
// called after dump() failed, to say where.
bool LocateInvalidUtf8(const json& value, std::string& pointer) {
  if (value.is_string()) {
    try {
      static_cast<void>(value.dump(-1, ' ', false, json::error_handler_t::strict));
    } catch (const json::type_error&) {
      return true;
    }
    return false;
  }
  if (!value.is_structured()) return false;
  const std::size_t parent_length = pointer.size();
  std::size_t index = 0;
  for (auto it = value.begin(); it != value.end(); ++it, ++index) {
    AppendPointerToken(pointer, value.is_object() ? it.key() : std::to_string(index));
    if (LocateInvalidUtf8(*it, pointer)) return true;
    pointer.resize(parent_length);
  }
  return false;
}

// Builds a json value from SAX events while enforcing the profile, recording the first rule
// broken. Modelled on nlohmann's json_sax_dom_parser. Single use.
class ProfileSax final : public nlohmann::json_sax<json> {
 public:
  explicit ProfileSax(int max_depth) : max_depth_(max_depth) {}

  bool null() override { return Put(nullptr); }
  bool boolean(bool value) override { return Put(value); }
  bool number_integer(number_integer_t value) override {
    if (value > kMaxSafeInteger || value < -kMaxSafeInteger) {
      return Reject("integer out of range (" + std::to_string(value) + ")");
    }
    return Put(value);
  }
  bool number_unsigned(number_unsigned_t value) override {
    if (value > static_cast<number_unsigned_t>(kMaxSafeInteger)) {
      return Reject("integer out of range (" + std::to_string(value) + ")");
    }
    return Put(value);
  }
  bool number_float(number_float_t /*value*/, const string_t& text) override {
    // nlohmann hands integers too large for 64 bits to this callback as well.
    const bool is_integer = text.find_first_of(".eE") == string_t::npos;
    return Reject((is_integer ? "integer out of range (" : "float not allowed (") +
                  Printable(text) + ")");
  }
  bool string(string_t& value) override { return Put(std::move(value)); }
  bool binary(binary_t& /*value*/) override { return Reject("binary value not allowed"); }
  bool start_object(std::size_t /*elements*/) override { return Open(json::object()); }
  bool key(string_t& key) override;
  bool end_object() override { return Close(); }
  bool start_array(std::size_t /*elements*/) override { return Open(json::array()); }
  bool end_array() override { return Close(); }
  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& e) override {
    error_ = Error{ErrorCode::kInvalidArgument,
                   "malformed JSON at byte " + std::to_string(position) + ": " + LibraryMessage(e)};
    return false;
  }

  json TakeValue() { return std::move(root_); }
  Error TakeError() { return std::move(error_); }

 private:
  struct Frame {
    json* container;
    std::string key;  // the current key, for objects
  };

  json* Slot();
  bool Put(json value);
  bool Open(json empty_container);
  bool Close();
  bool Reject(const std::string& what);
  std::string Pointer() const;

  int max_depth_;
  json root_;
  std::vector<Frame> stack_;
  Error error_{ErrorCode::kInvalidArgument, "invalid JSON"};
};

bool ProfileSax::key(string_t& key) {
  Frame& frame = stack_.back();
  frame.key = key;
  if (!IsAscii(key)) return Reject("non-ASCII key not allowed");
  if (frame.container->contains(key)) return Reject("duplicate key \"" + Printable(key) + "\"");
  return true;
}

json* ProfileSax::Slot() {
  if (stack_.empty()) return &root_;
  Frame& frame = stack_.back();
  if (frame.container->is_array()) return &frame.container->emplace_back();
  return &(*frame.container)[frame.key];
}

bool ProfileSax::Put(json value) {
  *Slot() = std::move(value);
  return true;
}

bool ProfileSax::Open(json empty_container) {
  if (static_cast<int>(stack_.size()) >= max_depth_) {
    return Reject("nesting deeper than " + std::to_string(max_depth_));
  }
  json* slot = Slot();
  *slot = std::move(empty_container);
  stack_.push_back(Frame{slot, {}});
  return true;
}

bool ProfileSax::Close() {
  stack_.pop_back();
  return true;
}

bool ProfileSax::Reject(const std::string& what) {
  error_ = Error{ErrorCode::kInvalidArgument, what + " " + Where(Pointer())};
  return false;
}

// Where the value being parsed goes. A rejected value has not been added yet, so the innermost
// array's next index is its size; outer arrays already hold the open child as their last element.
std::string ProfileSax::Pointer() const {
  std::string pointer;
  for (std::size_t i = 0; i < stack_.size(); ++i) {
    const Frame& frame = stack_[i];
    if (frame.container->is_object()) {
      AppendPointerToken(pointer, frame.key);
    } else {
      const std::size_t size = frame.container->size();
      AppendPointerToken(pointer, std::to_string(i + 1 == stack_.size() ? size : size - 1));
    }
  }
  return pointer;
}

}  // namespace

Result<std::string> Canonicalize(const json& value, int max_depth) {
  std::string pointer;
  if (Result<void> ok = CheckValue(value, 0, max_depth, pointer); !ok) {
    return tl::unexpected(ok.error());
  }
  try {
    // Objects are std::map-ordered, so keys (ASCII here) come out bytewise sorted; strings are
    // escaped exactly as RFC 8785 requires when ensure_ascii is off.
    return value.dump(-1, ' ', false, json::error_handler_t::strict);
  } catch (const json::type_error& e) {
    LocateInvalidUtf8(value, pointer);
    return Invalid("invalid UTF-8 (" + LibraryMessage(e) + ")", pointer);
  }
}

Result<json> ParseProfileJson(std::string_view text, int max_depth) {
  ProfileSax sax(max_depth);
  try {
    if (!json::sax_parse(text.begin(), text.end(), &sax, json::input_format_t::json,
                         /*strict=*/true, /*ignore_comments=*/false)) {
      return tl::unexpected(sax.TakeError());
    }
  } catch (const json::exception& e) {
    return Fail(ErrorCode::kInvalidArgument, "malformed JSON: " + LibraryMessage(e));
  }
  return sax.TakeValue();
}

Result<json> ParseCanonical(std::string_view text, int max_depth) {
  Result<json> parsed = ParseProfileJson(text, max_depth);
  if (!parsed) return parsed;
  Result<std::string> canonical = Canonicalize(*parsed, max_depth);
  if (!canonical) return tl::unexpected(canonical.error());
  if (*canonical != text) {
    std::size_t at = 0;
    while (at < text.size() && at < canonical->size() && text[at] == (*canonical)[at]) ++at;
    return Fail(ErrorCode::kInvalidArgument,
                "non-canonical bytes: first difference at byte " + std::to_string(at));
  }
  return parsed;
}

}  // namespace simpul::crypto
