#pragma once
// Tariffs in the database: time-of-use schedules, tariff tables with their rates, the tariff
// settings, and each account's energy profile (contract demand, HV motors, power-factor standard).
// Writes are validated with bill.hpp's table_problems, one transaction each, audited by the caller.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/model.hpp"
#include "tariff/bill.hpp"
#include "storage/db.hpp"

namespace lianxin::tariff {

struct ScheduleRecord {
  std::int64_t id = 0;
  std::string province, verification, notes;
  TouSchedule schedule;
};

struct TableRecord {
  TariffTable table;
  std::optional<std::int64_t> schedule_id;
  std::string schedule_code, source, verification, notes;
};

// The company's tariff settings (module 'tariff'), with rules_cn defaults when a row is missing.
struct Settings {
  std::string province = "hubei";
  BasicChargeRules rules;
  bool pf_excludes_funds = true;
  bool actual_demand_allowed = true;
  int method_change_notice_wd = 15, contract_demand_notice_wd = 5;
  int suspension_min_days = 15, suspension_max_months = 6;
  int pf_target_hundredths = 95, tou_shift_pct = 10, capacity_use_pct = 40;
  int anomaly_drop_pct = 50, anomaly_review_days = 10;
};
Settings load_settings(storage::Connection& conn);

std::vector<ScheduleRecord> load_schedules(storage::Connection& conn);
std::optional<ScheduleRecord> load_schedule(storage::Connection& conn, std::int64_t id);

// Bands as stored: [{months:[…], start:"HH:MM", end:"HH:MM", period}]. Throws validation_failed
// naming `field` when the text is not such a list.
std::vector<TouBand> parse_bands(const std::string& json_text, const std::string& field);
std::string bands_json(const std::vector<TouBand>& bands);

// Tables of a province (all when empty), newest validity first, with rates and schedule.
std::vector<TableRecord> load_tables(storage::Connection& conn, const std::string& province = "");
std::optional<TableRecord> load_table(storage::Connection& conn, std::int64_t id);
// The table of a province in force on a date (YYYY-MM-DD).
std::optional<TableRecord> table_on(storage::Connection& conn, const std::string& province, const std::string& date);

// Inserts (id 0) or replaces a table and its rates after checking it against the other tables of
// its province and the known category/voltage codes. Throws validation_failed naming the fields.
std::int64_t save_table(storage::Connection& conn, TableRecord record, std::int64_t user_id, std::int64_t now);
void delete_table(storage::Connection& conn, std::int64_t id);

struct EnergyProfile {
  std::int64_t account_id = 0;
  std::optional<double> contract_demand_kw;
  double motor_kva = 0;
  std::optional<std::string> pf_standard;  // "0.90", "0.85", "0.80", "none"; empty: by the rules
};
std::optional<EnergyProfile> load_profile(storage::Connection& conn, std::int64_t account_id);
void save_profile(storage::Connection& conn, const EnergyProfile& profile, std::int64_t user_id, std::int64_t now);

// What the engine needs of an account: archive fields and its energy profile.
struct AccountFacts {
  std::int64_t account_id = 0, customer_id = 0;
  std::string account_no, customer_name, org_path;
  std::optional<std::int64_t> manager_id, backup_manager_id;
  std::string voltage_level, tariff_category, basic_charge_mode, industry_code;
  double capacity_kva = 0;
  EnergyProfile profile;
};
std::optional<AccountFacts> load_account(storage::Connection& conn, std::int64_t account_id);
// The account if the principal may see its customer; throws not_found otherwise.
AccountFacts visible_account(storage::Connection& conn, const auth::Principal& p, std::int64_t account_id);

// The power-factor standard of an account: its profile's, else by the rules of §5 from the
// archive (high voltage = 10 kV and above; industrial = GB/T 4754 sections B–D).
std::optional<PfStandard> account_pf_standard(const AccountFacts& a);
BasicMode basic_mode_of(const std::string& code);  // "none"/unknown → capacity
const char* basic_mode_code(BasicMode m);

}  // namespace lianxin::tariff
