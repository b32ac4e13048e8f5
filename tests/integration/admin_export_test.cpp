// simpulctl export against a real node: every case and event is exported with its tracking id,
// and no export, in either format, contains the reporter's name or phone number.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "tests/integration/node_api.hpp"
#include "tests/support/node_process.hpp"

namespace simpul::testing {
namespace {

using nlohmann::json;

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class AdminExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = NodeProcess::Create();
    ASSERT_TRUE(created) << created.error().message;
    node_ = std::move(*created);
    ASSERT_TRUE(node_->Start());
    NodeApi api(node_->port());
    for (int i = 0; i < 2; ++i) {
      ApiReply r = api.Submit(SampleComplaint());  // reporter Siti Aminah, 081234567890
      ASSERT_EQ(r.status, 201) << r.body;
      ids_.push_back(r.json.value("tracking_id", ""));
    }
    const std::string admin = api.Login("admin", node_->admin_password());
    ASSERT_EQ(api.Act(admin, ids_[0], "verify", json::object()).status, 200);
  }

  // Runs export with `args` into a new file; checks the row count it reports (unless
  // `expect_rows` is negative) and returns the file's text.
  std::string Export(std::vector<std::string> args, std::int64_t expect_rows) {
    const auto out = node_->dir() / ("export-" + std::to_string(++files_));
    args.insert(args.begin(), "export");
    args.insert(args.end(), {"--out", out.string(), "--json"});
    auto r = node_->Ctl(args);
    EXPECT_TRUE(r) << r.error().message;
    if (!r) return "";
    EXPECT_EQ(r->exit_code, 0) << r->out;
    const std::int64_t rows = json::parse(r->out, nullptr, false).value("rows", -1);
    if (expect_rows >= 0) {
      EXPECT_EQ(rows, expect_rows) << r->out;
    } else {
      EXPECT_GT(rows, 0) << r->out;
    }
    return ReadAll(out);
  }

  std::unique_ptr<NodeProcess> node_;
  std::vector<std::string> ids_;
  int files_ = 0;
};

TEST_F(AdminExportTest, CasesAndEventsNeverCarryTheReporter) {
  const std::string csv = Export({"--what", "cases", "--format", "csv"}, 2);
  const std::string lines = Export({"--what", "cases", "--format", "json"}, 2);
  const std::string events = Export({"--what", "events", "--format", "json"}, -1);
  for (const std::string* text : {&csv, &lines, &events}) {
    EXPECT_EQ(text->find("Siti"), std::string::npos) << *text;
    EXPECT_EQ(text->find("Aminah"), std::string::npos) << *text;
    EXPECT_EQ(text->find("081234567890"), std::string::npos) << *text;
    EXPECT_EQ(text->find("berlubang"), std::string::npos) << "no free text: " << *text;
    for (const auto& id : ids_) EXPECT_NE(text->find(id), std::string::npos) << id;
  }
  EXPECT_EQ(csv.substr(0, csv.find('\n')).find("tracking_id,state,"), 0u) << csv;
  std::istringstream in(lines);
  std::string line;
  std::getline(in, line);
  const json first = json::parse(line);
  EXPECT_EQ(first["tracking_id"], ids_[0]);
  EXPECT_EQ(first["state"], "verified");
  EXPECT_TRUE(first["submitted_at"].get<std::string>().ends_with("Z"));
}

TEST_F(AdminExportTest, SinceInTheFutureExportsNothingAndBadSinceIsUsage) {
  const std::string csv = Export({"--since", "2999-01-01"}, 0);
  EXPECT_EQ(csv, std::string("tracking_id,state,category,region,unit,channel,classification,"
                             "anonymous,confidential,escalation_level,submitted_at,verified_at,"
                             "updated_at,next_due_at,next_clock\n"));
  auto bad =
      node_->Ctl({"export", "--since", "yesterday", "--out", (node_->dir() / "never").string()});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(node_->dir() / "never"));
}

}  // namespace
}  // namespace simpul::testing
