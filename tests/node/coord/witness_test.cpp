// The coordinator's witness with a real SQLite database, a signed directory and real keys: a
// member's log (kab:32.04, log key from seed 31) submits checkpoints; the coordinator (log key
// from seed 11) cosigns as WitnessName("coord:panrb").
#include "node/coord/witness.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "crypto/checkpoint.hpp"
#include "federation/directory.hpp"
#include "node/store/schema.hpp"
#include "tests/federation/directory_test_fixture.hpp"
#include "tests/node/service/run_await.hpp"
#include "tests/support/temp_dir.hpp"

namespace simpul::coord {
namespace {

namespace ft = federation::testing;
using federation::WitnessRefusal;
using store::WitnessAlarmKind;
using store::WitnessAlarmRow;
using store::WitnessLogRow;

constexpr std::string_view kOrigin = "simpul/kab:32.04";

// A log: its leaves (hashes) and its signing key; checkpoints and proofs computed from all leaves.
struct FakeLog {
  std::string origin;
  crypto::NoteSigner signer;
  std::vector<crypto::MerkleHash> leaves;

  // Appends leaves until the log has `size`, each leaf derived from `salt` and its index.
  void GrowTo(std::size_t size, std::string_view salt = "a") {
    while (leaves.size() < size) {
      const std::string data = std::string(salt) + std::to_string(leaves.size());
      leaves.push_back(crypto::LeafHash(crypto::AsBytes(data)));
    }
  }
  std::string Text(std::size_t size) const {
    const std::span<const crypto::MerkleHash> prefix(leaves.data(), size);
    return crypto::FormatCheckpoint({origin, size, crypto::RootOf(prefix), {}}).value();
  }
  std::string Note(std::size_t size) const { return crypto::SignNote(Text(size), signer).value(); }
  crypto::MerkleProof Proof(std::size_t from, std::size_t to) const {
    return crypto::ConsistencyProof(leaves, from, to).value();
  }
};

FakeLog MakeLog(std::string origin, std::uint8_t key_seed) {
  return FakeLog{origin, crypto::NoteSigner::Create(origin, ft::KeyFromByte(key_seed)).value(), {}};
}

class WitnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::Database::Open({dir_.path() / "coord.db", 2}, store::SchemaMigrations());
    ASSERT_TRUE(db.has_value()) << db.error().message;
    db_ = std::move(*db);
    UseDirectory(Document());
    witness_ = std::make_unique<Witness>(
        state_, *db_,
        crypto::Cosigner::Create(federation::WitnessName("coord:panrb"), ft::KeyFromByte(11))
            .value(),
        clock_);
    log_.GrowTo(40);
    fork_.GrowTo(3);
    fork_.GrowTo(40, "b");  // the same first 3 leaves, then others
  }

  std::int64_t NowMs() const { return now_.time_since_epoch().count(); }
  federation::DirectoryDocument Document() const {
    auto doc = ft::SampleDocument();
    doc.issued_at = NowMs() - ft::kHour;
    doc.expires_at = NowMs() + 23 * ft::kHour;
    return doc;
  }
  void UseDirectory(const federation::DirectoryDocument& doc) {
    directory_ = std::make_shared<const federation::Directory>(ft::SignedDirectory(doc));
    state_.SetDirectory(directory_);
  }

  Result<WitnessAnswer> Submit(std::string body) {
    std::string submitter = "kab:32.04";
    return simpul::testing::RunAwait(
        io_, witness_->AddCheckpoint(std::move(body), std::move(submitter)));
  }
  WitnessAnswer Submit(std::uint64_t old_size, crypto::MerkleProof proof, std::string note) {
    auto body = federation::FormatAddCheckpointRequest({old_size, std::move(proof), note});
    EXPECT_TRUE(body) << body.error().message;
    auto answer = Submit(body.value_or(""));
    EXPECT_TRUE(answer) << answer.error().message;
    return answer.value_or(WitnessAnswer{});
  }
  // Submits `log`'s checkpoint of `size` with a proof from `old_size` in `log`'s own tree.
  WitnessAnswer Submit(const FakeLog& log, std::uint64_t old_size, std::size_t size) {
    return Submit(old_size, old_size == 0 ? crypto::MerkleProof{} : log.Proof(old_size, size),
                  log.Note(size));
  }
  // Expects `answer` to carry a cosignature of `log`'s checkpoint of `size` that verifies with
  // the witness key a verifier finds in the directory.
  void ExpectCosigned(const WitnessAnswer& answer, const FakeLog& log, std::size_t size) {
    ASSERT_FALSE(answer.refusal) << federation::Name(*answer.refusal) << ": " << answer.message;
    ASSERT_EQ(answer.cosignatures.size(), 1u);
    const auto keys = federation::WitnessKeysFromDirectory(*directory_);
    ASSERT_EQ(keys.size(), 1u);
    auto t = crypto::VerifyCosignature(keys[0], log.Text(size), answer.cosignatures[0]);
    ASSERT_TRUE(t) << t.error().message;
    EXPECT_EQ(*t, std::chrono::floor<std::chrono::seconds>(now_));
  }
  void ExpectRefused(const WitnessAnswer& answer, WitnessRefusal refusal) {
    ASSERT_TRUE(answer.refusal) << "cosigned";
    EXPECT_EQ(*answer.refusal, refusal)
        << federation::Name(*answer.refusal) << ": " << answer.message;
    EXPECT_TRUE(answer.cosignatures.empty());
  }

  std::optional<WitnessLogRow> Stored(std::string_view origin = kOrigin) {
    auto row = db_->ReadSync<std::optional<WitnessLogRow>>(
        [origin](store::Connection& c) { return store::WitnessStore::FindLog(c, origin); });
    EXPECT_TRUE(row) << row.error().message;
    return row.value_or(std::nullopt);
  }
  std::vector<WitnessAlarmRow> Alarms() {
    auto rows = db_->ReadSync<std::vector<WitnessAlarmRow>>(
        [](store::Connection& c) { return store::WitnessStore::Alarms(c, {}); });
    EXPECT_TRUE(rows) << rows.error().message;
    return rows.value_or(std::vector<WitnessAlarmRow>{});
  }
  // Every witnessed log's state and the number of alarms, as one comparable string.
  std::string Snapshot() {
    auto logs = db_->ReadSync<std::vector<WitnessLogRow>>(
        [](store::Connection& c) { return store::WitnessStore::Logs(c); });
    EXPECT_TRUE(logs);
    std::string out;
    for (const auto& l : logs.value_or(std::vector<WitnessLogRow>{})) {
      out += l.origin + "/" + std::to_string(l.size) + "/" + crypto::HexEncode(l.root) + "/" +
             std::to_string(l.first_cosigned_at) + "/" + std::to_string(l.cosigned_at) + "/" +
             l.note + ";";
    }
    return out + "alarms=" + std::to_string(Alarms().size());
  }

  simpul::testing::TempDir dir_;
  domain::TimePoint now_ = domain::TimePoint(std::chrono::milliseconds(1'783'000'000'123));
  service::Clock clock_ = [this] { return now_; };
  // Declared before the database: members die in reverse order, so the database joins its
  // threads (which post job results to io_) before io_ is destroyed.
  boost::asio::io_context io_;
  std::unique_ptr<store::Database> db_;
  fed::FederationState state_{"coord:panrb", ft::SampleAnchor(), ft::KeyFromByte(10)};
  std::shared_ptr<const federation::Directory> directory_;
  std::unique_ptr<Witness> witness_;
  FakeLog log_ = MakeLog(std::string(kOrigin), 31);
  FakeLog fork_ = MakeLog(std::string(kOrigin), 31);  // signed by the same log key
};

TEST_F(WitnessTest, FirstCheckpointWithOldZeroIsCosignedAndStored) {
  const WitnessAnswer answer = Submit(log_, 0, 5);
  ExpectCosigned(answer, log_, 5);
  EXPECT_EQ(answer.origin, kOrigin);
  auto stored = Stored();
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->size, 5);
  EXPECT_EQ(stored->root, crypto::RootOf(std::span(log_.leaves.data(), 5)));
  EXPECT_EQ(stored->note, log_.Note(5));
  EXPECT_EQ(stored->first_cosigned_at, NowMs());
  EXPECT_EQ(stored->cosigned_at, NowMs());
  EXPECT_EQ(witness_->counters().cosigned, 1u);
}

TEST_F(WitnessTest, GrowthWithAValidProofIsCosigned) {
  ExpectCosigned(Submit(log_, 0, 5), log_, 5);
  const std::int64_t first = NowMs();
  now_ += std::chrono::minutes(5);
  ExpectCosigned(Submit(log_, 5, 12), log_, 12);
  now_ += std::chrono::minutes(5);
  ExpectCosigned(Submit(log_, 12, 40), log_, 40);
  auto stored = Stored();
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->size, 40);
  EXPECT_EQ(stored->note, log_.Note(40));
  EXPECT_EQ(stored->first_cosigned_at, first);
  EXPECT_EQ(stored->cosigned_at, NowMs());
  EXPECT_TRUE(Alarms().empty());
}

TEST_F(WitnessTest, WrongOldSizeIsAConflictNamingTheStoredSize) {
  ExpectCosigned(Submit(log_, 0, 5), log_, 5);
  const std::string before = Snapshot();
  for (std::uint64_t old_size : {0u, 3u, 6u}) {
    const WitnessAnswer answer = Submit(log_, old_size, 12);
    ExpectRefused(answer, WitnessRefusal::kOldSizeMismatch);
    EXPECT_EQ(answer.known_size, 5u);
    EXPECT_FALSE(answer.alarm);
  }
  EXPECT_EQ(Snapshot(), before);
  // The client follows the 409: a proof from the size the witness named is cosigned.
  ExpectCosigned(Submit(log_, 5, 12), log_, 12);
}

TEST_F(WitnessTest, BadProofIs422AndAForkAlarmKeepingBothSignedNotes) {
  ExpectCosigned(Submit(log_, 0, 5), log_, 5);
  const std::string before = Snapshot();
  // The forked history's checkpoint of 12, with a proof that is valid in the fork's own tree.
  const WitnessAnswer answer = Submit(fork_, 5, 12);
  ExpectRefused(answer, WitnessRefusal::kInconsistent);
  ASSERT_TRUE(answer.alarm);
  EXPECT_EQ(*answer.alarm, WitnessAlarmKind::kFork);
  ASSERT_TRUE(answer.alarm_id);

  const auto alarms = Alarms();
  ASSERT_EQ(alarms.size(), 1u);
  const WitnessAlarmRow& a = alarms[0];
  EXPECT_EQ(a.id, *answer.alarm_id);
  EXPECT_EQ(a.kind, WitnessAlarmKind::kFork);
  EXPECT_EQ(a.origin, kOrigin);
  EXPECT_EQ(a.cosigned_size, 5);
  EXPECT_EQ(a.cosigned_note, log_.Note(5));
  EXPECT_EQ(a.submitted_size, 12);
  EXPECT_EQ(a.submitted_note, fork_.Note(12));
  EXPECT_EQ(a.raised_at, NowMs());
  EXPECT_NE(a.detail.find("does not verify"), std::string::npos) << a.detail;
  // Both notes are evidence anyone can check against the log key in the directory.
  auto keys = federation::LogKeysFromDirectory(*directory_, "kab:32.04").value();
  EXPECT_TRUE(crypto::OpenNote(a.cosigned_note, keys));
  EXPECT_TRUE(crypto::OpenNote(a.submitted_note, keys));

  // The witnessed state did not move; the same evidence again is counted but stored once.
  now_ += std::chrono::minutes(1);
  const WitnessAnswer again = Submit(fork_, 5, 12);
  ExpectRefused(again, WitnessRefusal::kInconsistent);
  EXPECT_TRUE(again.alarm);
  EXPECT_FALSE(again.alarm_id);
  EXPECT_EQ(Alarms().size(), 1u);
  EXPECT_EQ(witness_->counters().forks, 2u);
  auto stored = Stored();
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->size, 5);
  EXPECT_EQ(stored->note, log_.Note(5));
}

TEST_F(WitnessTest, SameSizeWithAnotherRootIsAForkAlarm) {
  ExpectCosigned(Submit(log_, 0, 12), log_, 12);
  const WitnessAnswer answer = Submit(12, {}, fork_.Note(12));
  ExpectRefused(answer, WitnessRefusal::kRootMismatch);
  ASSERT_TRUE(answer.alarm);
  EXPECT_EQ(*answer.alarm, WitnessAlarmKind::kFork);
  // Whatever old size the request claims, the two signed roots for size 12 are a fork.
  const WitnessAnswer stale = Submit(fork_, 3, 12);
  ExpectRefused(stale, WitnessRefusal::kOldSizeMismatch);
  EXPECT_TRUE(stale.alarm);

  const auto alarms = Alarms();
  ASSERT_EQ(alarms.size(), 1u);  // one piece of evidence
  EXPECT_EQ(alarms[0].cosigned_size, 12);
  EXPECT_EQ(alarms[0].submitted_size, 12);
  EXPECT_NE(alarms[0].cosigned_root, alarms[0].submitted_root);
  EXPECT_EQ(alarms[0].cosigned_note, log_.Note(12));
  EXPECT_EQ(alarms[0].submitted_note, fork_.Note(12));
  EXPECT_EQ(Stored()->root, crypto::RootOf(std::span(log_.leaves.data(), 12)));
}

TEST_F(WitnessTest, SmallerSignedCheckpointIsARollbackAlarm) {
  ExpectCosigned(Submit(log_, 0, 12), log_, 12);
  const std::string before_logs = Snapshot();
  for (std::uint64_t old_size : {0u, 5u}) {
    const WitnessAnswer answer = Submit(log_, old_size, 5);
    ExpectRefused(answer, WitnessRefusal::kOldSizeMismatch);
    EXPECT_EQ(answer.known_size, 12u);
    ASSERT_TRUE(answer.alarm);
    EXPECT_EQ(*answer.alarm, WitnessAlarmKind::kRollback);
  }
  const auto alarms = Alarms();
  ASSERT_EQ(alarms.size(), 1u);
  EXPECT_EQ(alarms[0].kind, WitnessAlarmKind::kRollback);
  EXPECT_EQ(alarms[0].cosigned_note, log_.Note(12));
  EXPECT_EQ(alarms[0].submitted_note, log_.Note(5));
  EXPECT_EQ(witness_->counters().rollbacks, 2u);
  EXPECT_EQ(Stored()->size, 12);
}

TEST_F(WitnessTest, UnknownOriginIs404) {
  FakeLog stranger = MakeLog("simpul/kab:99.99", 31);
  FakeLog foreign = MakeLog("example.com/behind-the-sofa", 31);
  stranger.GrowTo(3);
  foreign.GrowTo(3);
  for (const FakeLog* log : {&stranger, &foreign}) {
    const WitnessAnswer answer = Submit(*log, 0, 3);
    ExpectRefused(answer, WitnessRefusal::kUnknownOrigin);
    EXPECT_FALSE(answer.alarm);
  }
  EXPECT_EQ(Snapshot(), "alarms=0");
}

TEST_F(WitnessTest, WrongOrInvalidSignatureIs403) {
  ExpectCosigned(Submit(log_, 0, 5), log_, 5);
  const std::string before = Snapshot();
  // Signed under the log's name by a key the directory does not list for it (kota:32.73's).
  FakeLog impostor = MakeLog(std::string(kOrigin), 41);
  impostor.leaves = log_.leaves;
  ExpectRefused(Submit(impostor, 5, 12), WitnessRefusal::kUnverified);
  // The log's real signature over another text.
  auto note = crypto::ParseNote(log_.Note(12)).value();
  note.text = fork_.Text(12);
  ExpectRefused(Submit(5, fork_.Proof(5, 12), crypto::FormatNote(note).value()),
                WitnessRefusal::kUnverified);
  // A fork signed by someone else raises no alarm: it is not the log's word.
  impostor.leaves = fork_.leaves;
  const WitnessAnswer forged = Submit(impostor, 0, 5);
  ExpectRefused(forged, WitnessRefusal::kUnverified);
  EXPECT_FALSE(forged.alarm);
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(WitnessTest, RevokedLogKeyIs403) {
  ExpectCosigned(Submit(log_, 0, 5), log_, 5);
  auto doc = Document();
  for (auto& node : doc.nodes) {
    if (node.id != "kab:32.04") continue;
    node.keys[1].status = federation::KeyStatus::kRevoked;
    node.keys[1].revoked_at = NowMs() - 1;
  }
  UseDirectory(doc);
  const std::string before = Snapshot();
  ExpectRefused(Submit(log_, 5, 12), WitnessRefusal::kUnverified);
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(WitnessTest, ResubmittingTheCosignedCheckpointIsCosignedAgain) {
  ExpectCosigned(Submit(log_, 0, 5), log_, 5);
  const auto first = Stored();
  now_ += std::chrono::minutes(3);
  ExpectCosigned(Submit(log_, 5, 5), log_, 5);
  const auto second = Stored();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(second->size, 5);
  EXPECT_EQ(second->root, first->root);
  EXPECT_EQ(second->note, first->note);
  EXPECT_EQ(second->first_cosigned_at, first->first_cosigned_at);
  EXPECT_EQ(second->cosigned_at, NowMs());
  EXPECT_TRUE(Alarms().empty());
  // A same-size resubmission must not carry proof lines.
  ExpectRefused(Submit(5, log_.Proof(3, 5), log_.Note(5)), WitnessRefusal::kInconsistent);
}

TEST_F(WitnessTest, NothingChangesOnAnyRefusal) {
  ExpectCosigned(Submit(log_, 0, 5), log_, 5);
  const std::string before = Snapshot();
  const auto counters_before = witness_->counters();
  const std::string note12 = log_.Note(12);
  std::vector<std::pair<std::string, WitnessRefusal>> cases = {
      {"", WitnessRefusal::kMalformed},
      {"old 5\n\n" + log_.Text(12), WitnessRefusal::kMalformed},  // unsigned
      {"old 13\n\n" + note12, WitnessRefusal::kMalformed},        // old size beyond the size
      {"old 5\n\n" + crypto::SignNote("simpul/kab:32.04\nnot a checkpoint\n", log_.signer).value(),
       WitnessRefusal::kMalformed},
      {federation::FormatAddCheckpointRequest({4, log_.Proof(4, 12), note12}).value(),
       WitnessRefusal::kOldSizeMismatch},
      {federation::FormatAddCheckpointRequest({5, log_.Proof(3, 5), log_.Note(5)}).value(),
       WitnessRefusal::kInconsistent},  // proof lines between equal sizes
  };
  for (const auto& [body, refusal] : cases) {
    auto answer = Submit(body);
    ASSERT_TRUE(answer) << answer.error().message;
    ExpectRefused(*answer, refusal);
  }
  const auto counters = witness_->counters();
  EXPECT_EQ(counters.cosigned, counters_before.cosigned);
  EXPECT_EQ(counters.refused[static_cast<std::size_t>(WitnessRefusal::kMalformed)], 4u);
  // Not even an alarm: none of these shows the log signing two incompatible checkpoints. (The
  // refusals that do add alarm evidence, and only that, are the fork and rollback tests above.)
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(WitnessTest, ConcurrentSubmissionsNeverRollTheWitnessBack) {
  ExpectCosigned(Submit(log_, 0, 5), log_, 5);
  // The spec's race: two requests from old size 5, to 12 and to 8, checked at once.
  std::vector<Result<WitnessAnswer>> answers;
  for (std::size_t size : {12u, 8u}) {
    std::string body =
        federation::FormatAddCheckpointRequest({5, log_.Proof(5, size), log_.Note(size)}).value();
    std::string submitter = "kab:32.04";
    boost::asio::co_spawn(io_, witness_->AddCheckpoint(std::move(body), std::move(submitter)),
                          [&answers](std::exception_ptr, Result<WitnessAnswer> r) {
                            answers.push_back(std::move(r));
                          });
  }
  io_.restart();
  io_.run();
  ASSERT_EQ(answers.size(), 2u);
  int cosigned = 0;
  std::int64_t winner = 0;
  for (std::size_t i = 0; i < 2; ++i) {
    ASSERT_TRUE(answers[i]) << answers[i].error().message;
    if (!answers[i]->refusal) {
      ++cosigned;
      winner = i == 0 ? 12 : 8;
    } else {
      EXPECT_EQ(*answers[i]->refusal, WitnessRefusal::kOldSizeMismatch);
    }
  }
  EXPECT_EQ(cosigned, 1);
  EXPECT_EQ(Stored()->size, winner);
  // If 12 won, the log-signed 8 arrived after a larger cosigned checkpoint: that is reported as
  // a rollback, which is why a log must offer its checkpoints one at a time, newest last.
  EXPECT_EQ(Alarms().size(), winner == 12 ? 1u : 0u);
}

TEST_F(WitnessTest, WithoutACurrentDirectoryTheWitnessIsUnavailable) {
  const std::string body = federation::FormatAddCheckpointRequest({0, {}, log_.Note(5)}).value();
  now_ += std::chrono::hours(24);  // the directory expired
  auto expired = Submit(body);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(Snapshot(), "alarms=0");
}

TEST(WitnessStoreTest, StateNeverMovesBackAndAlarmsNeverChange) {
  simpul::testing::TempDir dir;
  auto db = store::Database::Open({dir.path() / "coord.db", 1}, store::SchemaMigrations());
  ASSERT_TRUE(db) << db.error().message;
  const WitnessLogRow row{"simpul/kab:32.04", 10, crypto::MerkleHash{1}, "note", 1, 1};
  auto put = [&](WitnessLogRow r) {
    return (*db)->WriteSync<bool>([&r](store::Connection& c) -> Result<bool> {
      auto done = store::WitnessStore::PutLog(c, r);
      if (!done) return tl::unexpected(done.error());
      return true;
    });
  };
  ASSERT_TRUE(put(row));
  WitnessLogRow smaller = row;
  smaller.size = 9;
  EXPECT_FALSE(put(smaller));
  WitnessLogRow other_root = row;
  other_root.root = crypto::MerkleHash{2};
  EXPECT_FALSE(put(other_root));
  WitnessLogRow later = row;
  later.cosigned_at = 2;
  EXPECT_TRUE(put(later));

  WitnessAlarmRow alarm;
  alarm.origin = row.origin;
  auto exec = [&](const char* sql) {
    return (*db)->WriteSync<bool>([sql, &alarm](store::Connection& c) -> Result<bool> {
      if (auto id = store::WitnessStore::InsertAlarm(c, alarm); !id) {
        return tl::unexpected(id.error());
      }
      if (auto r = c.Exec(sql); !r) return tl::unexpected(r.error());
      return true;
    });
  };
  EXPECT_FALSE(exec("UPDATE witness_alarms SET detail = 'nothing to see'"));
  EXPECT_FALSE(exec("DELETE FROM witness_alarms"));
  EXPECT_FALSE(exec("DELETE FROM witness_logs"));
}

}  // namespace
}  // namespace simpul::coord
