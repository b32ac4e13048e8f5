#include "tests/soak/ledger.hpp"

#include <algorithm>

namespace simpul::soak {

void Ledger::Complaint(AckedComplaint c) {
  std::lock_guard lock(mu_);
  complaints_.push_back(std::move(c));
}

void Ledger::Forward(AckedHandover h) {
  std::lock_guard lock(mu_);
  forwards_.push_back(std::move(h));
}

void Ledger::Accept(AckedHandover h) {
  std::lock_guard lock(mu_);
  accepts_.push_back(std::move(h));
}

void Ledger::Respond(AckedHandover h) {
  std::lock_guard lock(mu_);
  responses_.push_back(std::move(h));
}

void Ledger::Reply(AckedReply r) {
  std::lock_guard lock(mu_);
  replies_.push_back(std::move(r));
}

void Ledger::Refused(const std::string& node, int status, std::string_view body) {
  std::lock_guard lock(mu_);
  Refusals& r = refusals_[node];
  if (status == 0) {
    ++r.transport;
  } else if (status >= 500) {
    ++r.server;
    r.last_server_error = std::to_string(status) + " " + std::string(body.substr(0, 160));
  } else {
    ++r.other;
  }
}

std::vector<AckedComplaint> Ledger::complaints() const {
  std::lock_guard lock(mu_);
  return complaints_;
}

std::vector<AckedHandover> Ledger::forwards() const {
  std::lock_guard lock(mu_);
  return forwards_;
}

std::vector<AckedHandover> Ledger::accepts() const {
  std::lock_guard lock(mu_);
  return accepts_;
}

std::vector<AckedHandover> Ledger::responses() const {
  std::lock_guard lock(mu_);
  return responses_;
}

std::vector<AckedReply> Ledger::replies() const {
  std::lock_guard lock(mu_);
  return replies_;
}

Refusals Ledger::refusals(const std::string& node) const {
  std::lock_guard lock(mu_);
  auto it = refusals_.find(node);
  return it == refusals_.end() ? Refusals{} : it->second;
}

std::uint64_t Ledger::ComplaintsAt(const std::string& node) const {
  std::lock_guard lock(mu_);
  return static_cast<std::uint64_t>(
      std::count_if(complaints_.begin(), complaints_.end(),
                    [&](const AckedComplaint& c) { return c.node == node; }));
}

}  // namespace simpul::soak
