// Reproducible demo data: a fictional city bureau (滇池市供电局) with county bureaus, supply
// stations, departments, users for every role, topology and ~50,000 customers with ~500 key
// accounts. Names are generated from parts and are fictional.
#include "app/demo.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <unordered_set>

#include "audit/audit.hpp"
#include "auth/crypto.hpp"
#include "common/clock.hpp"
#include "customers/rules.hpp"
#include "customers/service.hpp"
#include "spdlog/spdlog.h"
#include "text/text.hpp"

namespace lianxin::app {
namespace {

using storage::Connection;

struct Rng {
  std::mt19937_64 engine;
  explicit Rng(std::uint64_t seed) : engine(seed) {}
  int between(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(engine); }
  double uniform() { return std::uniform_real_distribution<double>(0, 1)(engine); }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[static_cast<std::size_t>(between(0, static_cast<int>(v.size()) - 1))]; }
};

const std::vector<std::string> kPlaces = {"滇池", "东城", "西山", "南湖", "北岭", "金马", "碧鸡", "龙泉", "盘江", "呈贡", "官渡", "晋宁", "安宁", "嵩明", "宜良", "富民"};
const std::vector<std::string> kCores = {"恒信", "华泰", "金源", "宏达", "瑞丰", "永昌", "鑫盛", "中联", "天成", "正威", "嘉禾", "博远", "同创", "锦程", "信达", "海润",
                                         "国泰", "立德", "新元", "兴隆", "康宁", "盛世", "东方", "汇通", "长青", "云岭", "九洲", "昊天", "宝丰", "安泰"};
struct IndustryKind {
  const char* code;
  const char* word;
  double kwh_scale;  // typical annual consumption scale, kWh
};
const std::vector<IndustryKind> kIndustries = {
    {"32", "锡业", 8e7},      {"31", "钢铁", 2e8},       {"30", "水泥", 6e7},      {"26", "化工", 5e7},
    {"13", "食品加工", 5e6},  {"27", "制药", 8e6},       {"39", "电子科技", 1.5e7}, {"36", "汽车零部件", 1e7},
    {"44", "热电", 3e7},      {"46", "水务", 6e6},       {"52", "商贸", 2e6},      {"61", "酒店", 3e6},
    {"65", "数据科技", 2e7},  {"70", "置业", 4e6},       {"84", "医院", 5e6},      {"83", "学校", 2e6},
    {"92", "政务服务中心", 1e6}, {"53", "铁路货运", 8e6}, {"59", "物流", 3e6},      {"01", "农业开发", 1e6}};
const std::vector<std::string> kForms = {"有限公司", "股份有限公司", "有限责任公司", "集团有限公司"};
const std::vector<std::string> kSurnames = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"};
const std::vector<std::string> kGiven = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "建华", "志强", "海燕", "晓东"};
const std::vector<std::string> kStreets = {"人民路", "北京路", "环城南路", "金碧路", "滇池路", "春城路", "白龙路", "工业园区", "经开区", "高新区"};

std::string credit_code(Rng& rng, std::unordered_set<std::string>& used) {
  static const std::string alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  for (;;) {
    std::string code = "91530100";
    for (int i = 0; i < 9; ++i) code.push_back(alphabet[static_cast<std::size_t>(rng.between(0, 30))]);
    code.push_back(customers::credit_code_check_char(code));
    if (used.insert(code).second) return code;
  }
}

std::string mobile(Rng& rng, std::unordered_set<std::string>& used) {
  static const char* prefixes[] = {"138", "139", "137", "136", "135", "150", "151", "158", "187", "188", "133", "153", "180", "189", "177"};
  for (;;) {
    std::string m = prefixes[rng.between(0, 14)];
    for (int i = 0; i < 8; ++i) m.push_back(static_cast<char>('0' + rng.between(0, 9)));
    if (used.insert(m).second) return m;
  }
}

std::int64_t add_org(Connection& conn, std::optional<std::int64_t> parent, const std::string& parent_path, const char* kind,
                     const std::string& code, const std::string& name) {
  std::int64_t id = conn.insert_returning_id(
      "INSERT INTO org_units(parent_id, kind, code, name, path, created_at) VALUES (?,?,?,?,?,?) RETURNING id",
      {storage::opt_value(parent), std::string(kind), code, name, std::string("pending"), now_millis()});
  conn.execute("UPDATE org_units SET path = ? WHERE id = ?", {parent_path + std::to_string(id) + "/", id});
  return id;
}

std::string path_of(Connection& conn, std::int64_t id) {
  return conn.query_one("SELECT path FROM org_units WHERE id = ?", {id})->str(0);
}

}  // namespace

bool database_is_empty(storage::Database& db) {
  return db.read([](Connection& conn) { return conn.query_i64("SELECT COUNT(*) FROM org_units") == 0; });
}

void seed_demo(storage::Database& db, const DemoOptions& o) {
  Rng rng(o.seed);
  // Password hashing is slow on purpose; one hash is shared by all demo users (same password).
  std::string password_hash = auth::hash_password(o.password);
  db.transaction([&](Connection& conn) {
    Millis now = now_millis();
    std::int64_t company = add_org(conn, std::nullopt, "/", "company", "YL", "云岭电网有限责任公司");
    std::string company_path = path_of(conn, company);
    std::int64_t city = add_org(conn, company, company_path, "city", "DC", "滇池市供电局");
    std::string city_path = path_of(conn, city);
    const std::vector<std::pair<std::string, std::string>> departments = {
        {"YX", "营销部"}, {"YJ", "运检部"}, {"JL", "计量中心"}, {"JJ", "基建部"}, {"DK", "电力调度控制中心"}, {"KF", "客户服务中心"}};
    std::vector<std::int64_t> city_departments;
    for (auto& [code, name] : departments) city_departments.push_back(add_org(conn, city, city_path, "department", "DC-" + code, name));
    const std::vector<std::pair<std::string, std::string>> counties = {
        {"DC01", "东城区供电局"}, {"DC02", "西山区供电局"}, {"DC03", "南湖区供电局"}, {"DC04", "北岭县供电局"}, {"DC05", "金马县供电局"}};
    std::vector<std::int64_t> county_ids, station_ids;
    std::vector<std::string> county_paths;
    for (std::size_t i = 0; i < counties.size(); ++i) {
      auto id = add_org(conn, city, city_path, "county", counties[i].first, counties[i].second);
      county_ids.push_back(id);
      county_paths.push_back(path_of(conn, id));
      add_org(conn, id, county_paths.back(), "department", counties[i].first + "-YX", "营销部");
      add_org(conn, id, county_paths.back(), "department", counties[i].first + "-YJ", "运检部");
      for (int s = 1; s <= 3; ++s) {
        std::string base = counties[i].second.substr(0, counties[i].second.size() - std::string("供电局").size());
        station_ids.push_back(add_org(conn, id, county_paths.back(), "station", counties[i].first + "-S" + std::to_string(s),
                                      base + "第" + std::to_string(s) + "供电所"));
      }
    }

    // Users for every role.
    struct DemoUser {
      std::string username, name, role;
      std::int64_t org;
      bool all = false;
    };
    std::vector<DemoUser> users = {
        {"admin", "系统管理员", "administrator", company},
        {"leader01", "李局长", "leader", city},
        {"marketing01", "王营销", "marketing_manager", city},
        {"dispatcher01", "赵调度", "service_dispatcher", city},
        {"handler01", "陈运检", "department_handler", city_departments[1]},
        {"planner01", "周计划", "outage_planner", city},
        {"auditor01", "孙审计", "auditor", company},
        {"county01", "钱县局营销", "marketing_manager", county_ids[0]},
    };
    for (int i = 1; i <= 20; ++i) {
      char name[16];
      std::snprintf(name, sizeof name, "am%02d", i);
      std::int64_t org = i <= 8 ? city : county_ids[static_cast<std::size_t>((i - 9) % 5)];
      users.push_back({name, kSurnames[static_cast<std::size_t>(i) % kSurnames.size()] + std::string("经理") + std::to_string(i),
                       "account_manager", org});
    }
    std::vector<std::int64_t> manager_ids, city_managers;
    std::map<std::int64_t, std::vector<std::int64_t>> managers_by_county;
    std::unordered_set<std::string> used_mobiles, used_codes;
    for (auto& u : users) {
      std::int64_t id = conn.insert_returning_id(
          "INSERT INTO users(username, display_name, password_hash, role, org_unit_id, mobile, all_customers_in_scope, active, "
          "created_at, updated_at) VALUES (?,?,?,?,?,?,?,1,?,?) RETURNING id",
          {u.username, u.name, password_hash, u.role, u.org, mobile(rng, used_mobiles), std::int64_t{u.all}, now, now});
      if (u.role == "account_manager") {
        manager_ids.push_back(id);
        if (u.org == city) city_managers.push_back(id);
        else managers_by_county[u.org].push_back(id);
      }
    }

    // Topology: substations per county, lines per substation, transformer areas per line.
    std::vector<std::int64_t> line_ids;
    std::map<std::int64_t, std::vector<std::int64_t>> lines_by_county, areas_by_line;
    int line_no = 0, area_no = 0;
    for (std::size_t c = 0; c < county_ids.size(); ++c) {
      for (int s = 1; s <= 4; ++s) {
        std::string code = counties[c].first + "-BDZ" + std::to_string(s);
        std::string name = kPlaces[(c * 4 + static_cast<std::size_t>(s)) % kPlaces.size()] + (s == 1 ? "110kV变电站" : "35kV变电站");
        std::int64_t sub = conn.insert_returning_id(
            "INSERT INTO substations(code, name, voltage_kv, org_unit_id) VALUES (?,?,?,?) RETURNING id",
            {code, name, std::int64_t{s == 1 ? 110 : 35}, county_ids[c]});
        for (int l = 1; l <= 10; ++l) {
          ++line_no;
          char lcode[32];
          std::snprintf(lcode, sizeof lcode, "L%04d", line_no);
          std::int64_t line = conn.insert_returning_id(
              "INSERT INTO lines(code, name, substation_id, voltage_kv) VALUES (?,?,?,?) RETURNING id",
              {std::string(lcode), "10kV" + kCores[static_cast<std::size_t>(line_no) % kCores.size()] + "线" + std::to_string(l), sub, 10.0});
          line_ids.push_back(line);
          lines_by_county[county_ids[c]].push_back(line);
          for (int t = 1; t <= 10; ++t) {
            ++area_no;
            char tcode[32];
            std::snprintf(tcode, sizeof tcode, "T%05d", area_no);
            areas_by_line[line].push_back(conn.insert_returning_id(
                "INSERT INTO transformer_areas(code, name, line_id, capacity_kva) VALUES (?,?,?,?) RETURNING id",
                {std::string(tcode), kStreets[static_cast<std::size_t>(area_no) % kStreets.size()] + std::to_string(t) + "号台区", line,
                 std::int64_t{rng.pick(std::vector<int>{200, 315, 400, 630, 800})}}));
          }
        }
      }
    }

    // Customers: sizes follow a heavy tail, so the top of each bureau stands out.
    struct Gen {
      std::int64_t id;
      double kwh;
      std::size_t county;
      const IndustryKind* industry;
    };
    std::vector<std::pair<std::int64_t, std::string>> pending_search;
    auto flush_search = [&] {
      for (auto& [id, doc] : pending_search) customers::write_search_document(conn, id, doc, customers::SearchWrite::fresh);
      pending_search.clear();
    };
    std::vector<Gen> generated;
    generated.reserve(static_cast<std::size_t>(o.customers));
    std::set<std::string> names;
    std::map<std::int64_t, std::string> org_paths;
    std::int64_t account_seq = 530000000;
    for (int i = 0; i < o.customers; ++i) {
      const IndustryKind& ind = kIndustries[static_cast<std::size_t>(rng.between(0, static_cast<int>(kIndustries.size()) - 1))];
      std::string name;
      for (int attempt = 0;; ++attempt) {
        name = rng.pick(kPlaces) + rng.pick(kCores) + ind.word + rng.pick(kForms);
        if (attempt > 3) name = rng.pick(kPlaces) + rng.pick(kCores) + ind.word + "第" + std::to_string(rng.between(2, 999)) + "分公司";
        if (names.insert(name).second) break;
      }
      std::size_t county = static_cast<std::size_t>(rng.between(0, static_cast<int>(county_ids.size()) - 1));
      std::int64_t station = station_ids[county * 3 + static_cast<std::size_t>(rng.between(0, 2))];
      bool at_station = rng.uniform() < 0.7;
      std::int64_t org = at_station ? station : county_ids[county];
      auto cached = org_paths.find(org);
      if (cached == org_paths.end()) cached = org_paths.emplace(org, path_of(conn, org)).first;
      const std::string& path = cached->second;
      double kwh = ind.kwh_scale * std::pow(rng.uniform(), 6.0) * 3.0 + 1000.0 * rng.between(1, 50);
      bool two_part = kwh > 2e6;
      std::string code = credit_code(rng, used_codes);
      std::string address = "滇池市" + counties[county].second.substr(0, counties[county].second.size() - std::string("供电局").size()) +
                            rng.pick(kStreets) + std::to_string(rng.between(1, 999)) + "号";
      std::int64_t id = conn.insert_returning_id(
          "INSERT INTO customers(name, credit_code, industry_code, org_unit_id, org_path, address, importance_class, "
          "outage_sensitivity, credit_grade, tags, is_group, is_key_account, annual_kwh, status, version, created_at, updated_at) "
          "VALUES (?,?,?,?,?,?,'none','normal',?,?,0,0,?,'active',1,?,?) RETURNING id",
          {name, code, std::string(ind.code), org, path, address,
           rng.pick(std::vector<std::string>{"AAA", "AA", "A", "A", "B"}), std::string(two_part ? "两部制" : ""), kwh, now, now});
      // One account each (key accounts get more below).
      std::int64_t line = rng.pick(lines_by_county[county_ids[county]]);
      std::int64_t area = rng.pick(areas_by_line[line]);
      std::string account_no = std::to_string(++account_seq) + std::to_string(rng.between(0, 9));
      std::int64_t capacity = two_part ? rng.pick(std::vector<std::int64_t>{315, 630, 1000, 2000, 5000, 10000}) : rng.pick(std::vector<std::int64_t>{30, 50, 80, 100, 160, 200});
      conn.execute(
          "INSERT INTO accounts(customer_id, account_no, name, voltage_level, contract_capacity_kva, tariff_category, "
          "basic_charge_mode, supply_sources, emergency_power, line_id, transformer_area_id, address, status, created_at, updated_at) "
          "VALUES (?,?,?,?,?,?,?,1,0,?,?,?,'active',?,?)",
          {id, account_no, name, std::string(two_part ? "10kV" : "0.38kV"), capacity,
           std::string(two_part ? "ci_two_part" : "ci_single"), std::string(two_part ? "capacity" : "none"), line,
           two_part ? storage::null_value() : storage::Value(area), address, now, now});
      std::string phone = mobile(rng, used_mobiles);
      conn.execute(
          "INSERT INTO contacts(customer_id, name, role, mobile, notice_types, active, confirmed_at, created_at, updated_at) "
          "VALUES (?,?,?,?,?,1,?,?,?)",
          {id, rng.pick(kSurnames) + rng.pick(kGiven), std::string("electrical_officer"), phone, std::string("outage,limitation,bill,expansion"),
           now - static_cast<Millis>(rng.between(0, 500)) * 86400000LL, now, now});
      text::SearchFields sf;
      sf.name = name;
      sf.credit_code = code;
      sf.account_numbers = {account_no};
      sf.phones = {phone};
      pending_search.emplace_back(id, customers::search_document(sf, false));
      // Index writes go in batches: interleaved with row writes, FTS5 flushes at every statement.
      if (pending_search.size() >= 20000) flush_search();
      generated.push_back({id, kwh, county, &ind});
    }
    flush_search();

    // Key accounts: the largest consumers plus every hospital and government service centre in the top range.
    std::vector<Gen> by_size = generated;
    std::sort(by_size.begin(), by_size.end(), [](const Gen& a, const Gen& b) { return a.kwh > b.kwh; });
    int key_count = std::min<int>(o.key_accounts, static_cast<int>(by_size.size()));
    for (int k = 0; k < key_count; ++k) {
      const Gen& g = by_size[static_cast<std::size_t>(k)];
      auto& county_managers = managers_by_county[county_ids[g.county]];
      // Half of the key accounts are served from the city bureau, half by the county's own managers.
      const auto& pool = (k % 2 == 0 || county_managers.empty()) ? city_managers : county_managers;
      std::int64_t primary = pool[static_cast<std::size_t>(k) % pool.size()];
      std::int64_t backup = pool[(static_cast<std::size_t>(k) + 1) % pool.size()];
      if (backup == primary) backup = manager_ids[(static_cast<std::size_t>(k) + 3) % manager_ids.size()];
      std::string importance = "none", sensitivity = "sensitive";
      std::string code = g.industry->code;
      if (code == "84" || code == "92") importance = k % 3 == 0 ? "first" : "second";
      else if (code == "32" || code == "31" || code == "26") { importance = k % 4 == 0 ? "second" : "none"; sensitivity = "high"; }
      else if (code == "65") { importance = "second"; sensitivity = "high"; }
      conn.execute(
          "UPDATE customers SET is_key_account = 1, manager_id = ?, backup_manager_id = ?, importance_class = ?, "
          "outage_sensitivity = ?, tags = ? WHERE id = ?",
          {primary, backup, importance, sensitivity, std::string(sensitivity == "high" ? "高可靠性,重点保障" : "重点保障"), g.id});
      // More accounts and contacts for key accounts.
      int extra = rng.between(0, 2);
      for (int a = 0; a < extra; ++a) {
        std::int64_t line = rng.pick(lines_by_county[county_ids[g.county]]);
        conn.execute(
            "INSERT INTO accounts(customer_id, account_no, name, voltage_level, contract_capacity_kva, tariff_category, "
            "basic_charge_mode, supply_sources, emergency_power, line_id, status, created_at, updated_at) "
            "VALUES (?,?,?,?,?,'ci_two_part','contract_demand',?,?,?,'active',?,?)",
            {g.id, std::to_string(++account_seq) + std::to_string(rng.between(0, 9)), std::string("分厂") + std::to_string(a + 2),
             std::string(rng.uniform() < 0.3 ? "110kV" : "10kV"), rng.pick(std::vector<std::int64_t>{2000, 5000, 10000, 20000, 31500}),
             std::int64_t{rng.between(1, 3)}, std::int64_t{rng.between(0, 1)}, line, now, now});
      }
      for (const char* role : {"legal_representative", "duty_room", "finance"}) {
        conn.execute(
            "INSERT INTO contacts(customer_id, name, role, mobile, email, notice_types, active, confirmed_at, created_at, updated_at) "
            "VALUES (?,?,?,?,?,?,1,?,?,?)",
            {g.id, rng.pick(kSurnames) + rng.pick(kGiven), std::string(role), mobile(rng, used_mobiles), storage::null_value(),
             std::string(std::string(role) == "duty_room" ? "outage,limitation" : std::string(role) == "finance" ? "bill" : "report,expansion"),
             now - static_cast<Millis>(rng.between(0, 500)) * 86400000LL, now, now});
      }
      customers::refresh_search(conn, g.id);
      // A few logged interactions for the 360 timeline.
      int events = rng.between(1, 3);
      for (int e = 0; e < events; ++e) {
        bool visit = rng.uniform() < 0.4;
        Millis at = now - static_cast<Millis>(rng.between(1, 300)) * 86400000LL;
        bool follow = rng.uniform() < 0.3;
        conn.execute(
            "INSERT INTO timeline_events(customer_id, at, kind, source, actor_id, actor_name, title, body, follow_up_due) "
            "VALUES (?,?,?,?,?,?,?,?,?)",
            {g.id, at, std::string(visit ? "visit" : "call"), std::string("interactions"), primary, std::string("demo"),
             std::string(visit ? "走访了解用电需求" : "电话回访供电质量"),
             std::string(visit ? "客户反映计划扩建二期生产线，需提前沟通增容方案。" : "客户对近期供电质量满意，提出希望停电通知提前电话告知。"),
             follow ? storage::Value(shanghai_date(now + static_cast<Millis>(rng.between(-10, 30)) * 86400000LL)) : storage::null_value()});
      }
    }

    // Groups at city level whose members sit in several county bureaus.
    for (int gi = 0; gi < 20 && key_count > 0; ++gi) {
      std::string name = kCores[static_cast<std::size_t>(gi) % kCores.size()] + std::string("控股集团有限公司");
      if (!names.insert(name).second) continue;
      std::string code = credit_code(rng, used_codes);
      std::int64_t group = conn.insert_returning_id(
          "INSERT INTO customers(name, credit_code, industry_code, org_unit_id, org_path, address, importance_class, "
          "outage_sensitivity, tags, is_group, is_key_account, manager_id, annual_kwh, status, version, created_at, updated_at) "
          "VALUES (?,?,'72',?,?,?,'none','normal','集团客户',1,1,?,0,'active',1,?,?) RETURNING id",
          {name, code, city, city_path, std::string("滇池市春城路88号"), city_managers[static_cast<std::size_t>(gi) % city_managers.size()], now, now});
      text::SearchFields sf;
      sf.name = name;
      sf.credit_code = code;
      customers::write_search_document(conn, group, customers::search_document(sf, true));
      for (int m = 0; m < 4; ++m) {
        const Gen& member = by_size[static_cast<std::size_t>(gi * 4 + m) % static_cast<std::size_t>(std::max(key_count, 1))];
        conn.execute("UPDATE customers SET group_id = ? WHERE id = ? AND group_id IS NULL", {group, member.id});
      }
    }
    audit::record(conn, auth::Actor{0, "system", "", ""},
                  {"seed_demo", "database", "", "", "", "{\"customers\":" + std::to_string(o.customers) + ",\"seed\":" + std::to_string(o.seed) + "}"});
  });
  seed_demo_claims(db, o.seed, o.claims);
  seed_demo_bills(db, o.seed);
  if (o.key_service) seed_demo_key_service(db, o.seed);
  seed_demo_expansion(db, o.seed, o.expansion);
  seed_demo_outages(db, o.seed, o.outages);
  if (o.quality_defects) seed_demo_quality(db, o.seed);
  if (o.analysis) seed_demo_analysis(db, o.seed);
}

std::optional<auth::Principal> demo_admin(storage::Database& db) {
  auto row = db.read([](storage::Connection& conn) {
    return conn.query_one("SELECT u.id, u.org_unit_id, o.path FROM users u JOIN org_units o ON o.id = u.org_unit_id WHERE u.username = 'admin'");
  });
  if (!row) return std::nullopt;
  auth::Principal admin;
  admin.user_id = row->i64(0);
  admin.username = "demo";
  admin.display_name = "系统管理员";
  admin.role = auth::Role::administrator;
  admin.org_unit_id = row->i64(1);
  admin.org_path = row->str(2);
  admin.all_customers_in_scope = true;
  return admin;
}

}  // namespace lianxin::app
