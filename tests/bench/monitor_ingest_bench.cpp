// The coordinator's monitoring intake at national scale: case.meta bodies of 500 records and
// node.reports from many nodes, validated against their schema and applied as the inbox applies
// them (MonitorIngest::Apply inside a write job on a real SQLite file with synchronous=FULL),
// then the dashboard queries over the result. Prints the cost per record.
//
//   monitor_ingest_bench --nodes 600 --cases 100000 --events 4 --envelopes-per-write 10
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "federation/message_types.hpp"
#include "node/coord/monitor_views.hpp"
#include "node/fed/monitor_ingest.hpp"
#include "node/store/monitor_store.hpp"
#include "node/store/schema.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using simpul::federation::MessageType;

constexpr const char* kActions[][2] = {{"submit", "submitted"},
                                       {"verify", "verified"},
                                       {"dispose", "dispositioned"},
                                       {"respond", "in_progress"},
                                       {"resolve", "resolved"},
                                       {"close", "closed"}};
constexpr const char* kCategories[] = {"infrastruktur.jalan", "kesehatan.puskesmas",
                                       "pendidikan.sekolah", "kependudukan.ktp"};

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

std::string NodeId(int n) { return "kab:" + std::to_string(10 + n / 90) + "." + std::to_string(10 + n % 90); }

// The case.meta bodies of node `n`: `cases` cases of `events` events each, 500 records a body.
std::vector<std::string> MetaBodies(int n, int cases, int events, std::int64_t t0) {
  std::vector<std::string> out;
  json records = json::array();
  std::int64_t event = 0;
  const std::string node = NodeId(n);
  for (int c = 0; c < cases; ++c) {
    const std::string id = "N" + std::to_string(n) + "-" + std::to_string(c);
    const std::int64_t submitted = t0 + c * 60'000;
    for (int e = 0; e < events; ++e) {
      records.push_back({{"event", ++event}, {"tracking_id", id}, {"origin", node},
                         {"category", kCategories[c % 4]}, {"region", "32.04"},
                         {"classification", "complaint"}, {"state", kActions[e % 6][1]},
                         {"action", kActions[e % 6][0]}, {"at", submitted + e * 3'600'000},
                         {"submitted_at", submitted}});
      if (records.size() == simpul::federation::kMaxMetaRecords) {
        out.push_back(json{{"node", node}, {"records", std::move(records)}}.dump());
        records = json::array();
      }
    }
  }
  if (!records.empty()) out.push_back(json{{"node", node}, {"records", std::move(records)}}.dump());
  return out;
}

std::string ReportBody(int n, std::int64_t at) {
  const json clock = {{"met", 40 + n % 7}, {"missed", n % 5}, {"running", 3}};
  return json{{"node", NodeId(n)}, {"at", at}, {"interval_s", 300}, {"directory_version", 9},
              {"cases", {{"total", 120}, {"by_state", {{"verified", 20}, {"closed", 100}}}}},
              {"sla", {{"verify", clock}, {"first_response", clock}, {"settle", clock}}},
              {"overdue", {{"total", 2}, {"ids", {"X-1", "X-2"}}}},
              {"outbox", {{{"dest", "coord:panrb"}, {"pending", 1}, {"delivered", 99}}}},
              {"log", {{"size", 1000}, {"checkpoint", {{"size", 990}, {"root", std::string(64, 'a')}}}}},
              {"meta", {{"sent", 480}, {"pending", 0}}}}
      .dump();
}

simpul::federation::VerifiedEnvelope Envelope(MessageType type, int n, std::string body) {
  simpul::federation::VerifiedEnvelope env;
  env.type = type;
  env.from = NodeId(n);
  env.msg_id = std::to_string(n);
  env.body = std::move(body);
  return env;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Coordinator monitoring intake benchmark"};
  int nodes = 600, cases = 100000, events = 4, per_write = 10;
  app.add_option("--nodes", nodes, "reporting nodes");
  app.add_option("--cases", cases, "cases in total, spread over the nodes");
  app.add_option("--events", events, "events per case (1..6)");
  app.add_option("--envelopes-per-write", per_write, "envelopes applied per write job");
  CLI11_PARSE(app, argc, argv);

  simpul::testing::TempDir dir;
  auto db = simpul::store::Database::Open({dir.path() / "coord.db", 2},
                                          simpul::store::SchemaMigrations());
  if (!db) return std::fprintf(stderr, "%s\n", db.error().message.c_str()), 1;
  const std::int64_t t0 = 1'783'000'000'000;
  simpul::fed::MonitorIngest ingest([] { return simpul::domain::TimePoint(std::chrono::milliseconds(1'783'000'000'000)); },
                                    std::chrono::hours(7));

  std::vector<simpul::federation::VerifiedEnvelope> metas;
  for (int n = 0; n < nodes; ++n) {
    for (auto& body : MetaBodies(n, cases / nodes, events, t0)) {
      metas.push_back(Envelope(MessageType::kCaseMeta, n, std::move(body)));
    }
  }
  const std::int64_t records = static_cast<std::int64_t>(cases / nodes) * nodes * events;

  auto start = Clock::now();
  for (const auto& env : metas) {
    if (!simpul::federation::ValidateBody(env.type, json::parse(*env.body), "")) return 1;
  }
  const double validate_s = Seconds(start);

  start = Clock::now();
  for (std::size_t i = 0; i < metas.size(); i += per_write) {
    auto done = (*db)->WriteSync<int>([&](simpul::store::Connection& c) -> simpul::Result<int> {
      for (std::size_t j = i; j < metas.size() && j < i + per_write; ++j) {
        if (auto r = ingest.Apply(c, metas[j]); !r) return tl::unexpected(r.error());
      }
      return 0;
    });
    if (!done) return std::fprintf(stderr, "%s\n", done.error().message.c_str()), 1;
  }
  const double meta_s = Seconds(start);

  start = Clock::now();
  for (int n = 0; n < nodes; ++n) {
    const auto env = Envelope(MessageType::kNodeReport, n, ReportBody(n, t0));
    auto done = (*db)->WriteSync<int>([&](simpul::store::Connection& c) -> simpul::Result<int> {
      if (auto r = ingest.Apply(c, env); !r) return tl::unexpected(r.error());
      return 0;
    });
    if (!done) return 1;
  }
  const double report_s = Seconds(start);

  start = Clock::now();
  auto trends = (*db)->ReadSync<std::vector<simpul::store::TrendRow>>([](simpul::store::Connection& c) {
    return simpul::store::MonitorStore::Trends(c, {simpul::store::TrendKey::kCategory, "", ""});
  });
  const double trends_s = Seconds(start);
  start = Clock::now();
  auto month = (*db)->ReadSync<std::vector<simpul::store::TrendRow>>([](simpul::store::Connection& c) {
    return simpul::store::MonitorStore::Trends(c, {simpul::store::TrendKey::kRegion, "2026-07", "2026-07"});
  });
  const double month_s = Seconds(start);
  start = Clock::now();
  auto rows = (*db)->ReadSync<std::vector<simpul::store::MonNodeRow>>(
      [](simpul::store::Connection& c) { return simpul::store::MonitorStore::Nodes(c); });
  const double nodes_s = Seconds(start);
  if (!trends || !month || !rows) return 1;

  std::printf("case.meta: %lld records in %zu envelopes, %d per write job\n",
              static_cast<long long>(records), metas.size(), per_write);
  std::printf("  schema check   %8.2f us/record\n", validate_s * 1e6 / records);
  std::printf("  apply (SQLite) %8.2f us/record  (%.0f records/s)\n", meta_s * 1e6 / records,
              records / meta_s);
  std::printf("node.report: %d reports, one write job each: %.2f ms/report\n", nodes,
              report_s * 1e3 / nodes);
  std::printf("queries: trends by category %.1f ms (%zu rows), one month by region %.1f ms, "
              "nodes %.1f ms (%zu rows)\n",
              trends_s * 1e3, trends->size(), month_s * 1e3, nodes_s * 1e3, rows->size());
  return 0;
}
