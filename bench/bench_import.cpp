// Import benchmark: rows/s of customers::run_import_now for an N-row customer CSV (default
// 1,000,000) into a fresh SQLite database, beside a plain sqlite3 bulk insert of the same rows.
//
//   bench_import --workdir DIR [--rows 1000000] [--seed-customers 0]
//
// The CSV uses the Chinese headers of customers::import_columns("customers"), valid credit
// codes (customers::credit_code_check_char) and the demo's county bureaus DC01..DC05, so the
// fresh database is first seeded with app::seed_demo (customers = 0, key_accounts = 0): the
// org tree and the users, no customers.
// Baseline: the same CSV bytes parsed with io::CsvReader and inserted into a plain table with
// the same 15 columns, in one transaction with one prepared statement, same journal settings
// as the application (WAL, synchronous=NORMAL, no automatic checkpoint in the commit). The
// databases are deleted afterwards.
#include <sqlite3.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "app/demo.hpp"
#include "auth/guard.hpp"
#include "bench_util.hpp"
#include "customers/import.hpp"
#include "text/text.hpp"
#include "customers/rules.hpp"
#include "customers/service.hpp"
#include "io/csv.hpp"
#include "storage/db.hpp"
#include "storage/migrator.hpp"

using namespace lianxin;
using bench::Clock;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kPlaces = {"滇池", "东城", "西山", "南湖", "北岭", "金马", "碧鸡", "龙泉",
                                          "盘江", "呈贡", "官渡", "晋宁", "安宁", "嵩明", "宜良", "富民"};
const std::vector<std::string> kCores = {"恒信", "华泰", "金源", "宏达", "瑞丰", "永昌", "鑫盛", "中联", "天成", "正威",
                                         "嘉禾", "博远", "同创", "锦程", "信达", "海润", "国泰", "立德", "新元", "兴隆"};
struct Industry {
  const char* code;
  const char* word;
};
const std::vector<Industry> kIndustries = {{"32", "锡业"}, {"31", "钢铁"}, {"30", "水泥"}, {"26", "化工"}, {"13", "食品加工"},
                                           {"27", "制药"}, {"39", "电子科技"}, {"44", "热电"}, {"52", "商贸"}, {"61", "酒店"},
                                           {"65", "数据科技"}, {"84", "医院"}, {"59", "物流"}, {"01", "农业开发"}};
const std::vector<std::string> kForms = {"有限公司", "股份有限公司", "有限责任公司"};
const std::vector<std::string> kStreets = {"人民路", "北京路", "环城南路", "金碧路", "滇池路", "春城路", "白龙路", "工业园区"};
const std::vector<std::string> kCounties = {"东城区", "西山区", "南湖区", "北岭县", "金马县"};
const std::string kCreditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

// A unique, valid 统一社会信用代码 for row i: 9153 0102 + i in base 31 (9 places) + check.
std::string credit_code(std::uint64_t i) {
  std::string code = "91530102";
  std::string body(9, '0');
  for (int k = 8; k >= 0; --k) {
    body[static_cast<std::size_t>(k)] = kCreditAlphabet[i % 31];
    i /= 31;
  }
  code += body;
  code.push_back(customers::credit_code_check_char(code));
  return code;
}

std::string make_csv(int rows, std::size_t& bytes_per_row) {
  const auto& columns = customers::import_columns("customers");
  std::vector<std::string> cells;
  for (auto& c : columns) cells.push_back(c.zh);
  std::string csv(io::kUtf8Bom);
  csv += io::csv_escape_row(cells);
  std::size_t header = csv.size();
  csv.reserve(static_cast<std::size_t>(rows) * 260 + header);
  for (int i = 0; i < rows; ++i) {
    auto u = static_cast<std::size_t>(i);
    const auto& ind = kIndustries[u % kIndustries.size()];
    std::string name = kPlaces[(u / 7) % kPlaces.size()] + kCores[(u / 3) % kCores.size()] + ind.word;
    name += (i % 5 == 0) ? "第" + std::to_string(i / 5 + 1) + "分公司" : kForms[u % kForms.size()] + std::to_string(i + 1) + "号";
    std::size_t county = u % kCounties.size();
    cells = {
        name,                                                        // 客户名称
        credit_code(u),                                              // 统一社会信用代码
        ind.code,                                                    // 行业代码
        "DC0" + std::to_string(county + 1),                          // 所属单位编码
        "滇池市" + kCounties[county] + kStreets[u % kStreets.size()] + std::to_string(i % 999 + 1) + "号",  // 地址
        i % 50 == 0 ? "二级" : "",                                   // 重要等级
        i % 20 == 0 ? "敏感" : "",                                   // 停电敏感度
        std::string(i % 3 == 0 ? "AAA" : i % 3 == 1 ? "AA" : "A"),  // 信用等级
        i % 7 == 0 ? "高耗能,重点保障" : "",                         // 标签
        "",                                                          // 所属集团信用代码
        "否",                                                        // 是否集团
        i % 100 == 0 ? "是" : "否",                                  // 是否大客户
        i % 100 == 0 ? "am0" + std::to_string(i / 100 % 8 + 1) : "",  // 客户经理账号
        "",                                                          // 备用客户经理账号
        std::to_string(10000 + (std::int64_t{i} * 7919) % 5000000),  // 年用电量(kWh)
    };
    csv += io::csv_escape_row(cells);
  }
  bytes_per_row = rows ? (csv.size() - header) / static_cast<std::size_t>(rows) : 0;
  return csv;
}

void remove_db(const fs::path& p) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(p.string() + suffix);
}

void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
}

// Plain sqlite3: parse the CSV, insert every row into a 15-column table, one transaction.
std::int64_t plain_insert(const fs::path& path, const std::string& csv) {
  sqlite3* db = nullptr;
  check(sqlite3_open(path.c_str(), &db), db, "open");
  // The application's journal settings: WAL, synchronous=NORMAL, checkpoints left to another thread.
  check(sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=0;", nullptr, nullptr, nullptr),
        db, "pragma");
  check(sqlite3_exec(db,
                     "CREATE TABLE plain(name TEXT NOT NULL, credit_code TEXT, industry_code TEXT, org_unit_code TEXT, "
                     "address TEXT, importance_class TEXT, outage_sensitivity TEXT, credit_grade TEXT, tags TEXT, "
                     "group_credit_code TEXT, is_group TEXT, is_key_account TEXT, manager_username TEXT, "
                     "backup_manager_username TEXT, annual_kwh REAL)",
                     nullptr, nullptr, nullptr),
        db, "create");
  check(sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr), db, "begin");
  sqlite3_stmt* stmt = nullptr;
  check(sqlite3_prepare_v2(db, "INSERT INTO plain VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &stmt, nullptr), db, "prepare");
  io::CsvReader reader(csv);
  std::vector<std::string> fields;
  std::int64_t n = 0;
  bool header = true;
  while (reader.next(fields)) {
    if (header) {
      header = false;
      continue;
    }
    for (int c = 0; c < 15; ++c) {
      const std::string& f = static_cast<std::size_t>(c) < fields.size() ? fields[static_cast<std::size_t>(c)] : std::string();
      if (f.empty()) sqlite3_bind_null(stmt, c + 1);
      else if (c == 14) sqlite3_bind_double(stmt, c + 1, std::stod(f));
      else sqlite3_bind_text(stmt, c + 1, f.data(), static_cast<int>(f.size()), SQLITE_STATIC);
    }
    check(sqlite3_step(stmt), db, "insert");
    sqlite3_reset(stmt);
    ++n;
  }
  sqlite3_finalize(stmt);
  check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db, "commit");
  sqlite3_close(db);
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  fs::path workdir = bench::option(argc, argv, "--workdir", "");
  int rows = std::stoi(bench::option(argc, argv, "--rows", "1000000"));
  int seed_customers = std::stoi(bench::option(argc, argv, "--seed-customers", "0"));
  if (workdir.empty()) {
    std::fprintf(stderr, "usage: bench_import --workdir DIR [--rows N] [--seed-customers N]\n");
    return 2;
  }
  try {
    fs::create_directories(workdir);
    auto t = Clock::now();
    std::size_t bytes_per_row = 0;
    std::string csv = make_csv(rows, bytes_per_row);
    std::printf("generated a %d-row customer CSV in memory: %.1f MB (%zu bytes/row), %.1f s\n", rows,
                static_cast<double>(csv.size()) / 1e6, bytes_per_row, bench::ms_since(t) / 1000);

    // Baseline first: plain sqlite3 bulk insert of the same rows.
    fs::path plain_path = workdir / "plain-insert.db";
    remove_db(plain_path);
    t = Clock::now();
    std::int64_t plain_rows = plain_insert(plain_path, csv);
    double plain_ms = bench::ms_since(t);
    remove_db(plain_path);
    std::printf("baseline: plain sqlite3 insert (CSV parse + one prepared INSERT, one transaction): %lld rows in %.1f s = %.0f rows/s\n",
                static_cast<long long>(plain_rows), plain_ms / 1000, static_cast<double>(plain_rows) / (plain_ms / 1000));

    // The application import into a fresh, migrated database with the demo org tree and users.
    fs::path db_path = workdir / "import.db";
    remove_db(db_path);
    auto db = storage::Database::open("sqlite:" + db_path.string(), 2);
    storage::migrate(*db);
    app::DemoOptions demo;
    demo.customers = seed_customers;
    demo.key_accounts = 0;
    t = Clock::now();
    app::seed_demo(*db, demo);
    std::printf("fresh database seeded with app::seed_demo(customers = %d, key_accounts = 0): %.1f s\n", seed_customers,
                bench::ms_since(t) / 1000);
    auth::Principal admin = db->read([](storage::Connection& conn) {
      return auth::load_principal(conn, conn.query_i64("SELECT id FROM users WHERE username = 'admin'"));
    });
    admin.ip = "bench";
    std::int64_t before = db->read([](storage::Connection& conn) { return conn.query_i64("SELECT COUNT(*) FROM customers"); });
    double rss_before = bench::proc_status_mib("VmRSS");
    t = Clock::now();
    auto result = customers::run_import_now(*db, admin, "customers", "all_or_nothing", "bench-customers.csv", csv);
    double import_ms = bench::ms_since(t);
    std::int64_t queued = db->read([](storage::Connection& conn) { return customers::search_backlog_size(conn); });
    // A file this large queues its search documents; the job runner (and `lianxin import`) then
    // builds them in batches: timed separately, the customers are committed before.
    t = Clock::now();
    std::int64_t search_indexed = customers::drain_search_backlog(*db);
    double search_ms = bench::ms_since(t);
    std::int64_t after = db->read([](storage::Connection& conn) { return conn.query_i64("SELECT COUNT(*) FROM customers"); });
    std::int64_t indexed = db->read([](storage::Connection& conn) {
      return conn.query_i64("SELECT COUNT(*) FROM customer_search WHERE customer_search MATCH ?",
                            {text::build_search_query("dc").fts5});
    });
    std::printf("customers::run_import_now: %s: %s, %lld rows in %.1f s = %.0f rows/s\n", result.status.c_str(),
                result.message.c_str(), static_cast<long long>(result.total_rows), import_ms / 1000,
                static_cast<double>(result.total_rows) / (import_ms / 1000));
    std::printf("  search documents queued by the import: %lld, then built by customers::drain_search_backlog: %lld in %.1f s "
                "(%.0f customers/s); rows committed and searchable: %.1f s = %.0f rows/s\n",
                static_cast<long long>(queued), static_cast<long long>(search_indexed), search_ms / 1000,
                static_cast<double>(search_indexed) / (search_ms / 1000), (import_ms + search_ms) / 1000,
                static_cast<double>(result.total_rows) / ((import_ms + search_ms) / 1000));
    std::printf("  customers before %lld, after %lld; search documents matching the initials \"dc\": %lld\n",
                static_cast<long long>(before), static_cast<long long>(after), static_cast<long long>(indexed));
    std::printf("  process memory: VmRSS before import %.0f MiB, peak (VmHWM) %.0f MiB\n", rss_before,
                bench::proc_status_mib("VmHWM"));
    std::int64_t documents = db->read([](storage::Connection& conn) { return conn.query_i64("SELECT COUNT(*) FROM customer_search"); });
    bool ok = result.status == "succeeded" && result.inserted == rows && after - before == rows && documents == after;
    if (!ok) std::printf("  ERROR: the import did not insert every row\n");
    db.reset();
    remove_db(db_path);

    bench::result("import_rows", rows);
    bench::result("import_ok", ok ? 1 : 0);
    bench::result("import_seconds", import_ms / 1000);
    bench::result("import_rows_per_s", static_cast<double>(result.inserted) / (import_ms / 1000));
    bench::result("import_search_seconds", search_ms / 1000);
    bench::result("import_searchable_rows_per_s", static_cast<double>(result.inserted) / ((import_ms + search_ms) / 1000));
    bench::result("import_plain_seconds", plain_ms / 1000);
    bench::result("import_plain_rows_per_s", static_cast<double>(plain_rows) / (plain_ms / 1000));
    bench::result("import_peak_rss_mib", bench::proc_status_mib("VmHWM"));
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_import: %s\n", e.what());
    return 1;
  }
}
