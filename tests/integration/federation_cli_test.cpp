// simpulctl's federation commands against real coordinator and regency node directories: a node
// enrolls, the coordinator registers it and publishes, the node installs the trust anchor and
// the published directory verifies against it; key rotation, revocation and removal show in the
// next versions; a tampered request and directory commands on a plain node are refused.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "federation/directory.hpp"
#include "federation/trust_anchor.hpp"
#include "tests/support/node_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace simpul::testing {
namespace {

using federation::KeyStatus;
using nlohmann::json;

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The signed bytes of the newest directory version in the database at `path`.
std::string LatestDirectoryBytes(const std::filesystem::path& path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close_v2)> db(raw, &sqlite3_close_v2);
  if (rc != SQLITE_OK) return "";
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db.get(), "SELECT bytes FROM fed_directory ORDER BY version DESC LIMIT 1", -1,
                     &stmt, nullptr);
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> owned(stmt, &sqlite3_finalize);
  if (stmt == nullptr || sqlite3_step(stmt) != SQLITE_ROW) return "";
  return {static_cast<const char*>(sqlite3_column_blob(stmt, 0)),
          static_cast<std::size_t>(sqlite3_column_bytes(stmt, 0))};
}

class FederationCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto coordinator =
        NodeProcess::Create({"coord:panrb",
                             "",
                             {"--class", "coordinator", "--federation-listen", "127.0.0.1:9443"},
                             ""});
    ASSERT_TRUE(coordinator) << coordinator.error().message;
    coordinator_ = std::move(*coordinator);
    auto node =
        NodeProcess::Create({"kab:32.04", "32.04", {"--federation-listen", "127.0.0.1:9444"}, ""});
    ASSERT_TRUE(node) << node.error().message;
    node_ = std::move(*node);
  }

  // Runs simpulctl with --json on `process`, expecting `exit_code`; returns its parsed output.
  static json Ctl(const NodeProcess& process, std::vector<std::string> args, int exit_code = 0) {
    args.push_back("--json");
    auto run = process.Ctl(args);
    EXPECT_TRUE(run) << run.error().message;
    if (!run) return {};
    EXPECT_EQ(run->exit_code, exit_code) << args[0] << " " << args[1] << ": " << run->out;
    return json::parse(run->out, nullptr, /*allow_exceptions=*/false);
  }

  // Enrolls the node into a new file and returns its path.
  std::string Enroll(const std::string& name) {
    const std::string path = (node_->dir() / name).string();
    Ctl(*node_, {"enroll", "--out", path});
    return path;
  }

  // The newest directory of the coordinator, verified against the trust anchor the node installed.
  federation::Directory VerifiedDirectory() {
    auto anchor = federation::ReadTrustAnchor(node_->dir() / "data" / "trust_anchor.json");
    EXPECT_TRUE(anchor) << anchor.error().message;
    auto directory = federation::VerifyDirectory(
        LatestDirectoryBytes(coordinator_->database_path()), *anchor, std::nullopt, NowMs());
    EXPECT_TRUE(directory) << directory.error().message;
    return std::move(*directory);
  }

  void AddNodeAndInstallAnchor() {
    Ctl(*coordinator_, {"directory", "add", Enroll("request.json")});
    const std::string anchor = (coordinator_->dir() / "anchor.json").string();
    Ctl(*coordinator_, {"directory", "anchor", "--out", anchor});
    Ctl(*node_, {"trust", "install", anchor});
  }

  static const federation::NodeKey* KeyOf(const federation::NodeEntry& node,
                                          const std::string& kid) {
    for (const auto& key : node.keys) {
      if (key.kid == kid) return &key;
    }
    return nullptr;
  }

  std::unique_ptr<NodeProcess> coordinator_, node_;
};

TEST_F(FederationCliTest, EnrolledNodeVerifiesInTheDirectoryUnderTheInstalledAnchor) {
  EXPECT_EQ(ModeOf(coordinator_->dir() / "data" / "keys" / "directory.key"), 0600u);
  EXPECT_EQ(Ctl(*coordinator_, {"directory", "show"})["version"], 1);  // init publishes v1

  const json enrolled = Ctl(*node_, {"enroll", "--out", (node_->dir() / "request.json").string()});
  ASSERT_EQ(enrolled["keys"].size(), 2u);
  Ctl(*node_, {"enroll", "--out", (node_->dir() / "request.json").string()}, 1);  // no overwrite
  const json added =
      Ctl(*coordinator_, {"directory", "add", (node_->dir() / "request.json").string()});
  EXPECT_EQ(added["version"], 2);

  const std::string anchor_path = (coordinator_->dir() / "anchor.json").string();
  const json anchor = Ctl(*coordinator_, {"directory", "anchor", "--out", anchor_path});
  EXPECT_EQ(anchor["fingerprint"], federation::TrustAnchorFingerprint(ReadAll(
                                       coordinator_->dir() / "data" / "trust_anchor.json")));
  const json installed = Ctl(*node_, {"trust", "install", anchor_path});
  EXPECT_EQ(installed["fingerprint"], anchor["fingerprint"]);
  Ctl(*node_, {"trust", "install", anchor_path}, 1);  // refuses to overwrite without --replace
  Ctl(*node_, {"trust", "install", anchor_path, "--replace"});

  const federation::Directory directory = VerifiedDirectory();
  EXPECT_EQ(directory.version(), 2);
  const federation::NodeEntry* entry = directory.Find("kab:32.04");
  ASSERT_NE(entry, nullptr);
  const json shown = Ctl(*node_, {"keys", "show"});
  EXPECT_EQ(entry->tls_spki_sha256, shown["tls_spki_sha256"]);
  ASSERT_EQ(entry->keys.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(entry->keys[i].kid, shown["keys"][i]["kid"]);
    EXPECT_EQ(federation::Name(entry->keys[i].use), shown["keys"][i]["use"]);
    EXPECT_EQ(entry->keys[i].status, KeyStatus::kActive);
  }
  EXPECT_EQ(entry->endpoint, "https://127.0.0.1:9444");
  EXPECT_NE(directory.Find("coord:panrb"), nullptr);
  Ctl(*coordinator_, {"directory", "add", (node_->dir() / "request.json").string()}, 1);
  const json status = Ctl(*coordinator_, {"status"});
  EXPECT_EQ(status["role"], "coordinator");
  EXPECT_EQ(status["federation"]["directory"]["version"], directory.version());
  EXPECT_EQ(status["federation"]["directory"]["expired"], false);
  EXPECT_TRUE(status["federation"]["directory"]["expires_at"].is_string()) << status;
}

TEST_F(FederationCliTest, RotationActivationRevocationAndRemovalArePublished) {
  AddNodeAndInstallAnchor();
  const std::string old_kid = Ctl(*node_, {"keys", "show"})["keys"][0]["kid"];
  const std::string new_kid = Ctl(*node_, {"keys", "rotate"})["kid"];
  Ctl(*node_, {"keys", "rotate"}, 1);  // one rotation at a time
  EXPECT_EQ(Ctl(*coordinator_, {"directory", "update", Enroll("rotate.json")})["version"], 3);
  {
    const federation::Directory directory = VerifiedDirectory();
    const federation::NodeEntry* entry = directory.Find("kab:32.04");
    ASSERT_NE(entry, nullptr);
    ASSERT_NE(KeyOf(*entry, new_kid), nullptr);
    EXPECT_EQ(KeyOf(*entry, new_kid)->status, KeyStatus::kNext);
    EXPECT_EQ(KeyOf(*entry, old_kid)->status, KeyStatus::kActive);
  }
  Ctl(*coordinator_, {"directory", "activate-key", "kab:32.04", new_kid});
  {
    const federation::Directory directory = VerifiedDirectory();
    const federation::NodeEntry* entry = directory.Find("kab:32.04");
    EXPECT_EQ(KeyOf(*entry, new_kid)->status, KeyStatus::kActive);
    EXPECT_EQ(KeyOf(*entry, old_kid)->status, KeyStatus::kRetired);
    EXPECT_GT(KeyOf(*entry, old_kid)->not_after, 0);
  }
  Ctl(*coordinator_, {"keys", "revoke", "kab:32.04", new_kid});
  {
    const federation::Directory directory = VerifiedDirectory();
    EXPECT_EQ(KeyOf(*directory.Find("kab:32.04"), new_kid)->status, KeyStatus::kRevoked);
  }
  const json removed = Ctl(*coordinator_, {"directory", "remove", "kab:32.04"});
  EXPECT_EQ(removed["version"], 6);
  EXPECT_EQ(VerifiedDirectory().Find("kab:32.04"), nullptr);
  EXPECT_TRUE(Ctl(*coordinator_, {"directory", "list"})["nodes"].empty());
}

TEST_F(FederationCliTest, TamperedRequestIsRefusedAndChangesNothing) {
  const std::string request = ReadAll(Enroll("request.json"));
  const std::string field = "\"name\":\"Test\"";
  std::string tampered = request;
  const std::size_t at = tampered.find(field);
  ASSERT_NE(at, std::string::npos) << request;
  tampered[at + field.size() - 2] = 'x';  // "Test" -> "Tesx"
  const auto path = node_->dir() / "tampered.json";
  WriteFile(path, tampered,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

  const json refused = Ctl(*coordinator_, {"directory", "add", path.string()}, 1);
  EXPECT_NE(refused["error"]["message"].get<std::string>().find("proof of possession"),
            std::string::npos)
      << refused;
  EXPECT_EQ(Ctl(*coordinator_, {"directory", "show"})["version"], 1);
  EXPECT_TRUE(Ctl(*coordinator_, {"directory", "list"})["nodes"].empty());
}

TEST_F(FederationCliTest, SeveralRequestsAreRegisteredInOneVersionOrNotAtAll) {
  auto province = NodeProcess::Create(
      {"prov:32", "32", {"--class", "province", "--federation-listen", "127.0.0.1:9445"}, ""});
  ASSERT_TRUE(province) << province.error().message;
  const std::string province_request = ((*province)->dir() / "request.json").string();
  Ctl(**province, {"enroll", "--out", province_request});
  const std::string regency_request = Enroll("request.json");

  // The same node twice: the second is refused, so neither is registered and nothing published.
  const json refused =
      Ctl(*coordinator_, {"directory", "add", province_request, province_request}, 1);
  EXPECT_NE(refused["error"]["message"].get<std::string>().find(province_request),
            std::string::npos)
      << refused;
  EXPECT_EQ(Ctl(*coordinator_, {"directory", "show"})["version"], 1);
  EXPECT_TRUE(Ctl(*coordinator_, {"directory", "list"})["nodes"].empty());

  const json added = Ctl(*coordinator_, {"directory", "add", province_request, regency_request});
  EXPECT_EQ(added["version"], 2);  // one version for both
  ASSERT_EQ(added["nodes"].size(), 2u) << added;
  EXPECT_EQ(added["nodes"][0]["node_id"], "prov:32");
  EXPECT_EQ(added["nodes"][1]["node_id"], "kab:32.04");
  const json listed = Ctl(*coordinator_, {"directory", "list"});
  ASSERT_EQ(listed["nodes"].size(), 2u);
  Ctl(*coordinator_,
      {"directory", "anchor", "--out", (coordinator_->dir() / "anchor.json").string()});
  Ctl(*node_, {"trust", "install", (coordinator_->dir() / "anchor.json").string()});
  const federation::Directory directory = VerifiedDirectory();
  EXPECT_NE(directory.Find("prov:32"), nullptr);
  EXPECT_NE(directory.Find("kab:32.04"), nullptr);
}

TEST_F(FederationCliTest, ChangesToUnknownNodesFailWithoutPublishing) {
  const json update = Ctl(*coordinator_, {"directory", "update", Enroll("request.json")}, 1);
  EXPECT_NE(update["error"]["message"].get<std::string>().find("not registered"), std::string::npos)
      << update;
  Ctl(*coordinator_, {"directory", "activate-key", "kab:32.04", "0011223344556677"}, 1);
  Ctl(*coordinator_, {"directory", "remove", "kab:32.04"}, 1);
  EXPECT_EQ(Ctl(*coordinator_, {"directory", "show"})["version"], 1);
}

TEST_F(FederationCliTest, DirectoryCommandsNeedTheCoordinatorRole) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"directory", "list"},
                                             {"directory", "publish"},
                                             {"directory", "show"},
                                             {"directory", "remove", "kab:32.04"}}) {
    const json refused = Ctl(*node_, args, 2);
    EXPECT_NE(refused["error"]["message"].get<std::string>().find("coordinator"),
              std::string::npos);
  }
}

TEST(FederationCliPlainNodeTest, EnrollNeedsFederationConfigured) {
  auto node = NodeProcess::Create();
  ASSERT_TRUE(node) << node.error().message;
  auto run = (*node)->Ctl({"enroll", "--out", ((*node)->dir() / "request.json").string()});
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists((*node)->dir() / "request.json"));
}

}  // namespace
}  // namespace simpul::testing
