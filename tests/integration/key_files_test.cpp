// simpuld refuses to start while any secret key file it loads can be read by group or others,
// naming the file and the fix; with every key file at 0600 it starts.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/integration/federation_fixture.hpp"
#include "tests/support/node_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace simpul::testing {
namespace {

namespace fs = std::filesystem;

TEST(KeyFileTest, SimpuldRefusesEverySecretKeyFileOthersCanRead) {
  const std::string listen = "127.0.0.1:" + std::to_string(FreeLoopbackPort());
  auto created = NodeProcess::Create(
      {"coord:panrb", "", {"--class", "coordinator", "--federation-listen", listen}, ""});
  ASSERT_TRUE(created) << created.error().message;
  NodeProcess& node = **created;
  auto rotated = node.Ctl({"keys", "rotate"});
  ASSERT_TRUE(rotated && rotated->exit_code == 0) << (rotated ? rotated->out : "");
  ASSERT_TRUE(node.UseHttps());

  const fs::path keys = node.dir() / "data" / "keys";
  const std::vector<fs::path> key_files = {
      keys / "msg.key",        keys / "msg.next.key",  keys / "data.key",       keys / "log.key",
      keys / "federation.key", keys / "directory.key", node.dir() / "https.key"};
  for (const fs::path& file : key_files) {
    ASSERT_TRUE(fs::exists(file)) << file;
    ASSERT_EQ(ModeOf(file), 0600u) << file;
  }
  // Every *.key file of the keys directory is on the list.
  for (const auto& entry : fs::directory_iterator(keys)) {
    if (entry.path().extension() != ".key") continue;
    EXPECT_NE(std::find(key_files.begin(), key_files.end(), entry.path()), key_files.end())
        << entry.path() << " is not checked by this test";
  }

  for (const fs::path& file : key_files) {
    for (const fs::perms mode : {fs::perms(0640), fs::perms(0644), fs::perms(0604)}) {
      fs::permissions(file, mode);
      std::ofstream(node.log_path(), std::ios::trunc).close();
      auto started = node.Start(std::chrono::seconds(10));
      ASSERT_FALSE(started) << file << " at " << std::oct << static_cast<unsigned>(mode)
                            << " did not stop simpuld";
      const std::string log = ReadAll(node.log_path());
      EXPECT_NE(started.error().message.find("exit status 1"), std::string::npos)
          << started.error().message;
      EXPECT_NE(log.find("key file " + file.string()), std::string::npos) << log;
      EXPECT_NE(log.find("chmod 600 " + file.string()), std::string::npos) << log;
    }
    fs::permissions(file, fs::perms(0600));
  }

  // The control: with every file private again, the node starts.
  auto started = node.Start();
  ASSERT_TRUE(started) << started.error().message;
  auto stopped = node.Stop();
  ASSERT_TRUE(stopped) << stopped.error().message;
  EXPECT_EQ(*stopped, 0);
}

// Giving a file to another user needs root; the check itself is the same for every key file.
TEST(KeyFileTest, SimpuldRefusesAKeyFileOwnedByAnotherUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give a key file to another user";
  auto created = NodeProcess::Create();
  ASSERT_TRUE(created) << created.error().message;
  NodeProcess& node = **created;
  const fs::path key = node.dir() / "data" / "keys" / "data.key";
  constexpr uid_t kNobody = 65534;
  ASSERT_EQ(::chown(key.c_str(), kNobody, static_cast<gid_t>(-1)), 0);
  auto started = node.Start(std::chrono::seconds(10));
  ASSERT_FALSE(started) << "a key file owned by uid 65534 did not stop simpuld";
  const std::string log = ReadAll(node.log_path());
  EXPECT_NE(log.find("key file " + key.string() + " is owned by uid 65534"), std::string::npos)
      << log;
  EXPECT_NE(log.find("chown 0 " + key.string()), std::string::npos) << log;

  ASSERT_EQ(::chown(key.c_str(), 0, static_cast<gid_t>(-1)), 0);
  auto restarted = node.Start();
  ASSERT_TRUE(restarted) << restarted.error().message;
}

}  // namespace
}  // namespace simpul::testing
