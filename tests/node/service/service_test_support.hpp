#pragma once
// A complete CaseService over a real SQLite file in a temp dir, with a fake clock that tests
// move forward, as node code composes it. Tests drive the awaitable methods with RunAwait.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>

#include "crypto/ed25519.hpp"
#include "crypto/password.hpp"
#include "crypto/secretbox.hpp"
#include "node/domain/calendar.hpp"
#include "node/service/account_service.hpp"
#include "node/service/auth_service.hpp"
#include "node/service/case_service.hpp"
#include "node/service/catalog.hpp"
#include "node/store/blob_store.hpp"
#include "node/store/schema.hpp"
#include "tests/node/service/run_await.hpp"
#include "tests/support/temp_dir.hpp"

namespace simpul::service::testing {

using domain::CaseAction;
using domain::CaseState;
using simpul::testing::RunAwait;
using simpul::testing::TempDir;

// 2026-07-06 09:00 WIB, a Monday; the following weeks have no holidays until 17 August.
inline domain::TimePoint MondayMorning() {
  using namespace std::chrono;
  return sys_days{year{2026} / July / 6} + hours{2};
}

// A valid, non-anonymous complaint about a road in Kab. Bandung.
inline domain::ComplaintDraft ValidDraft() {
  domain::ComplaintDraft d;
  d.category_code = "infrastruktur.jalan";
  d.title = "Jalan berlubang di Desa Sukamaju";
  d.body = "Lubang besar di depan balai desa membahayakan pengendara motor setiap malam.";
  d.region_code = "32.04";
  d.reporter = {"Siti Rahmawati", "3204123456789012", "081234567890", "siti@example.id"};
  return d;
}

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::Database::Open({dir_.path() / "node.db", 2}, store::SchemaMigrations());
    ASSERT_TRUE(db.has_value()) << db.error().message;
    db_ = std::move(*db);
    blobs_ = std::make_unique<store::BlobStore>(dir_.path() / "attachments");
    catalog_ = std::make_unique<Catalog>(*db_, domain::RegionRegistry::Builtin());
    ASSERT_TRUE(catalog_->Load().has_value());
    auto calendar =
        domain::WorkingCalendar::FromIsoDates(domain::kWib, domain::IndonesianHolidays2026());
    ASSERT_TRUE(calendar.has_value());
    calendar_.emplace(std::move(*calendar));
    cases_ =
        std::make_unique<CaseService>(CaseServiceConfig{"kab:32.04", "KAB3204", {}, {}, {}}, *db_,
                                      *blobs_, *catalog_, *calendar_, signer_, data_key_, clock_);
    accounts_ = std::make_unique<AccountService>(*db_, clock_, crypto::PasswordHashCost::Minimum());
  }

  void Advance(std::chrono::milliseconds by) { now_ += by; }

  SubmitResult SubmitOk(domain::ComplaintDraft draft = ValidDraft()) {
    auto r = RunAwait(io_, cases_->Submit(std::move(draft)));
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    return r.value_or(SubmitResult{});
  }
  Result<CaseView> Get(const Principal& who, const std::string& id) {
    return RunAwait(io_, cases_->Get(who, id));
  }
  Result<CaseView> Act(const Principal& who, const std::string& id, ActionCommand cmd) {
    return RunAwait(io_, cases_->Act(who, id, std::move(cmd)));
  }
  Result<CaseView> Act(const Principal& who, const std::string& id, CaseAction action,
                       std::string message = "") {
    ActionCommand cmd;
    cmd.action = action;
    cmd.message = std::move(message);
    return Act(who, id, std::move(cmd));
  }
  // Applies `action` and expects it to succeed; returns the state after it.
  CaseState ActOk(const Principal& who, const std::string& id, CaseAction action,
                  std::string message = "") {
    auto r = Act(who, id, action, std::move(message));
    EXPECT_TRUE(r.has_value()) << domain::Name(action) << ": " << (r ? "" : r.error().message);
    return r ? r->record.state : CaseState::kSubmitted;
  }
  Result<SweepReport> Sweep() { return RunAwait(io_, cases_->Sweep()); }

  // A work unit and one officer in it, created through AccountService.
  Principal CreateUnitOfficer(const std::string& unit_code, const std::string& username) {
    auto unit = accounts_->CreateUnitSync({unit_code, "Unit " + unit_code});
    EXPECT_TRUE(unit.has_value()) << (unit ? "" : unit.error().message);
    auto user = accounts_->CreateUserSync(
        {username, "", "kata-sandi-panjang", Role::kUnitOfficer, unit_code});
    EXPECT_TRUE(user.has_value()) << (user ? "" : user.error().message);
    if (!user) return {};
    auto principal = PrincipalOf(*user);
    EXPECT_TRUE(principal.has_value());
    return principal.value_or(Principal{});
  }

  static std::size_t CountActions(const CaseView& view, CaseAction action) {
    return static_cast<std::size_t>(
        std::count_if(view.events.begin(), view.events.end(),
                      [action](const store::EventRecord& e) { return e.action == action; }));
  }

  TempDir dir_;
  domain::TimePoint now_ = MondayMorning();
  Clock clock_ = [this] { return now_; };
  // Declared before the database: members die in reverse order, so the database joins its
  // threads (which post job results to io_) before io_ is destroyed.
  boost::asio::io_context io_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::BlobStore> blobs_;
  std::unique_ptr<Catalog> catalog_;
  std::optional<domain::WorkingCalendar> calendar_;
  crypto::Ed25519KeyPair signer_ = crypto::Ed25519KeyPair::Generate();
  crypto::SecretBoxKey data_key_ = crypto::SecretBoxKey::Generate();
  std::unique_ptr<CaseService> cases_;
  std::unique_ptr<AccountService> accounts_;

  const Principal verifier_{101, "verifikator", Role::kVerifier, std::nullopt, ""};
  const Principal supervisor_{102, "atasan", Role::kSupervisor, std::nullopt, ""};
  const Principal admin_{103, "admin", Role::kNodeAdmin, std::nullopt, ""};
  const Principal auditor_{104, "ombudsman", Role::kAuditor, std::nullopt, ""};
};

}  // namespace simpul::service::testing
