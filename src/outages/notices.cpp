#include "outages/notices.hpp"

#include <map>
#include <set>

#include <boost/json.hpp>

#include "audit/audit.hpp"
#include "auth/crypto.hpp"
#include "auth/rules.hpp"
#include "common/errors.hpp"
#include "common/json.hpp"
#include "common/strings.hpp"
#include "notify/notify.hpp"
#include "outages/rules.hpp"
#include "timeline/timeline.hpp"

namespace lianxin::outages {

namespace bj = boost::json;
using storage::Connection;
using storage::Params;
using storage::Value;

namespace {

struct OutageRow {
  std::int64_t id = 0;
  std::string number, kind, status, org_path, title, work;
  Millis start = 0, end = 0;
};

OutageRow load_outage(Connection& conn, std::int64_t id) {
  auto r = conn.query_one("SELECT id, number, kind, status, org_path, title, work, planned_start, COALESCE(expected_end, planned_end) "
                          "FROM outages WHERE id = ?",
                          {id});
  if (!r) throw_not_found("outage");
  return {r->i64(0), r->str(1), r->str(2), r->str(3), r->str(4), r->str(5), r->str(6), r->i64(7), r->i64(8)};
}


// The notice text: always the exact start and end and whom to call (`when` = "将于<start>至<end>").
std::string notice_text(const std::string& customer, const std::string& work, const std::string& scope, const std::string& when,
                        const std::string& contact) {
  return customer + "：因" + (work.empty() ? std::string("电力设施检修") : work) + "，" + scope + when + "停电。如有疑问请联系" + contact + "。";
}

}  // namespace

std::int64_t plan_notices(Connection& conn, std::int64_t outage_id, Millis now) {
  const OutageRow o = load_outage(conn, outage_id);
  const LeadRules rules = lead_rules(conn);
  const Kind kind = *kind_from(o.kind);
  const std::string notice_type = kind == Kind::limitation ? "limitation" : "outage";
  const std::string high_rise = storage::setting(conn, "outages.high_rise_tag").value_or("高层建筑");
  conn.execute("DELETE FROM outage_notices WHERE outage_id = ? AND status = 'planned' AND round = 1", {outage_id});
  // The affected customers with what decides their channels, and the accounts cut.
  struct Customer {
    std::string name, importance, sensitivity, tags, manager, manager_mobile;
    bool key = false;
    std::vector<std::string> accounts;
  };
  std::map<std::int64_t, Customer> customers;
  conn.query_each(
      "SELECT f.customer_id, c.name, c.importance_class, c.outage_sensitivity, c.tags, c.is_key_account, m.display_name, m.mobile, a.account_no "
      "FROM outage_affected f JOIN customers c ON c.id = f.customer_id JOIN accounts a ON a.id = f.account_id "
      "LEFT JOIN users m ON m.id = c.manager_id WHERE f.outage_id = ? AND f.effect = 'out' ORDER BY f.customer_id, a.account_no",
      {outage_id}, [&](const storage::Row& r) {
        Customer& c = customers[r.i64(0)];
        if (c.name.empty()) {
          c = {r.str(1), r.str(2), r.str(3), r.str(4), r.str(6), r.str(7), r.boolean(5), {}};
        }
        c.accounts.push_back(r.str(8));
      });
  // Their contacts who take this kind of notice.
  std::map<std::int64_t, std::vector<std::tuple<std::int64_t, std::string>>> contacts;
  std::vector<std::int64_t> ids;
  for (auto& [id, c] : customers) ids.push_back(id);
  storage::for_id_chunks(ids, {}, [&](const std::string& in, const Params& params) {
    conn.query_each("SELECT customer_id, id, mobile, notice_types FROM contacts WHERE active = 1 AND mobile IS NOT NULL AND mobile <> '' "
                    "AND customer_id IN " + in + " ORDER BY id",
                    params, [&](const storage::Row& r) {
                      const std::string types = "," + r.str(3) + ",";
                      if (types.find("," + notice_type + ",") != std::string::npos) contacts[r.i64(0)].emplace_back(r.i64(1), r.str(2));
                    });
  });
  std::int64_t planned = 0;
  const std::string when = "将于" + format_shanghai_minute(o.start) + "至" + format_shanghai_minute(o.end);
  Params pending;  // 9 parameters a notice, written together at the end
  for (auto& [id, c] : customers) {
    const bool important = c.importance != "none";
    const bool personal = important || c.sensitivity == "high" || c.key || (!high_rise.empty() && c.tags.find(high_rise) != std::string::npos);
    const Millis due = o.start - required_lead_ms(kind, important, rules);
    const bool short_lead = due < now;
    std::string scope = "贵单位";
    for (std::size_t i = 0; i < c.accounts.size() && i < 3; ++i) scope += (i == 0 ? "（户号" : "、") + c.accounts[i];
    scope += c.accounts.size() > 3 ? "等）" : "）";
    const std::string contact = !c.manager.empty() ? "客户经理" + c.manager + (c.manager_mobile.empty() ? "" : "（" + c.manager_mobile + "）")
                                                   : std::string("95598供电服务热线");
    const std::string text = notice_text(c.name, o.work, scope, when, contact);
    auto add = [&](const char* channel, std::optional<std::int64_t> contact_id, const std::string& address) {
      pending.insert(pending.end(), {outage_id, id, contact_id ? Value(*contact_id) : storage::null_value(), std::string(channel),
                                     storage::text_or_null(address), std::max(due, now), std::int64_t{short_lead}, text, now});
      ++planned;
    };
    for (auto& [contact_id, mobile] : contacts[id]) add("sms", contact_id, mobile);
    if (personal) {
      add("call", std::nullopt, "");
      add("posting", std::nullopt, "");
    }
  }
  storage::insert_many(conn,
                       "INSERT INTO outage_notices(outage_id, customer_id, contact_id, channel, address, due_at, lead_short, text, created_at, "
                       "status) VALUES ",
                       "(?,?,?,?,?,?,?,?,?,'planned')", 9, pending);
  return planned;
}

void notify_outage(Connection& conn, const auth::Principal& p, std::int64_t outage_id, Millis now) {
  auth::require_permission(p, auth::Permission::outage_plan);
  const OutageRow o = load_outage(conn, outage_id);
  if (!auth::org_in_scope(p, o.org_path)) throw_not_found("outage");
  if (auto problem = transition_problem(*status_from(o.status), Status::notified)) throw AppError(ErrorCode::invalid_transition, *problem);
  conn.execute("UPDATE outages SET status = 'notified', updated_at = ?, version = version + 1 WHERE id = ?", {now, outage_id});
  const std::string base = notify::link_base();
  struct Task {
    std::string customer;
    std::optional<std::int64_t> manager;
  };
  std::map<std::int64_t, Task> tasks;  // customers with a call and a posting to do
  std::set<std::int64_t> told;
  std::vector<std::tuple<std::int64_t, std::int64_t, std::string, std::string, std::string>> rows;  // id, customer, channel, address, text
  for (auto& r : conn.query("SELECT n.id, n.customer_id, n.channel, COALESCE(n.address, ''), n.text, c.name, c.manager_id FROM outage_notices n "
                            "JOIN customers c ON c.id = n.customer_id WHERE n.outage_id = ? AND n.status = 'planned' ORDER BY n.id",
                            {outage_id})) {
    rows.emplace_back(r.i64(0), r.i64(1), r.str(2), r.str(3), r.str(4));
    if (r.str(2) != "sms") tasks[r.i64(1)] = {r.str(5), r.opt_i64(6)};
  }
  // Every SMS with its own confirmation link: the token goes out, only its hash is kept.
  std::vector<notify::ExternalNotice> sms;
  std::vector<std::pair<std::int64_t, std::string>> hashes;  // notice id, token hash
  for (auto& [id, customer, channel, address, text] : rows) {
    told.insert(customer);
    if (channel != "sms") continue;
    const std::string token = auth::random_token(16);
    notify::ExternalNotice n;
    n.channel = notify::Channel::sms;
    n.address = address;
    n.kind = "outage_notice";
    n.params = {{"text", text}, {"url", base + "/ack/" + token}};
    n.ref_entity = "outage";
    n.ref_id = std::to_string(outage_id);
    n.dedupe_key = "outage_notice:" + std::to_string(id);
    sms.push_back(std::move(n));
    hashes.emplace_back(id, auth::token_hash(token));
  }
  notify::enqueue_external_batch(conn, sms, now);
  constexpr std::size_t kRows = 200;
  for (std::size_t start = 0; start < hashes.size(); start += kRows) {
    const std::size_t n = std::min(kRows, hashes.size() - start);
    std::string cases, in;
    Params params{now};
    for (std::size_t i = 0; i < n; ++i) {
      cases += " WHEN ? THEN ?";
      params.push_back(hashes[start + i].first);
      params.push_back(hashes[start + i].second);
    }
    for (std::size_t i = 0; i < n; ++i) params.push_back(hashes[start + i].first);
    conn.execute("UPDATE outage_notices SET status = 'sent', sent_at = ?, ack_token = CASE id" + cases + " END WHERE id IN " +
                     storage::placeholders(n),
                 params);
  }
  for (auto& [customer, task] : tasks) {
    const std::int64_t to = task.manager.value_or(p.user_id);
    notify::Notice n;
    n.user_id = to;
    n.kind = "outage_call_task";
    n.params = {{"number", o.number}, {"customer", task.customer}, {"start", format_shanghai_minute(o.start)},
                {"end", format_shanghai_minute(o.end)}, {"work", o.work.empty() ? o.title : o.work}};
    n.ref_entity = "outage";
    n.ref_id = std::to_string(outage_id);
    n.dedupe_key = "outage_task:" + std::to_string(outage_id) + ":" + std::to_string(customer);
    notify::enqueue(conn, n, now);
  }
  std::vector<timeline::Event> events;
  events.reserve(told.size());
  const std::string title = "停电告知：" + o.title + "（" + format_shanghai_minute(o.start) + "至" + format_shanghai_minute(o.end) + "）";
  for (auto customer : told) {
    timeline::Event ev;
    ev.customer_id = customer;
    ev.at = now;
    ev.kind = "outage";
    ev.source = "outages";
    ev.title = title;
    ev.ref_entity = "outage";
    ev.ref_id = std::to_string(outage_id);
    events.push_back(std::move(ev));
  }
  timeline::add_many(conn, p.actor(), events);
  audit::Entry e;
  e.action = "notify";
  e.entity = "outage";
  e.entity_id = std::to_string(outage_id);
  e.org_path = o.org_path;
  e.after_json = json::serialize(bj::object{{"notices", rows.size()}, {"customers", told.size()}});
  audit::record(conn, p.actor(), e);
}

bj::object list_notices(Connection& conn, const auth::Principal& p, std::int64_t outage_id, const std::optional<std::string>& status,
                        const std::optional<std::string>& channel, std::int64_t limit, std::int64_t offset) {
  auth::require_permission(p, auth::Permission::customer_read);
  const OutageRow o = load_outage(conn, outage_id);
  if (!auth::org_in_scope(p, o.org_path)) throw_not_found("outage");
  bj::object board;
  for (auto& r : conn.query("SELECT channel, status, COUNT(*) FROM outage_notices WHERE outage_id = ? GROUP BY channel, status", {outage_id})) {
    if (!board.contains(r.str(0))) board[r.str(0)] = bj::object{};
    board[r.str(0)].as_object()[r.str(1)] = r.i64(2);
  }
  Params params{outage_id};
  std::string where = " WHERE n.outage_id = ?";
  if (status) {
    where += " AND n.status = ?";
    params.push_back(*status);
  }
  if (channel) {
    where += " AND n.channel = ?";
    params.push_back(*channel);
  }
  const std::int64_t total = conn.query_i64("SELECT COUNT(*) FROM outage_notices n" + where, params);
  params.push_back(limit);
  params.push_back(offset);
  bj::array items;
  for (auto& r : conn.query("SELECT n.id, n.round, n.customer_id, c.name, n.channel, n.address, k.name, n.status, n.due_at, n.lead_short, n.sent_at, "
                            "n.acknowledged_at, n.ack_via, n.posted_at, n.posted_place, c.is_key_account, n.text FROM outage_notices n "
                            "JOIN customers c ON c.id = n.customer_id LEFT JOIN contacts k ON k.id = n.contact_id" +
                                where + " ORDER BY c.is_key_account DESC, n.customer_id, n.id LIMIT ? OFFSET ?",
                            params))
    items.push_back(bj::object{{"id", r.i64(0)},
                               {"round", r.i64(1)},
                               {"customer_id", r.i64(2)},
                               {"customer_name", r.str(3)},
                               {"channel", r.str(4)},
                               {"address", json::nullable(r.opt_str(5))},
                               {"contact_name", json::nullable(r.opt_str(6))},
                               {"status", r.str(7)},
                               {"due_at", format_iso_utc(r.i64(8))},
                               {"lead_short", r.boolean(9)},
                               {"sent_at", json::instant_or_null(r.opt_i64(10))},
                               {"acknowledged_at", json::instant_or_null(r.opt_i64(11))},
                               {"ack_via", json::nullable(r.opt_str(12))},
                               {"posted_at", json::instant_or_null(r.opt_i64(13))},
                               {"posted_place", json::nullable(r.opt_str(14))},
                               {"key_account", r.boolean(15)},
                               {"text", r.str(16)}});
  bj::object out = json::list_envelope(std::move(items), total, offset / std::max<std::int64_t>(limit, 1) + 1, limit);
  out["board"] = std::move(board);
  return out;
}

bj::object acknowledge_by_link(Connection& conn, const std::string& token, bool confirm, Millis now) {
  auto r = conn.query_one("SELECT n.id, n.status, n.acknowledged_at, o.title, o.planned_start, COALESCE(o.expected_end, o.planned_end), c.name, "
                          "n.customer_id, o.id FROM outage_notices n JOIN outages o ON o.id = n.outage_id JOIN customers c ON c.id = n.customer_id "
                          "WHERE n.ack_token = ?",
                          {auth::token_hash(token)});
  if (!r) throw_not_found("notice");
  std::optional<Millis> acknowledged = r->opt_i64(2);
  if (confirm && !acknowledged) {
    conn.execute("UPDATE outage_notices SET status = 'acknowledged', acknowledged_at = ?, ack_via = 'link' WHERE id = ?", {now, r->i64(0)});
    acknowledged = now;
    audit::Entry e;
    e.action = "acknowledge";
    e.entity = "outage_notice";
    e.entity_id = std::to_string(r->i64(0));
    e.after_json = R"({"via":"link"})";
    audit::record(conn, auth::Actor{0, "customer-link", "", ""}, e);
  }
  return bj::object{{"customer_name", r->str(6)},
                    {"title", r->str(3)},
                    {"start", format_iso_utc(r->i64(4))},
                    {"end", format_iso_utc(r->i64(5))},
                    {"acknowledged_at", json::instant_or_null(acknowledged)}};
}

namespace {

struct NoticeRow {
  std::int64_t id = 0, outage_id = 0, customer_id = 0;
  std::string channel, status, org_path;
};

NoticeRow load_notice(Connection& conn, const auth::Principal& p, std::int64_t id) {
  auto r = conn.query_one("SELECT n.id, n.outage_id, n.customer_id, n.channel, n.status, c.org_path FROM outage_notices n "
                          "JOIN customers c ON c.id = n.customer_id WHERE n.id = ?",
                          {id});
  if (!r || !auth::org_in_scope(p, r->str(5))) throw_not_found("notice");
  return {r->i64(0), r->i64(1), r->i64(2), r->str(3), r->str(4), r->str(5)};
}

void audit_notice(Connection& conn, const auth::Principal& p, const std::string& action, const NoticeRow& n, const bj::object& after) {
  audit::Entry e;
  e.action = action;
  e.entity = "outage_notice";
  e.entity_id = std::to_string(n.id);
  e.org_path = n.org_path;
  e.after_json = json::serialize(after);
  audit::record(conn, p.actor(), e);
}

}  // namespace

void acknowledge_notice(Connection& conn, const auth::Principal& p, std::int64_t notice_id, const bj::object& body, Millis now) {
  auth::require_permission(p, auth::Permission::interaction_write);
  Validator v;
  const std::string via = json::opt_string(body, "via", v, 10).value_or("ui");
  if (via != "call" && via != "ui") v.add("via", "must be call or ui");
  v.throw_if_failed();
  NoticeRow n = load_notice(conn, p, notice_id);
  if (n.channel == "posting") throw AppError(ErrorCode::invalid_transition, "a posting is recorded with its place, not acknowledged");
  if (n.status == "acknowledged") return;  // twice is harmless
  if (n.status == "cancelled") throw AppError(ErrorCode::invalid_transition, "the notice was cancelled");
  conn.execute("UPDATE outage_notices SET status = 'acknowledged', acknowledged_at = ?, ack_via = ?, ack_by = ?, sent_at = COALESCE(sent_at, ?) "
               "WHERE id = ?",
               {now, via, p.user_id, now, notice_id});
  audit_notice(conn, p, "acknowledge", n, bj::object{{"via", via}});
}

void record_posting(Connection& conn, const auth::Principal& p, std::int64_t notice_id, const bj::object& body, Millis now) {
  auth::require_permission(p, auth::Permission::interaction_write);
  Validator v;
  const std::string place = trim(json::req_string(body, "place", v, 300));
  auto at_text = json::opt_string(body, "at", v, 40);
  Millis at = now;
  if (at_text && !at_text->empty()) {
    try {
      at = parse_iso_instant(*at_text, "at");
    } catch (const AppError&) {
      v.add("at", "must be an ISO-8601 instant");
    }
    if (at > now) v.add("at", "must not lie in the future");
  }
  v.throw_if_failed();
  NoticeRow n = load_notice(conn, p, notice_id);
  if (n.channel != "posting") throw AppError(ErrorCode::invalid_transition, "only a posting notice is posted");
  if (n.status == "cancelled") throw AppError(ErrorCode::invalid_transition, "the notice was cancelled");
  conn.execute("UPDATE outage_notices SET status = 'posted', posted_at = ?, posted_place = ?, ack_by = ? WHERE id = ?",
               {at, place, p.user_id, notice_id});
  audit_notice(conn, p, "post", n, bj::object{{"place", place}, {"at", format_iso_utc(at)}});
}

LeadRules lead_rules(Connection& conn) {
  LeadRules r;
  auto read = [&](const char* key, int& into) {
    if (auto v = storage::setting(conn, key)) {
      try {
        into = std::stoi(*v);
      } catch (const std::exception&) {
      }
    }
  };
  read("outages.lead_planned_days", r.planned_days);
  read("outages.lead_temporary_hours", r.temporary_hours);
  read("outages.lead_arrears_days", r.arrears_days);
  read("outages.lead_transfer_hours", r.transfer_hours);
  return r;
}

}  // namespace lianxin::outages
