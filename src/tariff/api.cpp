#include "tariff/api.hpp"

#include <boost/json.hpp>
#include <cmath>

#include "audit/audit.hpp"
#include "auth/rules.hpp"
#include "billing/rules.hpp"
#include "common/clock.hpp"
#include "common/json.hpp"
#include "common/strings.hpp"
#include "http/json_response.hpp"
#include "http/params.hpp"
#include "tariff/store.hpp"

namespace lianxin::tariff {

namespace {

namespace bj = boost::json;
using auth::Permission;
using http::ok;
using http::Response;
using http::RouteContext;
using storage::Connection;

bj::object body_of(const RouteContext& c) { return c.request.body.empty() ? bj::object{} : json::parse_object(c.request.body); }

bj::value price_or_null(const std::optional<Uyuan>& u) {
  if (!u) return nullptr;
  return static_cast<double>(*u) / 1e6;
}
bj::value fen_price_or_null(const std::optional<std::int64_t>& f) {
  if (!f) return nullptr;
  return static_cast<double>(*f) / 100;
}

bj::object schedule_json(const ScheduleRecord& s) {
  return {{"id", s.id},
          {"code", s.schedule.code},
          {"name", s.schedule.name},
          {"province", s.province},
          {"source", s.schedule.source},
          {"verification", s.verification},
          {"notes", s.notes},
          {"bands", bj::parse(bands_json(s.schedule.bands))},
          {"ratios", bj::object{{"sharp", s.schedule.sharp_ratio / 1000.0},
                                {"peak", s.schedule.peak_ratio / 1000.0},
                                {"flat", 1.0},
                                {"valley", s.schedule.valley_ratio / 1000.0},
                                {"deep", s.schedule.deep_ratio / 1000.0}}}};
}

bj::object rate_json(const Rate& r) {
  bj::array levels;
  for (auto& l : r.voltage_levels) levels.push_back(bj::value(l));
  bj::object o{{"category", r.category}, {"voltage_levels", std::move(levels)}, {"energy_price", static_cast<double>(r.energy_uyuan) / 1e6}};
  for (TouPeriod p : {TouPeriod::sharp, TouPeriod::peak, TouPeriod::flat, TouPeriod::valley, TouPeriod::deep})
    o[std::string(tou_period_code(p)) + "_price"] = price_or_null(r.period_uyuan[period_index(p)]);
  o["floating_price"] = price_or_null(r.floating_uyuan);
  o["td_price"] = price_or_null(r.td_uyuan);
  o["funds_price"] = static_cast<double>(r.funds_uyuan) / 1e6;
  o["demand_price"] = fen_price_or_null(r.demand_fen);
  o["capacity_price"] = fen_price_or_null(r.capacity_fen);
  return o;
}

bj::object table_json(const TableRecord& t, bool with_rates) {
  bj::object o{{"id", t.table.id},
               {"province", t.table.province},
               {"name", t.table.name},
               {"valid_from", t.table.valid_from},
               {"valid_to", t.table.valid_to.empty() ? bj::value(nullptr) : bj::value(t.table.valid_to)},
               {"tou_schedule_id", json::nullable(t.schedule_id)},
               {"tou_schedule_code", t.schedule_code.empty() ? bj::value(nullptr) : bj::value(t.schedule_code)},
               {"source", t.source},
               {"verification", t.verification},
               {"notes", t.notes},
               {"rate_count", static_cast<std::int64_t>(t.table.rates.size())}};
  if (with_rates) {
    bj::array rates;
    for (auto& r : t.table.rates) rates.push_back(rate_json(r));
    o["rates"] = std::move(rates);
  }
  return o;
}

std::optional<Uyuan> opt_price(const bj::object& o, const std::string& field, const std::string& at, Validator& v, double scale) {
  auto* x = o.if_contains(field);
  if (!x || x->is_null()) return std::nullopt;
  double d = 0;
  if (x->is_double()) d = x->as_double();
  else if (x->is_int64()) d = static_cast<double>(x->as_int64());
  else if (x->is_uint64()) d = static_cast<double>(x->as_uint64());
  else {
    v.add(at + field, "应为数字（元）");
    return std::nullopt;
  }
  if (!std::isfinite(d) || d < 0 || d > 1e6) {
    v.add(at + field, "应为不小于零的金额（元）");
    return std::nullopt;
  }
  return static_cast<Uyuan>(std::llround(d * scale));
}

TableRecord table_from(const bj::object& body, std::int64_t id, Validator& v) {
  TableRecord rec;
  rec.table.id = id;
  rec.table.province = json::req_string(body, "province", v, 40);
  rec.table.name = json::req_string(body, "name", v, 200);
  rec.table.valid_from = json::req_string(body, "valid_from", v, 10);
  rec.table.valid_to = json::opt_string(body, "valid_to", v, 10).value_or("");
  rec.schedule_id = json::opt_int(body, "tou_schedule_id", v);
  rec.source = json::opt_string(body, "source", v, 500).value_or("");
  rec.verification = json::opt_string(body, "verification", v, 1).value_or("U");
  rec.notes = json::opt_string(body, "notes", v, 2000).value_or("");
  const auto* rates = body.if_contains("rates");
  if (!rates || !rates->is_array()) {
    v.add("rates", "请填写电价行（列表）");
    return rec;
  }
  int i = 0;
  for (auto& item : rates->as_array()) {
    const std::string at = "rates[" + std::to_string(i++) + "].";
    if (!item.is_object()) {
      v.add(at.substr(0, at.size() - 1), "应为对象");
      continue;
    }
    const auto& o = item.as_object();
    Rate r;
    if (auto* c = o.if_contains("category"); c && c->is_string()) r.category = std::string(c->as_string());
    if (auto* l = o.if_contains("voltage_levels")) {
      if (l->is_array()) {
        for (auto& level : l->as_array())
          if (level.is_string()) r.voltage_levels.emplace_back(level.as_string());
      } else if (l->is_string()) {
        for (auto& level : split(std::string(l->as_string()), ','))
          if (!trim(level).empty()) r.voltage_levels.push_back(trim(level));
      }
    }
    r.energy_uyuan = opt_price(o, "energy_price", at, v, 1e6).value_or(0);
    for (TouPeriod p : {TouPeriod::sharp, TouPeriod::peak, TouPeriod::flat, TouPeriod::valley, TouPeriod::deep})
      r.period_uyuan[period_index(p)] = opt_price(o, std::string(tou_period_code(p)) + "_price", at, v, 1e6);
    r.floating_uyuan = opt_price(o, "floating_price", at, v, 1e6);
    r.td_uyuan = opt_price(o, "td_price", at, v, 1e6);
    r.funds_uyuan = opt_price(o, "funds_price", at, v, 1e6).value_or(0);
    r.demand_fen = opt_price(o, "demand_price", at, v, 100);
    r.capacity_fen = opt_price(o, "capacity_price", at, v, 100);
    rec.table.rates.push_back(std::move(r));
  }
  return rec;
}

void require_company_level(const auth::Principal& p) {
  // Tariffs apply company-wide: only users at the root of the org tree edit them.
  if (std::count(p.org_path.begin(), p.org_path.end(), '/') > 2)
    throw AppError(ErrorCode::forbidden, "tariff tables apply company-wide: only company-level users may change them");
}

void audit_table(Connection& conn, const auth::Principal& p, const char* action, std::int64_t id, const std::string& before,
                 const std::string& after) {
  audit::record(conn, p.actor(), {action, "tariff_table", std::to_string(id), "", before, after});
}

Response save(auth::Guard& g, RouteContext& c, bool create) {
  auto p = g.require(c.request, Permission::tariff_admin);
  require_company_level(p);
  const std::int64_t id = create ? 0 : http::path_id(c);
  auto body = body_of(c);
  Validator v;
  auto rec = table_from(body, id, v);
  v.throw_if_failed("invalid tariff table");
  return g.db().transaction([&](Connection& conn) {
    std::string before;
    if (!create) {
      auto old = load_table(conn, id);
      if (!old) throw_not_found("tariff table");
      before = json::serialize(table_json(*old, true));
    }
    const std::int64_t saved = save_table(conn, rec, p.user_id, now_millis());
    auto after = table_json(*load_table(conn, saved), true);
    audit_table(conn, p, create ? "create" : "update", saved, before, json::serialize(after));
    return ok(after, create ? 201 : 200);
  });
}

// ---- evaluate ------------------------------------------------------------------------------------

double number_field(const bj::object& o, const char* field, Validator& v, double fallback, const std::string& prefix) {
  auto* x = o.if_contains(field);
  if (!x || x->is_null()) return fallback;
  double d = 0;
  if (x->is_double()) d = x->as_double();
  else if (x->is_int64()) d = static_cast<double>(x->as_int64());
  else if (x->is_uint64()) d = static_cast<double>(x->as_uint64());
  else {
    v.add(prefix + field, "应为数字");
    return fallback;
  }
  if (!std::isfinite(d) || d < 0 || d > 1e12) {
    v.add(prefix + field, "应为不小于零的数");
    return fallback;
  }
  return d;
}

std::optional<PfStandard> pf_of(const std::string& code, bool& known) {
  known = true;
  if (code == "0.90") return PfStandard::pf090;
  if (code == "0.85") return PfStandard::pf085;
  if (code == "0.80") return PfStandard::pf080;
  known = code == "none";
  return std::nullopt;
}

bj::object bill_json(const Bill& b) {
  bj::array lines;
  for (auto& l : b.lines)
    lines.push_back(bj::object{{"code", l.code},
                               {"label_zh", line_label_zh(l.code)},
                               {"label_en", line_label_en(l.code)},
                               {"quantity", l.quantity},
                               {"unit", l.unit},
                               {"unit_price", l.unit_price},
                               {"fen", l.fen}});
  bj::array notes;
  for (auto& n : b.notes) notes.push_back(bj::value(n));
  return {{"lines", std::move(lines)},
          {"energy_fen", b.energy_fen},
          {"basic_fen", b.basic_fen},
          {"pf_fen", b.pf_fen},
          {"funds_fen", b.funds_fen},
          {"total_fen", b.total_fen},
          {"power_factor", b.power_factor ? bj::value(*b.power_factor / 100.0) : bj::value(nullptr)},
          {"pf_adjustment_pct", b.pf_bp / 100.0},
          {"billed_demand_kw", b.basic.billed_demand_kw},
          {"excess_demand_kw", b.basic.excess_demand_kw},
          {"floor_applied", b.basic.floor_applied},
          {"discount_applied", b.basic.discount_applied},
          {"notes", std::move(notes)}};
}

bj::object options_json(const BillOptions& o, const std::optional<PfStandard>& pf, const Rate& rate) {
  return {{"time_of_use", o.time_of_use},
          {"basic_mode", rate.two_part() ? bj::value(basic_mode_code(o.basic_mode)) : bj::value(nullptr)},
          {"capacity_kva", o.capacity_kva},
          {"motor_kva", o.motor_kva},
          {"contract_demand_kw", o.contract_demand_kw},
          {"pf_standard", pf ? bj::value(pf_standard_code(*pf)) : bj::value("none")},
          {"days_used", o.days_used}};
}

Response evaluate(auth::Guard& g, RouteContext& c) {
  auto p = g.require(c.request, Permission::customer_read);
  auto body = body_of(c);
  Validator v;
  const auto account_id = json::opt_int(body, "account_id", v);
  auto period = json::opt_string(body, "period", v, 7);
  auto province = json::opt_string(body, "province", v, 40);
  auto category = json::opt_string(body, "category", v, 40);
  auto voltage = json::opt_string(body, "voltage_level", v, 20);
  const auto table_id = json::opt_int(body, "table_id", v);
  bj::object usage_in, options_in;
  if (auto* u = body.if_contains("usage")) {
    if (u->is_object()) usage_in = u->as_object();
    else v.add("usage", "应为对象");
  }
  if (auto* o = body.if_contains("options")) {
    if (o->is_object()) options_in = o->as_object();
    else v.add("options", "应为对象");
  }
  if (period && !billing::normalize_period(*period)) v.add("period", "月份应为 YYYY-MM");
  v.throw_if_failed("invalid evaluation");
  if (period) period = billing::normalize_period(*period);

  return g.db().read([&](Connection& conn) {
    const Settings settings = load_settings(conn);
    MonthUsage usage;
    BillOptions base;  // the account as it is billed
    base.rules = settings.rules;
    base.pf_excludes_funds = settings.pf_excludes_funds;
    std::optional<PfStandard> base_pf;
    std::optional<std::int64_t> billed_fen;
    bj::value account = nullptr;
    std::string cat = category.value_or(""), volt = voltage.value_or("");
    if (account_id) {
      const auto a = visible_account(conn, p, *account_id);
      account = bj::object{{"id", a.account_id}, {"account_no", a.account_no}, {"customer_id", a.customer_id}, {"customer_name", a.customer_name}};
      if (cat.empty()) cat = a.tariff_category;
      if (volt.empty()) volt = a.voltage_level;
      base.capacity_kva = a.capacity_kva;
      base.motor_kva = a.profile.motor_kva;
      base.basic_mode = basic_mode_of(a.basic_charge_mode);
      base.contract_demand_kw = a.profile.contract_demand_kw.value_or(0);
      base_pf = account_pf_standard(a);
      if (!period) {
        if (auto r = conn.query_one("SELECT MAX(period) FROM bills WHERE account_id = ?", {*account_id}); r && !r->is_null(0)) period = r->str(0);
      }
      if (period) {
        if (auto b = conn.query_one("SELECT kwh_sharp, kwh_peak, kwh_flat, kwh_valley, kwh_total, kvarh, max_demand_kw, amount_fen FROM bills "
                                    "WHERE account_id = ? AND period = ?",
                                    {*account_id, *period})) {
          usage.kwh[period_index(TouPeriod::sharp)] = b->f64(0);
          usage.kwh[period_index(TouPeriod::peak)] = b->f64(1);
          usage.kwh[period_index(TouPeriod::flat)] = b->f64(2);
          usage.kwh[period_index(TouPeriod::valley)] = b->f64(3);
          // A total above the parts (single-rate meters) is counted as flat.
          const double rest = b->f64(4) - usage.total_kwh();
          if (rest > billing::kKwhTolerance) usage.kwh[period_index(TouPeriod::flat)] += rest;
          usage.kvarh = b->is_null(5) ? 0 : b->f64(5);
          usage.max_demand_kw = b->is_null(6) ? 0 : b->f64(6);
          billed_fen = b->i64(7);
        }
      }
    }
    if (!period) period = billing::period_of_date(shanghai_date(now_millis()));

    // Usage figures given in the request replace the bill's.
    Validator val;
    const char* kwh_fields[] = {"kwh_sharp", "kwh_peak", "kwh_flat", "kwh_valley", "kwh_deep"};
    bool split = false;
    for (int i = 0; i < kPeriodCount; ++i)
      if (usage_in.contains(kwh_fields[i])) split = true;
    if (split) {
      for (int i = 0; i < kPeriodCount; ++i) usage.kwh[i] = number_field(usage_in, kwh_fields[i], val, 0, "usage.");
    }
    if (usage_in.contains("kwh_total")) {
      const double total = number_field(usage_in, "kwh_total", val, 0, "usage.");
      if (!split) {
        usage.kwh = {};
        usage.kwh[period_index(TouPeriod::flat)] = total;
      } else if (std::abs(total - usage.total_kwh()) > billing::kKwhTolerance) {
        val.add("usage.kwh_total", "总电量与分时电量之和不符");
      }
    }
    usage.kvarh = number_field(usage_in, "kvarh", val, usage.kvarh, "usage.");
    usage.kvarh_exported = number_field(usage_in, "kvarh_exported", val, usage.kvarh_exported, "usage.");
    usage.max_demand_kw = number_field(usage_in, "max_demand_kw", val, usage.max_demand_kw, "usage.");
    if (cat.empty()) val.add("category", "请选择用电类别（或给出户号）");
    if (volt.empty()) val.add("voltage_level", "请选择电压等级（或给出户号）");

    // What-if options over the account's own.
    BillOptions what = base;
    std::optional<PfStandard> what_pf = base_pf;
    if (auto t = json::opt_bool(options_in, "time_of_use", val)) what.time_of_use = *t;
    if (auto m = json::opt_string(options_in, "basic_mode", val, 20)) {
      if (*m != "capacity" && *m != "contract_demand" && *m != "actual_demand")
        val.add("options.basic_mode", "基本电费计费方式应为 capacity、contract_demand 或 actual_demand");
      else if (*m == "actual_demand" && !settings.actual_demand_allowed)
        val.add("options.basic_mode", "本公司未开放按实际最大需量计费");
      else
        what.basic_mode = basic_mode_of(*m);
    }
    what.capacity_kva = number_field(options_in, "capacity_kva", val, what.capacity_kva, "options.");
    what.motor_kva = number_field(options_in, "motor_kva", val, what.motor_kva, "options.");
    what.contract_demand_kw = number_field(options_in, "contract_demand_kw", val, what.contract_demand_kw, "options.");
    if (auto s = json::opt_string(options_in, "pf_standard", val, 10)) {
      bool known = false;
      what_pf = pf_of(*s, known);
      if (!known) val.add("options.pf_standard", "功率因数考核标准应为 0.90、0.85、0.80 或 none");
    }
    if (auto d = json::opt_int(options_in, "days_used", val)) {
      if (*d < 1 || *d > 31) val.add("options.days_used", "用电天数应为 1–31");
      else {
        what.days_used = static_cast<int>(*d);
        what.prorate = *d < 30;
      }
    }
    val.throw_if_failed("invalid evaluation");
    what.pf_standard = what_pf;
    base.pf_standard = base_pf;

    std::optional<TableRecord> table;
    if (table_id) table = load_table(conn, *table_id);
    else table = table_on(conn, province.value_or(settings.province), *period + "-01");
    if (!table)
      throw AppError(ErrorCode::validation_failed, "no tariff table",
                     {{table_id ? "table_id" : "period", table_id ? "电价表不存在" : province.value_or(settings.province) + " 在 " + *period + " 没有执行中的电价表"}});
    const Rate* rate = find_rate(table->table, cat, volt);
    if (!rate)
      throw AppError(ErrorCode::validation_failed, "no rate",
                     {{"voltage_level", "电价表“" + table->table.name + "”没有 " + cat + " / " + volt + " 的电价"}});

    const Bill bill = reconstruct_bill(*rate, usage, what);
    bj::object out{{"period", *period},
                   {"account", account},
                   {"table", table_json(*table, false)},
                   {"rate", rate_json(*rate)},
                   {"usage", bj::object{{"kwh_sharp", usage.kwh[0]},
                                        {"kwh_peak", usage.kwh[1]},
                                        {"kwh_flat", usage.kwh[2]},
                                        {"kwh_valley", usage.kwh[3]},
                                        {"kwh_deep", usage.kwh[4]},
                                        {"kwh_total", usage.total_kwh()},
                                        {"kvarh", usage.kvarh},
                                        {"kvarh_exported", usage.kvarh_exported},
                                        {"max_demand_kw", usage.max_demand_kw}}},
                   {"options", options_json(what, what_pf, *rate)},
                   {"bill", bill_json(bill)},
                   {"billed_fen", json::nullable(billed_fen)}};
    if (account_id) {
      // Billed by contract demand with none recorded: the rules' 40 % floor applies (a note says so).
      const Bill as_is = reconstruct_bill(*rate, usage, base);
      out["baseline"] = bj::object{{"options", options_json(base, base_pf, *rate)}, {"bill", bill_json(as_is)}};
      out["difference_fen"] = bill.total_fen - as_is.total_fen;
    }
    return ok(out);
  });
}

// ---- energy profile -----------------------------------------------------------------------------

bj::object profile_json(const AccountFacts& a) {
  const auto pf = account_pf_standard(a);
  return {{"account_id", a.account_id},
          {"contract_demand_kw", a.profile.contract_demand_kw ? bj::value(*a.profile.contract_demand_kw) : bj::value(nullptr)},
          {"motor_kva", a.profile.motor_kva},
          {"pf_standard", json::nullable(a.profile.pf_standard)},
          {"pf_standard_effective", pf ? bj::value(pf_standard_code(*pf)) : bj::value("none")},
          {"capacity_kva", a.capacity_kva},
          {"basic_charge_mode", a.basic_charge_mode},
          {"tariff_category", a.tariff_category},
          {"voltage_level", a.voltage_level}};
}

}  // namespace

void register_routes(http::Router& router, auth::Guard& guard) {
  auto* g = &guard;
  router.get("/api/v1/tariff/schedules", [g](RouteContext& c) {
    g->require(c.request, Permission::reference_read);
    return g->db().read([&](Connection& conn) {
      bj::array items;
      for (auto& s : load_schedules(conn)) items.push_back(schedule_json(s));
      const auto n = static_cast<std::int64_t>(items.size());
      return ok(json::list_envelope(std::move(items), n, 1, n));
    });
  });
  router.get("/api/v1/tariff/tables", [g](RouteContext& c) {
    g->require(c.request, Permission::reference_read);
    const auto province = http::query_text(c.request, "province", 40).value_or("");
    return g->db().read([&](Connection& conn) {
      bj::array items;
      for (auto& t : load_tables(conn, province)) items.push_back(table_json(t, false));
      const auto n = static_cast<std::int64_t>(items.size());
      return ok(json::list_envelope(std::move(items), n, 1, n));
    });
  });
  router.get("/api/v1/tariff/tables/{id}", [g](RouteContext& c) {
    g->require(c.request, Permission::reference_read);
    const std::int64_t id = http::path_id(c);
    return g->db().read([&](Connection& conn) {
      auto t = load_table(conn, id);
      if (!t) throw_not_found("tariff table");
      auto out = table_json(*t, true);
      if (t->schedule_id)
        if (auto s = load_schedule(conn, *t->schedule_id)) out["tou_schedule"] = schedule_json(*s);
      return ok(out);
    });
  });
  router.post("/api/v1/tariff/tables", [g](RouteContext& c) { return save(*g, c, true); });
  router.put("/api/v1/tariff/tables/{id}", [g](RouteContext& c) { return save(*g, c, false); });
  router.del("/api/v1/tariff/tables/{id}", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::tariff_admin);
    require_company_level(p);
    const std::int64_t id = http::path_id(c);
    return g->db().transaction([&](Connection& conn) {
      auto t = load_table(conn, id);
      if (!t) throw_not_found("tariff table");
      delete_table(conn, id);
      audit_table(conn, p, "delete", id, json::serialize(table_json(*t, true)), "");
      return ok(bj::object{{"deleted", id}});
    });
  });
  router.post("/api/v1/tariff/evaluate", [g](RouteContext& c) { return evaluate(*g, c); });
  router.get("/api/v1/accounts/{id}/energy-profile", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    const std::int64_t id = http::path_id(c);
    return g->db().read([&](Connection& conn) { return ok(profile_json(visible_account(conn, p, id))); });
  });
  router.put("/api/v1/accounts/{id}/energy-profile", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_write);
    const std::int64_t id = http::path_id(c);
    auto body = body_of(c);
    return g->db().transaction([&](Connection& conn) {
      auto a = visible_account(conn, p, id);
      const auto before = profile_json(a);
      Validator v;
      EnergyProfile prof = a.profile;
      prof.account_id = id;
      if (json::has(body, "contract_demand_kw")) {
        if (json::is_null(body, "contract_demand_kw")) prof.contract_demand_kw.reset();
        else prof.contract_demand_kw = number_field(body, "contract_demand_kw", v, 0, "");
      }
      prof.motor_kva = number_field(body, "motor_kva", v, prof.motor_kva, "");
      if (json::has(body, "pf_standard")) {
        if (json::is_null(body, "pf_standard")) prof.pf_standard.reset();
        else {
          auto s = json::opt_string(body, "pf_standard", v, 10).value_or("");
          bool known = false;
          pf_of(s, known);
          if (!known) v.add("pf_standard", "功率因数考核标准应为 0.90、0.85、0.80 或 none");
          prof.pf_standard = s;
        }
      }
      // Active power cannot exceed the apparent power of the equipment that carries it.
      if (prof.contract_demand_kw && a.capacity_kva > 0 && *prof.contract_demand_kw > a.capacity_kva + prof.motor_kva)
        v.add("contract_demand_kw", "合同最大需量不能超过变压器与高压电动机容量之和（请核对单位：千瓦）");
      v.throw_if_failed("invalid energy profile");
      save_profile(conn, prof, p.user_id, now_millis());
      a.profile = prof;
      auto after = profile_json(a);
      audit::record(conn, p.actor(), {"update", "energy_profile", std::to_string(id), a.org_path, json::serialize(before), json::serialize(after)});
      return ok(after);
    });
  });
}

}  // namespace lianxin::tariff
