#include "node/config.hpp"

#include <gtest/gtest.h>

namespace simpul {
namespace {

constexpr std::string_view kMinimal = R"(
[node]
id = "kab:32.04"
name = "Pemerintah Kabupaten Bandung"
region = "32.04"
[storage]
data_dir = "data"
)";

TEST(ConfigTest, MinimalConfigGetsDefaultsAndResolvesRelativeDataDir) {
  auto c = ParseConfig(kMinimal, "/etc/simpul");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->node_id, "kab:32.04");
  EXPECT_EQ(c->data_dir, std::filesystem::path("/etc/simpul/data"));
  EXPECT_EQ(c->utc_offset, std::chrono::minutes(420));
  EXPECT_EQ(c->listen_port, 8080);
  EXPECT_EQ(c->role, NodeRole::kNode);
  EXPECT_EQ(c->sla.verify_working_days, 3);
}

TEST(ConfigTest, WebRootDefaultsToEmptyAndResolvesRelativePaths) {
  auto defaults = ParseConfig(kMinimal, "/etc/simpul");
  ASSERT_TRUE(defaults) << defaults.error().message;
  EXPECT_TRUE(defaults->web_root.empty());  // the node then uses http::DefaultWebRoot()
  auto set = ParseConfig(std::string(kMinimal) + "[http]\nweb_root = \"web\"\n", "/etc/simpul");
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(set->web_root, std::filesystem::path("/etc/simpul/web"));
  auto absolute = ParseConfig(std::string(kMinimal) + "[http]\nweb_root = \"/srv/web\"\n", "/");
  ASSERT_TRUE(absolute) << absolute.error().message;
  EXPECT_EQ(absolute->web_root, std::filesystem::path("/srv/web"));
}

TEST(ConfigTest, ShippedExampleConfigParses) {
  auto c = LoadConfig(SIMPUL_EXAMPLE_CONFIG);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->limits.max_body_bytes, 1048576u);
  EXPECT_EQ(c->limits.max_connections, 4096u);
  EXPECT_EQ(c->limits.max_connections_per_client, 128u);
  EXPECT_EQ(c->session_ttl, std::chrono::minutes(720));
  EXPECT_EQ(c->sweep_interval, std::chrono::seconds(60));
}

TEST(ConfigTest, RenderedConfigParsesBackToTheSameValues) {
  NodeConfig c;
  c.node_id = "kota:73.71";
  c.name = "Pemerintah Kota Makassar";
  c.node_class = NodeClass::kCity;
  c.region = "73.71";
  c.utc_offset = std::chrono::minutes(480);
  c.data_dir = "/var/lib/simpul";
  c.listen_address = "::1";
  c.listen_port = 9443;
  auto back = ParseConfig(RenderConfig(c), "/");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->node_id, c.node_id);
  EXPECT_EQ(back->node_class, NodeClass::kCity);
  EXPECT_EQ(back->utc_offset, c.utc_offset);
  EXPECT_EQ(back->listen_address, "::1");
  EXPECT_EQ(back->listen_port, 9443);
}

TEST(ConfigTest, FederationSectionParsesAndRendersBack) {
  auto c = ParseConfig(R"(
[node]
id = "kab:32.04"
name = "Kabupaten Bandung"
region = "32.04"
[storage]
data_dir = "d"
[federation]
listen = "127.0.0.1:9443"
parent = "prov:32"
poll_interval_s = 5
)",
                       "/srv");
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_TRUE(c->federation.enabled());
  EXPECT_EQ(c->federation.listen_address, "127.0.0.1");
  EXPECT_EQ(*c->federation.listen_port, 9443);
  EXPECT_EQ(c->federation.endpoint, "https://127.0.0.1:9443");          // derived from listen
  EXPECT_EQ(c->federation.regions, std::vector<std::string>{"32.04"});  // defaults to node.region
  EXPECT_EQ(c->federation.poll_interval, std::chrono::seconds(5));
  auto back = ParseConfig(RenderConfig(*c), "/srv");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->federation.parent, "prov:32");
  EXPECT_EQ(back->federation.endpoint, c->federation.endpoint);
  EXPECT_EQ(back->federation.poll_interval, c->federation.poll_interval);
}

TEST(ConfigTest, EscalationThresholdsDefaultAndOverride) {
  constexpr std::string_view kBase =
      "[node]\nid = \"kab:32.04\"\nname = \"K\"\n[storage]\ndata_dir = \"d\"\n";
  auto defaults = ParseConfig(kBase, "/");
  ASSERT_TRUE(defaults) << defaults.error().message;
  EXPECT_EQ(defaults->escalation.parent_after_working_days, 5);
  EXPECT_EQ(defaults->escalation.coordinator_after_working_days, 10);
  auto set = ParseConfig(
      std::string(kBase) + "[escalation]\nparent_after_days = 0\ncoordinator_after_days = 3\n",
      "/");
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(set->escalation.parent_after_working_days, 0);
  EXPECT_EQ(set->escalation.coordinator_after_working_days, 3);
}

TEST(ConfigTest, FederationIsOffWithoutListen) {
  auto c = ParseConfig(
      "[node]\nid = \"kl:kemenkes\"\nname = \"K\"\nclass = \"ministry\"\n"
      "[storage]\ndata_dir = \"d\"\n",
      "/");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_FALSE(c->federation.enabled());
}

struct BadCase {
  const char* toml;
  const char* mentions;
};

class ConfigRejectsTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(ConfigRejectsTest, NamesTheOffendingKey) {
  auto c = ParseConfig(GetParam().toml, "/");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(c.error().message.find(GetParam().mentions), std::string::npos) << c.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ConfigRejectsTest,
    ::testing::Values(
        BadCase{"[node]\nid = \"kabupaten\"\nname = \"x\"\n[storage]\ndata_dir=\"d\"", "node.id"},
        BadCase{"[node]\nid = \"kab:32.04\"\n[storage]\ndata_dir=\"d\"", "node.name"},
        BadCase{"[node]\nid = \"kab:32.04\"\nname = \"x\"\n", "storage.data_dir"},
        BadCase{"[node]\nid = \"kab:32.04\"\nname = \"x\"\nutc_offset = \"7\"\n"
                "[storage]\ndata_dir=\"d\"",
                "node.utc_offset"},
        BadCase{"[node]\nid = \"kab:32.04\"\nname = \"x\"\nclass = \"village\"\n"
                "[storage]\ndata_dir=\"d\"",
                "node.class"},
        BadCase{"[node]\nid = \"kab:32.04\"\nname = \"x\"\n[storage]\ndata_dir=\"d\"\n"
                "[http]\nlisten = \"8080\"",
                "http.listen"},
        BadCase{"[node]\nid = \"kab:32.04\"\nname = \"x\"\n[storage]\ndata_dir=\"d\"\n"
                "[http]\ntls_cert = \"a.pem\"",
                "tls"},
        BadCase{"[node]\nid = \"kab:32.04\"\nname = \"x\"\n[storage]\ndata_dir=\"d\"\n"
                "[limits]\nmax_body_bytes = 5",
                "limits.max_body_bytes"},
        BadCase{"[node]\nid = \"kab:32.04\"\nname = \"x\"\n[storage]\ndata_dir=\"d\"\n"
                "[limits]\nmax_connections_per_client = 0",
                "limits.max_connections_per_client"},
        BadCase{"[node]\nid = \"kab:32.04\"\nname = \"x\"\n[storage]\ndata_dir=\"d\"\n"
                "[sla]\nverify_working_days = \"three\"",
                "sla.verify_working_days"},
        BadCase{"[node]\nid = \"kab:32.04\"\nname = \"x\"\n[storage]\ndata_dir=\"d\"\n"
                "[log]\nformat = \"xml\"",
                "log.format"},
        BadCase{"[node]\nid = \"kab:32.04\"\nname = \"x\"\n[storage]\ndata_dir=\"d\"\n"
                "[federation]\nlisten = \"9443\"",
                "federation.listen"},
        BadCase{"[node]\nid = \"kab:32.04\"\nname = \"x\"\n[storage]\ndata_dir=\"d\"\n"
                "[federation]\nlisten = \"127.0.0.1:9443\"\nendpoint = \"http://x\"",
                "federation.endpoint"},
        BadCase{"[node]\nid = \"kab:32.04\"\nname = \"x\"\n[storage]\ndata_dir=\"d\"\n"
                "[federation]\nlisten = \"127.0.0.1:9443\"\nparent = \"province 32\"",
                "federation.parent"},
        BadCase{"[node]\nid = \"kab:32.04\"\nname = \"x\"\n[storage]\ndata_dir=\"d\"\n"
                "[federation]\nregions = \"32.04\"",
                "federation.regions"},
        BadCase{"[node]\nid = \"kab:32.04\"\nname = \"x\"\n[storage]\ndata_dir=\"d\"\n"
                "[escalation]\nparent_after_days = -1",
                "escalation.parent_after_days"},
        BadCase{"[node]\nid = \"kab:32.04\"\nname = \"x\"\n[storage]\ndata_dir=\"d\"\n"
                "[escalation]\ncoordinator_after_days = \"ten\"",
                "escalation.coordinator_after_days"},
        BadCase{"[node]\nid = \"kab:32.04\"\nname = \"x\"\n[storage]\ndata_dir=\"d\"\n"
                "[escalation]\nparent_after_days = 8\ncoordinator_after_days = 4",
                "escalation.coordinator_after_days"},
        BadCase{"[node]\nid = \"kab:32.04\"\nname = \"x\"\n[storage]\ndata_dir=\"d\"\n"
                "[escalation]\nparent_after = 3",
                "escalation.parent_after"},
        BadCase{"escalation = 3\n[node]\nid = \"kab:32.04\"\nname = \"x\"\n[storage]\n"
                "data_dir=\"d\"\n",
                "config escalation: must be a table"},
        BadCase{"[node\nid = 1", "line 1"}));

TEST(ConfigTest, MissingFileSaysHowToCreateOne) {
  auto c = LoadConfig("/nonexistent/simpul.toml");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kNotFound);
  EXPECT_NE(c.error().message.find("simpulctl init"), std::string::npos);
}

}  // namespace
}  // namespace simpul
