// Visits (the leader visit of the programme, regular 定期回访 and ad-hoc 不定期走访 visits, the
// manager's introduction) and the action items every need or problem becomes, followed to closure.
#include <map>
#include <set>

#include "auth/crypto.hpp"
#include "common/files.hpp"
#include "common/strings.hpp"
#include "keyaccounts/internal.hpp"
#include "keyaccounts/programme_rules.hpp"
#include "keyaccounts/service.hpp"

namespace lianxin::keyaccounts {

using namespace detail;
using storage::Connection;
using storage::Params;
using storage::Value;

namespace {

const std::set<std::string>& visit_kinds() {
  static const std::set<std::string> k = {"leader", "regular", "adhoc", "introduction"};
  return k;
}

std::string visit_title(const std::string& kind) {
  if (kind == "leader") return "领导走访";
  if (kind == "regular") return "定期回访";
  if (kind == "introduction") return "客户经理上门介绍";
  return "不定期走访";
}

struct VisitRow {
  std::int64_t id = 0, customer_id = 0;
  std::string kind, status, planned_on, org_path;
};

VisitRow require_visit(Connection& conn, const auth::Principal& p, std::int64_t id) {
  auto r = conn.query_one("SELECT id, customer_id, kind, status, planned_on, org_path FROM visits WHERE id = ?", {id});
  if (!r) throw_not_found("visit");
  require_customer(conn, p, r->i64(1));
  return {r->i64(0), r->i64(1), r->str(2), r->str(3), r->str(4), r->str(5)};
}

bj::object action_item_json(const storage::Row& r, const std::string& day) {
  const bool open = r.str(8) == "open";
  return bj::object{{"id", r.i64(0)},
                    {"customer_id", r.i64(1)},
                    {"customer_name", r.str(2)},
                    {"source", r.str(3)},
                    {"source_id", json::nullable(r.opt_i64(4))},
                    {"action", json::nullable(r.opt_str(5))},
                    {"title", r.str(6)},
                    {"owner", user_ref(r.i64(7), r.opt_str(13))},
                    {"status", r.str(8)},
                    {"due_date", r.str(9)},
                    {"overdue", open && r.str(9) < day},
                    {"created_at", json::instant_or_null(r.i64(10))},
                    {"closed_at", json::instant_or_null(r.opt_i64(11))},
                    {"close_note", json::nullable(r.opt_str(12))},
                    {"resolved_by_plan_id", json::nullable(r.opt_i64(14))}};
}

constexpr const char* kActionItemSelect =
    "SELECT a.id, a.customer_id, c.name, a.source, a.source_id, a.action, a.title, a.owner_id, a.status, a.due_date, "
    "a.created_at, a.closed_at, a.close_note, u.display_name, a.resolved_by_plan_id FROM action_items a "
    "JOIN customers c ON c.id = a.customer_id LEFT JOIN users u ON u.id = a.owner_id";

bj::array items_of_source(Connection& conn, const std::string& source, std::int64_t id, const std::string& day) {
  bj::array out;
  for (auto& r : conn.query(std::string(kActionItemSelect) + " WHERE a.source = ? AND a.source_id = ? ORDER BY a.id", {source, id}))
    out.push_back(action_item_json(r, day));
  return out;
}

}  // namespace

std::int64_t plan_visit(Connection& conn, const auth::Principal& p, const bj::object& body, Millis now) {
  require(p, auth::Permission::keyaccount_service);
  Validator v;
  auto customer = json::req_int(body, "customer_id", v);
  auto kind = json::req_string(body, "kind", v, 20);
  if (!kind.empty() && !visit_kinds().count(kind)) v.add("kind", "must be leader, regular, adhoc or introduction");
  auto planned = req_date(body, "planned_on", v);
  auto participants = json::opt_string(body, "participants", v, 1000).value_or("");
  auto purpose = json::opt_string(body, "purpose", v, 2000);
  if (kind == "leader" && trim(participants).empty()) v.add("participants", "name the leader and the others who go");
  v.throw_if_failed();
  auto c = require_key_account(conn, p, customer);
  std::optional<std::int64_t> item;
  if (kind == "leader" || kind == "introduction") {
    // The programme item this visit fulfils (the year's programme, if any).
    auto r = conn.query_one("SELECT i.id FROM programme_items i JOIN programmes g ON g.id = i.programme_id "
                            "WHERE g.customer_id = ? AND g.year = ? AND i.kind = ?",
                            {customer, std::int64_t{year_of(planned)}, std::string(kind == "leader" ? "leader_visit" : "manager")});
    if (r) item = r->i64(0);
  }
  const std::int64_t id = conn.insert_returning_id(
      "INSERT INTO visits(customer_id, org_path, kind, status, planned_on, participants, purpose, programme_item_id, created_by, "
      "created_at) VALUES (?,?,?,'planned',?,?,?,?,?,?) RETURNING id",
      {customer, c.org_path, kind, planned, trim(participants), purpose ? Value(*purpose) : storage::null_value(),
       item ? Value(*item) : storage::null_value(), p.user_id, now});
  audit_write(conn, p, "create", "visit", id, c.org_path, {},
              bj::object{{"customer_id", customer}, {"kind", kind}, {"planned_on", planned}, {"participants", trim(participants)}});
  return id;
}

bj::object complete_visit(Connection& conn, const auth::Principal& p, std::int64_t visit_id, const bj::object& body, Millis now) {
  require(p, auth::Permission::keyaccount_service);
  Validator v;
  auto done_on = opt_date(body, "done_on", v).value_or(today(now));
  auto record = trim(json::req_string(body, "record", v, 8000));
  auto participants = json::opt_string(body, "participants", v, 1000);
  auto needs = parse_items(conn, body, "needs", v, false);
  if (v.ok() && done_on > today(now)) v.add("done_on", "must not lie in the future");
  v.throw_if_failed();
  auto visit = require_visit(conn, p, visit_id);
  if (visit.status != "planned") throw AppError(ErrorCode::invalid_transition, "the visit is " + visit.status + " already");
  auto c = require_customer(conn, p, visit.customer_id);
  conn.execute("UPDATE visits SET status = 'done', done_on = ?, done_by = ?, record = ?, participants = COALESCE(?, participants) "
               "WHERE id = ?",
               {done_on, p.user_id, record, participants ? Value(trim(*participants)) : storage::null_value(), visit_id});
  for (auto& need : needs) add_action_item(conn, p, c, "visit", visit_id, need, now);
  std::string body_text = record;
  if (!needs.empty()) {
    body_text += "\n客户诉求/问题 " + std::to_string(needs.size()) + " 项：";
    for (std::size_t i = 0; i < needs.size(); ++i) body_text += (i ? "；" : "") + needs[i].title;
  }
  timeline_add(conn, p, visit.customer_id, "visit", visit_title(visit.kind), body_text, "visit", visit_id, now);
  audit_write(conn, p, "complete", "visit", visit_id, visit.org_path, bj::object{{"status", "planned"}},
              bj::object{{"status", "done"}, {"done_on", done_on}, {"needs", needs.size()}});
  if (visit.kind == "leader")
    complete_programme_item(conn, p, visit.customer_id, year_of(done_on), "leader_visit", "visit", visit_id, now);
  if (visit.kind == "introduction" && c.manager_id)
    complete_programme_item(conn, p, visit.customer_id, year_of(done_on), "manager", "visit", visit_id, now);
  return visit_detail(conn, p, visit_id);
}

void cancel_visit(Connection& conn, const auth::Principal& p, std::int64_t visit_id, const bj::object& body, Millis now) {
  require(p, auth::Permission::keyaccount_service);
  Validator v;
  auto reason = trim(json::req_string(body, "reason", v, 500));
  v.throw_if_failed();
  auto visit = require_visit(conn, p, visit_id);
  if (visit.status != "planned") throw AppError(ErrorCode::invalid_transition, "the visit is " + visit.status + " already");
  conn.execute("UPDATE visits SET status = 'cancelled', cancel_reason = ? WHERE id = ?", {reason, visit_id});
  audit_write(conn, p, "cancel", "visit", visit_id, visit.org_path, bj::object{{"status", "planned"}},
              bj::object{{"status", "cancelled"}, {"reason", reason}});
  (void)now;
}

bj::object visit_detail(Connection& conn, const auth::Principal& p, std::int64_t visit_id) {
  require(p, auth::Permission::customer_read);
  auto visit = require_visit(conn, p, visit_id);
  auto r = conn.query_one(
      "SELECT v.id, v.customer_id, c.name, v.kind, v.status, v.planned_on, v.participants, v.purpose, v.record, v.done_on, "
      "d.display_name, u.display_name, v.created_at, v.cancel_reason, v.programme_item_id FROM visits v "
      "JOIN customers c ON c.id = v.customer_id LEFT JOIN users d ON d.id = v.done_by JOIN users u ON u.id = v.created_by "
      "WHERE v.id = ?",
      {visit_id});
  const std::string day = shanghai_date(now_millis());
  bj::array attachments;
  for (auto& a : conn.query("SELECT id, file_name, size_bytes FROM service_attachments WHERE entity = 'visit' AND entity_id = ? "
                            "ORDER BY id",
                            {visit_id}))
    attachments.push_back(bj::object{{"id", a.i64(0)}, {"file_name", a.str(1)}, {"size_bytes", a.i64(2)}});
  return bj::object{{"id", r->i64(0)},
                    {"customer_id", r->i64(1)},
                    {"customer_name", r->str(2)},
                    {"kind", r->str(3)},
                    {"status", r->str(4)},
                    {"planned_on", r->str(5)},
                    {"participants", r->str(6)},
                    {"purpose", json::nullable(r->opt_str(7))},
                    {"record", json::nullable(r->opt_str(8))},
                    {"done_on", json::nullable(r->opt_str(9))},
                    {"done_by", json::nullable(r->opt_str(10))},
                    {"created_by", r->str(11)},
                    {"created_at", json::instant_or_null(r->i64(12))},
                    {"cancel_reason", json::nullable(r->opt_str(13))},
                    {"programme_item_id", json::nullable(r->opt_i64(14))},
                    {"action_items", items_of_source(conn, "visit", visit_id, day)},
                    {"attachments", std::move(attachments)}};
}

bj::object list_visits(Connection& conn, const auth::Principal& p, const VisitFilter& f, std::int64_t limit, std::int64_t offset) {
  require(p, auth::Permission::customer_read);
  Params params;
  std::string where = " WHERE " + visible_customers(conn, p, params);
  if (f.customer_id) {
    where += " AND v.customer_id = ?";
    params.push_back(*f.customer_id);
  }
  if (f.manager_id) {
    where += " AND (c.manager_id = ? OR c.backup_manager_id = ?)";
    params.push_back(*f.manager_id);
    params.push_back(*f.manager_id);
  }
  // The calendar: a visit lies in [from, to] by its done date, else its planned date.
  if (f.from) {
    where += " AND COALESCE(v.done_on, v.planned_on) >= ?";
    params.push_back(*f.from);
  }
  if (f.to) {
    where += " AND COALESCE(v.done_on, v.planned_on) <= ?";
    params.push_back(*f.to);
  }
  if (f.status) {
    where += " AND v.status = ?";
    params.push_back(*f.status);
  }
  if (f.kind) {
    where += " AND v.kind = ?";
    params.push_back(*f.kind);
  }
  const std::string from = " FROM visits v JOIN customers c ON c.id = v.customer_id LEFT JOIN users m ON m.id = c.manager_id";
  const std::int64_t total = conn.query_i64("SELECT COUNT(*)" + from + where, params);
  params.push_back(limit);
  params.push_back(offset);
  bj::array items;
  for (auto& r : conn.query("SELECT v.id, v.customer_id, c.name, v.kind, v.status, v.planned_on, v.done_on, v.participants, "
                            "m.display_name, (SELECT COUNT(*) FROM action_items a WHERE a.source = 'visit' AND a.source_id = v.id), "
                            "(SELECT COUNT(*) FROM action_items a WHERE a.source = 'visit' AND a.source_id = v.id AND a.status = 'open')" +
                                from + where + " ORDER BY COALESCE(v.done_on, v.planned_on), v.id LIMIT ? OFFSET ?",
                            params))
    items.push_back(bj::object{{"id", r.i64(0)},
                               {"customer_id", r.i64(1)},
                               {"customer_name", r.str(2)},
                               {"kind", r.str(3)},
                               {"status", r.str(4)},
                               {"planned_on", r.str(5)},
                               {"done_on", json::nullable(r.opt_str(6))},
                               {"participants", r.str(7)},
                               {"manager_name", json::nullable(r.opt_str(8))},
                               {"action_items", r.i64(9)},
                               {"open_action_items", r.i64(10)}});
  return json::list_envelope(std::move(items), total, offset / std::max<std::int64_t>(limit, 1) + 1, limit);
}

bj::array visits_due(Connection& conn, const auth::Principal& p, std::optional<std::int64_t> manager_id, const std::string& until,
                     Millis now) {
  const auto intervals = visit_intervals(conn);
  Params params;
  std::string where = " WHERE c.is_key_account = 1 AND c.status = 'active' AND " + visible_customers(conn, p, params);
  if (manager_id) {
    where += " AND c.manager_id = ?";
    params.push_back(*manager_id);
  }
  const std::string day = today(now);
  bj::array out;
  for (auto& r : conn.query(
           "SELECT c.id, c.name, c.key_tier, "
           "(SELECT MAX(v.done_on) FROM visits v WHERE v.customer_id = c.id AND v.status = 'done' AND v.kind <> 'introduction'), "
           "(SELECT MIN(v.planned_on) FROM visits v WHERE v.customer_id = c.id AND v.status = 'planned') "
           "FROM customers c" + where + " ORDER BY c.id",
           params)) {
    const std::string tier = r.opt_str(2).value_or("C");
    const int interval = interval_of(intervals, tier);
    const std::string due = next_visit_due(r.opt_str(3), interval, day);
    if (due > until) continue;
    out.push_back(bj::object{{"customer_id", r.i64(0)},
                             {"name", r.str(1)},
                             {"tier", tier},
                             {"interval_days", interval},
                             {"last_visit_on", json::nullable(r.opt_str(3))},
                             {"due_on", due},
                             {"overdue", due < day},
                             {"next_planned_on", json::nullable(r.opt_str(4))}});
  }
  return out;
}

std::int64_t create_action_item(Connection& conn, const auth::Principal& p, const bj::object& body, Millis now) {
  require(p, auth::Permission::keyaccount_service);
  Validator v;
  auto customer = json::req_int(body, "customer_id", v);
  v.throw_if_failed();
  auto item = parse_item(conn, body, false);
  auto c = require_key_account(conn, p, customer);
  return add_action_item(conn, p, c, "manual", std::nullopt, item, now);
}

bj::object update_action_item(Connection& conn, const auth::Principal& p, std::int64_t item_id, const bj::object& body, Millis now) {
  require(p, auth::Permission::keyaccount_service);
  Validator v;
  auto owner = json::opt_int(body, "owner_id", v);
  auto due = opt_date(body, "due_date", v);
  if (owner) check_user(conn, *owner, "owner_id", v);
  v.throw_if_failed();
  auto r = conn.query_one("SELECT customer_id, status, owner_id, due_date, org_path FROM action_items WHERE id = ?", {item_id});
  if (!r) throw_not_found("action item");
  require_customer(conn, p, r->i64(0));
  if (r->str(1) != "open") throw AppError(ErrorCode::invalid_transition, "the action item is closed");
  if (owner) conn.execute("UPDATE action_items SET owner_id = ? WHERE id = ?", {*owner, item_id});
  if (due) conn.execute("UPDATE action_items SET due_date = ?, overdue_notified_at = NULL WHERE id = ?", {*due, item_id});
  audit_write(conn, p, "update", "action_item", item_id, r->str(4),
              bj::object{{"owner_id", r->i64(2)}, {"due_date", r->str(3)}},
              bj::object{{"owner_id", json::nullable(owner)}, {"due_date", json::nullable(due)}});
  const std::string day = today(now);
  return action_item_json(*conn.query_one(std::string(kActionItemSelect) + " WHERE a.id = ?", {item_id}), day);
}

bj::object close_action_item(Connection& conn, const auth::Principal& p, std::int64_t item_id, const bj::object& body, Millis now) {
  Validator v;
  auto note = trim(json::req_string(body, "note", v, 2000));
  v.throw_if_failed();
  auto r = conn.query_one("SELECT customer_id, status, owner_id, source, org_path, title FROM action_items WHERE id = ?", {item_id});
  if (!r) throw_not_found("action item");
  // The owner closes it (an O&M colleague need not hold the account); otherwise the service right.
  if (r->i64(2) != p.user_id) {
    require(p, auth::Permission::keyaccount_service);
    require_customer(conn, p, r->i64(0));
  }
  if (r->str(1) != "open") throw AppError(ErrorCode::invalid_transition, "the action item is closed already");
  if (r->str(3) == "drill")
    throw AppError(ErrorCode::invalid_transition,
                   "a drill finding closes with the emergency plan revision that answers it; revise the plan");
  conn.execute("UPDATE action_items SET status = 'closed', closed_at = ?, closed_by = ?, close_note = ? WHERE id = ?",
               {now, p.user_id, note, item_id});
  timeline_add(conn, p, r->i64(0), "action_item", "待办事项办结：" + r->str(5), note, "action_item", item_id, now);
  audit_write(conn, p, "close", "action_item", item_id, r->str(4), bj::object{{"status", "open"}},
              bj::object{{"status", "closed"}, {"note", note}});
  return action_item_json(*conn.query_one(std::string(kActionItemSelect) + " WHERE a.id = ?", {item_id}), today(now));
}

bj::object list_action_items(Connection& conn, const auth::Principal& p, const ActionItemFilter& f, std::int64_t limit,
                             std::int64_t offset, Millis now) {
  require(p, auth::Permission::customer_read);
  Params params;
  // In scope: the customer is visible, or the item is the caller's own.
  std::string where = " WHERE (" + visible_customers(conn, p, params) + " OR a.owner_id = ?)";
  params.push_back(p.user_id);
  const std::string day = today(now);
  if (f.customer_id) {
    where += " AND a.customer_id = ?";
    params.push_back(*f.customer_id);
  }
  if (f.owner_id) {
    where += " AND a.owner_id = ?";
    params.push_back(*f.owner_id);
  }
  if (f.status) {
    where += " AND a.status = ?";
    params.push_back(*f.status);
  }
  if (f.source) {
    where += " AND a.source = ?";
    params.push_back(*f.source);
  }
  if (f.source_id) {
    where += " AND a.source_id = ?";
    params.push_back(*f.source_id);
  }
  if (f.overdue_only) {
    where += " AND a.status = 'open' AND a.due_date < ?";
    params.push_back(day);
  }
  const std::int64_t total = conn.query_i64(
      "SELECT COUNT(*) FROM action_items a JOIN customers c ON c.id = a.customer_id" + where, params);
  params.push_back(limit);
  params.push_back(offset);
  bj::array items;
  for (auto& r : conn.query(std::string(kActionItemSelect) + where +
                                " ORDER BY CASE WHEN a.status = 'open' THEN 0 ELSE 1 END, a.due_date, a.id LIMIT ? OFFSET ?",
                            params))
    items.push_back(action_item_json(r, day));
  return json::list_envelope(std::move(items), total, offset / std::max<std::int64_t>(limit, 1) + 1, limit);
}

std::int64_t add_attachment(Connection& conn, const auth::Principal& p, const std::string& entity, std::int64_t entity_id,
                            const std::string& file_name, const std::string& bytes, Millis now) {
  require(p, auth::Permission::keyaccount_service);
  std::optional<storage::Row> owner;
  if (entity == "programme_item") owner = conn.query_one("SELECT customer_id FROM programme_items WHERE id = ?", {entity_id});
  else if (entity == "visit") owner = conn.query_one("SELECT customer_id FROM visits WHERE id = ?", {entity_id});
  else if (entity == "drill") owner = conn.query_one("SELECT customer_id FROM drills WHERE id = ?", {entity_id});
  else if (entity == "action_item") owner = conn.query_one("SELECT customer_id FROM action_items WHERE id = ?", {entity_id});
  else if (entity == "equipment") owner = conn.query_one("SELECT customer_id FROM equipment WHERE id = ?", {entity_id});
  else throw_not_found("record");
  if (!owner) throw_not_found(entity == "programme_item" ? "programme item" : entity == "action_item" ? "action item" : entity);
  auto c = require_customer(conn, p, owner->i64(0));
  std::int64_t max_bytes = 10 * 1024 * 1024;
  if (auto r = conn.query_one("SELECT value FROM settings WHERE key = 'claims.max_attachment_bytes'")) {
    try {
      max_bytes = std::stoll(r->str(0));
    } catch (const std::exception&) {
    }
  }
  auto file = files::check(file_name, bytes, max_bytes);
  const std::int64_t id = conn.insert_returning_id(
      "INSERT INTO service_attachments(customer_id, entity, entity_id, file_name, content_type, size_bytes, sha256, data, "
      "uploaded_by, uploaded_at) VALUES (?,?,?,?,?,?,?,?,?,?) RETURNING id",
      {c.id, entity, entity_id, file.name, file.content_type, static_cast<std::int64_t>(bytes.size()), auth::sha256_hex(bytes),
       storage::Blob{bytes}, p.user_id, now});
  audit_write(conn, p, "attach", entity, entity_id, c.org_path, {},
              bj::object{{"attachment_id", id}, {"file_name", file.name}, {"size_bytes", bytes.size()}});
  return id;
}

StoredFile read_attachment(Connection& conn, const auth::Principal& p, std::int64_t attachment_id) {
  require(p, auth::Permission::customer_read);
  auto r = conn.query_one("SELECT customer_id, file_name, content_type, data FROM service_attachments WHERE id = ?", {attachment_id});
  if (!r) throw_not_found("attachment");
  require_customer(conn, p, r->i64(0));
  return {r->str(1), r->str(2), r->bytes(3)};
}

}  // namespace lianxin::keyaccounts
