// The national monitoring end to end: a real coordinator and two real member nodes (prov:32 and
// kab:32.04) reporting every second over mutual TLS. Complaints are filed and handled at the
// nodes; the coordinator's monitoring API then answers with those real counts, in JSON and CSV.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "tests/integration/federation_fixture.hpp"

namespace simpul::testing {
namespace {

using nlohmann::json;

// RFC 4180 records of `text` (quoted fields, doubled quotes, CRLF line ends).
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(std::move(field));
      field.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.back().push_back(std::move(field));
      field.clear();
      rows.emplace_back();
      ++i;
    } else {
      field += c;
    }
  }
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

// CSV rows as maps from column to text, keyed by the value of column `key`.
std::map<std::string, std::map<std::string, std::string>> CsvByKey(const std::string& text,
                                                                   const std::string& key) {
  const auto rows = ParseCsv(text);
  std::map<std::string, std::map<std::string, std::string>> out;
  if (rows.empty()) return out;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    std::map<std::string, std::string> row;
    for (std::size_t c = 0; c < rows[0].size() && c < rows[r].size(); ++c) {
      row[rows[0][c]] = rows[r][c];
    }
    out[row[key]] = row;
  }
  return out;
}

class MonitorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fed_.ReportEvery(1);
    fed_.Build({
        {"prov:32", "32", {"--class", "province"}},
        {"kab:32.04", "32.04", {"--class", "regency", "--parent", "prov:32"}},
    });
    if (HasFatalFailure()) return;
    fed_.StartAll();
  }

  std::string File(const std::string& node, const std::string& category,
                   const std::string& region) {
    json complaint = SampleComplaint();
    complaint["category"] = category;
    complaint["region"] = region;
    ApiReply r = NodeApi(fed_.node(node).port()).Submit(complaint);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json.value("tracking_id", "");
  }
  void Act(const std::string& node, const std::string& id, const std::string& action,
           const json& body = json::object()) {
    ApiReply r = NodeApi(fed_.node(node).port()).Act(fed_.Token(node), id, action, body);
    EXPECT_EQ(r.status, 200) << action << " " << id << ": " << r.body;
  }
  ApiReply Monitor(const std::string& target) {
    if (coord_token_.empty()) {
      coord_token_ = NodeApi(fed_.coordinator().port())
                         .Login("admin", fed_.coordinator().admin_password());
    }
    return NodeApi(fed_.coordinator().port()).Get(target, coord_token_);
  }
  Result<HttpResponse> MonitorCsv(const std::string& target) {
    NodeApi api(fed_.coordinator().port());
    return api.http().Request("GET", target, "", Bearer(coord_token_));
  }
  json NodeStats(const std::string& node) {
    ApiReply r = NodeApi(fed_.node(node).port()).Get("/api/v1/stats", fed_.Token(node));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json;
  }
  static json RowOf(const json& rows, const std::string& column, const std::string& value) {
    for (const auto& row : rows) {
      if (row.value(column, "") == value) return row;
    }
    return json();
  }

  Federation fed_;
  std::string coord_token_;
};

TEST_F(MonitorTest, CoordinatorDashboardAnswersWithTheNodesRealCounts) {
  // kab:32.04: three road complaints; two verified, one of them handled to resolution.
  const auto k1 = File("kab:32.04", "infrastruktur.jalan", "32.04");
  const auto k2 = File("kab:32.04", "infrastruktur.jalan", "32.04");
  File("kab:32.04", "infrastruktur.jalan", "32.04");
  ASSERT_TRUE(fed_.node("kab:32.04").AddUnit("dpu", "Dinas Pekerjaan Umum"));
  Act("kab:32.04", k1, "verify");
  Act("kab:32.04", k2, "verify");
  Act("kab:32.04", k1, "dispose", {{"unit", "dpu"}});
  Act("kab:32.04", k1, "respond", {{"message", "Tim sudah meninjau lokasi."}});
  Act("kab:32.04", k1, "resolve", {{"message", "Jalan sudah ditambal."}});
  // prov:32: a road complaint, verified, and a health complaint in Kota Bandung, archived.
  const auto p1 = File("prov:32", "infrastruktur.jalan", "32.04");
  const auto p2 = File("prov:32", "kesehatan.puskesmas", "32.73");
  Act("prov:32", p1, "verify");
  Act("prov:32", p2, "archive", {{"archive_reason", "out_of_scope"}, {"reason", "bukan layanan"}});
  ASSERT_FALSE(HasFailure());

  // Wait until the coordinator holds every case and a report measured after the last action.
  json nodes, trends;
  const bool caught_up = Federation::Eventually([&] {
    ApiReply n = Monitor("/api/v1/monitor/nodes");
    ApiReply t = Monitor("/api/v1/monitor/trends?by=category");
    if (n.status != 200 || t.status != 200) return false;
    nodes = n.json;
    trends = t.json;
    const json kab = RowOf(nodes["nodes"], "node_id", "kab:32.04");
    const json prov = RowOf(nodes["nodes"], "node_id", "prov:32");
    std::int64_t cases = 0;
    for (const auto& row : trends["rows"]) cases += row.value("cases", 0);
    return kab.is_object() && prov.is_object() && kab.value("cases", 0) == 3 &&
           prov.value("cases", 0) == 2 && kab.value("meta_pending", -1) == 0 &&
           prov.value("meta_pending", -1) == 0 && cases == 5;
  }, std::chrono::seconds(30));
  ASSERT_TRUE(caught_up) << nodes.dump() << "\n" << trends.dump() << "\n"
                         << fed_.coordinator().LogTail() << fed_.node("kab:32.04").LogTail();

  // The federation table: both members seen, with their reported directory and log state.
  ASSERT_EQ(nodes["nodes"].size(), 2u) << nodes.dump();
  for (const std::string id : {"kab:32.04", "prov:32"}) {
    const json row = RowOf(nodes["nodes"], "node_id", id);
    EXPECT_TRUE(row["last_seen_at"].is_number()) << row.dump();
    EXPECT_FALSE(row["silent"].get<bool>()) << row.dump();
    EXPECT_EQ(row["directory_version"], nodes["directory_version"]) << row.dump();
    EXPECT_GT(row["log_size"].get<std::int64_t>(), 0) << row.dump();
    EXPECT_GT(row["meta_records"].get<std::int64_t>(), 0) << row.dump();
    EXPECT_EQ(row["overdue"], 0);
  }
  EXPECT_EQ(RowOf(nodes["nodes"], "node_id", "kab:32.04")["parent"], "prov:32");
  EXPECT_EQ(RowOf(nodes["nodes"], "node_id", "kab:32.04")["class"], "regency");

  // Trends by category, region and month: the five complaints, counted once each.
  const json road = RowOf(trends["rows"], "category", "infrastruktur.jalan");
  EXPECT_EQ(road["cases"], 4) << trends.dump();
  EXPECT_EQ(road["resolved"], 1);
  EXPECT_EQ(road["open"], 4);
  EXPECT_TRUE(road["mean_first_response_ms"].is_number());
  const json health = RowOf(trends["rows"], "category", "kesehatan.puskesmas");
  EXPECT_EQ(health["cases"], 1);
  EXPECT_EQ(health["archived"], 1);
  EXPECT_EQ(health["open"], 0);
  ApiReply by_region = Monitor("/api/v1/monitor/trends?by=region");
  ASSERT_EQ(by_region.status, 200) << by_region.body;
  EXPECT_EQ(RowOf(by_region.json["rows"], "region", "32.04")["cases"], 4);
  EXPECT_EQ(RowOf(by_region.json["rows"], "region", "32.73")["cases"], 1);
  ApiReply by_month = Monitor("/api/v1/monitor/trends?by=month");
  ASSERT_EQ(by_month.status, 200) << by_month.body;
  ASSERT_EQ(by_month.json["rows"].size(), 1u) << by_month.body;
  EXPECT_EQ(by_month.json["rows"][0]["cases"], 5);
  const std::string month = by_month.json["rows"][0]["month"];
  ApiReply before = Monitor("/api/v1/monitor/trends?by=month&to=2020-01");
  EXPECT_TRUE(before.json["rows"].empty()) << before.body;
  ApiReply within = Monitor("/api/v1/monitor/trends?by=category&from=" + month + "&to=" + month);
  EXPECT_EQ(within.json["rows"].size(), 2u) << within.body;

  // SLA per node: the coordinator shows what each node's own statistics say.
  ApiReply sla = Monitor("/api/v1/monitor/sla?min_cases=1");
  ASSERT_EQ(sla.status, 200) << sla.body;
  for (const std::string id : {"kab:32.04", "prov:32"}) {
    const json own = NodeStats(id)["sla_compliance"];
    const json row = RowOf(sla.json["nodes"], "node_id", id);
    ASSERT_TRUE(row.is_object()) << sla.body;
    for (const auto& [clock, counts] : own.items()) {
      EXPECT_EQ(row[clock + "_met"], counts["met"]) << id << " " << clock;
      EXPECT_EQ(row[clock + "_missed"], counts["missed"]) << id << " " << clock;
      EXPECT_EQ(row[clock + "_running"], counts["running"]) << id << " " << clock;
    }
  }
  const json kab_sla = RowOf(sla.json["nodes"], "node_id", "kab:32.04");
  EXPECT_EQ(kab_sla["verify_met"], 2);
  EXPECT_EQ(kab_sla["verify_running"], 1);
  EXPECT_EQ(kab_sla["rate"], 1.0);
  EXPECT_EQ(kab_sla["rank"], 1);
  EXPECT_EQ(sla.json["top"].size(), 2u);
  ApiReply strict = Monitor("/api/v1/monitor/sla");  // default minimum of 10 cases
  EXPECT_TRUE(strict.json["top"].empty()) << strict.body;

  // CSV exports carry the same numbers.
  auto csv = MonitorCsv("/api/v1/monitor/sla?min_cases=1&format=csv");
  ASSERT_TRUE(csv.has_value()) << csv.error().message;
  EXPECT_EQ(csv->status, 200);
  EXPECT_EQ(csv->Header("Content-Type").value_or(""), "text/csv; charset=utf-8");
  const auto sla_csv = CsvByKey(csv->body, "node_id");
  ASSERT_EQ(sla_csv.size(), 2u) << csv->body;
  EXPECT_EQ(sla_csv.at("kab:32.04").at("verify_met"), "2");
  EXPECT_EQ(sla_csv.at("kab:32.04").at("verify_running"), "1");
  EXPECT_EQ(sla_csv.at("kab:32.04").at("rank"), "1");
  EXPECT_EQ(sla_csv.at("prov:32").at("cases"), "2");
  auto trends_csv = MonitorCsv("/api/v1/monitor/trends?by=category&format=csv");
  ASSERT_TRUE(trends_csv.has_value());
  const auto by_category = CsvByKey(trends_csv->body, "category");
  EXPECT_EQ(by_category.at("infrastruktur.jalan").at("cases"), "4") << trends_csv->body;
  EXPECT_EQ(by_category.at("kesehatan.puskesmas").at("archived"), "1");
  auto nodes_csv = MonitorCsv("/api/v1/monitor/nodes?format=csv");
  ASSERT_TRUE(nodes_csv.has_value());
  const auto table = CsvByKey(nodes_csv->body, "node_id");
  EXPECT_EQ(table.at("kab:32.04").at("cases"), "3") << nodes_csv->body;
  EXPECT_EQ(table.at("kab:32.04").at("silent"), "false");
  EXPECT_EQ(table.at("prov:32").at("last_seen_at").empty(), false);

  // A node's history, and the metrics.
  ApiReply history = Monitor("/api/v1/monitor/nodes/kab:32.04");
  ASSERT_EQ(history.status, 200) << history.body;
  EXPECT_EQ(history.json["latest"]["node"], "kab:32.04");
  EXPECT_GE(history.json["history"].size(), 1u);
  EXPECT_EQ(Monitor("/api/v1/monitor/nodes/kab:99.99").status, 404);
  ApiReply metrics = NodeApi(fed_.coordinator().port()).Get("/metrics");
  EXPECT_NE(metrics.body.find("simpul_mon_silent_nodes 0"), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("simpul_mon_cases 5"), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("simpul_mon_reports_total"), std::string::npos);
}

// A member node never answers monitoring requests: they exist only on the coordinator.
TEST_F(MonitorTest, MonitoringRoutesExistOnlyOnTheCoordinator) {
  ApiReply at_node = NodeApi(fed_.node("kab:32.04").port())
                         .Get("/api/v1/monitor/nodes", fed_.Token("kab:32.04"));
  EXPECT_EQ(at_node.status, 404) << at_node.body;
  EXPECT_EQ(Monitor("/api/v1/monitor/trends?by=colour").status, 400);
  EXPECT_EQ(Monitor("/api/v1/monitor/trends?from=2026-13").status, 400);
  EXPECT_EQ(Monitor("/api/v1/monitor/nodes?format=xml").status, 400);
}

}  // namespace
}  // namespace simpul::testing
