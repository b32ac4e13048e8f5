#include "node/tlog/source_audit.hpp"

#include <gtest/gtest.h>

#include "node/store/tlog_audit_store.hpp"
#include "tests/node/tlog/tlog_test_support.hpp"

namespace simpul::tlog {
namespace {

using domain::CaseAction;

// Complaint rows changed behind Simpul's back, with the SQLite file open as an insider would
// have it: the append-only triggers dropped first.
class SourceAuditTest : public testing::TlogTest {
 protected:
  SourceAudit Audit() {
    auto audit = db_->ReadSync<SourceAudit>([](store::Connection& c) { return AuditSources(c); });
    EXPECT_TRUE(audit) << audit.error().message;
    return audit.value_or(SourceAudit{});
  }

  void Tamper(const std::string& sql) {
    auto done = db_->WriteSync<bool>([&](store::Connection& c) -> Result<bool> {
      if (auto r = c.Exec(sql); !r) return tl::unexpected(r.error());
      return true;
    });
    ASSERT_TRUE(done) << done.error().message;
  }

  // Three cases with a few events each.
  std::vector<std::string> FileSome() {
    std::vector<std::string> ids;
    for (int i = 0; i < 3; ++i) {
      const auto r = SubmitOk();
      ActOk(verifier_, r.tracking_id, CaseAction::kVerify);
      ids.push_back(r.tracking_id);
    }
    return ids;
  }
};

TEST_F(SourceAuditTest, UntouchedRowsMatchTheirLeaves) {
  FileSome();
  const SourceAudit audit = Audit();
  EXPECT_EQ(audit.cases, 3);
  EXPECT_EQ(audit.events, 6);  // submit and verify of each
  EXPECT_EQ(audit.mismatches, 0);
  EXPECT_TRUE(audit.findings.empty());
}

TEST_F(SourceAuditTest, ChangedComplaintTextIsFound) {
  const auto ids = FileSome();
  Tamper(
      "DROP TRIGGER cases_no_content_change; UPDATE cases SET body = 'Tidak ada masalah.' "
      "WHERE tracking_id = '" +
      ids[1] + "'");
  const SourceAudit audit = Audit();
  EXPECT_EQ(audit.mismatches, 1);
  ASSERT_EQ(audit.findings.size(), 1u);
  EXPECT_NE(audit.findings[0].find(ids[1]), std::string::npos);
  EXPECT_NE(audit.findings[0].find("commitment"), std::string::npos) << audit.findings[0];
}

TEST_F(SourceAuditTest, ChangedSubmissionTimeIsFound) {
  const auto ids = FileSome();
  Tamper(
      "DROP TRIGGER cases_no_content_change; UPDATE cases SET submitted_at = submitted_at + "
      "86400000 WHERE tracking_id = '" +
      ids[0] + "'");
  const SourceAudit audit = Audit();
  EXPECT_EQ(audit.mismatches, 1);
  ASSERT_FALSE(audit.findings.empty());
  EXPECT_NE(audit.findings[0].find("intake leaf"), std::string::npos) << audit.findings[0];
}

TEST_F(SourceAuditTest, DeletedOrRewrittenEventsAreFound) {
  const auto ids = FileSome();
  Tamper(
      "DROP TRIGGER case_events_no_delete; DELETE FROM case_events WHERE action = 'verify' "
      "AND case_id = (SELECT id FROM cases WHERE tracking_id = '" +
      ids[0] + "')");
  Tamper(
      "DROP TRIGGER case_events_no_update; UPDATE case_events SET reason = 'disamarkan' "
      "WHERE case_id = (SELECT id FROM cases WHERE tracking_id = '" +
      ids[2] + "')");
  const SourceAudit audit = Audit();
  EXPECT_EQ(audit.mismatches, 2);
  ASSERT_EQ(audit.findings.size(), 2u);
  EXPECT_NE(audit.findings[0].find("1 event rows, but 2 event leaves"), std::string::npos)
      << audit.findings[0];
  EXPECT_NE(audit.findings[1].find("no longer matches its leaf"), std::string::npos)
      << audit.findings[1];
}

TEST_F(SourceAuditTest, DeletedCaseIsFound) {
  const auto ids = FileSome();
  const std::string of_case =
      "case_id = (SELECT id FROM cases WHERE tracking_id = '" + ids[2] + "')";
  Tamper(
      "DROP TRIGGER cases_no_delete; DROP TRIGGER case_events_no_delete; "
      "DELETE FROM case_events WHERE " +
      of_case + "; DELETE FROM case_clocks WHERE " + of_case +
      "; DELETE FROM reporter_identities WHERE " + of_case + "; DELETE FROM attachments WHERE " +
      of_case + "; DELETE FROM fed_case_links WHERE " + of_case +
      "; DELETE FROM cases WHERE tracking_id = '" + ids[2] + "'");
  const SourceAudit audit = Audit();
  EXPECT_EQ(audit.mismatches, 1);
  ASSERT_FALSE(audit.findings.empty());
  EXPECT_NE(audit.findings[0].find("is gone"), std::string::npos) << audit.findings[0];
}

// The checkpointer audits at start, records the result and exposes it in its status.
TEST_F(SourceAuditTest, TheCheckpointerRecordsTheAuditAtStart) {
  const auto ids = FileSome();
  Tamper(
      "DROP TRIGGER cases_no_content_change; UPDATE cases SET title = 'Lain' "
      "WHERE tracking_id = '" +
      ids[0] + "'");
  TickOk();
  EXPECT_EQ(checkpointer_->status().source_mismatches, 1);
  auto latest = db_->ReadSync<std::optional<store::AuditRow>>(
      [](store::Connection& c) { return store::TlogAuditStore::Latest(c); });
  ASSERT_TRUE(latest && latest->has_value());
  EXPECT_EQ((*latest)->cases, 3);
  EXPECT_EQ((*latest)->mismatches, 1);
  EXPECT_NE((*latest)->findings.find(ids[0]), std::string::npos);
  // The log itself is intact, so checkpoints go on: they still prove the original.
  EXPECT_TRUE(checkpointer_->status().broken.empty());
  EXPECT_TRUE(Latest().has_value());
}

}  // namespace
}  // namespace simpul::tlog
