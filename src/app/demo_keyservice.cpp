// Demo key-account service: tiers, service packages and teams, this year's "五个一" programmes in
// every stage, visits with needs (open, closed and overdue action items), emergency plans with
// drills and a revision, usage plans and an equipment register — all done through the service
// itself, so audit, timeline and the programme items are what real use leaves behind.
#include <random>

#include <boost/json.hpp>

#include "app/demo.hpp"
#include "common/clock.hpp"
#include "common/errors.hpp"
#include "keyaccounts/service.hpp"
#include "spdlog/spdlog.h"

namespace lianxin::app {
namespace {

namespace bj = boost::json;
using storage::Connection;

std::string day(Millis now, int offset) { return shanghai_date(now + static_cast<Millis>(offset) * 86400000LL); }

}  // namespace

void seed_demo_key_service(storage::Database& db, std::uint64_t seed) {
  std::mt19937_64 rng(seed ^ 0x5eed5u);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
  const Millis now = now_millis();
  const auto admin = demo_admin(db);
  if (!admin) return;
  db.transaction([&](Connection& conn) {
    const auth::Principal& p = *admin;

    // Service packages and the key accounts, largest first.
    const auto basic = keyaccounts::create_package(
        conn, p,
        bj::object{{"code", "KA-STD"},
                   {"name", "大客户标准服务包"},
                   {"description", "客户经理定期回访、用电检查、电费分析"},
                   {"services", bj::array{bj::object{{"service", "客户经理定期回访"}, {"times_per_year", 6}},
                                          bj::object{{"service", "安全用电检查"}, {"times_per_year", 2}},
                                          bj::object{{"service", "电费电量分析"}, {"times_per_year", 4}}}}},
        now);
    const auto premium = keyaccounts::create_package(
        conn, p,
        bj::object{{"code", "KA-VIP"},
                   {"name", "重要客户保供电服务包"},
                   {"description", "保供电方案、设备带电检测、应急演练"},
                   {"services", bj::array{bj::object{{"service", "设备带电检测"}, {"times_per_year", 4}},
                                          bj::object{{"service", "保供电值守"}, {"times_per_year", 2}},
                                          bj::object{{"service", "联合应急演练"}, {"times_per_year", 1}}}}},
        now);
    std::vector<std::tuple<std::int64_t, std::optional<std::int64_t>, std::string>> accounts;
    for (auto& r : conn.query("SELECT id, manager_id, importance_class FROM customers WHERE is_key_account = 1 AND status = 'active' "
                              "ORDER BY annual_kwh DESC, id"))
      accounts.emplace_back(r.i64(0), r.opt_i64(1), r.str(2));
    const int n = static_cast<int>(accounts.size());
    for (int i = 0; i < n; ++i) {
      auto [id, manager, importance] = accounts[static_cast<std::size_t>(i)];
      keyaccounts::set_tier(conn, p, id, bj::object{{"tier", i < n / 5 ? "A" : (i < n / 2 ? "B" : "C")}}, now);
      keyaccounts::assign_package(conn, p, id, importance != "none" ? premium : basic, true, now);
    }
    keyaccounts::generate_programmes(conn, p, bj::object{}, now);

    const std::vector<std::string> needs = {"申请增容至 2000kVA", "配电房防水改造", "希望提供峰谷电价优化建议", "备用电源切换试验",
                                            "功率因数偏低需补偿", "新建厂房临时用电", "电费发票统一开具", "协调线路检修时间"};
    const std::vector<std::string> scenarios = {"主供电源失电切换备用电源", "配电房火灾应急处置", "全厂停电保安负荷供电"};
    for (int i = 0; i < n; ++i) {
      auto [id, manager, importance] = accounts[static_cast<std::size_t>(i)];
      if (!manager) continue;
      const std::int64_t owner = *manager;
      // The service team.
      keyaccounts::add_team_member(conn, p, id, bj::object{{"function", "service"}, {"user_id", owner}}, now);
      keyaccounts::add_team_member(conn, p, id, bj::object{{"function", "operation"}, {"name", "运检班 张工"}, {"mobile", "13900000000"}},
                                   now);
      const int stage = i % 6;  // how far this account's programme is
      if (stage >= 1) {  // the manager introduced
        auto v = keyaccounts::plan_visit(conn, p, bj::object{{"customer_id", id}, {"kind", "introduction"}, {"planned_on", day(now, -200)}}, now);
        keyaccounts::complete_visit(conn, p, v, bj::object{{"done_on", day(now, -200)}, {"record", "客户经理上门递交服务联系卡，介绍“五个一”服务"}}, now);
      }
      if (stage >= 2) {  // the leader visit, with needs: one closed, one open (maybe overdue)
        auto v = keyaccounts::plan_visit(conn, p,
                                         bj::object{{"customer_id", id}, {"kind", "leader"}, {"planned_on", day(now, -90 + pick(30))},
                                                    {"participants", "李局长、王营销"}, {"purpose", "年度大客户走访"}},
                                         now);
        bj::array list{bj::object{{"title", needs[static_cast<std::size_t>(pick(8))]}, {"owner_id", owner}, {"due_date", day(now, -10 + pick(30))}},
                       bj::object{{"title", needs[static_cast<std::size_t>(pick(8))]}, {"owner_id", owner}, {"due_date", day(now, -30)}}};
        auto done = keyaccounts::complete_visit(conn, p, v,
                                                bj::object{{"done_on", day(now, -60)}, {"record", "局领导走访座谈，听取客户用电需求和意见"}, {"needs", list}},
                                                now);
        const auto first = done.at("action_items").as_array().at(1).at("id").as_int64();
        keyaccounts::close_action_item(conn, p, first, bj::object{{"note", "已落实并回复客户"}}, now);
      }
      if (stage >= 3) {  // the emergency plan, a drill with a finding, the revision
        bj::object plan{{"supply_sources", "10kV 双电源（主供 + 备供）"},
                        {"emergency_power", importance != "none" ? "800kW 柴油发电机 + UPS" : "无自备应急电源"},
                        {"security_load_kw", 200 + pick(600)},
                        {"risk_points", "配电房地势低易进水；备自投装置老化"},
                        {"contacts", "客户电气负责人 13800000000；供电所值班 0871-00000000"},
                        {"switching_steps", "1. 确认主供失电 2. 断开主供进线开关 3. 合备供进线开关 4. 恢复重要负荷"}};
        keyaccounts::revise_plan(conn, p, id, plan, now);
        auto drills = keyaccounts::record_drill(
            conn, p, id,
            bj::object{{"held_on", day(now, -40)},
                       {"scenario", scenarios[static_cast<std::size_t>(pick(3))]},
                       {"participants", "客户电工班、供电所运维班、客户经理"},
                       {"summary", "切换用时 12 分钟，超过预案要求"},
                       {"findings", bj::array{bj::object{{"title", "备自投动作时间过长"}, {"owner_id", owner}, {"due_date", day(now, 20)}}}}},
            now);
        if (stage >= 4) {
          const auto finding = drills.at("items").as_array().at(0).at("findings").as_array().at(0).at("id").as_int64();
          plan["switching_steps"] = "1. 确认主供失电 2. 启动柴油发电机预热 3. 断开主供进线开关 4. 合备供进线开关 5. 恢复重要负荷";
          plan["change_note"] = "根据演练发现，增加发电机预热步骤";
          plan["resolves"] = bj::array{finding};
          keyaccounts::revise_plan(conn, p, id, plan, now);
        }
      }
      // Equipment register for most accounts; the diagnosis item for the later stages.
      if (stage >= 1) {
        auto eq = keyaccounts::add_equipment(conn, p, id,
                                             bj::object{{"kind", "transformer"}, {"name", "1号主变"}, {"model", "SCB13-1250/10"}, {"rating", "1250kVA"},
                                                        {"commissioned_on", "2012-06-01"}},
                                             now);
        keyaccounts::add_equipment(conn, p, id,
                                   bj::object{{"kind", "switchgear"}, {"name", "10kV 进线柜"}, {"model", "KYN28A-12"}, {"commissioned_on", "2012-06-01"}},
                                   now);
        if (stage >= 4) {
          const char* grade = stage == 5 ? "attention" : "normal";
          keyaccounts::update_equipment(conn, p, eq,
                                        bj::object{{"last_test_on", day(now, -20)}, {"test_result", "绝缘电阻、直流电阻合格；油色谱正常"}, {"health_grade", grade}},
                                        now);
          if (stage == 5)
            keyaccounts::recommend(conn, p, eq,
                                   bj::object{{"action", "overhaul"}, {"title", "1号主变冷却风机检修"}, {"owner_id", owner}, {"due_date", day(now, 45)}},
                                   now);
        }
      }
      if (stage >= 5) {  // the usage plan delivered; the diagnosis completed by hand; signed off
        keyaccounts::save_usage_plan(
            conn, p, id, std::stoi(day(now, 0).substr(0, 4)),
            bj::object{{"title", "年度用电策划"},
                       {"summary", "基于近 12 个月电费数据的用电优化建议"},
                       {"status", "delivered"},
                       {"recommendations", bj::array{bj::object{{"text", "将部分生产负荷由峰段调整至谷段"}, {"saving_kwh", 0}, {"saving_fen", 1200000}},
                                                     bj::object{{"text", "加装无功补偿装置，功率因数提高至 0.95"}, {"saving_kwh", 0}, {"saving_fen", 350000}}}}},
            now);
        auto programme = keyaccounts::programme_of(conn, p, id, std::stoi(day(now, 0).substr(0, 4)));
        if (programme.at("programme").is_object()) {
          // Early in January some records fall in last year: then the item stays pending (the
          // service refuses before writing anything), and the programme is not signed off.
          try {
            for (auto& item : programme.at("programme").at("items").as_array())
              if (item.at("kind").as_string() == "diagnosis" && item.at("status").as_string() == "pending")
                keyaccounts::complete_programme_item(conn, p, item.at("id").as_int64(), bj::object{{"note", "设备试验报告已归档"}}, now);
            if (i % 12 == 5)
              keyaccounts::sign_off_programme(conn, p, programme.at("programme").at("id").as_int64(), bj::object{{"note", "同意"}}, now);
          } catch (const AppError&) {
          }
        }
      }
      // A regular visit planned this week for some accounts.
      if (i % 4 == 0)
        keyaccounts::plan_visit(conn, p, bj::object{{"customer_id", id}, {"kind", "regular"}, {"planned_on", day(now, pick(6))}}, now);
    }
    return n;
  });
}

}  // namespace lianxin::app
