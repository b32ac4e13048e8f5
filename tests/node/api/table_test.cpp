// The monitoring exports: RFC 4180 CSV and JSON rows carry the same values.
#include "node/api/table.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace simpul::api {
namespace {

Table Sample() {
  Table t{{"node_id", "name", "cases", "rate", "silent", "alarms", "last_seen_at"}, {}};
  t.rows.push_back({std::string("kab:32.04"), std::string("Kabupaten Bandung, \"Jabar\""),
                    std::int64_t{12}, 0.666666, false,
                    std::vector<std::string>{"silent", "overdue"}, std::monostate{}});
  t.rows.push_back({std::string("kl:x"), std::string("=HYPERLINK(\"http://evil\")"),
                    std::int64_t{0}, 1.0, true, std::vector<std::string>{},
                    std::int64_t{1783000000000}});
  t.rows.push_back({std::string("prov:32"), std::string("line\r\nbreak"), std::int64_t{-3},
                    0.5, true, std::vector<std::string>{"a,b"}, std::monostate{}});
  return t;
}

TEST(TableTest, CsvQuotesPerRfc4180) {
  EXPECT_EQ(TableToCsv(Sample()),
            "node_id,name,cases,rate,silent,alarms,last_seen_at\r\n"
            "kab:32.04,\"Kabupaten Bandung, \"\"Jabar\"\"\",12,0.6667,false,silent;overdue,\r\n"
            "kl:x,\"'=HYPERLINK(\"\"http://evil\"\")\",0,1,true,,1783000000000\r\n"
            "prov:32,\"line\r\nbreak\",-3,0.5,true,\"a,b\",\r\n");
}

TEST(TableTest, JsonRowsHoldTheSameValues) {
  const auto rows = TableToJson(Sample());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0]["node_id"], "kab:32.04");
  EXPECT_EQ(rows[0]["name"], "Kabupaten Bandung, \"Jabar\"");
  EXPECT_EQ(rows[0]["cases"], 12);
  EXPECT_DOUBLE_EQ(rows[0]["rate"].get<double>(), 0.6667);
  EXPECT_EQ(rows[0]["silent"], false);
  EXPECT_EQ(rows[0]["alarms"], nlohmann::json::array({"silent", "overdue"}));
  EXPECT_TRUE(rows[0]["last_seen_at"].is_null());
  EXPECT_EQ(rows[1]["name"], "=HYPERLINK(\"http://evil\")");  // only CSV defuses formulas
  EXPECT_EQ(rows[1]["last_seen_at"], 1783000000000);
}

}  // namespace
}  // namespace simpul::api
