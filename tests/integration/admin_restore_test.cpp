// simpulctl backup and restore against a real node: a restore brings back exactly the backed-up
// state and keeps the replaced database; it is refused while the node runs, without --force,
// and for a damaged backup, and in each refusal the node's database is left as it was.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>

#include "tests/integration/node_api.hpp"
#include "tests/support/node_process.hpp"

namespace simpul::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Files in the node's data dir whose names start with "simpul.db.before-restore-".
int KeptDatabases(const NodeProcess& node) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(node.dir() / "data")) {
    if (e.path().filename().string().rfind("simpul.db.before-restore-", 0) == 0) ++n;
  }
  return n;
}

class AdminRestoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = NodeProcess::Create();
    ASSERT_TRUE(created) << created.error().message;
    node_ = std::move(*created);
    backup_ = node_->dir() / "before.db";
    ASSERT_TRUE(node_->Start());
    SubmitOne();  // the backup holds one case
    auto made = node_->Ctl({"backup", "--out", backup_.string(), "--json"});
    ASSERT_TRUE(made) << made.error().message;
    ASSERT_EQ(made->exit_code, 0) << made->out;
    later_id_ = SubmitOne();  // the change the restore must undo
  }

  // Files a complaint on the running node; returns its tracking id.
  std::string SubmitOne() {
    NodeApi api(node_->port());
    ApiReply r = api.Submit(SampleComplaint());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json.value("tracking_id", "");
  }

  std::int64_t CasesOnNode() {
    NodeApi api(node_->port());
    return api.CaseCount(api.Login("admin", node_->admin_password()));
  }

  std::unique_ptr<NodeProcess> node_;
  fs::path backup_;
  std::string later_id_;
};

TEST_F(AdminRestoreTest, RestoreBringsBackTheBackupAndKeepsTheReplacedDatabase) {
  ASSERT_EQ(CasesOnNode(), 2);
  ASSERT_TRUE(node_->Stop());
  auto restored = node_->Ctl({"restore", "--from", backup_.string(), "--force", "--json"});
  ASSERT_TRUE(restored) << restored.error().message;
  ASSERT_EQ(restored->exit_code, 0) << restored->out;
  auto j = json::parse(restored->out);
  EXPECT_EQ(j["restored"]["cases"], 1);
  const fs::path kept = j["kept_as"].get<std::string>();
  EXPECT_TRUE(fs::exists(kept));
  EXPECT_EQ(KeptDatabases(*node_), 1);
  // The kept file is the replaced database, whole: it still holds both cases.
  auto old = node_->Ctl({"backup", "--verify", kept.string(), "--json"});
  ASSERT_TRUE(old);
  EXPECT_EQ(old->exit_code, 0) << old->out;
  EXPECT_EQ(json::parse(old->out)["cases"], 2);

  ASSERT_TRUE(node_->Start());
  EXPECT_EQ(CasesOnNode(), 1) << "the case filed after the backup is gone";
  NodeApi api(node_->port());
  EXPECT_EQ(api.Case(later_id_, api.Login("admin", node_->admin_password())).status, 404);
}

TEST_F(AdminRestoreTest, RestoreIsRefusedWhileTheNodeRuns) {
  auto refused = node_->Ctl({"restore", "--from", backup_.string(), "--force", "--json"});
  ASSERT_TRUE(refused) << refused.error().message;
  EXPECT_EQ(refused->exit_code, 1) << refused->out;
  EXPECT_NE(refused->out.find("stop simpuld"), std::string::npos) << refused->out;
  EXPECT_EQ(KeptDatabases(*node_), 0);
  EXPECT_EQ(CasesOnNode(), 2);
}

TEST_F(AdminRestoreTest, RestoreOverAnExistingDatabaseNeedsForce) {
  ASSERT_TRUE(node_->Stop());
  auto refused = node_->Ctl({"restore", "--from", backup_.string()});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->exit_code, 2);
  EXPECT_EQ(KeptDatabases(*node_), 0);
}

TEST_F(AdminRestoreTest, DamagedBackupIsRefusedAndNothingChanges) {
  ASSERT_TRUE(node_->Stop());
  const auto size = fs::file_size(backup_);
  ASSERT_GT(size, 8192u);
  {
    std::fstream f(backup_, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096);
    const std::string garbage(size - 8192, '\x5a');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  auto verified = node_->Ctl({"backup", "--verify", backup_.string()});
  ASSERT_TRUE(verified);
  EXPECT_EQ(verified->exit_code, 1);
  auto refused = node_->Ctl({"restore", "--from", backup_.string(), "--force", "--json"});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->exit_code, 1) << refused->out;
  EXPECT_EQ(KeptDatabases(*node_), 0);
  ASSERT_TRUE(node_->Start());
  EXPECT_EQ(CasesOnNode(), 2) << "the node's database is untouched";
}

TEST_F(AdminRestoreTest, TheDatabaseItselfIsRefused) {
  ASSERT_TRUE(node_->Stop());
  auto refused = node_->Ctl({"restore", "--from", node_->database_path().string(), "--force"});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->exit_code, 1);
  EXPECT_EQ(KeptDatabases(*node_), 0);
}

TEST_F(AdminRestoreTest, NotADatabaseIsRefused) {
  ASSERT_TRUE(node_->Stop());
  const fs::path text = node_->dir() / "notes.txt";
  std::ofstream(text) << "not a backup\n";
  auto refused = node_->Ctl({"restore", "--from", text.string(), "--force"});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->exit_code, 1);
  EXPECT_EQ(KeptDatabases(*node_), 0);
}

}  // namespace
}  // namespace simpul::testing
