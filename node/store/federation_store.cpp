#include "node/store/federation_store.hpp"

#include "node/store/log_leaves.hpp"
#include "node/store/tlog_store.hpp"

namespace simpul::store {
namespace {

constexpr std::string_view kOutboxColumns =
    "dest, seq, msg_id, type, case_ref, envelope, hash, created_at, delivered_at, receipt, "
    "request_id";
constexpr std::string_view kInboxColumns =
    "id, sender, msg_id, hash, stream, seq, type, case_ref, envelope, state, error, receipt, "
    "received_at";

OutboxRow ReadOutbox(const Statement& s) {
  OutboxRow r;
  r.dest = s.Text(0);
  r.seq = s.Int(1);
  r.msg_id = s.Text(2);
  r.type = s.Text(3);
  r.case_ref = s.Text(4);
  r.envelope = s.Text(5);
  r.hash = s.Text(6);
  r.created_at = s.Int(7);
  r.delivered_at = s.OptionalInt(8);
  if (!s.IsNull(9)) r.receipt = s.Text(9);
  r.request_id = s.Text(10);
  return r;
}

InboxState ParseInboxState(std::string_view s) {
  if (s == "applied") return InboxState::kApplied;
  if (s == "dead") return InboxState::kDead;
  return InboxState::kHeld;
}

InboxRow ReadInbox(const Statement& s) {
  InboxRow r;
  r.id = s.Int(0);
  r.sender = s.Text(1);
  r.msg_id = s.Text(2);
  r.hash = s.Text(3);
  r.stream = s.Text(4);
  r.seq = s.Int(5);
  r.type = s.Text(6);
  r.case_ref = s.Text(7);
  r.envelope = s.Text(8);
  r.state = ParseInboxState(s.Text(9));
  r.error = s.Text(10);
  r.receipt = s.Text(11);
  r.received_at = s.Int(12);
  return r;
}

template <class Row, class Reader>
Result<std::optional<Row>> First(Statement& s, Reader read) {
  auto row = s.Step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return std::optional<Row>();
  return std::optional<Row>(read(s));
}

// Records a federation event in the transparency log, in the caller's transaction.
Result<void> AppendLeaf(Connection& c, std::string_view kind, std::string_view ref,
                        const std::string& data) {
  auto index = TlogStore::Append(c, kind, ref, data);
  if (!index) return tl::unexpected(index.error());
  return {};
}

Result<std::int64_t> Scalar(Statement& s) {
  auto row = s.Step();
  if (!row) return tl::unexpected(row.error());
  return *row ? s.Int(0) : 0;
}

}  // namespace

std::string_view Name(InboxState state) {
  switch (state) {
    case InboxState::kHeld:
      return "held";
    case InboxState::kApplied:
      return "applied";
    case InboxState::kDead:
      return "dead";
  }
  return "held";
}

Result<StreamHead> FederationStore::OutHead(Connection& c, std::string_view dest) {
  auto s = c.Prepare("SELECT last_seq, last_hash FROM fed_streams_out WHERE dest = ?");
  if (!s) return tl::unexpected(s.error());
  s->Bind(1, dest);
  auto row = s->Step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return StreamHead{};
  return StreamHead{s->Int(0), s->Text(1)};
}

Result<void> FederationStore::AppendOutbox(Connection& c, const OutboxRow& r) {
  auto s = c.Prepare("INSERT INTO fed_outbox(" + std::string(kOutboxColumns) +
                     ") VALUES (?,?,?,?,?,?,?,?,NULL,NULL,?)");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(r.dest, r.seq, r.msg_id, r.type, r.case_ref, r.envelope, r.hash, r.created_at,
             r.request_id);
  if (auto run = s->Run(); !run) return run;
  auto head = c.Prepare(
      "INSERT INTO fed_streams_out(dest, last_seq, last_hash) VALUES (?,?,?) "
      "ON CONFLICT(dest) DO UPDATE SET last_seq = excluded.last_seq, "
      "last_hash = excluded.last_hash WHERE last_seq = excluded.last_seq - 1");
  if (!head) return tl::unexpected(head.error());
  head->BindAll(r.dest, r.seq, r.hash);
  if (auto run = head->Run(); !run) return run;
  if (c.Changes() != 1) {
    return Fail(ErrorCode::kConflict,
                "outbox stream to " + r.dest + " is not at seq " + std::to_string(r.seq - 1));
  }
  return AppendLeaf(c, leaves::kSent, r.msg_id, leaves::Sent(r.msg_id, r.dest, r.seq, r.hash));
}

Result<std::vector<OutboxRow>> FederationStore::PendingOutbox(Connection& c, std::string_view dest,
                                                              int limit, std::int64_t after_seq) {
  auto s = c.Prepare("SELECT " + std::string(kOutboxColumns) +
                     " FROM fed_outbox WHERE dest = ? AND delivered_at IS NULL AND seq > ? "
                     "ORDER BY seq LIMIT ?");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(dest, after_seq, limit);
  return CollectRows<OutboxRow>(*s, ReadOutbox);
}

Result<std::vector<OutboxRow>> FederationStore::OutboxRange(Connection& c, std::string_view dest,
                                                            std::int64_t from_seq,
                                                            std::int64_t to_seq, int limit) {
  auto s = c.Prepare("SELECT " + std::string(kOutboxColumns) +
                     " FROM fed_outbox WHERE dest = ? AND seq BETWEEN ? AND ? ORDER BY seq "
                     "LIMIT ?");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(dest, from_seq, to_seq, limit);
  return CollectRows<OutboxRow>(*s, ReadOutbox);
}

Result<void> FederationStore::MarkDelivered(Connection& c, std::string_view dest, std::int64_t seq,
                                            std::string_view receipt, std::int64_t at) {
  auto s = c.Prepare(
      "UPDATE fed_outbox SET delivered_at = ?, receipt = ? "
      "WHERE dest = ? AND seq = ? AND delivered_at IS NULL");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(at, receipt, dest, seq);
  if (auto run = s->Run(); !run) return run;
  if (c.Changes() == 0) return {};
  const std::string ref = std::string(dest) + "#" + std::to_string(seq);
  return AppendLeaf(c, leaves::kDelivered, ref, leaves::Delivered(dest, seq, receipt));
}

Result<std::optional<OutboxRow>> FederationStore::FindOutbox(Connection& c,
                                                             std::string_view msg_id) {
  auto s = c.Prepare("SELECT " + std::string(kOutboxColumns) + " FROM fed_outbox WHERE msg_id = ?");
  if (!s) return tl::unexpected(s.error());
  s->Bind(1, msg_id);
  return First<OutboxRow>(*s, ReadOutbox);
}

Result<std::vector<OutboxBacklog>> FederationStore::Backlog(Connection& c) {
  auto s = c.Prepare(
      "SELECT h.dest, "
      " (SELECT count(*) FROM fed_outbox o WHERE o.dest = h.dest AND o.delivered_at IS NULL), "
      " (SELECT min(created_at) FROM fed_outbox o WHERE o.dest = h.dest "
      "  AND o.delivered_at IS NULL), "
      " (SELECT count(*) FROM fed_outbox o WHERE o.dest = h.dest AND o.delivered_at IS NOT NULL) "
      "FROM fed_streams_out h ORDER BY h.dest");
  if (!s) return tl::unexpected(s.error());
  return CollectRows<OutboxBacklog>(*s, [](const Statement& st) {
    return OutboxBacklog{st.Text(0), st.Int(1), st.OptionalInt(2), st.Int(3)};
  });
}

Result<std::optional<InboxRow>> FederationStore::FindInbox(Connection& c, std::string_view sender,
                                                           std::string_view msg_id) {
  auto s = c.Prepare("SELECT " + std::string(kInboxColumns) +
                     " FROM fed_inbox WHERE sender = ? AND msg_id = ?");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(sender, msg_id);
  return First<InboxRow>(*s, ReadInbox);
}

Result<std::optional<InboxRow>> FederationStore::InboxAt(Connection& c, std::string_view sender,
                                                         std::string_view stream,
                                                         std::int64_t seq) {
  auto s = c.Prepare("SELECT " + std::string(kInboxColumns) +
                     " FROM fed_inbox WHERE sender = ? AND stream = ? AND seq = ?");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(sender, stream, seq);
  return First<InboxRow>(*s, ReadInbox);
}

Result<std::int64_t> FederationStore::NextInboxId(Connection& c) {
  auto s = c.Prepare("SELECT coalesce(max(id), 0) + 1 FROM fed_inbox");
  if (!s) return tl::unexpected(s.error());
  return Scalar(*s);
}

Result<void> FederationStore::InsertInbox(Connection& c, const InboxRow& r) {
  auto s = c.Prepare("INSERT INTO fed_inbox(" + std::string(kInboxColumns) +
                     ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(r.id, r.sender, r.msg_id, r.hash, r.stream, r.seq, r.type, r.case_ref, r.envelope,
             Name(r.state), r.error, r.receipt, r.received_at);
  if (auto run = s->Run(); !run) return run;
  auto received = AppendLeaf(c, leaves::kReceived, r.msg_id,
                             leaves::Received(r.msg_id, r.sender, r.seq, r.hash));
  if (!received) return received;
  return AppendLeaf(c, leaves::kReceipt, r.msg_id, leaves::Receipt(r.msg_id, r.receipt));
}

Result<void> FederationStore::SetInboxState(Connection& c, std::int64_t id, InboxState state,
                                            std::string_view error) {
  auto s = c.Prepare("UPDATE fed_inbox SET state = ?, error = ? WHERE id = ?");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(Name(state), error, id);
  return s->Run();
}

Result<StreamHead> FederationStore::InHead(Connection& c, std::string_view sender,
                                           std::string_view stream) {
  auto s =
      c.Prepare("SELECT last_seq, last_hash FROM fed_streams_in WHERE sender = ? AND stream = ?");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(sender, stream);
  auto row = s->Step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return StreamHead{};
  return StreamHead{s->Int(0), s->Text(1)};
}

Result<void> FederationStore::SetInHead(Connection& c, std::string_view sender,
                                        std::string_view stream, const StreamHead& head) {
  auto s = c.Prepare(
      "INSERT INTO fed_streams_in(sender, stream, last_seq, last_hash) VALUES (?,?,?,?) "
      "ON CONFLICT(sender, stream) DO UPDATE SET last_seq = excluded.last_seq, "
      "last_hash = excluded.last_hash");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(sender, stream, head.last_seq, head.last_hash);
  return s->Run();
}

Result<std::vector<InboxRow>> FederationStore::Held(Connection& c, std::string_view sender,
                                                    std::string_view stream, int limit) {
  auto s = c.Prepare("SELECT " + std::string(kInboxColumns) +
                     " FROM fed_inbox WHERE sender = ? AND stream = ? AND state = 'held' "
                     "ORDER BY seq LIMIT ?");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(sender, stream, limit);
  return CollectRows<InboxRow>(*s, ReadInbox);
}

Result<std::int64_t> FederationStore::CountInbox(Connection& c, InboxState state) {
  auto s = c.Prepare("SELECT count(*) FROM fed_inbox WHERE state = ?");
  if (!s) return tl::unexpected(s.error());
  s->Bind(1, Name(state));
  return Scalar(*s);
}

Result<void> FederationStore::InsertEvidence(Connection& c, std::string_view sender,
                                             std::string_view kind, std::string_view msg_id,
                                             std::string_view first, std::string_view second,
                                             std::int64_t at) {
  auto s = c.Prepare(
      "INSERT INTO fed_evidence(sender, kind, msg_id, first, second, at) VALUES (?,?,?,?,?,?)");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(sender, kind, msg_id, first, second, at);
  return s->Run();
}

Result<std::int64_t> FederationStore::CountEvidence(Connection& c) {
  auto s = c.Prepare("SELECT count(*) FROM fed_evidence");
  if (!s) return tl::unexpected(s.error());
  return Scalar(*s);
}

Result<std::optional<CaseLink>> FederationStore::FindLink(Connection& c, std::int64_t case_id) {
  auto s = c.Prepare(
      "SELECT case_id, origin, upstream, handler, handler_state, updated_at "
      "FROM fed_case_links WHERE case_id = ?");
  if (!s) return tl::unexpected(s.error());
  s->Bind(1, case_id);
  return First<CaseLink>(*s, [](const Statement& st) {
    return CaseLink{st.Int(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.Int(5)};
  });
}

Result<void> FederationStore::PutLink(Connection& c, const CaseLink& l) {
  auto s = c.Prepare(
      "INSERT INTO fed_case_links(case_id, origin, upstream, handler, handler_state, updated_at) "
      "VALUES (?,?,?,?,?,?) ON CONFLICT(case_id) DO UPDATE SET origin = excluded.origin, "
      "upstream = excluded.upstream, handler = excluded.handler, "
      "handler_state = excluded.handler_state, updated_at = excluded.updated_at");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(l.case_id, l.origin, l.upstream, l.handler, l.handler_state, l.updated_at);
  return s->Run();
}

Result<std::optional<DirectoryRow>> FederationStore::LatestDirectory(Connection& c) {
  auto s = c.Prepare(
      "SELECT version, etag, bytes, stored_at FROM fed_directory ORDER BY version DESC LIMIT 1");
  if (!s) return tl::unexpected(s.error());
  return First<DirectoryRow>(*s, [](const Statement& st) {
    return DirectoryRow{st.Int(0), st.Text(1), st.Text(2), st.Int(3)};
  });
}

Result<void> FederationStore::InsertDirectory(Connection& c, const DirectoryRow& r) {
  auto s = c.Prepare("INSERT INTO fed_directory(version, etag, bytes, stored_at) VALUES (?,?,?,?)");
  if (!s) return tl::unexpected(s.error());
  s->BindAll(r.version, r.etag, r.bytes, r.stored_at);
  if (auto run = s->Run(); !run) return run;
  return AppendLeaf(c, leaves::kDirectory, std::to_string(r.version),
                    leaves::Directory(r.version, r.bytes));
}

}  // namespace simpul::store
