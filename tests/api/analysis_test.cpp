// Electricity-use analysis through the real server on SQLite and PostgreSQL: a key account's
// twelve months and load characteristics, advice computed from its bills on the tariff table
// (accepted into the "五个一" usage plan, its realised saving tracked from the later bills), the
// anomaly scan opening review tasks for the account manager (review, theft confirmation with
// back-billing, timeline), and the PDF/XLSX report with its batch generation.
#include <gtest/gtest.h>

#include <memory>

#include "analysis/report.hpp"
#include "billing/rules.hpp"
#include "client.hpp"
#include "common/clock.hpp"
#include "fixture.hpp"
#include "storage/test_support.hpp"

using namespace lianxin;
using lianxin::testing::Client;
using lianxin::testing::HttpResult;
namespace bj = boost::json;

namespace {

std::string id_text(std::int64_t id) { return std::to_string(id); }

}  // namespace

class Analysis : public lianxin::testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    ensure_tables();
  }
  // Tariff tables in force for every month of the demo bills (the Hubei January 2026 prices).
  void ensure_tables() {
    if (value("SELECT COUNT(*) FROM tariff_tables WHERE province = 'hubei' AND valid_to IS NULL") > 0) return;
    auto jan = admin->get("/api/v1/tariff/tables?province=hubei").json();
    std::int64_t id = 0;
    for (auto& t : jan.at("items").as_array())
      if (t.at("valid_from").as_string() == "2026-01-01") id = t.at("id").as_int64();
    auto table = admin->get("/api/v1/tariff/tables/" + id_text(id)).json().as_object();
    for (auto [from, to] : {std::pair<const char*, const char*>{"2024-01-01", "2025-12-31"}, {"2026-02-01", nullptr}}) {
      bj::object body = table;
      body.erase("id");
      body["valid_from"] = from;
      body["valid_to"] = to ? bj::value(to) : bj::value(nullptr);
      body["name"] = std::string("test ") + from;
      auto r = admin->post("/api/v1/tariff/tables", body);
      ASSERT_EQ(r.status, 201) << r.body;
    }
  }
  // A two-part 10 kV account with bills of a key account managed by am01: (account, customer).
  std::pair<std::int64_t, std::int64_t> key_account(int nth = 0) {
    auto r = running->instance->db().read([&](storage::Connection& conn) {
      return conn.query(
          "SELECT a.id, c.id FROM accounts a JOIN customers c ON c.id = a.customer_id JOIN users u ON u.id = c.manager_id "
          "WHERE u.username = 'am01' AND c.is_key_account = 1 AND a.tariff_category = 'ci_two_part' AND a.voltage_level IN ('10kV','20kV') "
          "AND EXISTS (SELECT 1 FROM bills b WHERE b.account_id = a.id) ORDER BY a.id LIMIT 1 OFFSET ?",
          {std::int64_t{nth}});
    });
    EXPECT_FALSE(r.empty()) << "am01 has two-part key accounts with bills";
    return r.empty() ? std::pair<std::int64_t, std::int64_t>{0, 0} : std::pair{r.at(0).i64(0), r.at(0).i64(1)};
  }
  void exec(const std::string& sql, const storage::Params& params = {}) {
    running->instance->db().transaction([&](storage::Connection& conn) { conn.execute(sql, params); });
  }
  // The advice of one kind and status for an account (0: any account of the customer).
  static const bj::object* find_kind(const bj::value& list, const std::string& kind, const std::string& status = "proposed",
                                     std::int64_t account = 0) {
    for (auto& a : list.at("items").as_array())
      if (a.at("kind").as_string() == kind && a.at("status").as_string() == status &&
          (account == 0 || a.at("account_id").as_int64() == account))
        return &a.as_object();
    return nullptr;
  }
};

TEST_P(Analysis, TwelveMonthsAndCharacteristics) {
  auto [account, customer] = key_account();
  ASSERT_NE(account, 0);
  auto manager = as("am01");
  auto r = manager.get("/api/v1/customers/" + id_text(customer) + "/analysis");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto out = r.json();
  const bj::object* acc = nullptr;
  for (auto& a : out.at("accounts").as_array())
    if (a.at("account_id").as_int64() == account) acc = &a.as_object();
  ASSERT_NE(acc, nullptr);
  const auto& months = acc->at("months").as_array();
  ASSERT_EQ(months.size(), 12u);
  const auto& ch = acc->at("characteristics").as_object();
  const std::string to = std::string(ch.at("to").as_string()), from = std::string(ch.at("from").as_string());
  EXPECT_EQ(from, billing::add_months(to, -11));
  // The year's energy is the sum of the twelve bills.
  const auto billed = value("SELECT CAST(ROUND(SUM(kwh_total)) AS INTEGER) FROM bills WHERE account_id = ? AND period >= ? AND period <= ?",
                            {account, from, to});
  EXPECT_NEAR(ch.at("kwh").as_double(), static_cast<double>(billed), 1.0);
  EXPECT_GT(ch.at("max_demand_kw").as_double(), 0);
  EXPECT_GT(ch.at("avg_load_factor").as_double(), 0);
  EXPECT_LT(ch.at("avg_load_factor").as_double(), 1);
  EXPECT_NEAR(ch.at("peak_share").as_double(), 0.40, 0.01);  // the demo bills put 8 % sharp and 32 % peak
  // Out of scope: another manager's view is refused.
  auto stranger = running->instance->db().read([&](storage::Connection& conn) {
    return conn.query_one("SELECT u.username FROM users u, customers c WHERE c.id = ? AND u.role = 'account_manager' AND u.all_customers_in_scope = 0 "
                          "AND u.id <> c.manager_id AND u.id <> COALESCE(c.backup_manager_id, 0) ORDER BY u.username DESC LIMIT 1",
                          {customer});
  });
  ASSERT_TRUE(stranger);
  auto other = as(stranger->str(0));
  EXPECT_EQ(other.get("/api/v1/customers/" + id_text(customer) + "/analysis").status, 404);
  EXPECT_EQ(other.get("/api/v1/customers/" + id_text(customer) + "/advice").status, 404);
}

TEST_P(Analysis, AdviceAcceptedIntoThePlanAndItsSavingTracked) {
  auto [account, customer] = key_account(1);
  ASSERT_NE(account, 0);
  // An oversized transformer billed by capacity (five times the year's maximum demand): demand
  // billing and a smaller transformer pay.
  const auto max_kw = value("SELECT CAST(MAX(max_demand_kw) AS INTEGER) FROM bills WHERE account_id = ?", {account});
  ASSERT_GT(max_kw, 0);
  exec("UPDATE accounts SET basic_charge_mode = 'capacity', contract_capacity_kva = ? WHERE id = ?", {max_kw * 5, account});
  auto manager = as("am01");
  auto r = manager.post("/api/v1/customers/" + id_text(customer) + "/advice/refresh", bj::object{});
  ASSERT_EQ(r.status, 200) << r.body;
  auto list = r.json();
  EXPECT_GT(list.at("written").as_int64(), 0);
  const auto* basic = find_kind(list, "basic_charge", "proposed", account);
  ASSERT_NE(basic, nullptr) << r.body;
  EXPECT_GT(basic->at("saving_fen").as_int64(), 0);
  EXPECT_FALSE(basic->at("assumptions").as_array().empty());
  EXPECT_EQ(basic->at("data").at("quarters").as_array().size(), 4u);
  EXPECT_NE(find_kind(list, "capacity_reduction", "proposed", account), nullptr);
  EXPECT_NE(find_kind(list, "tou_shift", "proposed", account), nullptr);
  const std::int64_t advice = basic->at("id").as_int64();
  const std::int64_t saving = basic->at("saving_fen").as_int64();
  // Refreshing again supersedes the proposals (no duplicates).
  r = manager.post("/api/v1/customers/" + id_text(customer) + "/advice/refresh", bj::object{});
  ASSERT_EQ(r.status, 200);
  list = r.json();
  basic = find_kind(list, "basic_charge", "proposed", account);
  ASSERT_NE(basic, nullptr);
  EXPECT_NE(basic->at("id").as_int64(), advice);
  EXPECT_EQ(value("SELECT COUNT(*) FROM usage_advice WHERE account_id = ? AND kind = 'basic_charge' AND status = 'proposed'", {account}), 1);
  const std::int64_t current = basic->at("id").as_int64();
  EXPECT_EQ(manager.post("/api/v1/advice/" + id_text(advice) + "/decision", bj::object{{"accept", true}}).status, 409);  // superseded

  // Rejecting needs a reason; accepting puts it into the usage plan of the year of its first month.
  auto rejected = find_kind(list, "tou_shift", "proposed", account);
  ASSERT_NE(rejected, nullptr);
  r = manager.post("/api/v1/advice/" + id_text(rejected->at("id").as_int64()) + "/decision", bj::object{{"accept", false}});
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.detail("note"), "");
  const std::string this_month = billing::period_of_date(shanghai_date(now_millis()));
  const std::string effective = billing::add_months(this_month, -3);
  r = manager.post("/api/v1/advice/" + id_text(current) + "/decision", bj::object{{"accept", true}, {"effective_from", effective}});
  ASSERT_EQ(r.status, 200) << r.body;
  const int year = std::stoi(effective.substr(0, 4));
  EXPECT_EQ(value("SELECT total_saving_fen FROM usage_plans WHERE customer_id = ? AND year = ?", {customer, std::int64_t{year}}),
            basic->at("saving_fen").as_int64());
  EXPECT_EQ(value("SELECT COUNT(*) FROM timeline_events WHERE customer_id = ? AND kind = 'usage_advice'", {customer}), 1);
  EXPECT_EQ(manager.post("/api/v1/advice/" + id_text(current) + "/decision", bj::object{{"accept", true}}).status, 409);

  // The customer changes to demand billing: the later bills show the saving.
  exec("UPDATE accounts SET basic_charge_mode = 'actual_demand' WHERE id = ?", {account});
  auto after = manager.get("/api/v1/customers/" + id_text(customer) + "/advice").json();
  const auto* accepted = find_kind(after, "basic_charge", "accepted", account);
  ASSERT_NE(accepted, nullptr);
  const auto& savings = accepted->at("savings").as_object();
  const auto& months = savings.at("months").as_array();
  ASSERT_FALSE(months.empty());  // bills from the effective month to last month
  EXPECT_EQ(months.at(0).at("period").as_string(), effective);
  EXPECT_GT(savings.at("realised_fen").as_int64(), 0) << bj::serialize(*accepted);
  EXPECT_EQ(months.at(0).at("expected_fen").as_int64(), basic->at("saving_fen").as_int64() / 12);
  (void)saving;
  // Account managers may not refresh another manager's customer; auditors may not decide.
  auto auditor = as("auditor01");
  EXPECT_EQ(auditor.post("/api/v1/customers/" + id_text(customer) + "/advice/refresh", bj::object{}).status, 403);
}

TEST_P(Analysis, AnomalyScanReviewAndTheftConfirmation) {
  auto [account, customer] = key_account(2);
  ASSERT_NE(account, 0);
  // Last month's bill falls to a fifth of the usual.
  const std::string last = value("SELECT COUNT(*) FROM bills WHERE account_id = ?", {account}) > 0
                               ? running->instance->db().read([&](storage::Connection& conn) {
                                   return conn.query_one("SELECT MAX(period) FROM bills WHERE account_id = ?", {account})->str(0);
                                 })
                               : "";
  ASSERT_FALSE(last.empty());
  exec("UPDATE bills SET kwh_total = kwh_total * 0.2, kwh_sharp = kwh_sharp * 0.2, kwh_peak = kwh_peak * 0.2, kwh_flat = kwh_flat * 0.2, "
       "kwh_valley = kwh_valley * 0.2 WHERE account_id = ? AND period = ?",
       {account, last});
  auto marketing = as("marketing01");
  auto r = marketing.post("/api/v1/analysis/anomalies/scan", bj::object{});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_GE(r.json().at("opened").as_int64(), 1);
  // Scanning again opens nothing new.
  r = marketing.post("/api/v1/analysis/anomalies/scan", bj::object{});
  EXPECT_EQ(r.json().at("opened").as_int64(), 0);
  auto manager = as("am01");
  auto mine = manager.get("/api/v1/analysis/anomalies?mine=true&status=open&customer_id=" + id_text(customer)).json();
  const bj::object* drop = nullptr;
  for (auto& a : mine.at("items").as_array())
    if (a.at("kind").as_string() == "sudden_drop" && a.at("period").as_string() == last) drop = &a.as_object();
  ASSERT_NE(drop, nullptr) << bj::serialize(mine);
  EXPECT_NE(drop->at("evidence").as_string().find("仅为此前月份中位数"), std::string::npos) << drop->at("evidence").as_string();
  EXPECT_NEAR(drop->at("actual_kwh").as_double() / drop->at("expected_kwh").as_double(), 0.2, 0.05);
  EXPECT_GT(drop->at("estimated_back_fen").as_int64(), 0);
  const std::int64_t id = drop->at("id").as_int64();
  EXPECT_EQ(value("SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.username = 'am01' AND n.kind = 'usage_anomaly' "
                  "AND n.channel = 'in_app'"),
            value("SELECT COUNT(*) FROM usage_anomalies x JOIN users u ON u.id = x.owner_id WHERE u.username = 'am01'"));
  // The manager's review needs a note; the manager cannot confirm theft.
  r = manager.post("/api/v1/analysis/anomalies/" + id_text(id) + "/review", bj::object{{"result", "theft_suspected"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.detail("note"), "");
  r = manager.post("/api/v1/analysis/anomalies/" + id_text(id) + "/review",
                   bj::object{{"result", "theft_suspected"}, {"note", "现场发现计量二次回路有短接痕迹"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(manager.post("/api/v1/analysis/anomalies/" + id_text(id) + "/confirm", bj::object{{"confirmed", true}}).status, 403);
  r = marketing.post("/api/v1/analysis/anomalies/" + id_text(id) + "/confirm", bj::object{{"confirmed", true}, {"note", "用电检查认定窃电"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.detail("back_kwh"), "");
  r = marketing.post("/api/v1/analysis/anomalies/" + id_text(id) + "/confirm",
                     bj::object{{"confirmed", true}, {"back_kwh", 52000}, {"back_billing_fen", 3389600}, {"penalty_fen", 10168800}, {"note", "用电检查认定窃电"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(value("SELECT back_billing_fen FROM usage_anomalies WHERE id = ?", {id}), 3389600);
  EXPECT_EQ(value("SELECT COUNT(*) FROM timeline_events WHERE customer_id = ? AND kind = 'usage_anomaly'", {customer}), 2);
  EXPECT_GE(value("SELECT COUNT(*) FROM audit_log WHERE entity = 'usage_anomaly' AND entity_id = ?", {id_text(id)}), 2);
  // Decided: no second confirmation.
  EXPECT_EQ(marketing.post("/api/v1/analysis/anomalies/" + id_text(id) + "/confirm", bj::object{{"confirmed", false}, {"note", "x"}}).status, 409);
  EXPECT_EQ(manager.get("/api/v1/analysis/anomalies?status=bogus").status, 422);
}

TEST_P(Analysis, ReportAndBatch) {
  auto [account, customer] = key_account();
  ASSERT_NE(account, 0);
  auto manager = as("am01");
  auto pdf = manager.get("/api/v1/customers/" + id_text(customer) + "/analysis/report?format=pdf");
  ASSERT_EQ(pdf.status, 200) << pdf.body.substr(0, 300);
  EXPECT_EQ(pdf.body.rfind("%PDF-", 0), 0u);
  EXPECT_EQ(pdf.headers["content-type"], "application/pdf");
  auto xlsx = manager.get("/api/v1/customers/" + id_text(customer) + "/analysis/report?format=xlsx");
  ASSERT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.body.rfind("PK", 0), 0u);
  EXPECT_EQ(manager.get("/api/v1/customers/" + id_text(customer) + "/analysis/report?format=doc").status, 422);
  EXPECT_GE(value("SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND entity = 'analysis_report'"), 2);

  // A batch for am01's key accounts, worked by the background step.
  auto r = manager.post("/api/v1/analysis/report-batches", bj::object{});
  ASSERT_EQ(r.status, 201) << r.body;
  const std::int64_t batch = r.json().at("id").as_int64();
  const std::int64_t total = r.json().at("total").as_int64();
  EXPECT_EQ(total, value("SELECT COUNT(*) FROM customers c JOIN users u ON u.id = c.manager_id WHERE u.username = 'am01' AND c.is_key_account = 1 "
                         "AND c.status = 'active'") +
                       value("SELECT COUNT(*) FROM customers c JOIN users u ON u.id = c.backup_manager_id WHERE u.username = 'am01' "
                             "AND c.is_key_account = 1 AND c.status = 'active' AND c.manager_id <> u.id"));
  int steps = 0;
  while (steps < 50 && running->instance->db().transaction([&](storage::Connection& conn) {
           return analysis::run_report_batches(conn, now_millis(), 2);
         }) > 0)
    ++steps;
  auto b = manager.get("/api/v1/analysis/report-batches/" + id_text(batch)).json();
  EXPECT_EQ(b.at("status").as_string(), "done");
  EXPECT_EQ(b.at("done").as_int64(), total);
  EXPECT_EQ(b.at("failed").as_int64(), 0);
  ASSERT_EQ(b.at("reports").as_array().size(), static_cast<std::size_t>(total));
  const auto report = b.at("reports").as_array().at(0).at("id").as_int64();
  auto file = manager.get("/api/v1/analysis/reports/" + id_text(report) + "?format=xlsx");
  EXPECT_EQ(file.status, 200);
  EXPECT_EQ(file.body.rfind("PK", 0), 0u);
  // Another user sees neither the batch nor (outside scope) the report.
  auto county = as("county01");
  EXPECT_EQ(county.get("/api/v1/analysis/report-batches/" + id_text(batch)).status, 404);
}

INSTANTIATE_TEST_SUITE_P(Backends, Analysis, ::testing::ValuesIn(storage::test_backends("analysis_test")),
                         [](const auto& info) { return storage::backend_label(info.param); });
