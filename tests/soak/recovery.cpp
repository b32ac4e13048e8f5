#include "tests/soak/recovery.hpp"

#include "tests/soak/probes.hpp"
#include "tests/support/http_client.hpp"

namespace simpul::soak {
namespace {

bool Ready(const Member& m) {
  const std::uint16_t port = m.http_port.load();
  if (port == 0) return false;
  testing::HttpClient client(port, std::chrono::seconds(2));
  auto r = client.Request("GET", "/readyz");
  return r && r->status == 200;
}

bool Delivered(const std::vector<Backlog>& backlog) {
  for (const auto& b : backlog) {
    auto left = QueryInt(b.db,
                         "SELECT count(*) FROM fed_outbox WHERE dest = ?1 AND seq <= ?2 "
                         "AND delivered_at IS NULL",
                         {b.dest, std::to_string(b.through)});
    if (!left || *left != 0) return false;
  }
  return true;
}

}  // namespace

HealMark MarkHeal(SoakFederation& fed, const Member& target, const Ledger& ledger) {
  HealMark mark;
  mark.healed = std::chrono::steady_clock::now();
  mark.acked_at_heal = ledger.ComplaintsAt(target.id);
  for (Member* m : fed.nodes()) {
    const bool own = m == &target;
    auto rows = Query(m->process->database_path(),
                      "SELECT dest, max(seq), count(*) FROM fed_outbox WHERE delivered_at IS NULL "
                      "AND (?1 = 1 OR dest = ?2) GROUP BY dest",
                      {own ? "1" : "0", target.id});
    if (!rows) continue;
    for (const auto& row : *rows) {
      mark.backlog.push_back({m->process->database_path(), row[0], std::stoll(row[1])});
      mark.queued += std::stoll(row[2]);
    }
  }
  if (&target != &fed.coordinator_node()) return mark;
  for (auto& m : fed.members()) {
    auto leaves = QueryInt(m->process->database_path(), "SELECT count(*) FROM tlog_leaves");
    mark.witness.push_back({m->id, m->process->database_path(), leaves.value_or(0)});
  }
  return mark;
}

std::string WitnessBehind(SoakFederation& fed, const std::vector<WitnessMark>& marks) {
  for (const auto& w : marks) {
    auto cosigned = QueryInt(w.db,
                             "SELECT coalesce(max(size), 0) FROM tlog_checkpoints "
                             "WHERE cosigned_note IS NOT NULL");
    auto witnessed = QueryInt(fed.coordinator().database_path(),
                              "SELECT coalesce(max(size), 0) FROM witness_logs WHERE origin = ?1",
                              {"simpul/" + w.id});
    if (!cosigned || !witnessed || *cosigned < w.leaves || *witnessed < w.leaves) {
      return w.id + " cosigned " + std::to_string(cosigned.value_or(-1)) + ", witness at " +
             std::to_string(witnessed.value_or(-1)) + " < " + std::to_string(w.leaves);
    }
  }
  return "";
}

bool Recovered(SoakFederation& fed, const HealMark& mark, const Member& target, bool needs_intake,
               const Ledger& ledger) {
  if (needs_intake && ledger.ComplaintsAt(target.id) <= mark.acked_at_heal) return false;
  return Ready(target) && Delivered(mark.backlog) && WitnessBehind(fed, mark.witness).empty();
}

}  // namespace simpul::soak
