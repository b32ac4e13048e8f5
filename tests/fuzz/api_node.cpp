#include "tests/fuzz/api_node.hpp"

#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <optional>
#include <set>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "crypto/bytes.hpp"
#include "crypto/ed25519.hpp"
#include "crypto/password.hpp"
#include "crypto/secretbox.hpp"
#include "crypto/signed_note.hpp"
#include "federation/witness_protocol.hpp"
#include "node/api/case_json.hpp"
#include "node/api/escalation_routes.hpp"
#include "node/api/log_routes.hpp"
#include "node/api/monitor_routes.hpp"
#include "node/api/open311_routes.hpp"
#include "node/api/routes.hpp"
#include "node/api/web_routes.hpp"
#include "node/domain/calendar.hpp"
#include "node/domain/time.hpp"
#include "node/http/static_site.hpp"
#include "node/service/open311_keys.hpp"
#include "node/store/blob_store.hpp"
#include "node/store/connection.hpp"
#include "node/store/schema.hpp"
#include "node/tlog/checkpointer.hpp"
#include "node/tlog/log_service.hpp"
#include "tests/fuzz/federation_fixture.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace simpul::fuzz {
namespace {

namespace fs = std::filesystem;
namespace net = boost::asio;
using domain::CaseAction;
using service::Role;

constexpr const char* kPassword = "kata-sandi-panjang";
// A new AuthService costs one staff-strength password hash (tens of milliseconds).
constexpr std::uint64_t kInputsPerRewire = 1000;

// 2026-07-06 09:00 WIB, a Monday: the clock never moves, so SLA deadlines do not drift.
domain::TimePoint FixedTime() {
  using namespace std::chrono;
  return sys_days{year{2026} / July / 6} + hours{2};
}

// Runs `awaitable` on `io` to completion; rethrows what it threw.
template <class T>
T Run(net::io_context& io, net::awaitable<T> awaitable) {
  std::optional<T> result;
  std::exception_ptr failure;
  net::co_spawn(io, std::move(awaitable), [&](std::exception_ptr e, T value) {
    failure = e;
    if (!e) result.emplace(std::move(value));
  });
  io.restart();
  io.run();
  if (failure) std::rethrow_exception(failure);
  Require(result.has_value(), "an awaitable never completed");
  return std::move(*result);
}

template <class T>
T Must(Result<T> r, std::string_view what) {
  if (!r) Require(false, std::string(what) + ": " + r.error().message);
  return std::move(*r);
}

void Must(const Result<void>& r, std::string_view what) {
  if (!r) Require(false, std::string(what) + ": " + r.error().message);
}

// A fresh directory under /dev/shm (else the temp dir), removed with its contents at the end.
class ScratchDir {
 public:
  ScratchDir() {
    std::error_code ec;
    const fs::path base =
        fs::is_directory("/dev/shm", ec) ? fs::path("/dev/shm") : fs::temp_directory_path();
    std::string pattern = (base / "simpul-api-fuzz-XXXXXX").string();
    Require(::mkdtemp(pattern.data()) != nullptr, "cannot create the scratch directory");
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

using Stmt = std::unique_ptr<sqlite3_stmt, store::CFree<&::sqlite3_finalize>>;

std::uint64_t Fnv1a(std::uint64_t h, const void* data, std::size_t size) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < size; ++i) h = (h ^ bytes[i]) * 0x100000001b3ULL;
  return h;
}

// The relative names of the files under `root`, sorted.
std::vector<std::string> FilesUnder(const fs::path& root) {
  std::vector<std::string> names;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file()) names.push_back(fs::relative(it->path(), root).string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

domain::ComplaintDraft Draft(int n) {
  domain::ComplaintDraft d;
  d.category_code = "infrastruktur.jalan";
  d.title = "Jalan berlubang nomor " + std::to_string(n);
  d.body = "Lubang besar di depan balai desa membahayakan pengendara motor setiap malam.";
  d.region_code = "32.04";
  d.reporter = {"Pelapor " + std::to_string(n), "32049900000000" + std::to_string(10 + n),
                "08129900000" + std::to_string(10 + n),
                "pelapor" + std::to_string(n) + "@contoh.id"};
  return d;
}

}  // namespace

struct ApiNode::Parts {
  // Declared first: the database's threads post their results here until it is gone.
  net::io_context io;
  ScratchDir dir;
  service::Clock clock = [] { return FixedTime(); };
  crypto::Ed25519KeyPair signer = crypto::Ed25519KeyPair::Generate();
  crypto::SecretBoxKey data_key = crypto::SecretBoxKey::Generate();
  std::unique_ptr<store::Database> db;
  std::unique_ptr<store::BlobStore> blobs;
  std::unique_ptr<service::Catalog> catalog;
  std::optional<domain::WorkingCalendar> calendar;
  std::unique_ptr<service::CaseService> cases;
  std::unique_ptr<service::AuthService> auth;
  std::unique_ptr<service::AccountService> accounts;
  std::unique_ptr<service::Open311Keys> open311_keys;
  http::Metrics metrics;
  std::unique_ptr<api::ApiContext> api;
  std::unique_ptr<api::Open311Api> open311;
  std::unique_ptr<api::EscalationApi> escalations;
  std::unique_ptr<api::MonitorApi> monitor;
  std::unique_ptr<tlog::LogService> log;
  std::shared_ptr<const federation::Directory> directory;
  http::StaticSite web;
  std::unique_ptr<http::Router> router;

  std::uint64_t inputs = 0;                    // BeforeInput calls
  std::vector<std::string> tokens;             // by Caller
  std::vector<service::Principal> principals;  // of the seeded accounts, in Caller order
  std::vector<std::pair<std::string, std::string>> placeholders;
  std::vector<std::string> secrets, identities;
  // Side connections: `reader` takes fingerprints, `restorer` receives the pristine copy.
  std::optional<store::Connection> reader, restorer, pristine_db;
  std::vector<std::string> tables;
  std::vector<Stmt> table_scans;
  std::set<std::string> pristine_files;
  Fingerprint pristine;

  fs::path db_path() const { return dir.path() / "node.db"; }
  fs::path blob_root() const { return dir.path() / "attachments"; }
};

ApiNode::ApiNode() : p_(std::make_unique<Parts>()) {
  Parts& p = *p_;
  p.db = Must(store::Database::Open({p.db_path(), 2}, store::SchemaMigrations()), "database");
  p.blobs = std::make_unique<store::BlobStore>(p.blob_root());
  p.catalog = std::make_unique<service::Catalog>(*p.db, domain::RegionRegistry::Builtin());
  Must(p.catalog->Load(), "catalog");
  p.calendar.emplace(
      Must(domain::WorkingCalendar::FromIsoDates(domain::kWib, domain::IndonesianHolidays2026()),
           "calendar"));
  p.cases = std::make_unique<service::CaseService>(
      service::CaseServiceConfig{"kab:32.04", "KAB3204", {}, {}, {}}, *p.db, *p.blobs, *p.catalog,
      *p.calendar, p.signer, p.data_key, p.clock);
  // The cheapest password hash: accounts created by fuzzed requests would otherwise cost ~50 ms.
  p.accounts = std::make_unique<service::AccountService>(*p.db, p.clock,
                                                         crypto::PasswordHashCost::Minimum());
  auto site = http::StaticSite::Load(http::DefaultWebRoot());
  p.web = site ? std::move(*site) : http::StaticSite(site.error().message);
  p.escalations = std::make_unique<api::EscalationApi>(api::EscalationApi{*p.db, true});
  p.directory = std::make_shared<const federation::Directory>(SampleDirectory());
  p.monitor = std::make_unique<api::MonitorApi>(
      api::MonitorApi{*p.db, [&p] { return p.directory; }, p.clock, {}});
  p.log = std::make_unique<tlog::LogService>(*p.db, /*witnessed_only=*/false);
  Wire();
  Seed();
}

// The services that keep state in memory (the sign-in throttle, the Open311 keys' rate windows),
// and the contexts and route table that refer to them.
void ApiNode::Wire() {
  Parts& p = *p_;
  p.router.reset();
  p.auth = std::make_unique<service::AuthService>(*p.db, p.clock, std::chrono::minutes(60));
  p.open311_keys = std::make_unique<service::Open311Keys>(*p.db, p.clock, 60);
  p.api = std::make_unique<api::ApiContext>(api::ApiContext{
      *p.cases, *p.auth, *p.accounts, *p.catalog, *p.db, p.metrics, p.clock,
      api::NodeInfo{"kab:32.04", "Kabupaten Bandung", "kabupaten", "32.04", "member", "0.1.0", 420,
                    crypto::Base64Encode(p.signer.public_key().bytes),
                    crypto::KeyId(p.signer.public_key())},
      [] { return true; }, 40 << 20, /*extra_metrics=*/{}});
  p.open311 = std::make_unique<api::Open311Api>(api::Open311Api{
      *p.cases, *p.open311_keys, *p.catalog, *p.db, p.clock, "Kabupaten Bandung", "32.04",
      api::DiscoveryInfo{api::FormatTime(FixedTime()), "pengaduan@contoh.id", "", ""}});
  p.router = std::make_unique<http::Router>(
      [&p](std::string token) { return p.auth->Authenticate(std::move(token)); });
  api::AddAllRoutes(*p.router, *p.api);
  api::AddOpen311Routes(*p.router, *p.open311);
  api::AddWebRoutes(*p.router, p.web);
  api::AddEscalationRoutes(*p.router, *p.escalations);
  api::AddMonitorRoutes(*p.router, *p.monitor);
  api::AddLogRoutes(*p.router, *p.log);
}

void ApiNode::BeforeInput() {
  if (++p_->inputs % kInputsPerRewire == 0) Wire();
}

ApiNode::~ApiNode() {
  // The database finishes its queued jobs while the io_context they post to is alive.
  p_->db.reset();
}

void ApiNode::Seed() {
  Parts& p = *p_;
  Must(p.accounts->CreateUnitSync({"dpupr", "Dinas Pekerjaan Umum"}), "unit dpupr");
  Must(p.accounts->CreateUnitSync({"dinkes", "Dinas Kesehatan"}), "unit dinkes");
  struct Account {
    const char* username;
    Role role;
    const char* unit;
  };
  const Account accounts[] = {
      {"verifikator", Role::kVerifier, ""}, {"petugas.pupr", Role::kUnitOfficer, "dpupr"},
      {"atasan", Role::kSupervisor, ""},    {"admin", Role::kNodeAdmin, ""},
      {"ombudsman", Role::kAuditor, ""},    {"petugas.dinkes", Role::kUnitOfficer, "dinkes"}};
  p.tokens.push_back("");
  for (const auto& a : accounts) {
    Must(p.accounts->CreateUserSync({a.username, a.username, kPassword, a.role, a.unit}),
         a.username);
    auto login = Must(Run(p.io, p.auth->Login(a.username, kPassword, "10.0.0.1")), "login");
    p.tokens.push_back(login.token);
    p.principals.push_back(login.principal);
    p.secrets.push_back(login.token);
  }
  p.tokens.push_back("sesi-yang-tidak-ada");
  SeedComplaints();
  // One signed checkpoint covering the seeded complaints, so their receipts have proofs.
  tlog::Checkpointer checkpointer(
      p.io, *p.db,
      Must(crypto::NoteSigner::Create(federation::LogOrigin("kab:32.04"),
                                      crypto::Ed25519KeyPair::Generate()),
           "log signer"),
      tlog::CheckpointPolicy{std::chrono::seconds(0), 1}, p.clock);
  Must(Run(p.io, checkpointer.Tick()), "checkpoint");
  auto key = Must(p.open311_keys->IssueSync("Aplikasi Warga"), "open311 key");
  p.placeholders.emplace_back("@key", key.secret);
  p.secrets.push_back(key.secret);
  KeepPristine();
}

// Copies the seeded database aside and prepares the statements that fingerprint every table.
void ApiNode::KeepPristine() {
  Parts& p = *p_;
  p.reader.emplace(
      Must(store::Connection::Open(p.db_path(), store::OpenMode::kReadOnly), "reader"));
  p.restorer.emplace(
      Must(store::Connection::Open(p.db_path(), store::OpenMode::kReadWrite), "restorer"));
  p.pristine_db.emplace(
      Must(store::Connection::Open(p.dir.path() / "pristine.db", store::OpenMode::kReadWrite),
           "pristine copy"));
  sqlite3_backup* copy = sqlite3_backup_init(p.pristine_db->raw(), "main", p.reader->raw(), "main");
  Require(copy != nullptr, "cannot start copying the pristine database");
  const int rc = sqlite3_backup_step(copy, -1);
  sqlite3_backup_finish(copy);
  Require(rc == SQLITE_DONE, "cannot copy the pristine database");
  auto list = Must(p.reader->Prepare("SELECT name FROM sqlite_master WHERE type = 'table' "
                                     "ORDER BY name"),
                   "table list");
  while (Must(list.Step(), "table list")) p.tables.push_back(list.Text(0));
  auto hashes = Must(p.reader->Prepare("SELECT password_hash FROM users"), "password hashes");
  while (Must(hashes.Step(), "password hashes")) p.secrets.push_back(hashes.Text(0));
  for (const auto& table : p.tables) {
    sqlite3_stmt* raw = nullptr;
    const std::string sql = "SELECT * FROM \"" + table + "\"";
    sqlite3_prepare_v2(p.reader->raw(), sql.c_str(), -1, &raw, nullptr);
    p.table_scans.emplace_back(raw);
    Require(raw != nullptr, "cannot scan table " + table);
  }
  for (auto& name : FilesUnder(p.blob_root())) p.pristine_files.insert(name);
  p.pristine = Current();
}

// KAB3204-000001 … 000007: submitted (with an attachment), verified, disposed to dpupr, in
// progress, resolved, archived, and waiting for the reporter (anonymous and confidential).
void ApiNode::SeedComplaints() {
  Parts& p = *p_;
  const service::Principal& supervisor = p.principals.at(2);
  Require(supervisor.role == Role::kSupervisor, "the third account is not the supervisor");
  const std::vector<std::vector<CaseAction>> histories = {
      {},
      {CaseAction::kVerify},
      {CaseAction::kVerify, CaseAction::kDispose},
      {CaseAction::kVerify, CaseAction::kDispose, CaseAction::kRespond},
      {CaseAction::kVerify, CaseAction::kDispose, CaseAction::kRespond, CaseAction::kResolve},
      {CaseAction::kArchive},
      {CaseAction::kRequestInfo}};
  for (std::size_t i = 0; i < histories.size(); ++i) {
    const int n = static_cast<int>(i) + 1;
    domain::ComplaintDraft draft = Draft(n);
    if (n == 1) draft.attachments.push_back({"foto.pdf", "application/pdf", "%PDF-1.4 fuzz\n"});
    if (n == 7) draft.anonymous = draft.confidential = true;
    p.identities.insert(p.identities.end(),
                        {draft.reporter.nik, draft.reporter.phone, draft.reporter.email});
    auto filed = Must(Run(p.io, p.cases->Submit(std::move(draft))), "complaint");
    p.placeholders.emplace_back("@code" + std::to_string(n), filed.access_code);
    p.secrets.push_back(filed.access_code);
    for (CaseAction action : histories[i]) {
      service::ActionCommand cmd;
      cmd.action = action;
      cmd.message = "Pesan untuk pelapor.";
      cmd.unit_code = "dpupr";
      if (action == CaseAction::kArchive) cmd.archive_reason = domain::ArchiveReason::kIncomplete;
      Must(Run(p.io, p.cases->Act(supervisor, filed.tracking_id, std::move(cmd))),
           std::string(domain::Name(action)));
    }
  }
}

const http::Router& ApiNode::router() const { return *p_->router; }

http::ApiResponse ApiNode::Dispatch(http::ApiRequest& request, const http::Route* route) {
  return Run(p_->io, p_->router->Dispatch(request, route));
}

std::string ApiNode::Token(Caller caller) const {
  return p_->tokens.at(static_cast<std::size_t>(caller));
}

const std::vector<std::pair<std::string, std::string>>& ApiNode::placeholders() const {
  return p_->placeholders;
}
const std::vector<std::string>& ApiNode::secrets() const { return p_->secrets; }
const std::vector<std::string>& ApiNode::identities() const { return p_->identities; }
const Fingerprint& ApiNode::pristine() const { return p_->pristine; }

Fingerprint ApiNode::Current() const {
  Parts& p = *p_;
  Fingerprint out;
  for (std::size_t t = 0; t < p.tables.size(); ++t) {
    sqlite3_stmt* s = p.table_scans[t].get();
    std::uint64_t h = 0xcbf29ce484222325ULL;
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      for (int c = 0; c < sqlite3_column_count(s); ++c) {
        const int type = sqlite3_column_type(s, c);
        h = Fnv1a(h, &type, sizeof type);
        const void* bytes = sqlite3_column_blob(s, c);
        h = Fnv1a(h, bytes, static_cast<std::size_t>(sqlite3_column_bytes(s, c)));
      }
    }
    sqlite3_reset(s);
    Require(rc == SQLITE_DONE, "cannot read table " + p.tables[t]);
    out.emplace_back(p.tables[t], h);
  }
  std::uint64_t files = 0xcbf29ce484222325ULL;
  for (const auto& name : FilesUnder(p.blob_root()))
    files = Fnv1a(files, name.data(), name.size() + 1);
  out.emplace_back("attachment files", files);
  return out;
}

void ApiNode::Restore() {
  Parts& p = *p_;
  sqlite3_backup* copy =
      sqlite3_backup_init(p.restorer->raw(), "main", p.pristine_db->raw(), "main");
  Require(copy != nullptr, "cannot start restoring the pristine database");
  const int rc = sqlite3_backup_step(copy, -1);
  sqlite3_backup_finish(copy);
  Require(rc == SQLITE_DONE, "cannot restore the pristine database");
  for (const auto& name : FilesUnder(p.blob_root())) {
    if (!p.pristine_files.contains(name)) fs::remove(p.blob_root() / name);
  }
  Must(p.catalog->Load(), "catalog reload");
  const Fingerprint now = Current();
  Require(now == p.pristine, "the restored node differs in " + ChangedTables(p.pristine, now));
}

std::string ChangedTables(const Fingerprint& before, const Fingerprint& after) {
  std::string out;
  for (std::size_t i = 0; i < std::max(before.size(), after.size()); ++i) {
    if (i < before.size() && i < after.size() && before[i] == after[i]) continue;
    const auto& name = i < after.size() ? after[i].first : before[i].first;
    out += (out.empty() ? "" : ", ") + name;
  }
  return out;
}

}  // namespace simpul::fuzz
