// ValidateDirectoryDocument: the semantic rules of a directory document (directory_document.hpp).

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "federation/directory_document.hpp"
#include "federation/directory_fields.hpp"

namespace simpul::federation {
namespace {

using internal::ElementPath;
using internal::FieldError;

constexpr std::string_view kRoot = "directory";

// Fails "<path>: must be in [min, max]" unless min <= value <= max.
Result<void> CheckRange(std::string_view path, std::int64_t value, std::int64_t min,
                        std::int64_t max) {
  if (value >= min && value <= max) return {};
  return FieldError(path, "must be in [" + std::to_string(min) + ", " + std::to_string(max) +
                              "], not " + std::to_string(value));
}

// The first failure of `checks`, in order, or success.
Result<void> FirstFailure(std::initializer_list<Result<void>> checks) {
  for (const Result<void>& check : checks) {
    if (!check) return check;
  }
  return {};
}

Result<void> CheckHeader(const DirectoryDocument& doc) {
  const std::string root(kRoot);
  if (doc.version < 1) return FieldError(root + ".version", "must be at least 1");
  if (doc.version == 1 && !doc.prev_hash.empty()) {
    return FieldError(root + ".prev_hash", "must be \"\" for version 1");
  }
  if (doc.version > 1 && !internal::IsLowerHex(doc.prev_hash, 64)) {
    return FieldError(root + ".prev_hash", "must be 64 lower-case hex characters");
  }
  if (doc.issued_at < 0) return FieldError(root + ".issued_at", "must not be negative");
  if (doc.expires_at <= doc.issued_at) {
    return FieldError(root + ".expires_at", "must be after issued_at");
  }
  return {};
}

Result<void> CheckPolicy(const DirectoryPolicy& policy) {
  const std::string path = std::string(kRoot) + ".policy.";
  return FirstFailure({
      CheckRange(path + "verify_working_days", policy.verify_working_days, 1, 365),
      CheckRange(path + "first_response_working_days", policy.first_response_working_days, 1, 365),
      CheckRange(path + "autoclose_working_days", policy.autoclose_working_days, 1, 365),
      CheckRange(path + "settle_days", policy.settle_days, 1, 3650),
      CheckRange(path + "allowed_clock_skew_ms", policy.allowed_clock_skew_ms, 0, 60 * 60 * 1000),
      CheckRange(path + "max_batch", policy.max_batch, 1, 1000),
  });
}

Result<void> CheckHolidays(const std::vector<std::string>& holidays) {
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < holidays.size(); ++i) {
    const std::string path = ElementPath(std::string(kRoot) + ".holidays", i);
    if (!internal::IsIsoDate(holidays[i])) return FieldError(path, "must be a date YYYY-MM-DD");
    if (!seen.insert(holidays[i]).second) return FieldError(path, "duplicate " + holidays[i]);
  }
  return {};
}

Result<void> CheckCategories(const std::vector<DirectoryCategory>& categories) {
  std::set<std::string_view> codes;
  for (std::size_t i = 0; i < categories.size(); ++i) {
    const std::string path = ElementPath(std::string(kRoot) + ".categories", i);
    if (!internal::IsCategoryCode(categories[i].code)) {
      return FieldError(path + ".code", "must be 1 to 3 segments of [a-z0-9_] joined by '.'");
    }
    if (!codes.insert(categories[i].code).second) {
      return FieldError(path + ".code", "duplicate " + categories[i].code);
    }
  }
  for (std::size_t i = 0; i < categories.size(); ++i) {
    const DirectoryCategory& c = categories[i];
    const std::string path = ElementPath(std::string(kRoot) + ".categories", i);
    const std::size_t dot = c.code.rfind('.');
    const std::string expected_parent = dot == std::string::npos ? "" : c.code.substr(0, dot);
    if (c.parent != expected_parent) {
      return FieldError(path + ".parent", "must be \"" + expected_parent + "\" for " + c.code);
    }
    if (!c.parent.empty() && !codes.contains(c.parent)) {
      return FieldError(path + ".parent", "unknown category " + internal::Printable(c.parent));
    }
    if (c.name_id.empty()) return FieldError(path + ".name_id", "must not be empty");
  }
  return {};
}

constexpr std::array<std::pair<std::string_view, NodeClass>, 6> kIdPrefixes{{
    {"prov:", NodeClass::kProvince},
    {"kab:", NodeClass::kRegency},
    {"kota:", NodeClass::kCity},
    {"kl:", NodeClass::kMinistry},
    {"lem:", NodeClass::kAgency},
    {"coord:", NodeClass::kCoordinator},
}};

// The class a node id's prefix stands for ("kab:" is a regency), if the prefix is known.
std::optional<NodeClass> ClassOfIdPrefix(std::string_view id) {
  for (const auto& [prefix, node_class] : kIdPrefixes) {
    if (id.starts_with(prefix)) return node_class;
  }
  return std::nullopt;
}

Result<void> CheckKey(const NodeKey& key, const std::string& path) {
  if (key.not_before < 0) return FieldError(path + ".not_before", "must not be negative");
  if (key.not_after != 0 && key.not_after <= key.not_before) {
    return FieldError(path + ".not_after", "must be 0 (no end) or after not_before");
  }
  if (key.status == KeyStatus::kRetired && key.not_after == 0) {
    return FieldError(path + ".not_after", "a retired key needs an end of validity");
  }
  if ((key.status == KeyStatus::kRevoked) != (key.revoked_at > 0)) {
    return FieldError(path + ".revoked_at", "must be > 0 exactly when status is revoked");
  }
  return {};
}

// Category codes must be in `category_codes`, or only well formed if it is nullptr.
Result<void> CheckJurisdiction(const NodeEntry& node, const std::string& path,
                               const std::set<std::string_view>* category_codes) {
  const std::string region_scope = node.id.substr(node.id.find(':') + 1);
  const bool regional = node.node_class == NodeClass::kProvince ||
                        node.node_class == NodeClass::kRegency ||
                        node.node_class == NodeClass::kCity;
  const auto& regions = node.jurisdiction.regions;
  for (std::size_t i = 0; i < regions.size(); ++i) {
    const std::string element = ElementPath(path + ".jurisdiction.regions", i);
    if (!internal::IsRegionCode(regions[i])) return FieldError(element, "must be a region code");
    if (regional && !internal::CodeWithin(regions[i], region_scope)) {
      return FieldError(element, "must lie within " + region_scope + ", the node's own region");
    }
    if (std::count(regions.begin(), regions.end(), regions[i]) > 1) {
      return FieldError(element, "duplicate " + regions[i]);
    }
  }
  const auto& categories = node.jurisdiction.categories;
  for (std::size_t i = 0; i < categories.size(); ++i) {
    const std::string element = ElementPath(path + ".jurisdiction.categories", i);
    if (category_codes == nullptr ? !internal::IsCategoryCode(categories[i])
                                  : !category_codes->contains(categories[i])) {
      return FieldError(element, "unknown category " + internal::Printable(categories[i]));
    }
    if (std::count(categories.begin(), categories.end(), categories[i]) > 1) {
      return FieldError(element, "duplicate " + categories[i]);
    }
  }
  return {};
}

Result<void> CheckNode(const NodeEntry& node, const std::string& path,
                       const std::set<std::string_view>* category_codes) {
  if (!internal::IsNodeId(node.id)) {
    return FieldError(path + ".id",
                      "must look like prov:32, kab:32.04, kota:32.73, kl:kemenkes, "
                      "lem:ombudsman or coord:panrb, not \"" +
                          internal::Printable(node.id) + "\"");
  }
  if (ClassOfIdPrefix(node.id) != node.node_class) {
    return FieldError(path + ".class", "\"" + std::string(Name(node.node_class)) +
                                           "\" does not match the id " + node.id);
  }
  if (node.name.empty() || node.name.size() > 200) {
    return FieldError(path + ".name", "must be 1 to 200 bytes");
  }
  if (!internal::IsHttpsUrl(node.endpoint)) {
    return FieldError(path + ".endpoint", "must be an https:// URL without userinfo or fragment");
  }
  if (!internal::IsLowerHex(node.tls_spki_sha256, 64)) {
    return FieldError(path + ".tls_spki_sha256", "must be 64 lower-case hex characters");
  }
  if (Result<void> ok = CheckJurisdiction(node, path, category_codes); !ok) return ok;
  for (std::size_t k = 0; k < node.keys.size(); ++k) {
    if (Result<void> ok = CheckKey(node.keys[k], ElementPath(path + ".keys", k)); !ok) return ok;
  }
  return {};
}

// Node ids and key ids are unique; parents exist, differ from the node and form no cycle.
Result<void> CheckNodeGraph(const std::vector<NodeEntry>& nodes) {
  const std::string root = std::string(kRoot) + ".nodes";
  std::map<std::string_view, std::size_t> index;
  std::map<std::string_view, std::string_view> key_owner;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (!index.emplace(nodes[i].id, i).second) {
      return FieldError(ElementPath(root, i) + ".id", "duplicate node id " + nodes[i].id);
    }
    for (std::size_t k = 0; k < nodes[i].keys.size(); ++k) {
      const auto [it, added] = key_owner.emplace(nodes[i].keys[k].kid, nodes[i].id);
      if (!added) {
        return FieldError(ElementPath(ElementPath(root, i) + ".keys", k) + ".kid",
                          "duplicate kid, already used by " + std::string(it->second));
      }
    }
  }
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (!nodes[i].parent.empty() && !index.contains(nodes[i].parent)) {
      return FieldError(ElementPath(root, i) + ".parent",
                        "unknown node " + internal::Printable(nodes[i].parent));
    }
  }
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    std::string_view parent = nodes[i].parent;
    for (std::size_t steps = 0; !parent.empty(); ++steps) {
      if (parent == nodes[i].id || steps > nodes.size()) {
        return FieldError(ElementPath(root, i) + ".parent",
                          "the parents of " + nodes[i].id + " form a cycle");
      }
      parent = nodes[index.at(parent)].parent;
    }
  }
  return {};
}

}  // namespace

Result<void> ValidateNodeEntry(const NodeEntry& node, std::string_view path) {
  return CheckNode(node, std::string(path), nullptr);
}

Result<void> ValidateDirectoryDocument(const DirectoryDocument& doc) {
  if (Result<void> ok =
          FirstFailure({CheckHeader(doc), CheckPolicy(doc.policy), CheckHolidays(doc.holidays),
                        CheckCategories(doc.categories)});
      !ok) {
    return ok;
  }
  std::set<std::string_view> category_codes;
  for (const DirectoryCategory& c : doc.categories) category_codes.insert(c.code);
  for (std::size_t i = 0; i < doc.nodes.size(); ++i) {
    const std::string path = ElementPath(std::string(kRoot) + ".nodes", i);
    if (Result<void> ok = CheckNode(doc.nodes[i], path, &category_codes); !ok) return ok;
  }
  return CheckNodeGraph(doc.nodes);
}

}  // namespace simpul::federation
