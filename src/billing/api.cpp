#include "billing/api.hpp"

#include <cstdio>

#include "audit/audit.hpp"
#include "auth/crypto.hpp"
#include "billing/groups.hpp"
#include "billing/service.hpp"
#include "common/clock.hpp"
#include "common/json.hpp"
#include "common/strings.hpp"
#include "http/json_response.hpp"
#include "http/params.hpp"
#include "io/csv.hpp"
#include "io/xlsx.hpp"

namespace lianxin::billing {
namespace {

namespace bj = boost::json;
using auth::Permission;
using http::ok;
using http::Response;
using http::RouteContext;
using storage::Connection;

// The JSON form of an import: an array of row objects (or {"rows": [...]}) with the column codes
// as keys; values are numbers or text (or null = not given).
RawTable rows_from_json(const std::string& body) {
  if (body.empty()) throw AppError(ErrorCode::invalid_json, "request body is empty; a JSON array of bill rows is expected");
  if (!is_valid_utf8(body)) throw AppError(ErrorCode::invalid_json, "request body is not valid UTF-8");
  boost::system::error_code ec;
  bj::parse_options opts;
  opts.max_depth = 8;
  bj::value v = bj::parse(body, ec, {}, opts);
  if (ec) throw AppError(ErrorCode::invalid_json, "malformed JSON: " + ec.message());
  const bj::array* rows = v.if_array();
  if (!rows && v.is_object())
    if (auto* r = v.as_object().if_contains("rows")) rows = r->if_array();
  if (!rows) throw AppError(ErrorCode::invalid_json, "a JSON array of bill rows is expected");
  if (rows->size() > kMaxRows)
    throw AppError(ErrorCode::validation_failed, "file too large", {{"rows", "more than 1,000,000 rows"}});
  RawTable t;
  Validator problems;
  for (std::size_t i = 0; i < rows->size(); ++i) {
    const auto n = static_cast<std::int64_t>(i) + 1;
    RawBill raw(kColumnCount);
    const bj::object* o = (*rows)[i].if_object();
    if (!o) {
      problems.add("rows", "each row must be a JSON object", n);
      continue;
    }
    for (const auto& kv : *o) {
      const ColumnInfo* column = nullptr;
      for (const ColumnInfo& c : columns())
        if (kv.key() == c.code) column = &c;
      if (!column) {
        problems.add(std::string(kv.key()), "unknown field; see the template for the column names", n);
        continue;
      }
      std::string& cell = raw[static_cast<std::size_t>(column->column)];
      const bj::value& value = kv.value();
      if (value.is_null()) continue;
      if (value.is_string()) cell = std::string(value.as_string());
      else if (value.is_int64()) cell = std::to_string(value.as_int64());
      else if (value.is_uint64()) cell = std::to_string(value.as_uint64());
      else if (value.is_double()) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.17g", value.as_double());
        cell = buf;
      } else problems.add(column->code, "must be a number or text", n);
    }
    t.rows.push_back(std::move(raw));
    t.row_numbers.push_back(n);
  }
  problems.throw_if_failed(std::to_string(problems.issues().size()) + " error(s); nothing was imported");
  return t;
}

bool is_json(const http::Request& req) {
  return to_lower_ascii(req.header("content-type")).rfind("application/json", 0) == 0;
}

Response import_route(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::bill_import);
  std::string file_name = http::query_text(ctx.request, "file_name", 200).value_or("");
  Source source = Source::api;
  RawTable table = is_json(ctx.request) ? rows_from_json(ctx.request.body) : read_upload(ctx.request.body, file_name, source);
  if (source == Source::api) file_name.clear();
  else if (file_name.empty()) file_name = source == Source::xlsx ? "upload.xlsx" : "upload.csv";
  const std::string sha = auth::sha256_hex(ctx.request.body);
  auto result = g.db().transaction(
      [&](Connection& conn) { return import_bills(conn, p, source, file_name, sha, table, now_millis()); });
  return ok(result_json(result), 201);
}

Response template_route(auth::Guard& g, RouteContext& ctx) {
  g.require(ctx.request, Permission::bill_import);
  const std::string format = http::query_text(ctx.request, "format", 10).value_or("xlsx");
  std::vector<std::string> header, example;
  for (const ColumnInfo& c : columns()) {
    header.push_back(std::string(c.zh) + (c.required ? "*" : ""));
    example.push_back(c.example);
  }
  const std::string file_name = "lianxin-bills-template." + format;
  if (format == "csv")
    return Response::attachment(std::string(io::kUtf8Bom) + io::csv_escape_row(header) + io::csv_escape_row(example),
                                "text/csv; charset=utf-8", file_name);
  if (format != "xlsx") throw AppError(ErrorCode::validation_failed, "invalid format", {{"format", "must be csv or xlsx"}});
  io::Sheet sheet;
  sheet.name = "bills";
  sheet.header = header;
  std::vector<io::Cell> row;
  for (auto& e : example) row.emplace_back(e);  // text, so 户号 keeps its leading zero
  sheet.rows.push_back(row);
  io::Sheet about;
  about.name = "说明";
  about.header = {"列", "代码", "必填", "说明"};
  for (const ColumnInfo& c : columns())
    about.rows.push_back({std::string(c.zh), std::string(c.code), std::string(c.required ? "是" : "否"),
                          std::string(c.column == Column::period       ? "年月，如 2026-05"
                                      : c.column == Column::amount_fen  ? "整数，单位：分"
                                      : c.column == Column::paid_fen    ? "整数，单位：分"
                                      : c.column == Column::arrears_fen ? "整数，单位：分；不填则按 应收 - 实收 计算"
                                      : c.column == Column::kwh_total   ? "千瓦时；填写分时电量时须等于尖峰、峰、平、谷之和"
                                      : c.column == Column::account_no  ? "用电户号"
                                                                        : "千瓦时，可不填")});
  return Response::xlsx(io::write_xlsx({sheet, about}), file_name);
}

BillFilter bill_filter(const http::Request& req) {
  BillFilter f;
  f.account_id = http::query_int(req, "account_id");
  f.from = http::query_text(req, "from", 10);
  f.to = http::query_text(req, "to", 10);
  if (f.from && f.from->empty()) f.from.reset();
  if (f.to && f.to->empty()) f.to.reset();
  return f;
}

std::string period_param(const http::Request& req) {
  auto period = http::query_text(req, "period", 10);
  if (!period || period->empty())
    throw AppError(ErrorCode::validation_failed, "invalid query parameter", {{"period", "is required"}});
  return *period;
}

Response statement_route(auth::Guard& g, RouteContext& ctx) {
  const std::string format = http::query_text(ctx.request, "format", 10).value_or("json");
  if (format != "json" && format != "xlsx" && format != "pdf")
    throw AppError(ErrorCode::validation_failed, "invalid format", {{"format", "must be json, xlsx or pdf"}});
  auto p = g.require(ctx.request, format == "json" ? Permission::customer_read : Permission::customer_export);
  const std::int64_t id = http::path_id(ctx);
  const std::string period = period_param(ctx.request);
  auto s = g.db().read([&](Connection& conn) { return group_statement(conn, p, id, period, now_millis()); });
  if (format == "json") return ok(statement_json(s));
  // Chinese unless asked otherwise (the query, or a browser that prefers English).
  const std::string lang = http::lang_of(ctx.request);
  const std::string file_name = "statement-" + std::to_string(id) + "-" + period + "." + format;
  Response r = format == "xlsx" ? Response::xlsx(statement_xlsx(s, lang), file_name)
                                : Response::attachment(statement_pdf(s, lang), "application/pdf", file_name);
  g.db().transaction([&](Connection& conn) {
    audit::record_export(conn, p.actor(), "group_statement", s.statement.total.accounts, ctx.request.target);
  });
  return r;
}

}  // namespace

void register_routes(http::Router& router, auth::Guard& guard) {
  auto* g = &guard;
  router.get("/api/v1/bill-imports/template", [g](RouteContext& c) { return template_route(*g, c); });
  router.post("/api/v1/bill-imports", [g](RouteContext& c) { return import_route(*g, c); });
  router.get("/api/v1/bill-imports", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::bill_import);
    auto paging = http::paging(c.request);
    return g->db().read([&](Connection& conn) { return ok(list_batches(conn, p, paging.page_size, paging.offset())); });
  });
  router.get("/api/v1/customers/{id}/bills", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    const std::int64_t id = http::path_id(c);
    auto f = bill_filter(c.request);
    auto paging = http::paging(c.request, 24, 200);
    f.limit = paging.page_size;
    f.offset = paging.offset();
    return g->db().read([&](Connection& conn) { return ok(list_bills(conn, p, id, f)); });
  });
  router.get("/api/v1/customers/{id}/bill-summary", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    const std::int64_t id = http::path_id(c);
    auto f = bill_filter(c.request);
    return g->db().read([&](Connection& conn) { return ok(bill_summary(conn, p, id, f)); });
  });
  router.get("/api/v1/groups", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    auto paging = http::paging(c.request);
    const std::string q = http::query_text(c.request, "q", 100).value_or("");
    const bool top = http::query_bool(c.request, "top_level").value_or(false);
    return g->db().read([&](Connection& conn) { return ok(list_groups(conn, p, q, top, paging.page_size, paging.offset())); });
  });
  router.get("/api/v1/groups/{id}", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    const std::int64_t id = http::path_id(c);
    const auto year = http::query_int(c.request, "year").value_or(std::stoi(shanghai_date(now_millis()).substr(0, 4)));
    if (year < 2000 || year > 2999)
      throw AppError(ErrorCode::validation_failed, "invalid query parameter", {{"year", "is not a year"}});
    return g->db().read([&](Connection& conn) { return ok(group_360(conn, p, id, static_cast<int>(year))); });
  });
  router.get("/api/v1/groups/{id}/statement", [g](RouteContext& c) { return statement_route(*g, c); });
  router.get("/api/v1/groups/{id}/reconciliation", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    const std::int64_t id = http::path_id(c);
    const std::string period = period_param(c.request);
    return g->db().read([&](Connection& conn) { return ok(reconciliation(conn, p, id, period, now_millis())); });
  });
}

}  // namespace lianxin::billing
