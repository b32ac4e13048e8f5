#pragma once
// Ordering of one sender's stream at the receiver (DESIGN §3, Inbox): envelopes apply in seq
// order, each naming its predecessor's EnvelopeHash in prev.
//
//   StreamCursor cursor(stored.last_seq, stored.last_hash);
//   switch (cursor.Classify(env, applied_hash_lookup)) {
//     case StreamPosition::kNext: Apply(env); cursor.Advance(env.seq, env.hash); break;
//     case StreamPosition::kGap: PullMissing(cursor.last_seq() + 1, env.seq); break;
//     ...
//   }

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace simpul::federation {

struct VerifiedEnvelope;

// How an incoming envelope relates to what the receiver has applied from its stream.
enum class StreamPosition {
  kNext,        // seq == last + 1 and prev == the last hash: apply it
  kDuplicate,   // seq <= last and this very envelope (same hash) was applied there: a resend
  kConflict,    // seq <= last but the envelope applied there has another hash, or none is
                // recorded: the sender equivocated; keep both as evidence
  kGap,         // seq > last + 1: envelopes are missing; pull them from the sender first
  kForkedPrev,  // seq == last + 1 but prev is not the last hash: the sender's chain forked
};

// The receiver's position in one (from, stream): the last applied seq and its envelope hash.
// A value owned by the inbox, which persists it; pure and not synchronised.
class StreamCursor {
 public:
  // The hash of the envelope applied at `seq` (1 <= seq < last_seq()), or nullopt if not kept.
  using AppliedHash = std::function<std::optional<std::string>(std::int64_t seq)>;

  // A stream with nothing applied: the next envelope is seq 1 with prev "".
  StreamCursor() = default;
  // A stream whose envelope `last_seq` (>= 0; 0 means none) with hash `last_hash` was applied.
  StreamCursor(std::int64_t last_seq, std::string last_hash);

  // Where the envelope (`seq`, `prev`, `hash` = its EnvelopeHash) stands. `applied` is asked only
  // for a seq below last_seq().
  StreamPosition Classify(std::int64_t seq, std::string_view prev, std::string_view hash,
                          const AppliedHash& applied) const;
  // Classify with the envelope's seq, prev and hash.
  StreamPosition Classify(const VerifiedEnvelope& env, const AppliedHash& applied) const;

  // Records that the envelope at `seq` with `hash` was applied. Precondition (asserted): seq is
  // last_seq() + 1, i.e. it was classified kNext (or is being skipped with stream.skip).
  void Advance(std::int64_t seq, std::string hash);

  std::int64_t last_seq() const { return last_seq_; }
  const std::string& last_hash() const { return last_hash_; }

 private:
  std::int64_t last_seq_ = 0;
  std::string last_hash_;
};

}  // namespace simpul::federation
