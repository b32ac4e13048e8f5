// The hostile-input catalogue against a real simpuld: oversized and malformed JSON, NUL bytes,
// SQL-injection strings, path traversal, slow clients, connection floods, request smuggling and
// brute-force sign-in. Each case checks the node's answer, that nothing changed (case count and
// transparency-log size), and that the node still serves a normal request afterwards.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/integration/hostile_requests.hpp"
#include "tests/integration/node_api.hpp"
#include "tests/integration/raw_connection.hpp"
#include "tests/support/node_process.hpp"

namespace simpul::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using std::string_literals::operator""s;

// Short limits so slow clients and floods show within a test; idle is long so that a cut-off
// within a few seconds can only come from the header or body timeout.
constexpr int kMaxConnections = 12;
constexpr seconds kHeaderTimeout{1};
constexpr seconds kBodyTimeout{1};
constexpr seconds kIdleTimeout{30};
const std::string kLimits =
    "[limits]\nheader_timeout_s = 1\nbody_timeout_s = 1\n"
    "idle_timeout_s = 30\nmax_connections = 12\n";

// A cut-off due at `timeout` counts as on time within this much more (a loaded 2-core machine).
constexpr seconds kSlack{3};

// The number of files below `dir`, recursively.
std::size_t FileCount(const fs::path& dir) {
  std::size_t n = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    n += it->is_regular_file() ? 1 : 0;
  }
  return n;
}

class HostileInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto created = NodeProcess::Create({.extra_config = kLimits});
    ASSERT_TRUE(created) << created.error().message;
    auto started = (*created)->Start();
    ASSERT_TRUE(started) << started.error().message;
    node_ = std::move(*created).release();
    api_ = new NodeApi(node_->port());
    admin_ = api_->Login("admin", node_->admin_password());
    ApiReply seed = api_->Submit(SampleComplaint());
    ASSERT_EQ(seed.status, 201) << seed.body;
  }

  static void TearDownTestSuite() {
    delete api_;
    delete node_;
    api_ = nullptr;
    node_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(api_, nullptr) << "the node did not start";
    ASSERT_FALSE(admin_.empty());
    cases_before_ = api_->CaseCount(admin_);
    log_before_ = LogSize();
    files_before_ = FileCount(node_->dir());
    ASSERT_GE(cases_before_, 1);
    ASSERT_GT(log_before_, 0);
  }

  // Leaves in the node's transparency log, counted page by page.
  static std::int64_t LogSize() {
    std::int64_t size = 0;
    for (;;) {
      ApiReply page = api_->Get("/api/v1/log/leaves?limit=1000&from=" + std::to_string(size));
      EXPECT_EQ(page.status, 200) << page.body;
      if (page.status != 200) return -1;
      const auto n = static_cast<std::int64_t>(page.json["leaves"].size());
      size += n;
      if (n < 1000) return size;
    }
  }

  // Nothing changed: no case, no log leaf, no file; and the node still serves.
  void ExpectNothingChanged() {
    EXPECT_EQ(api_->CaseCount(admin_), cases_before_) << "no case may be added";
    EXPECT_EQ(LogSize(), log_before_) << "the transparency log may not grow";
    EXPECT_EQ(FileCount(node_->dir()), files_before_) << "no file may be written";
    ExpectServing();
  }

  // A normal request on a fresh connection is answered.
  static void ExpectServing() {
    NodeApi fresh(node_->port());
    EXPECT_EQ(fresh.Get("/healthz").status, 200) << node_->LogTail();
  }

  void ExpectRefused(const ApiReply& reply, int status, const std::string& message_part) {
    EXPECT_EQ(reply.status, status) << reply.body;
    EXPECT_FALSE(reply.error_code().empty()) << "an error body: " << reply.body;
    EXPECT_NE(reply.error_message().find(message_part), std::string::npos) << reply.body;
    ExpectNothingChanged();
  }

  static NodeProcess* node_;
  static NodeApi* api_;
  static std::string admin_;
  std::int64_t cases_before_ = 0;
  std::int64_t log_before_ = 0;
  std::size_t files_before_ = 0;
};

NodeProcess* HostileInputTest::node_ = nullptr;
NodeApi* HostileInputTest::api_ = nullptr;
std::string HostileInputTest::admin_;

TEST_F(HostileInputTest, HugeArrayUnderTheBodyLimitIsRefused) {
  // 300,000 elements in 600 KB: under the 1 MiB body limit, but each would cost a parsed value.
  std::string many = "[0";
  for (int i = 1; i < 300000; ++i) many += ",0";
  many += "]";
  json complaint = SampleComplaint();
  complaint["extra"] = "@ARRAY@";
  std::string body = complaint.dump();
  body.replace(body.find("\"@ARRAY@\""), 9, many);
  ASSERT_LT(body.size(), std::size_t{1} << 20);
  ApiReply r = api_->Send("POST", "/api/v1/complaints", body);
  ExpectRefused(r, 400, "more than 10000 values");
  ApiReply login = api_->Send("POST", "/api/v1/auth/login",
                              R"({"username":"admin","password":"x","pad":)" + many + "}");
  ExpectRefused(login, 400, "more than 10000 values");
}

TEST_F(HostileInputTest, NulInJsonStringsIsRefused) {
  for (const char* field : {"title", "body", "address"}) {
    json complaint = SampleComplaint();
    complaint[field] = std::string("Jalan\0rusak", 11);
    ExpectRefused(api_->Submit(complaint), 400, "NUL");
  }
  json complaint = SampleComplaint();
  complaint["reporter"]["name"] = std::string("Siti\0Aminah", 11);
  ExpectRefused(api_->Submit(complaint), 400, "NUL");
  // As a key, and as the escape the client wrote.
  ExpectRefused(api_->Send("POST", "/api/v1/complaints", R"({"ti\u0000tle":"x"})"), 400, "NUL");
}

TEST_F(HostileInputTest, NulInUrlAndHeadersIsRefused) {
  for (std::string target : {"/api/v1/complaints/KAB3204-000001%00/track", "/healthz%00"}) {
    ApiReply r = api_->Raw("POST " + target +
                           " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                           "Content-Length: 2\r\n\r\n{}");
    ExpectRefused(r, 400, "NUL");
  }
  RawConnection raw_target(node_->port());
  ASSERT_TRUE(raw_target.Send("GET /health\0z HTTP/1.1\r\nHost: x\r\n\r\n"s));
  EXPECT_EQ(FirstStatus(raw_target.Read(seconds(5))), 400);
  EXPECT_TRUE(raw_target.WaitForClose(seconds(5)));

  json complaint = SampleComplaint();
  RawConnection raw_header(node_->port());
  ASSERT_TRUE(raw_header.Send(
      "POST /api/v1/complaints HTTP/1.1\r\nHost: x\r\n"
      "Content-Type: application/json\r\nX-Note: a" +
      std::string(1, '\0') + "b\r\nContent-Length: " + std::to_string(complaint.dump().size()) +
      "\r\n\r\n" + complaint.dump()));
  EXPECT_EQ(FirstStatus(raw_header.Read(seconds(5))), 400);
  EXPECT_TRUE(raw_header.WaitForClose(seconds(5)));
  ExpectNothingChanged();
}

TEST_F(HostileInputTest, SqlInjectionStringsAreStoredVerbatim) {
  const std::vector<std::pair<std::string, std::string>> fields = {
      {"title", "'; DROP TABLE complaints; --"},
      {"body", "Robert'); DELETE FROM events WHERE 1=1; -- \" OR \"1\"=\"1"},
      {"address", "1' OR '1'='1' /* UNION SELECT password_hash FROM users */"},
      {"suggested_agency", "x\"); UPDATE users SET role='node_admin'; --"},
  };
  json complaint = SampleComplaint();
  for (const auto& [field, value] : fields) complaint[field] = value;
  complaint["reporter"] = {{"name", "O'Brien\"); DROP TABLE reporters; --"},
                           {"email", "o'brien--@example.org"}};
  ApiReply filed = api_->Submit(complaint);
  ASSERT_EQ(filed.status, 201) << filed.body;
  const std::string id = filed.json.value("tracking_id", "");

  ApiReply stored = api_->Case(id, admin_);
  ASSERT_EQ(stored.status, 200) << stored.body;
  for (const auto& [field, value] : fields) EXPECT_EQ(stored.json[field], value) << field;
  EXPECT_EQ(stored.json["reporter"]["name"], complaint["reporter"]["name"]) << stored.body;
  EXPECT_EQ(stored.json["reporter"]["email"], complaint["reporter"]["email"]) << stored.body;

  // The tables are intact: the count grew by exactly this case, search with injection text
  // works, and the next complaint is filed as usual.
  EXPECT_EQ(api_->CaseCount(admin_), cases_before_ + 1);
  ApiReply search = api_->Get("/api/v1/cases?q=%27%3B%20DROP%20TABLE%20complaints%3B%20--", admin_);
  EXPECT_EQ(search.status, 200) << search.body;
  EXPECT_EQ(api_->Submit(SampleComplaint()).status, 201);
  EXPECT_EQ(api_->CaseCount(admin_), cases_before_ + 2);
  EXPECT_EQ(api_->Get("/api/v1/auth/me", admin_).status, 200) << "the session survived";
}

TEST_F(HostileInputTest, StaticPathTraversalIsRefused) {
  ASSERT_EQ(api_->Get("/js/common/api.js").status, 200) << "the static route serves files";
  const std::string config_name = node_->config_path().filename().string();
  // Under a static route a `..`, `.`, encoded slash or backslash is refused outright; elsewhere
  // no route matches, and a double-encoded `..` is only a strange file name.
  const std::vector<std::pair<std::string, int>> cases = {
      {"/js/../../../../etc/passwd", 400},
      {"/js/%2e%2e/%2e%2e/%2e%2e/etc/passwd", 400},
      {"/js/..%2f..%2f..%2fetc%2fpasswd", 400},
      {"/js/%2e%2e%2f%2e%2e%2fdata%2f" + config_name, 400},
      {"/staff/..%5c..%5cetc%5cpasswd", 400},
      {"/js/./common/api.js", 400},
      {"/../../../../etc/passwd", 404},
      {"/%2e%2e/%2e%2e/etc/passwd", 404},
      {"/assets/%252e%252e/%252e%252e/etc/passwd", 404},
  };
  for (const auto& [target, status] : cases) {
    ApiReply r = api_->Get(target);
    EXPECT_EQ(r.status, status) << target << ": " << r.body;
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << target;
    EXPECT_EQ(r.body.find("node_id"), std::string::npos) << target;
  }
  ExpectNothingChanged();
}

TEST_F(HostileInputTest, HostileAttachmentNamesAreRefusedAndNothingIsWritten) {
  const fs::path outside = node_->dir() / "escaped.pdf";
  const std::string pdf_base64 = "JVBERi0xLjQKJcfsj6IK";  // "%PDF-1.4\n..."
  for (const std::string& name : std::vector<std::string>{
           "../../escaped.pdf", outside.string(), "..\\..\\escaped.pdf", ".hidden.pdf",
           std::string(300, 'a') + ".pdf", "bad\nname.pdf", std::string("nul\0.pdf", 8)}) {
    json complaint = SampleComplaint();
    complaint["attachments"] = json::array(
        {{{"filename", name}, {"media_type", "application/pdf"}, {"content_base64", pdf_base64}}});
    ApiReply r = api_->Submit(complaint);
    EXPECT_EQ(r.status, 400) << name << ": " << r.body;
    EXPECT_FALSE(fs::exists(outside)) << name;
  }
  ExpectNothingChanged();
}

TEST_F(HostileInputTest, HeaderDribbledPastTheHeaderTimeoutIsCutOff) {
  RawConnection slow(node_->port());
  ASSERT_TRUE(slow.connected());
  const std::string header = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(64, 'a');
  const auto started = RawConnection::Clock::now();
  std::size_t sent = 0;
  // One byte every 200 ms: the header could never complete within the header timeout.
  while (sent < header.size() && slow.Send(header.substr(sent, 1))) {
    ++sent;
    if (slow.WaitForClose(milliseconds(200))) break;
    if (sent == 3) ExpectServing();  // others are served meanwhile
  }
  const auto elapsed = RawConnection::Clock::now() - started;
  EXPECT_TRUE(slow.closed_by_server()) << "sent " << sent << " bytes";
  EXPECT_LT(elapsed, kHeaderTimeout + kSlack) << "cut off at the header timeout, not idle";
  EXPECT_LT(elapsed, kIdleTimeout);
  ExpectNothingChanged();
}

TEST_F(HostileInputTest, BodyDribbledPastTheBodyTimeoutIsCutOff) {
  const std::string body = SampleComplaint().dump();
  RawConnection slow(node_->port());
  ASSERT_TRUE(
      slow.Send("POST /api/v1/complaints HTTP/1.1\r\nHost: x\r\n"
                "Content-Type: application/json\r\nContent-Length: " +
                std::to_string(body.size()) + "\r\n\r\n"));
  const auto started = RawConnection::Clock::now();
  std::size_t sent = 0;
  while (sent < body.size() && slow.Send(body.substr(sent, 1))) {
    ++sent;
    if (slow.WaitForClose(milliseconds(200))) break;
    if (sent == 3) ExpectServing();
  }
  const auto elapsed = RawConnection::Clock::now() - started;
  EXPECT_TRUE(slow.closed_by_server()) << "sent " << sent << " of " << body.size();
  EXPECT_LT(sent, body.size());
  EXPECT_LT(elapsed, kBodyTimeout + kSlack);
  ExpectNothingChanged();
}

TEST_F(HostileInputTest, ConnectionFloodIsBoundedAndTheNodeRecovers) {
  constexpr int kFlood = 40;
  std::vector<std::unique_ptr<RawConnection>> flood;
  for (int i = 0; i < kFlood; ++i) {
    flood.push_back(std::make_unique<RawConnection>(node_->port()));
    ASSERT_TRUE(flood.back()->connected()) << i;
  }
  // Each asks for /healthz: those over the limit were closed at accept and get no answer.
  int served = 0;
  int refused = 0;
  for (auto& c : flood) {
    c->Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    const std::string got = c->Read(seconds(5), "\r\n\r\n");
    if (FirstStatus(got) == 200) {
      ++served;
    } else if (c->closed_by_server()) {
      ++refused;
    }
  }
  EXPECT_EQ(served + refused, kFlood);
  EXPECT_LE(served, kMaxConnections);
  EXPECT_GE(refused, kFlood - kMaxConnections);
  // The connection open before the flood is still served.
  EXPECT_EQ(api_->Get("/healthz").status, 200);
  const std::string metrics = api_->Get("/metrics").body;
  EXPECT_NE(metrics.find("simpul_http_rejected_connections_total"), std::string::npos);

  flood.clear();
  // Once the flood is gone, new clients are served again (sessions notice the closes first).
  bool recovered = false;
  const auto deadline = RawConnection::Clock::now() + seconds(10);
  for (int attempt = 0; attempt < 100 && !recovered && RawConnection::Clock::now() < deadline;
       ++attempt) {
    RawConnection probe(node_->port());
    probe.Send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    recovered = FirstStatus(probe.Read(seconds(2), "\r\n\r\n")) == 200;
  }
  EXPECT_TRUE(recovered) << node_->LogTail();
  ExpectNothingChanged();
}

TEST_F(HostileInputTest, AmbiguousFramingIsRefusedAndNothingIsSmuggled) {
  for (const auto& [what, bytes] : AmbiguousFramings()) {
    RawConnection c(node_->port());
    ASSERT_TRUE(c.Send(bytes)) << what;
    const std::string got = c.Read(seconds(5));
    EXPECT_EQ(FirstStatus(got), 400) << what << ": " << got;
    EXPECT_TRUE(c.closed_by_server()) << what << ": the connection is closed";
    EXPECT_EQ(ResponseCount(got), 1) << what << ": the hidden request got no answer: " << got;
  }
  ExpectNothingChanged();
}

// Brute force gets its own node: the address limit it trips would lock every later sign-in
// from this test process.
class HostileSignInTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = NodeProcess::Create();
    ASSERT_TRUE(created) << created.error().message;
    ASSERT_TRUE((*created)->Start());
    node_ = std::move(*created);
    api_ = std::make_unique<NodeApi>(node_->port());
  }
  ApiReply SignIn(const std::string& user, const std::string& password) {
    return api_->Post("/api/v1/auth/login", {{"username", user}, {"password", password}});
  }
  // 429 with a Retry-After of a positive number of seconds.
  void ExpectThrottled(const std::string& user, const std::string& password) {
    auto r = api_->http().Request("POST", "/api/v1/auth/login",
                                  json{{"username", user}, {"password", password}}.dump());
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->status, 429) << r->body;
    auto retry = r->Header("Retry-After");
    ASSERT_TRUE(retry.has_value()) << "429 without Retry-After";
    EXPECT_GT(std::stoi(*retry), 0);
  }
  std::unique_ptr<NodeProcess> node_;
  std::unique_ptr<NodeApi> api_;
};

TEST_F(HostileSignInTest, ManyWrongPasswordsForOneAccountAreRateLimited) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(SignIn("admin", "tebakan-" + std::to_string(i)).status, 401) << i;
  }
  ExpectThrottled("admin", node_->admin_password());
}

TEST_F(HostileSignInTest, WrongPasswordsSpreadOverAccountsAreRateLimitedByAddress) {
  // Each account sees one failure, far under its own limit; the address sees them all.
  for (int i = 0; i < 30; ++i) {
    ASSERT_EQ(SignIn("pegawai-" + std::to_string(i), "tebakan").status, 401) << i;
  }
  ExpectThrottled("pegawai-99", "tebakan");
  ExpectThrottled("admin", node_->admin_password());
}

}  // namespace
}  // namespace simpul::testing
