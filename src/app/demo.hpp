#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "auth/model.hpp"

#include "storage/db.hpp"

namespace lianxin::app {

struct DemoOptions {
  std::uint64_t seed = 20261122;
  int customers = 50000;
  int key_accounts = 500;
  int claims = 300;  // demo claims of the last two months, in every state
  bool key_service = true;  // programmes, visits, plans, equipment of the key accounts (API tests start without)
  int expansion = 240;      // business-expansion applications of the last ten months (API tests start without)
  int outages = 24;         // outages of the last six months and the coming weeks (API tests start without)
  bool quality_defects = true;  // legacy defects in the archive and the first data-quality pass (API tests start without)
  bool analysis = true;  // tariff tables for the bill months, load curves, anomalies and advice (API tests start without)
  std::string password = "Lianxin@2026";
};

// True when the database holds no org units yet.
bool database_is_empty(storage::Database& db);
// Generates a fictional city bureau reproducibly (fixed seed) in one transaction.
void seed_demo(storage::Database& db, const DemoOptions& options);
// Routing rules for the demo bureaus and `count` claims worked through the claims service.
void seed_demo_claims(storage::Database& db, std::uint64_t seed, int count);
// Group trees spanning bureaus and monthly bills (January of last year to last month) for the
// accounts of key accounts and group members, through the bill import.
void seed_demo_bills(storage::Database& db, std::uint64_t seed);
// Tiers, packages, teams, this year's 五个一 programmes in every stage, visits and action items,
// emergency plans with drills, usage plans and equipment, through the key-account service.
void seed_demo_key_service(storage::Database& db, std::uint64_t seed);

// Business-expansion applications accepted over the last ten months, worked through the expansion
// service with real times: stages finished early or late, customer-started stages, pauses.
void seed_demo_expansion(storage::Database& db, std::uint64_t seed, int count);

// Sections and second sources on the first county's lines, restored outages of the last six months
// and coming works in every state, guaranteed-supply periods, through the outage service.
void seed_demo_outages(storage::Database& db, std::uint64_t seed, int count);

// Legacy defects in the archive (missing, malformed, stale, duplicated, far-off values), then the
// first full data-quality pass (up to 200,000 customers; larger archives wait for the nightly pass).
void seed_demo_quality(storage::Database& db, std::uint64_t seed);

// Tariff tables in force for every month of the demo bills, contract demands, three months of load
// curves of the key accounts' two-part accounts, a few sudden drops and the anomaly scan, and the
// advice of every key account (one accepted into a usage plan).
void seed_demo_analysis(storage::Database& db, std::uint64_t seed);

// The seeded administrator as the principal the demo works as ("demo" in the audit log), with the
// whole company in scope; nullopt before the demo org exists.
std::optional<auth::Principal> demo_admin(storage::Database& db);

}  // namespace lianxin::app
