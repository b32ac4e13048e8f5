#include "tests/soak/checks.hpp"

#include <map>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/bench/two_node_federation.hpp"
#include "tests/soak/probes.hpp"

namespace simpul::soak {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr auto kPoll = std::chrono::milliseconds(200);
constexpr std::size_t kMaxListed = 5;  // problems named in a check's detail

// Appends `what` to `detail` unless kMaxListed are already named; counts it either way.
void Note(std::string& detail, int& count, const std::string& what) {
  if (count++ < static_cast<int>(kMaxListed)) detail += (detail.empty() ? "" : "; ") + what;
}

CheckResult Verdict(std::string name, int problems, std::string detail, const std::string& ok) {
  if (problems == 0) return {std::move(name), true, ok};
  return {std::move(name), false, std::to_string(problems) + " problem(s): " + detail};
}

struct Db {
  std::string id;
  fs::path path;
};

std::vector<Db> AllDatabases(SoakFederation& fed) {
  std::vector<Db> dbs;
  for (Member* m : fed.nodes()) dbs.push_back({m->id, m->process->database_path()});
  return dbs;
}

// "" when the witness has cosigned member `id`'s whole log, else what is missing.
std::string WitnessGap(SoakFederation& fed, Member& m) {
  auto leaves = QueryInt(m.process->database_path(), "SELECT count(*) FROM tlog_leaves");
  auto signed_size = QueryInt(m.process->database_path(),
                              "SELECT coalesce(max(size), 0) FROM tlog_checkpoints "
                              "WHERE cosigned_note IS NOT NULL");
  auto witnessed = QueryInt(fed.coordinator().database_path(),
                            "SELECT coalesce(max(size), 0) FROM witness_logs WHERE origin = ?1",
                            {"simpul/" + m.id});
  if (!leaves || !signed_size || !witnessed) return m.id + ": cannot read the logs";
  if (*leaves == *signed_size && *witnessed == *leaves) return "";
  return m.id + ": " + std::to_string(*leaves) + " leaves, latest cosigned checkpoint " +
         std::to_string(*signed_size) + ", witness at " + std::to_string(*witnessed);
}

// (receiver db) -> count of applied envelopes of `type` per (sender, case_ref).
std::map<std::pair<std::string, std::string>, int> AppliedByCase(const fs::path& db,
                                                                 const std::string& type) {
  std::map<std::pair<std::string, std::string>, int> out;
  auto rows = Query(db,
                    "SELECT sender, case_ref, count(*) FROM fed_inbox WHERE type = ?1 "
                    "AND state = 'applied' GROUP BY sender, case_ref",
                    {type});
  if (rows) {
    for (const auto& r : *rows) out[{r[0], r[1]}] = std::stoi(r[2]);
  }
  return out;
}

CheckResult CheckComplaints(SoakFederation& fed, const Ledger& ledger) {
  std::map<std::string, std::map<std::string, std::pair<std::string, std::string>>> stored;
  for (auto& m : fed.members()) {
    auto rows = Query(m->process->database_path(), "SELECT tracking_id, title, body FROM cases");
    if (!rows) continue;
    for (auto& r : *rows) stored[m->id][r[0]] = {r[1], r[2]};
  }
  int problems = 0;
  std::string detail;
  const auto acked = ledger.complaints();
  for (const auto& c : acked) {
    auto& at = stored[c.node];
    auto it = at.find(c.tracking_id);
    if (it == at.end()) {
      Note(detail, problems, c.tracking_id + " missing at " + c.node);
    } else if (it->second.first != c.title || it->second.second != c.body) {
      Note(detail, problems, c.tracking_id + " content differs at " + c.node);
    }
  }
  return Verdict("every acknowledged complaint stored, content as sent", problems, detail,
                 std::to_string(acked.size()) + " complaints");
}

// Each acknowledged handover applied: a case.forward at the receiver (which must hold the case),
// a case.accept or case.response back at the origin. Exactly once, unless `retries_may_repeat`
// (a response retried after a lost answer is a second, legitimate response).
CheckResult CheckHandovers(SoakFederation& fed, const std::vector<AckedHandover>& handovers,
                           const std::string& type, bool at_receiver,
                           bool retries_may_repeat = false) {
  std::map<std::string, std::map<std::pair<std::string, std::string>, int>> applied;
  std::map<std::string, std::set<std::string>> cases;
  for (auto& m : fed.members()) {
    applied[m->id] = AppliedByCase(m->process->database_path(), type);
    if (!at_receiver) continue;
    auto rows = Query(m->process->database_path(), "SELECT tracking_id FROM cases");
    if (rows) {
      for (auto& r : *rows) cases[m->id].insert(r[0]);
    }
  }
  int problems = 0;
  std::string detail;
  for (const auto& h : handovers) {
    const std::string& node = at_receiver ? h.to : h.from;
    const std::string& sender = at_receiver ? h.from : h.to;
    const int n = applied[node][{sender, h.tracking_id}];
    if (n < 1 || (n > 1 && !retries_may_repeat)) {
      Note(detail, problems,
           h.tracking_id + " " + sender + "->" + node + " applied " + std::to_string(n) + "x");
    } else if (at_receiver && cases[node].count(h.tracking_id) == 0) {
      Note(detail, problems, h.tracking_id + " applied but no case at " + node);
    }
  }
  return Verdict("every acknowledged " + type + " applied " +
                     (retries_may_repeat ? "at the origin" : "exactly once"),
                 problems, detail, std::to_string(handovers.size()) + " " + type);
}

// Each acknowledged citizen reply arrived at its handler as exactly one reporter_reply event with
// its message (the handler's case_events), and the handler applied case.reply from the origin.
CheckResult CheckReplies(SoakFederation& fed, const std::vector<AckedReply>& replies) {
  std::map<std::string, std::map<std::pair<std::string, std::string>, int>> events;
  std::map<std::string, std::map<std::pair<std::string, std::string>, int>> relayed;
  for (auto& m : fed.members()) {
    auto rows = Query(m->process->database_path(),
                      "SELECT c.tracking_id, json_extract(e.detail, '$.message'), count(*) "
                      "FROM case_events e JOIN cases c ON c.id = e.case_id "
                      "WHERE e.action = 'reporter_reply' GROUP BY 1, 2");
    if (rows) {
      for (const auto& r : *rows) events[m->id][{r[0], r[1]}] = std::stoi(r[2]);
    }
    relayed[m->id] = AppliedByCase(m->process->database_path(), "case.reply");
  }
  int problems = 0;
  std::string detail;
  for (const auto& r : replies) {
    const int n = events[r.to][{r.tracking_id, r.message}];
    if (n != 1) {
      Note(detail, problems,
           r.tracking_id + " reply from " + r.from + " at " + r.to + " " + std::to_string(n) + "x");
    } else if (relayed[r.to][{r.from, r.tracking_id}] < 1) {
      Note(detail, problems, r.tracking_id + " at " + r.to + " without a case.reply applied");
    }
  }
  return Verdict("every acknowledged citizen reply arrived once at the handler", problems, detail,
                 std::to_string(replies.size()) + " case.reply");
}

// Notes each database where the count `sql` is not 0, as "<node>: <n> <what>".
void ExpectZero(SoakFederation& fed, const std::string& sql, const std::string& what,
                std::string& detail, int& problems) {
  for (const auto& db : AllDatabases(fed)) {
    auto n = QueryInt(db.path, sql);
    if (!n) {
      Note(detail, problems, db.id + ": " + n.error().message);
    } else if (*n != 0) {
      Note(detail, problems, db.id + ": " + std::to_string(*n) + " " + what);
    }
  }
}

// Every envelope a node's outbox holds as delivered is in its receiver's inbox exactly once
// (by sender and msg_id), applied.
CheckResult CheckEveryEnvelopeOnce(SoakFederation& fed) {
  int problems = 0;
  std::string detail;
  std::int64_t envelopes = 0;
  const auto dbs = AllDatabases(fed);
  std::map<std::string, fs::path> by_id;
  for (const auto& db : dbs) by_id[db.id] = db.path;
  for (const auto& sender : dbs) {
    auto sent =
        Query(sender.path, "SELECT dest, msg_id FROM fed_outbox WHERE delivered_at IS NOT NULL");
    if (!sent) {
      Note(detail, problems, sender.id + ": " + sent.error().message);
      continue;
    }
    std::map<std::string, std::map<std::string, std::pair<int, bool>>> inbox;  // dest -> msg_id
    for (const auto& [dest, path] : by_id) {
      auto rows = Query(path, "SELECT msg_id, state FROM fed_inbox WHERE sender = ?1", {sender.id});
      if (!rows) continue;
      for (const auto& r : *rows) {
        auto& entry = inbox[dest][r[0]];
        ++entry.first;
        entry.second = r[1] == "applied";
      }
    }
    for (const auto& row : *sent) {
      ++envelopes;
      const auto it = inbox[row[0]].find(row[1]);
      if (it == inbox[row[0]].end()) {
        Note(detail, problems, sender.id + "->" + row[0] + " " + row[1] + " not in the inbox");
      } else if (it->second.first != 1 || !it->second.second) {
        Note(detail, problems, sender.id + "->" + row[0] + " " + row[1] + " not applied once");
      }
    }
  }
  return Verdict("every delivered envelope applied exactly once at its receiver", problems, detail,
                 std::to_string(envelopes) + " envelopes");
}

CheckResult CheckNoDuplicates(SoakFederation& fed) {
  int problems = 0;
  std::string detail;
  ExpectZero(fed,
             "SELECT count(*) FROM (SELECT 1 FROM fed_inbox "
             "WHERE type IN ('case.forward', 'case.accept') AND state = 'applied' "
             "GROUP BY sender, type, case_ref HAVING count(*) > 1)",
             "cases with a handover applied twice", detail, problems);
  ExpectZero(fed, "SELECT count(*) FROM fed_inbox WHERE state != 'applied'",
             "inbox rows held or dead", detail, problems);
  return Verdict("no duplicate applied, no inbox row held or dead", problems, detail, "all nodes");
}

CheckResult CheckDrained(SoakFederation& fed) {
  int problems = 0;
  std::string detail;
  ExpectZero(fed, "SELECT count(*) FROM fed_outbox WHERE delivered_at IS NULL", "undelivered",
             detail, problems);
  std::vector<std::string> ids;
  for (Member* m : fed.nodes()) ids.push_back(m->id);
  for (Member* m : fed.nodes()) {
    for (const auto& dest : ids) {
      auto v = ReadMetric(m->http_port.load(), "simpul_fed_outbox_pending{dest=\"" + dest + "\"}");
      if (v && *v != 0) {
        Note(detail, problems, m->id + " metric: " + std::to_string(*v) + " pending to " + dest);
      }
    }
  }
  return Verdict("every outbox drained", problems, detail,
                 "0 undelivered rows, simpul_fed_outbox_pending 0");
}

CheckResult CheckIntegrity(SoakFederation& fed) {
  int problems = 0;
  std::string detail;
  for (const auto& db : AllDatabases(fed)) {
    auto rows = Query(db.path, "PRAGMA integrity_check");
    if (!rows || rows->empty() || rows->front().front() != "ok") {
      Note(detail, problems,
           db.id + ": " + (rows && !rows->empty() ? rows->front().front() : "cannot run"));
    }
  }
  return Verdict("PRAGMA integrity_check", problems, detail, "ok on every database");
}

CheckResult CheckWitness(SoakFederation& fed) {
  int problems = 0;
  std::string detail;
  for (auto& m : fed.members()) {
    if (auto gap = WitnessGap(fed, *m); !gap.empty()) Note(detail, problems, gap);
  }
  auto token = bench::AdminToken(fed.coordinator());
  if (!token) {
    Note(detail, problems, "coordinator sign-in: " + token.error().message);
  } else {
    testing::HttpClient client(fed.coordinator().port());
    auto body = bench::Call(client, "GET", "/api/v1/witness/alarms", "", *token, 200);
    auto j = nlohmann::json::parse(body.value_or(""), nullptr, false);
    if (!j.is_object() || !j["alarms"].is_array()) {
      Note(detail, problems, "alarms: " + (body ? *body : body.error().message));
    } else if (!j["alarms"].empty()) {
      Note(detail, problems, std::to_string(j["alarms"].size()) + " witness alarm(s)");
    }
  }
  return Verdict("witness cosigned every member's latest checkpoint, no alarms", problems, detail,
                 "every log fully witnessed, 0 alarms");
}

CheckResult CheckSourceAudit(SoakFederation& fed) {
  int problems = 0;
  std::string detail;
  for (auto& m : fed.members()) {
    auto v = ReadMetric(m->http_port.load(), "simpul_tlog_source_mismatches");
    if (!v || *v != 0) {
      Note(detail, problems,
           m->id + ": " + (v ? std::to_string(static_cast<long long>(*v)) : v.error().message));
    }
  }
  return Verdict("tlog source audit: 0 mismatches", problems, detail, "0 on every member");
}

CheckResult CheckCrashes(const std::vector<std::string>& crashes) {
  int problems = 0;
  std::string detail;
  for (const auto& c : crashes) Note(detail, problems, c);
  return Verdict("no node ended except by the soak's SIGKILL", problems, detail, "none");
}

}  // namespace

Result<double> WaitForQuiescence(SoakFederation& fed, std::chrono::seconds limit) {
  const auto start = Clock::now();
  std::string outstanding;
  while (Clock::now() - start < limit) {
    outstanding.clear();
    for (const auto& db : AllDatabases(fed)) {
      auto pending = QueryInt(db.path,
                              "SELECT (SELECT count(*) FROM fed_outbox WHERE delivered_at IS NULL)"
                              " + (SELECT count(*) FROM fed_inbox WHERE state = 'held')");
      if (!pending || *pending != 0) {
        outstanding += db.id + ": " + std::to_string(pending.value_or(-1)) + " queued; ";
      }
    }
    for (auto& m : fed.members()) {
      if (auto gap = WitnessGap(fed, *m); !gap.empty()) outstanding += gap + "; ";
    }
    if (outstanding.empty()) return std::chrono::duration<double>(Clock::now() - start).count();
    std::this_thread::sleep_for(kPoll);
  }
  return Fail(ErrorCode::kUnavailable,
              "not quiet after " + std::to_string(limit.count()) + " s: " + outstanding);
}

std::vector<CheckResult> RunChecks(SoakFederation& fed, const Ledger& ledger,
                                   const std::vector<std::string>& crashes) {
  return {CheckComplaints(fed, ledger),
          CheckHandovers(fed, ledger.forwards(), "case.forward", true),
          CheckHandovers(fed, ledger.accepts(), "case.accept", false),
          CheckHandovers(fed, ledger.responses(), "case.response", false, true),
          CheckReplies(fed, ledger.replies()),
          CheckEveryEnvelopeOnce(fed),
          CheckNoDuplicates(fed),
          CheckDrained(fed),
          CheckIntegrity(fed),
          CheckWitness(fed),
          CheckSourceAudit(fed),
          CheckCrashes(crashes)};
}

}  // namespace simpul::soak
