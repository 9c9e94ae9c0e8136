#include "calendar/api.hpp"

#include <string_view>

#include "audit/audit.hpp"
#include "auth/rules.hpp"
#include "calendar/holidays.hpp"
#include "calendar/rules.hpp"
#include "calendar/store.hpp"
#include "clocks/store.hpp"
#include "common/clock.hpp"
#include "common/json.hpp"
#include "common/strings.hpp"
#include "http/json_response.hpp"
#include "http/params.hpp"

namespace lianxin::calendar {

namespace {

namespace bj = boost::json;

bj::array day_list(const Calendar& calendar, const std::vector<Date>& dates) {
  bj::array out;
  for (Date d : dates) {
    bj::object o{{"date", d.iso()}, {"kind", day_kind_name(calendar.kind_of(d))}};
    if (auto* adjusted = calendar.adjustment(d)) o["name"] = adjusted->name;
    out.push_back(std::move(o));
  }
  return out;
}

http::Response deadline(auth::Guard& guard, http::RouteContext& ctx) {
  auto principal = guard.require(ctx.request, auth::Permission::reference_read);
  const auto& req = ctx.request;
  Validator v;
  auto from_text = http::query_text(req, "from", 40);
  auto amount_text = http::query_text(req, "amount", 12);
  auto unit_text = http::query_text(req, "unit", 20);
  if (!from_text) v.add("from", "is required");
  if (!amount_text) v.add("amount", "is required");
  if (!unit_text) v.add("unit", "is required");
  v.throw_if_failed();
  Millis from = parse_iso_instant(*from_text, "from");
  auto amount = http::query_int(req, "amount");
  Duration duration{*amount, parse_unit(*unit_text, "unit")};
  auto calendar_id = http::query_int(req, "calendar_id");
  auto loaded = guard.db().read([&](storage::Connection& conn) {
    const std::int64_t id = calendar_id ? *calendar_id : calendar_for_org(conn, principal.org_path);
    return load(conn, id);
  });
  const Calendar& calendar = *loaded;
  Deadline d = compute_deadline(calendar, from, duration);
  bj::object out{{"from", format_iso_utc(from)},
                 {"amount", duration.amount},
                 {"unit", unit_name(duration.unit)},
                 {"due", d.due ? bj::value(format_iso_utc(*d.due)) : bj::value(nullptr)},
                 {"due_local_date", d.due ? bj::value(shanghai_date(*d.due - 1)) : bj::value(nullptr)},
                 {"counted_days", day_list(calendar, d.counted_days)},
                 {"skipped_days", day_list(calendar, d.skipped_days)},
                 {"calendar", bj::object{{"code", calendar.code()}, {"version", calendar.version()},
                                         {"first_year", calendar.years().front()}, {"last_year", calendar.years().back()}}}};
  return http::ok(out);
}

bj::object info_json(const CalendarInfo& info) {
  bj::array years;
  for (int y : info.years) years.push_back(y);
  return {{"id", info.id},
          {"code", info.code},
          {"name", info.name},
          {"base_id", json::nullable(info.base_id)},
          {"org_unit_id", json::nullable(info.org_unit_id)},
          {"version", info.version},
          {"years", std::move(years)}};
}

http::Response list(auth::Guard& guard, http::RouteContext& ctx) {
  guard.require(ctx.request, auth::Permission::reference_read);
  return guard.db().read([&](storage::Connection& conn) {
    bj::array items;
    for (auto& info : list_calendars(conn)) items.push_back(info_json(info));
    const std::int64_t n = static_cast<std::int64_t>(items.size());
    return http::ok(json::list_envelope(std::move(items), n, 1, n));
  });
}

// One calendar with the adjusted days of a year (default: this year): its own entries and, for an
// override, the base's, each marked with where it comes from.
http::Response get_one(auth::Guard& guard, http::RouteContext& ctx) {
  guard.require(ctx.request, auth::Permission::reference_read);
  const std::int64_t id = http::path_id(ctx);
  const std::int64_t year = http::query_int(ctx.request, "year").value_or(std::stoll(shanghai_date(now_millis()).substr(0, 4)));
  return guard.db().read([&](storage::Connection& conn) {
    CalendarInfo info = calendar_info(conn, id);
    auto calendar = load(conn, id);
    bj::object out = info_json(info);
    bj::array effective_years;
    for (int y : calendar->years()) effective_years.push_back(y);
    out["effective_years"] = std::move(effective_years);
    out["year"] = year;
    out["covered"] = calendar->covers(static_cast<int>(year));
    std::vector<std::string> own;
    for (auto& r : conn.query("SELECT date FROM calendar_days WHERE calendar_id = ? AND date >= ? AND date <= ?",
                              {id, std::to_string(year) + "-01-01", std::to_string(year) + "-12-31"}))
      own.push_back(r.str(0));
    bj::array days;
    for (const AdjustedDay& d : calendar->days()) {
      if (d.date.year() != year) continue;
      const std::string iso = d.date.iso();
      days.push_back(bj::object{{"date", iso},
                                {"adjustment", adjustment_code(d.adjustment)},
                                {"name", d.name},
                                {"own", std::find(own.begin(), own.end(), iso) != own.end()}});
    }
    out["days"] = std::move(days);
    bj::array sources;
    for (auto& r : conn.query("SELECT year, source, imported_at FROM calendar_years WHERE calendar_id = ? ORDER BY year", {id}))
      sources.push_back(bj::object{{"year", r.i64(0)}, {"source", r.str(1)}, {"imported_at", format_iso_utc(r.i64(2))}});
    out["sources"] = std::move(sources);
    return http::ok(out);
  });
}

// After a change: recompute open deadlines on this calendar and audit each one that moved.
bj::object recompute_and_audit(storage::Connection& conn, const auth::Principal& p, std::int64_t calendar_id) {
  auto moved = clocks::recompute_for_calendar(conn, calendar_id);
  for (auto& m : moved) {
    audit::Entry e;
    e.action = "recompute";
    e.entity = "clock";
    e.entity_id = std::to_string(m.clock_id);
    e.before_json = json::serialize(bj::object{{"subject", m.subject}, {"subject_id", m.subject_id}, {"name", m.name},
                                               {"due", json::instant_or_null(m.before)}});
    e.after_json = json::serialize(bj::object{{"subject", m.subject}, {"subject_id", m.subject_id}, {"name", m.name},
                                              {"due", json::instant_or_null(m.after)}, {"calendar_id", calendar_id}});
    audit::record(conn, p.actor(), e);
  }
  return {{"recomputed", static_cast<std::int64_t>(moved.size())}};
}

// The national calendar is changed only at company level; a regional one within the caller's subtree.
void require_calendar_scope(const auth::Principal& p, const CalendarInfo& info) {
  if (info.org_path.empty() ? !auth::is_company_level(p) : !auth::org_in_scope(p, info.org_path))
    throw AppError(ErrorCode::forbidden, info.org_path.empty() ? "the national calendar is changed at company level"
                                                               : "this calendar's region is outside your scope");
}

void audit_calendar(storage::Connection& conn, const auth::Principal& p, const std::string& action, std::int64_t id,
                    const bj::object& after) {
  audit::Entry e;
  e.action = action;
  e.entity = "calendar";
  e.entity_id = std::to_string(id);
  e.after_json = json::serialize(after);
  audit::record(conn, p.actor(), e);
}

http::Response create_override_route(auth::Guard& guard, http::RouteContext& ctx) {
  auto p = guard.require(ctx.request, auth::Permission::claim_admin);
  auto body = json::parse_object(ctx.request.body);
  Validator v;
  auto org = json::req_int(body, "org_unit_id", v);
  auto code = json::req_string(body, "code", v, 40);
  auto name = json::req_string(body, "name", v, 100);
  v.throw_if_failed();
  return guard.db().transaction([&](storage::Connection& conn) {
    auto path = conn.query_one("SELECT path FROM org_units WHERE id = ?", {org});
    if (!path || !auth::org_in_scope(p, path->str(0)))
      throw AppError(ErrorCode::validation_failed, "invalid calendar", {{"org_unit_id", "is outside your scope"}});
    auto id = create_override(conn, org, code, name);
    auto info = info_json(calendar_info(conn, id));
    audit_calendar(conn, p, "create", id, info);
    return http::ok(info, 201);
  });
}

// POST /api/v1/calendars/{id}/years?format=json|ical — the year's published schedule, as holiday-cn
// publishes it (the JSON form or iCalendar); replaces that year and recomputes open deadlines.
http::Response import_year(auth::Guard& guard, http::RouteContext& ctx) {
  auto p = guard.require(ctx.request, auth::Permission::claim_admin);
  const std::int64_t id = http::path_id(ctx);
  const std::string format = http::query_text(ctx.request, "format", 10).value_or("json");
  if (format != "json" && format != "ical")
    throw AppError(ErrorCode::validation_failed, "invalid query parameter", {{"format", "must be json or ical"}});
  auto year = http::query_int(ctx.request, "year");
  HolidaySchedule schedule = format == "json"
                                 ? parse_holiday_json(ctx.request.body)
                                 : parse_holiday_ical(ctx.request.body, year ? std::optional<int>(static_cast<int>(*year)) : std::nullopt);
  if (format == "json" && year && *year != schedule.year)
    throw AppError(ErrorCode::validation_failed, "invalid schedule", {{"year", "the file is for " + std::to_string(schedule.year)}});
  const std::string source = http::query_text(ctx.request, "source", 300)
                                 .value_or(schedule.papers.empty() ? std::string("imported (") + format + ")" : schedule.papers.front());
  return guard.db().transaction([&](storage::Connection& conn) {
    require_calendar_scope(p, calendar_info(conn, id));
    store_year(conn, id, schedule, source, p.user_id);
    auto result = recompute_and_audit(conn, p, id);
    auto info = info_json(calendar_info(conn, id));
    audit_calendar(conn, p, "import_year", id,
                   {{"year", schedule.year}, {"days", static_cast<std::int64_t>(schedule.days.size())}, {"source", source},
                    {"version", info.at("version")}, {"recomputed", result.at("recomputed")}});
    info["recomputed"] = result.at("recomputed");
    return http::ok(info);
  });
}

// PUT /api/v1/calendars/{id}/days/{date} {"adjustment": "off_day"|"makeup_working_day"|null, "name": "…"}
http::Response set_day_route(auth::Guard& guard, http::RouteContext& ctx) {
  auto p = guard.require(ctx.request, auth::Permission::claim_admin);
  const std::int64_t id = http::path_id(ctx);
  auto date = Date::parse(ctx.param("date"));
  if (!date) throw AppError(ErrorCode::validation_failed, "invalid day", {{"date", "must be a date YYYY-MM-DD"}});
  auto body = json::parse_object(ctx.request.body);
  Validator v;
  std::optional<DayAdjustment> adjustment;
  if (!json::is_null(body, "adjustment")) {
    auto code = json::req_string(body, "adjustment", v, 30);
    adjustment = adjustment_from_code(code);
    if (!code.empty() && !adjustment) v.add("adjustment", "must be off_day, makeup_working_day or null (removes this calendar's own entry; a regional calendar then follows the national one for that day)");
  }
  std::string name = json::opt_string(body, "name", v, 60).value_or("");
  if (adjustment && trim(name).empty()) v.add("name", "say why (the holiday or the make-up day it belongs to)");
  v.throw_if_failed();
  return guard.db().transaction([&](storage::Connection& conn) {
    require_calendar_scope(p, calendar_info(conn, id));
    set_day(conn, id, *date, adjustment, trim(name));
    auto result = recompute_and_audit(conn, p, id);
    auto info = info_json(calendar_info(conn, id));
    audit_calendar(conn, p, "set_day", id,
                   {{"date", date->iso()},
                    {"adjustment", adjustment ? bj::value(adjustment_code(*adjustment)) : bj::value(nullptr)},
                    {"name", trim(name)},
                    {"version", info.at("version")},
                    {"recomputed", result.at("recomputed")}});
    info["recomputed"] = result.at("recomputed");
    return http::ok(info);
  });
}

}  // namespace

void register_routes(http::Router& router, auth::Guard& guard) {
  auth::Guard* g = &guard;
  router.get("/api/v1/calendar/deadline", [g](http::RouteContext& c) { return deadline(*g, c); });
  router.get("/api/v1/calendars", [g](http::RouteContext& c) { return list(*g, c); });
  router.post("/api/v1/calendars", [g](http::RouteContext& c) { return create_override_route(*g, c); });
  router.get("/api/v1/calendars/{id}", [g](http::RouteContext& c) { return get_one(*g, c); });
  router.post("/api/v1/calendars/{id}/years", [g](http::RouteContext& c) { return import_year(*g, c); });
  router.put("/api/v1/calendars/{id}/days/{date}", [g](http::RouteContext& c) { return set_day_route(*g, c); });
}

}  // namespace lianxin::calendar
