#include "federation/directory_document.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/federation/directory_test_fixture.hpp"

namespace simpul::federation {
namespace {

using nlohmann::json;
using testing::KeyFromByte;
using testing::MakeKey;
using testing::SampleDocument;

// One broken variant of the sample document and the error it must produce.
struct BrokenDocument {
  std::string name;
  std::function<void(DirectoryDocument&)> mutate;
  std::string expected;  // a substring of the error message, starting with the field path
};

// One broken variant of the sample document's JSON form.
struct BrokenJson {
  std::string name;
  std::function<void(json&)> mutate;
  std::string expected;
};

TEST(DirectoryDocumentTest, JsonRoundTrips) {
  const DirectoryDocument doc = SampleDocument();
  const json j = DirectoryDocumentToJson(doc);
  EXPECT_EQ(j["nodes"][2]["class"], "regency");
  EXPECT_EQ(j["nodes"][2]["keys"][1]["use"], "log");
  EXPECT_EQ(j["nodes"][2]["keys"][0]["status"], "active");
  EXPECT_EQ(j["policy"]["max_batch"], 100);
  Result<DirectoryDocument> back = DirectoryDocumentFromJson(j);
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(*back, doc);
}

TEST(DirectoryDocumentTest, PolicyDefaultsMatchDesign) {
  const DirectoryPolicy policy;
  EXPECT_EQ(policy.verify_working_days, 3);
  EXPECT_EQ(policy.first_response_working_days, 5);
  EXPECT_EQ(policy.autoclose_working_days, 10);
  EXPECT_EQ(policy.settle_days, 60);
  EXPECT_EQ(policy.max_batch, 100);
}

// Breaks of the document-wide rules: header, policy, holidays, categories.
std::vector<BrokenDocument> BrokenDocumentRules() {
  return {
      {"version 0", [](auto& d) { d.version = 0; }, "directory.version"},
      {"prev_hash on v1", [](auto& d) { d.prev_hash = std::string(64, 'a'); },
       "directory.prev_hash: must be \"\""},
      {"no prev_hash on v2", [](auto& d) { d.version = 2; }, "directory.prev_hash: must be 64"},
      {"expiry", [](auto& d) { d.expires_at = d.issued_at; }, "directory.expires_at"},
      {"policy", [](auto& d) { d.policy.max_batch = 0; }, "directory.policy.max_batch"},
      {"holiday", [](auto& d) { d.holidays[1] = "2025-02-30"; }, "directory.holidays[1]"},
      {"dup holiday", [](auto& d) { d.holidays[1] = d.holidays[0]; },
       "directory.holidays[1]: duplicate"},
      {"category code", [](auto& d) { d.categories[0].code = "Infra"; },
       "directory.categories[0].code"},
      {"dup category", [](auto& d) { d.categories[1].code = "infrastruktur"; },
       "directory.categories[1].code: duplicate"},
      {"category parent", [](auto& d) { d.categories.erase(d.categories.begin()); },
       "directory.categories[0].parent: unknown category infrastruktur"},
  };
}

// Breaks of the per-node rules: ids, classes, parents, endpoints, jurisdictions, keys.
std::vector<BrokenDocument> BrokenNodeRules() {
  return {
      {"node id", [](auto& d) { d.nodes[2].id = "kab:3204"; }, "directory.nodes[2].id"},
      {"class vs id", [](auto& d) { d.nodes[2].node_class = NodeClass::kCity; },
       "directory.nodes[2].class"},
      {"dup node",
       [](auto& d) {
         d.nodes[3].id = "kab:32.04";
         d.nodes[3].node_class = NodeClass::kRegency;
         d.nodes[3].jurisdiction.regions = {};
       },
       "directory.nodes[3].id: duplicate node id"},
      {"unknown parent", [](auto& d) { d.nodes[2].parent = "prov:33"; },
       "directory.nodes[2].parent: unknown node"},
      {"parent cycle", [](auto& d) { d.nodes[1].parent = "kab:32.04"; },
       "directory.nodes[1].parent: the parents of prov:32 form a cycle"},
      {"http endpoint", [](auto& d) { d.nodes[1].endpoint = "http://prov32.example/"; },
       "directory.nodes[1].endpoint"},
      {"userinfo", [](auto& d) { d.nodes[1].endpoint = "https://u@prov32.example/"; },
       "directory.nodes[1].endpoint"},
      {"spki length", [](auto& d) { d.nodes[1].tls_spki_sha256.pop_back(); },
       "directory.nodes[1].tls_spki_sha256"},
      {"spki case", [](auto& d) { d.nodes[1].tls_spki_sha256[0] = 'A'; },
       "directory.nodes[1].tls_spki_sha256"},
      {"region code", [](auto& d) { d.nodes[2].jurisdiction.regions = {"32.4"}; },
       "directory.nodes[2].jurisdiction.regions[0]: must be a region code"},
      {"region outside", [](auto& d) { d.nodes[2].jurisdiction.regions = {"32.05"}; },
       "directory.nodes[2].jurisdiction.regions[0]: must lie within 32.04"},
      {"unknown category", [](auto& d) { d.nodes[4].jurisdiction.categories = {"pajak"}; },
       "directory.nodes[4].jurisdiction.categories[0]: unknown category"},
      {"dup kid", [](auto& d) { d.nodes[3].keys[0] = d.nodes[2].keys[0]; },
       "directory.nodes[3].keys[0].kid: duplicate kid, already used by kab:32.04"},
      {"revoked no time", [](auto& d) { d.nodes[2].keys[0].status = KeyStatus::kRevoked; },
       "directory.nodes[2].keys[0].revoked_at"},
      {"time not revoked", [](auto& d) { d.nodes[2].keys[0].revoked_at = 5; },
       "directory.nodes[2].keys[0].revoked_at"},
      {"retired no end", [](auto& d) { d.nodes[2].keys[0].status = KeyStatus::kRetired; },
       "directory.nodes[2].keys[0].not_after: a retired key"},
      {"end before start",
       [](auto& d) {
         d.nodes[2].keys[0].not_before = 10;
         d.nodes[2].keys[0].not_after = 10;
       },
       "directory.nodes[2].keys[0].not_after"},
      {"name", [](auto& d) { d.nodes[2].name.clear(); }, "directory.nodes[2].name"},
  };
}

// Expects each case to turn the valid sample into a document rejected with its message.
void ExpectEachRejected(const std::vector<BrokenDocument>& cases) {
  for (const BrokenDocument& c : cases) {
    SCOPED_TRACE(c.name);
    DirectoryDocument doc = SampleDocument();
    ASSERT_TRUE(ValidateDirectoryDocument(doc).has_value());
    c.mutate(doc);
    Result<DirectoryDocument> parsed = DirectoryDocumentFromJson(DirectoryDocumentToJson(doc));
    ASSERT_FALSE(parsed.has_value());
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(parsed.error().message.find(c.expected), 0u) << parsed.error().message;
  }
}

TEST(DirectoryDocumentTest, RejectsBrokenDocumentRulesNamingTheField) {
  ExpectEachRejected(BrokenDocumentRules());
}

TEST(DirectoryDocumentTest, RejectsBrokenNodeRulesNamingTheField) {
  ExpectEachRejected(BrokenNodeRules());
}

TEST(DirectoryDocumentTest, RejectsMalformedJsonNamingTheField) {
  const std::vector<BrokenJson> cases = {
      {"unknown field", [](json& j) { j["nodes"][1]["region"] = "32"; },
       "directory.nodes[1].region: unknown field"},
      {"missing field", [](json& j) { j["policy"].erase("settle_days"); },
       "directory.policy.settle_days: missing"},
      {"wrong type", [](json& j) { j["version"] = "1"; }, "directory.version: must be an integer"},
      {"unsafe integer", [](json& j) { j["issued_at"] = 9007199254740992LL; },
       "directory.issued_at: must be an integer within"},
      {"bad class", [](json& j) { j["nodes"][1]["class"] = "state"; },
       "directory.nodes[1].class: must be one of ministry, agency"},
      {"bad use", [](json& j) { j["nodes"][1]["keys"][0]["use"] = "tls"; },
       "directory.nodes[1].keys[0].use: must be one of msg, log"},
      {"bad key", [](json& j) { j["nodes"][1]["keys"][0]["public_key"] = "AAAA"; },
       "directory.nodes[1].keys[0].public_key"},
      {"kid mismatch", [](json& j) { j["nodes"][1]["keys"][0]["kid"] = "0000000000000000"; },
       "directory.nodes[1].keys[0].kid: must be the KeyId"},
      {"not an object", [](json& j) { j["nodes"][0] = json::array(); },
       "directory.nodes[0]: must be an object"},
      {"holiday type", [](json& j) { j["holidays"][0] = 17; },
       "directory.holidays[0]: must be a string"},
      {"jurisdiction", [](json& j) { j["nodes"][1]["jurisdiction"].erase("categories"); },
       "directory.nodes[1].jurisdiction.categories: missing"},
  };
  for (const BrokenJson& c : cases) {
    SCOPED_TRACE(c.name);
    json j = DirectoryDocumentToJson(SampleDocument());
    c.mutate(j);
    Result<DirectoryDocument> parsed = DirectoryDocumentFromJson(j);
    ASSERT_FALSE(parsed.has_value());
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(parsed.error().message.find(c.expected), 0u) << parsed.error().message;
  }
}

TEST(DirectoryDocumentTest, AcceptsRotationStatuses) {
  DirectoryDocument doc = SampleDocument();
  NodeKey retired = MakeKey(KeyFromByte(97), KeyUse::kMessage, KeyStatus::kRetired);
  retired.not_after = 1000;
  NodeKey revoked = MakeKey(KeyFromByte(98), KeyUse::kLog, KeyStatus::kRevoked);
  revoked.revoked_at = 2000;
  doc.nodes[2].keys.push_back(MakeKey(KeyFromByte(96), KeyUse::kMessage, KeyStatus::kNext));
  doc.nodes[2].keys.push_back(retired);
  doc.nodes[2].keys.push_back(revoked);
  Result<DirectoryDocument> back = DirectoryDocumentFromJson(DirectoryDocumentToJson(doc));
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(*back, doc);
}

}  // namespace
}  // namespace simpul::federation
