// Demo data-quality defects: what a marketing system's archive really carries — addresses and
// industries missing, credit codes with a wrong check character and mobile numbers mistyped from
// before the archive checked them, key accounts whose contacts no longer take outage notices or
// were not confirmed for over a year, near-identical names of one customer entered twice (one in
// traditional characters), capacities off by a factor of a thousand — written as legacy data, then
// the full pass, so the data-quality page is not empty.
#include <random>

#include "app/demo.hpp"
#include "common/clock.hpp"
#include "customers/service.hpp"
#include "quality/store.hpp"
#include "spdlog/spdlog.h"
#include "text/text.hpp"

namespace lianxin::app {

void seed_demo_quality(storage::Database& db, std::uint64_t seed) {
  std::mt19937_64 rng(seed ^ 0x9a11u);
  const Millis now = now_millis();
  db.transaction([&](storage::Connection& conn) {
    const std::int64_t customers = conn.query_i64("SELECT COUNT(*) FROM customers WHERE status = 'active' AND is_group = 0");
    if (customers == 0) return 0;
    // Shares of the archive by id modulo a prime, reproducible and spread over every bureau.
    conn.execute("UPDATE customers SET address = NULL WHERE is_key_account = 0 AND is_group = 0 AND id % 53 = 7");
    conn.execute("UPDATE customers SET industry_code = NULL WHERE is_key_account = 0 AND is_group = 0 AND id % 97 = 11");
    // A wrong check character: the last character moved on by one.
    conn.execute("UPDATE customers SET credit_code = substr(credit_code, 1, 17) || CASE substr(credit_code, 18, 1) WHEN '0' THEN '1' ELSE '0' END "
                 "WHERE credit_code IS NOT NULL AND is_group = 0 AND id % 211 = 13");
    conn.execute("UPDATE contacts SET mobile = substr(mobile, 1, 10) WHERE mobile IS NOT NULL AND id % 61 = 5");
    conn.execute("UPDATE contacts SET mobile = NULL WHERE id % 89 = 3");
    // Key accounts: nobody takes outage notices any more; contacts not confirmed for 14 months.
    conn.execute("UPDATE contacts SET notice_types = 'bill' WHERE customer_id IN (SELECT id FROM customers WHERE is_key_account = 1 AND id % 37 = 1)");
    conn.execute("UPDATE contacts SET confirmed_at = ? WHERE customer_id IN (SELECT id FROM customers WHERE is_key_account = 1 AND id % 29 = 2)",
                 {now - 425LL * 86'400'000});
    // Capacities a thousand times their peers'.
    conn.execute("UPDATE accounts SET contract_capacity_kva = contract_capacity_kva * 1000 WHERE contract_capacity_kva > 0 "
                 "AND tariff_category <> 'residential' AND id % 997 = 17");
    // One customer entered twice: the second in traditional characters, in the same bureau.
    std::vector<std::pair<std::int64_t, std::string>> pairs;
    for (auto& r : conn.query("SELECT a.id, b.name FROM customers a JOIN customers b ON b.id = (SELECT MIN(x.id) FROM customers x WHERE "
                              "x.org_unit_id = a.org_unit_id AND x.id > a.id AND x.is_key_account = 0 AND x.is_group = 0) "
                              "WHERE a.is_key_account = 0 AND a.is_group = 0 AND a.id % 401 = 19 ORDER BY a.id LIMIT 12"))
      pairs.emplace_back(r.i64(0), r.str(1));
    for (auto& [id, name] : pairs) {
      const std::string variant = rng() % 2 ? text::to_traditional(name) : name + "（原档案）";
      conn.execute("UPDATE customers SET name = ? WHERE id = ?", {variant, id});
      customers::refresh_search(conn, id);
    }
    return 0;
  });
  // The first full pass, so the scores and the queues are there from the start (large generated
  // archives leave it to the server's nightly pass).
  const std::int64_t n = db.read([](storage::Connection& conn) { return conn.query_i64("SELECT COUNT(*) FROM customers"); });
  if (n > 200'000) return;
  const auto result = db.transaction([&](storage::Connection& conn) { return quality::full_pass(conn, now); });
  spdlog::info("demo data quality: {} customers checked, {} findings open", result.customers, result.open_total);
}

}  // namespace lianxin::app
