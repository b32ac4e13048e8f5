#include "tests/bench/sim/messages.hpp"

#include <nlohmann/json.hpp>

#include "crypto/bytes.hpp"

namespace simpul::bench::sim {
namespace {

using nlohmann::json;

std::string RootHex(const MemoryLog& log, std::uint64_t size) {
  auto root = log.RootAt(size);
  return root ? crypto::HexEncode(*root) : std::string(64, '0');
}

json Clock(std::int64_t met, std::int64_t missed, std::int64_t running) {
  return {{"met", met}, {"missed", missed}, {"running", running}};
}

}  // namespace

std::string CaseMetaBody(const std::string& node_id, std::span<const MetaRecord> records,
                         const Traffic& traffic, const std::vector<MemberPlan>& members) {
  json list = json::array();
  for (const MetaRecord& r : records) {
    const SimEvent& e = *r.event;
    const SimCase& c = traffic.cases()[e.case_index];
    list.push_back({{"event", r.event_id},
                    {"tracking_id", c.tracking_id},
                    {"origin", members[c.origin].id},
                    {"category", traffic.categories()[c.category]},
                    {"region", c.region},
                    {"classification", c.classification},
                    {"state", std::string(domain::Name(e.State()))},
                    {"action", std::string(domain::Name(e.Action()))},
                    {"at", e.at},
                    {"submitted_at", c.submitted_at}});
  }
  return json{{"node", node_id}, {"records", std::move(list)}}.dump();
}

std::string CaseEscalateBody(const SimEvent& event, const Traffic& traffic) {
  constexpr std::int64_t kEightDaysMs = 8LL * 24 * 60 * 60 * 1000;
  const SimCase& c = traffic.cases()[event.case_index];
  return json{{"level", "coordinator"},
              {"clock", "first_response"},
              {"due_at", event.at - kEightDaysMs},
              {"overdue_working_days", 6},
              {"state", std::string(domain::Name(event.State()))},
              {"category", traffic.categories()[c.category]},
              {"region", c.region}}
      .dump();
}

std::string NodeReportBody(const SimNode& node, const ReportContext& context) {
  const NodeStats& s = node.stats();
  using domain::CaseState;
  const auto held = [&s](CaseState state) { return s.by_state[static_cast<int>(state)]; };
  json by_state = json::object();
  for (int i = 0; i < static_cast<int>(s.by_state.size()); ++i) {
    if (s.by_state[i] > 0)
      by_state[std::string(domain::Name(static_cast<CaseState>(i)))] = s.by_state[i];
  }
  const std::int64_t waiting_response =
      held(CaseState::kVerified) + held(CaseState::kDispositioned);
  json sla = {
      {"verify", Clock(s.clocks[0], s.clocks[1], held(CaseState::kSubmitted))},
      {"first_response", Clock(s.clocks[2], s.clocks[3], waiting_response)},
      {"settle", Clock(s.clocks[4], s.clocks[5], waiting_response + held(CaseState::kInProgress))}};
  json log = {{"size", node.log().size()}};
  if (node.checkpoint_size > 0) {
    log["checkpoint"] = {{"size", node.checkpoint_size},
                         {"root", RootHex(node.log(), node.checkpoint_size)}};
  }
  if (node.witnessed_size > 0) {
    log["witnessed"] = {{"size", node.witnessed_size},
                        {"root", RootHex(node.log(), node.witnessed_size)}};
  }
  return json{{"node", node.id()},
              {"at", context.at_ms},
              {"interval_s", context.interval_s},
              {"directory_version", context.directory_version},
              {"cases", {{"total", s.cases}, {"by_state", std::move(by_state)}}},
              {"sla", std::move(sla)},
              {"overdue", {{"total", 0}, {"ids", json::array()}}},
              {"outbox", json::array({{{"dest", context.coordinator},
                                       {"pending", context.outbox_pending},
                                       {"delivered", s.delivered}}})},
              {"log", std::move(log)},
              {"meta", {{"sent", s.meta_sent}, {"pending", context.meta_pending}}}}
      .dump();
}

}  // namespace simpul::bench::sim
