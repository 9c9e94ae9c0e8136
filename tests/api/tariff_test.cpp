// The tariff engine through the real server on SQLite and PostgreSQL: the stored time-of-use
// schedules equal the engine's own definitions of rules_cn §8, the Hubei January 2026 table of
// rules_cn §8.4 prices a month exactly as the pure tests do, tables with overlapping validity or
// missing periods are refused with the field named, the what-if evaluation of an account-month
// against its imported bill, energy profiles, settings and authorisation.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "client.hpp"
#include "fixture.hpp"
#include "storage/test_support.hpp"
#include "tariff/store.hpp"

using namespace lianxin;
using lianxin::testing::Client;
using lianxin::testing::HttpResult;
namespace bj = boost::json;

namespace {


std::string id_text(std::int64_t id) { return std::to_string(id); }

// A valid two-part table for a province, 10 kV only, with the Hubei prices.
bj::object table_body(const std::string& province, const std::string& from, const std::string& to, std::int64_t schedule_id) {
  bj::object rate{{"category", "ci_two_part"}, {"voltage_levels", bj::array{"10kV", "20kV"}},
                  {"energy_price", 0.651886},  {"sharp_price", 1.049999},
                  {"peak_price", 0.848961},    {"flat_price", 0.651886},
                  {"valley_price", 0.432924},  {"floating_price", 0.398113},
                  {"td_price", 0.1263},        {"funds_price", 0.0452},
                  {"demand_price", 42.0},      {"capacity_price", 26.3}};
  bj::object single = rate;
  single["category"] = "ci_single";
  single["demand_price"] = nullptr;
  single["capacity_price"] = nullptr;
  return {{"province", province},
          {"name", province + " " + from},
          {"valid_from", from},
          {"valid_to", to.empty() ? bj::value(nullptr) : bj::value(to)},
          {"tou_schedule_id", schedule_id},
          {"source", "test"},
          {"verification", "U"},
          {"rates", bj::array{rate, single}}};
}

}  // namespace

class Tariff : public lianxin::testing::BackendTest {
 protected:
  std::int64_t schedule(const std::string& code) {
    auto list = admin->get("/api/v1/tariff/schedules").json();
    for (auto& s : list.at("items").as_array())
      if (s.at("code").as_string() == code) return s.at("id").as_int64();
    ADD_FAILURE() << "no schedule " << code;
    return 0;
  }
};

TEST_P(Tariff, StoredSchedulesAreTheEnginesOwn) {
  auto list = admin->get("/api/v1/tariff/schedules");
  ASSERT_EQ(list.status, 200) << list.body;
  const auto body = list.json();
  std::map<std::string, tariff::TouSchedule> reference = {
      {"guangdong_2021", tariff::guangdong_2021()}, {"jiangxi_2025", tariff::jiangxi_2025()}, {"hubei_2024", tariff::hubei_2024()},
      {"zhejiang_2024", tariff::zhejiang_2024()}};
  int compared = 0;
  for (auto& s : body.at("items").as_array()) {
    const std::string code(s.at("code").as_string());
    auto it = reference.find(code);
    if (it == reference.end()) continue;
    tariff::TouSchedule stored;
    stored.bands = tariff::parse_bands(bj::serialize(s.at("bands")), "bands");
    for (int month = 1; month <= 12; ++month)
      for (int minute = 0; minute < 1440; minute += 15)
        ASSERT_EQ(tariff::period_at(stored, month, minute), tariff::period_at(it->second, month, minute))
            << code << " month " << month << " minute " << minute;
    EXPECT_NEAR(s.at("ratios").at("peak").as_double(), it->second.peak_ratio / 1000.0, 1e-9) << code;
    EXPECT_NEAR(s.at("ratios").at("valley").as_double(), it->second.valley_ratio / 1000.0, 1e-9) << code;
    EXPECT_NEAR(s.at("ratios").at("sharp").as_double(), it->second.sharp_ratio / 1000.0, 1e-9) << code;
    ++compared;
  }
  EXPECT_EQ(compared, 4);
}

// rules_cn §8.4 as stored, and the bill of bill_test's CapacityModeWithPowerFactorSurcharge priced
// through the API from the stored table.
TEST_P(Tariff, HubeiJanuary2026PricesAMonth) {
  auto tables = admin->get("/api/v1/tariff/tables?province=hubei").json();
  std::int64_t jan = 0;
  for (auto& t : tables.at("items").as_array())
    if (t.at("valid_from").as_string() == "2026-01-01") jan = t.at("id").as_int64();
  ASSERT_NE(jan, 0);
  auto table = admin->get("/api/v1/tariff/tables/" + id_text(jan)).json();
  EXPECT_EQ(table.at("verification").as_string(), "S");
  ASSERT_EQ(table.at("rates").as_array().size(), 7u);
  EXPECT_EQ(table.at("tou_schedule").at("code").as_string(), "hubei_2024");
  const double kvarh = 100000 * std::tan(std::acos(0.85));
  bj::object body{{"period", "2026-01"},
                  {"province", "hubei"},
                  {"category", "ci_two_part"},
                  {"voltage_level", "10kV"},
                  {"usage", {{"kwh_sharp", 10000}, {"kwh_peak", 30000}, {"kwh_flat", 40000}, {"kwh_valley", 20000}, {"kvarh", kvarh}, {"max_demand_kw", 700}}},
                  {"options", {{"basic_mode", "capacity"}, {"capacity_kva", 1000}, {"pf_standard", "0.90"}}}};
  auto r = admin->post("/api/v1/tariff/evaluate", body);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto out = r.json();
  const auto& bill = out.at("bill");
  EXPECT_EQ(bill.at("energy_fen").as_int64(), 7070274);
  EXPECT_EQ(bill.at("basic_fen").as_int64(), 2630000);
  EXPECT_EQ(bill.at("pf_fen").as_int64(), 231207);
  EXPECT_EQ(bill.at("total_fen").as_int64(), 9931481);
  EXPECT_EQ(bill.at("lines").as_array().at(0).at("label_zh").as_string(), "尖峰电度电费");
  EXPECT_EQ(out.at("table").at("id").as_int64(), jan);
  // Without time of use: all 100,000 kWh at 0.651886.
  body["options"].as_object()["time_of_use"] = false;
  r = admin->post("/api/v1/tariff/evaluate", body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("bill").at("energy_fen").as_int64(), 6518860);
  // By contract demand 600 kW with 700 kW reached: 630 × 42 + 70 × 84.
  body["options"] = bj::object{{"basic_mode", "contract_demand"}, {"capacity_kva", 1000}, {"contract_demand_kw", 600}, {"pf_standard", "none"}};
  r = admin->post("/api/v1/tariff/evaluate", body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("bill").at("basic_fen").as_int64(), 3234000);
  EXPECT_EQ(r.json().at("bill").at("pf_fen").as_int64(), 0);
}

TEST_P(Tariff, BadEvaluationsNameTheField) {
  bj::object body{{"period", "2026-01"}, {"category", "ci_two_part"}, {"voltage_level", "10kV"}, {"usage", {{"kwh_peak", -5}}}};
  auto r = admin->post("/api/v1/tariff/evaluate", body);
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.detail("usage.kwh_peak"), "");
  body["usage"] = bj::object{{"kwh_peak", 100}, {"kwh_total", 250}};
  r = admin->post("/api/v1/tariff/evaluate", body);
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.detail("usage.kwh_total"), "");
  body["usage"] = bj::object{{"kwh_total", 250}};
  body["options"] = bj::object{{"pf_standard", "0.95"}};
  r = admin->post("/api/v1/tariff/evaluate", body);
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.detail("options.pf_standard"), "");
  body["options"] = bj::object{};
  body["period"] = "2031-05";  // no table in force
  r = admin->post("/api/v1/tariff/evaluate", body);
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.detail("period").find("2031-05"), std::string::npos) << r.body;
  body["period"] = "2026-01";
  body["voltage_level"] = "66kV";  // Hubei has no 66 kV row
  r = admin->post("/api/v1/tariff/evaluate", body);
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.detail("voltage_level"), "");
  body["period"] = "2026-13";
  r = admin->post("/api/v1/tariff/evaluate", body);
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.detail("period"), "");
}

TEST_P(Tariff, TablesWithOverlapOrMissingPeriodsAreRefused) {
  const std::int64_t jx = schedule("jiangxi_2025");
  const std::string province = "test_" + GetParam().substr(0, 6);
  const auto before = value("SELECT COUNT(*) FROM tariff_tables");
  // Jiangxi's periods include 深谷: a table without a deep-valley price is refused.
  auto r = admin->post("/api/v1/tariff/tables", table_body(province, "2026-01-01", "2026-06-30", jx));
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.detail("rates[0].deep_price"), "") << r.body;
  EXPECT_NE(r.detail("rates[1].deep_price"), "");
  EXPECT_EQ(value("SELECT COUNT(*) FROM tariff_tables"), before);  // nothing half-written
  // With the price it is stored and audited.
  auto body = table_body(province, "2026-01-01", "2026-06-30", jx);
  for (auto& rate : body["rates"].as_array()) rate.as_object()["deep_price"] = 0.2;
  r = admin->post("/api/v1/tariff/tables", body);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::int64_t first = r.json().at("id").as_int64();
  EXPECT_EQ(value("SELECT COUNT(*) FROM audit_log WHERE entity = 'tariff_table' AND entity_id = ?", {id_text(first)}), 1);
  // A second table sharing 2026-06-30 is refused; from 07-01 it is accepted.
  auto second = body;
  second["valid_from"] = "2026-06-30";
  second["valid_to"] = nullptr;
  r = admin->post("/api/v1/tariff/tables", second);
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.detail("valid_from").find(province), std::string::npos) << r.body;
  second["valid_from"] = "2026-07-01";
  r = admin->post("/api/v1/tariff/tables", second);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::int64_t open = r.json().at("id").as_int64();
  // Moving the first table's end past July now overlaps the open-ended one.
  body["valid_to"] = "2026-07-15";
  r = put(*admin, "/api/v1/tariff/tables/" + id_text(first), body);
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.detail("valid_from"), "");
  // Unknown codes, a two-part rate without demand price, a bad date.
  auto bad = table_body(province, "2027-02-30", "", jx);
  bad["rates"].as_array()[0].as_object()["demand_price"] = nullptr;
  bad["rates"].as_array()[1].as_object()["voltage_levels"] = bj::array{"11kV"};
  r = admin->post("/api/v1/tariff/tables", bad);
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.detail("valid_from"), "");
  EXPECT_NE(r.detail("rates[0].demand_price"), "");
  EXPECT_NE(r.detail("rates[1].voltage_levels"), "");
  // Deleting is audited with the table as it was.
  r = admin->request("DELETE", "/api/v1/tariff/tables/" + id_text(open));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(admin->get("/api/v1/tariff/tables/" + id_text(open)).status, 404);
  EXPECT_EQ(value("SELECT COUNT(*) FROM audit_log WHERE entity = 'tariff_table' AND action = 'delete'"), 1);
}

TEST_P(Tariff, OnlyCompanyTariffAdministratorsWriteTables) {
  const std::int64_t hb = schedule("hubei_2024");
  auto body = table_body("perm_" + GetParam().substr(0, 6), "2026-01-01", "", hb);
  auto manager = as("am01");
  EXPECT_EQ(manager.post("/api/v1/tariff/tables", body).status, 403);
  EXPECT_EQ(manager.get("/api/v1/tariff/tables").status, 200);  // everyone reads them
  auto marketing = as("marketing01");  // city level: tariffs are company-wide
  EXPECT_EQ(marketing.post("/api/v1/tariff/tables", body).status, 403);
  // Tariff settings: changed by tariff administrators only; a bad province is refused.
  EXPECT_EQ(put(manager, "/api/v1/settings/tariff.tou_shift_pct", bj::object{{"value", "15"}}).status, 403);
  auto r = put(*admin, "/api/v1/settings/tariff.province", bj::object{{"value", "atlantis"}});
  EXPECT_EQ(r.status, 422);
  auto settings = admin->get("/api/v1/settings?module=tariff").json();
  bool unverified_marked = false;
  for (auto& s : settings.at("items").as_array())
    if (s.at("key").as_string() == "tariff.actual_demand_allowed") unverified_marked = s.at("verification").as_string() == "U";
  EXPECT_TRUE(unverified_marked);
}

// An account-month: the imported bill's figures, the account's settings as the baseline, a what-if
// on top; the energy profile with its refusals; scope.
TEST_P(Tariff, WhatIfForAnAccountAgainstItsBill) {
  // A table in force for the demo bills (which end last month): the Hubei prices from February on.
  const std::int64_t hb = schedule("hubei_2024");
  if (value("SELECT COUNT(*) FROM tariff_tables WHERE province = 'hubei' AND valid_to IS NULL") == 0) {
    auto r = admin->post("/api/v1/tariff/tables", table_body("hubei", "2026-02-01", "", hb));
    ASSERT_EQ(r.status, 201) << r.body;
  }
  // A two-part 10 kV account of a customer managed by am01, with bills.
  auto row = running->instance->db().read([&](storage::Connection& conn) {
    return conn.query_one(
        "SELECT a.id, MAX(b.period) FROM accounts a JOIN customers c ON c.id = a.customer_id JOIN bills b ON b.account_id = a.id "
        "JOIN users u ON u.id = c.manager_id WHERE a.tariff_category = 'ci_two_part' AND a.voltage_level IN ('10kV','20kV') "
        "AND u.username = 'am01' AND b.period >= '2026-02' GROUP BY a.id ORDER BY a.id LIMIT 1");
  });
  ASSERT_TRUE(row) << "the demo has a two-part account of am01 with bills";
  const std::int64_t account = row->i64(0);
  const std::string period = row->str(1);
  auto manager = as("am01");
  // Energy profile: a contract demand above the equipment is refused, a sensible one stored.
  const auto capacity = value("SELECT contract_capacity_kva FROM accounts WHERE id = ?", {account});
  auto r = put(manager, "/api/v1/accounts/" + id_text(account) + "/energy-profile",
               bj::object{{"contract_demand_kw", static_cast<double>(capacity) * 3}});
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.detail("contract_demand_kw"), "");
  r = put(manager, "/api/v1/accounts/" + id_text(account) + "/energy-profile", bj::object{{"pf_standard", "0.95"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.detail("pf_standard"), "");
  r = put(manager, "/api/v1/accounts/" + id_text(account) + "/energy-profile",
          bj::object{{"contract_demand_kw", static_cast<double>(capacity) * 0.5}, {"pf_standard", "0.90"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("pf_standard_effective").as_string(), "0.90");
  EXPECT_GE(value("SELECT COUNT(*) FROM audit_log WHERE entity = 'energy_profile' AND entity_id = ?", {id_text(account)}), 1);

  bj::object body{{"account_id", account}, {"period", period}, {"options", {{"basic_mode", "contract_demand"}}}};
  r = manager.post("/api/v1/tariff/evaluate", body);
  ASSERT_EQ(r.status, 200) << r.body;
  auto out = r.json();
  const double kwh_total = value("SELECT CAST(kwh_total AS INTEGER) FROM bills WHERE account_id = ? AND period = ?", {account, period});
  EXPECT_NEAR(out.at("usage").at("kwh_total").as_double(), kwh_total, 1.0);
  EXPECT_FALSE(out.at("billed_fen").is_null());
  ASSERT_TRUE(out.as_object().contains("baseline"));
  EXPECT_EQ(out.at("options").at("basic_mode").as_string(), "contract_demand");
  EXPECT_EQ(out.at("difference_fen").as_int64(),
            out.at("bill").at("total_fen").as_int64() - out.at("baseline").at("bill").at("total_fen").as_int64());
  // The energy is the same in both: only the basic charge and its power-factor share differ.
  EXPECT_EQ(out.at("bill").at("energy_fen").as_int64(), out.at("baseline").at("bill").at("energy_fen").as_int64());
  // A usage override: twice the peak.
  body["usage"] = bj::object{{"max_demand_kw", static_cast<double>(capacity) * 0.8}};
  r = manager.post("/api/v1/tariff/evaluate", body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_GT(r.json().at("bill").at("excess_demand_kw").as_double(), 0);
  // Another manager (neither its manager nor its backup) does not see the account.
  auto stranger = running->instance->db().read([&](storage::Connection& conn) {
    return conn.query_one(
        "SELECT u.username FROM users u, accounts a JOIN customers c ON c.id = a.customer_id WHERE a.id = ? AND u.role = 'account_manager' "
        "AND u.all_customers_in_scope = 0 AND u.id <> c.manager_id AND u.id <> COALESCE(c.backup_manager_id, 0) ORDER BY u.username DESC LIMIT 1",
        {account});
  });
  ASSERT_TRUE(stranger);
  auto other = as(stranger->str(0));
  EXPECT_EQ(other.post("/api/v1/tariff/evaluate", bj::object{{"account_id", account}}).status, 404);
  EXPECT_EQ(other.get("/api/v1/accounts/" + id_text(account) + "/energy-profile").status, 404);
}

INSTANTIATE_TEST_SUITE_P(Backends, Tariff, ::testing::ValuesIn(storage::test_backends("tariff_test")),
                         [](const auto& info) { return storage::backend_label(info.param); });
