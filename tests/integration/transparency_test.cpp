// The transparency log across real processes (DESIGN §4): a regency's checkpoints are cosigned by
// the coordinator's witness over mutual TLS, a citizen's receipt verifies offline with
// `simpulctl verify-receipt` against the trust anchor alone, and rewriting history in the
// regency's SQLite file gets its next checkpoint refused with an alarm at the coordinator; changing
// a complaint row while leaving its leaves alone is found by the node's own source audit and
// raised as an alarm in the coordinator's federation table.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <algorithm>
#include <fstream>
#include <memory>

#include "tests/integration/federation_fixture.hpp"

namespace simpul::testing {
namespace {

using nlohmann::json;

constexpr const char* kRegency = "kab:32.04";

class TransparencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fed_.ReportEvery(1);
    fed_.Build({{kRegency, "32.04", {"--class", "regency"}}});
    if (HasFatalFailure()) return;
    fed_.StartAll();
  }

  NodeApi Regency() { return NodeApi(fed_.node(kRegency).port()); }

  // Stops the regency, runs `sql` on its SQLite file as an insider with the file would, and
  // starts it again.
  void TamperWhileStopped(const std::string& sql) {
    ASSERT_TRUE(fed_.node(kRegency).Stop());
    {
      sqlite3* raw = nullptr;
      ASSERT_EQ(sqlite3_open(fed_.node(kRegency).database_path().c_str(), &raw), SQLITE_OK);
      std::unique_ptr<sqlite3, decltype(&sqlite3_close_v2)> db(raw, &sqlite3_close_v2);
      char* error = nullptr;
      const int rc = sqlite3_exec(db.get(), sql.c_str(), nullptr, nullptr, &error);
      ASSERT_EQ(rc, SQLITE_OK) << (error ? error : "");
    }
    ASSERT_TRUE(fed_.node(kRegency).Start());
  }

  // The proof bundle of `id`, once a witnessed checkpoint covers it.
  json WitnessedProof(const std::string& id) {
    json bundle;
    const bool ok = Federation::Eventually([&] {
      ApiReply r = Regency().Get("/api/v1/receipts/" + id + "/proof", "");
      if (r.status != 200) return false;
      bundle = r.json;
      return bundle.value("witnessed", false);
    });
    EXPECT_TRUE(ok) << "no witnessed proof for " << id << "\n"
                    << fed_.node(kRegency).LogTail() << fed_.coordinator().LogTail();
    return bundle;
  }

  // Runs verify-receipt on `receipt` and `bundle`; returns the exit code and output.
  std::pair<int, std::string> VerifyReceipt(const json& receipt, const json& bundle) {
    const auto dir = fed_.node(kRegency).dir();
    const std::string receipt_path = (dir / "receipt.json").string();
    const std::string proof_path = (dir / "proof.json").string();
    std::ofstream(receipt_path, std::ios::trunc) << receipt.dump();
    std::ofstream(proof_path, std::ios::trunc) << bundle.dump();
    const std::string anchor = (fed_.coordinator().dir() / "anchor.json").string();
    auto run = fed_.node(kRegency).Ctl({"verify-receipt", "--receipt", receipt_path, "--proof",
                                        proof_path, "--anchor", anchor, "--json"});
    EXPECT_TRUE(run);
    return run ? std::make_pair(run->exit_code, run->out) : std::make_pair(-1, std::string());
  }

  std::int64_t Metric(const std::string& name) {
    ApiReply r = Regency().Get("/metrics", "");
    const auto at = r.body.find("\n" + name + " ");
    if (at == std::string::npos) return -1;
    return std::stoll(r.body.substr(at + name.size() + 2));
  }

  Federation fed_;
};

TEST_F(TransparencyTest, AReceiptVerifiesOfflineAgainstTheTrustAnchorAlone) {
  ApiReply filed = Regency().Submit(SampleComplaint());
  ASSERT_EQ(filed.status, 201) << filed.body;
  const std::string id = filed.json["tracking_id"];
  const json bundle = WitnessedProof(id);
  ASSERT_FALSE(bundle.is_null());
  EXPECT_EQ(bundle["leaf_index"], filed.json["log_index"]);

  auto [code, out] = VerifyReceipt(filed.json, bundle);
  ASSERT_EQ(code, 0) << out;
  const json result = json::parse(out);
  EXPECT_EQ(result["tracking_id"], id);
  EXPECT_EQ(result["witness"], "simpul/witness/coord:panrb");

  // The receipt of different content (a changed commitment) fails, as does a proof for
  // another position.
  json altered = filed.json;
  std::string payload = altered["receipt"]["payload_canonical"];
  const std::string commitment = filed.json["commitment"];
  payload.replace(payload.find(commitment), 4, "0000");
  altered["receipt"]["payload_canonical"] = payload;
  EXPECT_EQ(VerifyReceipt(altered, bundle).first, 1);
  json moved = bundle;
  moved["leaf_index"] = bundle["leaf_index"].get<int>() + 1;
  std::string proof = bundle["tlog_proof"];
  const std::string index_line = "index " + std::to_string(bundle["leaf_index"].get<int>());
  proof.replace(proof.find(index_line), index_line.size(),
                "index " + std::to_string(bundle["leaf_index"].get<int>() + 1));
  moved["tlog_proof"] = proof;
  EXPECT_EQ(VerifyReceipt(filed.json, moved).first, 1);
}

TEST_F(TransparencyTest, RewrittenHistoryIsRefusedByTheWitnessWithAnAlarm) {
  ApiReply first = Regency().Submit(SampleComplaint());
  ASSERT_EQ(first.status, 201);
  const std::string id = first.json["tracking_id"];
  const json before = WitnessedProof(id);
  ASSERT_FALSE(before.is_null());

  // An insider stops the node and rewrites the complaint's intake leaf in the SQLite file.
  TamperWhileStopped(
      "DROP TRIGGER tlog_leaves_no_update; "
      "UPDATE tlog_leaves SET data = replace(data, '\"commitment\":\"', '\"commitment\":\"00') "
      "WHERE kind = 'intake'");
  if (HasFatalFailure()) return;
  ASSERT_EQ(Regency().Submit(SampleComplaint()).status, 201);

  // The witness refuses the next checkpoint and keeps both signed checkpoints as evidence.
  json alarms;
  const bool alarmed = Federation::Eventually([&] {
    ApiReply r =
        NodeApi(fed_.coordinator().port()).Get("/api/v1/witness/alarms", fed_.CoordinatorToken());
    alarms = r.json;
    return r.status == 200 && !r.json["alarms"].empty();
  });
  ASSERT_TRUE(alarmed) << alarms.dump() << fed_.node(kRegency).LogTail();
  EXPECT_EQ(alarms["alarms"][0]["node_id"], kRegency);
  EXPECT_TRUE(
      Federation::Eventually([&] { return Metric("simpul_tlog_witness_refusals_total") >= 1; }));

  // The citizen's receipt still verifies with the proof they already hold.
  EXPECT_EQ(VerifyReceipt(first.json, before).first, 0);
}

TEST_F(TransparencyTest, AComplaintRowChangedBehindTheLogRaisesAnAlarmAtTheCoordinator) {
  ApiReply first = Regency().Submit(SampleComplaint());
  ASSERT_EQ(first.status, 201);
  const std::string id = first.json["tracking_id"];
  const json before = WitnessedProof(id);
  ASSERT_FALSE(before.is_null());

  // An insider stops the node and rewrites the complaint's text, leaving the log alone.
  TamperWhileStopped(
      "DROP TRIGGER cases_no_content_change; UPDATE cases SET body = 'Sudah diperbaiki.' "
      "WHERE tracking_id = '" +
      id + "'");
  if (HasFatalFailure()) return;

  // Its audit at start finds the row, its next report says so, the coordinator raises the alarm.
  json row;
  const bool alarmed = Federation::Eventually([&] {
    ApiReply r =
        NodeApi(fed_.coordinator().port()).Get("/api/v1/monitor/nodes", fed_.CoordinatorToken());
    if (r.status != 200) return false;
    for (const auto& n : r.json["nodes"]) {
      if (n["node_id"] == kRegency) row = n;
    }
    return row.is_object() && row.value("audit_mismatches", json()) == 1;
  });
  ASSERT_TRUE(alarmed) << row.dump() << fed_.node(kRegency).LogTail();
  const auto& alarms = row["alarms"];
  EXPECT_NE(std::find(alarms.begin(), alarms.end(), "log_source_mismatch"), alarms.end())
      << row.dump();
  EXPECT_EQ(Metric("simpul_tlog_source_mismatches"), 1);

  // The log was not rewritten, so the witness has nothing to refuse, and the citizen's receipt
  // still proves what was filed.
  ApiReply witness =
      NodeApi(fed_.coordinator().port()).Get("/api/v1/witness/alarms", fed_.CoordinatorToken());
  EXPECT_TRUE(witness.json["alarms"].empty()) << witness.json.dump();
  EXPECT_EQ(VerifyReceipt(first.json, before).first, 0);
}

}  // namespace
}  // namespace simpul::testing
