// Demo claims: routing rules for the demo bureaus, and a few hundred claims of the last two months
// in every state, registered and worked through the claims service itself (so clocks, history,
// timeline, audit and notifications are what real use would leave behind).
#include <random>

#include "app/demo.hpp"
#include "calendar/store.hpp"
#include "claims/service.hpp"
#include "common/clock.hpp"
#include "spdlog/spdlog.h"

namespace lianxin::app {
namespace {

using storage::Connection;

std::int64_t org_by_code(Connection& conn, const std::string& code) {
  auto row = conn.query_one("SELECT id FROM org_units WHERE code = ?", {code});
  return row ? row->i64(0) : 0;
}

void add_route(Connection& conn, std::optional<std::string> type, std::optional<std::string> sub_type, std::int64_t region,
               std::int64_t department, int priority) {
  if (!department) return;
  conn.execute(
      "INSERT INTO claim_routing_rules(claim_type, sub_type, org_unit_id, department_id, priority, enabled, updated_at) "
      "VALUES (?,?,?,?,?,1,?)",
      {storage::opt_value(type), storage::opt_value(sub_type), region ? storage::Value(region) : storage::null_value(), department,
       std::int64_t{priority}, now_millis()});
}

struct Template {
  const char* type;
  const char* sub_type;
  const char* complaint_class;
  const char* title;
  const char* description;
};

const std::vector<Template> kTemplates = {
    {"complaint", nullptr, "service", "营业厅工作人员服务态度差", "客户反映在营业厅办理业务时工作人员态度生硬，未一次性告知所需资料。"},
    {"complaint", nullptr, "outage", "停电未提前通知", "客户反映昨日线路检修停电，未收到任何停电通知，生产线被迫停机。"},
    {"complaint", nullptr, "business", "业扩报装办理超时", "客户增容申请已受理二十多天，至今未答复供电方案。"},
    {"complaint", nullptr, "quality", "电压偏低影响设备运行", "客户反映近一周傍晚电压偏低，空压机频繁跳闸。"},
    {"fault_repair", nullptr, nullptr, "厂区高压进线故障停电", "客户报修：厂区10kV进线开关跳闸，全厂停电。"},
    {"fault_repair", nullptr, nullptr, "台区低压线路断线", "客户报修：门前低压线路断线，多户停电。"},
    {"service_request", "meter_abnormal", nullptr, "电能表计量异常", "客户认为本月电量比上月异常偏高，申请校验电能表。"},
    {"service_request", "reading_anomaly", nullptr, "抄表数据异常", "客户反映本月抄表示数与现场不符。"},
    {"service_request", "appliance_damage", nullptr, "电器损坏理赔", "客户反映雷雨天气后家中电器损坏，申请核查。"},
    {"consultation", nullptr, nullptr, "咨询两部制电价政策", "客户咨询变压器容量调整后基本电费计收方式。"},
    {"opinion", nullptr, nullptr, "建议增加停电短信通知对象", "客户建议停电通知同时发送给企业设备负责人。"},
    {"report", nullptr, nullptr, "举报疑似窃电", "群众举报某厂房夜间私拉电线用电。"},
    {"praise", nullptr, nullptr, "表扬抢修人员", "客户表扬抢修班组夜间冒雨及时恢复供电。"},
};

}  // namespace

void seed_demo_claims(storage::Database& db, std::uint64_t seed, int count) {
  calendar::ensure_shipped(db);  // the clocks need the working-day calendar
  std::mt19937_64 engine(seed ^ 0x5eedc1a1);
  auto between = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(engine); };
  db.transaction([&](Connection& conn) {
    // Routing: repairs to 运检部, the rest to 营销部, per county; metering requests to the city 计量中心.
    const std::int64_t city = org_by_code(conn, "DC");
    for (const char* county : {"DC01", "DC02", "DC03", "DC04", "DC05"}) {
      const std::int64_t region = org_by_code(conn, county);
      add_route(conn, std::string("fault_repair"), std::nullopt, region, org_by_code(conn, std::string(county) + "-YJ"), 0);
      add_route(conn, std::nullopt, std::nullopt, region, org_by_code(conn, std::string(county) + "-YX"), 0);
    }
    add_route(conn, std::string("fault_repair"), std::nullopt, city, org_by_code(conn, "DC-YJ"), 0);
    add_route(conn, std::string("service_request"), std::string("meter_abnormal"), city, org_by_code(conn, "DC-JL"), 5);
    add_route(conn, std::string("service_request"), std::string("reading_anomaly"), city, org_by_code(conn, "DC-JL"), 5);
    add_route(conn, std::nullopt, std::nullopt, city, org_by_code(conn, "DC-YX"), 0);
  });

  // The demo is worked by an administrator principal named "demo"; the audit log says so.
  const auto found_admin = demo_admin(db);
  if (!found_admin) return;
  const auth::Principal& admin = *found_admin;

  std::vector<std::int64_t> customers = db.read([](Connection& conn) {
    std::vector<std::int64_t> ids;
    for (auto& r : conn.query("SELECT id FROM customers WHERE status = 'active' AND is_group = 0 ORDER BY is_key_account DESC, id LIMIT 400"))
      ids.push_back(r.i64(0));
    return ids;
  });
  if (customers.empty()) return;
  const Millis now = now_millis();
  const std::vector<std::string> channels = {"95598", "95598", "95598", "account_manager", "web", "app", "wechat", "12398", "12345"};
  int made = 0;
  for (int i = 0; i < count; ++i) {
    const Template& t = kTemplates[static_cast<std::size_t>(between(0, static_cast<int>(kTemplates.size()) - 1))];
    // Older claims are mostly finished; the last days' mostly open.
    const Millis created = now - static_cast<Millis>(between(10, 60 * 24 * 60)) * 60'000;
    const double age_days = static_cast<double>(now - created) / 86'400'000.0;
    claims::Intake in;
    in.channel = channels[static_cast<std::size_t>(between(0, static_cast<int>(channels.size()) - 1))];
    in.claim_type = t.type;
    if (t.sub_type) in.sub_type = t.sub_type;
    if (t.complaint_class) in.complaint_class = t.complaint_class;
    in.title = t.title;
    in.description = t.description;
    in.customer_id = customers[static_cast<std::size_t>(between(0, static_cast<int>(customers.size()) - 1))];
    if (in.channel == "95598" || in.channel == "12398" || in.channel == "12345")
      in.upstream_no = in.channel + "-" + shanghai_date(created).substr(0, 4) + std::to_string(100000 + i);
    if (between(0, 30) == 0) in.sensitive_marks.push_back("media");
    try {
      db.transaction([&](Connection& conn) {
        std::int64_t id = claims::create_claim(conn, admin, in, created);
        auto step = [&](const char* action, Millis at, claims::Step s) {
          auto version = conn.query_one("SELECT version, status FROM claims WHERE id = ?", {id});
          s.expected_version = version->i64(0);
          claims::apply_step(conn, admin, id, action, s, std::min(at, now));
        };
        auto status = [&] { return conn.query_one("SELECT status, department_id FROM claims WHERE id = ?", {id}); };
        int stage = age_days > 10 ? between(5, 6) : age_days > 2 ? between(1, 6) : between(0, 3);
        if (t.type == std::string("praise")) stage = std::min(stage, 1);
        Millis at = created + 20 * 60'000;
        auto row = status();
        if (stage >= 1 && row->str(0) == "registered") {
          claims::Step s;
          s.department_id = conn.query_one("SELECT id FROM org_units WHERE code = 'DC-YX'")->i64(0);
          step("dispatch", at, s);
        }
        if (stage >= 2 && t.type == std::string("fault_repair")) {
          // Repair crews mostly arrive within the hour; some do not.
          claims::Step arrive;
          arrive.note = "抢修人员已到达现场";
          step("arrive", created + static_cast<Millis>(between(25, 100)) * 60'000, arrive);
        }
        if (stage >= 2) {
          step("accept", at += 40 * 60'000, {});
          claims::Step contact;
          contact.note = "已电话联系客户，说明处理安排";
          step("contact", at += 2 * 3'600'000, contact);
        }
        if (stage == 3 && between(0, 3) == 0) {
          claims::Step wait;
          wait.note = "等待客户提供用电设备资料";
          step("wait", at += 3'600'000, wait);
        }
        if (stage >= 4) {
          claims::Step close;
          close.resolution = "已现场核查并处理，向客户说明原因";
          close.root_cause = t.type == std::string("fault_repair") ? "equipment" : "process";
          close.measures = "加强人员培训，完善停电通知流程";
          if (t.type == std::string("complaint")) close.valid_complaint = between(0, 2) == 0;
          step("close", at += static_cast<Millis>(between(6, 100)) * 3'600'000, close);
        }
        if (stage >= 5 && status()->str(0) == "closed") {
          claims::Step callback;
          callback.satisfaction = between(0, 9) == 0 ? "basically_satisfied" : "satisfied";
          callback.note = "客户对处理结果表示认可";
          step("callback", at += 5 * 3'600'000, callback);
        }
      });
      ++made;
    } catch (const std::exception& error) {
      spdlog::warn("demo claim {} skipped: {}", i, error.what());
    }
  }
  spdlog::info("seeded {} demo claims", made);
}

}  // namespace lianxin::app
