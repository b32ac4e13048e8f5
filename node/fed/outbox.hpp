#pragma once
// The sending half of the federation (DESIGN §3, Outbox): a message to another node is sealed into
// a signed envelope and appended to that destination's ordered stream inside the writer
// transaction of the business change it announces, so either both commit or neither does. After
// the commit, the destinations that gained envelopes are handed to the wake-up callback (the
// dispatchers), which then read and deliver them.
//
//   outbox.Enqueue(c, {MessageType::kCaseAccept, "kl:kemenkes", "KLKEMENKES-000042", "{}"});
//
// Thread safety: Enqueue runs on the writer thread; OnCommit is the database's commit listener
// (writer thread); SetWake before the first write.

#include <functional>
#include <mutex>
#include <set>
#include <string>

#include "federation/message_types.hpp"
#include "node/fed/federation_state.hpp"
#include "node/service/clock.hpp"
#include "node/store/connection.hpp"

namespace simpul::fed {

struct OutgoingMessage {
  federation::MessageType type = federation::MessageType::kCaseStatus;
  std::string dest;       // node id of the receiver
  std::string case_ref;   // refs.case_id; "" for none
  std::string body_json;  // the body object
};

class Outbox {
 public:
  Outbox(FederationState& state, service::Clock clock);

  // Seals `msg` as the next envelope of this node's stream to msg.dest and appends it. Works
  // while the directory is expired (outbound work keeps queuing); fails kUnavailable before any
  // directory was accepted, kInvalidArgument if the destination is this node or the body breaks
  // its schema. Returns the envelope's msg_id. `request_id` is the X-Request-Id of the request
  // that caused the message ("" for none): kept with the row, outside the signed envelope, sent
  // to the receiver with the delivery and logged ("envelope_queued") so the hop can be followed.
  Result<std::string> Enqueue(store::Connection& c, const OutgoingMessage& msg,
                              std::string_view request_id = {});

  // Called with each destination that gained envelopes, after they committed.
  void SetWake(std::function<void(const std::string& dest)> wake) { wake_ = std::move(wake); }
  // The database commit listener: wakes the destinations touched since the last commit.
  void OnCommit();

 private:
  FederationState& state_;
  service::Clock clock_;
  std::function<void(const std::string&)> wake_;
  std::mutex mu_;
  std::set<std::string> touched_;
};

// The name of the stream from `from` to `to`: "<from>><to>".
std::string StreamName(std::string_view from, std::string_view to);

}  // namespace simpul::fed
