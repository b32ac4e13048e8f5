#pragma once
// Test helpers for the store layer: a migrated database in a temp dir, and case records to
// insert through CaseStore.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "node/store/case_store.hpp"
#include "node/store/database.hpp"
#include "node/store/schema.hpp"
#include "tests/support/temp_dir.hpp"

namespace simpul::store::testing {

using simpul::testing::TempDir;

// 2026-07-06 09:00 WIB, a Monday without holidays around it.
inline domain::TimePoint MondayMorning() {
  using namespace std::chrono;
  return sys_days{year{2026} / July / 6} + hours{2};
}

inline std::unique_ptr<Database> OpenMigrated(const std::filesystem::path& path, int readers = 2) {
  auto db = Database::Open({path, readers}, SchemaMigrations());
  EXPECT_TRUE(db.has_value()) << (db ? "" : db.error().message);
  return db ? std::move(*db) : nullptr;
}

// A submitted case with plausible content; tests change the fields they filter on.
inline CaseRecord MakeCase(const std::string& tracking_id) {
  CaseRecord r;
  r.tracking_id = tracking_id;
  r.access_hash = Bytes(32, 0xAA);
  r.commitment = Bytes(32, 0xBB);
  r.commitment_salt = Bytes(16, 0xCC);
  r.category = "infrastruktur.jalan";
  r.title = "Lubang besar di jalan desa";
  r.body = "Sudah tiga bulan tidak diperbaiki.";
  r.region = "32.04";
  r.submitted_at = r.updated_at = MondayMorning();
  return r;
}

// Inserts `rec` in its own write job and returns its id.
inline std::int64_t InsertCase(Database& db, const CaseRecord& rec) {
  auto id = db.WriteSync<std::int64_t>([&](Connection& c) { return CaseStore::Insert(c, rec); });
  EXPECT_TRUE(id.has_value()) << (id ? "" : id.error().message);
  return id.value_or(0);
}

}  // namespace simpul::store::testing
