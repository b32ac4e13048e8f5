#include "node/api/json_body.hpp"

#include <charconv>
#include <set>
#include <vector>

namespace simpul::api {
namespace {

using nlohmann::json;

// A SAX handler that only checks shape (depth, size, duplicate keys, NUL characters) before the
// DOM parse, so a hostile body costs no more than its bytes.
class ShapeCheck : public nlohmann::json_sax<json> {
 public:
  bool null() override { return Count(); }
  bool boolean(bool) override { return Count(); }
  bool number_integer(number_integer_t) override { return Count(); }
  bool number_unsigned(number_unsigned_t) override { return Count(); }
  bool number_float(number_float_t, const string_t&) override { return Count(); }
  bool string(string_t& s) override { return NoNul(s, "a string") && Count(); }
  bool binary(binary_t&) override { return Count(); }
  bool start_object(std::size_t) override {
    keys_.emplace_back();
    return Push();
  }
  bool key(string_t& k) override {
    if (!NoNul(k, "a key")) return false;
    if (!keys_.back().insert(k).second) {
      error_ = "duplicate key \"" + k.substr(0, 64) + "\"";
      return false;
    }
    return true;
  }
  bool end_object() override {
    keys_.pop_back();
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    keys_.emplace_back();
    return Push();
  }
  bool end_array() override {
    keys_.pop_back();
    --depth_;
    return true;
  }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& ex) override {
    error_ = "malformed JSON at byte " + std::to_string(position) + ": " +
             std::string(ex.what()).substr(0, 160);
    return false;
  }
  const std::string& error() const { return error_; }

 private:
  bool Push() {
    if (++depth_ > kMaxJsonDepth) {
      error_ = "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
      return false;
    }
    return Count();
  }
  bool Count() {
    if (++values_ > kMaxJsonValues) {
      error_ = "JSON holds more than " + std::to_string(kMaxJsonValues) + " values";
      return false;
    }
    return true;
  }
  bool NoNul(const string_t& s, const char* what) {
    if (s.find('\0') == string_t::npos) return true;
    error_ = std::string(what) + " holds a NUL character (\\u0000)";
    return false;
  }
  int depth_ = 0;
  std::size_t values_ = 0;
  std::vector<std::set<std::string>> keys_;
  std::string error_;
};

}  // namespace

Result<json> ParseJsonObject(const http::ApiRequest& request) {
  std::string_view type = request.content_type;
  if (type.substr(0, type.find(';')) != "application/json") {
    return Fail(ErrorCode::kInvalidArgument, "send the body as Content-Type: application/json");
  }
  ShapeCheck check;
  if (!json::sax_parse(request.body, &check)) {
    return Fail(ErrorCode::kInvalidArgument,
                check.error().empty() ? "malformed JSON body" : check.error());
  }
  json value = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return Fail(ErrorCode::kInvalidArgument, "malformed JSON body");
  if (!value.is_object())
    return Fail(ErrorCode::kInvalidArgument, "the body must be a JSON object");
  return value;
}

Result<std::string> StringField(const json& obj, const char* key, std::size_t max_bytes,
                                bool required) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (required) return Fail(ErrorCode::kInvalidArgument, std::string(key) + ": required");
    return std::string();
  }
  if (!it->is_string()) {
    return Fail(ErrorCode::kInvalidArgument, std::string(key) + ": must be a string");
  }
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > max_bytes) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string(key) + ": at most " + std::to_string(max_bytes) + " bytes");
  }
  return s;
}

Result<std::optional<bool>> BoolField(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<bool>();
  if (!it->is_boolean()) {
    return Fail(ErrorCode::kInvalidArgument, std::string(key) + ": must be true or false");
  }
  return std::optional<bool>(it->get<bool>());
}

Result<std::optional<double>> NumberField(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<double>();
  if (!it->is_number())
    return Fail(ErrorCode::kInvalidArgument, std::string(key) + ": must be a number");
  return std::optional<double>(it->get<double>());
}

Result<int> IntQuery(const http::ApiRequest& request, const char* key, int fallback, int min,
                     int max) {
  auto text = request.Query(key);
  if (!text) return fallback;
  int value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max) {
    return Fail(ErrorCode::kInvalidArgument, std::string(key) + ": an integer from " +
                                                 std::to_string(min) + " to " +
                                                 std::to_string(max));
  }
  return value;
}

}  // namespace simpul::api
