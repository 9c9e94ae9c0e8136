// Demo business expansion: applications of the last ten months worked through the expansion
// service with real times — the departments of the customer's bureau responsible for the stages,
// supplier times around the limits (some late), customers taking their time over design and
// construction, customer-caused pauses with reasons — so the analysis, the timelines and the
// progress notices show what real use leaves behind.
#include <algorithm>
#include <random>

#include <boost/json.hpp>

#include "app/demo.hpp"
#include "common/clock.hpp"
#include "common/errors.hpp"
#include "expansion/rules.hpp"
#include "expansion/service.hpp"
#include "org/tree.hpp"
#include "spdlog/spdlog.h"

namespace lianxin::app {
namespace {

namespace bj = boost::json;
using storage::Connection;

constexpr Millis kHour = 3'600'000;
constexpr Millis kDay = 24 * kHour;

const char* const kPauseReasons[] = {"等待客户补充用电负荷资料", "客户产权证明材料不全，待补正", "客户要求调整接入方案，待客户确认",
                                     "客户受电工程资金未到位，申请缓办", "等待客户提供土地规划许可"};
const char* const kTitles[] = {"新建厂房供电", "生产线扩能增容", "商业综合体配套", "冷链仓储用电", "充电站建设", "数据中心机房",
                               "学校新校区", "医院门诊楼", "污水处理厂", "光伏配套储能"};

}  // namespace

void seed_demo_expansion(storage::Database& db, std::uint64_t seed, int count) {
  if (count <= 0) return;
  const auto admin = demo_admin(db);
  if (!admin) return;
  std::mt19937_64 rng(seed ^ 0xe7a9u);
  auto uniform = [&] { return std::uniform_real_distribution<double>(0, 1)(rng); };
  const Millis now = now_millis();
  int done = 0, failed = 0;
  db.transaction([&](Connection& conn) {
    const org::Tree tree = org::Tree::load(conn);
    struct Customer {
      std::int64_t id, org;
      bool key;
    };
    std::vector<Customer> customers;
    for (auto& r : conn.query("SELECT id, org_unit_id, is_key_account FROM customers WHERE status = 'active' AND is_group = 0 "
                              "ORDER BY is_key_account DESC, id LIMIT 600"))
      customers.push_back({r.i64(0), r.i64(1), r.boolean(2)});
    if (customers.empty()) return 0;
    for (int n = 0; n < count; ++n) {
      const Customer& c = customers[static_cast<std::size_t>(rng() % customers.size())];
      const double roll = uniform();
      const char* category = c.key ? (roll < 0.5 ? "hv_single" : roll < 0.85 ? "hv_dual" : "hv_110kv")
                                   : (roll < 0.3 ? "residential" : roll < 0.75 ? "low_voltage" : "hv_single");
      const char* kind = uniform() < 0.6 ? "new_connection" : uniform() < 0.7 ? "capacity_increase" : "capacity_reduction";
      // Accepted on a working-day morning in the last ten months.
      Millis t = now - static_cast<Millis>(5 + rng() % 300) * kDay;
      t = shanghai_midnight(shanghai_date(t)) + static_cast<Millis>(9 + rng() % 7) * kHour;
      // The responsible departments of the customer's bureau: marketing, and operations for the
      // design review and the inspections.
      const std::int64_t bureau = tree.bureau_of(c.org);
      std::optional<std::int64_t> marketing, operations;
      for (auto& r : conn.query("SELECT id, name FROM org_units WHERE parent_id = ? AND kind = 'department'", {bureau})) {
        if (r.str(1) == "营销部") marketing = r.i64(0);
        if (r.str(1) == "运检部") operations = r.i64(0);
      }
      conn.execute("SAVEPOINT demo_expansion");
      try {
        const std::string title = std::string(kTitles[rng() % std::size(kTitles)]) + (c.key ? "（重点项目）" : "");
        const std::int64_t id = expansion::create_application(
            conn, *admin,
            bj::object{{"customer_id", c.id},
                       {"kind", kind},
                       {"category", category},
                       {"title", title},
                       {"capacity_kva", std::string(category).rfind("hv", 0) == 0 ? 400 + static_cast<int>(rng() % 40) * 100 : 50},
                       {"accepted_at", format_iso_utc(t)}},
            now);
        const auto plan = expansion::stages_for(*expansion::kind_from(kind), *expansion::category_from(category));
        for (auto& step : plan) {
          const std::string stage = expansion::stage_code(step.stage);
          const bool field_work = stage == "design_review" || stage == "mid_inspection" || stage == "completion_inspection";
          const auto department = field_work ? operations : marketing;
          if (department)
            expansion::assign_stage(conn, *admin, id, stage, bj::object{{"department_id", *department}}, now);
        }
        const std::string rule_set = "sgcc_assessment";
        for (auto& step : plan) {
          const std::string stage = expansion::stage_code(step.stage);
          if (step.start == expansion::StartEvent::customer_request) {
            t += static_cast<Millis>(3 + rng() % 25) * kDay + static_cast<Millis>(rng() % 8) * kHour;  // the customer's own time
            if (t >= now) break;
            expansion::start_stage(conn, *admin, id, stage, bj::object{{"at", format_iso_utc(t)}}, now);
          }
          // The supplier: about 30 % to 140 % of the limit (working days stretched to calendar days).
          const int limit = expansion::stage_limit(rule_set, *expansion::category_from(category), step.stage).value_or(3);
          Millis finish = t + static_cast<Millis>(limit * (0.3 + 1.1 * uniform()) * 1.4 * static_cast<double>(kDay));
          if (stage == "plan_reply" && uniform() < 0.2) {  // the customer holds the file for a while
            const Millis from = t + kDay;
            const Millis to = from + static_cast<Millis>(2 + rng() % 6) * kDay;
            if (from >= now) break;
            expansion::pause(conn, *admin, id, bj::object{{"at", format_iso_utc(from)}, {"reason", kPauseReasons[rng() % std::size(kPauseReasons)]}},
                             now);
            if (to >= now) break;
            expansion::resume(conn, *admin, id, bj::object{{"at", format_iso_utc(to)}}, now);
            finish += to - from;
          }
          if (finish >= now) break;
          expansion::finish_stage(conn, *admin, id, stage, bj::object{{"at", format_iso_utc(finish)}}, now);
          t = finish;
        }
        conn.execute("RELEASE SAVEPOINT demo_expansion");
        ++done;
      } catch (const AppError& e) {
        conn.execute("ROLLBACK TO SAVEPOINT demo_expansion");
        conn.execute("RELEASE SAVEPOINT demo_expansion");
        if (++failed <= 3) spdlog::warn("demo expansion application skipped: {}", e.what());
      }
    }
    return 0;
  });
  spdlog::info("demo: {} business-expansion applications ({} skipped)", done, failed);
}

}  // namespace lianxin::app
