// Load-curve import through the real server on SQLite and PostgreSQL, on the real curves of
// data/load-curves (dgb2016): a three-year metering export becomes 37 account-months, Area2's two
// negative readings are flagged in their months, bad files name file, row and column and write
// nothing, a later partial upload merges day by day, scope and permission are enforced.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <memory>
#include <sstream>

#include "client.hpp"
#include "fixture.hpp"
#include "storage/test_support.hpp"

using namespace lianxin;
using lianxin::testing::Client;
using lianxin::testing::HttpResult;
namespace bj = boost::json;

namespace {


std::string id_text(std::int64_t id) { return std::to_string(id); }

std::string read_data(const std::string& name) {
  std::ifstream in(std::string(LIANXIN_DATA_DIR) + "/load-curves/" + name, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

class Curves : public lianxin::testing::BackendTest {
 protected:
  // The nth two-part account (by id) and its number.
  std::pair<std::int64_t, std::string> account(int nth) {
    auto r = running->instance->db().read([&](storage::Connection& conn) {
      return conn.query("SELECT id, account_no FROM accounts WHERE tariff_category = 'ci_two_part' ORDER BY id LIMIT 1 OFFSET ?",
                        {std::int64_t{nth}});
    });
    EXPECT_FALSE(r.empty());
    return {r.at(0).i64(0), r.at(0).str(1)};
  }
  HttpResult upload(Client& c, const std::string& file_name, const std::string& body, const std::string& account_no = "") {
    std::string target = "/api/v1/curves/import?file_name=" + file_name;
    if (!account_no.empty()) target += "&account_no=" + account_no;
    return c.request("POST", target, body, "text/csv");
  }
};

TEST_P(Curves, RealMeteringExportBecomesAccountMonths) {
  const auto [id, no] = account(0);
  auto r = upload(*admin, "dgb2016_Area1_Load.csv", read_data("dgb2016_Area1_Load.csv"), no);
  ASSERT_EQ(r.status, 201) << r.body.substr(0, 2000);
  auto s = r.json();
  EXPECT_EQ(s.at("layout").as_string(), "wide");
  EXPECT_EQ(s.at("rows").as_int64(), 1106);
  EXPECT_EQ(s.at("readings").as_int64(), 1106 * 96);
  EXPECT_EQ(s.at("months").as_int64(), 37);  // January 2012 to January 2015
  EXPECT_EQ(s.at("accounts").as_int64(), 1);
  EXPECT_EQ(value("SELECT COUNT(*) FROM load_curves WHERE account_id = ?", {id}), 37);
  EXPECT_EQ(value("SELECT COUNT(*) FROM audit_log WHERE entity = 'curve_batch' AND entity_id = ?", {id_text(s.at("batch_id").as_int64())}), 1);

  auto months = admin->get("/api/v1/accounts/" + id_text(id) + "/curves?from=2012-01&to=2012-12").json();
  ASSERT_EQ(months.at("items").as_array().size(), 12u);
  const auto& jan = months.at("items").as_array().at(0);
  EXPECT_EQ(jan.at("period").as_string(), "2012-01");
  EXPECT_EQ(jan.at("points").as_int64(), 31 * 96);
  EXPECT_EQ(jan.at("missing").as_int64(), 0);
  // The month's energy is Σ kW × 0.25 h of the file's readings.
  auto detail = admin->get("/api/v1/accounts/" + id_text(id) + "/curves/2012-01");
  ASSERT_EQ(detail.status, 200) << detail.body.substr(0, 500);
  auto d = detail.json();
  EXPECT_EQ(d.at("days").as_int64(), 31);
  EXPECT_NEAR(d.at("kw").at(0).at(0).as_double(), 3967.259968, 0.001);
  EXPECT_NEAR(d.at("stats").at("kwh").as_double(), jan.at("kwh").as_double(), 0.5);
  EXPECT_GT(d.at("stats").at("load_factor").as_double(), 0.3);
  EXPECT_LT(d.at("stats").at("load_factor").as_double(), 1.0);
  EXPECT_EQ(d.at("typical_day").as_array().size(), 96u);
  // Time-of-use split by the company's periods (Hubei): the parts add up to the month.
  ASSERT_TRUE(d.as_object().contains("kwh_by_period"));
  double parts = 0;
  for (auto& [k, v] : d.at("kwh_by_period").as_object()) parts += v.as_double();
  EXPECT_NEAR(parts, d.at("stats").at("kwh").as_double(), 1.0);
  EXPECT_GT(d.at("kwh_by_period").at("sharp").as_double(), 0);
  EXPECT_EQ(admin->get("/api/v1/accounts/" + id_text(id) + "/curves/2011-12").status, 404);
}

TEST_P(Curves, Area2NegativeReadingsAreFlagged) {
  const auto [id, no] = account(1);
  auto r = upload(*admin, "dgb2016_Area2_Load.csv", read_data("dgb2016_Area2_Load.csv"), no);
  ASSERT_EQ(r.status, 201) << r.body.substr(0, 2000);
  std::set<std::string> negative_months;
  const auto summary = r.json();
  for (auto& f : summary.at("flagged").as_array())
    for (auto& flag : f.at("flags").as_array())
      if (flag.as_string() == "negative") negative_months.insert(std::string(f.at("period").as_string()));
  EXPECT_EQ(negative_months, (std::set<std::string>{"2012-10", "2013-06"}));
  EXPECT_EQ(value("SELECT SUM(negatives) FROM load_curves WHERE account_id = ?", {id}), 2);
  auto oct = admin->get("/api/v1/accounts/" + id_text(id) + "/curves/2012-10").json();
  bool marked = false;
  for (auto& m : oct.at("quality").at("marks").as_array())
    if (m.at("code").as_string() == "negative") marked = m.at("day").as_int64() == 27;
  EXPECT_TRUE(marked);
  EXPECT_NEAR(oct.at("kw").at(26).at(41).as_double(), -123, 1e-6);  // 20121027, column 43 = T1015
}

TEST_P(Curves, BadFilesNameFileRowAndColumnAndWriteNothing) {
  const auto [id, no] = account(2);
  const auto before = value("SELECT COUNT(*) FROM load_curves");
  std::string header = "户号,YMD";
  for (int h = 0; h < 24; ++h)
    for (int m = 0; m < 60; m += 15) {
      char buf[8];
      std::snprintf(buf, sizeof buf, ",T%02d%02d", h, m);
      header += buf;
    }
  auto day = [&](const std::string& account_no, const std::string& date, const std::string& bad_cell = "") {
    std::string row = account_no + "," + date;
    for (int i = 0; i < 96; ++i) row += "," + (i == 5 && !bad_cell.empty() ? bad_cell : std::to_string(100 + i));
    return row;
  };
  // Row 3: a value that is not a number in T0115; row 4: an impossible date; row 5: one cell short.
  std::string text = header + "\n" + day(no, "20260301") + "\n" + day(no, "20260302", "12a") + "\n" + day(no, "20260230") + "\n" +
                     day(no, "20260303").substr(0, day(no, "20260303").rfind(',')) + "\n";
  auto r = upload(*admin, "bad.csv", text);
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.body.find("bad.csv"), std::string::npos) << r.body;
  EXPECT_NE(r.detail("T0115"), "") << r.body;
  EXPECT_NE(r.detail("YMD"), "");
  EXPECT_NE(r.body.find("\"row\":5"), std::string::npos) << r.body;
  // The same day twice.
  r = upload(*admin, "dup.csv", header + "\n" + day(no, "20260301") + "\n" + day(no, "20260301") + "\n");
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.body.find("\"row\":3"), std::string::npos) << r.body;
  // An unknown 户号 in long form, at its row.
  r = upload(*admin, "long.csv", "户号,时间,负荷\n" + no + ",2026-03-01 00:00,10\nNOSUCH0001,2026-03-01 00:15,11\n");
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.detail("户号").find("NOSUCH0001"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"row\":3"), std::string::npos) << r.body;
  // A time off the quarter hour.
  r = upload(*admin, "off.csv", "户号,时间,负荷\n" + no + ",2026-03-01 00:07,10\n");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(value("SELECT COUNT(*) FROM load_curves"), before);
}

TEST_P(Curves, LaterUploadsMergeDayByDay) {
  const auto [id, no] = account(3);
  std::string text = "户号,时间,负荷\n";
  for (int d = 1; d <= 3; ++d)
    for (int s = 0; s < 96; ++s) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%s,2026-04-%02d %02d:%02d,%d\n", no.c_str(), d, s / 4, (s % 4) * 15, 200 + d);
      text += buf;
    }
  auto r = upload(*admin, "april.csv", text);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json().at("inserted").as_int64(), 1);
  // Day 2 again with other values: merged into the stored month, days 1 and 3 kept.
  std::string again = "户号,时间,负荷\n";
  for (int s = 0; s < 96; ++s) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s,2026-04-02 %02d:%02d,%d\n", no.c_str(), s / 4, (s % 4) * 15, 500);
    again += buf;
  }
  r = upload(*admin, "april-2.csv", again);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json().at("merged").as_int64(), 1);
  auto d = admin->get("/api/v1/accounts/" + id_text(id) + "/curves/2026-04").json();
  EXPECT_NEAR(d.at("kw").at(0).at(10).as_double(), 201, 1e-6);
  EXPECT_NEAR(d.at("kw").at(1).at(10).as_double(), 500, 1e-6);
  EXPECT_NEAR(d.at("kw").at(2).at(10).as_double(), 203, 1e-6);
  EXPECT_TRUE(d.at("kw").at(3).at(0).is_null());  // not uploaded
  EXPECT_NEAR(d.at("stats").at("kwh").as_double(), 96 * 0.25 * (201 + 500 + 203), 0.01);
}

TEST_P(Curves, PermissionAndScope) {
  const auto [id, no] = account(0);
  auto manager = as("am01");
  EXPECT_EQ(upload(manager, "x.csv", "户号,时间,负荷\n" + no + ",2026-03-01 00:00,10\n").status, 403);
  // A county marketing manager cannot import into an account outside the county.
  auto outside = running->instance->db().read([&](storage::Connection& conn) {
    return conn.query_one(
        "SELECT a.account_no FROM accounts a JOIN customers c ON c.id = a.customer_id JOIN users u ON u.username = 'county01' "
        "JOIN org_units o ON o.id = u.org_unit_id WHERE c.org_path NOT LIKE o.path || '%' ORDER BY a.id LIMIT 1");
  });
  ASSERT_TRUE(outside);
  auto county = as("county01");
  auto r = upload(county, "y.csv", "户号,时间,负荷\n" + outside->str(0) + ",2026-03-01 00:00,10\n");
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.detail("户号"), "");
  // Reading an account of someone else's customer (neither manager nor backup): not found.
  auto mine = running->instance->db().read([&](storage::Connection& conn) {
    return conn.query_one(
        "SELECT a.id, u.username FROM accounts a JOIN customers c ON c.id = a.customer_id, users u WHERE u.role = 'account_manager' "
        "AND u.all_customers_in_scope = 0 AND c.manager_id IS NOT NULL AND u.id <> c.manager_id AND u.id <> COALESCE(c.backup_manager_id, 0) "
        "ORDER BY a.id, u.username LIMIT 1");
  });
  ASSERT_TRUE(mine);
  auto other = as(mine->str(1));
  EXPECT_EQ(other.get("/api/v1/accounts/" + id_text(mine->i64(0)) + "/curves").status, 404);
  EXPECT_EQ(other.get("/api/v1/accounts/" + id_text(mine->i64(0)) + "/curves/2012-01").status, 404);
}

INSTANTIATE_TEST_SUITE_P(Backends, Curves, ::testing::ValuesIn(storage::test_backends("curves_test")),
                         [](const auto& info) { return storage::backend_label(info.param); });
