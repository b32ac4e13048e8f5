#include "node/tlog/source_audit.hpp"

#include "node/service/case_rules.hpp"
#include "node/store/case_store.hpp"
#include "node/store/log_leaves.hpp"
#include "node/store/tlog_store.hpp"

namespace simpul::tlog {
namespace {

using store::CaseStore;
using store::TlogStore;

// What differs between case `tracking_id`'s rows and its leaves ("" when nothing does), counting
// the event rows compared into `events`.
Result<std::string> CompareCase(store::Connection& c, const store::LeafRow& intake,
                                std::int64_t& events) {
  const std::string& id = intake.ref;
  auto rec = CaseStore::FindByTrackingId(c, id);
  if (!rec && rec.error().code == ErrorCode::kNotFound) {
    return id + ": the case row is gone, but its intake leaf " + std::to_string(intake.index) +
           " remains";
  }
  if (!rec) return tl::unexpected(rec.error());
  if (CaseStore::IntakeLeaf(*rec) != intake.data) {
    return id + ": the case row no longer matches its intake leaf " + std::to_string(intake.index);
  }
  auto commitment = service::rules::CommitmentOf(*rec);
  if (!commitment) return tl::unexpected(commitment.error());
  if (*commitment != rec->commitment) {
    return id + ": the complaint's content no longer matches its commitment";
  }
  auto rows = CaseStore::Events(c, rec->id);
  if (!rows) return tl::unexpected(rows.error());
  auto leaves = TlogStore::LeavesAbout(c, store::leaves::kEvent, id);
  if (!leaves) return tl::unexpected(leaves.error());
  events += static_cast<std::int64_t>(rows->size());
  if (rows->size() != leaves->size()) {
    return id + ": " + std::to_string(rows->size()) + " event rows, but " +
           std::to_string(leaves->size()) + " event leaves";
  }
  for (std::size_t i = 0; i < rows->size(); ++i) {
    auto rebuilt = CaseStore::EventLeaf(id, (*rows)[i]);
    if (!rebuilt) return tl::unexpected(rebuilt.error());
    if (*rebuilt != (*leaves)[i].data) {
      return id + ": event " + std::to_string(i + 1) + " no longer matches its leaf " +
             std::to_string((*leaves)[i].index);
    }
  }
  return std::string();
}

}  // namespace

Result<SourceAudit> AuditSources(store::Connection& c) {
  SourceAudit audit;
  std::int64_t after = -1;
  for (;;) {
    auto batch = TlogStore::LeavesOfKind(c, store::leaves::kIntake, after, 1000);
    if (!batch) return tl::unexpected(batch.error());
    if (batch->empty()) return audit;
    for (const store::LeafRow& intake : *batch) {
      after = intake.index;
      auto differs = CompareCase(c, intake, audit.events);
      if (!differs) return tl::unexpected(differs.error());
      ++audit.cases;
      if (differs->empty()) continue;
      ++audit.mismatches;
      if (audit.findings.size() < SourceAudit::kMaxFindings) {
        audit.findings.push_back(std::move(*differs));
      }
    }
  }
}

}  // namespace simpul::tlog
