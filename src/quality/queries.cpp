#include "quality/queries.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <boost/json.hpp>

#include "audit/audit.hpp"
#include "auth/rules.hpp"
#include "common/errors.hpp"
#include "common/json.hpp"
#include "common/strings.hpp"
#include "customers/service.hpp"
#include "org/tree.hpp"
#include "quality/rules.hpp"
#include "quality/store.hpp"

namespace lianxin::quality {

namespace bj = boost::json;
using storage::Connection;
using storage::Params;

namespace {

// The customers (alias c) the principal may see, as the archive scopes them.
std::string visible(Connection& conn, const auth::Principal& p, Params& params) {
  std::string w = storage::path_prefix_condition(conn.backend(), "c.org_path", p.org_path, params);
  auto scope = auth::customer_scope(p);
  if (scope.manager_id) {
    w += " AND " + auth::managed_by_condition(scope, "c");
    for (auto id : auth::managed_by_params(scope)) params.push_back(id);
  }
  return w;
}

const char* kLive = "f.status IN ('open','dismiss_requested')";

void audit_finding(Connection& conn, const auth::Principal& p, const std::string& action, std::int64_t id, const std::string& org_path,
                   const bj::object& after) {
  audit::Entry e;
  e.action = action;
  e.entity = "quality_finding";
  e.entity_id = std::to_string(id);
  e.org_path = org_path;
  e.after_json = json::serialize(after);
  audit::record(conn, p.actor(), e);
}

bj::object rule_json(const RuleInfo& r) {
  return bj::object{{"code", r.code},     {"category", r.category}, {"severity", severity_code(r.severity)}, {"weight", severity_weight(r.severity)},
                    {"zh", r.zh},         {"en", r.en},             {"fix_zh", r.fix_zh},                    {"fix_en", r.fix_en},
                    {"fields", r.fields}, {"source", r.source}};
}

}  // namespace

bj::object list_rules(Connection& conn, const auth::Principal& p) {
  auth::require_permission(p, auth::Permission::customer_read);
  Params params;
  const std::string where = visible(conn, p, params);
  std::map<std::string, std::int64_t> counts;
  conn.query_each("SELECT f.rule, COUNT(*) FROM quality_findings f JOIN customers c ON c.id = f.customer_id WHERE " + std::string(kLive) + " AND " +
                      where + " GROUP BY f.rule",
                  params, [&](const storage::Row& r) { counts[r.str(0)] = r.i64(1); });
  std::map<std::string, bool> enabled;
  conn.query_each("SELECT code, enabled FROM quality_rule_settings", {}, [&](const storage::Row& r) { enabled[r.str(0)] = r.boolean(1); });
  bj::array items;
  for (const RuleInfo& r : rule_library()) {
    bj::object o = rule_json(r);
    o["enabled"] = enabled.count(r.code) ? enabled[r.code] : true;
    o["open"] = counts.count(r.code) ? counts[r.code] : 0;
    items.push_back(std::move(o));
  }
  auto last = conn.query_one("SELECT kind, finished_at, customers, opened, closed, open_total FROM quality_runs WHERE kind = 'full' ORDER BY id DESC LIMIT 1");
  return bj::object{{"items", std::move(items)},
                    {"last_full_pass", last ? bj::value(bj::object{{"finished_at", format_iso_utc(last->i64(1))},
                                                                   {"customers", last->i64(2)},
                                                                   {"opened", last->i64(3)},
                                                                   {"closed", last->i64(4)},
                                                                   {"open_total", last->i64(5)}})
                                            : bj::value(nullptr)}};
}

void set_rule_enabled(Connection& conn, const auth::Principal& p, const std::string& code, bool enabled, Millis now) {
  auth::require_permission(p, auth::Permission::quality_admin);
  if (!auth::is_company_level(p)) throw AppError(ErrorCode::forbidden, "data-quality rules apply company-wide: change them at the company level");
  if (!rule(code)) throw_not_found("rule");
  conn.execute("DELETE FROM quality_rule_settings WHERE code = ?", {code});
  conn.execute("INSERT INTO quality_rule_settings(code, enabled, updated_by, updated_at) VALUES (?,?,?,?)",
               {code, std::int64_t{enabled}, p.user_id, now});
  // A rule switched off stops counting at once; switched on, it finds again at the next check.
  std::int64_t closed = 0;
  if (!enabled)
    closed = conn.execute("UPDATE quality_findings SET status = 'closed', closed_at = ? WHERE rule = ? AND status <> 'closed'", {now, code});
  audit::Entry e;
  e.action = "update";
  e.entity = "quality_rule";
  e.entity_id = code;
  e.after_json = json::serialize(bj::object{{"enabled", enabled}, {"closed_findings", closed}});
  audit::record(conn, p.actor(), e);
}

bj::object list_findings(Connection& conn, const auth::Principal& p, const FindingFilter& f, std::int64_t limit, std::int64_t offset) {
  auth::require_permission(p, auth::Permission::customer_read);
  Params params;
  std::string where = " WHERE " + visible(conn, p, params);
  Validator v;
  if (f.status) {
    if (*f.status == "live") where += " AND " + std::string(kLive);
    else if (*f.status == "open" || *f.status == "dismiss_requested" || *f.status == "dismissed" || *f.status == "closed") {
      where += " AND f.status = ?";
      params.push_back(*f.status);
    } else
      v.add("status", "must be live, open, dismiss_requested, dismissed or closed");
  } else
    where += " AND " + std::string(kLive);
  if (f.rule) {
    if (!rule(*f.rule)) v.add("rule", "unknown rule");
    where += " AND f.rule = ?";
    params.push_back(*f.rule);
  }
  if (f.severity) {
    where += " AND f.severity = ?";
    params.push_back(*f.severity);
  }
  if (f.category) {
    where += " AND f.rule LIKE ?";
    params.push_back(*f.category + ".%");
  }
  if (f.customer_id) {
    where += " AND f.customer_id = ?";
    params.push_back(*f.customer_id);
  }
  if (f.mine) {
    // My key accounts; whoever keeps the bureau's archive (import rights) also its other customers.
    where += " AND ((c.is_key_account = 1 AND (c.manager_id = ? OR c.backup_manager_id = ?))";
    params.push_back(p.user_id);
    params.push_back(p.user_id);
    where += auth::has_permission(p.role, auth::Permission::customer_import) ? " OR c.is_key_account = 0)" : ")";
  }
  v.throw_if_failed("invalid query parameter");
  const std::string from = " FROM quality_findings f JOIN customers c ON c.id = f.customer_id LEFT JOIN accounts a ON a.id = f.account_id "
                           "LEFT JOIN contacts k ON k.id = f.contact_id LEFT JOIN users m ON m.id = c.manager_id "
                           "LEFT JOIN users q ON q.id = f.dismiss_requested_by";
  const std::int64_t total = conn.query_i64("SELECT COUNT(*)" + from + where, params);
  params.push_back(limit);
  params.push_back(offset);
  bj::array items;
  for (auto& r : conn.query("SELECT f.id, f.rule, f.severity, f.customer_id, c.name, f.account_id, a.account_no, f.contact_id, k.name, f.field, "
                            "f.detail, f.status, f.first_seen, f.last_seen, f.closed_at, f.dismiss_reason, q.display_name, c.is_key_account, "
                            "m.display_name" +
                                from + where +
                                " ORDER BY CASE f.severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, f.first_seen, f.id LIMIT ? OFFSET ?",
                            params)) {
    const RuleInfo* info = rule(r.str(1));
    bj::object o{{"id", r.i64(0)},
                 {"rule", r.str(1)},
                 {"severity", r.str(2)},
                 {"customer_id", r.i64(3)},
                 {"customer_name", r.str(4)},
                 {"account_id", r.i64(5) ? bj::value(r.i64(5)) : bj::value(nullptr)},
                 {"account_no", json::nullable(r.opt_str(6))},
                 {"contact_id", r.i64(7) ? bj::value(r.i64(7)) : bj::value(nullptr)},
                 {"contact_name", json::nullable(r.opt_str(8))},
                 {"field", r.str(9)},
                 {"detail", r.str(10)},
                 {"status", r.str(11)},
                 {"first_seen", format_iso_utc(r.i64(12))},
                 {"last_seen", format_iso_utc(r.i64(13))},
                 {"closed_at", json::instant_or_null(r.opt_i64(14))},
                 {"dismiss_reason", json::nullable(r.opt_str(15))},
                 {"dismiss_requested_by", json::nullable(r.opt_str(16))},
                 {"key_account", r.boolean(17)},
                 {"manager_name", json::nullable(r.opt_str(18))}};
    if (info) {
      o["category"] = info->category;
      o["rule_zh"] = info->zh;
      o["rule_en"] = info->en;
      o["fix_zh"] = info->fix_zh;
      o["fix_en"] = info->fix_en;
    }
    items.push_back(std::move(o));
  }
  return json::list_envelope(std::move(items), total, offset / std::max<std::int64_t>(limit, 1) + 1, limit);
}

bj::object customer_quality(Connection& conn, const auth::Principal& p, std::int64_t customer_id) {
  auth::require_permission(p, auth::Permission::customer_read);
  customers::require_visible(conn, p, customer_id);
  FindingFilter f;
  f.customer_id = customer_id;
  bj::object out = list_findings(conn, p, f, 200, 0);
  std::vector<Severity> open;
  for (auto& item : out.at("items").as_array()) {
    const std::string sev(item.at("severity").as_string());
    open.push_back(sev == "high" ? Severity::high : sev == "medium" ? Severity::medium : Severity::low);
  }
  out["score"] = score(open);
  return out;
}

bj::object scores(Connection& conn, const auth::Principal& p) {
  auth::require_permission(p, auth::Permission::customer_read);
  const org::Tree tree = org::Tree::load(conn);
  Params params;
  const std::string where = visible(conn, p, params);
  // Points lost per customer (capped at 100) and live findings, in the scope.
  std::unordered_map<std::int64_t, std::pair<std::int64_t, std::int64_t>> lost;
  conn.query_each("SELECT f.customer_id, SUM(f.weight), COUNT(*) FROM quality_findings f JOIN customers c ON c.id = f.customer_id WHERE " +
                      std::string(kLive) + " AND " + where + " GROUP BY f.customer_id",
                  params, [&](const storage::Row& r) { lost[r.i64(0)] = {std::min<std::int64_t>(100, r.i64(1)), r.i64(2)}; });
  struct Agg {
    std::int64_t customers = 0, lost = 0, open = 0, worst = 0;
  };
  Agg all;
  std::map<std::int64_t, Agg> bureaus, managers;
  std::map<std::int64_t, std::string> manager_names;
  conn.query_each("SELECT c.id, c.org_unit_id, c.is_key_account, c.manager_id, m.display_name FROM customers c LEFT JOIN users m ON m.id = c.manager_id "
                  "WHERE c.status = 'active' AND " + where,
                  params, [&](const storage::Row& r) {
                    auto it = lost.find(r.i64(0));
                    const std::int64_t l = it == lost.end() ? 0 : it->second.first, n = it == lost.end() ? 0 : it->second.second;
                    std::vector<Agg*> into{&all, &bureaus[tree.bureau_of(r.i64(1))]};
                    if (r.boolean(2) && !r.is_null(3)) {
                      into.push_back(&managers[r.i64(3)]);
                      manager_names[r.i64(3)] = r.opt_str(4).value_or("");
                    }
                    for (Agg* a : into) {
                      a->customers += 1;
                      a->lost += l;
                      a->open += n;
                      a->worst += l >= 50 ? 1 : 0;
                    }
                  });
  auto figure = [](const Agg& a) {
    return a.customers ? std::round((100.0 - static_cast<double>(a.lost) / static_cast<double>(a.customers)) * 10) / 10 : 100.0;
  };
  auto rows = [&](std::map<std::int64_t, Agg>& m, auto name_of) {
    std::vector<std::pair<std::int64_t, Agg*>> v;
    for (auto& [id, a] : m) v.emplace_back(id, &a);
    std::sort(v.begin(), v.end(), [&](auto& x, auto& y) { return figure(*x.second) != figure(*y.second) ? figure(*x.second) < figure(*y.second) : x.first < y.first; });
    bj::array out;
    for (auto& [id, a] : v)
      out.push_back(bj::object{{"id", id}, {"name", name_of(id)}, {"customers", a->customers}, {"score", figure(*a)}, {"open", a->open}, {"poor", a->worst}});
    return out;
  };
  bj::array rule_rows;
  std::map<std::string, std::int64_t> by_rule;
  Params rp;
  const std::string rw = visible(conn, p, rp);
  conn.query_each("SELECT f.rule, COUNT(*) FROM quality_findings f JOIN customers c ON c.id = f.customer_id WHERE " + std::string(kLive) + " AND " +
                      rw + " GROUP BY f.rule",
                  rp, [&](const storage::Row& r) { by_rule[r.str(0)] = r.i64(1); });
  std::vector<std::pair<std::string, std::int64_t>> sorted(by_rule.begin(), by_rule.end());
  std::sort(sorted.begin(), sorted.end(), [](auto& a, auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
  for (auto& [code, n] : sorted) {
    const RuleInfo* info = rule(code);
    rule_rows.push_back(bj::object{{"code", code}, {"zh", info ? info->zh : code}, {"en", info ? info->en : code}, {"open", n},
                                   {"severity", info ? severity_code(info->severity) : "medium"}});
  }
  // The weekly trend of the company, or of the caller's bureau below the company.
  bj::array trend;
  const bool company = auth::is_company_level(p);
  const std::string ref = company ? "" : std::to_string(tree.bureau_of(p.org_unit_id));
  for (auto& r : conn.query("SELECT week, score, open_findings, customers FROM quality_scores WHERE scope = ? AND ref = ? ORDER BY week DESC LIMIT 26",
                            {std::string(company ? "company" : "bureau"), ref}))
    trend.push_back(bj::object{{"week", r.str(0)}, {"score", r.f64(1)}, {"open", r.i64(2)}, {"customers", r.i64(3)}});
  std::reverse(trend.begin(), trend.end());
  return bj::object{{"overall", bj::object{{"customers", all.customers}, {"score", figure(all)}, {"open", all.open}, {"poor", all.worst}}},
                    {"bureaus", rows(bureaus, [&](std::int64_t id) { return tree.name(id); })},
                    {"managers", rows(managers, [&](std::int64_t id) { return manager_names[id]; })},
                    {"rules", std::move(rule_rows)},
                    {"trend", std::move(trend)}};
}

namespace {

struct FindingRow {
  std::int64_t id = 0, customer_id = 0;
  std::string status, org_path;
  std::optional<std::int64_t> requested_by;
};

FindingRow load_finding(Connection& conn, const auth::Principal& p, std::int64_t id) {
  auto r = conn.query_one("SELECT f.id, f.customer_id, f.status, c.org_path, f.dismiss_requested_by FROM quality_findings f "
                          "JOIN customers c ON c.id = f.customer_id WHERE f.id = ?",
                          {id});
  if (!r) throw_not_found("finding");
  customers::require_visible(conn, p, r->i64(1));
  return {r->i64(0), r->i64(1), r->str(2), r->str(3), r->opt_i64(4)};
}

}  // namespace

void request_dismissal(Connection& conn, const auth::Principal& p, std::int64_t finding_id, const bj::object& body, Millis now) {
  auth::require_permission(p, auth::Permission::customer_write);
  Validator v;
  const std::string reason = trim(json::req_string(body, "reason", v, 500));
  v.throw_if_failed();
  const FindingRow f = load_finding(conn, p, finding_id);
  if (f.status != "open") throw AppError(ErrorCode::invalid_transition, "only an open finding can be reported as not a defect (it is " + f.status + ")");
  conn.execute("UPDATE quality_findings SET status = 'dismiss_requested', dismiss_reason = ?, dismiss_requested_by = ? WHERE id = ?",
               {reason, p.user_id, finding_id});
  audit_finding(conn, p, "request_dismissal", finding_id, f.org_path, bj::object{{"reason", reason}});
}

void decide_dismissal(Connection& conn, const auth::Principal& p, std::int64_t finding_id, const bj::object& body, Millis now) {
  auth::require_permission(p, auth::Permission::quality_approve);
  Validator v;
  const auto approve = json::opt_bool(body, "approve", v);
  if (!approve) v.add("approve", "is required: true to accept that it is not a defect, false to reject");
  v.throw_if_failed();
  const FindingRow f = load_finding(conn, p, finding_id);
  if (f.status != "dismiss_requested") throw AppError(ErrorCode::invalid_transition, "no request to decide (the finding is " + f.status + ")");
  if (f.requested_by && *f.requested_by == p.user_id)
    throw AppError(ErrorCode::forbidden, "the one who asked cannot approve their own request");
  if (*approve)
    conn.execute("UPDATE quality_findings SET status = 'dismissed', dismissed_by = ?, dismissed_at = ? WHERE id = ?", {p.user_id, now, finding_id});
  else
    conn.execute("UPDATE quality_findings SET status = 'open', dismiss_reason = NULL, dismiss_requested_by = NULL WHERE id = ?", {finding_id});
  audit_finding(conn, p, *approve ? "approve_dismissal" : "reject_dismissal", finding_id, f.org_path, bj::object{{"approve", *approve}});
}

bj::object bulk_fix(Connection& conn, const auth::Principal& p, const bj::object& body, Millis now) {
  auth::require_permission(p, auth::Permission::customer_write);
  Validator v;
  const std::string rule_code = json::req_string(body, "rule", v, 60);
  if (!rule_code.empty() && rule_code != "validity.basic_charge_mode" && rule_code != "staleness.key_contacts")
    v.add("rule", "has no safe bulk fix: fix these records one by one");
  std::vector<std::int64_t> ids;
  const auto* list = body.if_contains("finding_ids");
  if (!list || !list->is_array() || list->as_array().empty()) v.add("finding_ids", "give the findings to fix");
  else if (list->as_array().size() > 500) v.add("finding_ids", "at most 500 at once");
  else
    for (auto& id : list->as_array()) {
      if (!id.is_int64()) {
        v.add("finding_ids", "must be an array of ids");
        break;
      }
      ids.push_back(id.as_int64());
    }
  v.throw_if_failed("invalid bulk fix");
  std::int64_t fixed = 0;
  bj::array skipped;
  for (std::int64_t id : ids) {
    auto f = conn.query_one("SELECT f.rule, f.status, f.customer_id, f.account_id, c.org_path, c.manager_id, c.backup_manager_id FROM quality_findings f "
                            "JOIN customers c ON c.id = f.customer_id WHERE f.id = ?",
                            {id});
    auto skip = [&](const char* why) { skipped.push_back(bj::object{{"id", id}, {"reason", why}}); };
    if (!f || !auth::customer_visible(p, f->str(4), f->opt_i64(5), f->opt_i64(6))) {
      skip("unknown finding");
      continue;
    }
    if (f->str(0) != rule_code) {
      skip("another rule");
      continue;
    }
    if (f->str(1) != "open") {
      skip("not open");
      continue;
    }
    if (rule_code == "validity.basic_charge_mode") {
      auto a = conn.query_one("SELECT tariff_category FROM accounts WHERE id = ?", {f->i64(3)});
      if (!a || a->str(0) == "ci_two_part") {
        skip("a two-part tariff needs its basic-charge mode chosen by a person");
        continue;
      }
      customers::AccountFields fields;
      fields.basic_charge_mode = std::optional<std::string>("none");
      customers::update_account(conn, p, f->i64(3), fields);  // audited, re-checked
    } else {
      const std::int64_t customer = f->i64(2);
      const std::int64_t n = conn.execute("UPDATE contacts SET confirmed_at = ?, updated_at = ? WHERE customer_id = ? AND active = 1", {now, now, customer});
      audit::Entry e;
      e.action = "confirm_contacts";
      e.entity = "customer";
      e.entity_id = std::to_string(customer);
      e.org_path = f->str(4);
      e.after_json = json::serialize(bj::object{{"contacts", n}, {"confirmed_at", format_iso_utc(now)}, {"via", "quality bulk fix"}});
      audit::record(conn, p.actor(), e);
      recheck_customers(conn, {customer}, now);
    }
    ++fixed;
  }
  return bj::object{{"fixed", fixed}, {"skipped", std::move(skipped)}};
}

}  // namespace lianxin::quality
