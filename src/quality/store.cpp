#include "quality/store.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <unordered_map>

#include "notify/notify.hpp"
#include "org/tree.hpp"
#include "quality/rules.hpp"
#include "text/text.hpp"

namespace lianxin::quality {

using storage::Connection;
using storage::Params;
using storage::Value;

namespace {

constexpr Millis kDay = 86'400'000;

int int_setting(Connection& conn, const char* key, int fallback) {
  if (auto v = storage::setting(conn, key)) {
    try {
      return std::stoi(*v);
    } catch (const std::exception&) {
    }
  }
  return fallback;
}

// The rules only the full pass evaluates (and so may close): outliers need every peer.
const std::set<std::string>& full_only_rules() {
  static const std::set<std::string> s{"anomalies.capacity", "anomalies.consumption"};
  return s;
}

// Loads the facts of the customers selected by `where` (on alias c; accounts and contacts are
// selected by the same condition through their customer).
std::vector<CustomerFacts> load_facts(Connection& conn, const std::string& where, const Params& params,
                                      const std::set<std::string>& industries) {
  std::vector<CustomerFacts> out;
  std::unordered_map<std::int64_t, std::size_t> index;
  conn.query_each("SELECT c.id, c.name, COALESCE(c.credit_code, ''), COALESCE(c.industry_code, ''), COALESCE(c.address, ''), c.importance_class, "
                  "c.is_key_account, c.is_group, c.manager_id FROM customers c WHERE c.status = 'active' AND " + where + " ORDER BY c.id",
                  params, [&](const storage::Row& r) {
                    CustomerFacts f;
                    f.id = r.i64(0);
                    f.name = r.str(1);
                    f.credit_code = r.str(2);
                    f.industry_code = r.str(3);
                    f.industry_known = f.industry_code.empty() || industries.count(f.industry_code) > 0;
                    f.address = r.str(4);
                    f.importance_class = r.str(5);
                    f.key_account = r.boolean(6);
                    f.is_group = r.boolean(7);
                    f.manager_id = r.opt_i64(8);
                    index[f.id] = out.size();
                    out.push_back(std::move(f));
                  });
  if (out.empty()) return out;
  std::unordered_map<std::int64_t, int> further;  // account → further sources in the topology
  conn.query_each("SELECT s.account_id, COUNT(*) FROM account_sources s JOIN accounts a ON a.id = s.account_id JOIN customers c ON c.id = a.customer_id "
                  "WHERE c.status = 'active' AND " + where + " GROUP BY s.account_id",
                  params, [&](const storage::Row& r) { further[r.i64(0)] = static_cast<int>(r.i64(1)); });
  conn.query_each(
      "SELECT a.customer_id, a.id, a.account_no, a.voltage_level, a.tariff_category, a.basic_charge_mode, a.contract_capacity_kva, a.supply_sources, "
      "a.emergency_power, a.line_id, a.transformer_area_id, a.section_id, l.id, t.id, a.status FROM accounts a JOIN customers c ON c.id = a.customer_id "
      "LEFT JOIN lines l ON l.id = a.line_id LEFT JOIN transformer_areas t ON t.id = a.transformer_area_id "
      "WHERE c.status = 'active' AND " + where,
      params, [&](const storage::Row& r) {
        auto it = index.find(r.i64(0));
        if (it == index.end()) return;
        AccountFacts a;
        a.id = r.i64(1);
        a.account_no = r.str(2);
        a.voltage_level = r.str(3);
        a.tariff_category = r.str(4);
        a.basic_charge_mode = r.str(5);
        a.capacity_kva = r.i64(6);
        a.declared_sources = static_cast<int>(r.i64(7));
        a.emergency_power = r.boolean(8);
        a.has_line = !r.is_null(9) || !r.is_null(11);
        a.has_area = !r.is_null(10);
        a.line_unknown = !r.is_null(9) && r.is_null(12);
        a.area_unknown = !r.is_null(10) && r.is_null(13);
        a.topology_sources = (a.has_line || a.has_area ? 1 : 0) + (further.count(a.id) ? further[a.id] : 0);
        a.active = r.str(14) == "active";
        out[it->second].accounts.push_back(std::move(a));
      });
  conn.query_each("SELECT k.customer_id, k.id, k.name, COALESCE(k.mobile, ''), COALESCE(k.email, ''), k.notice_types, k.active, k.confirmed_at "
                  "FROM contacts k JOIN customers c ON c.id = k.customer_id WHERE c.status = 'active' AND " + where,
                  params, [&](const storage::Row& r) {
                    auto it = index.find(r.i64(0));
                    if (it == index.end()) return;
                    ContactFacts k;
                    k.id = r.i64(1);
                    k.name = r.str(2);
                    k.mobile = r.str(3);
                    k.email = r.str(4);
                    k.notice_types = r.str(5);
                    k.active = r.boolean(6);
                    k.confirmed_at = r.opt_i64(7);
                    out[it->second].contacts.push_back(std::move(k));
                  });
  return out;
}

std::set<std::string> industry_codes(Connection& conn) {
  std::set<std::string> s;
  conn.query_each("SELECT code FROM industries", {}, [&](const storage::Row& r) { s.insert(r.str(0)); });
  return s;
}

struct FoundRow {
  std::int64_t customer = 0;
  Finding f;
};

// Contacts whose mobile number is also on an unrelated customer (another group), among the
// contacts selected by `where` on alias k (or all).
void mobile_duplicates(Connection& conn, const std::string& mobiles_where, const Params& params, std::vector<FoundRow>& out) {
  std::map<std::string, std::vector<std::tuple<std::int64_t, std::int64_t, std::int64_t, std::string>>> by_mobile;  // contact, customer, family, name
  conn.query_each("SELECT k.mobile, k.id, k.customer_id, COALESCE(c.group_id, c.id), c.name FROM contacts k JOIN customers c ON c.id = k.customer_id "
                  "WHERE k.active = 1 AND c.status = 'active' AND k.mobile IS NOT NULL AND k.mobile <> '' AND " + mobiles_where,
                  params, [&](const storage::Row& r) { by_mobile[r.str(0)].emplace_back(r.i64(1), r.i64(2), r.i64(3), r.str(4)); });
  for (auto& [mobile, contacts] : by_mobile) {
    std::set<std::int64_t> families;
    for (auto& c : contacts) families.insert(std::get<2>(c));
    if (families.size() < 2) continue;
    for (auto& [contact, customer, family, name] : contacts) {
      std::string others;
      int n = 0;
      for (auto& o : contacts)
        if (std::get<2>(o) != family && n++ < 3) others += (others.empty() ? "" : "、") + std::get<3>(o);
      out.push_back({customer, {"duplicates.mobile", 0, contact, "mobile", "手机号 " + mobile + " 也登记在：" + others}});
    }
  }
}

// Customers sharing a credit code: over the whole archive (upper-cased and trimmed, as legacy data
// may hold it), or for the customers in `in` (by the unique index: codes as stored).
void credit_duplicates(Connection& conn, const std::string& in, const Params& params, std::vector<FoundRow>& out) {
  std::map<std::string, std::vector<std::pair<std::int64_t, std::string>>> by_code;
  const std::string sql =
      in.empty() ? "SELECT UPPER(TRIM(c.credit_code)), c.id, c.name FROM customers c WHERE c.status = 'active' AND c.credit_code IS NOT NULL "
                   "AND c.credit_code <> ''"
                 : "SELECT c.credit_code, c.id, c.name FROM customers c WHERE c.status = 'active' AND c.credit_code IN "
                   "(SELECT x.credit_code FROM customers x WHERE x.credit_code IS NOT NULL AND x.id IN " + in + ")";
  conn.query_each(sql, params, [&](const storage::Row& r) { by_code[r.str(0)].emplace_back(r.i64(1), r.str(2)); });
  for (auto& [code, customers] : by_code) {
    if (customers.size() < 2) continue;
    for (auto& [id, name] : customers) {
      std::string others;
      for (auto& o : customers)
        if (o.first != id) others += (others.empty() ? "" : "、") + o.second + "（" + std::to_string(o.first) + "）";
      out.push_back({id, {"duplicates.credit_code", 0, 0, "credit_code", "统一社会信用代码 " + code + " 也登记在：" + others}});
    }
  }
}

// Near-identical names in one bureau (simplified characters, without punctuation and bracketed remarks).
void name_duplicates(Connection& conn, const org::Tree& tree, std::vector<FoundRow>& out) {
  std::map<std::pair<std::int64_t, std::string>, std::vector<std::pair<std::int64_t, std::string>>> groups;
  Params keys;
  conn.query_each("SELECT id, name, org_unit_id FROM customers WHERE status = 'active' AND is_group = 0", {}, [&](const storage::Row& r) {
    const std::string key = name_key(text::to_simplified(r.str(1)));
    const std::int64_t bureau = tree.bureau_of(r.i64(2));
    keys.insert(keys.end(), {r.i64(0), bureau, key});
    if (key.size() < 6) return;  // two characters or fewer say nothing
    groups[{bureau, key}].emplace_back(r.i64(0), r.str(1));
  });
  // The keys, for the re-check of one customer against its bureau: only what changed is written.
  std::unordered_map<std::int64_t, std::pair<std::int64_t, std::string>> stored;
  conn.query_each("SELECT customer_id, bureau_id, name_key FROM quality_name_keys", {},
                  [&](const storage::Row& r) { stored.emplace(r.i64(0), std::make_pair(r.i64(1), r.str(2))); });
  Params fresh;
  std::vector<std::int64_t> stale;
  for (std::size_t i = 0; i < keys.size(); i += 3) {
    const std::int64_t id = std::get<std::int64_t>(keys[i]);
    auto it = stored.find(id);
    if (it != stored.end()) {
      const bool same = it->second.first == std::get<std::int64_t>(keys[i + 1]) && it->second.second == std::get<std::string>(keys[i + 2]);
      stored.erase(it);
      if (same) continue;
      stale.push_back(id);
    }
    fresh.insert(fresh.end(), {keys[i], keys[i + 1], keys[i + 2]});
  }
  for (auto& [id, v] : stored) stale.push_back(id);  // no longer active
  storage::for_id_chunks(stale, {}, [&](const std::string& in, const Params& p) { conn.execute("DELETE FROM quality_name_keys WHERE customer_id IN " + in, p); });
  storage::insert_many(conn, "INSERT INTO quality_name_keys(customer_id, bureau_id, name_key) VALUES ", "(?,?,?)", 3, fresh);
  for (auto& [key, customers] : groups) {
    if (customers.size() < 2) continue;
    for (auto& [id, name] : customers) {
      std::string others;
      int n = 0;
      for (auto& o : customers)
        if (o.first != id && n++ < 3) others += (others.empty() ? "" : "、") + o.second + "（" + std::to_string(o.first) + "）";
      out.push_back({id, {"duplicates.name", 0, 0, "name", "名称与同单位的 " + others + " 近似"}});
    }
  }
}

// The name keys of these customers refreshed (removed when no longer active), and the customers of
// the same bureau with the same key.
void name_duplicates_of(Connection& conn, const std::string& in, const Params& ids, std::vector<FoundRow>& out) {
  const org::Tree tree = org::Tree::load(conn);
  std::vector<std::tuple<std::int64_t, std::int64_t, std::string>> mine;  // customer, bureau, key
  conn.query_each("SELECT id, name, org_unit_id FROM customers WHERE status = 'active' AND is_group = 0 AND id IN " + in, ids,
                  [&](const storage::Row& r) { mine.emplace_back(r.i64(0), tree.bureau_of(r.i64(2)), name_key(text::to_simplified(r.str(1)))); });
  conn.execute("DELETE FROM quality_name_keys WHERE customer_id IN " + in, ids);
  for (auto& [id, bureau, key] : mine) {
    conn.execute("INSERT INTO quality_name_keys(customer_id, bureau_id, name_key) VALUES (?,?,?)", {id, bureau, key});
    if (key.size() < 6) continue;
    std::string others;
    int n = 0;
    conn.query_each("SELECT c.id, c.name FROM quality_name_keys k JOIN customers c ON c.id = k.customer_id WHERE k.bureau_id = ? AND k.name_key = ? "
                    "AND k.customer_id <> ? AND c.status = 'active' ORDER BY c.id LIMIT 3",
                    {bureau, key, id}, [&](const storage::Row& r) {
                      others += (others.empty() ? "" : "、") + r.str(1) + "（" + std::to_string(r.i64(0)) + "）";
                      ++n;
                    });
    if (n > 0) out.push_back({id, {"duplicates.name", 0, 0, "name", "名称与同单位的 " + others + " 近似"}});
  }
}

// Contract capacity far from accounts of the same industry section and voltage; annual kWh per
// kVA far from customers of the same industry section.
void figure_anomalies(Connection& conn, std::vector<FoundRow>& out) {
  struct Capacity {
    std::int64_t customer, account, kva;
    std::string no;
  };
  std::map<std::pair<std::string, std::string>, std::vector<Capacity>> by_group;
  struct Usage {
    std::int64_t customer;
    double kwh, kva;
  };
  std::map<std::string, std::vector<Usage>> by_section;
  std::map<std::int64_t, std::pair<std::string, double>> customer_kva;  // customer → (section, kWh)
  conn.query_each("SELECT a.customer_id, a.id, a.account_no, a.contract_capacity_kva, a.voltage_level, i.section, c.annual_kwh FROM accounts a "
                  "JOIN customers c ON c.id = a.customer_id JOIN industries i ON i.code = c.industry_code "
                  "WHERE c.status = 'active' AND a.status = 'active' AND a.contract_capacity_kva > 0 AND a.tariff_category <> 'residential'",
                  {}, [&](const storage::Row& r) {
                    by_group[{r.str(5), r.str(4)}].push_back({r.i64(0), r.i64(1), r.i64(3), r.str(2)});
                    auto& u = customer_kva[r.i64(0)];
                    u.first = r.str(5);
                    u.second += static_cast<double>(r.i64(3));
                  });
  for (auto& [group, accounts] : by_group) {
    std::vector<double> logs;
    logs.reserve(accounts.size());
    for (auto& a : accounts) logs.push_back(std::log(static_cast<double>(a.kva)));
    const PeerStats st = peer_stats(std::move(logs));
    const double typical = std::exp(st.median);
    for (auto& a : accounts)
      if (is_outlier(static_cast<double>(a.kva), st))
        out.push_back({a.customer, {"anomalies.capacity", a.account, 0, "contract_capacity_kva",
                                    "户号 " + a.no + " 合同容量 " + std::to_string(a.kva) + "kVA，同行业同电压等级典型值约 " +
                                        std::to_string(static_cast<std::int64_t>(typical)) + "kVA"}});
  }
  conn.query_each("SELECT c.id, c.annual_kwh FROM customers c WHERE c.status = 'active' AND c.annual_kwh > 0", {}, [&](const storage::Row& r) {
    auto it = customer_kva.find(r.i64(0));
    if (it == customer_kva.end() || it->second.second <= 0) return;
    by_section[it->second.first].push_back({r.i64(0), r.f64(1), it->second.second});
  });
  for (auto& [section, customers] : by_section) {
    std::vector<double> logs;
    for (auto& u : customers) logs.push_back(std::log(u.kwh / u.kva));
    const PeerStats st = peer_stats(std::move(logs));
    for (auto& u : customers)
      if (is_outlier(u.kwh / u.kva, st))
        out.push_back({u.customer, {"anomalies.consumption", 0, 0, "annual_kwh",
                                    "年用电量每千伏安 " + std::to_string(static_cast<std::int64_t>(u.kwh / u.kva)) + "kWh，同行业典型值约 " +
                                        std::to_string(static_cast<std::int64_t>(std::exp(st.median))) + "kWh"}});
  }
}

// Opens, refreshes and closes the live findings of `rules` for the customers in `where` (on alias
// f; all when empty) against what was found now.
RunResult reconcile(Connection& conn, const std::set<std::string>& rules, const std::string& where, const Params& params,
                    const std::vector<FoundRow>& found, Millis now) {
  RunResult res;
  struct Live {
    std::int64_t id;
    std::string status, detail;
  };
  auto key_of = [](const std::string& rule, std::int64_t customer, std::int64_t account, std::int64_t contact) {
    return rule + "|" + std::to_string(customer) + "|" + std::to_string(account) + "|" + std::to_string(contact);
  };
  std::unordered_map<std::string, Live> live;
  std::string rule_list;
  Params rule_params;
  for (auto& r : rules) {
    rule_list += (rule_list.empty() ? "?" : ",?");
    rule_params.push_back(r);
  }
  if (rules.empty()) return res;
  Params q = rule_params;
  q.insert(q.end(), params.begin(), params.end());
  conn.query_each("SELECT f.id, f.rule, f.customer_id, f.account_id, f.contact_id, f.status, f.detail FROM quality_findings f "
                  "WHERE f.status <> 'closed' AND f.rule IN (" + rule_list + ")" + (where.empty() ? "" : " AND " + where),
                  q, [&](const storage::Row& r) { live[key_of(r.str(1), r.i64(2), r.i64(3), r.i64(4))] = {r.i64(0), r.str(5), r.str(6)}; });
  Params inserts;
  std::vector<std::int64_t> seen;
  std::set<std::string> done;
  for (const FoundRow& row : found) {
    if (!rules.count(row.f.rule)) continue;
    const std::string key = key_of(row.f.rule, row.customer, row.f.account_id, row.f.contact_id);
    if (!done.insert(key).second) continue;
    auto it = live.find(key);
    if (it != live.end()) {
      if (it->second.detail != row.f.detail) conn.execute("UPDATE quality_findings SET detail = ? WHERE id = ?", {row.f.detail, it->second.id});
      seen.push_back(it->second.id);
      live.erase(it);
      continue;
    }
    const RuleInfo* info = rule(row.f.rule);
    const Severity sev = info ? info->severity : Severity::medium;
    inserts.insert(inserts.end(), {row.f.rule, row.customer, row.f.account_id, row.f.contact_id, row.f.field, row.f.detail,
                                   std::string(severity_code(sev)), std::int64_t{severity_weight(sev)}, now, now});
    ++res.opened;
  }
  storage::insert_many(conn,
                       "INSERT INTO quality_findings(rule, customer_id, account_id, contact_id, field, detail, severity, weight, first_seen, "
                       "last_seen, status) VALUES ",
                       "(?,?,?,?,?,?,?,?,?,?,'open')", 10, inserts);
  storage::for_id_chunks(seen, {now}, [&](const std::string& in, const Params& p) {
    conn.execute("UPDATE quality_findings SET last_seen = ? WHERE id IN " + in, p);
  });
  std::vector<std::int64_t> fixed;
  for (auto& [key, l] : live) fixed.push_back(l.id);
  storage::for_id_chunks(fixed, {now}, [&](const std::string& in, const Params& p) {
    conn.execute("UPDATE quality_findings SET status = 'closed', closed_at = ? WHERE id IN " + in, p);
  });
  res.closed = static_cast<std::int64_t>(fixed.size());
  return res;
}

std::string week_of(Millis now) {
  const std::string day = shanghai_date(now);
  const Millis midnight = shanghai_midnight(day);
  // 1970-01-01 was a Thursday: days since then + 3 mod 7 = days since Monday.
  const std::int64_t days = (midnight + 8 * 3'600'000) / kDay;
  return shanghai_date(midnight - ((days + 3) % 7) * kDay);
}

// This week's scores: the company, each bureau, each account manager (their key accounts) and each rule.
void snapshot_scores(Connection& conn, Millis now) {
  const org::Tree tree = org::Tree::load(conn);
  const std::string week = week_of(now);
  struct Agg {
    std::int64_t customers = 0, lost = 0, open = 0;
  };
  Agg company;
  std::map<std::int64_t, Agg> bureaus, managers;
  std::unordered_map<std::int64_t, std::pair<std::int64_t, std::int64_t>> lost_by_customer;  // weight (capped), findings
  conn.query_each("SELECT customer_id, SUM(weight), COUNT(*) FROM quality_findings WHERE status IN ('open','dismiss_requested') GROUP BY customer_id",
                  {}, [&](const storage::Row& r) { lost_by_customer[r.i64(0)] = {std::min<std::int64_t>(100, r.i64(1)), r.i64(2)}; });
  conn.query_each("SELECT id, org_unit_id, is_key_account, manager_id FROM customers WHERE status = 'active'", {}, [&](const storage::Row& r) {
    auto it = lost_by_customer.find(r.i64(0));
    const std::int64_t lost = it == lost_by_customer.end() ? 0 : it->second.first, open = it == lost_by_customer.end() ? 0 : it->second.second;
    // The company, the customer's bureau and every bureau above it (a city holds its counties).
    std::vector<Agg*> into{&company};
    for (std::int64_t u = tree.bureau_of(r.i64(1)); u != 0 && tree.kind(u) != "company"; u = tree.parent(u)) into.push_back(&bureaus[u]);
    for (Agg* a : into) {
      a->customers += 1;
      a->lost += lost;
      a->open += open;
    }
    if (r.boolean(2) && !r.is_null(3)) {
      Agg& m = managers[r.i64(3)];
      m.customers += 1;
      m.lost += lost;
      m.open += open;
    }
  });
  Params rows;
  auto put = [&](const char* scope, const std::string& ref, const Agg& a) {
    const double score = a.customers ? 100.0 - static_cast<double>(a.lost) / static_cast<double>(a.customers) : 100.0;
    rows.insert(rows.end(), {week, std::string(scope), ref, a.customers, std::round(score * 10) / 10, a.open});
  };
  put("company", "", company);
  for (auto& [id, a] : bureaus) put("bureau", std::to_string(id), a);
  for (auto& [id, a] : managers) put("manager", std::to_string(id), a);
  conn.query_each("SELECT rule, COUNT(*) FROM quality_findings WHERE status IN ('open','dismiss_requested') GROUP BY rule", {},
                  [&](const storage::Row& r) {
                    rows.insert(rows.end(), {week, std::string("rule"), r.str(0), company.customers, static_cast<double>(r.i64(1)), r.i64(1)});
                  });
  conn.execute("DELETE FROM quality_scores WHERE week = ?", {week});
  storage::insert_many(conn, "INSERT INTO quality_scores(week, scope, ref, customers, score, open_findings) VALUES ", "(?,?,?,?,?,?)", 6, rows);
}

void record_run(Connection& conn, const char* kind, Millis started, Millis now, RunResult& res) {
  res.open_total = conn.query_i64("SELECT COUNT(*) FROM quality_findings WHERE status IN ('open','dismiss_requested')");
  conn.execute("INSERT INTO quality_runs(kind, started_at, finished_at, customers, opened, closed, open_total) VALUES (?,?,?,?,?,?,?)",
               {std::string(kind), started, std::max(now, started), res.customers, res.opened, res.closed, res.open_total});
}

}  // namespace

std::set<std::string> enabled_rules(Connection& conn) {
  std::set<std::string> off;
  conn.query_each("SELECT code FROM quality_rule_settings WHERE enabled = 0", {}, [&](const storage::Row& r) { off.insert(r.str(0)); });
  std::set<std::string> on;
  for (auto& r : rule_library())
    if (!off.count(r.code)) on.insert(r.code);
  return on;
}

RunResult recheck_customers(Connection& conn, const std::vector<std::int64_t>& customer_ids, Millis now) {
  RunResult total;
  if (customer_ids.empty()) return total;
  const std::set<std::string> enabled = enabled_rules(conn);
  const std::set<std::string> industries = industry_codes(conn);
  const CheckParams rule_params{now, int_setting(conn, "quality.contact_confirm_days", 365)};
  // The rules a recheck evaluates: the per-record ones and the duplicates of codes and mobiles.
  std::set<std::string> evaluated;
  for (auto& r : rule_library())
    if (enabled.count(r.code) && !full_only_rules().count(r.code)) evaluated.insert(r.code);
  storage::for_id_chunks(customer_ids, {}, [&](const std::string& in, const Params& ids) {
    std::vector<FoundRow> found;
    for (const CustomerFacts& c : load_facts(conn, "c.id IN " + in, ids, industries)) {
      ++total.customers;
      for (auto& f : check_customer(c, enabled, rule_params)) found.push_back({c.id, std::move(f)});
    }
    if (enabled.count("duplicates.credit_code")) credit_duplicates(conn, in, ids, found);
    if (enabled.count("duplicates.mobile"))
      mobile_duplicates(conn, "k.mobile IN (SELECT m.mobile FROM contacts m WHERE m.customer_id IN " + in + ")", ids, found);
    if (enabled.count("duplicates.name")) name_duplicates_of(conn, in, ids, found);
    // A duplicate found from these customers also concerns the others: keep only these customers'
    // findings here (the others are reconciled when they are checked).
    std::set<std::int64_t> mine;
    for (auto& v : ids) mine.insert(std::get<std::int64_t>(v));
    found.erase(std::remove_if(found.begin(), found.end(), [&](const FoundRow& r) { return !mine.count(r.customer); }), found.end());
    const RunResult r = reconcile(conn, evaluated, "f.customer_id IN " + in, ids, found, now);
    total.opened += r.opened;
    total.closed += r.closed;
    // A customer no longer active (merged, deactivated) keeps no live finding of any rule.
    // (EXISTS by primary key: `customer_id IN (SELECT id FROM customers WHERE status <> 'active')`
    // listed every customer first, about 180 ms on a million, for every recheck with a live finding.)
    total.closed += conn.execute("UPDATE quality_findings SET status = 'closed', closed_at = ? WHERE status <> 'closed' AND customer_id IN " + in +
                                     " AND EXISTS (SELECT 1 FROM customers c WHERE c.id = quality_findings.customer_id AND c.status <> 'active')",
                                 [&] {
                                   Params p{now};
                                   p.insert(p.end(), ids.begin(), ids.end());
                                   return p;
                                 }());
  });
  return total;
}

RunResult full_pass(Connection& conn, Millis now) {
  const Millis started = now_millis();
  RunResult res;
  const std::set<std::string> enabled = enabled_rules(conn);
  const std::set<std::string> industries = industry_codes(conn);
  const CheckParams rule_params{now, int_setting(conn, "quality.contact_confirm_days", 365)};
  std::vector<FoundRow> found;
  // Per-record rules over id ranges of 20,000 customers.
  const std::int64_t max_id = conn.query_i64("SELECT COALESCE(MAX(id), 0) FROM customers");
  for (std::int64_t from = 0; from <= max_id; from += 20'000) {
    for (const CustomerFacts& c : load_facts(conn, "c.id > ? AND c.id <= ?", {from, from + 20'000}, industries)) {
      ++res.customers;
      for (auto& f : check_customer(c, enabled, rule_params)) found.push_back({c.id, std::move(f)});
    }
  }
  if (enabled.count("duplicates.credit_code")) credit_duplicates(conn, "", {}, found);
  if (enabled.count("duplicates.mobile")) mobile_duplicates(conn, "1 = 1", {}, found);
  if (enabled.count("duplicates.name")) name_duplicates(conn, org::Tree::load(conn), found);
  if (enabled.count("anomalies.capacity") || enabled.count("anomalies.consumption")) figure_anomalies(conn, found);
  // Every rule is evaluated (switched-off rules close their findings).
  std::set<std::string> all;
  for (auto& r : rule_library()) all.insert(r.code);
  std::vector<FoundRow> kept;
  kept.reserve(found.size());
  for (auto& f : found)
    if (enabled.count(f.f.rule)) kept.push_back(std::move(f));
  const RunResult r = reconcile(conn, all, "", {}, kept, now);
  res.opened = r.opened;
  res.closed = r.closed;
  snapshot_scores(conn, now);
  record_run(conn, "full", started, now_millis(), res);
  return res;
}

int weekly_digest(Connection& conn, Millis now) {
  const std::string week = week_of(now);
  if (!conn.query_one("SELECT 1 FROM quality_scores WHERE week = ? AND scope = 'company'", {week})) return 0;
  if (conn.execute("INSERT INTO quality_pass_days(day, claimed_at) VALUES (?,?) ON CONFLICT (day) DO NOTHING", {"digest " + week, now}) == 0) return 0;
  const std::string previous_week = shanghai_date(shanghai_midnight(week) - 7 * kDay);
  auto snapshot = [&](const std::string& w, const char* scope, const std::string& ref) -> std::optional<double> {
    if (auto r = conn.query_one("SELECT score FROM quality_scores WHERE week = ? AND scope = ? AND ref = ?", {w, std::string(scope), ref}))
      return r->f64(0);
    return std::nullopt;
  };
  auto text = [](std::optional<double> v) {
    if (!v) return std::string("—");
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.1f", *v);
    return std::string(buf);
  };
  int sent = 0;
  auto send = [&](std::int64_t user, const std::string& scope, std::optional<double> score, std::optional<double> previous, std::int64_t open,
                  std::int64_t high) {
    notify::Notice n;
    n.user_id = user;
    n.kind = "quality_digest";
    n.params = {{"scope", scope}, {"score", text(score)}, {"previous", text(previous)}, {"open", std::to_string(open)},
                {"high", std::to_string(high)}, {"url", "/quality"}};
    n.ref_entity = "quality";
    n.ref_id = week;
    n.dedupe_key = "quality_digest:" + week + ":" + std::to_string(user);
    sent += notify::enqueue(conn, n, now) > 0 ? 1 : 0;
  };
  // Account managers: the findings on their key accounts.
  for (auto& r : conn.query("SELECT c.manager_id, COUNT(*), SUM(CASE WHEN f.severity = 'high' THEN 1 ELSE 0 END) FROM quality_findings f "
                            "JOIN customers c ON c.id = f.customer_id JOIN users u ON u.id = c.manager_id "
                            "WHERE f.status IN ('open','dismiss_requested') AND c.is_key_account = 1 AND u.active = 1 GROUP BY c.manager_id"))
    send(r.i64(0), "您负责的大客户", snapshot(week, "manager", std::to_string(r.i64(0))), snapshot(previous_week, "manager", std::to_string(r.i64(0))),
         r.i64(1), r.i64(2));
  // Leaders and marketing managers: their bureau, or the company at the top.
  const org::Tree tree = org::Tree::load(conn);
  for (auto& u : conn.query("SELECT u.id, u.org_unit_id, o.path, o.parent_id FROM users u JOIN org_units o ON o.id = u.org_unit_id "
                            "WHERE u.role IN ('leader','marketing_manager') AND u.active = 1")) {
    const bool company = u.is_null(3);
    const std::int64_t bureau = company ? u.i64(1) : tree.bureau_of(u.i64(1));
    Params params;
    const std::string in_path = storage::path_prefix_condition(conn.backend(), "c.org_path", u.str(2), params);
    auto counts = conn.query_one("SELECT COUNT(*), COALESCE(SUM(CASE WHEN f.severity = 'high' THEN 1 ELSE 0 END), 0) FROM quality_findings f "
                                 "JOIN customers c ON c.id = f.customer_id WHERE f.status IN ('open','dismiss_requested') AND " + in_path,
                                 params);
    const char* scope = company ? "company" : "bureau";
    const std::string ref = company ? "" : std::to_string(bureau);
    send(u.i64(0), company ? "全公司" : tree.name(bureau), snapshot(week, scope, ref), snapshot(previous_week, scope, ref), counts->i64(0),
         counts->i64(1));
  }
  return sent;
}

int nightly(Connection& conn, Millis now) {
  const int hour = int_setting(conn, "quality.full_pass_hour", 2);
  const std::string day = shanghai_date(now);
  const bool never = conn.query_i64("SELECT COUNT(*) FROM quality_runs WHERE kind = 'full'") == 0;
  if (!never && now < shanghai_midnight(day) + hour * 3'600'000) return 0;
  if (conn.execute("INSERT INTO quality_pass_days(day, claimed_at) VALUES (?,?) ON CONFLICT (day) DO NOTHING", {day, now}) == 0) return 0;
  const int checked = static_cast<int>(full_pass(conn, now).customers);
  weekly_digest(conn, now);
  return checked;
}

}  // namespace lianxin::quality
