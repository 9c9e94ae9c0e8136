#include "tariff/store.hpp"

#include <boost/json.hpp>
#include <map>

#include "auth/rules.hpp"
#include "common/strings.hpp"
#include "customers/rules.hpp"

namespace lianxin::tariff {

namespace bj = boost::json;

namespace {

std::string hhmm(int minutes) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
  return buf;
}

std::optional<int> parse_hhmm(const std::string& s) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  for (int i : {0, 1, 3, 4})
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  const int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

std::optional<TouPeriod> period_of(const std::string& code) {
  for (TouPeriod p : {TouPeriod::sharp, TouPeriod::peak, TouPeriod::flat, TouPeriod::valley, TouPeriod::deep})
    if (code == tou_period_code(p)) return p;
  return std::nullopt;
}

ScheduleRecord schedule_from(const storage::Row& r) {
  ScheduleRecord s;
  s.id = r.i64(0);
  s.schedule.code = r.str(1);
  s.schedule.name = r.str(2);
  s.province = r.str(3);
  s.schedule.source = r.str(4);
  s.verification = r.str(5);
  s.schedule.bands = parse_bands(r.str(6), "bands");
  s.schedule.sharp_ratio = static_cast<int>(r.i64(7));
  s.schedule.peak_ratio = static_cast<int>(r.i64(8));
  s.schedule.valley_ratio = static_cast<int>(r.i64(9));
  s.schedule.deep_ratio = static_cast<int>(r.i64(10));
  s.notes = r.str(11);
  return s;
}

constexpr const char* kScheduleColumns =
    "SELECT id, code, name, province, source, verification, bands, sharp_ratio, peak_ratio, valley_ratio, deep_ratio, notes "
    "FROM tou_schedules";

constexpr const char* kTableColumns =
    "SELECT t.id, t.province, t.name, t.valid_from, t.valid_to, t.tou_schedule_id, t.source, t.verification, t.notes "
    "FROM tariff_tables t";

std::optional<Uyuan> opt(const storage::Row& r, std::size_t i) { return r.opt_i64(i); }

void load_rates(storage::Connection& conn, std::vector<TableRecord>& tables) {
  if (tables.empty()) return;
  std::map<std::int64_t, TableRecord*> by_id;
  for (auto& t : tables) by_id[t.table.id] = &t;
  std::map<std::int64_t, ScheduleRecord> schedules;
  for (auto& s : load_schedules(conn)) schedules[s.id] = s;
  for (auto& t : tables)
    if (t.schedule_id)
      if (auto it = schedules.find(*t.schedule_id); it != schedules.end()) {
        t.table.schedule = it->second.schedule;
        t.schedule_code = it->second.schedule.code;
      }
  std::string ids;
  for (auto& [id, _] : by_id) ids += (ids.empty() ? "" : ",") + std::to_string(id);
  for (auto& r : conn.query("SELECT table_id, category, voltage_levels, energy_uyuan, sharp_uyuan, peak_uyuan, flat_uyuan, valley_uyuan, "
                            "deep_uyuan, floating_uyuan, td_uyuan, funds_uyuan, demand_fen, capacity_fen FROM tariff_rates "
                            "WHERE table_id IN (" + ids + ") ORDER BY table_id, id")) {
    Rate rate;
    rate.category = r.str(1);
    for (auto& level : split(r.str(2), ','))
      if (!trim(level).empty()) rate.voltage_levels.push_back(trim(level));
    rate.energy_uyuan = r.i64(3);
    for (int p = 0; p < kPeriodCount; ++p) rate.period_uyuan[p] = opt(r, 4 + p);
    rate.floating_uyuan = opt(r, 9);
    rate.td_uyuan = opt(r, 10);
    rate.funds_uyuan = r.i64(11);
    rate.demand_fen = r.opt_i64(12);
    rate.capacity_fen = r.opt_i64(13);
    by_id[r.i64(0)]->table.rates.push_back(std::move(rate));
  }
}

std::vector<TableRecord> tables_from(storage::Connection& conn, const std::vector<storage::Row>& rows) {
  std::vector<TableRecord> out;
  for (auto& r : rows) {
    TableRecord t;
    t.table.id = r.i64(0);
    t.table.province = r.str(1);
    t.table.name = r.str(2);
    t.table.valid_from = r.str(3);
    t.table.valid_to = r.str(4);
    t.schedule_id = r.opt_i64(5);
    t.source = r.str(6);
    t.verification = r.str(7);
    t.notes = r.str(8);
    out.push_back(std::move(t));
  }
  load_rates(conn, out);
  return out;
}

bool in_codes(const std::vector<customers::CodeLabel>& list, const std::string& code) {
  for (auto& c : list)
    if (code == c.code) return true;
  return false;
}

}  // namespace

Settings load_settings(storage::Connection& conn) {
  Settings s;
  for (auto& r : conn.query("SELECT key, value FROM settings WHERE module = 'tariff'")) {
    const std::string key = r.str(0), value = r.str(1);
    auto num = [&] { return std::stod(value); };
    try {
      if (key == "tariff.province") s.province = value;
      else if (key == "tariff.over_contract_threshold_pct") s.rules.over_contract_threshold = num() / 100;
      else if (key == "tariff.over_contract_multiplier_pct") s.rules.over_contract_multiplier = num() / 100;
      else if (key == "tariff.min_contract_ratio_pct") s.rules.min_contract_ratio = num() / 100;
      else if (key == "tariff.demand_discount_kwh_per_kva") s.rules.discount_kwh_per_kva = num();
      else if (key == "tariff.demand_discount_pct") s.rules.discount_factor = num() / 100;
      else if (key == "tariff.proration_denominator") s.rules.proration_denominator = static_cast<int>(num());
      else if (key == "tariff.pf_excludes_funds") s.pf_excludes_funds = value == "true";
      else if (key == "tariff.actual_demand_allowed") s.actual_demand_allowed = value == "true";
      else if (key == "tariff.method_change_notice_wd") s.method_change_notice_wd = static_cast<int>(num());
      else if (key == "tariff.contract_demand_notice_wd") s.contract_demand_notice_wd = static_cast<int>(num());
      else if (key == "tariff.suspension_min_days") s.suspension_min_days = static_cast<int>(num());
      else if (key == "tariff.suspension_max_months") s.suspension_max_months = static_cast<int>(num());
      else if (key == "tariff.pf_target_hundredths") s.pf_target_hundredths = static_cast<int>(num());
      else if (key == "tariff.tou_shift_pct") s.tou_shift_pct = static_cast<int>(num());
      else if (key == "tariff.capacity_use_pct") s.capacity_use_pct = static_cast<int>(num());
      else if (key == "tariff.anomaly_drop_pct") s.anomaly_drop_pct = static_cast<int>(num());
      else if (key == "tariff.anomaly_review_days") s.anomaly_review_days = static_cast<int>(num());
    } catch (const std::exception&) {
      // A malformed stored value keeps the default (the settings API only stores valid ones).
    }
  }
  return s;
}

std::vector<TouBand> parse_bands(const std::string& text, const std::string& field) {
  std::vector<TouBand> bands;
  bj::value v;
  try {
    v = bj::parse(text);
  } catch (const std::exception&) {
    throw AppError(ErrorCode::validation_failed, "invalid time-of-use bands", {{field, "时段不是有效的 JSON 列表"}});
  }
  if (!v.is_array()) throw AppError(ErrorCode::validation_failed, "invalid time-of-use bands", {{field, "时段应为列表"}});
  Validator val;
  int i = 0;
  for (auto& b : v.as_array()) {
    const std::string at = field + "[" + std::to_string(i++) + "]";
    if (!b.is_object()) {
      val.add(at, "时段应为对象");
      continue;
    }
    const auto& o = b.as_object();
    TouBand band;
    if (auto* m = o.if_contains("months"); m && m->is_array()) {
      for (auto& month : m->as_array()) {
        if (!month.is_int64() || month.as_int64() < 1 || month.as_int64() > 12) {
          val.add(at + ".months", "月份应为 1–12");
          continue;
        }
        band.months = static_cast<std::uint16_t>(band.months | (1u << month.as_int64()));
      }
    } else {
      val.add(at + ".months", "请填写适用月份");
    }
    auto text_of = [&](const char* k) -> std::string {
      auto* x = o.if_contains(k);
      return x && x->is_string() ? std::string(x->as_string()) : std::string();
    };
    auto start = parse_hhmm(text_of("start")), end = parse_hhmm(text_of("end"));
    if (!start) val.add(at + ".start", "开始时间应为 HH:MM");
    if (!end) val.add(at + ".end", "结束时间应为 HH:MM（全天结束写 24:00）");
    auto period = period_of(text_of("period"));
    if (!period) val.add(at + ".period", "时段类别应为 sharp、peak、flat、valley 或 deep");
    if (start && end && period) {
      band.start = *start;
      band.end = *end;
      band.period = *period;
      bands.push_back(band);
    }
  }
  val.throw_if_failed("invalid time-of-use bands");
  return bands;
}

std::string bands_json(const std::vector<TouBand>& bands) {
  bj::array out;
  for (const TouBand& b : bands) {
    bj::array months;
    for (int m = 1; m <= 12; ++m)
      if (b.months & (1u << m)) months.push_back(m);
    out.push_back(bj::object{{"months", std::move(months)}, {"start", hhmm(b.start)}, {"end", hhmm(b.end)}, {"period", tou_period_code(b.period)}});
  }
  return bj::serialize(out);
}

std::vector<ScheduleRecord> load_schedules(storage::Connection& conn) {
  std::vector<ScheduleRecord> out;
  for (auto& r : conn.query(std::string(kScheduleColumns) + " ORDER BY province, code")) out.push_back(schedule_from(r));
  return out;
}

std::optional<ScheduleRecord> load_schedule(storage::Connection& conn, std::int64_t id) {
  auto r = conn.query_one(std::string(kScheduleColumns) + " WHERE id = ?", {id});
  if (!r) return std::nullopt;
  return schedule_from(*r);
}

std::vector<TableRecord> load_tables(storage::Connection& conn, const std::string& province) {
  std::string sql = kTableColumns;
  storage::Params params;
  if (!province.empty()) {
    sql += " WHERE t.province = ?";
    params.push_back(province);
  }
  return tables_from(conn, conn.query(sql + " ORDER BY t.province, t.valid_from DESC, t.id DESC", params));
}

std::optional<TableRecord> load_table(storage::Connection& conn, std::int64_t id) {
  auto list = tables_from(conn, conn.query(std::string(kTableColumns) + " WHERE t.id = ?", {id}));
  if (list.empty()) return std::nullopt;
  return std::move(list.front());
}

std::optional<TableRecord> table_on(storage::Connection& conn, const std::string& province, const std::string& date) {
  auto list = tables_from(conn, conn.query(std::string(kTableColumns) +
                                               " WHERE t.province = ? AND t.valid_from <= ? AND (t.valid_to IS NULL OR t.valid_to >= ?) "
                                               "ORDER BY t.valid_from DESC LIMIT 1",
                                           {province, date, date}));
  if (list.empty()) return std::nullopt;
  return std::move(list.front());
}

std::int64_t save_table(storage::Connection& conn, TableRecord rec, std::int64_t user_id, std::int64_t now) {
  Validator v;
  if (rec.schedule_id) {
    auto s = load_schedule(conn, *rec.schedule_id);
    if (!s) {
      v.add("tou_schedule_id", "分时时段方案不存在");
    } else {
      rec.table.schedule = s->schedule;
      rec.schedule_code = s->schedule.code;
    }
  } else {
    rec.table.schedule.reset();
  }
  if (rec.verification != "V" && rec.verification != "S" && rec.verification != "U" && rec.verification != "P")
    v.add("verification", "核实程度应为 V、S、U 或 P");
  if (trim(rec.source).empty()) v.add("source", "请注明电价表出处（文件号或网址）");
  std::vector<TariffTable> others;
  for (auto& t : load_tables(conn, rec.table.province)) others.push_back(std::move(t.table));
  for (auto& issue : table_problems(rec.table, others)) v.add(issue.field, issue.message);
  for (std::size_t i = 0; i < rec.table.rates.size(); ++i) {
    const Rate& r = rec.table.rates[i];
    const std::string at = "rates[" + std::to_string(i) + "].";
    if (!r.category.empty() && !in_codes(customers::tariff_categories(), r.category)) v.add(at + "category", "未知的用电类别 " + r.category);
    for (auto& level : r.voltage_levels)
      if (!in_codes(customers::voltage_levels(), level)) v.add(at + "voltage_levels", "未知的电压等级 " + level);
  }
  v.throw_if_failed("invalid tariff table");
  const auto& t = rec.table;
  std::int64_t id = t.id;
  const storage::Value to = t.valid_to.empty() ? storage::Value{} : storage::Value{t.valid_to};
  if (id == 0) {
    id = conn.insert_returning_id(
        "INSERT INTO tariff_tables(province, name, valid_from, valid_to, tou_schedule_id, source, verification, notes, created_by, created_at, "
        "updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
        {t.province, t.name, t.valid_from, to, storage::opt_value(rec.schedule_id), rec.source, rec.verification, storage::text_or_null(rec.notes),
         user_id, now, now});
  } else {
    conn.execute("UPDATE tariff_tables SET province = ?, name = ?, valid_from = ?, valid_to = ?, tou_schedule_id = ?, source = ?, verification = ?, "
                 "notes = ?, updated_at = ? WHERE id = ?",
                 {t.province, t.name, t.valid_from, to, storage::opt_value(rec.schedule_id), rec.source, rec.verification,
                  storage::text_or_null(rec.notes), now, id});
    conn.execute("DELETE FROM tariff_rates WHERE table_id = ?", {id});
  }
  for (const Rate& r : t.rates) {
    storage::Params params{id, r.category, join(r.voltage_levels, ","), r.energy_uyuan};
    for (int p = 0; p < kPeriodCount; ++p) params.push_back(storage::opt_value(r.period_uyuan[p]));
    params.push_back(storage::opt_value(r.floating_uyuan));
    params.push_back(storage::opt_value(r.td_uyuan));
    params.push_back(r.funds_uyuan);
    params.push_back(storage::opt_value(r.demand_fen));
    params.push_back(storage::opt_value(r.capacity_fen));
    conn.execute("INSERT INTO tariff_rates(table_id, category, voltage_levels, energy_uyuan, sharp_uyuan, peak_uyuan, flat_uyuan, valley_uyuan, "
                 "deep_uyuan, floating_uyuan, td_uyuan, funds_uyuan, demand_fen, capacity_fen) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                 params);
  }
  return id;
}

void delete_table(storage::Connection& conn, std::int64_t id) {
  conn.execute("DELETE FROM tariff_rates WHERE table_id = ?", {id});
  conn.execute("DELETE FROM tariff_tables WHERE id = ?", {id});
}

std::optional<EnergyProfile> load_profile(storage::Connection& conn, std::int64_t account_id) {
  auto r = conn.query_one("SELECT account_id, contract_demand_kw, motor_kva, pf_standard FROM account_energy_profiles WHERE account_id = ?",
                          {account_id});
  if (!r) return std::nullopt;
  EnergyProfile p;
  p.account_id = r->i64(0);
  if (!r->is_null(1)) p.contract_demand_kw = r->f64(1);
  p.motor_kva = r->f64(2);
  p.pf_standard = r->opt_str(3);
  return p;
}

void save_profile(storage::Connection& conn, const EnergyProfile& p, std::int64_t user_id, std::int64_t now) {
  const storage::Value demand = p.contract_demand_kw ? storage::Value{*p.contract_demand_kw} : storage::Value{};
  if (conn.execute("UPDATE account_energy_profiles SET contract_demand_kw = ?, motor_kva = ?, pf_standard = ?, updated_by = ?, updated_at = ? "
                   "WHERE account_id = ?",
                   {demand, p.motor_kva, storage::opt_value(p.pf_standard), user_id, now, p.account_id}) == 0)
    conn.execute("INSERT INTO account_energy_profiles(account_id, contract_demand_kw, motor_kva, pf_standard, updated_by, updated_at) "
                 "VALUES (?,?,?,?,?,?)",
                 {p.account_id, demand, p.motor_kva, storage::opt_value(p.pf_standard), user_id, now});
}

std::optional<AccountFacts> load_account(storage::Connection& conn, std::int64_t account_id) {
  auto r = conn.query_one(
      "SELECT a.id, a.customer_id, a.account_no, c.name, c.org_path, c.manager_id, c.backup_manager_id, a.voltage_level, a.tariff_category, "
      "a.basic_charge_mode, COALESCE(c.industry_code, ''), a.contract_capacity_kva FROM accounts a JOIN customers c ON c.id = a.customer_id "
      "WHERE a.id = ?",
      {account_id});
  if (!r) return std::nullopt;
  AccountFacts a;
  a.account_id = r->i64(0);
  a.customer_id = r->i64(1);
  a.account_no = r->str(2);
  a.customer_name = r->str(3);
  a.org_path = r->str(4);
  a.manager_id = r->opt_i64(5);
  a.backup_manager_id = r->opt_i64(6);
  a.voltage_level = r->str(7);
  a.tariff_category = r->str(8);
  a.basic_charge_mode = r->str(9);
  a.industry_code = r->str(10);
  a.capacity_kva = static_cast<double>(r->i64(11));
  a.profile.account_id = a.account_id;
  if (auto p = load_profile(conn, account_id)) a.profile = *p;
  return a;
}

AccountFacts visible_account(storage::Connection& conn, const auth::Principal& p, std::int64_t account_id) {
  auto a = load_account(conn, account_id);
  if (!a || !auth::customer_visible(p, a->org_path, a->manager_id, a->backup_manager_id)) throw_not_found("account");
  return *a;
}

std::optional<PfStandard> account_pf_standard(const AccountFacts& a) {
  if (const auto& s = a.profile.pf_standard) {
    if (*s == "0.90") return PfStandard::pf090;
    if (*s == "0.85") return PfStandard::pf085;
    if (*s == "0.80") return PfStandard::pf080;
    return std::nullopt;  // "none"
  }
  PfCustomer c;
  c.high_voltage = a.voltage_level != "0.22kV" && a.voltage_level != "0.38kV";
  // GB/T 4754 sections B (mining), C (manufacturing), D (utilities) are industrial.
  const char section = a.industry_code.empty() ? ' ' : a.industry_code[0];
  const bool digits = !a.industry_code.empty() && a.industry_code[0] >= '0' && a.industry_code[0] <= '9';
  if (digits) {
    const int division = std::atoi(a.industry_code.substr(0, 2).c_str());
    c.industrial = division >= 6 && division <= 46;  // divisions 06–46: sections B–D
    c.agricultural = division >= 1 && division <= 5;
  } else {
    c.industrial = section == 'B' || section == 'C' || section == 'D';
    c.agricultural = section == 'A';
  }
  c.capacity_kva = static_cast<std::int64_t>(a.capacity_kva);
  return pf_standard_for(c);
}

BasicMode basic_mode_of(const std::string& code) {
  if (code == "contract_demand") return BasicMode::contract_demand;
  if (code == "actual_demand") return BasicMode::actual_demand;
  return BasicMode::capacity;
}

const char* basic_mode_code(BasicMode m) {
  switch (m) {
    case BasicMode::capacity: return "capacity";
    case BasicMode::contract_demand: return "contract_demand";
    case BasicMode::actual_demand: return "actual_demand";
  }
  return "capacity";
}

}  // namespace lianxin::tariff
