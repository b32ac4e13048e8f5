#include "node/fed/inbox.hpp"

#include <nlohmann/json.hpp>

#include <map>

#include "crypto/uuid.hpp"
#include "federation/envelope.hpp"
#include "federation/envelope_stream.hpp"
#include "node/log.hpp"
#include "node/store/federation_store.hpp"

namespace simpul::fed {

using federation::VerifiedEnvelope;
using nlohmann::json;
using store::Connection;
using store::FederationStore;
using store::InboxRow;
using store::InboxState;

struct Inbox::Batch {
  std::string peer;
  InboxTrace trace;
  std::shared_ptr<const federation::Directory> directory;
  std::int64_t now_ms = 0;
  std::vector<std::optional<VerifiedEnvelope>> envelopes;  // nullopt: rejected by verification
  std::vector<InboxOutcome> outcomes;
  InboxCounters counted;
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> gaps;  // sender → [from, to]
};

namespace {

bool IsTransient(ErrorCode code) {
  return code == ErrorCode::kUnavailable || code == ErrorCode::kInternal;
}

std::vector<std::string_view> SplitLines(std::string_view body) {
  std::vector<std::string_view> lines;
  while (!body.empty()) {
    auto nl = body.find('\n');
    auto line = body.substr(0, nl);
    if (!line.empty()) lines.push_back(line);
    if (nl == std::string_view::npos) break;
    body.remove_prefix(nl + 1);
  }
  return lines;
}

federation::VerifyContext ContextFor(const federation::Directory& dir, std::string_view self,
                                     std::string_view peer, std::int64_t now_ms) {
  return federation::VerifyContext{
      .keys = dir,
      .self_id = self,
      .tls_peer_id = peer,
      .now = federation::EnvelopeTime(std::chrono::milliseconds(now_ms)),
      .max_clock_skew = std::chrono::milliseconds(dir.document().policy.allowed_clock_skew_ms)};
}

std::string MsgIdOf(std::string_view line) {
  auto j = json::parse(line, nullptr, false);
  if (j.is_object() && j.contains("msg_id") && j["msg_id"].is_string()) {
    return j["msg_id"].get<std::string>().substr(0, 64);
  }
  return "";
}

// What the inbox kept of a held envelope that no longer verifies: enough to skip it in its stream.
VerifiedEnvelope StoredEnvelope(const InboxRow& row) {
  VerifiedEnvelope env;
  env.type = federation::ParseMessageType(row.type).value_or(env.type);
  env.msg_id = row.msg_id;
  env.from = row.sender;
  env.stream = row.stream;
  env.seq = row.seq;
  const auto j = json::parse(row.envelope, nullptr, false);
  if (j.is_object() && j.contains("prev") && j["prev"].is_string()) env.prev = j["prev"];
  env.case_id = row.case_ref;
  env.bytes = row.envelope;
  env.hash = row.hash;
  return env;
}

}  // namespace

Inbox::Inbox(FederationState& state, store::Database& db, Outbox& outbox, EnvelopeApplier& applier,
             service::Clock clock)
    : state_(state), db_(db), outbox_(outbox), applier_(applier), clock_(std::move(clock)) {}

InboxCounters Inbox::counters() const {
  std::lock_guard lock(mu_);
  return counters_;
}

boost::asio::awaitable<Result<std::vector<InboxOutcome>>> Inbox::Receive(std::string peer,
                                                                         std::string body,
                                                                         InboxTrace trace) {
  auto batch = std::make_shared<Batch>();
  batch->peer = std::move(peer);
  batch->trace = std::move(trace);
  batch->now_ms = clock_().time_since_epoch().count();
  batch->directory = state_.directory();
  if (batch->directory == nullptr || batch->directory->Expired(batch->now_ms)) {
    co_return Fail(ErrorCode::kUnavailable,
                   "this node's federation directory is missing or expired; federation traffic "
                   "is stopped until a current directory is fetched");
  }
  const auto lines = SplitLines(body);
  const auto max_batch = batch->directory->document().policy.max_batch;
  if (static_cast<std::int64_t>(lines.size()) > max_batch) {
    co_return Fail(ErrorCode::kTooLarge, "batch of " + std::to_string(lines.size()) +
                                             " envelopes exceeds the limit of " +
                                             std::to_string(max_batch));
  }
  // Signature checks are the expensive part: done here, on the I/O thread, not in the writer.
  const auto ctx = ContextFor(*batch->directory, state_.self_id(), batch->peer, batch->now_ms);
  for (auto line : lines) {
    auto env = federation::VerifyEnvelope(line, ctx);
    // One stream per sender and receiver: ordering and seq equivocation are judged within it, so
    // a sender must not open others.
    if (env && env->stream != StreamName(env->from, state_.self_id())) {
      env = Fail(
          ErrorCode::kInvalidArgument,
          "stream: must be " + StreamName(env->from, state_.self_id()) + ", not " + env->stream);
    }
    InboxOutcome outcome;
    if (env) {
      outcome.msg_id = env->msg_id;
      batch->envelopes.push_back(std::move(*env));
    } else {
      outcome.msg_id = MsgIdOf(line);
      outcome.status = "rejected";
      outcome.error = env.error();
      ++batch->counted.rejected;
      LogEvent(spdlog::level::warn, "envelope_rejected",
               {{"peer", batch->peer},
                {"request_id", batch->trace.request_id},
                {"msg_id", outcome.msg_id},
                {"code", ErrorCodeName(env.error().code)},
                {"error", env.error().message}});
      batch->envelopes.emplace_back();
    }
    batch->outcomes.push_back(std::move(outcome));
  }
  batch->counted.received = lines.size();
  // If the job fails its savepoint rolls back and the half-filled outcomes are dropped with it.
  auto done = co_await db_.Write<int>([this, &batch](Connection& c) -> Result<int> {
    if (auto r = ProcessInWriter(c, *batch); !r) return tl::unexpected(r.error());
    return 0;
  });
  if (!done) co_return tl::unexpected(done.error());
  if (gap_handler_) {
    for (const auto& [sender, range] : batch->gaps) {
      gap_handler_(sender, range.first, range.second);
    }
  }
  {
    std::lock_guard lock(mu_);
    const auto& n = batch->counted;
    counters_.received += n.received;
    counters_.applied += n.applied;
    counters_.held += n.held;
    counters_.duplicates += n.duplicates;
    counters_.dead += n.dead;
    counters_.rejected += n.rejected;
    counters_.equivocations += n.equivocations;
  }
  co_return std::move(batch->outcomes);
}

Result<void> Inbox::ProcessInWriter(Connection& c, Batch& batch) {
  for (std::size_t i = 0; i < batch.envelopes.size(); ++i) {
    if (!batch.envelopes[i]) continue;
    if (auto r = ProcessOne(c, batch, i); !r) return r;
  }
  return {};
}

Result<void> Inbox::ProcessOne(Connection& c, Batch& batch, std::size_t index) {
  const VerifiedEnvelope& env = *batch.envelopes[index];
  InboxOutcome& outcome = batch.outcomes[index];
  const auto conflict = [&](std::string_view kind, const std::string& stored,
                            std::string message) -> Result<void> {
    if (auto r = FederationStore::InsertEvidence(c, env.from, kind, env.msg_id, stored, env.bytes,
                                                 batch.now_ms);
        !r) {
      return r;
    }
    ++batch.counted.equivocations;
    outcome.status = "rejected";
    outcome.error = Error{ErrorCode::kConflict, std::move(message)};
    LogEvent(spdlog::level::err, "equivocation",
             {{"peer", env.from}, {"msg_id", env.msg_id}, {"kind", kind}, {"seq", env.seq}});
    return {};
  };
  auto existing = FederationStore::FindInbox(c, env.from, env.msg_id);
  if (!existing) return tl::unexpected(existing.error());
  if (*existing) {
    if ((*existing)->hash != env.hash) {
      return conflict("msg_id_reused", (*existing)->envelope,
                      "equivocation: msg_id " + env.msg_id +
                          " was already received with different content; both are kept as "
                          "evidence");
    }
    outcome.status = "duplicate";
    outcome.receipt = (*existing)->receipt;
    ++batch.counted.duplicates;
    return {};
  }
  auto head = FederationStore::InHead(c, env.from, env.stream);
  if (!head) return tl::unexpected(head.error());
  auto at_position = FederationStore::InboxAt(c, env.from, env.stream, env.seq);
  if (!at_position) return tl::unexpected(at_position.error());
  if (*at_position) {
    return conflict("seq_reused", (*at_position)->envelope,
                    "equivocation: seq " + std::to_string(env.seq) + " of stream " + env.stream +
                        " already holds another envelope; both are kept as evidence");
  }
  federation::StreamCursor cursor(head->last_seq, head->last_hash);
  auto position = cursor.Classify(env, [](std::int64_t) { return std::nullopt; });
  if (position == federation::StreamPosition::kForkedPrev) {
    return conflict("forked_prev", head->last_hash,
                    "equivocation: seq " + std::to_string(env.seq) +
                        " does not chain to the envelope applied before it (prev mismatch)");
  }
  if (position != federation::StreamPosition::kNext &&
      position != federation::StreamPosition::kGap) {
    // Below the applied head with no stored envelope at that position: nothing to compare it
    // with, but it cannot be applied either.
    return conflict("behind_head", head->last_hash,
                    "seq " + std::to_string(env.seq) + " is behind the applied head " +
                        std::to_string(head->last_seq) + " of stream " + env.stream);
  }
  auto id = FederationStore::NextInboxId(c);
  if (!id) return tl::unexpected(id.error());
  auto receipt = SealReceipt(env, *id, batch.directory->version());
  if (!receipt) return tl::unexpected(receipt.error());
  InboxRow row{*id,
               env.from,
               env.msg_id,
               env.hash,
               env.stream,
               env.seq,
               std::string(federation::Name(env.type)),
               env.case_id,
               env.bytes,
               InboxState::kHeld,
               "",
               *receipt,
               batch.now_ms};
  outcome.receipt = *receipt;
  if (auto r = FederationStore::InsertInbox(c, row); !r) return r;
  if (position == federation::StreamPosition::kGap) {
    outcome.status = "held";
    ++batch.counted.held;
    RememberHeldRequestId(batch, env);
    auto [it, fresh] = batch.gaps.try_emplace(env.from, head->last_seq + 1, env.seq - 1);
    if (!fresh) it->second.second = std::min(it->second.second, env.seq - 1);
    return {};
  }
  return ApplyInOrder(c, batch, env, std::move(row), outcome);
}

// Applies `env` (the next of its stream) and then every held envelope that now follows on.
Result<void> Inbox::ApplyInOrder(Connection& c, Batch& batch, const VerifiedEnvelope& first,
                                 InboxRow row, InboxOutcome& outcome) {
  std::optional<VerifiedEnvelope> held;
  const VerifiedEnvelope* env = &first;
  InboxOutcome* out = &outcome;
  InboxOutcome unused;
  std::optional<Error> unverifiable;  // why the held envelope `env` no longer verifies
  for (;;) {
    const std::string origin = OriginRequestId(batch, *env);
    auto applied = unverifiable
                       ? Result<void>(tl::unexpected(*unverifiable))
                       : store::WithSavepoint(c, [&] { return applier_.Apply(c, *env, origin); });
    if (!applied && IsTransient(applied.error().code)) return applied;
    if (applied) {
      if (auto r = FederationStore::SetInboxState(c, row.id, InboxState::kApplied, ""); !r)
        return r;
      out->status = "applied";
      ++batch.counted.applied;
      LogApplied(batch, *env, origin);
    } else {
      const Error& why = applied.error();
      if (auto r = FederationStore::SetInboxState(c, row.id, InboxState::kDead, why.message); !r) {
        return r;
      }
      out->status = "dead";
      out->error = why;
      ++batch.counted.dead;
      LogEvent(spdlog::level::warn, "envelope_dead",
               {{"peer", env->from},
                {"request_id", batch.trace.request_id},
                {"msg_id", env->msg_id},
                {"seq", env->seq},
                {"type", federation::Name(env->type)},
                {"error", why.message}});
      json skip = {{"skipped_seq", env->seq}, {"reason", why.message.substr(0, 2000)}};
      OutgoingMessage notice{federation::MessageType::kStreamSkip, env->from, "", skip.dump()};
      if (auto r = outbox_.Enqueue(c, notice); !r) return tl::unexpected(r.error());
    }
    if (auto r = FederationStore::SetInHead(c, env->from, env->stream, {env->seq, env->hash}); !r) {
      return r;
    }
    // Does a held envelope continue the stream?
    auto next = FederationStore::InboxAt(c, env->from, env->stream, env->seq + 1);
    if (!next) return tl::unexpected(next.error());
    if (!*next || (*next)->state != InboxState::kHeld) return {};
    const auto ctx = ContextFor(*batch.directory, state_.self_id(), (*next)->sender, batch.now_ms);
    auto reverified = federation::VerifyEnvelope((*next)->envelope, ctx);
    std::optional<Error> why_not;
    VerifiedEnvelope following;
    if (reverified) {
      following = std::move(*reverified);
    } else {
      // Its key was revoked, or left the directory, while it waited: it can never apply. It is
      // skipped as dead; failing the batch instead would refuse the envelope that fills the gap
      // on every retry and block the stream for good.
      following = StoredEnvelope(**next);
      why_not = Error{reverified.error().code,
                      "held envelope no longer verifies: " + reverified.error().message};
    }
    if (following.prev != env->hash) return {};  // a fork: left held as evidence
    held = std::move(following);
    unverifiable = std::move(why_not);
    env = &*held;
    row = std::move(**next);
    out = &unused;  // the held envelope's outcome was reported when it arrived
  }
}

void Inbox::RememberHeldRequestId(const Batch& batch, const VerifiedEnvelope& env) {
  auto origin = batch.trace.origin_request_ids.find(env.msg_id);
  if (origin == batch.trace.origin_request_ids.end()) return;
  std::lock_guard lock(mu_);
  // msg_ids are UUIDv7, so the first is the oldest.
  if (held_request_ids_.size() >= kMaxHeldRequestIds) {
    held_request_ids_.erase(held_request_ids_.begin());
  }
  held_request_ids_[env.msg_id] = origin->second;
}

std::string Inbox::OriginRequestId(const Batch& batch, const VerifiedEnvelope& env) {
  auto origin = batch.trace.origin_request_ids.find(env.msg_id);
  if (origin != batch.trace.origin_request_ids.end()) return origin->second;
  std::lock_guard lock(mu_);
  auto held = held_request_ids_.find(env.msg_id);
  if (held == held_request_ids_.end()) return "";
  std::string id = std::move(held->second);
  held_request_ids_.erase(held);
  return id;
}

void Inbox::LogApplied(const Batch& batch, const VerifiedEnvelope& env,
                       const std::string& origin_request_id) {
  json fields = {{"peer", env.from},
                 {"msg_id", env.msg_id},
                 {"seq", env.seq},
                 {"type", federation::Name(env.type)},
                 {"request_id", batch.trace.request_id}};
  if (!env.case_id.empty()) fields["case"] = env.case_id;
  if (!origin_request_id.empty()) fields["origin_request_id"] = origin_request_id;
  // Like envelope_queued: traffic a request caused at info, background traffic at debug.
  LogEvent(origin_request_id.empty() ? spdlog::level::debug : spdlog::level::info,
           "envelope_applied", fields);
}

Result<std::string> Inbox::SealReceipt(const VerifiedEnvelope& env, std::int64_t index,
                                       std::int64_t dir_version) {
  auto key = state_.signing_key();
  const auto now =
      state_.SigningTime(*key, std::chrono::time_point_cast<std::chrono::milliseconds>(clock_()));
  federation::EnvelopeDraft draft;
  draft.type = federation::MessageType::kReceipt;
  draft.msg_id = crypto::NewUuidV7(now);
  draft.from = state_.self_id();
  draft.to = env.from;
  draft.stream = "receipts";
  draft.seq = 1;
  draft.created_at = now;
  draft.dir_version = dir_version;
  draft.case_id = env.case_id;
  draft.body = json{{"for_msg_id", env.msg_id},
                    {"for_hash", env.hash},
                    {"log_index", index},
                    {"dir_version", dir_version}}
                   .dump();
  return federation::SealEnvelope(draft, *key);
}

std::string OutcomeToJsonLine(const InboxOutcome& o) {
  json j = {{"msg_id", o.msg_id}, {"status", o.status}};
  if (!o.receipt.empty()) j["receipt"] = o.receipt;
  if (o.error) {
    j["error"] = {{"code", ErrorCodeName(o.error->code)}, {"message", o.error->message}};
  }
  return j.dump();
}

Result<InboxOutcome> OutcomeFromJsonLine(std::string_view line) {
  auto j = json::parse(line, nullptr, false);
  if (!j.is_object() || !j.contains("msg_id") || !j["msg_id"].is_string() ||
      !j.contains("status") || !j["status"].is_string()) {
    return Fail(ErrorCode::kInvalidArgument, "inbox response line is not an outcome object");
  }
  InboxOutcome o;
  o.msg_id = j["msg_id"].get<std::string>();
  o.status = j["status"].get<std::string>();
  if (j.contains("receipt") && j["receipt"].is_string()) o.receipt = j["receipt"];
  if (j.contains("error") && j["error"].is_object()) {
    Error e{ErrorCode::kInternal, j["error"].value("message", "")};
    const std::string code = j["error"].value("code", "");
    for (auto candidate :
         {ErrorCode::kInvalidArgument, ErrorCode::kNotFound, ErrorCode::kConflict,
          ErrorCode::kUnauthenticated, ErrorCode::kPermissionDenied, ErrorCode::kTooLarge,
          ErrorCode::kRateLimited, ErrorCode::kUnavailable, ErrorCode::kInternal}) {
      if (ErrorCodeName(candidate) == code) e.code = candidate;
    }
    o.error = std::move(e);
  }
  return o;
}

}  // namespace simpul::fed
