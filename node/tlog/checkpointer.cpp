#include "node/tlog/checkpointer.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>
#include <optional>

#include "crypto/checkpoint.hpp"
#include "node/log.hpp"
#include "node/store/tlog_audit_store.hpp"
#include "node/store/tlog_store.hpp"
#include "node/tlog/source_audit.hpp"

namespace simpul::tlog {

namespace net = boost::asio;
using store::CheckpointRow;
using store::Connection;
using store::TlogStore;

namespace {

constexpr auto kTick = std::chrono::seconds(1);

std::int64_t Millis(service::Clock::result_type t) { return t.time_since_epoch().count(); }

// What the witness is offered: the newest signed checkpoint when no witness cosigned it yet, the
// size the witness last cosigned, and the proof between the two.
struct Offer {
  CheckpointRow checkpoint;
  std::int64_t old_size = 0;
  crypto::MerkleProof proof;
};

Result<std::optional<Offer>> PrepareOffer(Connection& c, std::optional<std::int64_t> old_size) {
  auto latest = TlogStore::LatestCheckpoint(c);
  if (!latest) return tl::unexpected(latest.error());
  if (!*latest || (*latest)->witnessed_at) return std::optional<Offer>();
  Offer offer{std::move(**latest), 0, {}};
  if (old_size) {
    offer.old_size = *old_size;
  } else {
    auto witnessed = TlogStore::LatestWitnessed(c);
    if (!witnessed) return tl::unexpected(witnessed.error());
    offer.old_size = *witnessed ? (*witnessed)->size : 0;
  }
  if (offer.old_size > offer.checkpoint.size) {
    return Fail(ErrorCode::kConflict,
                "the witness knows a larger checkpoint (" + std::to_string(offer.old_size) +
                    ") than this node's newest (" + std::to_string(offer.checkpoint.size) +
                    "): the log was rolled back");
  }
  auto proof = TlogStore::ConsistencyProof(c, offer.old_size, offer.checkpoint.size);
  if (!proof) return tl::unexpected(proof.error());
  offer.proof = std::move(*proof);
  return std::optional<Offer>(std::move(offer));
}

}  // namespace

Checkpointer::Checkpointer(net::io_context& io, store::Database& db, crypto::NoteSigner signer,
                           CheckpointPolicy policy, service::Clock clock)
    : io_(io),
      db_(db),
      signer_(std::move(signer)),
      origin_(signer_.verifier_key().name),
      policy_(policy),
      clock_(std::move(clock)),
      timer_(io) {}

void Checkpointer::Start() { net::co_spawn(io_, Loop(), net::detached); }

void Checkpointer::Stop() {
  net::post(io_, [this] { timer_.cancel(); });
}

CheckpointerStatus Checkpointer::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

void Checkpointer::Record(const std::function<void(CheckpointerStatus&)>& change) {
  std::lock_guard lock(mu_);
  change(status_);
}

net::awaitable<void> Checkpointer::Loop() {
  for (;;) {
    auto done = co_await Tick();
    if (!done) {
      LogEvent(spdlog::level::warn, "checkpoint_failed", {{"error", done.error().message}});
    }
    timer_.expires_after(kTick);
    auto [ec] = co_await timer_.async_wait(net::as_tuple(net::use_awaitable));
    if (ec) co_return;
  }
}

net::awaitable<Result<void>> Checkpointer::Tick() {
  if (!status().audited) {
    auto audited = co_await Audit();
    if (!audited) co_return audited;
  }
  if (!status().broken.empty()) co_return Result<void>{};
  auto signed_now = co_await SignIfDue();
  if (!signed_now) co_return signed_now;
  if (!witness_) co_return Result<void>{};
  co_return co_await OfferToWitness();
}

net::awaitable<Result<void>> Checkpointer::Audit() {
  // The O(n) pass runs on a reader so writes go on meanwhile; only a damaged cache takes the
  // writer, for a second pass that repairs it.
  auto repaired = co_await db_.Read<std::int64_t>(
      [](Connection& c) { return TlogStore::VerifySubtreeCache(c, false); });
  if (repaired && *repaired > 0) {
    repaired = co_await db_.Write<std::int64_t>(
        [](Connection& c) { return TlogStore::VerifySubtreeCache(c, true); });
  }
  if (!repaired && repaired.error().code != ErrorCode::kInternal) {
    co_return tl::unexpected(repaired.error());
  }
  const std::string broken = repaired ? "" : repaired.error().message;
  const std::int64_t repairs = repaired.value_or(0);
  Record([&](CheckpointerStatus& s) {
    s.audited = true;
    s.broken = broken;
    s.cache_repairs = repairs;
  });
  if (!broken.empty()) {
    LogEvent(spdlog::level::critical, "tlog_broken",
             {{"error", broken},
              {"hint", "the log's leaves were altered; the coordinator must investigate"}});
  } else if (repairs > 0) {
    LogEvent(spdlog::level::warn, "tlog_cache_repaired", {{"entries", repairs}});
  }
  auto sources = co_await AuditSources();
  co_return sources;
}

net::awaitable<Result<void>> Checkpointer::AuditSources() {
  auto audit = co_await db_.Read<SourceAudit>([](Connection& c) { return tlog::AuditSources(c); });
  if (!audit) co_return tl::unexpected(audit.error());
  std::string findings;
  for (const auto& f : audit->findings) (findings += f) += '\n';
  const store::AuditRow row{Millis(clock_()), audit->cases, audit->events, audit->mismatches,
                            findings};
  auto recorded = co_await db_.Write<bool>([&](Connection& c) -> Result<bool> {
    if (auto r = store::TlogAuditStore::Insert(c, row); !r) return tl::unexpected(r.error());
    return true;
  });
  if (!recorded) co_return tl::unexpected(recorded.error());
  const std::int64_t mismatches = audit->mismatches;
  Record([&](CheckpointerStatus& s) { s.source_mismatches = mismatches; });
  if (mismatches > 0) {
    LogEvent(spdlog::level::critical, "tlog_source_mismatch",
             {{"cases", mismatches},
              {"first", audit->findings.front()},
              {"hint",
               "complaint rows were altered outside Simpul; the log and citizens' "
               "receipts still prove the original; report it to the coordinator"}});
  } else {
    LogEvent(spdlog::level::info, "tlog_source_audit",
             {{"cases", audit->cases}, {"events", audit->events}});
  }
  co_return Result<void>{};
}

net::awaitable<Result<void>> Checkpointer::SignIfDue() {
  const std::int64_t now = Millis(clock_());
  const std::int64_t interval_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(policy_.interval).count();
  auto made = co_await db_.Write<std::optional<CheckpointRow>>(
      [&](Connection& c) -> Result<std::optional<CheckpointRow>> {
        auto size = TlogStore::Size(c);
        if (!size) return tl::unexpected(size.error());
        auto latest = TlogStore::LatestCheckpoint(c);
        if (!latest) return tl::unexpected(latest.error());
        const std::int64_t last_size = *latest ? (*latest)->size : 0;
        const std::int64_t last_at = *latest ? (*latest)->created_at : 0;
        const bool due = now - last_at >= interval_ms || *size - last_size >= policy_.max_leaves;
        if (*size <= last_size || !due) return std::optional<CheckpointRow>();
        CheckpointRow row;
        row.size = *size;
        auto root = TlogStore::Root(c, row.size);
        if (!root) return tl::unexpected(root.error());
        row.root = *root;
        auto body =
            crypto::FormatCheckpoint({origin_, static_cast<std::uint64_t>(row.size), row.root, {}});
        if (!body) return tl::unexpected(body.error());
        auto note = crypto::SignNote(*body, signer_);
        if (!note) return tl::unexpected(note.error());
        row.note = std::move(*note);
        row.created_at = now;
        if (auto r = TlogStore::InsertCheckpoint(c, row); !r) return tl::unexpected(r.error());
        return std::optional<CheckpointRow>(std::move(row));
      });
  if (!made) co_return tl::unexpected(made.error());
  if (*made) {
    const std::int64_t size = (*made)->size;
    Record([&](CheckpointerStatus& s) {
      ++s.checkpoints_signed;
      s.latest_size = size;
    });
  }
  co_return Result<void>{};
}

net::awaitable<Result<void>> Checkpointer::OfferToWitness() {
  std::optional<std::int64_t> old_size;
  // A conflict answer names the size the witness holds; the offer is remade once from there.
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto offer = co_await db_.Read<std::optional<Offer>>(
        [&](Connection& c) { return PrepareOffer(c, old_size); });
    if (!offer) co_return tl::unexpected(offer.error());
    if (!*offer) co_return Result<void>{};
    const std::int64_t size = (*offer)->checkpoint.size;
    std::int64_t from = (*offer)->old_size;
    crypto::MerkleProof proof = std::move((*offer)->proof);
    std::string note = (*offer)->checkpoint.note;
    auto answer = co_await witness_(from, std::move(proof), std::move(note));
    if (!answer) {
      const std::string error = answer.error().message;
      Record([&](CheckpointerStatus& s) { s.last_witness_error = error; });
      co_return Result<void>{};  // unreachable witness: the next tick tries again
    }
    if (answer->kind == WitnessAnswer::Kind::kConflict && attempt == 0) {
      old_size = answer->witness_size;
      continue;
    }
    if (answer->kind != WitnessAnswer::Kind::kCosigned) {
      const std::string error = answer->kind == WitnessAnswer::Kind::kConflict
                                    ? "witness holds size " + std::to_string(answer->witness_size)
                                    : answer->error;
      Record([&](CheckpointerStatus& s) {
        ++s.witness_refusals;
        s.last_witness_error = error;
      });
      LogEvent(spdlog::level::err, "checkpoint_refused_by_witness",
               {{"size", size}, {"error", error}});
      co_return Result<void>{};
    }
    const std::string cosigned = (*offer)->checkpoint.note + answer->cosignatures;
    const std::int64_t now = Millis(clock_());
    auto stored = co_await db_.Write<bool>([&](Connection& c) -> Result<bool> {
      if (auto r = TlogStore::SetCosigned(c, size, cosigned, now); !r) {
        return tl::unexpected(r.error());
      }
      return true;
    });
    if (!stored) co_return tl::unexpected(stored.error());
    Record([&](CheckpointerStatus& s) {
      s.witnessed_size = size;
      s.last_witness_error.clear();
    });
    co_return Result<void>{};
  }
  co_return Result<void>{};
}

}  // namespace simpul::tlog
