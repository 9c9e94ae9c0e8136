// Demo outages: sections behind switches and second sources on the lines of the first county,
// restored planned and fault outages of the last six months (for the interruption histories and
// the reliability figures), and coming works in every state — a notified one with confirmations
// and postings, an approved one, a construction work on the same line as a maintenance one (the
// conflict warning), a draft, an orderly-power-use event — and guaranteed-supply periods, all
// through the outage service so the demo shows what real use leaves behind.
#include <random>

#include <boost/json.hpp>

#include "app/demo.hpp"
#include "common/clock.hpp"
#include "common/errors.hpp"
#include "outages/coordination.hpp"
#include "outages/notices.hpp"
#include "outages/service.hpp"
#include "spdlog/spdlog.h"

namespace lianxin::app {
namespace {

namespace bj = boost::json;
using storage::Connection;

constexpr Millis kHour = 3'600'000;
constexpr Millis kDay = 24 * kHour;

const char* const kWorks[] = {"更换柱上开关", "线路消缺及树障清理", "配变增容改造", "电缆中间头更换", "杆塔迁移", "绝缘子更换",
                              "新用户接入工程", "环网柜检修"};
const char* const kRequesters[] = {"maintenance", "construction", "expansion", "maintenance", "dispatch", "maintenance"};

}  // namespace

void seed_demo_outages(storage::Database& db, std::uint64_t seed, int count) {
  if (count <= 0) return;
  const auto admin = demo_admin(db);
  if (!admin) return;
  std::mt19937_64 rng(seed ^ 0x0a7a6eu);
  const Millis now = now_millis();
  // Working-hours starts on whole hours, Shanghai time.
  auto at_hour = [](Millis day_start, int hour) { return day_start + hour * kHour; };
  const Millis today = shanghai_midnight(shanghai_date(now));
  int made = 0, failed = 0;
  db.transaction([&](Connection& conn) {
    // The lines of the first county (the first substation's org unit), with their areas.
    std::vector<std::int64_t> lines;
    for (auto& r : conn.query("SELECT l.id FROM lines l JOIN substations s ON s.id = l.substation_id "
                              "WHERE s.org_unit_id = (SELECT MIN(org_unit_id) FROM substations) ORDER BY l.id"))
      lines.push_back(r.i64(0));
    if (lines.size() < 12) return 0;
    // Sections behind switches on the first eight lines: areas 1–5 behind the first switch, the rest
    // behind the second (downstream).
    for (std::size_t i = 0; i < 8; ++i) {
      const std::int64_t line = lines[i];
      const std::string code = "SEC-" + std::to_string(line);
      const std::int64_t s1 = conn.insert_returning_id(
          "INSERT INTO line_sections(code, name, line_id, parent_id, switch_code) VALUES (?,?,?,NULL,?) RETURNING id",
          {code + "-1", std::string("首段"), line, "K" + std::to_string(line) + "-1"});
      const std::int64_t s2 = conn.insert_returning_id(
          "INSERT INTO line_sections(code, name, line_id, parent_id, switch_code) VALUES (?,?,?,?,?) RETURNING id",
          {code + "-2", std::string("末段"), line, s1, "K" + std::to_string(line) + "-2"});
      std::vector<std::int64_t> areas;
      for (auto& r : conn.query("SELECT id FROM transformer_areas WHERE line_id = ? ORDER BY id", {line})) areas.push_back(r.i64(0));
      for (std::size_t a = 0; a < areas.size(); ++a)
        conn.execute("UPDATE transformer_areas SET section_id = ? WHERE id = ?", {a < areas.size() / 2 ? s1 : s2, areas[a]});
    }
    // Second sources of dual-supply accounts: the next line of the same substation.
    for (auto& r : conn.query("SELECT a.id, COALESCE(a.line_id, t.line_id) FROM accounts a LEFT JOIN transformer_areas t ON t.id = a.transformer_area_id "
                              "WHERE a.supply_sources >= 2 AND COALESCE(a.line_id, t.line_id) IN (" +
                              [&] {
                                std::string in;
                                for (std::size_t i = 0; i < 12; ++i) in += (i ? "," : "") + std::to_string(lines[i]);
                                return in;
                              }() + ")")) {
      const auto it = std::find(lines.begin(), lines.end(), r.i64(1));
      const std::int64_t other = *(it + 1 == lines.end() ? lines.begin() : it + 1);
      conn.execute("INSERT INTO account_sources(account_id, seq, line_id) VALUES (?,2,?)", {r.i64(0), other});
    }

    auto body = [&](const char* kind, const std::string& requester, const std::string& title, Millis start, Millis hours, const char* scope_kind,
                    std::int64_t scope_id) {
      return bj::object{{"kind", kind},
                        {"title", title},
                        {"requester", requester},
                        {"work", title},
                        {"planned_start", format_iso_utc(start)},
                        {"planned_end", format_iso_utc(start + hours * kHour)},
                        {"scope", bj::object{{scope_kind, bj::array{scope_id}}}}};
    };
    auto attempt = [&](auto&& f) {
      try {
        f();
        ++made;
      } catch (const AppError& e) {
        ++failed;
        spdlog::warn("demo outage not made: {}", e.what());
      }
    };
    const bj::object reasons{{"justification", "演示数据：补录历史停电"}, {"override_reason", "演示数据：补录历史停电"}};
    // Restored outages of the last six months: planned works and faults.
    const int past = std::max(2, count / 2);
    for (int n = 0; n < past; ++n) {
      const std::size_t li = static_cast<std::size_t>(rng() % 12);
      const Millis start = at_hour(today - static_cast<Millis>(7 + rng() % 175) * kDay, 8 + static_cast<int>(rng() % 3));
      const Millis hours = 2 + static_cast<Millis>(rng() % 6);
      const bool fault = n % 4 == 3;
      const std::string work = kWorks[rng() % std::size(kWorks)];
      attempt([&] {
        if (fault) {
          auto b = body("fault", "dispatch", "线路故障跳闸", start, 2, "lines", lines[li]);
          const std::int64_t id = outages::create_outage(conn, *admin, b, now);
          outages::restore_outage(conn, *admin, id, bj::object{{"at", format_iso_utc(start + (1 + static_cast<Millis>(rng() % 3)) * kHour)}}, now);
          return;
        }
        auto b = li < 8 && rng() % 2 ? body("planned", kRequesters[rng() % std::size(kRequesters)], work, start, hours, "sections",
                                            conn.query_i64("SELECT MAX(id) FROM line_sections WHERE line_id = ?", {lines[li]}))
                                     : body("planned", kRequesters[rng() % std::size(kRequesters)], work, start, hours, "lines", lines[li]);
        const std::int64_t id = outages::create_outage(conn, *admin, b, now);
        outages::check_outage(conn, *admin, id, now);
        outages::approve_outage(conn, *admin, id, reasons, now);
        outages::start_outage(conn, *admin, id, bj::object{{"at", format_iso_utc(start)}}, now);
        outages::restore_outage(conn, *admin, id, bj::object{{"at", format_iso_utc(start + hours * kHour - 20 * 60'000)}}, now);
      });
    }
    // Coming works. A maintenance work on line 0 in nine days, notified, some customers confirmed.
    attempt([&] {
      const std::int64_t id = outages::create_outage(
          conn, *admin, body("planned", "maintenance", "10kV线路开关更换及消缺", at_hour(today + 9 * kDay, 8), 8, "lines", lines[0]), now);
      outages::check_outage(conn, *admin, id, now);
      outages::approve_outage(conn, *admin, id, bj::object{}, now);
      outages::notify_outage(conn, *admin, id, now);
      int n = 0;
      for (auto& r : conn.query("SELECT id, channel FROM outage_notices WHERE outage_id = ? AND channel IN ('sms','posting') ORDER BY id", {id})) {
        if (n++ % 3 != 0) continue;
        if (r.str(1) == "sms")
          outages::acknowledge_notice(conn, *admin, r.i64(0), bj::object{{"via", "call"}}, now);
        else
          outages::record_posting(conn, *admin, r.i64(0), bj::object{{"place", "小区公告栏及厂区大门"}}, now);
      }
    });
    // Construction wants the same line in five weeks: the conflict warning proposes merging the works.
    attempt([&] {
      const std::int64_t id = outages::create_outage(
          conn, *admin, body("planned", "construction", "配网改造工程杆线迁改", at_hour(today + 35 * kDay, 8), 6, "lines", lines[0]), now);
      outages::check_outage(conn, *admin, id, now);
    });
    // An approved section outage in twelve days, a draft, a temporary repair tomorrow.
    attempt([&] {
      const std::int64_t section = conn.query_i64("SELECT MAX(id) FROM line_sections WHERE line_id = ?", {lines[1]});
      const std::int64_t id = outages::create_outage(conn, *admin, body("planned", "expansion", "新用户接入停电搭接", at_hour(today + 12 * kDay, 9), 4,
                                                                       "sections", section),
                                                     now);
      outages::check_outage(conn, *admin, id, now);
      outages::approve_outage(conn, *admin, id, bj::object{}, now);
    });
    attempt([&] {
      outages::create_outage(conn, *admin, body("planned", "maintenance", "配变增容改造", at_hour(today + 40 * kDay, 8), 5, "lines", lines[2]),
                             now);
    });
    attempt([&] {
      const std::int64_t id = outages::create_outage(
          conn, *admin, body("temporary", "maintenance", "电缆中间头发热紧急处理", at_hour(today + kDay, 14), 2, "lines", lines[3]), now);
      outages::check_outage(conn, *admin, id, now);
    });
    // A key account's production period as a guaranteed-supply period over a coming work.
    attempt([&] {
      auto key = conn.query_one("SELECT c.id FROM outage_affected f JOIN customers c ON c.id = f.customer_id JOIN outages o ON o.id = f.outage_id "
                                "WHERE o.title = '配变增容改造' AND c.is_key_account = 1 ORDER BY c.id LIMIT 1");
      const std::int64_t customer =
          key ? key->i64(0) : conn.query_i64("SELECT MIN(id) FROM customers WHERE is_key_account = 1 AND status = 'active'");
      outages::create_guarantee(conn, *admin,
                                bj::object{{"name", "客户年度订单集中生产期保供电"}, {"kind", "customer"}, {"customer_id", customer},
                                           {"starts_at", format_iso_utc(today + 30 * kDay)}, {"ends_at", format_iso_utc(today + 50 * kDay)},
                                           {"reason", "客户来函：订单集中交付，申请保供电"}},
                                now);
    });
    attempt([&] {
      outages::create_guarantee(conn, *admin,
                                bj::object{{"name", "全国高考保供电"}, {"kind", "event"}, {"org_unit_id", admin->org_unit_id},
                                           {"starts_at", format_iso_utc(shanghai_midnight(std::to_string(std::stoi(shanghai_date(now).substr(0, 4)) + 1) + "-06-07"))},
                                           {"ends_at", format_iso_utc(shanghai_midnight(std::to_string(std::stoi(shanghai_date(now).substr(0, 4)) + 1) + "-06-11"))},
                                           {"reason", "考点学校及周边线路保供电"}},
                                now);
    });
    return 0;
  });
  spdlog::info("demo outages: {} made, {} refused", made, failed);
}

}  // namespace lianxin::app
