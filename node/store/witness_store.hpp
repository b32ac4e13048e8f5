#pragma once
// SQL of the coordinator's witness (schema_witness.cpp): per-origin witnessed state and the
// append-only alarms that keep evidence of log misbehaviour.
//
//   auto log = WitnessStore::FindLog(c, "simpul/kab:32.04");        // nullopt before the first
//   WitnessStore::PutLog(c, next);                                   // in the cosigning job
//   auto alarms = WitnessStore::Alarms(c, {.after_id = 0, .limit = 100});
//
// Stateless: every function works on the Connection it is given. PutLog and InsertAlarm run on the
// writer thread inside the job that checked the stored state, so check and update are atomic (the
// spec's add-checkpoint race cannot happen); the reads run anywhere and are what monitoring
// (staff routes, the national dashboard) reuses. Times are Unix milliseconds.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/merkle.hpp"
#include "node/store/connection.hpp"

namespace simpul::store {

// The latest checkpoint the witness cosigned for one log.
struct WitnessLogRow {
  std::string origin;  // "simpul/<node id>"
  std::int64_t size = 0;
  crypto::MerkleHash root{};
  std::string note;  // the log-signed checkpoint note as submitted (the first time at this size)
  std::int64_t first_cosigned_at = 0;  // when the witness first cosigned this origin
  std::int64_t cosigned_at = 0;        // the latest cosignature, a resubmission included
};

enum class WitnessAlarmKind {
  kFork,      // two validly signed checkpoints that no single append-only log can both have made
  kRollback,  // a validly signed checkpoint smaller than the last one the witness cosigned
};

// "fork", "rollback".
std::string_view Name(WitnessAlarmKind kind);

// One alarm with its evidence: two notes both signed by the log.
struct WitnessAlarmRow {
  std::int64_t id = 0;  // assigned by InsertAlarm
  WitnessAlarmKind kind = WitnessAlarmKind::kFork;
  std::string origin;
  std::string detail;  // what was found, for people
  std::int64_t cosigned_size = 0;
  crypto::MerkleHash cosigned_root{};
  std::string cosigned_note;  // the log-signed note the witness had cosigned
  std::int64_t submitted_size = 0;
  crypto::MerkleHash submitted_root{};
  std::string submitted_note;  // the log-signed note submitted against it
  std::int64_t raised_at = 0;
};

struct AlarmQuery {
  std::int64_t after_id = 0;  // alarms with a larger id, oldest first
  int limit = 100;
  std::string origin;  // "" for every origin
};

class WitnessStore {
 public:
  // The state of `origin`, or nullopt if the witness never cosigned for it.
  static Result<std::optional<WitnessLogRow>> FindLog(Connection& c, std::string_view origin);

  // Inserts or replaces the state of row.origin; first_cosigned_at is kept once set. Fails with
  // kConflict (the schema's trigger) if it would lower the size or change the root at the same
  // size. Writer only.
  static Result<void> PutLog(Connection& c, const WitnessLogRow& row);

  // Every witnessed log, ordered by origin.
  static Result<std::vector<WitnessLogRow>> Logs(Connection& c);

  // How many logs the witness has cosigned for.
  static Result<std::int64_t> CountLogs(Connection& c);

  // Stores `alarm` and returns its id, or nullopt when the same evidence (origin, kind, cosigned
  // size, submitted size and root) is stored already. Writer only.
  static Result<std::optional<std::int64_t>> InsertAlarm(Connection& c,
                                                         const WitnessAlarmRow& alarm);

  // Alarms matching `query`, oldest first; limit is clamped to 1..1000.
  static Result<std::vector<WitnessAlarmRow>> Alarms(Connection& c, const AlarmQuery& query);

  // How many alarms of `kind` are stored.
  static Result<std::int64_t> CountAlarms(Connection& c, WitnessAlarmKind kind);
};

}  // namespace simpul::store
