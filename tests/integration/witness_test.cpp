// The coordinator's witness end to end: a real coordinator process, and the test speaking as an
// enrolled member (kab:32.04) with that node's own log key and TLS certificate over mutual TLS.
// The member's checkpoints are cosigned under a key the test learns from the signed directory
// alone; a forked checkpoint is refused and shows up, with both signed notes, in the staff API.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <string>
#include <thread>

#include "crypto/checkpoint.hpp"
#include "crypto/key_file.hpp"
#include "crypto/tls_identity.hpp"
#include "federation/directory.hpp"
#include "federation/peer_client.hpp"
#include "federation/trust_anchor.hpp"
#include "federation/witness_client.hpp"
#include "tests/integration/federation_fixture.hpp"

namespace simpul::testing {
namespace {

namespace net = boost::asio;
using federation::WitnessReply;
using nlohmann::json;

constexpr const char* kMember = "kab:32.04";
constexpr const char* kOther = "kota:32.73";

// The [federation] endpoint written in `process`'s config.
std::string EndpointOf(const NodeProcess& process) {
  std::ifstream in(process.config_path());
  std::stringstream text;
  text << in.rdbuf();
  const std::string cfg = text.str();
  const auto at = cfg.find("endpoint = \"") + 12;
  return cfg.substr(at, cfg.find('"', at) - at);
}

// The value of the sample `series` (name and labels) in a /metrics body; -1 when absent.
double MetricValue(const std::string& metrics, const std::string& series) {
  const auto at = metrics.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(metrics.substr(at + series.size() + 2));
}

// The coordinator's record of the log `origin` from GET /api/v1/witness/logs; null when absent.
json WitnessedLog(NodeApi& coord, const std::string& token, const std::string& origin) {
  ApiReply r = coord.Get("/api/v1/witness/logs", token);
  EXPECT_EQ(r.status, 200) << r.body;
  for (const json& log : r.json["logs"]) {
    if (log["origin"] == origin) return log;
  }
  return nullptr;
}

// The member's log: leaf hashes derived from `salt`, signed with its enrolled log key.
struct MemberLog {
  crypto::NoteSigner signer;
  std::vector<crypto::MerkleHash> leaves;

  MemberLog(crypto::Ed25519KeyPair key, std::string_view salt, std::size_t shared_prefix,
            const MemberLog* base)
      : signer(crypto::NoteSigner::Create(federation::LogOrigin(kMember), std::move(key)).value()) {
    for (std::size_t i = 0; i < 20; ++i) {
      const std::string data = std::string(salt) + std::to_string(i);
      leaves.push_back(base != nullptr && i < shared_prefix
                           ? base->leaves[i]
                           : crypto::LeafHash(crypto::AsBytes(data)));
    }
  }
  std::string Text(std::size_t size) const {
    const std::span<const crypto::MerkleHash> prefix(leaves.data(), size);
    return crypto::FormatCheckpoint(
               {federation::LogOrigin(kMember), size, crypto::RootOf(prefix), {}})
        .value();
  }
  std::string Note(std::size_t size) const { return crypto::SignNote(Text(size), signer).value(); }
};

class WitnessIntegrationTest : public ::testing::Test {
 protected:
  void TearDown() override {
    guard_.reset();
    io_.stop();
    if (io_thread_.joinable()) io_thread_.join();
  }

  // Sends one add-checkpoint from the member to the coordinator's witness.
  Result<WitnessReply> Submit(std::uint64_t old_size, crypto::MerkleProof proof, std::string note) {
    federation::AddCheckpointRequest request{old_size, std::move(proof), std::move(note)};
    crypto::NoteVerifierKey key = witness_key_;
    const std::chrono::milliseconds timeout(5000);
    return net::co_spawn(
               io_,
               federation::AddCheckpoint(*client_, std::move(request), std::move(key), timeout),
               net::use_future)
        .get();
  }

  net::io_context io_;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> guard_{
      net::make_work_guard(io_)};
  std::thread io_thread_{[this] { io_.run(); }};
  std::unique_ptr<federation::PeerClient> client_;
  crypto::NoteVerifierKey witness_key_;
};

TEST_F(WitnessIntegrationTest, MemberCheckpointsAreCosignedAndAForkIsAnAlarm) {
  Federation fed;
  fed.Build({{kMember, "32.04", {"--class", "regency"}}, {kOther, "32.73", {"--class", "city"}}});
  if (HasFatalFailure()) return;
  fed.StartAll({kMember});
  if (HasFatalFailure()) return;

  // The member's enrolled keys and certificate; the coordinator's pin.
  const auto keys = fed.node(kMember).dir() / "data" / "keys";
  auto log_key = crypto::ReadKeyFile(keys / "log.key");
  ASSERT_TRUE(log_key) << log_key.error().message;
  auto identity = crypto::TlsIdentity::ReadFiles(keys / "federation.crt", keys / "federation.key");
  ASSERT_TRUE(identity) << identity.error().message;
  const auto coord_keys = fed.coordinator().dir() / "data" / "keys";
  auto coord_identity =
      crypto::TlsIdentity::ReadFiles(coord_keys / "federation.crt", coord_keys / "federation.key");
  ASSERT_TRUE(coord_identity) << coord_identity.error().message;
  auto client =
      federation::PeerClient::Create(io_.get_executor(), *identity, EndpointOf(fed.coordinator()),
                                     coord_identity->spki_sha256_hex());
  ASSERT_TRUE(client) << client.error().message;
  client_ = std::move(*client);

  // The witness key, from the signed directory alone (fetched over mutual TLS, checked against
  // the trust anchor every member installs).
  std::string target = "/federation/v1/directory", empty, no_type;
  auto fetched = net::co_spawn(io_,
                               client_->Request(federation::PeerMethod::kGet, std::move(target),
                                                std::move(empty), std::move(no_type),
                                                std::chrono::milliseconds(5000)),
                               net::use_future)
                     .get();
  ASSERT_TRUE(fetched && fetched->status == 200);
  auto anchor = federation::ReadTrustAnchor(fed.coordinator().dir() / "anchor.json");
  ASSERT_TRUE(anchor) << anchor.error().message;
  auto directory = federation::ReopenDirectory(fetched->body, *anchor);
  ASSERT_TRUE(directory) << directory.error().message;
  const auto witness_keys = federation::WitnessKeysFromDirectory(*directory);
  ASSERT_EQ(witness_keys.size(), 1u);
  witness_key_ = witness_keys[0];
  EXPECT_EQ(witness_key_.name, "simpul/witness/coord:panrb");

  const MemberLog log(std::move(*log_key), "event-", 0, nullptr);
  // First checkpoint, then growth with a consistency proof: both cosigned.
  auto first = Submit(0, {}, log.Note(5));
  ASSERT_TRUE(first) << first.error().message << "\n" << fed.coordinator().LogTail();
  ASSERT_TRUE(std::holds_alternative<federation::WitnessCosigned>(*first));
  auto grown = Submit(5, crypto::ConsistencyProof(log.leaves, 5, 12).value(), log.Note(12));
  ASSERT_TRUE(grown) << grown.error().message;
  const auto* cosigned = std::get_if<federation::WitnessCosigned>(&*grown);
  ASSERT_NE(cosigned, nullptr) << std::get<federation::WitnessRefused>(*grown).message;
  // The cosigned note verifies offline: the log's signature and the witness's cosignature.
  auto log_keys = federation::LogKeysFromDirectory(*directory, kMember);
  ASSERT_TRUE(log_keys);
  auto opened = crypto::OpenNote(cosigned->cosigned_note, *log_keys);
  ASSERT_TRUE(opened) << opened.error().message;
  ASSERT_EQ(opened->unknown.size(), 1u);
  EXPECT_TRUE(crypto::VerifyCosignature(witness_key_, log.Text(12), opened->unknown[0]));

  // A stale old size: 409 naming the witness's size.
  auto stale = Submit(5, crypto::ConsistencyProof(log.leaves, 5, 20).value(), log.Note(20));
  ASSERT_TRUE(stale) << stale.error().message;
  ASSERT_TRUE(std::holds_alternative<federation::WitnessConflict>(*stale));
  EXPECT_EQ(std::get<federation::WitnessConflict>(*stale).known_size, 12u);

  // A fork: the same log key signs another history of size 12.
  const MemberLog forked(crypto::ReadKeyFile(keys / "log.key").value(), "other-", 7, &log);
  auto fork = Submit(12, {}, forked.Note(12));
  ASSERT_TRUE(fork) << fork.error().message;
  const auto* refused = std::get_if<federation::WitnessRefused>(&*fork);
  ASSERT_NE(refused, nullptr);
  EXPECT_EQ(refused->status, 409);
  EXPECT_EQ(refused->code, "root_mismatch");

  // Staff see the alarm with both signed notes, and the witnessed log.
  // (The running kota:32.73 has its own log witnessed meanwhile, without alarms.)
  NodeApi coord(fed.coordinator().port());
  const std::string token = fed.CoordinatorToken();
  ApiReply alarms = coord.Get("/api/v1/witness/alarms", token);
  ASSERT_EQ(alarms.status, 200) << alarms.body;
  ASSERT_EQ(alarms.json["alarms"].size(), 1u) << alarms.body;
  const json& alarm = alarms.json["alarms"][0];
  EXPECT_EQ(alarm["kind"], "fork");
  EXPECT_EQ(alarm["origin"], "simpul/kab:32.04");
  EXPECT_EQ(alarm["cosigned"]["checkpoint"], log.Note(12));
  EXPECT_EQ(alarm["submitted"]["checkpoint"], forked.Note(12));
  const json member_log = WitnessedLog(coord, token, "simpul/kab:32.04");
  EXPECT_EQ(member_log["size"], 12);
  EXPECT_EQ(member_log["checkpoint"], log.Note(12));
  EXPECT_EQ(coord.Get("/api/v1/witness/logs", token).json["witness"]["verifier_key"],
            crypto::FormatNoteVerifierKey(witness_key_));
  EXPECT_EQ(coord.Get("/api/v1/witness/alarms").status, 401);
  const std::string metrics = coord.Get("/metrics").body;
  EXPECT_GE(MetricValue(metrics, "simpul_witness_cosigned_total"), 2) << metrics;
  EXPECT_EQ(MetricValue(metrics, "simpul_witness_alarms{kind=\"fork\"}"), 1);
  EXPECT_EQ(MetricValue(metrics, "simpul_witness_refused_total{reason=\"root_mismatch\"}"), 1);

  // A member node is no witness.
  NodeApi other(fed.node(kOther).port());
  EXPECT_EQ(other.Get("/api/v1/witness/logs", fed.Token(kOther)).status, 404);
}

// With the node's own checkpointer: a real regency's log grows under the real coordinator's
// witness — the first checkpoint from old size 0, each later one with a consistency proof from the
// size the witness holds — and the witness records exactly what the regency holds as witnessed,
// with no alarm and no refusal.
TEST_F(WitnessIntegrationTest, ARealNodesGrowingLogIsCosignedCheckpointByCheckpoint) {
  Federation fed;
  fed.Build({{kMember, "32.04", {"--class", "regency"}}});
  if (HasFatalFailure()) return;
  fed.StartAll();
  if (HasFatalFailure()) return;
  NodeApi regency(fed.node(kMember).port());
  NodeApi coord(fed.coordinator().port());
  const std::string token = fed.CoordinatorToken();
  const std::string origin = federation::LogOrigin(kMember);

  std::vector<std::int64_t> cosigned_sizes;
  for (int round = 0; round < 3; ++round) {
    ApiReply filed = regency.Submit(SampleComplaint());
    ASSERT_EQ(filed.status, 201) << filed.body;
    const std::int64_t must_cover = filed.json["log_index"].get<std::int64_t>() + 1;
    json log;
    const bool covered = Federation::Eventually([&] {
      log = WitnessedLog(coord, token, origin);
      return log.is_object() && log["size"].get<std::int64_t>() >= must_cover;
    });
    ASSERT_TRUE(covered) << log.dump() << fed.node(kMember).LogTail()
                         << fed.coordinator().LogTail();
    cosigned_sizes.push_back(log["size"]);
  }
  EXPECT_LT(cosigned_sizes.front(), cosigned_sizes.back());

  // The regency's own view agrees with the witness's record.
  EXPECT_TRUE(Federation::Eventually([&] {
    const json now_witnessed = WitnessedLog(coord, token, origin);
    return MetricValue(regency.Get("/metrics").body, "simpul_tlog_witnessed_size") ==
           now_witnessed["size"].get<double>();
  }));
  EXPECT_EQ(coord.Get("/api/v1/witness/alarms", token).json["alarms"].size(), 0u);
  const std::string metrics = coord.Get("/metrics").body;
  for (const char* reason :
       {"malformed", "unverified", "unknown_origin", "root_mismatch", "inconsistent"}) {
    EXPECT_EQ(MetricValue(metrics,
                          std::string("simpul_witness_refused_total{reason=\"") + reason + "\"}"),
              0)
        << reason;
  }
  EXPECT_EQ(MetricValue(regency.Get("/metrics").body, "simpul_tlog_witness_refusals_total"), 0);
}

}  // namespace
}  // namespace simpul::testing
