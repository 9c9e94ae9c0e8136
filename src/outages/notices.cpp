#include "outages/notices.hpp"

#include <map>
#include <set>

#include <boost/json.hpp>

#include "audit/audit.hpp"
#include "auth/crypto.hpp"
#include "auth/rules.hpp"
#include "calendar/store.hpp"
#include "common/files.hpp"
#include "common/errors.hpp"
#include "common/json.hpp"
#include "common/strings.hpp"
#include "notify/notify.hpp"
#include "outages/internal.hpp"
#include "outages/rules.hpp"

namespace lianxin::outages {

namespace bj = boost::json;
using internal::add_timeline;
using internal::int_setting;
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

// Active contacts with a mobile number who take notices of `notice_type` (outage, limitation), by customer.
std::map<std::int64_t, std::vector<std::tuple<std::int64_t, std::string>>> sms_contacts(Connection& conn, const std::vector<std::int64_t>& ids,
                                                                                         const std::string& notice_type) {
  std::map<std::int64_t, std::vector<std::tuple<std::int64_t, std::string>>> contacts;
  storage::for_id_chunks(ids, {}, [&](const std::string& in, const Params& params) {
    conn.query_each("SELECT customer_id, id, mobile, notice_types FROM contacts WHERE active = 1 AND mobile IS NOT NULL AND mobile <> '' "
                    "AND customer_id IN " + in + " ORDER BY id",
                    params, [&](const storage::Row& r) {
                      const std::string types = "," + r.str(3) + ",";
                      if (types.find("," + notice_type + ",") != std::string::npos) contacts[r.i64(0)].emplace_back(r.i64(1), r.str(2));
                    });
  });
  return contacts;
}

// The outbox row of an SMS notice: enqueued with dedupe key "outage_notice:<id>" + ":sms".
const std::string kDeliveryKey = "('outage_notice:' || CAST(n.id AS TEXT) || ':sms')";

// Whom the customer calls with questions: its account manager, else the 95598 hotline.
std::string whom_to_call(const std::string& manager, const std::string& mobile) {
  return !manager.empty() ? "客户经理" + manager + (mobile.empty() ? "" : "（" + mobile + "）") : std::string("95598供电服务热线");
}

// Notices sent now (delays, cancellations): written one by one for their ids, then one SMS each.
struct SentNotice {
  std::int64_t customer_id = 0;
  std::optional<std::int64_t> contact_id;
  std::string address, text;
};
std::int64_t send_now(Connection& conn, std::int64_t outage_id, const std::string& purpose, const std::string& kind,
                      const std::vector<SentNotice>& notices, Millis now) {
  if (notices.empty()) return 0;
  const std::int64_t round = conn.query_i64("SELECT COALESCE(MAX(round), 0) + 1 FROM outage_notices WHERE outage_id = ?", {outage_id});
  std::vector<notify::ExternalNotice> sms;
  for (const SentNotice& n : notices) {
    const std::int64_t id = conn.insert_returning_id(
        "INSERT INTO outage_notices(outage_id, round, customer_id, contact_id, channel, address, status, due_at, lead_short, text, sent_at, "
        "created_at, purpose) VALUES (?,?,?,?,'sms',?,'sent',?,0,?,?,?,?) RETURNING id",
        {outage_id, round, n.customer_id, storage::opt_value(n.contact_id), n.address, now, n.text, now, now, purpose});
    notify::ExternalNotice e;
    e.channel = notify::Channel::sms;
    e.address = n.address;
    e.kind = kind;
    e.params = {{"text", n.text}};
    e.ref_entity = "outage";
    e.ref_id = std::to_string(outage_id);
    e.dedupe_key = "outage_notice:" + std::to_string(id);
    sms.push_back(std::move(e));
  }
  notify::enqueue_external_batch(conn, sms, now);
  return static_cast<std::int64_t>(notices.size());
}

}  // namespace

std::int64_t plan_notices(Connection& conn, std::int64_t outage_id, Millis now) {
  const OutageRow o = load_outage(conn, outage_id);
  const NoticeClock clock(conn, o.org_path);
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
  std::vector<std::int64_t> ids;
  for (auto& [id, c] : customers) ids.push_back(id);
  auto contacts = sms_contacts(conn, ids, notice_type);
  std::int64_t planned = 0;
  const std::string when = "将于" + format_shanghai_minute(o.start) + "至" + format_shanghai_minute(o.end);
  Params pending;  // 9 parameters a notice, written together at the end
  for (auto& [id, c] : customers) {
    const bool important = c.importance != "none";
    const bool personal = important || c.sensitivity == "high" || c.key || (!high_rise.empty() && c.tags.find(high_rise) != std::string::npos);
    // A short transfer outage (seconds) is told to those for whom seconds matter, by SMS and a call.
    if (kind == Kind::transfer && !personal) continue;
    const Millis due = clock.latest(kind, important, o.start);
    const bool short_lead = clock.shortfall(kind, important, o.start, now) > 0;
    std::string scope = "贵单位";
    for (std::size_t i = 0; i < c.accounts.size() && i < 3; ++i) scope += (i == 0 ? "（户号" : "、") + c.accounts[i];
    scope += c.accounts.size() > 3 ? "等）" : "）";
    const std::string contact = whom_to_call(c.manager, c.manager_mobile);
    const std::string text =
        kind == Kind::transfer
            ? c.name + "：因" + (o.work.empty() ? std::string("电网运行方式调整") : o.work) + "进行转供电操作，" + scope + when +
                  "期间可能出现数秒短时停电，请提前做好准备。如有疑问请联系" + contact + "。"
            : notice_text(c.name, o.work, scope, when, contact);
    auto add = [&](const char* channel, std::optional<std::int64_t> contact_id, const std::string& address) {
      pending.insert(pending.end(), {outage_id, id, contact_id ? Value(*contact_id) : storage::null_value(), std::string(channel),
                                     storage::text_or_null(address), std::max(due, now), std::int64_t{short_lead}, text, now});
      ++planned;
    };
    for (auto& [contact_id, mobile] : contacts[id]) add("sms", contact_id, mobile);
    if (personal) {
      add("call", std::nullopt, "");
      if (kind != Kind::transfer) add("posting", std::nullopt, "");
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
  add_timeline(conn, p.actor(), told, outage_id,
               "停电告知：" + o.title + "（" + format_shanghai_minute(o.start) + "至" + format_shanghai_minute(o.end) + "）", now);
  audit::Entry e;
  e.action = "notify";
  e.entity = "outage";
  e.entity_id = std::to_string(outage_id);
  e.org_path = o.org_path;
  e.after_json = json::serialize(bj::object{{"notices", rows.size()}, {"customers", told.size()}});
  audit::record(conn, p.actor(), e);
}

bj::object list_notices(Connection& conn, const auth::Principal& p, std::int64_t outage_id, const std::optional<std::string>& status,
                        const std::optional<std::string>& channel, const std::optional<std::string>& purpose, std::int64_t limit,
                        std::int64_t offset) {
  auth::require_permission(p, auth::Permission::customer_read);
  const OutageRow o = load_outage(conn, outage_id);
  if (!auth::org_in_scope(p, o.org_path)) throw_not_found("outage");
  bj::object board;
  for (auto& r : conn.query("SELECT channel, status, COUNT(*) FROM outage_notices WHERE outage_id = ? GROUP BY channel, status", {outage_id})) {
    if (!board.contains(r.str(0))) board[r.str(0)] = bj::object{};
    board[r.str(0)].as_object()[r.str(1)] = r.i64(2);
  }
  // SMS the gateway took (the outbox row of each notice, keyed by its dedupe key).
  if (board.contains("sms"))
    board["sms"].as_object()["delivered"] =
        conn.query_i64("SELECT COUNT(*) FROM outage_notices n JOIN notifications m ON m.dedupe_key = " + kDeliveryKey +
                           " WHERE n.outage_id = ? AND n.channel = 'sms' AND m.status = 'sent'",
                       {outage_id});
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
  if (purpose) {
    where += " AND n.purpose = ?";
    params.push_back(*purpose);
  }
  const std::int64_t total = conn.query_i64("SELECT COUNT(*) FROM outage_notices n" + where, params);
  params.push_back(limit);
  params.push_back(offset);
  bj::array items;
  for (auto& r : conn.query("SELECT n.id, n.round, n.customer_id, c.name, n.channel, n.address, k.name, n.status, n.due_at, n.lead_short, n.sent_at, "
                            "n.acknowledged_at, n.ack_via, n.posted_at, n.posted_place, c.is_key_account, n.text, n.purpose, m.status, "
                            "(SELECT COUNT(*) FROM outage_posting_photos ph WHERE ph.notice_id = n.id) FROM outage_notices n "
                            "JOIN customers c ON c.id = n.customer_id LEFT JOIN contacts k ON k.id = n.contact_id "
                            "LEFT JOIN notifications m ON n.channel = 'sms' AND m.dedupe_key = " + kDeliveryKey +
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
                               {"text", r.str(16)},
                               {"purpose", r.str(17)},
                               {"delivery", json::nullable(r.opt_str(18))},  // outbox: pending, sent (delivered), failed, dead
                               {"has_photo", r.i64(19) > 0}});
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

namespace {

LeadRules read_lead_rules(Connection& conn) {
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

}  // namespace

NoticeClock::NoticeClock(Connection& conn, const std::string& org_path) : rules_(read_lead_rules(conn)) {
  working_days_ = storage::setting(conn, "outages.notice_on_working_days").value_or("true") == "true";
  std::shared_ptr<const calendar::Calendar> cal;
  if (working_days_) {
    try {
      cal = calendar::load(conn, calendar::calendar_for_org(conn, org_path));
    } catch (const std::exception&) {
      // no stored calendar: weekends only
    }
  }
  is_working_day_ = [cal](std::int32_t day) {
    const calendar::Date d{day};
    if (cal && cal->covers(d.year())) return cal->is_working_day(d);
    return !d.is_weekend();
  };
}

Millis NoticeClock::latest(Kind kind, bool important, Millis start) const {
  return latest_notice_time(start, required_lead_ms(kind, important, rules_), working_days_, is_working_day_);
}

std::int64_t NoticeClock::shortfall(Kind kind, bool important, Millis start, Millis at) const {
  if (required_lead_ms(kind, important, rules_) == 0) return 0;
  return std::max<std::int64_t>(0, at - latest(kind, important, start));
}

void delay_outage(Connection& conn, const auth::Principal& p, std::int64_t outage_id, const bj::object& body, Millis now) {
  auth::require_permission(p, auth::Permission::outage_plan);
  Validator v;
  const std::string expected_text = json::req_string(body, "expected_end", v, 40);
  const std::string reason = trim(json::req_string(body, "reason", v, 500));
  Millis expected = 0;
  if (!expected_text.empty()) {
    try {
      expected = parse_iso_instant(expected_text, "expected_end");
    } catch (const AppError&) {
      v.add("expected_end", "must be an ISO-8601 instant");
    }
  }
  v.throw_if_failed();
  const OutageRow o = load_outage(conn, outage_id);
  if (!auth::org_in_scope(p, o.org_path)) throw_not_found("outage");
  if (o.status != "in_progress") throw AppError(ErrorCode::invalid_transition, "only an outage in progress can be delayed (it is " + o.status + ")");
  if (expected <= now) v.add("expected_end", "must lie in the future");
  else if (expected <= o.end) v.add("expected_end", "must be later than the current expected end " + format_shanghai_minute(o.end));
  v.throw_if_failed();
  conn.execute("UPDATE outages SET expected_end = ?, updated_at = ?, version = version + 1 WHERE id = ?", {expected, now, outage_id});
  // The key accounts cut: their contacts by SMS, their managers by a task.
  struct Customer {
    std::string name, manager, manager_mobile;
    std::optional<std::int64_t> manager_id;
  };
  std::map<std::int64_t, Customer> customers;
  for (auto& r : conn.query("SELECT DISTINCT f.customer_id, c.name, c.manager_id, m.display_name, m.mobile FROM outage_affected f "
                            "JOIN customers c ON c.id = f.customer_id LEFT JOIN users m ON m.id = c.manager_id "
                            "WHERE f.outage_id = ? AND f.effect = 'out' AND c.is_key_account = 1",
                            {outage_id}))
    customers[r.i64(0)] = {r.str(1), r.opt_str(3).value_or(""), r.opt_str(4).value_or(""), r.opt_i64(2)};
  std::vector<std::int64_t> ids;
  for (auto& [id, c] : customers) ids.push_back(id);
  auto contacts = sms_contacts(conn, ids, o.kind == "limitation" ? "limitation" : "outage");
  std::vector<SentNotice> sms;
  std::set<std::int64_t> told;
  for (auto& [id, c] : customers) {
    const std::string text = c.name + "：" + o.title + "的停电原预计" + format_shanghai_minute(o.end) + "恢复送电，因" + reason + "，预计延至" +
                             format_shanghai_minute(expected) + "恢复送电。如有疑问请联系" + whom_to_call(c.manager, c.manager_mobile) + "。";
    for (auto& [contact_id, mobile] : contacts[id]) sms.push_back({id, contact_id, mobile, text});
    told.insert(id);
  }
  const std::int64_t delay_id = conn.insert_returning_id(
      "INSERT INTO outage_delays(outage_id, previous_end, expected_end, reason, customers_told, created_by, created_at) "
      "VALUES (?,?,?,?,?,?,?) RETURNING id",
      {outage_id, o.end, expected, reason, static_cast<std::int64_t>(told.size()), p.user_id, now});
  const std::int64_t sent = send_now(conn, outage_id, "delay", "outage_delay", sms, now);
  for (auto& [id, c] : customers) {
    notify::Notice n;
    n.user_id = c.manager_id.value_or(p.user_id);
    n.kind = "outage_delay_task";
    n.params = {{"number", o.number}, {"customer", c.name}, {"end", format_shanghai_minute(expected)},
                {"previous", format_shanghai_minute(o.end)}, {"reason", reason}};
    n.ref_entity = "outage";
    n.ref_id = std::to_string(outage_id);
    n.dedupe_key = "outage_delay:" + std::to_string(delay_id) + ":" + std::to_string(id);
    notify::enqueue(conn, n, now);
  }
  add_timeline(conn, p.actor(), told, outage_id, "停电延时：" + o.title + "，预计延至" + format_shanghai_minute(expected) + "恢复送电", now);
  internal::audit_outage(conn, p.actor(), "delay", o.id, o.org_path,
                      bj::object{{"previous_end", format_iso_utc(o.end)}, {"expected_end", format_iso_utc(expected)}, {"reason", reason},
                                 {"customers", told.size()}, {"sms", sent}});
}

std::int64_t tell_cancellation(Connection& conn, const auth::Principal& p, std::int64_t outage_id, const std::string& reason, Millis now) {
  const OutageRow o = load_outage(conn, outage_id);
  // Everyone who got the notice by SMS hears of the cancellation at the same number.
  std::vector<SentNotice> sms;
  std::set<std::int64_t> told;
  std::set<std::pair<std::int64_t, std::string>> seen;
  for (auto& r : conn.query("SELECT n.customer_id, n.contact_id, n.address, c.name FROM outage_notices n JOIN customers c ON c.id = n.customer_id "
                            "WHERE n.outage_id = ? AND n.channel = 'sms' AND n.purpose = 'notice' AND n.status IN ('sent','acknowledged') "
                            "ORDER BY n.id",
                            {outage_id})) {
    if (r.is_null(2) || !seen.insert({r.i64(0), r.str(2)}).second) continue;
    const std::string text = r.str(3) + "：原定" + format_shanghai_minute(o.start) + "至" + format_shanghai_minute(o.end) + "的停电（" + o.title +
                             "）已取消，届时正常供电。给您带来的不便敬请谅解。";
    sms.push_back({r.i64(0), r.opt_i64(1), r.str(2), text});
    told.insert(r.i64(0));
  }
  // Managers who were given a call and a posting to do.
  std::map<std::int64_t, std::pair<std::string, std::optional<std::int64_t>>> tasked;
  if (o.status == "notified")
    for (auto& r : conn.query("SELECT DISTINCT n.customer_id, c.name, c.manager_id FROM outage_notices n JOIN customers c ON c.id = n.customer_id "
                              "WHERE n.outage_id = ? AND n.channel IN ('call','posting') AND n.purpose = 'notice' AND n.status <> 'cancelled'",
                              {outage_id}))
      tasked[r.i64(0)] = {r.str(1), r.opt_i64(2)};
  conn.execute("UPDATE outage_notices SET status = 'cancelled' WHERE outage_id = ? AND status = 'planned'", {outage_id});
  const std::int64_t sent = send_now(conn, outage_id, "cancel", "outage_cancel", sms, now);
  for (auto& [customer, task] : tasked) {
    notify::Notice n;
    n.user_id = task.second.value_or(p.user_id);
    n.kind = "outage_cancel_task";
    n.params = {{"number", o.number}, {"customer", task.first}, {"start", format_shanghai_minute(o.start)},
                {"end", format_shanghai_minute(o.end)}, {"reason", reason}};
    n.ref_entity = "outage";
    n.ref_id = std::to_string(outage_id);
    n.dedupe_key = "outage_cancel:" + std::to_string(outage_id) + ":" + std::to_string(customer);
    notify::enqueue(conn, n, now);
    told.insert(customer);
  }
  if (!told.empty()) add_timeline(conn, p.actor(), told, outage_id, "停电取消：" + o.title + "（原定" + format_shanghai_minute(o.start) + "）", now);
  return sent;
}

int sweep_ack_followups(Connection& conn, Millis now) {
  constexpr Millis kHour = 3'600'000;
  const int ack_before = int_setting(conn, "outages.ack_before_hours", 48);
  const int escalate = int_setting(conn, "outages.ack_escalate_hours", 24);
  const Millis horizon = now + static_cast<Millis>(std::max(ack_before, escalate)) * kHour;
  int messages = 0;
  std::optional<std::vector<std::pair<std::int64_t, std::string>>> leaders;  // read once, when first needed
  for (auto& o : conn.query("SELECT id, number, planned_start FROM outages WHERE status = 'notified' AND planned_start > ? AND planned_start <= ? "
                            "ORDER BY planned_start",
                            {now, horizon})) {
    const std::int64_t outage_id = o.i64(0);
    const std::string number = o.str(1);
    const Millis start = o.i64(2);
    // Key accounts with an SMS or call notice and no confirmation on any of them.
    for (auto& r : conn.query(
             "SELECT n.customer_id, c.name, c.manager_id, m.display_name, c.org_path, f.stage FROM outage_notices n "
             "JOIN customers c ON c.id = n.customer_id LEFT JOIN users m ON m.id = c.manager_id "
             "LEFT JOIN outage_ack_followups f ON f.outage_id = n.outage_id AND f.customer_id = n.customer_id "
             "WHERE n.outage_id = ? AND n.purpose = 'notice' AND n.channel IN ('sms','call') AND n.status <> 'cancelled' AND c.is_key_account = 1 "
             "GROUP BY n.customer_id, c.name, c.manager_id, m.display_name, c.org_path, f.stage "
             "HAVING SUM(CASE WHEN n.status = 'acknowledged' THEN 1 ELSE 0 END) = 0",
             {outage_id})) {
      const std::int64_t customer = r.i64(0);
      const int current = r.is_null(5) ? 0 : static_cast<int>(r.i64(5));
      const int target = followup_stage(now, start, ack_before, escalate, current);
      if (target == current) continue;
      // Claim the step: only one server (or run) moves a follow-up from `current` to `target`.
      const std::int64_t claimed =
          current == 0 ? conn.execute("INSERT INTO outage_ack_followups(outage_id, customer_id, stage, tasked_at, escalated_at) VALUES (?,?,?,?,?) "
                                      "ON CONFLICT (outage_id, customer_id) DO NOTHING",
                                      {outage_id, customer, std::int64_t{target}, now, target == 2 ? Value(now) : storage::null_value()})
                       : conn.execute("UPDATE outage_ack_followups SET stage = ?, escalated_at = ? WHERE outage_id = ? AND customer_id = ? AND stage = ?",
                                      {std::int64_t{target}, now, outage_id, customer, std::int64_t{current}});
      if (claimed == 0) continue;
      const std::string name = r.str(1), manager = r.opt_str(3).value_or("");
      const std::optional<std::int64_t> manager_id = r.opt_i64(2);
      const std::map<std::string, std::string> params{
          {"number", number}, {"customer", name}, {"start", format_shanghai_minute(start)}, {"manager", manager.empty() ? "未指定" : manager}};
      auto send = [&](std::int64_t user, const char* kind, const std::string& key) {
        notify::Notice n;
        n.user_id = user;
        n.kind = kind;
        n.params = params;
        n.ref_entity = "outage";
        n.ref_id = std::to_string(outage_id);
        n.dedupe_key = key;
        messages += notify::enqueue(conn, n, now) > 0 ? 1 : 0;
      };
      const std::string key = std::to_string(outage_id) + ":" + std::to_string(customer);
      if (current < 1 && manager_id) send(*manager_id, "outage_ack_task", "outage_ack_task:" + key);
      if (target == 2 || !manager_id) {
        if (!leaders) {
          leaders.emplace();
          for (auto& u : conn.query("SELECT u.id, o.path FROM users u JOIN org_units o ON o.id = u.org_unit_id "
                                    "WHERE u.role IN ('leader','marketing_manager') AND u.active = 1 ORDER BY u.id"))
            leaders->emplace_back(u.i64(0), u.str(1));
        }
        const std::string& path = r.str(4);
        for (auto& [user, user_path] : *leaders)
          if (path.compare(0, user_path.size(), user_path) == 0) send(user, "outage_ack_escalation", "outage_ack_escalation:" + key + ":" + std::to_string(user));
      }
    }
  }
  return messages;
}

void store_posting_photo(Connection& conn, const auth::Principal& p, std::int64_t notice_id, const std::string& file_name, const std::string& bytes,
                         Millis now) {
  auth::require_permission(p, auth::Permission::interaction_write);
  NoticeRow n = load_notice(conn, p, notice_id);
  if (n.channel != "posting") throw AppError(ErrorCode::invalid_transition, "only a posting notice has a photo");
  const auto file = files::check(file_name, bytes, 10 * 1024 * 1024);
  if (file.content_type != "image/jpeg" && file.content_type != "image/png")
    throw AppError(ErrorCode::validation_failed, "invalid photo", {{"file_name", "must be a photo: .jpg or .png"}});
  conn.execute("DELETE FROM outage_posting_photos WHERE notice_id = ?", {notice_id});
  conn.execute("INSERT INTO outage_posting_photos(notice_id, file_name, content_type, size_bytes, sha256, data, uploaded_by, uploaded_at) "
               "VALUES (?,?,?,?,?,?,?,?)",
               {notice_id, file.name, file.content_type, static_cast<std::int64_t>(bytes.size()), auth::sha256_hex(bytes), storage::Blob{bytes},
                p.user_id, now});
  audit_notice(conn, p, "photo", n, bj::object{{"file_name", file.name}, {"size_bytes", bytes.size()}});
}

PostingPhoto read_posting_photo(Connection& conn, const auth::Principal& p, std::int64_t notice_id) {
  auth::require_permission(p, auth::Permission::customer_read);
  load_notice(conn, p, notice_id);
  auto r = conn.query_one("SELECT file_name, content_type, data FROM outage_posting_photos WHERE notice_id = ?", {notice_id});
  if (!r) throw_not_found("photo");
  return {r->str(0), r->str(1), r->bytes(2)};
}

}  // namespace lianxin::outages
