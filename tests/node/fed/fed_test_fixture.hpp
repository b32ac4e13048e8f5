#pragma once
// Test fixture: the federation core of node "prov:32" (West Java province) composed as the node
// composes it — a signed directory, a real SQLite database with the node schema, CaseService,
// FederationState, Outbox, EscalationExchange, CaseExchange and Inbox — and two peers that seal
// envelopes to it: "kab:32.04" (a regency) and "kl:kemenkes" (the health ministry), each with its
// directory message key. Tests drive Inbox::Receive with RunAwait and read the database back to
// check what changed.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "crypto/ed25519.hpp"
#include "crypto/secretbox.hpp"
#include "crypto/uuid.hpp"
#include "federation/envelope.hpp"
#include "federation/envelope_verify.hpp"
#include "node/domain/calendar.hpp"
#include "node/fed/case_exchange.hpp"
#include "node/fed/escalation_exchange.hpp"
#include "node/fed/federation_state.hpp"
#include "node/fed/inbox.hpp"
#include "node/fed/outbox.hpp"
#include "node/service/case_service.hpp"
#include "node/service/catalog.hpp"
#include "node/store/blob_store.hpp"
#include "node/store/federation_store.hpp"
#include "node/store/schema.hpp"
#include "tests/federation/directory_test_fixture.hpp"
#include "tests/node/service/run_await.hpp"
#include "tests/node/service/service_test_support.hpp"
#include "tests/support/temp_dir.hpp"

namespace simpul::fed::testing {

using federation::EnvelopeDraft;
using federation::MessageType;
using nlohmann::json;

inline constexpr std::string_view kSelf = "prov:32";
inline constexpr std::string_view kRegency = "kab:32.04";
inline constexpr std::string_view kMinistry = "kl:kemenkes";
// Message key seeds of the nodes in federation::testing::SampleDocument().
inline constexpr std::uint8_t kSelfKeySeed = 20;
inline constexpr std::uint8_t kRegencyKeySeed = 30;
inline constexpr std::uint8_t kMinistryKeySeed = 50;

// One peer's stream to this node: "<from>>prov:32", sealed in seq order.
struct PeerStream {
  std::string from;
  crypto::Ed25519KeyPair key;
  std::vector<std::string> sealed;  // seq 1 first
};

// What a test checks did not change: every table the inbox or a case action writes, and the
// receiving streams' heads.
struct Snapshot {
  std::int64_t cases = 0, events = 0, inbox = 0, evidence = 0, outbox = 0, links = 0;
  std::string heads;  // "sender/stream/last_seq/last_hash;..."

  bool operator==(const Snapshot&) const = default;
};

inline std::ostream& operator<<(std::ostream& os, const Snapshot& s) {
  return os << "{cases " << s.cases << ", events " << s.events << ", inbox " << s.inbox
            << ", evidence " << s.evidence << ", outbox " << s.outbox << ", links " << s.links
            << ", heads " << s.heads << "}";
}

// The complaint of `tracking_id` as a peer forwards it.
inline std::string ForwardBody(std::string_view tracking_id, std::string_view origin) {
  json c = {{"tracking_id", tracking_id},
            {"classification", "complaint"},
            {"category", "infrastruktur.jalan"},
            {"title", "Jalan berlubang di Desa Sukamaju"},
            {"body", "Lubang besar di depan balai desa membahayakan pengendara motor."},
            {"region", "32.04"},
            {"anonymous", false},
            {"confidential", false},
            {"submitted_at", 1'783'000'000'000},
            {"origin", origin}};
  return json{{"case", std::move(c)}}.dump();
}

class FedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::Database::Open({dir_.path() / "node.db", 2}, store::SchemaMigrations());
    ASSERT_TRUE(db.has_value()) << db.error().message;
    db_ = std::move(*db);
    blobs_ = std::make_unique<store::BlobStore>(dir_.path() / "attachments");
    catalog_ = std::make_unique<service::Catalog>(*db_, domain::RegionRegistry::Builtin());
    ASSERT_TRUE(catalog_->Load().has_value());
    auto calendar =
        domain::WorkingCalendar::FromIsoDates(domain::kWib, domain::IndonesianHolidays2026());
    ASSERT_TRUE(calendar.has_value());
    calendar_.emplace(std::move(*calendar));
    cases_ = std::make_unique<service::CaseService>(
        service::CaseServiceConfig{std::string(kSelf), "PROV32", {}, {}, {}}, *db_, *blobs_,
        *catalog_, *calendar_, signer_, data_key_, clock_);
    state_ =
        std::make_unique<FederationState>(std::string(kSelf), federation::testing::SampleAnchor(),
                                          federation::testing::KeyFromByte(kSelfKeySeed));
    UseDirectory(Document());
    outbox_ = std::make_unique<Outbox>(*state_, clock_);
    escalations_ = std::make_unique<EscalationExchange>(*state_, *outbox_, clock_);
    exchange_ = std::make_unique<CaseExchange>(*state_, *outbox_, *cases_, *escalations_);
    cases_->SetHooks(exchange_.get());
    cases_->SetEscalationHooks(escalations_.get());
    inbox_ = std::make_unique<Inbox>(*state_, *db_, *outbox_, *exchange_, clock_);
  }

  std::int64_t NowMs() const { return now_.time_since_epoch().count(); }

  // The sample directory, issued an hour ago and valid for another 23 hours.
  federation::DirectoryDocument Document() const {
    auto doc = federation::testing::SampleDocument();
    doc.issued_at = NowMs() - federation::testing::kHour;
    doc.expires_at = NowMs() + 23 * federation::testing::kHour;
    return doc;
  }
  // The entry of node `id` in `doc`.
  static federation::NodeEntry& NodeOf(federation::DirectoryDocument& doc, std::string_view id) {
    for (auto& node : doc.nodes) {
      if (node.id == id) return node;
    }
    ADD_FAILURE() << id << " is not in the directory";
    return doc.nodes.at(0);
  }
  // The first message key of node `id` in `doc` (made from its seed above).
  static federation::NodeKey& MessageKeyOf(federation::DirectoryDocument& doc,
                                           std::string_view id) {
    return NodeOf(doc, id).keys.at(0);
  }
  // Signs `doc` with the coordinator key and puts it in force.
  void UseDirectory(const federation::DirectoryDocument& doc) {
    directory_ =
        std::make_shared<const federation::Directory>(federation::testing::SignedDirectory(doc));
    state_->SetDirectory(directory_);
  }

  // The draft of the next envelope of `peer`'s stream (not yet sealed).
  EnvelopeDraft NextDraft(const PeerStream& peer, MessageType type, std::string case_id,
                          std::string body) const {
    EnvelopeDraft d;
    d.type = type;
    d.msg_id = crypto::NewUuidV7(now_);
    d.from = peer.from;
    d.to = std::string(kSelf);
    d.stream = StreamName(peer.from, kSelf);
    d.seq = static_cast<std::int64_t>(peer.sealed.size()) + 1;
    d.prev = peer.sealed.empty() ? "" : Hash(peer.sealed.back());
    d.created_at = now_;
    d.dir_version = directory_->version();
    d.case_id = std::move(case_id);
    d.body = std::move(body);
    return d;
  }
  static std::string Seal(const EnvelopeDraft& draft, const crypto::Ed25519KeyPair& key) {
    auto bytes = federation::SealEnvelope(draft, key);
    EXPECT_TRUE(bytes.has_value()) << bytes.error().message;
    return bytes.value_or("");
  }
  static std::string Hash(std::string_view envelope) {
    auto hash = federation::EnvelopeHash(envelope);
    EXPECT_TRUE(hash.has_value()) << hash.error().message;
    return hash.value_or("");
  }
  // Seals the next envelope of `peer`'s stream and appends it to the stream.
  std::string Next(PeerStream& peer, MessageType type, std::string case_id, std::string body) {
    auto bytes = Seal(NextDraft(peer, type, std::move(case_id), std::move(body)), peer.key);
    peer.sealed.push_back(bytes);
    return bytes;
  }
  std::string NextForward(PeerStream& peer, const std::string& tracking_id) {
    return Next(peer, MessageType::kCaseForward, tracking_id, ForwardBody(tracking_id, peer.from));
  }

  // Inbox::Receive of the newline-joined `envelopes` from TLS peer `peer`, by `inbox` (the
  // fixture's unless given), with `trace` as the sender's X-Simpul-Request-Ids gave it.
  Result<std::vector<InboxOutcome>> Receive(std::string peer,
                                            const std::vector<std::string>& envelopes,
                                            InboxTrace trace = {}, Inbox* inbox = nullptr) {
    std::string body;
    for (const auto& e : envelopes) body += e + "\n";
    auto receiving =
        (inbox ? inbox : inbox_.get())->Receive(std::move(peer), std::move(body), std::move(trace));
    return simpul::testing::RunAwait(io_, std::move(receiving));
  }
  // The msg_id of a sealed envelope.
  static std::string MsgIdOf(const std::string& envelope) {
    return json::parse(envelope).at("msg_id").get<std::string>();
  }
  // Receives one envelope and returns its outcome.
  InboxOutcome ReceiveOne(std::string peer, const std::string& envelope) {
    auto outcomes = Receive(std::move(peer), {envelope});
    EXPECT_TRUE(outcomes.has_value()) << outcomes.error().message;
    if (!outcomes || outcomes->size() != 1) {
      ADD_FAILURE() << "expected exactly one outcome";
      return {};
    }
    return outcomes->front();
  }

  // Runs `read` on a reader connection and returns its value.
  template <class T, class F>
  T Read(F read) {
    auto r = db_->ReadSync<T>([&](store::Connection& c) -> Result<T> { return read(c); });
    EXPECT_TRUE(r.has_value()) << r.error().message;
    return r ? std::move(*r) : T{};
  }
  Snapshot Take() {
    return Read<Snapshot>([](store::Connection& c) -> Result<Snapshot> {
      auto s = c.Prepare(
          "SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM case_events), "
          "(SELECT count(*) FROM fed_inbox), (SELECT count(*) FROM fed_evidence), "
          "(SELECT count(*) FROM fed_outbox), (SELECT count(*) FROM fed_case_links), "
          "(SELECT coalesce(group_concat(sender || '/' || stream || '/' || last_seq || '/' || "
          "last_hash, ';'), '') FROM (SELECT * FROM fed_streams_in ORDER BY sender, stream))");
      if (!s) return tl::unexpected(s.error());
      auto row = s->Step();
      if (!row) return tl::unexpected(row.error());
      return Snapshot{s->Int(0), s->Int(1), s->Int(2), s->Int(3), s->Int(4), s->Int(5), s->Text(6)};
    });
  }
  std::optional<store::CaseRecord> FindCase(const std::string& tracking_id) {
    return Read<std::optional<store::CaseRecord>>(
        [&](store::Connection& c) -> Result<std::optional<store::CaseRecord>> {
          auto rec = store::CaseStore::FindByTrackingId(c, tracking_id);
          if (!rec && rec.error().code == ErrorCode::kNotFound) return std::nullopt;
          if (!rec) return tl::unexpected(rec.error());
          return std::optional<store::CaseRecord>(std::move(*rec));
        });
  }
  std::vector<store::EventRecord> EventsOf(std::int64_t case_id) {
    return Read<std::vector<store::EventRecord>>(
        [&](store::Connection& c) { return store::CaseStore::Events(c, case_id); });
  }
  std::optional<store::CaseLink> LinkOf(std::int64_t case_id) {
    return Read<std::optional<store::CaseLink>>(
        [&](store::Connection& c) { return store::FederationStore::FindLink(c, case_id); });
  }
  store::StreamHead HeadOf(const PeerStream& peer) {
    return Read<store::StreamHead>([&](store::Connection& c) {
      return store::FederationStore::InHead(c, peer.from, StreamName(peer.from, kSelf));
    });
  }
  std::optional<store::InboxRow> InboxAt(const PeerStream& peer, std::int64_t seq) {
    return Read<std::optional<store::InboxRow>>([&](store::Connection& c) {
      return store::FederationStore::InboxAt(c, peer.from, StreamName(peer.from, kSelf), seq);
    });
  }
  // Envelopes waiting in the outbox for `dest`, in seq order.
  std::vector<store::OutboxRow> OutboxTo(std::string_view dest) {
    return Read<std::vector<store::OutboxRow>>(
        [&](store::Connection& c) { return store::FederationStore::PendingOutbox(c, dest, 100); });
  }
  // The last equivocation evidence recorded.
  struct EvidenceRow {
    std::string sender, kind, msg_id, first, second;
  };
  EvidenceRow LastEvidence() {
    return Read<EvidenceRow>([](store::Connection& c) -> Result<EvidenceRow> {
      auto s = c.Prepare(
          "SELECT sender, kind, msg_id, first, second FROM fed_evidence ORDER BY id DESC LIMIT 1");
      if (!s) return tl::unexpected(s.error());
      auto row = s->Step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) return EvidenceRow{};
      return EvidenceRow{s->Text(0), s->Text(1), s->Text(2), s->Text(3), s->Text(4)};
    });
  }

  simpul::testing::TempDir dir_;
  domain::TimePoint now_ = service::testing::MondayMorning();
  service::Clock clock_ = [this] { return now_; };
  // Declared before the database: members die in reverse order, so the database joins its
  // threads (which post job results to io_) before io_ is destroyed.
  boost::asio::io_context io_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::BlobStore> blobs_;
  std::unique_ptr<service::Catalog> catalog_;
  std::optional<domain::WorkingCalendar> calendar_;
  crypto::Ed25519KeyPair signer_ = crypto::Ed25519KeyPair::Generate();
  crypto::SecretBoxKey data_key_ = crypto::SecretBoxKey::Generate();
  std::unique_ptr<service::CaseService> cases_;
  std::shared_ptr<const federation::Directory> directory_;
  std::unique_ptr<FederationState> state_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<EscalationExchange> escalations_;
  std::unique_ptr<CaseExchange> exchange_;
  std::unique_ptr<Inbox> inbox_;

  PeerStream regency_{std::string(kRegency), federation::testing::KeyFromByte(kRegencyKeySeed), {}};
  PeerStream ministry_{
      std::string(kMinistry), federation::testing::KeyFromByte(kMinistryKeySeed), {}};
  const service::Principal verifier_{101, "verifikator", service::Role::kVerifier, std::nullopt,
                                     ""};
};

}  // namespace simpul::fed::testing
