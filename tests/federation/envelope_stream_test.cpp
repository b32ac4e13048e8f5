#include "federation/envelope_stream.hpp"

#include <map>
#include <string>

#include <gtest/gtest.h>

#include "federation/envelope_verify.hpp"

namespace simpul::federation {
namespace {

// Hashes of applied envelopes 1..3, kept as an inbox would.
class StreamCursorTest : public ::testing::Test {
 protected:
  StreamCursorTest() : cursor_(3, "h3") {}

  StreamCursor::AppliedHash Lookup() const {
    return [this](std::int64_t seq) -> std::optional<std::string> {
      ++lookups_;
      const auto it = applied_.find(seq);
      if (it == applied_.end()) return std::nullopt;
      return it->second;
    };
  }

  std::map<std::int64_t, std::string> applied_ = {{1, "h1"}, {2, "h2"}, {3, "h3"}};
  mutable int lookups_ = 0;
  StreamCursor cursor_;
};

TEST_F(StreamCursorTest, FirstEnvelopeOfANewStreamIsNext) {
  const StreamCursor fresh;
  EXPECT_EQ(fresh.Classify(1, "", "h1", nullptr), StreamPosition::kNext);
  EXPECT_EQ(fresh.Classify(1, "h0", "h1", nullptr), StreamPosition::kForkedPrev);
  EXPECT_EQ(fresh.Classify(2, "h1", "h2", nullptr), StreamPosition::kGap);
}

TEST_F(StreamCursorTest, NextNeedsTheFollowingSeqAndTheLastHashAsPrev) {
  EXPECT_EQ(cursor_.Classify(4, "h3", "h4", Lookup()), StreamPosition::kNext);
  EXPECT_EQ(cursor_.Classify(4, "h2", "h4", Lookup()), StreamPosition::kForkedPrev);
  EXPECT_EQ(cursor_.Classify(4, "", "h4", Lookup()), StreamPosition::kForkedPrev);
}

TEST_F(StreamCursorTest, LaterSeqIsAGap) {
  EXPECT_EQ(cursor_.Classify(5, "h4", "h5", Lookup()), StreamPosition::kGap);
  EXPECT_EQ(cursor_.Classify(100, "h3", "h100", Lookup()), StreamPosition::kGap);
}

TEST_F(StreamCursorTest, ResentEnvelopeIsADuplicate) {
  EXPECT_EQ(cursor_.Classify(3, "h2", "h3", Lookup()), StreamPosition::kDuplicate);
  EXPECT_EQ(lookups_, 0);  // the last one is known without a lookup
  EXPECT_EQ(cursor_.Classify(2, "h1", "h2", Lookup()), StreamPosition::kDuplicate);
  EXPECT_EQ(cursor_.Classify(1, "", "h1", Lookup()), StreamPosition::kDuplicate);
}

TEST_F(StreamCursorTest, OtherEnvelopeAtAnAppliedSeqIsAConflict) {
  EXPECT_EQ(cursor_.Classify(3, "h2", "x3", Lookup()), StreamPosition::kConflict);
  EXPECT_EQ(cursor_.Classify(2, "h1", "x2", Lookup()), StreamPosition::kConflict);
  applied_.erase(1);
  EXPECT_EQ(cursor_.Classify(1, "", "h1", Lookup()), StreamPosition::kConflict);
  EXPECT_EQ(cursor_.Classify(1, "", "h1", nullptr), StreamPosition::kConflict);
}

TEST_F(StreamCursorTest, AdvanceMovesToTheAppliedEnvelope) {
  cursor_.Advance(4, "h4");
  EXPECT_EQ(cursor_.last_seq(), 4);
  EXPECT_EQ(cursor_.last_hash(), "h4");
  EXPECT_EQ(cursor_.Classify(5, "h4", "h5", Lookup()), StreamPosition::kNext);
  EXPECT_EQ(cursor_.Classify(4, "h3", "h4", Lookup()), StreamPosition::kDuplicate);
}

TEST_F(StreamCursorTest, ClassifiesAVerifiedEnvelopeBySeqPrevAndHash) {
  VerifiedEnvelope env;
  env.seq = 4;
  env.prev = "h3";
  env.hash = "h4";
  EXPECT_EQ(cursor_.Classify(env, Lookup()), StreamPosition::kNext);
  env.prev = "h2";
  EXPECT_EQ(cursor_.Classify(env, Lookup()), StreamPosition::kForkedPrev);
  env.seq = 2;
  env.hash = "h2";
  EXPECT_EQ(cursor_.Classify(env, Lookup()), StreamPosition::kDuplicate);
}

}  // namespace
}  // namespace simpul::federation
