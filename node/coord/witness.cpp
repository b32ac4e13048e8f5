#include "node/coord/witness.hpp"

#include <limits>
#include <utility>

#include <nlohmann/json.hpp>

#include "crypto/bytes.hpp"
#include "federation/directory.hpp"
#include "node/log.hpp"

namespace simpul::coord {
namespace {

using federation::WitnessRefusal;
using store::WitnessAlarmKind;
using store::WitnessAlarmRow;
using store::WitnessLogRow;
using store::WitnessStore;

// A request whose log signature verified: what the write job decides on.
struct Submission {
  federation::AddCheckpointRequest request;
  crypto::Checkpoint checkpoint;
  std::string text;  // the checkpoint note's text: what the witness cosigns
};

// A verified submission, or the refusal that ends the request before the database.
using Examined = tl::expected<Submission, WitnessAnswer>;

WitnessAnswer Refuse(WitnessRefusal refusal, std::string message, std::string origin = "") {
  WitnessAnswer answer;
  answer.refusal = refusal;
  answer.message = std::move(message);
  answer.origin = std::move(origin);
  return answer;
}

std::string Hex(const crypto::MerkleHash& hash) { return crypto::HexEncode(hash); }

// At most 96 bytes of the valid UTF-8 `text` (cut at a character boundary), for messages.
std::string Bounded(std::string_view text) {
  constexpr std::size_t kMax = 96;
  if (text.size() <= kMax) return std::string(text);
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
}

// Steps 1-4 of the header: syntax, origin, log signature, old size. Pure.
Examined Examine(std::string_view body, const federation::Directory& directory) {
  Result<federation::AddCheckpointRequest> request = federation::ParseAddCheckpointRequest(body);
  if (!request) return tl::unexpected(Refuse(WitnessRefusal::kMalformed, request.error().message));
  Result<crypto::Note> note = crypto::ParseNote(request->checkpoint_note);
  Result<crypto::Checkpoint> checkpoint =
      note ? crypto::ParseCheckpoint(note->text) : tl::unexpected(note.error());
  if (!checkpoint) {
    return tl::unexpected(
        Refuse(WitnessRefusal::kMalformed, "checkpoint: " + checkpoint.error().message));
  }
  const std::string origin = checkpoint->origin;
  const std::string version = std::to_string(directory.version());
  const std::string_view node_id = federation::NodeIdOfOrigin(origin);
  auto keys = node_id.empty() ? Fail(ErrorCode::kNotFound, "not a node log")
                              : federation::LogKeysFromDirectory(directory, node_id);
  if (!keys) {
    return tl::unexpected(Refuse(WitnessRefusal::kUnknownOrigin,
                                 "origin \"" + Bounded(origin) +
                                     "\" is not witnessed here: logs are named simpul/<node id> "
                                     "of a node in directory version " +
                                     version,
                                 origin));
  }
  Result<crypto::VerifiedNote> opened = crypto::OpenNote(request->checkpoint_note, *keys);
  if (keys->empty() || !opened) {
    return tl::unexpected(Refuse(
        WitnessRefusal::kUnverified,
        "no valid signature by a log key of " + std::string(node_id) + " that directory version " +
            version + " lists as not revoked" + (opened ? "" : ": " + opened.error().message),
        origin));
  }
  if (request->old_size > checkpoint->size) {
    return tl::unexpected(Refuse(WitnessRefusal::kMalformed,
                                 "old size " + std::to_string(request->old_size) +
                                     " exceeds the checkpoint size " +
                                     std::to_string(checkpoint->size),
                                 origin));
  }
  if (checkpoint->size > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return tl::unexpected(
        Refuse(WitnessRefusal::kMalformed, "checkpoint size exceeds 2^63 - 1", origin));
  }
  return Submission{std::move(*request), std::move(*checkpoint), std::move(note->text)};
}

WitnessAlarmRow AlarmRow(WitnessAlarmKind kind, std::string detail, const WitnessLogRow& stored,
                         const Submission& s, std::int64_t now_ms) {
  WitnessAlarmRow row;
  row.kind = kind;
  row.origin = stored.origin;
  row.detail = std::move(detail);
  row.cosigned_size = stored.size;
  row.cosigned_root = stored.root;
  row.cosigned_note = stored.note;
  row.submitted_size = static_cast<std::int64_t>(s.checkpoint.size);
  row.submitted_root = s.checkpoint.root_hash;
  row.submitted_note = s.request.checkpoint_note;
  row.raised_at = now_ms;
  return row;
}

// A rollback or a same-size fork that the log-signed checkpoint shows by itself, whatever the
// request's old size and proof.
std::optional<WitnessAlarmRow> Misbehaviour(const WitnessLogRow& stored, const Submission& s,
                                            std::int64_t now_ms) {
  const auto size = static_cast<std::int64_t>(s.checkpoint.size);
  if (size < stored.size) {
    return AlarmRow(WitnessAlarmKind::kRollback,
                    "the log signed a checkpoint of size " + std::to_string(size) +
                        " after the witness cosigned size " + std::to_string(stored.size),
                    stored, s, now_ms);
  }
  if (size == stored.size && s.checkpoint.root_hash != stored.root) {
    return AlarmRow(WitnessAlarmKind::kFork,
                    "the log signed two roots for size " + std::to_string(size) + ": cosigned " +
                        Hex(stored.root) + ", submitted " + Hex(s.checkpoint.root_hash),
                    stored, s, now_ms);
  }
  return std::nullopt;
}

// Stores `alarm` (once per piece of evidence) and notes it in `answer`.
Result<void> Raise(store::Connection& c, const WitnessAlarmRow& alarm, WitnessAnswer& answer) {
  Result<std::optional<std::int64_t>> id = WitnessStore::InsertAlarm(c, alarm);
  if (!id) return tl::unexpected(id.error());
  answer.alarm = alarm.kind;
  answer.alarm_detail = alarm.detail;
  answer.alarm_id = *id;
  return {};
}

// Steps 5 and 6 against the stored state; the refusal, or nullopt when the checkpoint may be
// cosigned. Raises the fork alarm of a failed proof between two log-signed checkpoints.
Result<std::optional<WitnessRefusal>> CheckAgainst(store::Connection& c,
                                                   const std::optional<WitnessLogRow>& stored,
                                                   const Submission& s, std::int64_t now_ms,
                                                   WitnessAnswer& answer) {
  const std::uint64_t known = stored ? static_cast<std::uint64_t>(stored->size) : 0;
  const crypto::MerkleHash known_root = stored ? stored->root : crypto::EmptyRoot();
  const std::uint64_t old_size = s.request.old_size, size = s.checkpoint.size;
  if (old_size != known) {
    answer.known_size = known;
    answer.message = "old size " + std::to_string(old_size) + " is not " + std::to_string(known) +
                     ", the size the witness last cosigned: resend with old " +
                     std::to_string(known) + " and a proof from it";
    return WitnessRefusal::kOldSizeMismatch;
  }
  if (old_size == size && s.checkpoint.root_hash != known_root) {
    answer.message = "the witness cosigned another root at size " + std::to_string(size);
    return WitnessRefusal::kRootMismatch;
  }
  Result<void> consistent = crypto::VerifyConsistency(old_size, size, s.request.proof, known_root,
                                                      s.checkpoint.root_hash);
  if (consistent) return std::optional<WitnessRefusal>();
  answer.message = "consistency proof from size " + std::to_string(old_size) + " to " +
                   std::to_string(size) + " does not verify: " + consistent.error().message;
  if (stored && old_size < size) {
    auto raised =
        Raise(c, AlarmRow(WitnessAlarmKind::kFork, answer.message, *stored, s, now_ms), answer);
    if (!raised) return tl::unexpected(raised.error());
  }
  return WitnessRefusal::kInconsistent;
}

// The write job: checks against the stored state and, if all passes, cosigns and stores.
Result<WitnessAnswer> Decide(store::Connection& c, const Submission& s,
                             const crypto::Cosigner& cosigner, std::int64_t now_ms) {
  WitnessAnswer answer;
  answer.origin = s.checkpoint.origin;
  Result<std::optional<WitnessLogRow>> stored = WitnessStore::FindLog(c, answer.origin);
  if (!stored) return tl::unexpected(stored.error());
  if (*stored) {
    if (auto alarm = Misbehaviour(**stored, s, now_ms)) {
      if (auto raised = Raise(c, *alarm, answer); !raised) return tl::unexpected(raised.error());
    }
  }
  auto refusal = CheckAgainst(c, *stored, s, now_ms, answer);
  if (!refusal) return tl::unexpected(refusal.error());
  if (*refusal) {
    answer.refusal = **refusal;
    return answer;
  }
  const std::chrono::sys_seconds now_s = std::chrono::floor<std::chrono::seconds>(
      domain::TimePoint(std::chrono::milliseconds(now_ms)));
  Result<crypto::NoteSignature> line = cosigner.Cosign(s.text, now_s);
  if (!line) return tl::unexpected(line.error());
  const bool resubmitted =
      *stored && (*stored)->size == static_cast<std::int64_t>(s.checkpoint.size);
  WitnessLogRow row{answer.origin,
                    static_cast<std::int64_t>(s.checkpoint.size),
                    s.checkpoint.root_hash,
                    resubmitted ? (*stored)->note : s.request.checkpoint_note,
                    *stored ? (*stored)->first_cosigned_at : now_ms,
                    now_ms};
  if (auto put = WitnessStore::PutLog(c, row); !put) return tl::unexpected(put.error());
  answer.cosignatures.push_back(std::move(*line));
  return answer;
}

}  // namespace

Witness::Witness(fed::FederationState& state, store::Database& db, crypto::Cosigner cosigner,
                 service::Clock clock)
    : state_(state), db_(db), cosigner_(std::move(cosigner)), clock_(std::move(clock)) {}

boost::asio::awaitable<Result<WitnessAnswer>> Witness::AddCheckpoint(std::string body,
                                                                     std::string submitter) {
  const std::int64_t now_ms = clock_().time_since_epoch().count();
  const std::shared_ptr<const federation::Directory> directory = state_.directory();
  if (directory == nullptr || directory->Expired(now_ms)) {
    co_return Fail(ErrorCode::kUnavailable,
                   "the coordinator holds no current directory, so it cannot tell which log keys "
                   "are valid; retry after it publishes one");
  }
  Examined examined = Examine(body, *directory);
  if (!examined) {
    Record(examined.error(), submitter);
    co_return std::move(examined.error());
  }
  const Submission& submission = *examined;
  const crypto::Cosigner& cosigner = cosigner_;
  Result<WitnessAnswer> answer =
      co_await db_.Write<WitnessAnswer>([&submission, &cosigner, now_ms](store::Connection& c) {
        return Decide(c, submission, cosigner, now_ms);
      });
  if (answer) Record(*answer, submitter);
  co_return answer;
}

WitnessCounters Witness::counters() const {
  WitnessCounters out;
  out.cosigned = cosigned_.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < refused_.size(); ++i) {
    out.refused[i] = refused_[i].load(std::memory_order_relaxed);
  }
  out.forks = forks_.load(std::memory_order_relaxed);
  out.rollbacks = rollbacks_.load(std::memory_order_relaxed);
  return out;
}

void Witness::Record(const WitnessAnswer& answer, const std::string& submitter) {
  if (answer.alarm) {
    auto& counter = *answer.alarm == WitnessAlarmKind::kFork ? forks_ : rollbacks_;
    counter.fetch_add(1, std::memory_order_relaxed);
    LogEvent(spdlog::level::warn, "witness_alarm",
             {{"kind", store::Name(*answer.alarm)},
              {"origin", answer.origin},
              {"detail", answer.alarm_detail},
              {"alarm_id", answer.alarm_id ? nlohmann::json(*answer.alarm_id) : nullptr},
              {"repeated", !answer.alarm_id.has_value()},
              {"submitter", submitter}});
  }
  if (!answer.refusal) {
    cosigned_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  refused_[static_cast<std::size_t>(*answer.refusal)].fetch_add(1, std::memory_order_relaxed);
  LogEvent(spdlog::level::info, "witness_refused",
           {{"reason", federation::Name(*answer.refusal)},
            {"origin", Bounded(answer.origin)},
            {"message", answer.message},
            {"submitter", submitter}});
}

}  // namespace simpul::coord
