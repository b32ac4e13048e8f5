#pragma once
// Internal to simpul::federation: syntax rules for the fields of the signed federation documents
// (the directory and the trust anchor) and a strict reader for their JSON objects.
//
//   ObjectReader key(json, "directory.nodes[0].keys[1]");
//   std::string kid = key.String("kid");  // records "...keys[1].kid: must be a string"
//   Result<void> done = key.Finish();     // the first error, or a member nobody read
//
// Every error is kInvalidArgument with a message that starts with the field's path. Free
// functions are pure and thread-safe; an ObjectReader is used by one thread.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "crypto/ed25519.hpp"
#include "crypto/result.hpp"

namespace simpul::federation::internal {

// kInvalidArgument "<path>: <what>".
tl::unexpected<Error> FieldError(std::string_view path, std::string_view what);

// `value` for quoting in an error message: bytes outside printable ASCII become '?', and more
// than 64 characters are cut to 64 and "...".
std::string Printable(std::string_view value);

// "<path>[<index>]".
std::string ElementPath(std::string_view path, std::size_t index);

// A node id: "prov:NN", "kab:NN.NN", "kota:NN.NN", or "kl:", "lem:" or "coord:" followed by
// [a-z0-9.-] (starting with a letter or digit); at most 64 characters.
bool IsNodeId(std::string_view id);

// A Kemendagri region code: one to three groups of two digits joined by '.' ("32.04.05").
bool IsRegionCode(std::string_view code);

// A category code: one to three segments of [a-z0-9_] joined by '.' ("kesehatan.rs").
bool IsCategoryCode(std::string_view code);

// Number of '.'-separated segments of a region or category code (0 for "").
std::size_t CodeDepth(std::string_view code);

// True if `code` equals `scope` or lies below it in the dotted hierarchy ("32.04" is within
// "32"; "320" is not).
bool CodeWithin(std::string_view code, std::string_view scope);

// "https://host[:port][/path]": printable ASCII without spaces, no userinfo or fragment, at most
// 2048 characters.
bool IsHttpsUrl(std::string_view url);

// Exactly `length` lower-case hex characters.
bool IsLowerHex(std::string_view text, std::size_t length);

// A valid calendar date written "YYYY-MM-DD".
bool IsIsoDate(std::string_view text);

// The Ed25519 key whose standard base64 is `public_key_base64`, after checking that `kid` is its
// KeyId. Fails naming `path` + ".public_key" or `path` + ".kid".
Result<crypto::Ed25519PublicKey> ParseKeyWithId(std::string_view path, std::string_view kid,
                                                std::string_view public_key_base64);

// Reads the members of one JSON object, each once, checking their types. Errors are sticky: a
// failed read records the first error and returns an empty value, so a parser reads every field
// and asks Finish at the end, which also rejects members nobody read (unknown or misspelt
// fields). Borrows the JSON value, which must outlive the reader. Used by one thread.
class ObjectReader {
 public:
  // Records "<path>: must be an object" unless `value` is an object.
  ObjectReader(const nlohmann::json& value, std::string path);

  // The member `key` as a string; "" after recording an error if missing or not a string.
  std::string String(std::string_view key);
  // The member `key` as an integer within +-(2^53-1); 0 after recording an error otherwise.
  std::int64_t Int(std::string_view key);
  // The member `key`, an array of strings; empty after recording an error otherwise.
  std::vector<std::string> StringArray(std::string_view key);
  // The elements of array member `key` with their paths; empty after recording an error.
  std::vector<std::pair<const nlohmann::json*, std::string>> Elements(std::string_view key);
  // The member `key` if it is an object; nullptr after recording an error.
  const nlohmann::json* Object(std::string_view key);

  // Records `result`'s error if it is the first one.
  void Check(const Result<void>& result);
  bool ok() const { return !error_.has_value(); }

  // The first recorded error, else "<path>.<member>: unknown field" for a member not read.
  Result<void> Finish() const;

  // "<path>.<key>".
  std::string PathOf(std::string_view key) const;

 private:
  enum class JsonType { kString, kInteger, kArray, kObject };

  // The member `key` after checking that it exists and has `type`; marks it read. nullptr after
  // recording an error.
  const nlohmann::json* Member(std::string_view key, JsonType type);

  const nlohmann::json* value_;
  std::string path_;
  std::vector<std::string> read_;
  std::optional<Error> error_;
};

}  // namespace simpul::federation::internal
