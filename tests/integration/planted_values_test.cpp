// A full federation run with planted personal values and secrets, then a scan of everything the
// nodes wrote: every node's log and /metrics, every federation message each node stored (outbox,
// inbox and evidence, envelopes and receipts as kept), and the coordinator's whole database and
// data directory. A real coordinator and two members (kl:pupr, kab:32.04) with mutual TLS.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "crypto/bytes.hpp"
#include "crypto/random.hpp"
#include "tests/integration/federation_fixture.hpp"
#include "tests/support/temp_dir.hpp"

namespace simpul::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A planted value and what it is, for failure messages.
struct Planted {
  std::string what;
  std::string value;
};

// Every column of every row `sql` returns from the SQLite database at `path`, each followed by a
// newline. Read-only; safe while the node runs (WAL).
std::string Query(const fs::path& path, const std::string& sql) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close_v2)> db(raw, &sqlite3_close_v2);
  EXPECT_EQ(rc, SQLITE_OK) << path;
  if (rc != SQLITE_OK) return "";
  sqlite3_busy_timeout(db.get(), 5000);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql;
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> stmt(st, &sqlite3_finalize);
  std::string out;
  int step = SQLITE_DONE;
  while (st != nullptr && (step = sqlite3_step(st)) == SQLITE_ROW) {
    for (int c = 0; c < sqlite3_column_count(st); ++c) {
      const void* bytes = sqlite3_column_blob(st, c);
      out.append(static_cast<const char*>(bytes), sqlite3_column_bytes(st, c));
      out += '\n';
    }
  }
  EXPECT_EQ(step, SQLITE_DONE) << sql << ": " << sqlite3_errmsg(db.get());
  return out;
}

// Every column of every row of `tables` (all tables when empty) in the database at `path`.
std::string DumpTables(const fs::path& path, std::vector<std::string> tables = {}) {
  if (tables.empty()) {
    std::istringstream names(Query(path, "SELECT name FROM sqlite_master WHERE type = 'table'"));
    for (std::string name; std::getline(names, name);) tables.push_back(name);
  }
  std::string out;
  for (const auto& table : tables) out += Query(path, "SELECT * FROM \"" + table + "\"");
  return out;
}

// The raw bytes of every file below `dir` except those below `skip`.
std::string RawFiles(const fs::path& dir, const fs::path& skip) {
  std::string out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    if (entry.path().string().starts_with(skip.string())) continue;
    out += ReadAll(entry.path());
  }
  return out;
}

// The forms a key's secret bytes could leak in: the key file's base64 line, and the hex and
// base64 of the secret (the Ed25519 seed, the PKCS#8 private key, the secretbox key).
std::vector<Planted> KeySecrets(const std::string& id, const NodeProcess& node) {
  std::vector<Planted> out;
  for (const auto& entry : fs::directory_iterator(node.dir() / "data" / "keys")) {
    if (entry.path().extension() != ".key") continue;
    const std::string text = ReadAll(entry.path());
    const auto line2 = text.find('\n') + 1;
    const std::string b64 = text.substr(line2, text.find('\n', line2) - line2);
    auto bytes = crypto::Base64Decode(b64);
    EXPECT_TRUE(bytes) << entry.path();
    if (!bytes) continue;
    crypto::Bytes secret = *bytes;
    if (secret.size() == 64) secret.resize(32);                                // seed || public key
    if (secret.size() == 48) secret.erase(secret.begin(), secret.end() - 32);  // PKCS#8 DER
    const std::string name = id + " " + entry.path().filename().string();
    out.push_back({name + " file text", b64});
    out.push_back({name + " hex", crypto::HexEncode(secret)});
    out.push_back({name + " base64", crypto::Base64Encode(secret)});
  }
  EXPECT_GE(out.size(), 12u) << "msg, data, log and federation keys at least";
  return out;
}

// `text` holds none of `values`; each hit is a test failure naming `where`.
void ExpectAbsent(const std::string& text, const std::vector<Planted>& values,
                  const std::string& where) {
  for (const auto& v : values) {
    EXPECT_EQ(text.find(v.value), std::string::npos) << where << " holds the " << v.what;
  }
}

class PlantedValuesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fed_.ReportEvery(1);
    fed_.LogAs("debug", "json");
    fed_.Build({
        {"kab:32.04", "32.04", {"--class", "regency"}},
        {"kl:pupr", "", {"--class", "ministry", "--categories", "infrastruktur"}},
    });
    if (HasFatalFailure()) return;
    fed_.StartAll();
  }

  // A reporter whose every field carries `tag`, so a hit names the complaint.
  std::vector<Planted> Reporter(const std::string& label, json& complaint) {
    const std::string tag = crypto::RandomToken(8);
    const std::string digits =
        std::to_string(100000000 + std::hash<std::string>{}(tag) % 899999999);
    std::vector<Planted> values = {{label + " name", "Pelapor " + label + " " + tag},
                                   {label + " NIK", "3204" + digits + "123"},
                                   {label + " phone", "0812" + digits},
                                   {label + " email", "pelapor." + tag + "@example.org"}};
    complaint["reporter"] = {{"name", values[0].value},
                             {"nik", values[1].value},
                             {"phone", values[2].value},
                             {"email", values[3].value}};
    return values;
  }

  // Files `complaint` at kl:pupr, verifies and forwards it to kab:32.04, which accepts and
  // answers it. Returns the tracking id.
  std::string FileAndForward(json complaint, std::vector<Planted>& secrets) {
    NodeApi pupr(fed_.node("kl:pupr").port());
    ApiReply filed = pupr.Submit(complaint);
    EXPECT_EQ(filed.status, 201) << filed.body;
    const std::string id = filed.json.value("tracking_id", "");
    secrets.push_back({"access code of " + id, filed.json.value("access_code", "")});
    EXPECT_EQ(pupr.Act(staff_token_, id, "verify").status, 200);
    ApiReply forwarded =
        pupr.Act(fed_.Token("kl:pupr"), id, "forward", {{"target_node", "kab:32.04"}});
    EXPECT_EQ(forwarded.status, 200) << forwarded.body;
    NodeApi kab(fed_.node("kab:32.04").port());
    const bool arrived =
        Federation::Eventually([&] { return kab.Case(id, fed_.Token("kab:32.04")).status == 200; });
    EXPECT_TRUE(arrived) << id << fed_.node("kab:32.04").LogTail();
    EXPECT_EQ(kab.Act(fed_.Token("kab:32.04"), id, "verify").status, 200);
    return id;
  }

  Federation fed_;
  std::string staff_token_;
};

TEST_F(PlantedValuesTest, NoSecretOrPersonalValueLeaksAcrossTheFederation) {
  std::vector<Planted> secrets;
  // A staff account made over the API with a planted password, signed in.
  NodeApi pupr(fed_.node("kl:pupr").port());
  const std::string staff_password = "Sandi-Staf-" + crypto::RandomToken(12);
  ApiReply made =
      pupr.Post("/api/v1/users",
                {{"username", "verifikator"}, {"password", staff_password}, {"role", "verifier"}},
                fed_.Token("kl:pupr"));
  ASSERT_EQ(made.status, 201) << made.body;
  staff_token_ = pupr.Login("verifikator", staff_password);
  ASSERT_FALSE(staff_token_.empty());
  secrets.push_back({"staff password", staff_password});
  secrets.push_back({"staff session token", staff_token_});
  for (const std::string node : {"kl:pupr", "kab:32.04"}) {
    secrets.push_back({node + " admin password", fed_.node(node).admin_password()});
    secrets.push_back({node + " admin session token", fed_.Token(node)});
  }
  secrets.push_back({"coordinator admin password", fed_.coordinator().admin_password()});
  secrets.push_back({"coordinator admin session token", fed_.CoordinatorToken()});

  json anonymous = SampleComplaint();
  anonymous["anonymous"] = true;
  const auto anonymous_identity = Reporter("anonymous", anonymous);
  json named = SampleComplaint();
  named["title"] = "Jalan rusak di depan kantor " + crypto::RandomToken(6);
  const auto named_identity = Reporter("named", named);
  json confidential = SampleComplaint();
  confidential["confidential"] = true;
  const auto confidential_identity = Reporter("confidential", confidential);

  const std::vector<std::string> ids = {FileAndForward(anonymous, secrets),
                                        FileAndForward(named, secrets),
                                        FileAndForward(confidential, secrets)};
  ASSERT_FALSE(HasFailure());

  // node.report and case.meta reach the coordinator: it knows all three cases and holds a report
  // from each member.
  const bool reported = Federation::Eventually(
      [&] {
        const std::string cases = DumpTables(fed_.coordinator().database_path(), {"mon_cases"});
        const std::string received = Query(fed_.coordinator().database_path(),
                                           "SELECT sender || ' ' || type FROM fed_inbox");
        for (const auto& id : ids) {
          if (cases.find(id) == std::string::npos) return false;
        }
        return received.find("kab:32.04 node.report") != std::string::npos &&
               received.find("kl:pupr node.report") != std::string::npos;
      },
      std::chrono::seconds(40));
  ASSERT_TRUE(reported) << fed_.coordinator().LogTail();

  std::vector<Planted> personal;
  for (const auto* identity : {&anonymous_identity, &named_identity, &confidential_identity}) {
    personal.insert(personal.end(), identity->begin(), identity->end());
  }
  const std::map<std::string, NodeProcess*> all = {{"coord:panrb", &fed_.coordinator()},
                                                   {"kl:pupr", &fed_.node("kl:pupr")},
                                                   {"kab:32.04", &fed_.node("kab:32.04")}};
  for (const auto& [name, node] : all) {
    const auto keys = KeySecrets(name, *node);
    secrets.insert(secrets.end(), keys.begin(), keys.end());
  }
  for (const auto& [name, node] : all) {
    // Logs and /metrics: neither personal values nor secrets.
    const std::string log = ReadAll(node->log_path());
    const std::string metrics = NodeApi(node->port()).Get("/metrics").body;
    ASSERT_FALSE(metrics.empty()) << name;
    ExpectAbsent(log, personal, name + "'s log");
    ExpectAbsent(log, secrets, name + "'s log");
    ExpectAbsent(metrics, personal, name + "'s /metrics");
    ExpectAbsent(metrics, secrets, name + "'s /metrics");
    // Federation messages as stored: no secret, and no reporter identity (it stays at the origin;
    // an anonymous one above all).
    const std::string messages =
        DumpTables(node->database_path(), {"fed_outbox", "fed_inbox", "fed_evidence"});
    ExpectAbsent(messages, secrets, name + "'s federation messages");
    ExpectAbsent(messages, anonymous_identity, name + "'s federation messages");
    ExpectAbsent(messages, named_identity, name + "'s federation messages");
    ExpectAbsent(messages, confidential_identity, name + "'s federation messages");
  }
  // The scans see real traffic: the forwarded copies and the coordinator's case.meta.
  const std::string pupr_messages =
      DumpTables(fed_.node("kl:pupr").database_path(), {"fed_outbox", "fed_inbox"});
  EXPECT_NE(pupr_messages.find(named["title"].get<std::string>()), std::string::npos);
  EXPECT_NE(pupr_messages.find("node.report"), std::string::npos);
  for (const auto& id : ids)
    EXPECT_NE(ReadAll(fed_.node("kl:pupr").log_path()).find(id), std::string::npos);

  // The coordinator holds no personal value anywhere: not in any table, nor in any file of its
  // data directory (database, WAL, logs); and no member's secret in its database.
  const fs::path coordinator_keys = fed_.coordinator().dir() / "data" / "keys";
  ExpectAbsent(DumpTables(fed_.coordinator().database_path()), personal,
               "the coordinator's database");
  ExpectAbsent(RawFiles(fed_.coordinator().dir(), coordinator_keys), personal,
               "the coordinator's files");
  ExpectAbsent(DumpTables(fed_.coordinator().database_path()), secrets,
               "the coordinator's database");
}

}  // namespace
}  // namespace simpul::testing
