#pragma once
// SQL for complaints and their append-only event history. Stateless: every function works on the
// Connection it is given, so it runs on the writer thread (writes) or a reader thread (reads).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "node/domain/complaint.hpp"
#include "node/domain/lifecycle.hpp"
#include "node/domain/sla.hpp"
#include "node/domain/time.hpp"
#include "node/store/connection.hpp"

namespace simpul::store {

using Bytes = std::vector<std::uint8_t>;

// A complaint as stored (without reporter identity, which lives in IdentityStore).
struct CaseRecord {
  std::int64_t id = 0;
  std::string tracking_id;
  domain::Classification classification = domain::Classification::kComplaint;
  std::string category, title, body;
  std::optional<std::string> incident_date;  // ISO yyyy-mm-dd
  std::string region, address;
  std::optional<double> latitude, longitude;
  std::string suggested_agency;
  domain::Channel channel = domain::Channel::kWeb;
  bool anonymous = false, confidential = false;
  domain::CaseState state = domain::CaseState::kSubmitted;
  std::optional<std::int64_t> unit_id;
  std::string unit_code;  // empty when no unit
  int escalation_level = 0;
  std::optional<domain::TimePoint> escalated_due_at;  // the deadline the last escalation was for
  Bytes access_hash, commitment, commitment_salt;
  domain::TimePoint submitted_at, updated_at;
  std::optional<domain::TimePoint> verified_at, next_due_at;
  std::string next_clock;  // empty when no clock runs
  std::int64_t version = 1;
};

struct EventRecord {
  std::int64_t id = 0;
  domain::CaseAction action = domain::CaseAction::kSubmit;
  domain::CaseState state_after = domain::CaseState::kSubmitted;
  std::string actor;       // "reporter", "system" or "user:<username>"
  std::string reason;      // free text given with the action; may be empty
  std::string detail;      // JSON object with action-specific fields
  bool is_public = false;  // shown to the reporter when tracking
  domain::TimePoint at;
};

// The mutable summary columns of a case, rewritten after each event.
struct CaseSummary {
  domain::CaseState state;
  std::optional<std::int64_t> unit_id;
  int escalation_level = 0;
  std::optional<domain::TimePoint> escalated_due_at, verified_at, next_due_at;
  std::string next_clock;
  std::string category;
  domain::Classification classification;
  domain::TimePoint updated_at;
};

// Filters of the staff queue. Empty/unset fields do not filter.
struct CaseQuery {
  std::optional<domain::CaseState> state;
  std::optional<std::int64_t> unit_id;
  std::string unit_code;                        // matches the unit with this code
  std::string category;                         // matches the category and its descendants
  std::string region;                           // matches the region and its sub-regions
  std::string text;                             // full-text search over title and body
  std::optional<domain::TimePoint> overdue_at;  // only cases whose next deadline is before this
  bool public_only = false;  // verified or later, not confidential (the public feed)
  int limit = 20;
  int offset = 0;
};

struct CasePage {
  std::vector<CaseRecord> items;
  std::int64_t total = 0;
};

struct AttachmentRecord {
  std::string sha256;  // lower-case hex of the content; the file name in the blob store
  std::string filename, media_type;
  std::int64_t size = 0;
};

struct CountRow {
  std::string key;
  std::int64_t count = 0;
};

struct ClockCompliance {
  std::string clock;
  std::int64_t met = 0;      // stopped on or before due
  std::int64_t missed = 0;   // stopped after due, or still running past due
  std::int64_t running = 0;  // still running and not yet due
};

class CaseStore {
 public:
  // Returns the next value of the named counter (1, 2, ...). Writer only.
  static Result<std::int64_t> NextSequence(Connection& c, std::string_view counter);
  // Inserts `rec` (its id and version are ignored) and returns the new id; appends the intake
  // leaf (store/log_leaves.hpp) to the transparency log in the same transaction. Fails kConflict
  // when the tracking id exists.
  static Result<std::int64_t> Insert(Connection& c, const CaseRecord& rec);
  // The transparency-log leaves Insert and AppendEvent append for a case and for one of its
  // events (store/log_leaves.hpp), so an audit can rebuild them from the rows.
  static std::string IntakeLeaf(const CaseRecord& rec);
  static Result<std::string> EventLeaf(std::string_view tracking_id, const EventRecord& ev);
  // Appends `ev` to the case's history and its event leaf to the transparency log. Fails
  // kNotFound for an unknown case.
  static Result<void> AppendEvent(Connection& c, std::int64_t case_id, const EventRecord& ev);
  // Rewrites the summary of case `id` if its version is still `expected_version`; fails kConflict
  // when another change came first.
  static Result<void> UpdateSummary(Connection& c, std::int64_t id, std::int64_t expected_version,
                                    const CaseSummary& summary);
  static Result<void> InsertAttachment(Connection& c, std::int64_t case_id,
                                       const AttachmentRecord& a);
  static Result<std::vector<AttachmentRecord>> Attachments(Connection& c, std::int64_t case_id);
  // Fails kNotFound when no case has that tracking id.
  static Result<CaseRecord> FindByTrackingId(Connection& c, std::string_view tracking_id);
  static Result<std::vector<EventRecord>> Events(Connection& c, std::int64_t case_id);
  static Result<CasePage> Query(Connection& c, const CaseQuery& q);
  // Cases needing the sweeper at `now`, oldest deadline first, at most `limit`: auto-close due,
  // or overdue on a deadline not yet escalated.
  static Result<std::vector<CaseRecord>> DueBefore(Connection& c, domain::TimePoint now, int limit);

  // Adds the derived clock rows of a new case `id` (which has none yet).
  static Result<void> InsertClocks(Connection& c, std::int64_t id,
                                   const std::vector<domain::ClockRecord>& clocks);
  // Replaces the derived clock rows of case `id`.
  static Result<void> ReplaceClocks(Connection& c, std::int64_t id,
                                    const std::vector<domain::ClockRecord>& clocks);
  // Per clock kind: how many concluded or running clocks met and missed their deadline at `now`.
  static Result<std::vector<ClockCompliance>> Compliance(Connection& c, domain::TimePoint now);

  static Result<std::vector<CountRow>> CountByState(Connection& c);
  static Result<std::vector<CountRow>> CountByCategory(Connection& c);
  static Result<std::vector<CountRow>> CountByRegion(Connection& c);
  static Result<std::int64_t> CountOverdue(Connection& c, domain::TimePoint now);
  static Result<std::int64_t> CountAll(Connection& c);
};

}  // namespace simpul::store
