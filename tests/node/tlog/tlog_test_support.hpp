#pragma once
// A CaseService test fixture plus the node's checkpointer and log service over the same database,
// signing with a real log key.

#include <memory>
#include <string>

#include "crypto/checkpoint.hpp"
#include "crypto/signed_note.hpp"
#include "federation/witness_protocol.hpp"
#include "node/store/tlog_store.hpp"
#include "node/tlog/checkpointer.hpp"
#include "node/tlog/log_service.hpp"
#include "tests/node/service/service_test_support.hpp"

namespace simpul::tlog::testing {

using service::testing::RunAwait;

class TlogTest : public service::testing::ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    auto signer = crypto::NoteSigner::Create(
        federation::LogOrigin("kab:32.04"),
        crypto::Ed25519KeyPair::FromSeed(log_key_.Seed().view()).value());
    ASSERT_TRUE(signer);
    verifier_key_ = signer->verifier_key();
    checkpointer_ = std::make_unique<Checkpointer>(io_, *db_, std::move(*signer), policy_, clock_);
  }

  void TickOk() {
    auto r = RunAwait(io_, checkpointer_->Tick());
    ASSERT_TRUE(r) << r.error().message;
  }

  std::int64_t LogSize() {
    return db_
        ->ReadSync<std::int64_t>([](store::Connection& c) { return store::TlogStore::Size(c); })
        .value();
  }

  std::optional<store::CheckpointRow> Latest() {
    return db_
        ->ReadSync<std::optional<store::CheckpointRow>>(
            [](store::Connection& c) { return store::TlogStore::LatestCheckpoint(c); })
        .value();
  }

  crypto::Ed25519KeyPair log_key_ = crypto::Ed25519KeyPair::Generate();
  crypto::NoteVerifierKey verifier_key_;
  CheckpointPolicy policy_{std::chrono::seconds(10), 1000};
  std::unique_ptr<Checkpointer> checkpointer_;
};

}  // namespace simpul::tlog::testing
