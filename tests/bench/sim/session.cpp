#include "tests/bench/sim/session.hpp"

#include <algorithm>
#include <map>
#include <variant>

#include <nlohmann/json.hpp>

#include "federation/envelope_verify.hpp"
#include "federation/witness_client.hpp"
#include "node/fed/inbox.hpp"
#include "tests/bench/sim/messages.hpp"

namespace simpul::bench::sim {
namespace {

namespace net = boost::asio;
using federation::MessageType;

constexpr std::int64_t kDayMs = 24LL * 60 * 60 * 1000;

struct PendingCheckpoint {
  std::uint64_t size = 0;
  std::string note;
};

// What the node queued while it replayed its days.
struct Backlog {
  std::vector<OutgoingEnvelope> envelopes;
  std::vector<PendingCheckpoint> checkpoints;
};

Error About(const SimNode& node, const std::string& what, const Error& error) {
  return Error{error.code, node.id() + ": " + what + ": " + error.message};
}

// Seals the day's case.meta envelopes (at most kMaxMetaRecords records each).
Result<void> SealMeta(SimNode& node, const SimWorld& w, const std::vector<MetaRecord>& records,
                      Backlog& backlog, Tally& tally) {
  const auto now = std::chrono::system_clock::now();
  const auto chunk = static_cast<std::size_t>(federation::kMaxMetaRecords);
  for (std::size_t at = 0; at < records.size(); at += chunk) {
    const std::span<const MetaRecord> part =
        std::span(records).subspan(at, std::min(chunk, records.size() - at));
    std::string body = CaseMetaBody(node.id(), part, *w.traffic, *w.members);
    auto env = node.Seal(MessageType::kCaseMeta, std::move(body), w.coordinator_id,
                         w.directory->version(), now);
    if (!env) return tl::unexpected(About(node, "sealing case.meta", env.error()));
    node.stats().meta_sent += static_cast<std::int64_t>(part.size());
    tally.meta_records += static_cast<std::int64_t>(part.size());
    ++tally.meta_envelopes;
    backlog.envelopes.push_back(std::move(*env));
  }
  return {};
}

// Seals a case.escalate to the coordinator for each "escalate" event among the day's records.
Result<void> SealEscalations(SimNode& node, const SimWorld& w,
                             const std::vector<MetaRecord>& records, Backlog& backlog,
                             Tally& tally) {
  for (const MetaRecord& r : records) {
    if (r.event->Action() != domain::CaseAction::kEscalate) continue;
    const std::string& tracking_id = w.traffic->cases()[r.event->case_index].tracking_id;
    auto env = node.Seal(MessageType::kCaseEscalate, CaseEscalateBody(*r.event, *w.traffic),
                         w.coordinator_id, w.directory->version(), std::chrono::system_clock::now(),
                         tracking_id);
    if (!env) return tl::unexpected(About(node, "sealing case.escalate", env.error()));
    ++tally.escalations;
    backlog.envelopes.push_back(std::move(*env));
  }
  return {};
}

// Replays days [span.first_day, span.end_day) of the node's events into its log and queues what
// it sends: case.meta and case.escalate each day, node.report and a checkpoint at the end of each
// period.
Result<Backlog> ReplayDays(SimNode& node, const SimWorld& w, SessionSpan span, Tally& tally) {
  const Traffic& traffic = *w.traffic;
  const std::span<const SimEvent> events = traffic.EventsOf(node.index());
  Backlog backlog;
  for (int day = span.first_day; day < span.end_day; ++day) {
    std::vector<MetaRecord> records;
    while (node.replayed < events.size() && traffic.DayOf(events[node.replayed].at) <= day) {
      const SimEvent& e = events[node.replayed++];
      node.Record(e, traffic.cases()[e.case_index]);
      records.push_back({node.stats().events, &e});
    }
    tally.events += static_cast<std::int64_t>(records.size());
    if (auto sealed = SealMeta(node, w, records, backlog, tally); !sealed) {
      return tl::unexpected(sealed.error());
    }
    if (auto sealed = SealEscalations(node, w, records, backlog, tally); !sealed) {
      return tl::unexpected(sealed.error());
    }
    if ((day + 1) % w.report_every_days == 0) {
      const ReportContext context{
          .at_ms = traffic.year_start_ms() + (day + 1) * kDayMs - 1,
          .interval_s = std::min<std::int64_t>(86400, 86400LL * w.report_every_days),
          .directory_version = w.directory->version(),
          .coordinator = w.coordinator_id,
          .outbox_pending = static_cast<std::int64_t>(backlog.envelopes.size()),
          .meta_pending = 0};
      auto env =
          node.Seal(MessageType::kNodeReport, NodeReportBody(node, context), w.coordinator_id,
                    w.directory->version(), std::chrono::system_clock::now());
      if (!env) return tl::unexpected(About(node, "sealing node.report", env.error()));
      ++tally.reports;
      backlog.envelopes.push_back(std::move(*env));
    }
    if ((day + 1) % w.checkpoint_every_days == 0 && node.log().size() > node.checkpoint_size) {
      auto note = node.SignCheckpoint();
      if (!note) return tl::unexpected(About(node, "signing a checkpoint", note.error()));
      node.checkpoint_size = node.log().size();
      backlog.checkpoints.push_back({node.checkpoint_size, std::move(*note)});
    }
  }
  return backlog;
}

// Checks the inbox's answer to `batch` as the node's dispatcher does: an "applied" outcome per
// envelope with a receipt from the coordinator that verifies and names the envelope. Records
// each delivery in the node's log.
Result<void> CheckReceipts(SimNode& node, const SimWorld& w,
                           std::span<const OutgoingEnvelope> batch, std::string_view body) {
  std::map<std::string, fed::InboxOutcome, std::less<>> outcomes;
  while (!body.empty()) {
    const auto nl = body.find('\n');
    const auto line = body.substr(0, nl);
    body = nl == std::string_view::npos ? std::string_view() : body.substr(nl + 1);
    if (line.empty()) continue;
    if (auto o = fed::OutcomeFromJsonLine(line)) outcomes[o->msg_id] = std::move(*o);
  }
  const federation::VerifyContext ctx{
      .keys = *w.directory,
      .self_id = node.id(),
      .tls_peer_id = w.coordinator_id,
      .now = std::chrono::time_point_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now())};
  for (const OutgoingEnvelope& env : batch) {
    const auto it = outcomes.find(env.msg_id);
    if (it == outcomes.end()) return Fail(ErrorCode::kInternal, "no outcome for " + env.msg_id);
    const fed::InboxOutcome& o = it->second;
    if (o.status != "applied") {
      return Fail(ErrorCode::kInternal, std::string(federation::Name(env.type)) + " seq " +
                                            std::to_string(env.seq) + " was " + o.status + ": " +
                                            (o.error ? o.error->message : "no error"));
    }
    auto receipt = federation::VerifyEnvelope(o.receipt, ctx);
    if (!receipt) return Fail(receipt.error().code, "receipt: " + receipt.error().message);
    const auto rb = nlohmann::json::parse(receipt->body.value_or("{}"), nullptr, false);
    if (receipt->type != MessageType::kReceipt || !rb.is_object() ||
        rb.value("for_msg_id", "") != env.msg_id || rb.value("for_hash", "") != env.hash) {
      return Fail(ErrorCode::kInternal, "the receipt does not name " + env.msg_id);
    }
    node.Delivered(env, o.receipt);
  }
  return {};
}

// POSTs the backlog's envelopes in order, at most the directory's max_batch per request.
net::awaitable<Result<void>> Deliver(SimNode& node, const SimWorld& w,
                                     const std::vector<OutgoingEnvelope>& envelopes, Tally& tally) {
  const auto max_batch = static_cast<std::size_t>(w.directory->document().policy.max_batch);
  for (std::size_t at = 0; at < envelopes.size(); at += max_batch) {
    const std::span<const OutgoingEnvelope> batch =
        std::span(envelopes).subspan(at, std::min(max_batch, envelopes.size() - at));
    std::string body;
    for (const auto& env : batch) (body += env.bytes) += '\n';
    std::string target = "/federation/v1/inbox";
    std::string content_type = "application/x-ndjson";
    auto response =
        co_await node.client->Request(federation::PeerMethod::kPost, std::move(target),
                                      std::move(body), std::move(content_type), w.timeout);
    if (!response) co_return tl::unexpected(About(node, "inbox", response.error()));
    if (response->status != 200) {
      co_return Fail(ErrorCode::kInternal, node.id() + ": inbox answered HTTP " +
                                               std::to_string(response->status) + " " +
                                               response->body.substr(0, 300));
    }
    if (auto checked = CheckReceipts(node, w, batch, response->body); !checked) {
      co_return tl::unexpected(About(node, "inbox", checked.error()));
    }
    ++tally.batches;
    tally.envelopes += static_cast<std::int64_t>(batch.size());
    tally.receipts += static_cast<std::int64_t>(batch.size());
  }
  co_return Result<void>{};
}

// Offers one checkpoint to the witness; after a 409 naming another size, once more from there.
net::awaitable<Result<void>> Witness(SimNode& node, const SimWorld& w,
                                     const PendingCheckpoint& checkpoint, Tally& tally) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto proof = node.log().ConsistencyProof(node.witnessed_size, checkpoint.size);
    if (!proof) co_return tl::unexpected(About(node, "consistency proof", proof.error()));
    federation::AddCheckpointRequest request{node.witnessed_size, std::move(*proof),
                                             checkpoint.note};
    crypto::NoteVerifierKey key = w.witness_key;
    auto reply = co_await federation::AddCheckpoint(*node.client, std::move(request),
                                                    std::move(key), w.timeout);
    if (!reply) co_return tl::unexpected(About(node, "witness", reply.error()));
    if (std::holds_alternative<federation::WitnessCosigned>(*reply)) {
      node.witnessed_size = checkpoint.size;
      ++tally.cosigned;
      co_return Result<void>{};
    }
    if (const auto* conflict = std::get_if<federation::WitnessConflict>(&*reply)) {
      ++tally.conflicts;
      node.witnessed_size = conflict->known_size;
      continue;
    }
    const auto& refused = std::get<federation::WitnessRefused>(*reply);
    co_return Fail(ErrorCode::kInternal,
                   node.id() + ": the witness refused the checkpoint of size " +
                       std::to_string(checkpoint.size) + ": HTTP " +
                       std::to_string(refused.status) + " " + refused.code + " " + refused.message);
  }
  co_return Fail(ErrorCode::kInternal, node.id() + ": the witness kept naming another size");
}

}  // namespace

net::awaitable<Result<void>> RunSession(net::any_io_executor executor, SimNode& node,
                                        const SimWorld& world, SessionSpan span, Tally& tally) {
  auto backlog = ReplayDays(node, world, span, tally);
  if (!backlog) co_return tl::unexpected(backlog.error());
  if (!node.client) {
    auto client = federation::PeerClient::Create(executor, node.tls(), world.coordinator_endpoint,
                                                 world.coordinator_pin);
    if (!client) co_return tl::unexpected(About(node, "peer client", client.error()));
    node.client = std::move(*client);
  }
  auto delivered = co_await Deliver(node, world, backlog->envelopes, tally);
  if (!delivered) co_return delivered;
  for (const PendingCheckpoint& checkpoint : backlog->checkpoints) {
    auto witnessed = co_await Witness(node, world, checkpoint, tally);
    if (!witnessed) co_return witnessed;
    ++tally.checkpoints;
  }
  node.client->Close();
  ++tally.sessions;
  co_return Result<void>{};
}

}  // namespace simpul::bench::sim
