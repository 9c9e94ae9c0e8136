#include "curves/api.hpp"

#include <boost/json.hpp>
#include <cmath>

#include "auth/rules.hpp"
#include "billing/rules.hpp"
#include "common/clock.hpp"
#include "common/json.hpp"
#include "common/strings.hpp"
#include "curves/stats.hpp"
#include "curves/store.hpp"
#include "http/json_response.hpp"
#include "http/params.hpp"
#include "tariff/store.hpp"

namespace lianxin::curves {

namespace {

namespace bj = boost::json;
using auth::Permission;
using http::ok;
using http::Response;
using http::RouteContext;
using storage::Connection;

bj::value number_or_null(double v) {
  if (std::isnan(v)) return nullptr;
  return std::round(v * 1000.0) / 1000.0;
}

bj::object summary_json(const ImportSummary& s) {
  bj::array flagged;
  for (auto& f : s.flagged) {
    bj::array flags;
    for (auto& x : f.flags) flags.push_back(bj::value(x));
    flagged.push_back(bj::object{{"account_no", f.account_no},
                                 {"period", f.period},
                                 {"flags", std::move(flags)},
                                 {"missing", f.missing},
                                 {"negatives", f.negatives},
                                 {"spikes", f.spikes},
                                 {"flat_points", f.flat_points},
                                 {"duplicate_days", f.duplicate_days}});
  }
  return {{"batch_id", s.batch_id}, {"file_name", s.file_name}, {"layout", s.layout},       {"rows", s.rows},
          {"readings", s.readings}, {"accounts", s.accounts},   {"months", s.months},       {"inserted", s.inserted},
          {"merged", s.merged},     {"flagged_months", s.flagged_months}, {"flagged", std::move(flagged)}};
}

bj::object month_json(const StoredMonth& m) {
  bj::array flags;
  for (auto& f : split(m.flags, ','))
    if (!f.empty()) flags.push_back(bj::value(f));
  return {{"period", m.period},       {"points", m.points},       {"missing", m.missing},
          {"negatives", m.negatives}, {"zeros", m.zeros},         {"spikes", m.spikes},
          {"flat_points", m.flat_points}, {"duplicate_days", m.duplicate_days}, {"flags", std::move(flags)},
          {"kwh", std::round(m.kwh * 100) / 100}, {"max_kw", std::round(m.max_kw * 1000) / 1000},
          {"updated_at", format_iso_utc(m.updated_at)}};
}

// The time-of-use schedule for a month: the company province's table in force then, else the
// province's newest schedule.
std::optional<tariff::TouSchedule> schedule_for(Connection& conn, const std::string& period) {
  const auto settings = tariff::load_settings(conn);
  if (auto t = tariff::table_on(conn, settings.province, period + "-01"); t && t->table.schedule) return t->table.schedule;
  for (auto& s : tariff::load_schedules(conn))
    if (s.province == settings.province) return s.schedule;
  return std::nullopt;
}

Response month_detail(auth::Guard& g, RouteContext& c) {
  auto p = g.require(c.request, Permission::customer_read);
  const std::int64_t id = http::path_id(c);
  const std::string period_text = c.param("period");
  const auto period = billing::normalize_period(period_text);
  if (!period) throw AppError(ErrorCode::validation_failed, "invalid period", {{"period", "月份应为 YYYY-MM"}});
  return g.db().read([&](Connection& conn) {
    tariff::visible_account(conn, p, id);
    auto kw = load_month(conn, id, *period);
    if (!kw) throw_not_found("load curve");
    const int year = std::stoi(period->substr(0, 4)), month = std::stoi(period->substr(5, 2));
    const int days = static_cast<int>(kw->size()) / kSlotsPerDay;
    bj::array rows;
    for (int d = 0; d < days; ++d) {
      bj::array day;
      for (int s = 0; s < kSlotsPerDay; ++s) day.push_back(number_or_null((*kw)[static_cast<std::size_t>(d * kSlotsPerDay + s)]));
      rows.push_back(std::move(day));
    }
    const auto q = assess_quality(*kw, {});
    bj::array marks;
    for (auto& m : q.marks)
      marks.push_back(bj::object{{"code", m.code}, {"day", m.day}, {"slot", m.slot}, {"points", m.points}, {"other_day", m.other_day}});
    bj::array flags;
    for (const char* f : q.flags) flags.push_back(bj::value(f));
    const auto st = month_stats(*kw, year, month);
    bj::array typical;
    for (double v : typical_day(*kw)) typical.push_back(number_or_null(v));
    bj::object out{{"account_id", id},
                   {"period", *period},
                   {"days", days},
                   {"kw", std::move(rows)},
                   {"quality", bj::object{{"flags", std::move(flags)},
                                          {"points", q.points},
                                          {"missing", q.missing},
                                          {"negatives", q.negatives},
                                          {"zeros", q.zeros},
                                          {"spikes", q.spikes},
                                          {"flat_points", q.flat_points},
                                          {"duplicate_days", q.duplicate_days},
                                          {"marks", std::move(marks)}}},
                   {"stats", bj::object{{"kwh", st.kwh},
                                        {"max_kw", st.max_kw},
                                        {"max_day", st.max_day},
                                        {"max_slot", st.max_slot},
                                        {"min_kw", st.min_kw},
                                        {"avg_kw", st.avg_kw},
                                        {"load_factor", st.load_factor},
                                        {"peak_valley_rate", st.peak_valley_rate},
                                        {"avg_daily_peak_valley_rate", st.avg_daily_peak_valley_rate},
                                        {"complete_days", st.complete_days}}},
                   {"typical_day", std::move(typical)}};
    if (auto schedule = schedule_for(conn, *period)) {
      SlotPeriods slots{};
      for (int s = 0; s < kSlotsPerDay; ++s) slots[static_cast<std::size_t>(s)] = static_cast<std::uint8_t>(tariff::period_at(*schedule, month, s * 15));
      const auto by = kwh_by_period(*kw, slots);
      bj::object periods;
      for (int i = 0; i < 5; ++i) periods[tariff::tou_period_code(static_cast<tariff::TouPeriod>(i))] = std::round(by[static_cast<std::size_t>(i)] * 100) / 100;
      bj::array slot_codes;
      for (auto s : slots) slot_codes.push_back(bj::value(tariff::tou_period_code(static_cast<tariff::TouPeriod>(s))));
      out["kwh_by_period"] = std::move(periods);
      out["slot_periods"] = std::move(slot_codes);
      out["tou_schedule"] = schedule->code;
    }
    return ok(out);
  });
}

}  // namespace

void register_routes(http::Router& router, auth::Guard& guard) {
  auto* g = &guard;
  router.post("/api/v1/curves/import", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::curve_import);
    const std::string file_name = http::query_text(c.request, "file_name", 200).value_or("upload.csv");
    std::string account = http::query_text(c.request, "account_no", 40).value_or("");
    auto summary = g->db().transaction(
        [&](Connection& conn) { return import_file(conn, p, file_name, c.request.body, account, now_millis()); });
    return ok(summary_json(summary), 201);
  });
  router.get("/api/v1/curves/batches", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::curve_import);
    const auto limit = http::query_positive(c.request, "page_size", 20, 200);
    const auto page = http::query_positive(c.request, "page", 1, 1000000);
    return g->db().read([&](Connection& conn) {
      const bool all = p.role == auth::Role::administrator;
      std::string where = all ? "" : " WHERE b.created_by = " + std::to_string(p.user_id);
      bj::array items;
      for (auto& r : conn.query("SELECT b.id, b.file_name, b.layout, b.accounts, b.months, b.readings, b.flagged_months, b.created_at, "
                                "COALESCE(u.display_name, '') FROM curve_batches b LEFT JOIN users u ON u.id = b.created_by" +
                                    where + " ORDER BY b.id DESC LIMIT ? OFFSET ?",
                                {limit, (page - 1) * limit}))
        items.push_back(bj::object{{"id", r.i64(0)},       {"file_name", r.str(1)},     {"layout", r.str(2)},
                                   {"accounts", r.i64(3)}, {"months", r.i64(4)},        {"readings", r.i64(5)},
                                   {"flagged_months", r.i64(6)}, {"created_at", format_iso_utc(r.i64(7))}, {"created_by", r.str(8)}});
      const auto total = conn.query_i64("SELECT COUNT(*) FROM curve_batches b" + where);
      return ok(json::list_envelope(std::move(items), total, page, limit));
    });
  });
  router.get("/api/v1/accounts/{id}/curves", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    const std::int64_t id = http::path_id(c);
    Validator v;
    auto from = http::query_text(c.request, "from", 10), to = http::query_text(c.request, "to", 10);
    if (from && !billing::normalize_period(*from)) v.add("from", "月份应为 YYYY-MM");
    if (to && !billing::normalize_period(*to)) v.add("to", "月份应为 YYYY-MM");
    v.throw_if_failed("invalid period");
    return g->db().read([&](Connection& conn) {
      tariff::visible_account(conn, p, id);
      bj::array items;
      for (auto& m : list_months(conn, id, from ? *billing::normalize_period(*from) : "", to ? *billing::normalize_period(*to) : ""))
        items.push_back(month_json(m));
      const auto n = static_cast<std::int64_t>(items.size());
      return ok(json::list_envelope(std::move(items), n, 1, n));
    });
  });
  router.get("/api/v1/accounts/{id}/curves/{period}", [g](RouteContext& c) { return month_detail(*g, c); });
}

}  // namespace lianxin::curves
