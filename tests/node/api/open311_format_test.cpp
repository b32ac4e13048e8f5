// The Open311 documents and inputs as pure functions: the JSON shapes against the GeoReport v2
// spec's example documents (their field names and value types, not their data), the XML derived
// from them, escaping, form decoding, request mapping, and the GET filters.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "node/api/open311_docs.hpp"
#include "node/api/open311_input.hpp"
#include "node/api/open311_xml.hpp"
#include "node/domain/text.hpp"

namespace simpul::api {
namespace {

using nlohmann::json;

// The field names (in the spec's order) of the spec's example documents.
const std::vector<std::string> kSpecServiceFields = {
    "service_code", "service_name", "description", "metadata", "type", "keywords", "group"};
const std::vector<std::string> kSpecAttributeFields = {
    "variable", "code", "datatype", "required", "datatype_description", "order", "description"};
const std::vector<std::string> kSpecRequestFields = {
    "service_request_id", "status",           "status_notes",       "service_name",
    "service_code",       "description",      "agency_responsible", "service_notice",
    "requested_datetime", "updated_datetime", "expected_datetime"};

std::vector<std::string> Keys(const Json311& obj) {
  std::vector<std::string> out;
  for (const auto& [k, v] : obj.items()) out.push_back(k);
  return out;
}

store::Open311Row SampleRow() {
  store::Open311Row r;
  r.tracking_id = "KAB3204-000007";
  r.category = "infrastruktur.jalan";
  r.body = "Jalan berlubang di depan pasar.";
  r.state = domain::CaseState::kInProgress;
  r.unit_name = "Dinas PUPR";
  r.submitted_at = domain::TimePoint(std::chrono::milliseconds(1783306800000));
  r.updated_at = r.submitted_at + std::chrono::hours(5);
  r.next_due_at = r.submitted_at + std::chrono::hours(24 * 60);
  r.next_clock = "settle";
  r.status_note = "Perbaikan dijadwalkan minggu depan.";
  return r;
}

TEST(Open311DocsTest, ServicesAreTheActiveLeafCategoriesWithTheSpecFields) {
  auto tree = domain::DefaultNationalCategories();
  ASSERT_TRUE(tree.SetActive("infrastruktur.jalan", false));
  Json311 services = ServicesDoc(tree);
  ASSERT_TRUE(services.is_array());
  ASSERT_GT(services.size(), 13u);
  for (const auto& s : services) {
    EXPECT_EQ(Keys(s), kSpecServiceFields);
    EXPECT_TRUE(s["metadata"].is_boolean());
    EXPECT_EQ(s["type"], "realtime");
    const std::string code = s["service_code"];
    EXPECT_TRUE(tree.Children(code).empty()) << code << " is not a leaf";
    EXPECT_NE(code, "infrastruktur.jalan") << "an inactive category is listed";
    EXPECT_EQ(s["group"], tree.Find(tree.Find(code)->parent)->name_id);
  }
}

TEST(Open311DocsTest, ServiceDefinitionListsSimpulsAttributesInTheSpecShape) {
  auto tree = domain::DefaultNationalCategories();
  auto doc = ServiceDefinitionDoc(tree, "infrastruktur.jalan", "32.04");
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ((*doc)["service_code"], "infrastruktur.jalan");
  std::vector<std::string> codes;
  int order = 0;
  for (const auto& a : (*doc)["attributes"]) {
    std::vector<std::string> keys = Keys(a);
    keys.resize(kSpecAttributeFields.size());
    EXPECT_EQ(keys, kSpecAttributeFields);
    EXPECT_EQ(a["order"], ++order);
    if (a["datatype"] == "singlevaluelist") {
      EXPECT_FALSE(a["values"].empty());
    }
    codes.push_back(a["code"]);
  }
  EXPECT_EQ(codes, (std::vector<std::string>{"region", "classification", "anonymous",
                                             "confidential", "incident_date"}));
  EXPECT_FALSE((*doc)["attributes"][0]["required"]) << "the node's region is the default";
  auto ministry = ServiceDefinitionDoc(tree, "infrastruktur.jalan", "");
  ASSERT_TRUE(ministry);
  EXPECT_TRUE((*ministry)["attributes"][0]["required"]) << "no default region at a ministry";
  EXPECT_EQ(ServiceDefinitionDoc(tree, "infrastruktur", "32.04").error().code, ErrorCode::kNotFound)
      << "a parent category is not a service";
}

TEST(Open311DocsTest, RequestHasTheSpecFieldsAndOmitsWhatIsNotStored) {
  auto tree = domain::DefaultNationalCategories();
  Json311 r = RequestDoc(SampleRow(), tree, "Pemerintah Kabupaten Bandung");
  EXPECT_EQ(Keys(r), kSpecRequestFields);
  EXPECT_EQ(r["status"], "open");
  EXPECT_EQ(r["status_notes"], "Perbaikan dijadwalkan minggu depan.");
  EXPECT_EQ(r["agency_responsible"], "Pemerintah Kabupaten Bandung / Dinas PUPR");
  EXPECT_EQ(r["requested_datetime"], "2026-07-06T03:00:00.000Z");
  EXPECT_EQ(r["expected_datetime"], "2026-09-04T03:00:00.000Z");
  EXPECT_FALSE(r.contains("lat")) << "no coordinates stored, none invented";

  store::Open311Row placed = SampleRow();
  placed.address = "Jl. Raya Banjaran";
  placed.latitude = -7.05;
  placed.longitude = 107.59;
  placed.next_clock = "auto_close";
  Json311 p = RequestDoc(placed, tree, "x");
  EXPECT_TRUE(p["lat"].is_number());
  EXPECT_DOUBLE_EQ(p["long"].get<double>(), 107.59);
  EXPECT_EQ(p["address"], "Jl. Raya Banjaran");
  EXPECT_TRUE(p["expected_datetime"].is_null()) << "the reply window is not an answer deadline";
}

TEST(Open311DocsTest, StatesMapToOpenOrClosedAndForwardedCasesShowTheHandlersState) {
  auto tree = domain::DefaultNationalCategories();
  store::Open311Row row = SampleRow();
  for (auto [state, status] : {std::pair{domain::CaseState::kVerified, "open"},
                               {domain::CaseState::kReopened, "open"},
                               {domain::CaseState::kResolved, "closed"},
                               {domain::CaseState::kClosed, "closed"}}) {
    row.state = state;
    EXPECT_EQ(RequestDoc(row, tree, "x")["status"], status) << domain::Name(state);
  }
  row.state = domain::CaseState::kForwarded;
  row.handler = "kl:pupr";
  row.handler_state = "resolved";
  Json311 r = RequestDoc(row, tree, "x");
  EXPECT_EQ(r["status"], "closed");
  EXPECT_EQ(r["agency_responsible"], "kl:pupr");
  EXPECT_EQ(ClosedStateNames(), (std::vector<std::string>{"resolved", "closed", "archived"}));
}

TEST(Open311DocsTest, PostReplyAndErrorsHaveTheSpecShape) {
  service::SubmitResult s;
  s.tracking_id = "KAB3204-000001";
  s.access_code = "ABCD";
  s.receipt = {"{\"x\":1}", "c2ln"};
  Json311 reply = PostReplyDoc(s);
  ASSERT_EQ(reply.size(), 1u);
  EXPECT_EQ(reply[0]["service_request_id"], "KAB3204-000001");
  EXPECT_TRUE(reply[0]["account_id"].is_null());
  EXPECT_TRUE(reply[0]["service_notice"].is_string());
  EXPECT_EQ(reply[0]["simpul_receipt"]["payload_canonical"], "{\"x\":1}");
  EXPECT_EQ(ErrorsDoc(403, "invalid api_key").dump(),
            R"([{"code":403,"description":"invalid api_key"}])");
}

TEST(Open311XmlTest, ListsNestAsTheSpecsElements) {
  Json311 doc = Json311::array({Json311{{"service_request_id", "A-1"}, {"account_id", nullptr}}});
  EXPECT_EQ(ToOpen311Xml(doc, "service_requests", kOpen311XmlItems),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<service_requests><request>"
            "<service_request_id>A-1</service_request_id><account_id/></request>"
            "</service_requests>\n");
  Json311 errors = ErrorsDoc(404, "none");
  EXPECT_NE(ToOpen311Xml(errors, "errors", kOpen311XmlItems)
                .find("<errors><error><code>404</code><description>none</description></error>"
                      "</errors>"),
            std::string::npos);
  Json311 discovery = DiscoveryDoc({"2026-07-06T00:00:00Z", "c", "k", "http://h/open311/v2"});
  std::string xml = ToOpen311Xml(discovery, "discovery", kOpen311XmlItems);
  EXPECT_NE(xml.find("<endpoints><endpoint><specification>"), std::string::npos);
  EXPECT_NE(xml.find("<formats><format>text/xml</format><format>application/json</format>"),
            std::string::npos);
  auto tree = domain::DefaultNationalCategories();
  std::string def = ToOpen311Xml(*ServiceDefinitionDoc(tree, "infrastruktur.jalan", "32.04"),
                                 "service_definition", kOpen311XmlItems);
  EXPECT_NE(def.find("<values><value><key>complaint</key>"), std::string::npos);
  EXPECT_NE(def.find("<required>false</required>"), std::string::npos);
}

TEST(Open311XmlTest, EscapesMarkupAndReplacesCharactersXmlCannotCarry) {
  EXPECT_EQ(EscapeXml("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
  EXPECT_EQ(EscapeXml(std::string("x\x01y\x1Fz\0w", 7)),
            "x\xEF\xBF\xBDy\xEF\xBF\xBDz\xEF\xBF\xBDw");
  EXPECT_EQ(EscapeXml("tab\tline\ncr\r"), "tab\tline\ncr\r");
  EXPECT_EQ(EscapeXml("\xEF\xBF\xBE\xEF\xBF\xBF"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(EscapeXml("Jalan Raya — ok €"), "Jalan Raya — ok €");
  EXPECT_EQ(EscapeXml("\xF0\x9F\x98\x80 \xC3\xA9"), "\xF0\x9F\x98\x80 \xC3\xA9");
  // Bytes that are not UTF-8: one U+FFFD each (stray, truncated, overlong, surrogate, too high).
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(EscapeXml("a\xFF"
                      "b"),
            "a" + r + "b");
  EXPECT_EQ(EscapeXml("\x80"), r);
  EXPECT_EQ(EscapeXml("\xE2\x82"), r + r);
  EXPECT_EQ(EscapeXml("\xC0\xAF"), r + r);
  EXPECT_EQ(EscapeXml("\xED\xA0\x80"), r + r + r);
  EXPECT_EQ(EscapeXml("\xF4\x90\x80\x80"), r + r + r + r);
  Json311 doc = Json311::array({Json311{{"description", "<script>&"}}});
  EXPECT_NE(ToOpen311Xml(doc, "service_requests", kOpen311XmlItems)
                .find("<description>&lt;script&gt;&amp;</description>"),
            std::string::npos);
}

TEST(Open311InputTest, DecodesFormBodies) {
  auto f = ParseFormBody("api_key=k&description=Jalan+rusak%21&attribute%5Bregion%5D=32.04&x=");
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(f->at("description"), "Jalan rusak!");
  EXPECT_EQ(f->at("attribute[region]"), "32.04");
  EXPECT_EQ(f->at("x"), "");
  EXPECT_FALSE(ParseFormBody("a=%zz"));
  EXPECT_FALSE(ParseFormBody("a=%4"));
  std::string many;
  for (int i = 0; i < 65; ++i) many += "f" + std::to_string(i) + "=1&";
  EXPECT_FALSE(ParseFormBody(many));
  auto j = FieldsFromJson(
      json::parse(R"({"service_code":"a","lat":-6.9,"attribute":{"anonymous":true}})"));
  ASSERT_TRUE(j);
  EXPECT_EQ(j->at("attribute[anonymous]"), "true");
  EXPECT_EQ(j->at("lat"), "-6.9");
}

TEST(Open311InputTest, MapsARequestToAComplaintDraft) {
  Open311Fields f = {{"service_code", "infrastruktur.jalan"},
                     {"description", "Jalan berlubang besar di depan pasar Banjaran.\nSudah lama."},
                     {"lat", "-7.05"},
                     {"long", "107.59"},
                     {"address_string", "Jl. Raya Banjaran"},
                     {"first_name", "Siti"},
                     {"last_name", "Aminah"},
                     {"email", "siti@example.id"},
                     {"attribute[confidential]", "true"},
                     {"attribute[classification]", "aspiration"},
                     {"attribute[incident_date]", "2026-07-01T08:00:00+07:00"}};
  auto d = DraftFromOpen311(f, "32.04");
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->channel, domain::Channel::kOpen311);
  EXPECT_EQ(d->category_code, "infrastruktur.jalan");
  EXPECT_EQ(d->title, "Jalan berlubang besar di depan pasar Banjaran.");
  EXPECT_EQ(d->region_code, "32.04");
  EXPECT_EQ(d->reporter.name, "Siti Aminah");
  EXPECT_TRUE(d->confidential);
  EXPECT_FALSE(d->anonymous);
  EXPECT_EQ(d->classification, domain::Classification::kAspiration);
  EXPECT_DOUBLE_EQ(*d->latitude, -7.05);
  EXPECT_EQ(domain::FormatIsoDate(*d->incident_date), "2026-07-01");

  f["attribute[colour]"] = "red";
  EXPECT_NE(DraftFromOpen311(f, "32.04").error().message.find("attribute[colour]"),
            std::string::npos);
  f.erase("attribute[colour]");
  Open311Fields no_region = {{"service_code", "a"}, {"description", "abcdefghijk"}};
  EXPECT_NE(DraftFromOpen311(no_region, "").error().message.find("attribute[region]"),
            std::string::npos);
  EXPECT_FALSE(DraftFromOpen311({{"description", "abcdefghijk"}}, "32.04"));
  EXPECT_FALSE(
      DraftFromOpen311({{"service_code", "a"}, {"description", "x"}, {"lat", "abc"}}, "32.04"));
}

TEST(Open311InputTest, DerivesAShortTitleWithoutSplittingCharacters) {
  EXPECT_EQ(DeriveTitle("  Lampu   jalan mati  \nDetail"), "Lampu jalan mati");
  std::string long_text;
  for (int i = 0; i < 30; ++i) long_text += "kerusakan ";
  std::string t = DeriveTitle(long_text);
  EXPECT_LE(t.size(), kMaxDerivedTitleBytes);
  EXPECT_TRUE(t.ends_with("kerusakan\xE2\x80\xA6")) << t;
  std::string w = DeriveTitle(std::string(76, 'a') + "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9");
  EXPECT_LE(w.size(), kMaxDerivedTitleBytes);
  EXPECT_TRUE(domain::IsValidUtf8(w)) << "a character split before the ellipsis";
  EXPECT_EQ(w, std::string(76, 'a') + "\xE2\x80\xA6");
}

TEST(Open311InputTest, ParsesIsoTimesWithZones) {
  auto utc = ParseOpen311Time("2026-07-06T02:00:00Z");
  ASSERT_TRUE(utc);
  EXPECT_EQ(ParseOpen311Time("2026-07-06T09:00:00+07:00").value(), *utc);
  EXPECT_EQ(ParseOpen311Time("2026-07-05T21:00:00-05:00").value(), *utc);
  EXPECT_EQ(ParseOpen311Time("2026-07-06T02:00:00.250Z").value(),
            *utc + std::chrono::milliseconds(250));
  EXPECT_EQ(ParseOpen311Time("2026-07-06").value(), *utc - std::chrono::hours(2));
  for (const char* bad : {"2026-07-06T02:00:00", "2026-07-06T25:00:00Z", "yesterday",
                          "2026-07-06T02:00:00+7", "2026-13-01T00:00:00Z"}) {
    EXPECT_FALSE(ParseOpen311Time(bad)) << bad;
  }
}

TEST(Open311InputTest, ReadsTheGetFilters) {
  const auto now = ParseOpen311Time("2026-07-06T00:00:00Z").value();
  auto f = FilterFromQuery({{"service_code", "a.b, c.d"},
                            {"status", "closed"},
                            {"start_date", "2026-06-01T00:00:00Z"},
                            {"page", "3"},
                            {"page_size", "10"}},
                           now);
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(f->categories, (std::vector<std::string>{"a.b", "c.d"}));
  EXPECT_EQ(f->closed, std::optional<bool>(true));
  EXPECT_EQ(f->limit, 10);
  EXPECT_EQ(f->offset, 20);
  EXPECT_EQ(*f->submitted_to - *f->submitted_from, kMaxOpen311Span);
  auto defaults = FilterFromQuery({{"status", "open,closed"}}, now);
  ASSERT_TRUE(defaults);
  EXPECT_FALSE(defaults->closed.has_value());
  EXPECT_EQ(*defaults->submitted_to, now);
  EXPECT_EQ(defaults->limit, kDefaultOpen311PageSize);
  auto ids = FilterFromQuery({{"service_request_id", "A-1,A-2"}, {"status", "closed"}}, now);
  ASSERT_TRUE(ids);
  EXPECT_EQ(ids->tracking_ids.size(), 2u);
  EXPECT_FALSE(ids->closed.has_value()) << "ids override the other filters";
  EXPECT_FALSE(ids->submitted_from.has_value());
  EXPECT_FALSE(FilterFromQuery({{"status", "pending"}}, now));
  EXPECT_FALSE(FilterFromQuery({{"page_size", "1001"}}, now));
  EXPECT_FALSE(FilterFromQuery({{"page", "0"}}, now));
  EXPECT_FALSE(FilterFromQuery(
      {{"start_date", "2026-01-01T00:00:00Z"}, {"end_date", "2026-07-01T00:00:00Z"}}, now))
      << "more than 90 days";
}

}  // namespace
}  // namespace simpul::api
