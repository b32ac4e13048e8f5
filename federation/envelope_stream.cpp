#include "federation/envelope_stream.hpp"

#include <cassert>
#include <utility>

#include "federation/envelope_verify.hpp"

namespace simpul::federation {

StreamCursor::StreamCursor(std::int64_t last_seq, std::string last_hash)
    : last_seq_(last_seq), last_hash_(std::move(last_hash)) {
  assert(last_seq_ >= 0);
}

StreamPosition StreamCursor::Classify(std::int64_t seq, std::string_view prev,
                                      std::string_view hash, const AppliedHash& applied) const {
  if (seq == last_seq_ + 1) {
    return prev == last_hash_ ? StreamPosition::kNext : StreamPosition::kForkedPrev;
  }
  if (seq > last_seq_ + 1) return StreamPosition::kGap;
  if (seq == last_seq_) {
    return hash == last_hash_ ? StreamPosition::kDuplicate : StreamPosition::kConflict;
  }
  const std::optional<std::string> recorded = applied ? applied(seq) : std::nullopt;
  return recorded && *recorded == hash ? StreamPosition::kDuplicate : StreamPosition::kConflict;
}

StreamPosition StreamCursor::Classify(const VerifiedEnvelope& env,
                                      const AppliedHash& applied) const {
  return Classify(env.seq, env.prev, env.hash, applied);
}

void StreamCursor::Advance(std::int64_t seq, std::string hash) {
  assert(seq == last_seq_ + 1);
  last_seq_ = seq;
  last_hash_ = std::move(hash);
}

}  // namespace simpul::federation
