#include "billing/service.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "audit/audit.hpp"
#include "auth/rules.hpp"
#include "common/errors.hpp"
#include "common/json.hpp"
#include "common/strings.hpp"
#include "customers/service.hpp"
#include "io/upload.hpp"

namespace lianxin::billing {

namespace bj = boost::json;
using storage::Connection;
using storage::Params;
using storage::Row;
using storage::Value;

namespace {

// Rows per multi-row statement: few round trips on PostgreSQL, few statements on SQLite, and well
// under both backends' parameter limits (16 parameters a bill row).
constexpr std::size_t kWriteChunk = 200;
constexpr std::size_t kReadChunk = 500;

std::string repeated_rows(std::size_t rows, std::size_t columns) {
  const std::string one = storage::placeholders(columns);
  std::string s;
  s.reserve(rows * (one.size() + 1));
  for (std::size_t i = 0; i < rows; ++i) {
    if (i) s += ',';
    s += one;
  }
  return s;
}

int period_index(const std::string& period) {
  return period_year(period) * 12 + std::atoi(period.substr(5, 2).c_str()) - 1;
}

std::int64_t bill_key(std::int64_t account_id, const std::string& period) {
  return account_id * 100000 + period_index(period);
}

Value opt_double(const std::optional<double>& d) { return d ? Value(*d) : storage::null_value(); }

constexpr const char* kBillColumns =
    "kwh_sharp, kwh_peak, kwh_flat, kwh_valley, kwh_total, kvarh, max_demand_kw, amount_fen, paid_fen, arrears_fen";

// Reads the ten value columns starting at `at` into a bill.
void read_values(const Row& r, std::size_t at, BillValues& b) {
  b.kwh_sharp = r.f64(at);
  b.kwh_peak = r.f64(at + 1);
  b.kwh_flat = r.f64(at + 2);
  b.kwh_valley = r.f64(at + 3);
  b.kwh_total = r.f64(at + 4);
  b.kvarh = r.is_null(at + 5) ? std::nullopt : std::optional<double>(r.f64(at + 5));
  b.max_demand_kw = r.is_null(at + 6) ? std::nullopt : std::optional<double>(r.f64(at + 6));
  b.amount_fen = r.i64(at + 7);
  b.paid_fen = r.i64(at + 8);
  b.arrears_fen = r.i64(at + 9);
}

struct AccountRef {
  std::int64_t id = 0, customer_id = 0;
  std::optional<std::int64_t> group_id;
  bool visible = false;
};

struct Existing {
  std::int64_t customer_id = 0;
  BillValues values;
};

}  // namespace

const char* source_code(Source s) {
  switch (s) {
    case Source::csv: return "csv";
    case Source::xlsx: return "xlsx";
    case Source::api: return "api";
  }
  return "api";
}

RawTable read_upload(const std::string& bytes, const std::string& file_name, Source& source) {
  io::UploadTable upload = io::read_upload_table(bytes, file_name, kMaxRows);
  source = upload.xlsx ? Source::xlsx : Source::csv;
  auto& cells = upload.cells;
  const auto& numbers = upload.row_numbers;
  auto blank = io::blank_row;
  std::vector<FieldIssue> issues;
  const std::vector<int> index = map_header(cells[0], issues);
  if (!issues.empty()) throw AppError(ErrorCode::validation_failed, "the header row has problems; nothing was imported", issues);
  RawTable t;
  t.rows.reserve(cells.size() - 1);
  t.row_numbers.reserve(cells.size() - 1);
  for (std::size_t i = 1; i < cells.size(); ++i) {
    if (blank(cells[i])) continue;
    RawBill raw(kColumnCount);
    for (std::size_t c = 0; c < kColumnCount; ++c) {
      const int at = index[c];
      if (at >= 0 && static_cast<std::size_t>(at) < cells[i].size()) raw[c] = std::move(cells[i][static_cast<std::size_t>(at)]);
    }
    t.rows.push_back(std::move(raw));
    t.row_numbers.push_back(numbers[i]);
  }
  return t;
}

ImportResult import_bills(Connection& conn, const auth::Principal& p, Source source, const std::string& file_name,
                          const std::string& sha256, const RawTable& table, Millis now) {
  if (!auth::has_permission(p.role, auth::Permission::bill_import))
    throw AppError(ErrorCode::forbidden, "your role may not do this (needs bill.import)");
  if (table.rows.empty())
    throw AppError(ErrorCode::validation_failed, "no bills to import", {{"rows", "the upload has no data rows"}});
  if (table.rows.size() > kMaxRows)
    throw AppError(ErrorCode::validation_failed, "file too large", {{"file", "more than 1,000,000 rows"}});

  // 1. Every row on its own, and duplicates within the upload.
  std::vector<FieldIssue> issues;
  std::int64_t error_count = 0;
  auto problem = [&](FieldIssue issue) {
    ++error_count;
    if (issues.size() < kMaxReportedErrors * 4) issues.push_back(std::move(issue));
  };
  const std::string latest = period_of_date(shanghai_date(now));
  std::vector<std::optional<BillValues>> parsed(table.rows.size());
  std::unordered_map<std::string, std::int64_t> first_row;  // account_no + period -> row number
  first_row.reserve(table.rows.size());
  std::vector<FieldIssue> row_issues;
  for (std::size_t i = 0; i < table.rows.size(); ++i) {
    const std::int64_t n = table.row_numbers[i];
    row_issues.clear();
    parsed[i] = parse_bill(table.rows[i], n, latest, row_issues);
    for (auto& issue : row_issues) problem(std::move(issue));
    if (!parsed[i]) continue;
    auto [it, fresh] = first_row.emplace(parsed[i]->account_no + "|" + parsed[i]->period, n);
    if (!fresh) {
      problem({"account_no", "same 户号 and period as row " + std::to_string(it->second) + " (rows " + std::to_string(it->second) +
                                 " and " + std::to_string(n) + ")",
               n});
      parsed[i].reset();
    }
  }

  // 2. The accounts, looked up in chunks: unknown 户号 and customers outside the caller's scope.
  std::unordered_map<std::string, AccountRef> accounts;
  {
    std::vector<std::string> numbers;
    numbers.reserve(first_row.size());
    std::set<std::string> distinct;
    for (auto& b : parsed)
      if (b && distinct.insert(b->account_no).second) numbers.push_back(b->account_no);
    for (std::size_t start = 0; start < numbers.size(); start += kReadChunk) {
      const std::size_t n = std::min(kReadChunk, numbers.size() - start);
      Params params(numbers.begin() + static_cast<std::ptrdiff_t>(start), numbers.begin() + static_cast<std::ptrdiff_t>(start + n));
      conn.query_each(
          "SELECT a.account_no, a.id, a.customer_id, c.org_path, c.manager_id, c.backup_manager_id, c.group_id FROM accounts a "
          "JOIN customers c ON c.id = a.customer_id WHERE a.account_no IN " + storage::placeholders(n),
          params, [&](const Row& r) {
            AccountRef ref;
            ref.id = r.i64(1);
            ref.customer_id = r.i64(2);
            ref.visible = auth::customer_visible(p, r.str(3), r.opt_i64(4), r.opt_i64(5));
            ref.group_id = r.opt_i64(6);
            accounts.emplace(r.str(0), ref);
          });
    }
  }
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    if (!parsed[i]) continue;
    auto it = accounts.find(parsed[i]->account_no);
    if (it == accounts.end()) problem({"account_no", "unknown 户号 " + parsed[i]->account_no, table.row_numbers[i]});
    else if (!it->second.visible)
      problem({"account_no", "this 户号 belongs to a customer outside your scope", table.row_numbers[i]});
    else continue;
    parsed[i].reset();
  }
  if (error_count > 0) {
    std::stable_sort(issues.begin(), issues.end(), [](const FieldIssue& a, const FieldIssue& b) { return a.row < b.row; });
    if (issues.size() > kMaxReportedErrors) issues.resize(kMaxReportedErrors);
    throw AppError(ErrorCode::validation_failed,
                   std::to_string(error_count) + " error(s); nothing was imported", issues);
  }

  // 3. What is there already, for the (account, period) pairs of the upload.
  std::unordered_map<std::int64_t, Existing> existing;
  existing.reserve(parsed.size());
  {
    std::string min_period = parsed.front()->period, max_period = min_period;
    std::vector<std::int64_t> ids;
    std::set<std::int64_t> distinct;
    for (auto& b : parsed) {
      min_period = std::min(min_period, b->period);
      max_period = std::max(max_period, b->period);
      const auto id = accounts.at(b->account_no).id;
      if (distinct.insert(id).second) ids.push_back(id);
    }
    for (std::size_t start = 0; start < ids.size(); start += kReadChunk) {
      const std::size_t n = std::min(kReadChunk, ids.size() - start);
      Params params(ids.begin() + static_cast<std::ptrdiff_t>(start), ids.begin() + static_cast<std::ptrdiff_t>(start + n));
      params.push_back(min_period);
      params.push_back(max_period);
      conn.query_each(std::string("SELECT account_id, period, customer_id, ") + kBillColumns + " FROM bills WHERE account_id IN " +
                          storage::placeholders(n) + " AND period >= ? AND period <= ?",
                      params, [&](const Row& r) {
                        Existing e;
                        e.customer_id = r.i64(2);
                        e.values.period = r.str(1);
                        read_values(r, 3, e.values);
                        existing.emplace(bill_key(r.i64(0), e.values.period), std::move(e));
                      });
    }
  }

  // 4. The batch, then the changed rows in multi-row upserts.
  ImportResult result;
  result.source = source_code(source);
  result.file_name = file_name;
  result.sha256 = sha256;
  result.rows = static_cast<std::int64_t>(parsed.size());
  result.batch_id = conn.insert_returning_id(
      "INSERT INTO bill_batches(source, file_name, sha256, rows_total, inserted, updated, unchanged, created_by, created_at) "
      "VALUES (?,?,?,?,0,0,0,?,?) RETURNING id",
      {result.source, storage::text_or_null(file_name), sha256, result.rows, p.user_id, now});
  std::vector<BillChange> changes;
  std::vector<const BillValues*> writes;
  std::vector<const AccountRef*> write_accounts;
  changes.reserve(parsed.size());
  writes.reserve(parsed.size());
  write_accounts.reserve(parsed.size());
  for (auto& b : parsed) {
    const AccountRef& account = accounts.at(b->account_no);
    auto it = existing.find(bill_key(account.id, b->period));
    if (it != existing.end()) {
      it->second.values.account_no = b->account_no;
      if (it->second.customer_id == account.customer_id && same_values(it->second.values, *b)) {
        ++result.unchanged;
        continue;
      }
      ++result.updated;
      changes.push_back({std::make_pair(it->second.customer_id, it->second.values), {account.customer_id, *b}});
    } else {
      ++result.inserted;
      changes.push_back({std::nullopt, {account.customer_id, *b}});
    }
    writes.push_back(&*b);
    write_accounts.push_back(&account);
  }
  for (std::size_t start = 0; start < writes.size(); start += kWriteChunk) {
    const std::size_t n = std::min(kWriteChunk, writes.size() - start);
    Params params;
    params.reserve(n * 16);
    for (std::size_t i = start; i < start + n; ++i) {
      const BillValues& b = *writes[i];
      const AccountRef& a = *write_accounts[i];
      params.insert(params.end(), {Value(a.id), Value(b.period), Value(a.customer_id), Value(b.kwh_sharp), Value(b.kwh_peak),
                                   Value(b.kwh_flat), Value(b.kwh_valley), Value(b.kwh_total), opt_double(b.kvarh),
                                   opt_double(b.max_demand_kw), Value(b.amount_fen), Value(b.paid_fen), Value(b.arrears_fen),
                                   Value(result.batch_id), storage::opt_value(a.group_id), Value(now)});
    }
    conn.execute(std::string("INSERT INTO bills(account_id, period, customer_id, ") + kBillColumns +
                     ", batch_id, group_id, updated_at) VALUES " + repeated_rows(n, 16) +
                     " ON CONFLICT (account_id, period) DO UPDATE SET customer_id = excluded.customer_id, "
                     "kwh_sharp = excluded.kwh_sharp, kwh_peak = excluded.kwh_peak, kwh_flat = excluded.kwh_flat, "
                     "kwh_valley = excluded.kwh_valley, kwh_total = excluded.kwh_total, kvarh = excluded.kvarh, "
                     "max_demand_kw = excluded.max_demand_kw, amount_fen = excluded.amount_fen, paid_fen = excluded.paid_fen, "
                     "arrears_fen = excluded.arrears_fen, batch_id = excluded.batch_id, group_id = excluded.group_id, "
                     "updated_at = excluded.updated_at",
                 params);
  }

  // 5. The yearly aggregates, by deltas.
  const auto deltas = usage_deltas(changes);
  std::set<std::int64_t> customers, shrunk;
  std::vector<std::pair<YearKey, YearUsage>> delta_rows(deltas.begin(), deltas.end());
  for (auto& [key, d] : delta_rows) {
    customers.insert(key.first);
    if (d.months < 0) shrunk.insert(key.first);
  }
  for (std::size_t start = 0; start < delta_rows.size(); start += kWriteChunk) {
    const std::size_t n = std::min(kWriteChunk, delta_rows.size() - start);
    Params params;
    params.reserve(n * 7);
    for (std::size_t i = start; i < start + n; ++i) {
      const auto& [key, d] = delta_rows[i];
      params.insert(params.end(), {Value(key.first), Value(std::int64_t{key.second}), Value(d.kwh), Value(d.amount_fen),
                                   Value(d.paid_fen), Value(d.arrears_fen), Value(d.months)});
    }
    conn.execute(
        "INSERT INTO customer_year_usage(customer_id, year, kwh, amount_fen, paid_fen, arrears_fen, months) VALUES " +
            repeated_rows(n, 7) +
            " ON CONFLICT (customer_id, year) DO UPDATE SET kwh = customer_year_usage.kwh + excluded.kwh, "
            "amount_fen = customer_year_usage.amount_fen + excluded.amount_fen, "
            "paid_fen = customer_year_usage.paid_fen + excluded.paid_fen, "
            "arrears_fen = customer_year_usage.arrears_fen + excluded.arrears_fen, "
            "months = customer_year_usage.months + excluded.months",
        params);
  }
  if (!shrunk.empty()) {  // a customer whose last bill of a year moved away keeps no empty year
    std::vector<std::int64_t> ids(shrunk.begin(), shrunk.end());
    for (std::size_t start = 0; start < ids.size(); start += kReadChunk) {
      const std::size_t n = std::min(kReadChunk, ids.size() - start);
      Params params(ids.begin() + static_cast<std::ptrdiff_t>(start), ids.begin() + static_cast<std::ptrdiff_t>(start + n));
      conn.execute("DELETE FROM customer_year_usage WHERE months <= 0 AND customer_id IN " + storage::placeholders(n), params);
    }
  }
  result.customers = static_cast<std::int64_t>(customers.size());

  // 6. The archive's annual figure: last year's kWh once the customer has bills for all 12 months
  // of it (the year the identification of this year reads).
  const int last_year = std::stoi(latest.substr(0, 4)) - 1;
  bool touches_last_year = false;
  for (auto& [key, d] : delta_rows) touches_last_year = touches_last_year || key.second == last_year;
  if (touches_last_year) {
    std::vector<std::int64_t> ids;
    for (auto& [key, d] : delta_rows)
      if (key.second == last_year) ids.push_back(key.first);
    char first[16], last[16];
    std::snprintf(first, sizeof first, "%04d-01", last_year);
    std::snprintf(last, sizeof last, "%04d-12", last_year);
    for (std::size_t start = 0; start < ids.size(); start += kReadChunk) {
      const std::size_t n = std::min(kReadChunk, ids.size() - start);
      Params params{std::int64_t{last_year}, std::string(first), std::string(last)};
      params.insert(params.end(), ids.begin() + static_cast<std::ptrdiff_t>(start), ids.begin() + static_cast<std::ptrdiff_t>(start + n));
      std::vector<std::pair<std::int64_t, double>> complete;
      conn.query_each(
          "SELECT c.id, u.kwh FROM customers c JOIN customer_year_usage u ON u.customer_id = c.id AND u.year = ? "
          "WHERE (SELECT COUNT(DISTINCT b.period) FROM bills b WHERE b.customer_id = c.id AND b.period >= ? AND b.period <= ?) = 12 "
          "AND c.id IN " + storage::placeholders(n) + " AND ABS(c.annual_kwh - u.kwh) > 0.005",
          params, [&](const Row& r) { complete.emplace_back(r.i64(0), r.f64(1)); });
      for (std::size_t at = 0; at < complete.size(); at += kWriteChunk) {
        const std::size_t m = std::min(kWriteChunk, complete.size() - at);
        Params update;
        std::string values;
        for (std::size_t i = at; i < at + m; ++i) {
          values += i > at ? ",(CAST(? AS BIGINT), CAST(? AS DOUBLE PRECISION))" : "(CAST(? AS BIGINT), CAST(? AS DOUBLE PRECISION))";
          update.push_back(complete[i].first);
          update.push_back(complete[i].second);
        }
        update.push_back(now);
        conn.execute("WITH v(id, kwh) AS (VALUES " + values +
                         ") UPDATE customers SET annual_kwh = (SELECT v.kwh FROM v WHERE v.id = customers.id), "
                         "version = version + 1, updated_at = ? WHERE id IN (SELECT id FROM v)",
                     update);
        result.annual_kwh_updated += static_cast<std::int64_t>(m);
      }
    }
  }

  conn.execute("UPDATE bill_batches SET inserted = ?, updated = ?, unchanged = ? WHERE id = ?",
               {result.inserted, result.updated, result.unchanged, result.batch_id});
  audit::Entry e;
  e.action = "import";
  e.entity = "bill_batch";
  e.entity_id = std::to_string(result.batch_id);
  e.org_path = p.org_path;
  e.after_json = json::serialize(result_json(result));
  audit::record(conn, p.actor(), e);
  return result;
}

void rebuild_year_usage(Connection& conn, const std::vector<std::int64_t>& customer_ids) {
  const std::string aggregate =
      "INSERT INTO customer_year_usage(customer_id, year, kwh, amount_fen, paid_fen, arrears_fen, months) "
      "SELECT customer_id, CAST(substr(period, 1, 4) AS INTEGER), SUM(kwh_total), SUM(amount_fen), SUM(paid_fen), "
      "SUM(arrears_fen), COUNT(*) FROM bills";
  if (customer_ids.empty()) {
    conn.execute("DELETE FROM customer_year_usage");
    conn.execute(aggregate + " GROUP BY customer_id, CAST(substr(period, 1, 4) AS INTEGER)");
    return;
  }
  for (std::size_t start = 0; start < customer_ids.size(); start += kReadChunk) {
    const std::size_t n = std::min(kReadChunk, customer_ids.size() - start);
    Params params(customer_ids.begin() + static_cast<std::ptrdiff_t>(start),
                  customer_ids.begin() + static_cast<std::ptrdiff_t>(start + n));
    conn.execute("DELETE FROM customer_year_usage WHERE customer_id IN " + storage::placeholders(n), params);
    conn.execute(aggregate + " WHERE customer_id IN " + storage::placeholders(n) +
                     " GROUP BY customer_id, CAST(substr(period, 1, 4) AS INTEGER)",
                 params);
  }
}

// ---- reading ---------------------------------------------------------------------------------------

namespace {

void check_period(const std::optional<std::string>& p, const char* field, Validator& v) {
  if (p && !normalize_period(*p)) v.add(field, "must be a month YYYY-MM");
}

std::string bill_where(const BillFilter& f, Params& params, std::int64_t customer_id) {
  Validator v;
  check_period(f.from, "from", v);
  check_period(f.to, "to", v);
  v.throw_if_failed("invalid query parameter");
  std::string where = " WHERE b.customer_id = ?";
  params.push_back(customer_id);
  if (f.account_id) {
    where += " AND b.account_id = ?";
    params.push_back(*f.account_id);
  }
  if (f.from) {
    where += " AND b.period >= ?";
    params.push_back(*normalize_period(*f.from));
  }
  if (f.to) {
    where += " AND b.period <= ?";
    params.push_back(*normalize_period(*f.to));
  }
  return where;
}

bj::object values_json(const Row& r, std::size_t at) {
  return bj::object{{"kwh_sharp", r.f64(at)},
                    {"kwh_peak", r.f64(at + 1)},
                    {"kwh_flat", r.f64(at + 2)},
                    {"kwh_valley", r.f64(at + 3)},
                    {"kwh_total", r.f64(at + 4)},
                    {"kvarh", r.is_null(at + 5) ? bj::value(nullptr) : bj::value(r.f64(at + 5))},
                    {"max_demand_kw", r.is_null(at + 6) ? bj::value(nullptr) : bj::value(r.f64(at + 6))},
                    {"amount_fen", r.i64(at + 7)},
                    {"paid_fen", r.i64(at + 8)},
                    {"arrears_fen", r.i64(at + 9)}};
}

}  // namespace

bj::object list_bills(Connection& conn, const auth::Principal& p, std::int64_t customer_id, const BillFilter& f) {
  customers::require_visible(conn, p, customer_id);
  Params params;
  const std::string where = bill_where(f, params, customer_id);
  const std::int64_t total = conn.query_i64("SELECT COUNT(*) FROM bills b" + where, params);
  params.push_back(f.limit);
  params.push_back(f.offset);
  bj::array items;
  for (auto& r : conn.query(std::string("SELECT b.account_id, a.account_no, a.name, b.period, b.customer_id, b.batch_id, b.updated_at, ") +
                                "b.kwh_sharp, b.kwh_peak, b.kwh_flat, b.kwh_valley, b.kwh_total, b.kvarh, b.max_demand_kw, "
                                "b.amount_fen, b.paid_fen, b.arrears_fen FROM bills b JOIN accounts a ON a.id = b.account_id" +
                                where + " ORDER BY b.period DESC, a.account_no LIMIT ? OFFSET ?",
                            params)) {
    bj::object o{{"account_id", r.i64(0)},     {"account_no", r.str(1)}, {"account_name", json::nullable(r.opt_str(2))},
                 {"period", r.str(3)},         {"customer_id", r.i64(4)}, {"batch_id", r.i64(5)},
                 {"updated_at", format_iso_utc(r.i64(6))}};
    for (auto& kv : values_json(r, 7)) o[kv.key()] = kv.value();
    items.push_back(std::move(o));
  }
  return json::list_envelope(std::move(items), total, f.offset / std::max<std::int64_t>(f.limit, 1) + 1, f.limit);
}

bj::object bill_summary(Connection& conn, const auth::Principal& p, std::int64_t customer_id, const BillFilter& f) {
  customers::require_visible(conn, p, customer_id);
  Params params;
  const std::string where = bill_where(f, params, customer_id);
  bj::array months;
  for (auto& r : conn.query("SELECT b.period, COUNT(*), SUM(b.kwh_sharp), SUM(b.kwh_peak), SUM(b.kwh_flat), SUM(b.kwh_valley), "
                            "SUM(b.kwh_total), SUM(b.amount_fen), SUM(b.paid_fen), SUM(b.arrears_fen) FROM bills b" +
                                where + " GROUP BY b.period ORDER BY b.period DESC",
                            params)) {
    months.push_back(bj::object{{"period", r.str(0)},
                                {"bills", r.i64(1)},
                                {"kwh_sharp", r.f64(2)},
                                {"kwh_peak", r.f64(3)},
                                {"kwh_flat", r.f64(4)},
                                {"kwh_valley", r.f64(5)},
                                {"kwh_total", r.f64(6)},
                                {"amount_fen", r.i64(7)},
                                {"paid_fen", r.i64(8)},
                                {"arrears_fen", r.i64(9)}});
  }
  bj::array years;
  for (auto& r : conn.query("SELECT year, kwh, amount_fen, paid_fen, arrears_fen, months FROM customer_year_usage "
                            "WHERE customer_id = ? ORDER BY year DESC",
                            {customer_id})) {
    years.push_back(bj::object{{"year", r.i64(0)},
                               {"kwh", r.f64(1)},
                               {"amount_fen", r.i64(2)},
                               {"paid_fen", r.i64(3)},
                               {"arrears_fen", r.i64(4)},
                               {"months", r.i64(5)}});
  }
  return bj::object{{"customer_id", customer_id}, {"months", std::move(months)}, {"years", std::move(years)}};
}

bj::object list_batches(Connection& conn, const auth::Principal& p, std::int64_t limit, std::int64_t offset) {
  std::string where;
  Params params;
  if (p.role != auth::Role::administrator) {
    where = " WHERE b.created_by = ?";
    params.push_back(p.user_id);
  }
  const std::int64_t total = conn.query_i64("SELECT COUNT(*) FROM bill_batches b" + where, params);
  params.push_back(limit);
  params.push_back(offset);
  bj::array items;
  for (auto& r : conn.query("SELECT b.id, b.source, b.file_name, b.sha256, b.rows_total, b.inserted, b.updated, b.unchanged, "
                            "u.username, b.created_at FROM bill_batches b JOIN users u ON u.id = b.created_by" +
                                where + " ORDER BY b.id DESC LIMIT ? OFFSET ?",
                            params)) {
    items.push_back(bj::object{{"id", r.i64(0)},
                               {"source", r.str(1)},
                               {"file_name", json::nullable(r.opt_str(2))},
                               {"sha256", r.str(3)},
                               {"rows", r.i64(4)},
                               {"inserted", r.i64(5)},
                               {"updated", r.i64(6)},
                               {"unchanged", r.i64(7)},
                               {"created_by", r.str(8)},
                               {"created_at", format_iso_utc(r.i64(9))}});
  }
  return json::list_envelope(std::move(items), total, offset / std::max<std::int64_t>(limit, 1) + 1, limit);
}

bj::object result_json(const ImportResult& r) {
  return bj::object{{"batch_id", r.batch_id},
                    {"source", r.source},
                    {"file_name", r.file_name.empty() ? bj::value(nullptr) : bj::value(r.file_name)},
                    {"sha256", r.sha256},
                    {"rows", r.rows},
                    {"inserted", r.inserted},
                    {"updated", r.updated},
                    {"unchanged", r.unchanged},
                    {"customers", r.customers},
                    {"annual_kwh_updated", r.annual_kwh_updated}};
}

}  // namespace lianxin::billing
