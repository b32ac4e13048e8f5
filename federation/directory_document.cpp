#include "federation/directory_document.hpp"

#include <array>
#include <utility>

#include <nlohmann/json.hpp>

#include "crypto/bytes.hpp"
#include "federation/directory_fields.hpp"

namespace simpul::federation {
namespace {

using internal::ElementPath;
using internal::FieldError;
using internal::ObjectReader;
using nlohmann::json;

template <class E>
struct NamedValue {
  E value;
  std::string_view name;
};

constexpr std::array<NamedValue<NodeClass>, 6> kClassNames{{
    {NodeClass::kMinistry, "ministry"},
    {NodeClass::kAgency, "agency"},
    {NodeClass::kProvince, "province"},
    {NodeClass::kRegency, "regency"},
    {NodeClass::kCity, "city"},
    {NodeClass::kCoordinator, "coordinator"},
}};
constexpr std::array<NamedValue<KeyStatus>, 4> kStatusNames{{
    {KeyStatus::kNext, "next"},
    {KeyStatus::kActive, "active"},
    {KeyStatus::kRetired, "retired"},
    {KeyStatus::kRevoked, "revoked"},
}};
constexpr std::array<NamedValue<KeyUse>, 2> kUseNames{{
    {KeyUse::kMessage, "msg"},
    {KeyUse::kLog, "log"},
}};

template <class E, std::size_t N>
std::string_view NameIn(const std::array<NamedValue<E>, N>& table, E value) {
  for (const auto& entry : table) {
    if (entry.value == value) return entry.name;
  }
  return "unknown";
}

// The enumerator named `name`; fails "<path>: must be one of a, b, c".
template <class E, std::size_t N>
Result<E> ParseIn(const std::array<NamedValue<E>, N>& table, std::string_view name,
                  const std::string& path) {
  std::string names;
  for (const auto& entry : table) {
    if (entry.name == name) return entry.value;
    names += (names.empty() ? "" : ", ") + std::string(entry.name);
  }
  return FieldError(path, "must be one of " + names);
}

// Reads string member `key` of `reader` as an enumerator of `table`, recording an error for an
// unknown name.
template <class E, std::size_t N>
E ReadEnum(ObjectReader& reader, std::string_view key, const std::array<NamedValue<E>, N>& table) {
  const std::string name = reader.String(key);
  if (!reader.ok()) return table[0].value;
  Result<E> value = ParseIn(table, name, reader.PathOf(key));
  reader.Check(value ? Result<void>{} : tl::unexpected(value.error()));
  return value.value_or(table[0].value);
}

json KeyToJson(const NodeKey& key) {
  return {{"kid", key.kid},
          {"use", Name(key.use)},
          {"public_key", crypto::Base64Encode(key.public_key.bytes)},
          {"status", Name(key.status)},
          {"not_before", key.not_before},
          {"not_after", key.not_after},
          {"revoked_at", key.revoked_at}};
}

}  // namespace

json NodeEntryToJson(const NodeEntry& node) {
  json keys = json::array();
  for (const NodeKey& key : node.keys) keys.push_back(KeyToJson(key));
  return {{"id", node.id},
          {"name", node.name},
          {"class", Name(node.node_class)},
          {"parent", node.parent},
          {"jurisdiction",
           {{"regions", node.jurisdiction.regions}, {"categories", node.jurisdiction.categories}}},
          {"endpoint", node.endpoint},
          {"tls_spki_sha256", node.tls_spki_sha256},
          {"keys", std::move(keys)}};
}

namespace {

json PolicyToJson(const DirectoryPolicy& policy) {
  return {{"verify_working_days", policy.verify_working_days},
          {"first_response_working_days", policy.first_response_working_days},
          {"autoclose_working_days", policy.autoclose_working_days},
          {"settle_days", policy.settle_days},
          {"allowed_clock_skew_ms", policy.allowed_clock_skew_ms},
          {"max_batch", policy.max_batch}};
}

NodeKey ReadKey(const json& value, std::string path, ObjectReader& parent) {
  ObjectReader reader(value, path);
  NodeKey key;
  key.kid = reader.String("kid");
  key.use = ReadEnum(reader, "use", kUseNames);
  const std::string public_key = reader.String("public_key");
  key.status = ReadEnum(reader, "status", kStatusNames);
  key.not_before = reader.Int("not_before");
  key.not_after = reader.Int("not_after");
  key.revoked_at = reader.Int("revoked_at");
  if (reader.ok()) {
    Result<crypto::Ed25519PublicKey> parsed = internal::ParseKeyWithId(path, key.kid, public_key);
    if (parsed) key.public_key = *parsed;
    reader.Check(parsed ? Result<void>{} : tl::unexpected(parsed.error()));
  }
  parent.Check(reader.Finish());
  return key;
}

NodeEntry ReadNode(const json& value, std::string path, ObjectReader& parent) {
  ObjectReader reader(value, path);
  NodeEntry node;
  node.id = reader.String("id");
  node.name = reader.String("name");
  node.node_class = ReadEnum(reader, "class", kClassNames);
  node.parent = reader.String("parent");
  if (const json* jurisdiction = reader.Object("jurisdiction")) {
    ObjectReader scope(*jurisdiction, reader.PathOf("jurisdiction"));
    node.jurisdiction.regions = scope.StringArray("regions");
    node.jurisdiction.categories = scope.StringArray("categories");
    reader.Check(scope.Finish());
  }
  node.endpoint = reader.String("endpoint");
  node.tls_spki_sha256 = reader.String("tls_spki_sha256");
  for (const auto& [element, element_path] : reader.Elements("keys")) {
    node.keys.push_back(ReadKey(*element, element_path, reader));
  }
  parent.Check(reader.Finish());
  return node;
}

DirectoryCategory ReadCategory(const json& value, std::string path, ObjectReader& parent) {
  ObjectReader reader(value, std::move(path));
  DirectoryCategory category;
  category.code = reader.String("code");
  category.parent = reader.String("parent");
  category.name_id = reader.String("name_id");
  category.name_en = reader.String("name_en");
  parent.Check(reader.Finish());
  return category;
}

DirectoryPolicy ReadPolicy(const json& value, std::string path, ObjectReader& parent) {
  ObjectReader reader(value, std::move(path));
  DirectoryPolicy policy;
  policy.verify_working_days = reader.Int("verify_working_days");
  policy.first_response_working_days = reader.Int("first_response_working_days");
  policy.autoclose_working_days = reader.Int("autoclose_working_days");
  policy.settle_days = reader.Int("settle_days");
  policy.allowed_clock_skew_ms = reader.Int("allowed_clock_skew_ms");
  policy.max_batch = reader.Int("max_batch");
  parent.Check(reader.Finish());
  return policy;
}

}  // namespace

std::string_view Name(NodeClass node_class) { return NameIn(kClassNames, node_class); }
std::string_view Name(KeyStatus status) { return NameIn(kStatusNames, status); }
std::string_view Name(KeyUse use) { return NameIn(kUseNames, use); }

std::optional<NodeClass> NodeClassNamed(std::string_view name) {
  for (const auto& entry : kClassNames) {
    if (entry.name == name) return entry.value;
  }
  return std::nullopt;
}

std::optional<KeyUse> KeyUseNamed(std::string_view name) {
  for (const auto& entry : kUseNames) {
    if (entry.name == name) return entry.value;
  }
  return std::nullopt;
}

Result<NodeEntry> NodeEntryFromJson(const json& value, std::string_view path) {
  // ReadNode reports into a parent reader; this one wraps no object of its own, so its Finish
  // returns exactly the node's first error.
  const json no_members = json::object();
  ObjectReader sink(no_members, std::string(path));
  NodeEntry node = ReadNode(value, std::string(path), sink);
  if (Result<void> done = sink.Finish(); !done) return tl::unexpected(done.error());
  if (Result<void> valid = ValidateNodeEntry(node, path); !valid) {
    return tl::unexpected(valid.error());
  }
  return node;
}

json DirectoryDocumentToJson(const DirectoryDocument& doc) {
  json categories = json::array();
  for (const DirectoryCategory& c : doc.categories) {
    categories.push_back(
        {{"code", c.code}, {"parent", c.parent}, {"name_id", c.name_id}, {"name_en", c.name_en}});
  }
  json nodes = json::array();
  for (const NodeEntry& node : doc.nodes) nodes.push_back(NodeEntryToJson(node));
  return {{"version", doc.version},
          {"prev_hash", doc.prev_hash},
          {"issued_at", doc.issued_at},
          {"expires_at", doc.expires_at},
          {"policy", PolicyToJson(doc.policy)},
          {"holidays", doc.holidays},
          {"categories", std::move(categories)},
          {"nodes", std::move(nodes)}};
}

Result<DirectoryDocument> DirectoryDocumentFromJson(const json& value) {
  ObjectReader reader(value, "directory");
  DirectoryDocument doc;
  doc.version = reader.Int("version");
  doc.prev_hash = reader.String("prev_hash");
  doc.issued_at = reader.Int("issued_at");
  doc.expires_at = reader.Int("expires_at");
  if (const json* policy = reader.Object("policy")) {
    doc.policy = ReadPolicy(*policy, reader.PathOf("policy"), reader);
  }
  doc.holidays = reader.StringArray("holidays");
  for (const auto& [element, path] : reader.Elements("categories")) {
    doc.categories.push_back(ReadCategory(*element, path, reader));
  }
  for (const auto& [element, path] : reader.Elements("nodes")) {
    doc.nodes.push_back(ReadNode(*element, path, reader));
  }
  if (Result<void> done = reader.Finish(); !done) return tl::unexpected(done.error());
  if (Result<void> valid = ValidateDirectoryDocument(doc); !valid) {
    return tl::unexpected(valid.error());
  }
  return doc;
}

}  // namespace simpul::federation
