#pragma once
// What the soak's load was told had succeeded — every complaint and citizen reply acknowledged
// with 201, every forward, acceptance and response acknowledged with 200 — and what was refused,
// per node. The end
// checks hold the nodes to exactly this. Thread-safe: every load thread records into one Ledger.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace simpul::soak {

struct AckedComplaint {
  std::string node, tracking_id, title, body;
};

// A case handed from `from` to `to`: the forward (acknowledged at `from`), the acceptance
// (acknowledged at `to`, which sends case.accept back to `from`), or the public response
// (acknowledged at `to`, which sends case.response back to `from`).
struct AckedHandover {
  std::string from, to, tracking_id;
};

// A citizen's reply to the response on a forwarded case, acknowledged at the origin `from`, which
// relays it to the handler `to` as case.reply. Each reply's message is unique.
struct AckedReply {
  std::string from, to, tracking_id, message;
};

// Requests the load sent to one node that did not succeed, by what happened.
struct Refusals {
  std::uint64_t transport = 0;    // no answer: connection refused, reset or timed out
  std::uint64_t server = 0;       // 5xx (503 on a full disk, for instance)
  std::uint64_t other = 0;        // any other unexpected status
  std::string last_server_error;  // status and start of the body of the latest 5xx
  std::uint64_t Total() const { return transport + server + other; }
};

class Ledger {
 public:
  void Complaint(AckedComplaint c);
  void Forward(AckedHandover h);
  void Accept(AckedHandover h);
  void Respond(AckedHandover h);
  void Reply(AckedReply r);
  // A request to `node` failed; `status` 0 for a transport failure, else the answer's status
  // and `body`.
  void Refused(const std::string& node, int status, std::string_view body = {});

  std::vector<AckedComplaint> complaints() const;
  std::vector<AckedHandover> forwards() const;
  std::vector<AckedHandover> accepts() const;
  std::vector<AckedHandover> responses() const;
  std::vector<AckedReply> replies() const;
  Refusals refusals(const std::string& node) const;
  std::uint64_t ComplaintsAt(const std::string& node) const;

 private:
  mutable std::mutex mu_;
  std::vector<AckedComplaint> complaints_;
  std::vector<AckedHandover> forwards_, accepts_, responses_;
  std::vector<AckedReply> replies_;
  std::map<std::string, Refusals> refusals_;
};

}  // namespace simpul::soak
