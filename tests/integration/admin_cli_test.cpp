// simpulctl against a real node directory: init creates every key privately, check and keys show
// report them, and check fails when a key file becomes readable by others.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <nlohmann/json.hpp>

#include "tests/support/node_process.hpp"

namespace simpul::testing {
namespace {

unsigned ModeOf(const std::filesystem::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return 0xFFFF;
  return st.st_mode & 0777;
}

TEST(AdminCliTest, InitCreatesPrivateKeysAndCheckPasses) {
  auto node = NodeProcess::Create();
  ASSERT_TRUE(node) << node.error().message;
  const auto keys = (*node)->dir() / "data" / "keys";
  for (const char* name : {"msg.key", "log.key", "data.key", "federation.key"}) {
    EXPECT_EQ(ModeOf(keys / name), 0600u) << name;
  }
  EXPECT_EQ(ModeOf(keys), 0700u);
  auto check = (*node)->Ctl({"check", "--json"});
  ASSERT_TRUE(check) << check.error().message;
  EXPECT_EQ(check->exit_code, 0) << check->out;
  auto report = nlohmann::json::parse(check->out);
  for (const char* item : {"message_key", "log_key", "data_key", "federation_tls", "database"}) {
    EXPECT_EQ(report[item], "ok") << item;
  }
}

TEST(AdminCliTest, KeysShowListsMessageAndLogKeysAndTlsPin) {
  auto node = NodeProcess::Create();
  ASSERT_TRUE(node) << node.error().message;
  auto shown = (*node)->Ctl({"keys", "show", "--json"});
  ASSERT_TRUE(shown) << shown.error().message;
  ASSERT_EQ(shown->exit_code, 0) << shown->out;
  auto j = nlohmann::json::parse(shown->out);
  ASSERT_EQ(j["keys"].size(), 2u);
  EXPECT_EQ(j["keys"][0]["use"], "msg");
  EXPECT_EQ(j["keys"][1]["use"], "log");
  EXPECT_NE(j["keys"][0]["kid"], j["keys"][1]["kid"]);
  EXPECT_EQ(j["tls_spki_sha256"].get<std::string>().size(), 64u);
}

TEST(AdminCliTest, CheckFailsWhenAKeyIsReadableByOthers) {
  auto node = NodeProcess::Create();
  ASSERT_TRUE(node) << node.error().message;
  std::filesystem::permissions((*node)->dir() / "data" / "keys" / "log.key",
                               std::filesystem::perms::owner_read |
                                   std::filesystem::perms::owner_write |
                                   std::filesystem::perms::others_read);
  auto check = (*node)->Ctl({"check", "--json"});
  ASSERT_TRUE(check) << check.error().message;
  EXPECT_EQ(check->exit_code, 1);
  auto report = nlohmann::json::parse(check->out);
  EXPECT_NE(report["log_key"], "ok");
  EXPECT_EQ(report["message_key"], "ok");
}

TEST(AdminCliTest, UnitListShowsAddedUnits) {
  auto node = NodeProcess::Create();
  ASSERT_TRUE(node) << node.error().message;
  ASSERT_TRUE((*node)->AddUnit("dpu", "Dinas Pekerjaan Umum"));
  auto listed = (*node)->Ctl({"unit", "list", "--json"});
  ASSERT_TRUE(listed) << listed.error().message;
  ASSERT_EQ(listed->exit_code, 0) << listed->out;
  auto units = nlohmann::json::parse(listed->out);
  ASSERT_EQ(units.size(), 1u);
  EXPECT_EQ(units[0]["code"], "dpu");
  EXPECT_EQ(units[0]["name"], "Dinas Pekerjaan Umum");
}

TEST(AdminCliTest, UsageErrorsExitTwo) {
  auto node = NodeProcess::Create();
  ASSERT_TRUE(node) << node.error().message;
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"no-such-command"}, {"restore"}, {"backup"}, {"unit"}, {"status", "--bogus"}}) {
    auto r = (*node)->Ctl(args);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->exit_code, 2) << args[0];
  }
}

TEST(AdminCliTest, QueuesIsPeers) {
  auto node = NodeProcess::Create();
  ASSERT_TRUE(node) << node.error().message;
  for (const char* name : {"peers", "queues"}) {
    auto r = (*node)->Ctl({name, "--json"});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->exit_code, 2) << name;  // this node has no [federation] section
    EXPECT_NE(r->out.find("federation is not configured"), std::string::npos) << r->out;
  }
}

}  // namespace
}  // namespace simpul::testing
