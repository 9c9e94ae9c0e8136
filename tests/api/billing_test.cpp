// Bills, groups and the unified statement through the real server on SQLite and PostgreSQL: the
// import from CSV, XLSX and JSON; idempotence and corrections with the yearly aggregates; every
// kind of bad input refused row by row with nothing half-imported; scope; the group list and 360;
// the statement as JSON, XLSX and PDF; the reconciliation; identification over the bills.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "client.hpp"
#include "common/clock.hpp"
#include "customers/rules.hpp"
#include "fixture.hpp"
#include "io/xlsx.hpp"
#include "storage/test_support.hpp"

using namespace lianxin;
using lianxin::testing::Client;
using lianxin::testing::HttpResult;
using lianxin::testing::kPassword;
using lianxin::testing::Running;
using lianxin::testing::server_for;
namespace bj = boost::json;

namespace {

std::string id_text(std::int64_t id) { return std::to_string(id); }

std::string credit_code(int n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "91530100B%08d", n);
  std::string base(buf);
  return base + customers::credit_code_check_char(base);
}

const char* kHeaderZh = "户号,账期,尖峰电量,峰电量,平电量,谷电量,总电量,无功电量,最大需量,应收电费(分),实收电费(分),欠费(分)\n";

// One CSV line: parts 10/20/30/40 % of the total, amount 0.65 yuan/kWh.
std::string line(const std::string& account, const std::string& period, double total, std::int64_t paid_share_percent = 100) {
  const auto amount = static_cast<std::int64_t>(std::llround(total * 65));
  const std::int64_t paid = amount * paid_share_percent / 100;
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s,%s,%.2f,%.2f,%.2f,%.2f,%.2f,,,%lld,%lld,%lld\n", account.c_str(), period.c_str(), total * 0.1,
                total * 0.2, total * 0.3, total - total * 0.1 - total * 0.2 - total * 0.3, total, static_cast<long long>(amount),
                static_cast<long long>(paid), static_cast<long long>(amount - paid));
  return buf;
}

struct Issue {
  std::int64_t row;
  std::string field, message;
};
std::vector<Issue> issues(const HttpResult& r) {
  std::vector<Issue> out;
  auto v = r.json();
  if (!v.is_object() || !v.as_object().contains("error")) return out;
  for (auto& d : v.at("error").at("details").as_array()) {
    auto& o = d.as_object();
    out.push_back({o.contains("row") ? o.at("row").as_int64() : 0, std::string(o.at("field").as_string()),
                   std::string(o.at("message").as_string())});
  }
  return out;
}
bool has_issue(const HttpResult& r, std::int64_t row, const std::string& field, const std::string& fragment) {
  for (auto& i : issues(r))
    if (i.row == row && i.field == field && i.message.find(fragment) != std::string::npos) return true;
  return false;
}

std::string url_encode(const std::string& s) {
  std::string out;
  char buf[4];
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') out.push_back(static_cast<char>(c));
    else {
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

const bj::object* region(const bj::value& statement, const std::string& bureau) {
  for (auto& r : statement.at("regions").as_array())
    if (r.at("bureau_name").as_string() == bureau) return &r.as_object();
  return nullptr;
}

}  // namespace

class Billing : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    running = &server_for(GetParam());
    admin = std::make_unique<Client>(running->port);
    ASSERT_EQ(admin->login("admin", kPassword).status, 200);
  }
  Client as(const std::string& user) {
    Client c(running->port);
    auto r = c.login(user, kPassword);
    EXPECT_EQ(r.status, 200) << user << ": " << r.body;
    return c;
  }
  std::int64_t org(const std::string& code) {
    auto r = admin->get("/api/v1/org-units").json();
    for (auto& u : r.at("items").as_array())
      if (u.at("code").as_string() == code) return u.at("id").as_int64();
    ADD_FAILURE() << "no org unit " << code;
    return 0;
  }
  // A fresh customer of an org unit with accounts "<prefix>1", "<prefix>2"….
  std::int64_t customer(const std::string& name, const std::string& org_code, const std::vector<std::string>& accounts,
                        bj::object extra = {}) {
    static int n = 0;
    bj::object body{{"name", name}, {"credit_code", credit_code(++n)}, {"org_unit_id", org(org_code)}, {"industry_code", "32"}};
    for (auto& kv : extra) body[kv.key()] = kv.value();
    auto r = admin->post("/api/v1/customers", body);
    EXPECT_EQ(r.status, 201) << r.body;
    if (r.status != 201) return 0;
    const std::int64_t id = r.json().at("id").as_int64();
    for (auto& a : accounts) {
      auto acc = admin->post("/api/v1/customers/" + id_text(id) + "/accounts",
                             bj::object{{"account_no", a}, {"voltage_level", "10kV"}, {"tariff_category", "ci_two_part"},
                                        {"contract_capacity_kva", 1000}});
      EXPECT_EQ(acc.status, 201) << acc.body;
    }
    return id;
  }
  // PATCH with the customer's current version.
  HttpResult patch_customer(std::int64_t id, bj::object body) {
    body["version"] = admin->get("/api/v1/customers/" + id_text(id)).json().at("customer").at("version");
    return admin->patch("/api/v1/customers/" + id_text(id), body);
  }
  HttpResult upload(Client& c, const std::string& body, const std::string& file_name, const std::string& type = "text/csv") {
    return c.request("POST", "/api/v1/bill-imports?file_name=" + file_name, body, type);
  }
  std::int64_t count(const std::string& sql) {
    return running->instance->db().read([&](storage::Connection& conn) { return conn.query_i64(sql); });
  }
  void exec(const std::string& sql, const storage::Params& params = {}) {
    running->instance->db().transaction([&](storage::Connection& conn) { conn.execute(sql, params); });
  }
  // customer_year_usage equals the aggregate of the bills, for every customer and year.
  void expect_aggregates_consistent() {
    auto mismatches = count(
        "SELECT COUNT(*) FROM customer_year_usage u FULL OUTER JOIN (SELECT customer_id, CAST(substr(period, 1, 4) AS INTEGER) AS y, "
        "SUM(kwh_total) AS k, SUM(amount_fen) AS a, SUM(paid_fen) AS p, SUM(arrears_fen) AS r, COUNT(*) AS m FROM bills "
        "GROUP BY customer_id, CAST(substr(period, 1, 4) AS INTEGER)) b ON b.customer_id = u.customer_id AND b.y = u.year "
        "WHERE u.customer_id IS NULL OR b.customer_id IS NULL OR ABS(b.k - u.kwh) > 0.001 OR b.a <> u.amount_fen "
        "OR b.p <> u.paid_fen OR b.r <> u.arrears_fen OR b.m <> u.months");
    EXPECT_EQ(mismatches, 0);
  }
  Running* running = nullptr;
  std::unique_ptr<Client> admin;
};

TEST_P(Billing, ImportFromCsvXlsxAndJson) {
  auto marketing = as("marketing01");
  const std::int64_t a = customer("滇池票据导入测试甲有限公司", "DC01-S1", {"BI100001", "BI100002"});
  const std::int64_t b = customer("滇池票据导入测试乙有限公司", "DC02", {"BI200001"});
  // The template, in both formats.
  auto tpl = marketing.get("/api/v1/bill-imports/template?format=csv");
  ASSERT_EQ(tpl.status, 200);
  EXPECT_NE(tpl.body.find("户号*"), std::string::npos);
  EXPECT_NE(tpl.body.find("应收电费(分)*"), std::string::npos);
  auto tpl_xlsx = marketing.get("/api/v1/bill-imports/template");
  EXPECT_EQ(tpl_xlsx.headers["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");

  // CSV with the Chinese headers.
  const std::string csv = std::string(kHeaderZh) + line("BI100001", "2024-01", 1000) + line("BI100001", "2024-02", 1200) +
                          line("BI100001", "2024-03", 900, 50) + line("bi100002", "2024-01", 300);
  auto r = upload(marketing, csv, "bills-2024q1.csv");
  ASSERT_EQ(r.status, 201) << r.body;
  auto res = r.json();
  EXPECT_EQ(res.at("source").as_string(), "csv");
  EXPECT_EQ(res.at("file_name").as_string(), "bills-2024q1.csv");
  EXPECT_EQ(res.at("rows").as_int64(), 4);
  EXPECT_EQ(res.at("inserted").as_int64(), 4);
  EXPECT_EQ(res.at("sha256").as_string().size(), 64u);

  // XLSX with the column codes.
  io::Sheet sheet;
  sheet.name = "bills";
  sheet.header = {"account_no", "period", "kwh_total", "amount_fen", "paid_fen", "kvarh", "max_demand_kw"};
  sheet.rows.push_back({std::string("BI200001"), std::string("2024-01"), 500.0, std::int64_t{32500}, std::int64_t{32500}, 120.5, 42.0});
  sheet.rows.push_back({std::string("BI200001"), std::string("2024-02"), 600.0, std::int64_t{39000}, std::int64_t{0}, std::monostate{},
                        std::monostate{}});
  r = upload(marketing, io::write_xlsx({sheet}), "bills.xlsx", "application/octet-stream");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json().at("source").as_string(), "xlsx");
  EXPECT_EQ(r.json().at("inserted").as_int64(), 2);

  // JSON rows.
  bj::array rows{bj::object{{"account_no", "BI100001"}, {"period", "2024-04"}, {"kwh_total", 800}, {"amount_fen", 52000},
                            {"paid_fen", 52000}, {"arrears_fen", 0}}};
  r = marketing.request("POST", "/api/v1/bill-imports", bj::serialize(rows));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json().at("source").as_string(), "api");
  EXPECT_TRUE(r.json().at("file_name").is_null());
  EXPECT_EQ(r.json().at("inserted").as_int64(), 1);

  // Reading: the bills of a customer, newest first, with filters and paging.
  auto bills = marketing.get("/api/v1/customers/" + id_text(a) + "/bills").json();
  EXPECT_EQ(bills.at("total").as_int64(), 5);
  EXPECT_EQ(bills.at("items").as_array().at(0).at("period").as_string(), "2024-04");
  auto q1 = marketing.get("/api/v1/customers/" + id_text(a) + "/bills?from=2024-02&to=2024-03&page_size=1").json();
  EXPECT_EQ(q1.at("total").as_int64(), 2);
  EXPECT_EQ(q1.at("items").as_array().size(), 1u);
  auto march = marketing.get("/api/v1/customers/" + id_text(a) + "/bills?from=2024-03&to=2024-03").json().at("items").at(0);
  EXPECT_EQ(march.at("arrears_fen").as_int64(), 58500 - 29250);
  EXPECT_EQ(marketing.get("/api/v1/customers/" + id_text(a) + "/bills?from=2024-13").status, 422);
  auto b_bills = marketing.get("/api/v1/customers/" + id_text(b) + "/bills").json();
  EXPECT_DOUBLE_EQ(b_bills.at("items").at(1).at("kvarh").as_double(), 120.5);
  EXPECT_TRUE(b_bills.at("items").at(0).at("kvarh").is_null());
  // Monthly totals over the accounts and the yearly aggregate.
  auto summary = marketing.get("/api/v1/customers/" + id_text(a) + "/bill-summary").json();
  auto& months = summary.at("months").as_array();
  ASSERT_EQ(months.size(), 4u);
  EXPECT_EQ(months.back().at("period").as_string(), "2024-01");
  EXPECT_EQ(months.back().at("bills").as_int64(), 2);
  EXPECT_NEAR(months.back().at("kwh_total").to_number<double>(), 1300, 1e-6);
  auto& years = summary.at("years").as_array();
  ASSERT_EQ(years.size(), 1u);
  EXPECT_EQ(years[0].at("year").as_int64(), 2024);
  EXPECT_NEAR(years[0].at("kwh").to_number<double>(), 1000 + 1200 + 900 + 300 + 800, 1e-6);
  EXPECT_EQ(years[0].at("months").as_int64(), 5);
  EXPECT_EQ(years[0].at("arrears_fen").as_int64(), 29250);
  expect_aggregates_consistent();
  // The batches, and an audit entry for each import.
  auto batches = marketing.get("/api/v1/bill-imports").json();
  EXPECT_GE(batches.at("total").as_int64(), 3);
  EXPECT_EQ(batches.at("items").at(0).at("source").as_string(), "api");
  EXPECT_GE(count("SELECT COUNT(*) FROM audit_log WHERE action = 'import' AND entity = 'bill_batch'"), 3);
}

TEST_P(Billing, ReimportIsIdempotentAndCorrectionsUpdateTheAggregates) {
  auto marketing = as("marketing01");
  const std::int64_t c = customer("滇池票据幂等测试有限公司", "DC03", {"BI300001", "BI300002"});
  const std::string csv = std::string(kHeaderZh) + line("BI300001", "2024-06", 1000) + line("BI300001", "2024-07", 1100) +
                          line("BI300002", "2024-06", 400) + line("BI300002", "2023-12", 100);
  auto first = upload(marketing, csv, "a.csv");
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.json().at("inserted").as_int64(), 4);
  const std::int64_t bills_before = count("SELECT COUNT(*) FROM bills");
  auto again = upload(marketing, csv, "a.csv").json();
  EXPECT_EQ(again.at("inserted").as_int64(), 0);
  EXPECT_EQ(again.at("updated").as_int64(), 0);
  EXPECT_EQ(again.at("unchanged").as_int64(), 4);
  EXPECT_EQ(again.at("customers").as_int64(), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM bills"), bills_before);
  // A correction from the billing system: one changed row is updated, the rest unchanged.
  const std::string corrected = std::string(kHeaderZh) + line("BI300001", "2024-06", 1000) + line("BI300001", "2024-07", 1500, 0) +
                                line("BI300002", "2024-06", 400) + line("BI300002", "2023-12", 100);
  auto fix = upload(marketing, corrected, "b.csv").json();
  EXPECT_EQ(fix.at("inserted").as_int64(), 0);
  EXPECT_EQ(fix.at("updated").as_int64(), 1);
  EXPECT_EQ(fix.at("unchanged").as_int64(), 3);
  auto years = marketing.get("/api/v1/customers/" + id_text(c) + "/bill-summary").json().at("years").as_array();
  ASSERT_EQ(years.size(), 2u);
  EXPECT_EQ(years[0].at("year").as_int64(), 2024);
  EXPECT_NEAR(years[0].at("kwh").to_number<double>(), 1000 + 1500 + 400, 1e-6);
  EXPECT_EQ(years[0].at("amount_fen").as_int64(), (1000 + 1500 + 400) * 65);
  EXPECT_EQ(years[0].at("paid_fen").as_int64(), (1000 + 400) * 65);
  EXPECT_EQ(years[0].at("arrears_fen").as_int64(), 1500 * 65);
  EXPECT_EQ(years[0].at("months").as_int64(), 3);
  EXPECT_EQ(years[1].at("year").as_int64(), 2023);
  EXPECT_EQ(years[1].at("months").as_int64(), 1);
  expect_aggregates_consistent();
  // The batch records the counts.
  auto batch = marketing.get("/api/v1/bill-imports?page_size=1").json().at("items").at(0);
  EXPECT_EQ(batch.at("updated").as_int64(), 1);
  EXPECT_EQ(batch.at("unchanged").as_int64(), 3);
  EXPECT_EQ(batch.at("file_name").as_string(), "b.csv");
}

TEST_P(Billing, LastYearsBillsSetTheArchiveAnnualFigure) {
  auto marketing = as("marketing01");
  const std::int64_t c = customer("滇池票据年度电量测试有限公司", "DC04", {"BI400001"}, {{"annual_kwh", 5}});
  const int last_year = std::stoi(shanghai_date(now_millis()).substr(0, 4)) - 1;
  std::string csv = kHeaderZh;
  for (int m = 1; m <= 11; ++m) {
    char period[16];
    std::snprintf(period, sizeof period, "%04d-%02d", last_year, m);
    csv += line("BI400001", period, 1000 + m);
  }
  auto r = upload(marketing, csv, "eleven.csv");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json().at("annual_kwh_updated").as_int64(), 0);  // eleven months: not a complete year
  EXPECT_DOUBLE_EQ(marketing.get("/api/v1/customers/" + id_text(c)).json().at("customer").at("annual_kwh").to_number<double>(), 5);
  char december[16];
  std::snprintf(december, sizeof december, "%04d-12", last_year);
  r = upload(marketing, std::string(kHeaderZh) + line("BI400001", december, 2000), "december.csv");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json().at("annual_kwh_updated").as_int64(), 1);
  double expected = 2000;
  for (int m = 1; m <= 11; ++m) expected += 1000 + m;
  auto customer_json = marketing.get("/api/v1/customers/" + id_text(c)).json().at("customer");
  EXPECT_NEAR(customer_json.at("annual_kwh").to_number<double>(), expected, 1e-6);
}

TEST_P(Billing, BadRowsAreReportedAndNothingIsImported) {
  auto marketing = as("marketing01");
  customer("滇池票据错误测试有限公司", "DC05", {"BI500001"});
  const std::int64_t before = count("SELECT COUNT(*) FROM bills");
  const std::int64_t batches_before = count("SELECT COUNT(*) FROM bill_batches");
  const std::string csv = std::string(kHeaderZh) +
                          line("BI500001", "2024-01", 100) +                      // row 2: good
                          line("BI500001", "2024-01", 100) +                      // row 3: duplicate of row 2
                          line("BI599999", "2024-02", 100) +                      // row 4: unknown 户号
                          "BI500001,2024-03,,,,,100,,,-6500,0,\n"                 // row 5: negative amount
                          "BI500001,2024-04,,,,,abc,,,6500,6500,0\n"              // row 6: not a number
                          "BI500001,2024-13,,,,,100,,,6500,6500,0\n"              // row 7: bad period
                          "BI500001,2024-05,10,20,30,30,100,,,6500,6500,0\n"      // row 8: parts 90 != 100
                          "BI500001,2024-06,,,,,100,,,6500,6000,400\n"            // row 9: totals do not add up
                          "BI500001,2024-07,,,,,-1,,,6500,6500,0\n";              // row 10: negative kWh
  auto r = upload(marketing, csv, "bad.csv");
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.error_code(), "validation_failed");
  EXPECT_TRUE(has_issue(r, 3, "account_no", "row 2")) << r.body;
  EXPECT_TRUE(has_issue(r, 4, "account_no", "unknown 户号")) << r.body;
  EXPECT_TRUE(has_issue(r, 5, "amount_fen", "must not be negative")) << r.body;
  EXPECT_TRUE(has_issue(r, 6, "kwh_total", "must be a number")) << r.body;
  EXPECT_TRUE(has_issue(r, 7, "period", "YYYY-MM")) << r.body;
  EXPECT_TRUE(has_issue(r, 8, "kwh_total", "sum of the time-of-use parts")) << r.body;
  EXPECT_TRUE(has_issue(r, 9, "arrears_fen", "totals do not add up")) << r.body;
  EXPECT_TRUE(has_issue(r, 10, "kwh_total", "must not be negative")) << r.body;
  for (auto& i : issues(r)) EXPECT_NE(i.row, 2) << i.message;  // the good row has no problem, and is not imported either
  EXPECT_EQ(count("SELECT COUNT(*) FROM bills"), before);
  EXPECT_EQ(count("SELECT COUNT(*) FROM bill_batches"), batches_before);
  // In Chinese for the web UI.
  auto zh = marketing.request("POST", "/api/v1/bill-imports?file_name=bad.csv", csv, "text/csv", {{"Accept-Language", "zh-CN"}});
  EXPECT_TRUE(has_issue(zh, 9, "arrears_fen", "金额不平")) << zh.body;
  EXPECT_TRUE(has_issue(zh, 3, "account_no", "第 2 行")) << zh.body;

  // The header: unknown and missing columns.
  r = upload(marketing, "户号,账期,总电量,电费\nBI500001,2024-01,100,6500\n", "header.csv");
  ASSERT_EQ(r.status, 422);
  EXPECT_TRUE(has_issue(r, 1, "电费", "unknown column"));
  EXPECT_TRUE(has_issue(r, 1, "amount_fen", "required column missing"));
  // Files that are not what they claim, and malformed JSON.
  EXPECT_EQ(upload(marketing, "not a workbook", "bills.xlsx").status, 422);
  EXPECT_EQ(upload(marketing, "", "empty.csv").status, 422);
  EXPECT_EQ(marketing.request("POST", "/api/v1/bill-imports", "[{\"account_no\": ").status, 400);
  auto json_bad = marketing.request("POST", "/api/v1/bill-imports", "[{\"account_no\":\"BI500001\",\"period\":\"2024-01\",\"kwh\":1}]");
  EXPECT_EQ(json_bad.status, 422);
  EXPECT_TRUE(has_issue(json_bad, 1, "kwh", "unknown field"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM bills"), before);
}

TEST_P(Billing, ScopeAndPermissions) {
  auto county = as("county01");  // marketing manager of DC01
  const std::int64_t own = customer("滇池票据范围测试东城有限公司", "DC01-S2", {"BI600001"});
  const std::int64_t other = customer("滇池票据范围测试西山有限公司", "DC02", {"BI600002"});
  auto mine = upload(county, std::string(kHeaderZh) + line("BI600001", "2024-01", 100), "own.csv");
  EXPECT_EQ(mine.status, 201) << mine.body;
  const std::int64_t before = count("SELECT COUNT(*) FROM bills");
  auto theirs = upload(county, std::string(kHeaderZh) + line("BI600001", "2024-02", 100) + line("BI600002", "2024-02", 100), "x.csv");
  ASSERT_EQ(theirs.status, 422);
  EXPECT_TRUE(has_issue(theirs, 3, "account_no", "outside your scope")) << theirs.body;
  EXPECT_EQ(count("SELECT COUNT(*) FROM bills"), before);
  // Reading another county's bills: the customer does not exist for them.
  ASSERT_EQ(admin->post("/api/v1/bill-imports", bj::array{bj::object{{"account_no", "BI600002"}, {"period", "2024-02"},
                                                                      {"kwh_total", 10}, {"amount_fen", 650}, {"paid_fen", 650}}})
                .status,
            201);
  EXPECT_EQ(county.get("/api/v1/customers/" + id_text(other) + "/bills").status, 404);
  EXPECT_EQ(county.get("/api/v1/customers/" + id_text(other) + "/bill-summary").status, 404);
  EXPECT_EQ(county.get("/api/v1/customers/" + id_text(own) + "/bills").json().at("total").as_int64(), 1);
  // Roles without bill.import.
  auto dispatcher = as("dispatcher01");
  EXPECT_EQ(dispatcher.get("/api/v1/bill-imports/template").status, 403);
  EXPECT_EQ(upload(dispatcher, std::string(kHeaderZh) + line("BI600001", "2024-03", 1), "d.csv").status, 403);
  EXPECT_EQ(as("am09").get("/api/v1/bill-imports").status, 403);
  EXPECT_EQ(dispatcher.get("/api/v1/customers/" + id_text(own) + "/bills").status, 200);  // reading needs customer.read
}

TEST_P(Billing, GroupStatementAcrossRegionsWithExportsAndReconciliation) {
  auto marketing = as("marketing01");
  // A group at the city bureau, a sub-group in DC01, members in DC01 (under the sub-group) and DC02.
  const std::int64_t group = customer("滇池测试控股集团有限公司", "DC", {}, {{"is_group", true}});
  const std::int64_t sub = customer("滇池测试集团东城分公司", "DC01", {}, {{"is_group", true}, {"group_id", group}});
  const std::int64_t east = customer("滇池测试东城冶炼有限公司", "DC01-S1", {"BI700001", "BI700002"}, {{"group_id", sub}});
  const std::int64_t west = customer("滇池测试西山化工有限公司", "DC02-S1", {"BI700003"}, {{"group_id", group}, {"is_key_account", true}});
  auto r = upload(marketing,
                  std::string(kHeaderZh) + line("BI700001", "2024-05", 1000) + line("BI700003", "2024-05", 2000, 50) +
                      line("BI700001", "2024-04", 10),
                  "group.csv");
  ASSERT_EQ(r.status, 201) << r.body;

  // The group list and the group 360.
  auto list = marketing.get("/api/v1/groups?q=" + url_encode("滇池测试控股")).json();
  ASSERT_EQ(list.at("total").as_int64(), 1);
  EXPECT_EQ(list.at("items").at(0).at("sub_groups").as_int64(), 1);
  EXPECT_EQ(list.at("items").at(0).at("direct_members").as_int64(), 2);
  auto g360 = marketing.get("/api/v1/groups/" + id_text(group)).json();
  EXPECT_EQ(g360.at("group").at("name").as_string(), "滇池测试控股集团有限公司");
  ASSERT_EQ(g360.at("tree").at("children").as_array().size(), 1u);
  EXPECT_EQ(g360.at("tree").at("children").at(0).at("id").as_int64(), sub);
  EXPECT_EQ(g360.at("tree").at("children").at(0).at("members").as_int64(), 1);
  EXPECT_EQ(g360.at("totals").at("members").as_int64(), 3);
  EXPECT_EQ(g360.at("totals").at("regions").as_int64(), 2);
  EXPECT_EQ(g360.at("totals").at("accounts").as_int64(), 3);
  EXPECT_EQ(g360.at("totals").at("key_accounts").as_int64(), 1);
  EXPECT_FALSE(g360.at("partial").as_bool());
  for (auto& m : g360.at("members").as_array()) {
    if (m.at("id").as_int64() == east) {
      EXPECT_EQ(m.at("bureau_name").as_string(), "东城区供电局");
      EXPECT_EQ(m.at("parent_group_id").as_int64(), sub);
      EXPECT_EQ(m.at("account_count").as_int64(), 2);
      EXPECT_EQ(m.at("open_claims").as_int64(), 0);
      EXPECT_TRUE(m.at("programme").is_null());
    }
    if (m.at("id").as_int64() == west) {
      EXPECT_EQ(m.at("bureau_name").as_string(), "西山区供电局");
    }
  }
  EXPECT_EQ(marketing.get("/api/v1/groups/" + id_text(east)).status, 404);  // not a group

  // The statement of May: per region, subtotals and the total; the account without a bill is listed.
  const std::string base = "/api/v1/groups/" + id_text(group) + "/statement?period=2024-05";
  auto st = marketing.get(base);
  ASSERT_EQ(st.status, 200) << st.body;
  auto s = st.json();
  EXPECT_EQ(s.at("regions").as_array().size(), 2u);
  const bj::object* dc01 = region(s, "东城区供电局");
  const bj::object* dc02 = region(s, "西山区供电局");
  ASSERT_TRUE(dc01 && dc02);
  EXPECT_EQ(dc01->at("subtotal").at("accounts").as_int64(), 2);
  EXPECT_EQ(dc01->at("subtotal").at("billed").as_int64(), 1);
  EXPECT_NEAR(dc01->at("subtotal").at("kwh_total").to_number<double>(), 1000, 1e-6);
  EXPECT_EQ(dc01->at("subtotal").at("amount_fen").as_int64(), 65000);
  EXPECT_EQ(dc02->at("subtotal").at("arrears_fen").as_int64(), 65000);
  EXPECT_EQ(s.at("total").at("amount_fen").as_int64(), 65000 + 130000);
  EXPECT_EQ(s.at("total").at("paid_fen").as_int64(), 65000 + 65000);
  EXPECT_NEAR(s.at("total").at("kwh_total").to_number<double>(), 3000, 1e-6);
  bool unbilled_listed = false;
  for (auto& l : dc01->at("lines").as_array())
    if (l.at("account_no").as_string() == "BI700002") unbilled_listed = !l.at("billed").as_bool() && l.at("amount_fen").is_null();
  EXPECT_TRUE(unbilled_listed);
  EXPECT_FALSE(s.at("partial").as_bool());
  EXPECT_EQ(marketing.get("/api/v1/groups/" + id_text(group) + "/statement?period=2024-5x").status, 422);
  EXPECT_EQ(marketing.get("/api/v1/groups/" + id_text(group) + "/statement").status, 422);

  // Downloads: XLSX and PDF (the group's name extractable), recorded as exports.
  auto xlsx = marketing.get(base + "&format=xlsx");
  ASSERT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.headers["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  auto cells = io::read_xlsx_first_sheet(xlsx.body);
  ASSERT_GE(cells.size(), 6u);
  EXPECT_EQ(cells[0][0], "地区");
  EXPECT_EQ(cells.back()[0], "合计");
  EXPECT_EQ(cells.back()[9], "1950");  // yuan
  auto pdf = marketing.get(base + "&format=pdf");
  ASSERT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.headers["content-type"], "application/pdf");
  EXPECT_NE(pdf.headers["content-disposition"].find("statement-" + id_text(group) + "-2024-05.pdf"), std::string::npos);
  ASSERT_EQ(pdf.body.rfind("%PDF-", 0), 0u);
  if (std::system("command -v pdftotext >/dev/null 2>&1") == 0) {
    const auto path = std::filesystem::temp_directory_path() / ("lx_statement_" + std::to_string(::getpid()) + ".pdf");
    std::ofstream(path, std::ios::binary) << pdf.body;
    std::string text;
    if (FILE* f = popen(("pdftotext -enc UTF-8 " + path.string() + " - 2>/dev/null").c_str(), "r")) {
      char buf[4096];
      for (std::size_t n; (n = fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
      pclose(f);
    }
    std::filesystem::remove(path);
    EXPECT_NE(text.find("滇池测试控股集团有限公司"), std::string::npos) << text.substr(0, 300);
    EXPECT_NE(text.find("西山区供电局"), std::string::npos);
  }
  EXPECT_GE(count("SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND entity = 'group_statement'"), 2);
  EXPECT_EQ(as("dispatcher01").get(base + "&format=pdf").status, 403);  // exports need customer.export

  // Reconciliation: consistent, except the account without a bill.
  auto rec = marketing.get("/api/v1/groups/" + id_text(group) + "/reconciliation?period=2024-05").json();
  EXPECT_FALSE(rec.at("ok").as_bool());
  for (auto& c : rec.at("checks").as_array()) {
    const std::string code(c.at("code").as_string());
    EXPECT_EQ(c.at("ok").as_bool(), code != "missing_bills") << code;
  }
  ASSERT_EQ(rec.at("missing_bills").as_array().size(), 1u);
  EXPECT_EQ(rec.at("missing_bills").at(0).at("account_no").as_string(), "BI700002");
  EXPECT_TRUE(rec.at("total").at("differences").as_array().empty());

  // A bill recorded for another customer than the account's (the account moved after billing),
  // and a member that has left the group since its bills were imported.
  exec("UPDATE bills SET customer_id = ? WHERE period = '2024-05' AND account_id = (SELECT id FROM accounts WHERE account_no = 'BI700001')",
       {sub});
  ASSERT_EQ(patch_customer(west, bj::object{{"group_id", nullptr}}).status, 200);
  rec = marketing.get("/api/v1/groups/" + id_text(group) + "/reconciliation?period=2024-05").json();
  auto* rec_dc01 = region(rec, "东城区供电局");
  ASSERT_TRUE(rec_dc01);
  // The sub-group is in DC01 too: region totals still agree; the moved bill is listed.
  EXPECT_TRUE(rec_dc01->at("differences").as_array().empty());
  ASSERT_EQ(rec.at("moved_accounts").as_array().size(), 1u);
  EXPECT_EQ(rec.at("moved_accounts").at(0).at("current_customer_id").as_int64(), east);
  EXPECT_EQ(rec.at("moved_accounts").at(0).at("billed_customer_id").as_int64(), sub);
  ASSERT_EQ(rec.at("former_members").as_array().size(), 1u);
  EXPECT_EQ(rec.at("former_members").at(0).at("customer_id").as_int64(), west);
  EXPECT_EQ(rec.at("former_members").at(0).at("account_no").as_string(), "BI700003");
  // A bill recorded for a customer outside the group: the statement still shows it, the imported
  // totals of the region do not, and the difference is listed.
  exec("UPDATE bills SET customer_id = ? WHERE period = '2024-05' AND account_id = (SELECT id FROM accounts WHERE account_no = 'BI700001')",
       {west});
  rec = marketing.get("/api/v1/groups/" + id_text(group) + "/reconciliation?period=2024-05").json();
  rec_dc01 = region(rec, "东城区供电局");
  ASSERT_TRUE(rec_dc01);
  bool amount_difference = false;
  for (auto& d : rec_dc01->at("differences").as_array())
    if (d.at("field").as_string() == "amount_fen")
      amount_difference = d.at("statement").to_number<double>() == 65000 && d.at("imported").to_number<double>() == 0;
  EXPECT_TRUE(amount_difference) << bj::serialize(*rec_dc01);
  EXPECT_FALSE(rec.at("total").at("differences").as_array().empty());
}

TEST_P(Billing, StatementOmitsMembersOutsideTheCallersScope) {
  auto county = as("county01");  // DC01 only
  const std::int64_t group = customer("滇池测试东城商贸集团有限公司", "DC01", {}, {{"is_group", true}});
  customer("滇池测试东城商贸一店有限公司", "DC01-S3", {"BI800001"}, {{"group_id", group}});
  customer("滇池测试西山商贸二店有限公司", "DC02-S2", {"BI800002"}, {{"group_id", group}});
  ASSERT_EQ(upload(*admin, std::string(kHeaderZh) + line("BI800001", "2024-05", 100) + line("BI800002", "2024-05", 200), "s.csv").status,
            201);
  auto s = county.get("/api/v1/groups/" + id_text(group) + "/statement?period=2024-05").json();
  EXPECT_TRUE(s.at("partial").as_bool());
  EXPECT_EQ(s.at("omitted_members").as_int64(), 1);
  EXPECT_EQ(s.at("regions").as_array().size(), 1u);
  EXPECT_NEAR(s.at("total").at("kwh_total").to_number<double>(), 100, 1e-6);
  auto full = admin->get("/api/v1/groups/" + id_text(group) + "/statement?period=2024-05").json();
  EXPECT_FALSE(full.at("partial").as_bool());
  EXPECT_NEAR(full.at("total").at("kwh_total").to_number<double>(), 300, 1e-6);
  auto g360 = county.get("/api/v1/groups/" + id_text(group)).json();
  EXPECT_EQ(g360.at("omitted_members").as_int64(), 1);
  EXPECT_EQ(g360.at("members").as_array().size(), 1u);
  // A group registered at the city bureau is not visible to the county.
  auto groups = county.get("/api/v1/groups?page_size=200").json();
  bool listed = false;
  for (auto& g : groups.at("items").as_array()) {
    EXPECT_NE(g.at("org_unit_name").as_string(), "滇池市供电局");
    if (g.at("id").as_int64() == group) {
      listed = true;
      EXPECT_EQ(g.at("direct_members").as_int64(), 1);  // counts never include members outside the scope
    }
  }
  EXPECT_TRUE(listed);
}

TEST_P(Billing, IdentificationReadsLastYearsBills) {
  auto county = as("county01");
  const int year = std::stoi(shanghai_date(now_millis()).substr(0, 4));
  const std::int64_t c = customer("滇池测试用电大户有限公司", "DC01-S1", {"BI900001"});
  std::string csv = kHeaderZh;
  for (int m = 1; m <= 12; ++m) {
    char period[16];
    std::snprintf(period, sizeof period, "%04d-%02d", year - 1, m);
    csv += line("BI900001", period, 5e8);
  }
  ASSERT_EQ(upload(county, csv, "big.csv").status, 201);
  // The archive's figure no longer matters once there are bills.
  ASSERT_EQ(patch_customer(c, bj::object{{"annual_kwh", 0}}).status, 200);
  auto run = county.post("/api/v1/key-accounts/identification-runs", bj::object{{"year", year}});
  ASSERT_EQ(run.status, 201) << run.body;
  auto items = county.get("/api/v1/key-accounts/identification-runs/" + id_text(run.json().at("id").as_int64()) +
                          "/items?change=add&page_size=200")
                   .json();
  bool top = false;
  for (auto& i : items.at("items").as_array())
    if (i.at("customer_id").as_int64() == c) {
      for (auto& reason : i.at("reasons").as_array()) top = top || reason.as_string() == "top_consumption";
      EXPECT_EQ(i.at("rank_in_bureau").as_int64(), 1);
    }
  EXPECT_TRUE(top) << items;
}

INSTANTIATE_TEST_SUITE_P(Backends, Billing, ::testing::ValuesIn(storage::test_backends("billing_test")),
                         [](const auto& info) { return storage::backend_label(info.param); });
