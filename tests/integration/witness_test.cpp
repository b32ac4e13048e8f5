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
    return crypto::FormatCheckpoint({federation::LogOrigin(kMember), size, crypto::RootOf(prefix),
                                     {}})
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
    return net::co_spawn(io_,
                         federation::AddCheckpoint(*client_, std::move(request), std::move(key),
                                                   timeout),
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
  auto coord_identity = crypto::TlsIdentity::ReadFiles(coord_keys / "federation.crt",
                                                       coord_keys / "federation.key");
  ASSERT_TRUE(coord_identity) << coord_identity.error().message;
  auto client = federation::PeerClient::Create(io_.get_executor(), *identity,
                                               EndpointOf(fed.coordinator()),
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
  NodeApi coord(fed.coordinator().port());
  const std::string token = coord.Login("admin", fed.coordinator().admin_password());
  ApiReply alarms = coord.Get("/api/v1/witness/alarms", token);
  ASSERT_EQ(alarms.status, 200) << alarms.body;
  ASSERT_EQ(alarms.json["alarms"].size(), 1u) << alarms.body;
  const json& alarm = alarms.json["alarms"][0];
  EXPECT_EQ(alarm["kind"], "fork");
  EXPECT_EQ(alarm["origin"], "simpul/kab:32.04");
  EXPECT_EQ(alarm["cosigned"]["checkpoint"], log.Note(12));
  EXPECT_EQ(alarm["submitted"]["checkpoint"], forked.Note(12));
  ApiReply logs = coord.Get("/api/v1/witness/logs", token);
  ASSERT_EQ(logs.status, 200) << logs.body;
  ASSERT_EQ(logs.json["logs"].size(), 1u);
  EXPECT_EQ(logs.json["logs"][0]["size"], 12);
  EXPECT_EQ(logs.json["witness"]["verifier_key"], crypto::FormatNoteVerifierKey(witness_key_));
  EXPECT_EQ(coord.Get("/api/v1/witness/alarms").status, 401);
  const std::string metrics = coord.Get("/metrics").body;
  EXPECT_NE(metrics.find("simpul_witness_cosigned_total 2"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("simpul_witness_alarms{kind=\"fork\"} 1"), std::string::npos);
  EXPECT_NE(metrics.find("simpul_witness_refused_total{reason=\"root_mismatch\"} 1"),
            std::string::npos);

  // A member node is no witness.
  NodeApi other(fed.node(kOther).port());
  EXPECT_EQ(other.Get("/api/v1/witness/logs", fed.Token(kOther)).status, 404);
}

}  // namespace
}  // namespace simpul::testing
