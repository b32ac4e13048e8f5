// simpulctl status against a real node: its figures match what the node holds, running or
// stopped, and its key ids are those `keys show` prints.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/integration/node_api.hpp"
#include "tests/support/node_process.hpp"

namespace simpul::testing {
namespace {

using nlohmann::json;

json StatusOf(const NodeProcess& node) {
  auto status = node.Ctl({"status", "--json"});
  EXPECT_TRUE(status) << status.error().message;
  if (!status) return json::object();
  EXPECT_EQ(status->exit_code, 0) << status->out;
  return json::parse(status->out, nullptr, false);
}

TEST(AdminStatusTest, StatusMatchesTheNodeRunningAndStopped) {
  auto node = NodeProcess::Create();
  ASSERT_TRUE(node) << node.error().message;
  ASSERT_TRUE((*node)->Start());
  NodeApi api((*node)->port());
  for (int i = 0; i < 3; ++i) ASSERT_EQ(api.Submit(SampleComplaint()).status, 201);
  const std::string admin = api.Login("admin", (*node)->admin_password());
  const std::int64_t on_node = api.CaseCount(admin);
  ASSERT_EQ(on_node, 3);

  json running = StatusOf(**node);
  EXPECT_EQ(running["node_id"], "kab:32.04");
  EXPECT_EQ(running["role"], "node");
  EXPECT_EQ(running["config"], (*node)->config_path().string());
  EXPECT_EQ(running["cases"]["total"], on_node);
  EXPECT_EQ(running["cases"]["by_state"]["submitted"], on_node);
  EXPECT_EQ(running["cases"]["overdue"], 0);
  EXPECT_EQ(running["database"]["schema_version"], running["database"]["build_schema_version"]);
  EXPECT_GT(running["database"]["bytes"].get<std::int64_t>(), 0);
  EXPECT_GE(running["log"]["size"].get<std::int64_t>(), on_node) << "one intake leaf per case";

  auto keys = (*node)->Ctl({"keys", "show", "--json"});
  ASSERT_TRUE(keys);
  const json shown = json::parse(keys->out);
  EXPECT_EQ(running["keys"]["msg"], shown["keys"][0]["kid"]);
  EXPECT_EQ(running["keys"]["log"], shown["keys"][1]["kid"]);
  EXPECT_EQ(running["keys"]["tls_spki_sha256"], shown["tls_spki_sha256"]);

  ASSERT_TRUE((*node)->Stop());
  json stopped = StatusOf(**node);
  EXPECT_EQ(stopped["cases"]["total"], on_node);
  EXPECT_EQ(stopped["log"]["size"], running["log"]["size"]);
}

TEST(AdminStatusTest, MissingConfigIsAUsageError) {
  auto node = NodeProcess::Create();
  ASSERT_TRUE(node) << node.error().message;
  std::filesystem::remove((*node)->config_path());
  auto status = (*node)->Ctl({"status"});
  ASSERT_TRUE(status);
  EXPECT_EQ(status->exit_code, 2);
}

}  // namespace
}  // namespace simpul::testing
