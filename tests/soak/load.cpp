#include "tests/soak/load.hpp"

#include <chrono>
#include <optional>
#include <random>

#include <nlohmann/json.hpp>

#include "tests/support/http_client.hpp"

namespace simpul::soak {
namespace {

using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

// Short, so a stopped (SIGSTOP) node holds a worker for a moment, not for the default 10 s.
constexpr auto kRequestTimeout = std::chrono::seconds(3);
constexpr auto kDownPoll = std::chrono::milliseconds(50);
// A forward or an answer that keeps failing is given up (and not claimed) after this many tries.
constexpr int kMaxAttempts = 50;

}  // namespace

// Drives one member: its own HTTP client (recreated when the node comes back on a new port) and
// staff session, the complaints it filed that still await forwarding.
class LoadDriver::Worker {
 public:
  Worker(LoadDriver& driver, std::size_t index)
      : driver_(driver), index_(index), me_(*driver.fed_.members()[index]) {}

  // One load step; false when the node is down (nothing was sent).
  bool Step() {
    const std::uint16_t port = me_.http_port.load();
    if (port == 0) return false;
    if (!client_ || client_port_ != port) {
      client_ = std::make_unique<testing::HttpClient>(port, kRequestTimeout);
      client_port_ = port;
    }
    if (token_.empty() && !Login()) return true;
    FileComplaint();
    if (!to_forward_.empty()) ForwardOne();
    AcceptOne();
    if (!to_answer_.empty()) AnswerOne();
    ReplyOne();
    return true;
  }

 private:
  // Sends one request; a transport failure is counted as refused, a 401 drops the session.
  std::optional<testing::HttpResponse> Send(std::string_view method, const std::string& target,
                                            const std::string& body, bool staff) {
    testing::HttpHeaders headers;
    if (staff) headers.emplace_back("Authorization", "Bearer " + token_);
    auto r = client_->Request(method, target, body, headers);
    if (!r) {
      driver_.ledger_.Refused(me_.id, 0);
      return std::nullopt;
    }
    if (r->status == 401) token_.clear();
    return std::move(*r);
  }

  bool Login() {
    const std::string body =
        json{{"username", "admin"}, {"password", me_.process->admin_password()}}.dump();
    auto r = Send("POST", "/api/v1/auth/login", body, false);
    if (!r) return false;
    auto j = json::parse(r->body, nullptr, false);
    if (r->status != 200 || !j.is_object() || !j["token"].is_string()) {
      driver_.ledger_.Refused(me_.id, r->status, r->body);
      return false;
    }
    token_ = j["token"].get<std::string>();
    return true;
  }

  void FileComplaint() {
    const std::string n = std::to_string(++filed_);
    const std::string title = "Soak " + me_.id + " #" + n;
    const std::string text = "Jalan rusak di dekat kantor desa, laporan uji ketahanan nomor " + n +
                             " dari " + me_.id + ". Mohon segera diperbaiki.";
    const std::string body = json{{"category", "infrastruktur.jalan"},
                                  {"title", title},
                                  {"body", text},
                                  {"region", "32.04"},
                                  {"reporter", {{"name", "Siti Aminah"}, {"phone", "0812345678"}}}}
                                 .dump();
    auto r = Send("POST", "/api/v1/complaints", body, false);
    if (!r) return;
    auto j = json::parse(r->body, nullptr, false);
    if (r->status != 201 || !j.is_object() || !j["tracking_id"].is_string()) {
      driver_.ledger_.Refused(me_.id, r->status, r->body);
      return;
    }
    std::string id = j["tracking_id"].get<std::string>();
    driver_.ledger_.Complaint({me_.id, id, title, text});
    if (filed_ % driver_.options_.forward_every == 0) {
      const auto& members = driver_.fed_.members();
      const std::size_t other = 1 + forwards_planned_++ % (members.size() - 1);
      to_forward_.push_back({me_.id, members[(index_ + other) % members.size()]->id, id,
                             j.value("access_code", ""), 0});
    }
  }

  // Verifies (200, or 409 when an earlier try already did) and forwards the oldest waiting case
  // to the next member in turn.
  void ForwardOne() {
    Pending& p = to_forward_.front();
    const std::string& target = p.to;
    const std::string base = "/api/v1/cases/" + p.tracking_id;
    auto verified = Send("POST", base + "/verify", "{}", true);
    if (verified && verified->status != 200 && verified->status != 409) {
      driver_.ledger_.Refused(me_.id, verified->status, verified->body);
    }
    if (!verified || (verified->status != 200 && verified->status != 409)) {
      if (++p.attempts >= kMaxAttempts) to_forward_.pop_front();
      return;
    }
    auto forwarded = Send("POST", base + "/forward", json{{"target_node", target}}.dump(), true);
    if (forwarded && forwarded->status == 200) {
      driver_.ledger_.Forward({me_.id, target, p.tracking_id});
      driver_.Deliver(p, p.to, &Mailbox::cases);
      to_forward_.pop_front();
      return;
    }
    if (forwarded && forwarded->status == 409) {  // forwarded by a try whose answer was lost
      to_forward_.pop_front();
      return;
    }
    if (forwarded) driver_.ledger_.Refused(me_.id, forwarded->status, forwarded->body);
    if (++p.attempts >= kMaxAttempts) to_forward_.pop_front();
  }

  // Accepts (verifies) the oldest case forwarded to this member; one not arrived yet (404) goes
  // to the back of the queue.
  void AcceptOne() {
    auto taken = Take(&Mailbox::cases);
    if (!taken) return;
    Pending p = std::move(*taken);
    auto r = Send("POST", "/api/v1/cases/" + p.tracking_id + "/verify", "{}", true);
    if (r && r->status == 200) {
      driver_.ledger_.Accept({p.from, p.to, p.tracking_id});
      to_answer_.push_back(std::move(p));
      return;
    }
    if (r && r->status == 409) return;  // accepted by a try whose answer was lost
    if (r && r->status != 404) driver_.ledger_.Refused(me_.id, r->status, r->body);
    ++p.attempts;
    Requeue(std::move(p), &Mailbox::cases);
  }

  // Answers the oldest accepted case: disposes it to the work unit every member has (200, or 409
  // when an earlier try did) and posts a public response, which travels back to the origin.
  void AnswerOne() {
    Pending& p = to_answer_.front();
    const std::string base = "/api/v1/cases/" + p.tracking_id;
    auto disposed = Send("POST", base + "/dispose", json{{"unit", kUnitCode}}.dump(), true);
    if (disposed && disposed->status != 200 && disposed->status != 409) {
      driver_.ledger_.Refused(me_.id, disposed->status, disposed->body);
    }
    if (disposed && (disposed->status == 200 || disposed->status == 409)) {
      const std::string message = "Tim " + me_.id + " sudah meninjau lokasi dan akan memperbaiki.";
      auto responded = Send("POST", base + "/respond", json{{"message", message}}.dump(), true);
      if (responded && responded->status == 200) {
        driver_.ledger_.Respond({p.from, p.to, p.tracking_id});
        driver_.Deliver(p, p.from, &Mailbox::responded);
        to_answer_.pop_front();
        return;
      }
      if (responded) driver_.ledger_.Refused(me_.id, responded->status, responded->body);
    }
    if (++p.attempts >= kMaxAttempts) to_answer_.pop_front();
  }

  // Replies, as the citizen, to the oldest case filed here that its handler answered. Every try
  // carries a new message, so a try whose answer was lost is not mistaken for an acknowledged one.
  void ReplyOne() {
    auto taken = Take(&Mailbox::responded);
    if (!taken) return;
    Pending p = std::move(*taken);
    const std::string message = "Terima kasih, jalan di depan rumah saya belum diperbaiki (" +
                                p.tracking_id + ", balasan " + std::to_string(p.attempts) + ").";
    auto r = Send("POST", "/api/v1/complaints/" + p.tracking_id + "/replies",
                  json{{"access_code", p.access_code}, {"message", message}}.dump(), false);
    if (r && r->status == 201) {
      driver_.ledger_.Reply({p.from, p.to, p.tracking_id, message});
      return;
    }
    if (r) driver_.ledger_.Refused(me_.id, r->status, r->body);
    if (++p.attempts < kMaxAttempts) Requeue(std::move(p), &Mailbox::responded);
  }

  // The oldest entry of `queue` in this member's mailbox, taken out; nothing when it is empty.
  std::optional<Pending> Take(std::deque<Pending> Mailbox::*queue) {
    Mailbox& box = *driver_.mailboxes_[index_];
    std::lock_guard lock(box.mu);
    auto& q = box.*queue;
    if (q.empty()) return std::nullopt;
    Pending p = std::move(q.front());
    q.pop_front();
    return p;
  }

  // Puts `p` back at the end of `queue` in this member's mailbox.
  void Requeue(Pending p, std::deque<Pending> Mailbox::*queue) {
    Mailbox& box = *driver_.mailboxes_[index_];
    std::lock_guard lock(box.mu);
    (box.*queue).push_back(std::move(p));
  }

  LoadDriver& driver_;
  const std::size_t index_;
  Member& me_;
  std::unique_ptr<testing::HttpClient> client_;
  std::uint16_t client_port_ = 0;
  std::string token_;
  std::uint64_t filed_ = 0;
  std::size_t forwards_planned_ = 0;
  std::deque<Pending> to_forward_;
  std::deque<Pending> to_answer_;  // accepted here, not yet answered
};

LoadDriver::LoadDriver(SoakFederation& fed, Ledger& ledger, LoadOptions options)
    : fed_(fed), ledger_(ledger), options_(options) {
  for (std::size_t i = 0; i < fed_.members().size(); ++i) {
    mailboxes_.push_back(std::make_unique<Mailbox>());
  }
}

LoadDriver::~LoadDriver() { Stop(); }

void LoadDriver::Start() {
  stop_ = false;
  for (std::size_t i = 0; i < fed_.members().size(); ++i) {
    threads_.emplace_back([this, i] { Run(i); });
  }
}

void LoadDriver::Stop() {
  stop_ = true;
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void LoadDriver::Deliver(Pending p, const std::string& member,
                         std::deque<Pending> Mailbox::*queue) {
  p.attempts = 0;
  const auto& members = fed_.members();
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (members[i]->id != member) continue;
    std::lock_guard lock(mailboxes_[i]->mu);
    ((*mailboxes_[i]).*queue).push_back(std::move(p));
  }
}

void LoadDriver::Run(std::size_t index) {
  Worker worker(*this, index);
  // Jitter the start so the members do not step in lockstep.
  std::mt19937_64 rng(options_.seed + index);
  const auto interval = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(1.0 / options_.per_node_rate));
  auto due = Clock::now() + std::chrono::milliseconds(rng() % 200);
  while (!stop_) {
    std::this_thread::sleep_until(due);
    due = std::max(due + interval, Clock::now());
    if (!worker.Step()) due = Clock::now() + kDownPoll;
  }
}

}  // namespace simpul::soak
