#include "customers/import.hpp"
#include "quality/store.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "audit/audit.hpp"
#include "common/clock.hpp"
#include "common/json.hpp"
#include "common/messages.hpp"
#include "common/strings.hpp"
#include "customers/rules.hpp"
#include "customers/service.hpp"
#include "http/params.hpp"
#include "io/csv.hpp"
#include "io/xlsx.hpp"
#include "spdlog/spdlog.h"
#include "text/text.hpp"

namespace lianxin::customers {

namespace bj = boost::json;
using storage::Connection;
using storage::Params;
using storage::Value;

namespace {

// Imports up to this many changed records are checked for data quality in their transaction.
constexpr std::int64_t kQualityRecheckLimit = 20'000;

struct Cancelled {};

// Progress of a job running in this process; the database row has the durable state.
struct JobState {
  std::atomic<std::int64_t> processed{0};
  std::atomic<std::int64_t> total{0};
  std::atomic<bool> cancel{false};
  // A cancel may arrive at another server sharing the database: the durable flag is read too,
  // at most every few seconds (a read on its own connection; WAL readers never wait for the writer).
  storage::Database* db = nullptr;
  std::int64_t job_id = 0;
  std::chrono::steady_clock::time_point next_db_check{};
};

const std::size_t kMaxReportedErrors = 1000;
const std::size_t kMaxRows = 2000000;

std::string cell(const std::vector<std::string>& row, int index) {
  if (index < 0 || static_cast<std::size_t>(index) >= row.size()) return {};
  return trim(row[index]);
}

std::optional<bool> parse_flag(const std::string& s) {
  if (s.empty()) return std::nullopt;
  if (s == "1" || s == "是" || s == "true" || s == "TRUE" || s == "Y" || s == "y" || s == "yes") return true;
  if (s == "0" || s == "否" || s == "false" || s == "FALSE" || s == "N" || s == "n" || s == "no") return false;
  return std::nullopt;
}

// Accepts the code or the Chinese/English label of a code list entry.
std::optional<std::string> parse_code(const std::vector<CodeLabel>& list, const std::string& s) {
  for (auto& c : list)
    if (s == c.code || s == c.zh || s == c.en) return std::string(c.code);
  return std::nullopt;
}

std::optional<std::int64_t> parse_int(const std::string& s) {
  if (s.empty() || s.size() > 15) return std::nullopt;
  std::string t = s;
  if (t.size() > 2 && t.compare(t.size() - 2, 2, ".0") == 0) t.resize(t.size() - 2);
  for (char c : t)
    if (c < '0' || c > '9') return std::nullopt;
  return std::stoll(t);
}

std::optional<double> parse_double(const std::string& s) {
  if (s.empty()) return std::nullopt;
  try {
    std::size_t used = 0;
    double d = std::stod(s, &used);
    if (used != s.size()) return std::nullopt;
    return d;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

struct Table {
  std::vector<std::vector<std::string>> rows;  // rows[0] = header
};

// CSV records (every field as read) into `rows`; false when the file is too large for it.
bool read_csv_records(std::string_view data, std::vector<std::vector<std::string>>& rows) {
  io::CsvReader reader(data);
  std::vector<std::string> fields;
  while (reader.next(fields)) {
    if (rows.size() > kMaxRows) return false;
    rows.push_back(std::move(fields));
    fields.clear();
    fields.reserve(rows.back().size());
  }
  return true;
}

// Reads a large CSV in two halves at once, the second on another thread. The second half starts
// after a line feed; when the first half's reader accepts its part, that line feed ended a record
// (had it been inside a quoted field, that reader would have found no closing quote), so the two
// readers return exactly the records one reader would. False, with `rows` empty, when that cannot
// be shown or when the file is too large: the caller then reads it in one pass, which also reports
// any problem with that reader's row numbers.
bool read_csv_in_halves(std::string_view data, std::vector<std::vector<std::string>>& rows) {
  constexpr std::size_t kMinBytes = 4 << 20;
  if (data.size() < kMinBytes) return false;
  std::size_t split = data.find('\n', data.size() / 2);
  if (split == std::string_view::npos || split + 1 >= data.size()) return false;
  const std::string_view first = data.substr(0, split + 1), second = data.substr(split + 1);
  if (second.starts_with(io::kUtf8Bom)) return false;  // skipped only at the start of a file
  std::vector<std::vector<std::string>> tail;
  auto tail_read = std::async(std::launch::async, [&] { return read_csv_records(second, tail); });
  bool ok = false;
  try {
    ok = read_csv_records(first, rows);
  } catch (const AppError&) {
    ok = false;
  }
  try {
    ok = tail_read.get() && ok;
  } catch (const AppError&) {
    ok = false;
  }
  if (!ok || rows.size() + tail.size() > kMaxRows + 1) {
    rows.clear();
    return false;
  }
  rows.insert(rows.end(), std::make_move_iterator(tail.begin()), std::make_move_iterator(tail.end()));
  return true;
}

// The UTF-8 text of a CSV upload, or nothing for an XLSX workbook. Excel on Chinese Windows
// saves CSV in GBK/GB18030: such a file is converted into `converted`.
std::optional<std::string_view> csv_text(const std::string& bytes, const std::string& file_name, std::string& converted) {
  bool xlsx = bytes.size() >= 4 && bytes.compare(0, 4, "PK\x03\x04", 4) == 0;
  bool named_xlsx = file_name.size() > 5 && to_lower_ascii(file_name.substr(file_name.size() - 5)) == ".xlsx";
  if (named_xlsx && !xlsx)
    throw AppError(ErrorCode::validation_failed, "not a valid XLSX file",
                   {{"file", "the file is named .xlsx but is not an XLSX workbook (truncated or another format)"}});
  if (xlsx) return std::nullopt;
  if (!is_valid_utf8(bytes)) {
    if (auto utf8 = text::gb18030_to_utf8(bytes)) converted = std::move(*utf8);
  }
  return converted.empty() ? std::string_view(bytes) : std::string_view(converted);
}

const AppError kTooManyRows(ErrorCode::validation_failed, "file too large", {{"file", "more than 2,000,000 rows"}});
const AppError kNoHeader(ErrorCode::validation_failed, "empty file", {{"file", "has no header row"}});

Table read_table(const std::string& bytes, const std::string& file_name) {
  Table t;
  std::string converted;
  if (auto data = csv_text(bytes, file_name, converted)) {
    if (!read_csv_in_halves(*data, t.rows) && !read_csv_records(*data, t.rows)) throw kTooManyRows;
  } else {
    t.rows = io::read_xlsx_first_sheet(bytes);
  }
  // Drop trailing empty rows.
  while (!t.rows.empty() && std::all_of(t.rows.back().begin(), t.rows.back().end(), [](const std::string& s) { return trim(s).empty(); }))
    t.rows.pop_back();
  if (t.rows.empty()) throw kNoHeader;
  return t;
}

// Maps header cells (code or Chinese label, case-insensitive for codes) to column indexes.
std::map<std::string, int> map_header(const std::vector<std::string>& header, const std::vector<ImportColumn>& columns,
                                      Validator& v) {
  std::map<std::string, int> index;
  for (std::size_t i = 0; i < header.size(); ++i) {
    std::string h = trim(header[i]);
    if (h.empty()) continue;
    // Templates show "客户名称*"; the star marks required columns.
    if (!h.empty() && h.back() == '*') h.pop_back();
    bool found = false;
    for (auto& c : columns) {
      if (to_lower_ascii(h) == c.code || h == c.zh) {
        index[c.code] = static_cast<int>(i);
        found = true;
      }
    }
    if (!found) v.add(h, "unknown column; see the template for the column names", 1);
  }
  for (auto& c : columns)
    if (c.required && !index.count(c.code)) v.add(c.code, std::string("required column missing (") + c.zh + ")", 1);
  return index;
}

// Reads a cell by column code; the code's index is looked up once (codes are string literals).
class ColumnReader {
 public:
  explicit ColumnReader(const std::map<std::string, int>& columns) : columns_(columns) {}
  std::string operator()(const std::vector<std::string>& row, const char* code) {
    auto it = cache_.find(code);
    if (it == cache_.end()) {
      auto found = columns_.find(code);
      it = cache_.emplace(code, found == columns_.end() ? -1 : found->second).first;
    }
    return cell(row, it->second);
  }

 private:
  const std::map<std::string, int>& columns_;
  std::unordered_map<const char*, int> cache_;
};

struct OrgRef {
  std::int64_t id;
  std::string path;
  std::string kind;
};

struct ErrorSink {
  std::vector<FieldIssue> issues;
  std::int64_t count = 0;
  std::set<std::int64_t> bad_rows;
  void add(std::int64_t row, const std::string& field, const std::string& message) {
    ++count;
    bad_rows.insert(row);
    if (issues.size() < kMaxReportedErrors) issues.push_back({field, message, row});
  }
};

void check_progress(JobState* state, std::int64_t done) {
  if (!state) return;
  state->processed = done;
  auto now = std::chrono::steady_clock::now();
  if (!state->cancel && state->db && now >= state->next_db_check) {
    state->next_db_check = now + std::chrono::seconds(2);
    state->cancel = state->db->read([&](Connection& conn) {
      return conn.query_i64("SELECT cancel_requested FROM import_jobs WHERE id = ?", {state->job_id}) != 0;
    });
  }
  if (state->cancel) throw Cancelled{};
}

// ---- customers -----------------------------------------------------------------------------

struct CustomerRow {
  std::int64_t row = 0;
  std::string name, credit_code, industry_code, address, importance_class = "none", outage_sensitivity = "normal",
      credit_grade, tags, group_credit_code, org_path;
  std::int64_t org_unit_id = 0;
  std::optional<std::int64_t> manager_id, backup_manager_id;
  bool is_group = false, is_key_account = false;
  bool well_formed_code = false;  // checked for a duplicate in the file once every row is parsed
  double annual_kwh = 0;
};

struct ImportCounts {
  std::int64_t inserted = 0, updated = 0;
  std::vector<std::int64_t> search_ids;  // customers whose search documents are still to be written
};

// An issue found while a block of rows is checked on a worker thread, reported in row order
// afterwards. `after_code` issues follow the duplicate check of the row's credit code.
struct RowIssue {
  std::int64_t row;
  const char* field;
  std::string message;
  bool after_code;
};

// Checks customer rows against reference data loaded once per file. Read-only once built, so
// blocks of rows are checked on two threads.
class CustomerChecker {
 public:
  CustomerChecker(Connection& conn, const auth::Principal& p, const std::map<std::string, int>& col)
      : p_(p), scope_(auth::customer_scope(p)) {
    for (auto& r : conn.query("SELECT code FROM industries")) industries_.insert(r.str(0));
    for (auto& r : conn.query("SELECT code, id, path, kind FROM org_units")) orgs_[r.str(0)] = {r.i64(1), r.str(2), r.str(3)};
    for (auto& r : conn.query("SELECT username, id, role FROM users WHERE active = 1")) users_[r.str(0)] = {r.i64(1), r.str(2)};
    for (std::size_t k = 0; k < kColumns.size(); ++k) {
      auto found = col.find(kColumns[k]);
      index_[k] = found == col.end() ? -1 : found->second;
    }
  }

  // Parses row `n` (1-based, the header is row 1); its cells are moved out.
  void check(std::vector<std::string>& row, std::int64_t n, CustomerRow& cr, std::vector<RowIssue>& issues) const {
    bool after_code = false;
    auto add = [&](const char* field, std::string message) { issues.push_back({n, field, std::move(message), after_code}); };
    auto c = [&](Column column) { return take_cell(row, index_[column]); };
    cr.row = n;
    cr.name = c(kName);
    if (cr.name.empty()) add("name", "is required");
    else if (cr.name.size() > 200) add("name", "is longer than 200 bytes");
    cr.credit_code = c(kCreditCode);
    for (char& ch : cr.credit_code) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (cr.credit_code.empty()) add("credit_code", "is required for import (it is the natural key)");
    else if (auto problem = credit_code_problem(cr.credit_code); !problem.empty()) add("credit_code", problem);
    else cr.well_formed_code = true;
    after_code = true;
    cr.industry_code = c(kIndustryCode);
    if (!cr.industry_code.empty() && !industries_.count(cr.industry_code))
      add("industry_code", "unknown industry code (GB/T 4754-2017)");
    std::string org_code = c(kOrgUnitCode);
    auto org = orgs_.find(org_code);
    if (org_code.empty()) add("org_unit_code", "is required");
    else if (org == orgs_.end() || !auth::org_in_scope(p_, org->second.path)) add("org_unit_code", "unknown org unit '" + org_code + "'");
    else if (org->second.kind == "department") add("org_unit_code", "customers belong to a bureau or station, not a department");
    else {
      cr.org_unit_id = org->second.id;
      cr.org_path = org->second.path;
    }
    cr.address = c(kAddress);
    auto code_field = [&](Column column, const std::vector<CodeLabel>& list, std::string& out) {
      std::string s = c(column);
      if (s.empty()) return;
      if (auto code = parse_code(list, s)) out = *code;
      else add(kColumns[column], "must be one of " + codes_of(list));
    };
    code_field(kImportanceClass, importance_classes(), cr.importance_class);
    code_field(kOutageSensitivity, outage_sensitivities(), cr.outage_sensitivity);
    code_field(kCreditGrade, credit_grades(), cr.credit_grade);
    std::string tags = c(kTags);
    // A trimmed cell without a comma is a single tag (or none): normalize_tags would return it as is.
    if (tags.find(',') != std::string::npos) cr.tags = join(normalize_tags({tags}), ",");
    else cr.tags = std::move(tags);
    cr.group_credit_code = c(kGroupCreditCode);
    auto flag = [&](Column column, bool& out) {
      std::string s = c(column);
      if (s.empty()) return;
      if (auto b = parse_flag(s)) out = *b;
      else add(kColumns[column], "must be 是/否 (or 1/0)");
    };
    flag(kIsGroup, cr.is_group);
    flag(kIsKeyAccount, cr.is_key_account);
    auto manager = [&](Column column, std::optional<std::int64_t>& out) {
      std::string s = c(column);
      if (s.empty()) return;
      auto u = users_.find(to_lower_ascii(s));
      if (u == users_.end()) add(kColumns[column], "unknown user '" + s + "'");
      else if (u->second.second != "account_manager") add(kColumns[column], "user '" + s + "' is not an account manager");
      else out = u->second.first;
    };
    manager(kManagerUsername, cr.manager_id);
    manager(kBackupManagerUsername, cr.backup_manager_id);
    if (scope_.manager_id && cr.manager_id != scope_.manager_id && cr.backup_manager_id != scope_.manager_id)
      add("manager_username", "you can only import customers you manage");
    std::string kwh = c(kAnnualKwh);
    if (!kwh.empty()) {
      auto d = parse_double(kwh);
      if (!d || *d < 0) add("annual_kwh", "must be a non-negative number");
      else cr.annual_kwh = *d;
    }
  }

 private:
  enum Column {
    kName, kCreditCode, kIndustryCode, kOrgUnitCode, kAddress, kImportanceClass, kOutageSensitivity, kCreditGrade, kTags,
    kGroupCreditCode, kIsGroup, kIsKeyAccount, kManagerUsername, kBackupManagerUsername, kAnnualKwh
  };
  static constexpr std::array<const char*, 15> kColumns = {
      "name", "credit_code", "industry_code", "org_unit_code", "address", "importance_class", "outage_sensitivity",
      "credit_grade", "tags", "group_credit_code", "is_group", "is_key_account", "manager_username",
      "backup_manager_username", "annual_kwh"};

  // cell(), moving the string out when there is nothing to trim.
  static std::string take_cell(std::vector<std::string>& row, int index) {
    if (index < 0 || static_cast<std::size_t>(index) >= row.size()) return {};
    std::string& s = row[static_cast<std::size_t>(index)];
    if (s.empty() || (!edge_to_trim(s.front()) && !edge_to_trim(s.back()))) return std::move(s);
    return trim(s);
  }
  // Whether trim() might remove a character at the start or end of a cell: ASCII whitespace, or
  // a byte of the full-width space (U+3000, E3 80 80).
  static bool edge_to_trim(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v' || c == '\xE3' || c == '\x80';
  }

  const auth::Principal& p_;
  auth::CustomerScope scope_;
  std::unordered_set<std::string> industries_;
  std::unordered_map<std::string, OrgRef> orgs_;
  std::unordered_map<std::string, std::pair<std::int64_t, std::string>> users_;
  std::array<int, kColumns.size()> index_{};
};

// A group named by a row and not in its file must be a group customer in the importer's scope.
void check_group_in_database(Connection& conn, const auth::Principal& p, std::int64_t row, const std::string& code,
                             ErrorSink& errors) {
  auto g = conn.query_one("SELECT is_group, org_path FROM customers WHERE credit_code = ?", {code});
  if (!g || !auth::org_in_scope(p, g->str(1))) errors.add(row, "group_credit_code", "unknown group customer");
  else if (!g->boolean(0)) errors.add(row, "group_credit_code", "that customer is not a group (集团)");
}

// The validation pass: every row parsed into `parsed` (cells are moved out of the table), every
// problem reported in row order. Blocks of rows are checked on this thread and a helper; the
// duplicate check and the reporting then run in row order.
void validate_customers(Connection& conn, const auth::Principal& p, Table& t, const std::map<std::string, int>& col,
                        ErrorSink& errors, JobState* state, std::vector<CustomerRow>& parsed) {
  const CustomerChecker checker(conn, p, col);
  const std::size_t rows = t.rows.size() - 1;  // parsed[i] is table row i + 1
  parsed.clear();
  parsed.resize(rows);
  constexpr std::size_t kBlock = 4096;
  const std::size_t blocks = (rows + kBlock - 1) / kBlock;
  std::vector<std::vector<RowIssue>> issues(blocks);
  std::atomic<std::size_t> next_block{0}, rows_done{0};
  std::atomic<bool> stop{false};
  auto work = [&] {
    for (std::size_t b; !stop && (b = next_block++) < blocks;) {
      const std::size_t end = std::min(rows, (b + 1) * kBlock);
      for (std::size_t i = b * kBlock; i < end; ++i)
        checker.check(t.rows[i + 1], static_cast<std::int64_t>(i) + 2, parsed[i], issues[b]);
      rows_done += end - b * kBlock;
      if (state && state->cancel) stop = true;
    }
  };
  {
    auto helper = std::async(rows > kBlock ? std::launch::async : std::launch::deferred, work);
    try {
      for (std::size_t b; !stop && (b = next_block++) < blocks;) {
        const std::size_t end = std::min(rows, (b + 1) * kBlock);
        for (std::size_t i = b * kBlock; i < end; ++i)
          checker.check(t.rows[i + 1], static_cast<std::int64_t>(i) + 2, parsed[i], issues[b]);
        rows_done += end - b * kBlock;
        check_progress(state, static_cast<std::int64_t>(rows_done.load()));
      }
    } catch (...) {
      stop = true;
      helper.wait();
      throw;
    }
    helper.get();
    if (stop) throw Cancelled{};  // the helper saw the cancel flag first
  }
  // Problems in row order; a duplicate credit code is reported where the sequential check did.
  std::unordered_map<std::string_view, std::int64_t> seen;  // credit code -> first row in file
  seen.reserve(rows);
  for (std::size_t b = 0; b < blocks; ++b) {
    const auto& block = issues[b];
    std::size_t k = 0;
    const std::size_t end = std::min(rows, (b + 1) * kBlock);
    for (std::size_t i = b * kBlock; i < end; ++i) {
      const CustomerRow& cr = parsed[i];
      for (; k < block.size() && block[k].row == cr.row && !block[k].after_code; ++k) errors.add(cr.row, block[k].field, block[k].message);
      if (cr.well_formed_code) {
        if (auto [it, fresh] = seen.emplace(cr.credit_code, cr.row); !fresh)
          errors.add(cr.row, "credit_code", "same credit code as row " + std::to_string(it->second));
      }
      for (; k < block.size() && block[k].row == cr.row; ++k) errors.add(cr.row, block[k].field, block[k].message);
    }
  }
  // Groups named by credit code must exist in the file (as a group) or in the database.
  if (std::none_of(parsed.begin(), parsed.end(), [](const CustomerRow& cr) { return !cr.group_credit_code.empty(); })) return;
  std::unordered_map<std::string, bool> file_groups;
  for (auto& cr : parsed) file_groups[cr.credit_code] = cr.is_group;
  for (auto& cr : parsed) {
    if (cr.group_credit_code.empty()) continue;
    auto f = file_groups.find(cr.group_credit_code);
    if (f != file_groups.end()) {
      if (!f->second) errors.add(cr.row, "group_credit_code", "that customer is not marked as a group (是否集团)");
      continue;
    }
    check_group_in_database(conn, p, cr.row, cr.group_credit_code, errors);
  }
}

// SQLite's page cache for the connection writing an import: the rows and their indexes of a large
// file do not fit the default 16 MB, and evicted pages are written to the WAL and read back many
// times. About 1 KiB a row (256 MiB at least, 2 GiB at most): a million rows spill nothing.
// Restored (and the memory returned) when the import's write phase ends.
class ImportCacheSize {
 public:
  ImportCacheSize(Connection& conn, std::size_t rows) : conn_(conn) {
    if (conn.backend() != storage::Backend::sqlite) return;
    saved_ = conn.query_i64("PRAGMA cache_size");
    const auto kib = std::clamp<std::int64_t>(static_cast<std::int64_t>(rows), 256 * 1024, 2048 * 1024);
    conn.exec_script("PRAGMA cache_size = -" + std::to_string(kib));
  }
  ~ImportCacheSize() {
    if (!saved_) return;
    try {
      conn_.exec_script("PRAGMA cache_size = " + std::to_string(*saved_));
    } catch (const std::exception& e) {
      spdlog::warn("import: could not restore the SQLite cache size: {}", e.what());
    }
  }
  ImportCacheSize(const ImportCacheSize&) = delete;
  ImportCacheSize& operator=(const ImportCacheSize&) = delete;

 private:
  Connection& conn_;
  std::optional<std::int64_t> saved_;
};

// Writes checked customer rows, a block at a time, in the import's transaction.
//
// On SQLite a new customer gets the id SQLite would choose (the largest id + 1: the table has
// no AUTOINCREMENT and the transaction holds the write lock), given explicitly: `RETURNING`
// makes SQLite open a statement journal and a temporary table for every row. An existing
// customer is found by the insert itself (ON CONFLICT (credit_code) DO NOTHING changes no row)
// instead of a look-up per row. PostgreSQL looks existing customers up a few hundred at a time
// and returns the new ids from its sequence.
//
// A load at least as large as the table drops SQLite's secondary indexes of customers and builds
// them again in finish() (a sort instead of a B-tree insert per row and index), in the same
// transaction; their definitions come from the schema itself. The credit-code unique index stays.
class CustomerWriter {
 public:
  CustomerWriter(Connection& conn, const auth::Principal& p, std::size_t rows)
      : conn_(conn), p_(p), cache_(conn, rows), sqlite_(conn.backend() == storage::Backend::sqlite), now_(now_millis()) {
    next_id_ = sqlite_ ? conn.query_i64("SELECT COALESCE(MAX(id), 0) FROM customers") + 1 : 0;
    if (sqlite_ && rows >= kRebuildMinRows && static_cast<std::int64_t>(rows) >= next_id_ - 1) {
      for (auto& r : conn.query("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customers' AND sql IS NOT NULL"))
        rebuilt_.emplace_back(r.str(0), r.str(1));
      for (auto& [name, sql] : rebuilt_) conn.exec_script("DROP INDEX \"" + name + "\"");
    }
  }

  // Writes rows[begin, end), except rows listed in `skip`; inserted() and updated() then name them.
  void write(const std::vector<CustomerRow>& rows, std::size_t begin, std::size_t end, const std::set<std::int64_t>& skip) {
    inserted_.clear();
    updated_.clear();
    // PostgreSQL: existing customers of these rows, found by credit code a few hundred at a time.
    std::unordered_map<std::string, storage::Row> existing_rows;
    for (std::size_t i = begin; !sqlite_ && i < end;) {
      std::string sql = "SELECT id, org_path, manager_id, backup_manager_id, status, credit_code FROM customers WHERE credit_code IN (";
      storage::Params codes;
      for (; i < end && codes.size() < 500; ++i) {
        sql += codes.empty() ? "?" : ",?";
        codes.push_back(rows[i].credit_code);
      }
      for (auto& r : conn_.query(sql + ")", codes)) existing_rows.emplace(r.str(5), r);
    }
    for (std::size_t i = begin; i < end; ++i) {
      const CustomerRow& cr = rows[i];
      if (!skip.empty() && skip.count(cr.row)) continue;  // only in valid_rows mode
      std::optional<storage::Row> existing;
      std::int64_t id = 0;
      if (sqlite_) {
        if (conn_.execute("INSERT INTO customers(id, name, credit_code, industry_code, org_unit_id, org_path, address, "
                          "importance_class, outage_sensitivity, credit_grade, tags, is_group, is_key_account, manager_id, "
                          "backup_manager_id, annual_kwh, status, version, created_at, updated_at) "
                          "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,'active',1,?,?) ON CONFLICT (credit_code) DO NOTHING",
                          insert_values(cr)) == 1) {
          id = next_id_++;
        } else {
          existing = conn_.query_one("SELECT id, org_path, manager_id, backup_manager_id, status FROM customers WHERE credit_code = ?",
                                     {cr.credit_code});
          if (!existing) throw AppError(ErrorCode::internal, "import: customer " + cr.credit_code + " neither inserted nor found");
        }
      } else if (auto found = existing_rows.find(cr.credit_code); found != existing_rows.end()) {
        existing = found->second;
      } else {
        id = conn_.insert_returning_id(
            "INSERT INTO customers(name, credit_code, industry_code, org_unit_id, org_path, address, importance_class, "
            "outage_sensitivity, credit_grade, tags, is_group, is_key_account, manager_id, backup_manager_id, annual_kwh, "
            "status, version, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,'active',1,?,?) RETURNING id",
            insert_values(cr));
      }
      if (existing) {
        id = existing->i64(0);
        if (!auth::customer_visible(p_, existing->str(1), existing->opt_i64(2), existing->opt_i64(3)) ||
            existing->str(4) == "merged") {
          // Outside the importer's scope: refuse rather than reveal or overwrite.
          throw AppError(ErrorCode::validation_failed, "row outside your scope",
                         {{"credit_code", "a customer with this credit code exists outside your scope", cr.row}});
        }
        conn_.execute(
            "UPDATE customers SET name = ?, industry_code = ?, org_unit_id = ?, org_path = ?, address = ?, "
            "importance_class = ?, outage_sensitivity = ?, credit_grade = ?, tags = ?, is_group = ?, is_key_account = ?, "
            "manager_id = COALESCE(?, manager_id), backup_manager_id = COALESCE(?, backup_manager_id), annual_kwh = ?, "
            "version = version + 1, updated_at = ? WHERE id = ?",
            {cr.name, storage::text_or_null(cr.industry_code), cr.org_unit_id, cr.org_path, storage::text_or_null(cr.address),
             cr.importance_class, cr.outage_sensitivity, storage::text_or_null(cr.credit_grade), cr.tags,
             std::int64_t{cr.is_group}, std::int64_t{cr.is_key_account}, storage::opt_value(cr.manager_id),
             storage::opt_value(cr.backup_manager_id), cr.annual_kwh, now_, id});
        updated_.push_back(id);
        ++counts_.updated;
      } else {
        inserted_.emplace_back(id, i);
        ++counts_.inserted;
      }
      if (!cr.group_credit_code.empty()) group_links_.emplace_back(id, cr.group_credit_code);
    }
  }
  // The customers the last write() inserted (new id, index in its rows) and updated.
  const std::vector<std::pair<std::int64_t, std::size_t>>& inserted() const { return inserted_; }
  const std::vector<std::int64_t>& updated() const { return updated_; }

  // Search documents left to the backlog: the customers of the last write().
  void defer_search() {
    for (auto& [id, i] : inserted_) counts_.search_ids.push_back(id);
    counts_.search_ids.insert(counts_.search_ids.end(), updated_.begin(), updated_.end());
  }

  // Rebuilds the dropped indexes and links group members; the counts of everything written.
  ImportCounts finish() {
    for (auto& [name, sql] : rebuilt_) conn_.exec_script(sql);
    rebuilt_.clear();
    for (auto& [id, code] : group_links_)
      conn_.execute("UPDATE customers SET group_id = (SELECT id FROM customers WHERE credit_code = ?) WHERE id = ?", {code, id});
    return std::move(counts_);
  }

 private:
  static constexpr std::size_t kRebuildMinRows = 20000;

  // The values of a new customer, in the column order of both INSERTs (one Params reused).
  const Params& insert_values(const CustomerRow& cr) {
    values_.clear();
    if (sqlite_) values_.emplace_back(next_id_);
    values_.emplace_back(cr.name);
    values_.emplace_back(cr.credit_code);
    values_.push_back(storage::text_or_null(cr.industry_code));
    values_.emplace_back(cr.org_unit_id);
    values_.emplace_back(cr.org_path);
    values_.push_back(storage::text_or_null(cr.address));
    values_.emplace_back(cr.importance_class);
    values_.emplace_back(cr.outage_sensitivity);
    values_.push_back(storage::text_or_null(cr.credit_grade));
    values_.emplace_back(cr.tags);
    values_.emplace_back(std::int64_t{cr.is_group});
    values_.emplace_back(std::int64_t{cr.is_key_account});
    values_.push_back(storage::opt_value(cr.manager_id));
    values_.push_back(storage::opt_value(cr.backup_manager_id));
    values_.emplace_back(cr.annual_kwh);
    values_.emplace_back(now_);
    values_.emplace_back(now_);
    return values_;
  }

  Connection& conn_;
  const auth::Principal& p_;
  ImportCacheSize cache_;
  const bool sqlite_;
  const Millis now_;
  std::int64_t next_id_ = 0;
  std::vector<std::pair<std::string, std::string>> rebuilt_;  // index name, CREATE statement
  std::vector<std::pair<std::int64_t, std::string>> group_links_;  // customer id, group credit code
  std::vector<std::pair<std::int64_t, std::size_t>> inserted_;
  std::vector<std::int64_t> updated_;
  ImportCounts counts_;
  Params values_;
};

// The write phase of checked rows, in chunks. For a small file (`index_now`) the search documents
// are built on a second thread while the rows are written, and written to the full-text index
// after each chunk: interleaving index writes with the row writes makes SQLite's FTS5 flush its
// pending terms at every statement savepoint, which was measured to make the import several
// times slower. A large file leaves them to the search backlog.
ImportCounts write_customers(Connection& conn, const auth::Principal& p, std::vector<CustomerRow>& parsed,
                             const ErrorSink& errors, JobState* state, bool index_now) {
  CustomerWriter writer(conn, p, parsed.size());
  constexpr std::size_t kChunk = 20000;
  // One thread builds the documents of every chunk in turn (its pinyin reader and cache are per
  // thread), at most one chunk ahead of the writer.
  const std::size_t chunks = (parsed.size() + kChunk - 1) / kChunk;
  std::vector<std::promise<std::vector<std::string>>> promised(chunks);
  std::atomic<std::size_t> chunks_taken{0};
  std::atomic<bool> stop{false};
  auto builder = std::async(index_now ? std::launch::async : std::launch::deferred, [&] {
    for (std::size_t k = 0; k < chunks && !stop; ++k) {
      while (k > chunks_taken + 1 && !stop) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      const std::size_t start = k * kChunk, end = std::min(parsed.size(), start + kChunk);
      try {
        std::vector<std::string> docs(end - start);
        text::SearchFields sf;
        for (std::size_t i = start; i < end; ++i) {
          sf.name = parsed[i].name;
          sf.credit_code = parsed[i].credit_code;
          docs[i - start] = search_document(sf, parsed[i].is_key_account);
        }
        promised[k].set_value(std::move(docs));
      } catch (...) {
        promised[k].set_exception(std::current_exception());
        return;
      }
    }
  });
  struct StopBuilder {
    std::atomic<bool>& stop;
    std::future<void>& builder;
    ~StopBuilder() {
      stop = true;
      builder.wait();
    }
  } stop_builder{stop, builder};
  for (std::size_t start = 0; start < parsed.size(); start += kChunk) {
    const std::size_t end = std::min(parsed.size(), start + kChunk);
    writer.write(parsed, start, end, errors.bad_rows);
    if (index_now) {
      auto docs = promised[start / kChunk].get_future().get();
      ++chunks_taken;
      for (auto& [id, i] : writer.inserted()) write_search_document(conn, id, docs[i - start], SearchWrite::fresh);
      for (auto id : writer.updated()) refresh_search(conn, id);  // also needs the customer's accounts and phones
    } else {
      writer.defer_search();
    }
    check_progress(state, static_cast<std::int64_t>(end));
  }
  return writer.finish();
}

// ---- large all-or-nothing CSV files of customers: read, checked and written at once ------------

// A problem found in a streamed file: the transaction is rolled back and the problems reported.
struct RowsRefused {};
// The file itself could not be read (a quote not closed, too many rows).
struct FileRefused {
  AppError error;
};

// A credit code of 18 characters 0-9 / A-Z packed exactly into 108 bits: the duplicate and group
// checks of a streamed file keep every code of the file without keeping its rows.
using CodeKey = std::pair<std::uint64_t, std::uint64_t>;
struct CodeKeyHash {
  std::size_t operator()(const CodeKey& k) const { return static_cast<std::size_t>(k.first * 0x9E3779B97F4A7C15ull ^ k.second); }
};
std::optional<CodeKey> code_key(std::string_view code) {
  if (code.size() != 18) return std::nullopt;
  CodeKey key{0, 0};
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))) return std::nullopt;
    std::uint64_t& half = i < 10 ? key.first : key.second;
    half = half << 6 | static_cast<std::uint64_t>(c - '0');
  }
  return key;
}

// One thread reads and checks blocks of rows in file order (so problems are reported in row
// order, with the same messages as the two-pass path) while this thread writes the blocks already
// checked. Once a problem is found nothing more is written, the rest of the file is still
// checked for the report, and RowsRefused rolls the caller's transaction back. Memory stays at a
// few blocks of rows whatever the file's size.
ImportCounts stream_customers(Connection& conn, const auth::Principal& p, io::CsvReader& reader,
                              const std::map<std::string, int>& col, std::size_t expected_rows, ErrorSink& errors,
                              JobState* state, std::int64_t& total_rows) {
  const CustomerChecker checker(conn, p, col);
  CustomerWriter writer(conn, p, expected_rows);
  constexpr std::size_t kBlockRows = 4096, kBlocks = 4;
  struct Block {
    std::vector<CustomerRow> rows = std::vector<CustomerRow>(kBlockRows);
    std::size_t count = 0;
  };
  std::vector<Block> blocks(kBlocks);
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<Block*> free_blocks, checked;  // under mutex
  bool read_all = false;                    // under mutex
  for (auto& b : blocks) free_blocks.push_back(&b);
  std::atomic<bool> stop{false}, refused{false};
  std::optional<AppError> file_error;
  std::exception_ptr failure;
  // Group references are checked once every row is known: a group may come later in the file.
  std::vector<std::pair<std::int64_t, std::string>> group_refs;  // row, group credit code
  std::unordered_set<CodeKey, CodeKeyHash> groups_in_file;
  std::unordered_map<CodeKey, std::int64_t, CodeKeyHash> seen;  // credit code -> first row in file
  seen.reserve(expected_rows);
  std::int64_t last_row = 1;  // rows are numbered by record, the header is row 1 (as in the two-pass path)

  auto produce = [&] {
    std::vector<std::string> fields;
    std::vector<RowIssue> issues;
    std::vector<std::int64_t> empty_rows;  // all-empty rows: dropped at the end of the file, checked before a later row
    CustomerRow scratch;
    // Checks one row into `cr` and reports its problems, the duplicate check where the two-pass path has it.
    auto check = [&](std::vector<std::string>& cells, std::int64_t n, CustomerRow& cr) {
      cr = CustomerRow{};
      issues.clear();
      checker.check(cells, n, cr, issues);
      std::size_t k = 0;
      for (; k < issues.size() && !issues[k].after_code; ++k) errors.add(n, issues[k].field, issues[k].message);
      std::optional<CodeKey> key = cr.well_formed_code ? code_key(cr.credit_code) : std::nullopt;
      if (key) {
        if (auto [it, fresh] = seen.emplace(*key, n); !fresh) errors.add(n, "credit_code", "same credit code as row " + std::to_string(it->second));
        if (cr.is_group) groups_in_file.insert(*key);
      }
      for (; k < issues.size(); ++k) errors.add(n, issues[k].field, issues[k].message);
      if (!cr.group_credit_code.empty()) group_refs.emplace_back(n, cr.group_credit_code);
      if (errors.count > 0) refused = true;
    };
    try {
      for (bool more = true; more && !stop;) {
        Block* b = nullptr;
        {
          std::unique_lock lock(mutex);
          changed.wait(lock, [&] { return !free_blocks.empty() || stop; });
          if (stop) break;
          b = free_blocks.front();
          free_blocks.pop_front();
        }
        b->count = 0;
        while (b->count < kBlockRows) {
          if (!reader.next(fields)) {
            more = false;
            break;
          }
          const std::int64_t n = ++last_row;
          if (static_cast<std::size_t>(n - 1) > kMaxRows) throw kTooManyRows;
          if (std::all_of(fields.begin(), fields.end(), [](const std::string& f) { return trim(f).empty(); })) {
            empty_rows.push_back(n);
            continue;
          }
          std::vector<std::string> none;
          for (auto row : empty_rows) check(none, row, scratch);  // followed by a row: checked (and refused)
          empty_rows.clear();
          check(fields, n, b->rows[b->count++]);
        }
        last_row -= static_cast<std::int64_t>(empty_rows.size()) * (more ? 0 : 1);  // trailing empty rows are not rows
        {
          std::lock_guard lock(mutex);
          checked.push_back(b);
        }
        changed.notify_all();
      }
    } catch (const AppError& e) {
      file_error = e;
      refused = true;
    } catch (...) {
      failure = std::current_exception();
      refused = true;
    }
    {
      std::lock_guard lock(mutex);
      read_all = true;
    }
    changed.notify_all();
  };
  auto producer = std::async(std::launch::async, produce);
  struct StopProducer {
    std::atomic<bool>& stop;
    std::condition_variable& changed;
    std::future<void>& producer;
    ~StopProducer() {
      stop = true;
      changed.notify_all();
      if (producer.valid()) producer.wait();
    }
  } stop_producer{stop, changed, producer};

  std::int64_t written = 0;
  for (;;) {
    Block* b = nullptr;
    {
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return !checked.empty() || read_all; });
      if (checked.empty()) break;
      b = checked.front();
      checked.pop_front();
    }
    // `refused` is set before the block with the first problem is handed over.
    if (!refused) {
      writer.write(b->rows, 0, b->count, {});
      writer.defer_search();
      written += static_cast<std::int64_t>(b->count);
    }
    {
      std::lock_guard lock(mutex);
      free_blocks.push_back(b);
    }
    changed.notify_all();
    check_progress(state, written);
  }
  producer.get();
  if (failure) std::rethrow_exception(failure);
  if (file_error) throw FileRefused{*file_error};
  total_rows = last_row - 1;
  // Groups named by credit code must exist in the file (as a group) or, in scope, in the database
  // (a code of the file is found in the file first).
  for (auto& [row, code] : group_refs) {
    const auto key = code_key(code);
    if (key && groups_in_file.count(*key)) continue;
    if (key && seen.count(*key)) {
      errors.add(row, "group_credit_code", "that customer is not marked as a group (是否集团)");
      continue;
    }
    check_group_in_database(conn, p, row, code, errors);
  }
  if (errors.count > 0) throw RowsRefused{};
  return writer.finish();
}

// ---- accounts and contacts ------------------------------------------------------------------

struct CustomerRef {
  std::int64_t id = 0;
  std::string org_path;
};

// Finds the customer named by credit code in the importer's scope, or records an error.
std::optional<CustomerRef> find_customer(Connection& conn, const auth::Principal& p, const std::string& code, std::int64_t n,
                                         ErrorSink& errors, std::unordered_map<std::string, std::optional<CustomerRef>>& cache) {
  if (code.empty()) {
    errors.add(n, "customer_credit_code", "is required");
    return std::nullopt;
  }
  auto it = cache.find(code);
  if (it == cache.end()) {
    auto r = conn.query_one("SELECT id, org_path, manager_id, backup_manager_id, status FROM customers WHERE credit_code = ?", {code});
    std::optional<CustomerRef> ref;
    if (r && r->str(4) == "active" && auth::customer_visible(p, r->str(1), r->opt_i64(2), r->opt_i64(3)))
      ref = CustomerRef{r->i64(0), r->str(1)};
    it = cache.emplace(code, ref).first;
  }
  if (!it->second) errors.add(n, "customer_credit_code", "no customer with this credit code in your scope");
  return it->second;
}

ImportCounts import_accounts(Connection& conn, const auth::Principal& p, const Table& t, const std::map<std::string, int>& col,
                             ErrorSink& errors, bool write, JobState* state) {
  ColumnReader c(col);
  std::unordered_map<std::string, std::optional<CustomerRef>> customers;
  std::unordered_map<std::string, std::int64_t> lines, areas;
  std::unordered_map<std::int64_t, std::int64_t> area_line;
  for (auto& r : conn.query("SELECT code, id FROM lines")) lines[r.str(0)] = r.i64(1);
  for (auto& r : conn.query("SELECT code, id, line_id FROM transformer_areas")) {
    areas[r.str(0)] = r.i64(1);
    area_line[r.i64(1)] = r.i64(2);
  }
  std::unordered_map<std::string, std::int64_t> seen;
  ImportCounts counts;
  std::set<std::int64_t> touched;
  Millis now = now_millis();
  for (std::size_t i = 1; i < t.rows.size(); ++i) {
    const auto& row = t.rows[i];
    std::int64_t n = static_cast<std::int64_t>(i) + 1;
    if (i % 2000 == 0) check_progress(state, static_cast<std::int64_t>(i));
    if (write && errors.bad_rows.count(n)) continue;
    auto customer = find_customer(conn, p, c(row, "customer_credit_code"), n, errors, customers);
    std::string account_no = c(row, "account_no");
    for (char& ch : account_no) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (!write) {
      if (account_no.empty()) errors.add(n, "account_no", "is required");
      else if (!valid_account_no(account_no)) errors.add(n, "account_no", "must be 6 to 20 digits or capital letters");
      else if (auto [it, fresh] = seen.emplace(account_no, n); !fresh)
        errors.add(n, "account_no", "same 户号 as row " + std::to_string(it->second));
      else if (customer) {
        // Re-importing updates an account; it never moves a 户号 to another customer silently.
        auto owner = conn.query_one(
            "SELECT c.id, c.credit_code FROM accounts a JOIN customers c ON c.id = a.customer_id WHERE a.account_no = ?",
            {account_no});
        if (owner && owner->i64(0) != customer->id)
          errors.add(n, "account_no", "this 户号 already belongs to another customer (" + owner->str(1) + ")");
      }
    }
    std::string voltage, tariff, mode = "none";
    auto code_field = [&](const char* name, const std::vector<CodeLabel>& list, std::string& out, bool required) {
      std::string s = c(row, name);
      if (s.empty()) {
        if (required) errors.add(n, name, "is required");
        return;
      }
      if (auto code = parse_code(list, s)) out = *code;
      else errors.add(n, name, "must be one of " + codes_of(list));
    };
    if (!write) {
      code_field("voltage_level", voltage_levels(), voltage, true);
      code_field("tariff_category", tariff_categories(), tariff, true);
      code_field("basic_charge_mode", basic_charge_modes(), mode, false);
    } else {
      voltage = parse_code(voltage_levels(), c(row, "voltage_level")).value_or("");
      tariff = parse_code(tariff_categories(), c(row, "tariff_category")).value_or("");
      mode = parse_code(basic_charge_modes(), c(row, "basic_charge_mode")).value_or("none");
    }
    std::int64_t capacity = 0, sources = 1;
    bool emergency = false;
    if (std::string s = c(row, "contract_capacity_kva"); !s.empty()) {
      auto v = parse_int(s);
      if (!v || *v > 10000000) { if (!write) errors.add(n, "contract_capacity_kva", "must be a whole number of kVA"); }
      else capacity = *v;
    }
    if (std::string s = c(row, "supply_sources"); !s.empty()) {
      auto v = parse_int(s);
      if (!v || *v < 1 || *v > 4) { if (!write) errors.add(n, "supply_sources", "must be 1 to 4"); }
      else sources = *v;
    }
    if (std::string s = c(row, "emergency_power"); !s.empty()) {
      auto v = parse_flag(s);
      if (!v) { if (!write) errors.add(n, "emergency_power", "must be 是/否 (or 1/0)"); }
      else emergency = *v;
    }
    std::optional<std::int64_t> line_id, area_id;
    if (std::string s = c(row, "line_code"); !s.empty()) {
      auto it = lines.find(s);
      if (it == lines.end()) { if (!write) errors.add(n, "line_code", "unknown line '" + s + "'"); }
      else line_id = it->second;
    }
    if (std::string s = c(row, "transformer_area_code"); !s.empty()) {
      auto it = areas.find(s);
      if (it == areas.end()) { if (!write) errors.add(n, "transformer_area_code", "unknown transformer area '" + s + "'"); }
      else {
        area_id = it->second;
        if (line_id && area_line[*area_id] != *line_id && !write)
          errors.add(n, "transformer_area_code", "this transformer area is not on the given line");
        if (!line_id) line_id = area_line[*area_id];
      }
    }
    if (!write || !customer) continue;
    auto existing = conn.query_one("SELECT a.id, c.org_path, c.manager_id, c.backup_manager_id FROM accounts a JOIN customers c ON c.id = a.customer_id WHERE a.account_no = ?", {account_no});
    if (existing) {
      if (!auth::customer_visible(p, existing->str(1), existing->opt_i64(2), existing->opt_i64(3)))
        throw AppError(ErrorCode::validation_failed, "row outside your scope",
                       {{"account_no", "this 户号 belongs to a customer outside your scope", n}});
      conn.execute(
          "UPDATE accounts SET customer_id = ?, name = ?, voltage_level = ?, contract_capacity_kva = ?, tariff_category = ?, "
          "basic_charge_mode = ?, supply_sources = ?, emergency_power = ?, line_id = ?, transformer_area_id = ?, address = ?, "
          "updated_at = ? WHERE id = ?",
          {customer->id, storage::text_or_null(c(row, "name")), voltage, capacity, tariff, mode, sources,
           std::int64_t{emergency}, storage::opt_value(line_id), storage::opt_value(area_id),
           storage::text_or_null(c(row, "address")), now, existing->i64(0)});
      ++counts.updated;
    } else {
      conn.execute(
          "INSERT INTO accounts(customer_id, account_no, name, voltage_level, contract_capacity_kva, tariff_category, "
          "basic_charge_mode, supply_sources, emergency_power, line_id, transformer_area_id, address, status, created_at, "
          "updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,'active',?,?)",
          {customer->id, account_no, storage::text_or_null(c(row, "name")), voltage, capacity, tariff, mode, sources,
           std::int64_t{emergency}, storage::opt_value(line_id), storage::opt_value(area_id),
           storage::text_or_null(c(row, "address")), now, now});
      ++counts.inserted;
    }
    touched.insert(customer->id);
  }
  counts.search_ids.assign(touched.begin(), touched.end());
  return counts;
}

ImportCounts import_contacts(Connection& conn, const auth::Principal& p, const Table& t, const std::map<std::string, int>& col,
                             ErrorSink& errors, bool write, JobState* state) {
  ColumnReader c(col);
  std::unordered_map<std::string, std::optional<CustomerRef>> customers;
  ImportCounts counts;
  std::set<std::int64_t> touched;
  Millis now = now_millis();
  for (std::size_t i = 1; i < t.rows.size(); ++i) {
    const auto& row = t.rows[i];
    std::int64_t n = static_cast<std::int64_t>(i) + 1;
    if (i % 2000 == 0) check_progress(state, static_cast<std::int64_t>(i));
    if (write && errors.bad_rows.count(n)) continue;
    auto customer = find_customer(conn, p, c(row, "customer_credit_code"), n, errors, customers);
    std::string name = c(row, "name");
    if (!write && name.empty()) errors.add(n, "name", "is required");
    std::string role;
    if (auto r = parse_code(contact_roles(), c(row, "role"))) role = *r;
    else if (!write) errors.add(n, "role", "must be one of " + codes_of(contact_roles()));
    std::optional<std::string> mobile;
    if (std::string s = c(row, "mobile"); !s.empty()) {
      mobile = normalize_mobile(s);
      if (!mobile && !write) errors.add(n, "mobile", "must be an 11-digit mainland mobile number such as 13812345678");
    }
    std::string email = c(row, "email");
    if (!email.empty() && !valid_email(email) && !write) errors.add(n, "email", "is not a valid e-mail address");
    std::vector<std::string> notices;
    for (auto& part : split(c(row, "notice_types"), ',')) {
      std::string s = trim(part);
      if (s.empty()) continue;
      if (auto code = parse_code(notice_types(), s)) notices.push_back(*code);
      else if (!write) errors.add(n, "notice_types", "unknown notice type '" + s + "'");
    }
    if (!write || !customer) continue;
    auto existing = conn.query_one("SELECT id FROM contacts WHERE customer_id = ? AND name = ? AND role = ?",
                                   {customer->id, name, role});
    if (existing) {
      conn.execute("UPDATE contacts SET mobile = ?, email = ?, notice_types = ?, active = 1, confirmed_at = ?, updated_at = ? WHERE id = ?",
                   {storage::opt_value(mobile), storage::text_or_null(email), join(notices, ","), now, now, existing->i64(0)});
      ++counts.updated;
    } else {
      conn.execute(
          "INSERT INTO contacts(customer_id, name, role, mobile, email, notice_types, active, confirmed_at, created_at, updated_at) "
          "VALUES (?,?,?,?,?,?,1,?,?,?)",
          {customer->id, name, role, storage::opt_value(mobile), storage::text_or_null(email), join(notices, ","), now, now, now});
      ++counts.inserted;
    }
    touched.insert(customer->id);
  }
  counts.search_ids.assign(touched.begin(), touched.end());
  return counts;
}

void update_job(storage::Database& db, std::int64_t job_id, const std::string& status, const ImportResult* result,
                const ErrorSink* errors, std::int64_t processed) {
  if (!job_id) return;
  std::string errors_json;
  if (errors) {
    bj::array a;
    for (auto& e : errors->issues) a.push_back(bj::object{{"row", e.row}, {"field", e.field}, {"message", e.message}});
    errors_json = json::serialize(a);
  }
  bool done = result != nullptr;
  db.transaction([&](Connection& conn) {
    conn.execute(
        "UPDATE import_jobs SET status = ?, processed_rows = ?, total_rows = COALESCE(?, total_rows), inserted = COALESCE(?, inserted), "
        "updated = COALESCE(?, updated), error_count = COALESCE(?, error_count), errors_json = COALESCE(?, errors_json), "
        "message = COALESCE(?, message), finished_at = ? WHERE id = ?",
        {status, processed, result ? Value(result->total_rows) : storage::null_value(),
         result ? Value(result->inserted) : storage::null_value(), result ? Value(result->updated) : storage::null_value(),
         errors ? Value(errors->count) : storage::null_value(), errors ? Value(errors_json) : storage::null_value(),
         result ? Value(result->message) : storage::null_value(), done ? Value(now_millis()) : storage::null_value(), job_id});
  });
}

ImportResult run_import(storage::Database& db, const auth::Principal& p, const std::string& kind, const std::string& mode,
                        const std::string& file_name, const std::string& bytes, std::int64_t job_id, JobState* state,
                        const ImportOptions& options) {
  ImportResult result;
  ErrorSink errors;
  const auto& columns = import_columns(kind);
  using SteadyClock = std::chrono::steady_clock;
  const auto t_read = SteadyClock::now();
  // The file could not be read: nothing was imported.
  auto refuse_file = [&](const AppError& e) {
    for (auto& issue : e.issues()) errors.add(issue.row, issue.field, issue.message);
    if (e.issues().empty()) errors.add(0, "file", e.what());
    result.status = "failed";
    result.total_rows = 0;
    result.error_count = errors.count;
    result.message = e.what();
    update_job(db, job_id, result.status, &result, &errors, 0);
    return result;
  };
  // Rows with problems in an all-or-nothing file (or a broken header): nothing was imported.
  auto refuse_rows = [&] {
    result.status = "failed";
    result.error_count = errors.count;
    result.message = std::to_string(errors.count) + " error(s) in " + std::to_string(errors.bad_rows.size()) +
                     " row(s); nothing was imported";
    update_job(db, job_id, result.status, &result, &errors, result.total_rows);
    return result;
  };
  // One transaction: `write` writes the records, then the search documents (now for a small file,
  // queued for a large one: drain_search_backlog), the data quality of what was written, the audit.
  auto commit = [&](const std::function<ImportCounts(Connection&)>& write) {
    update_job(db, job_id, "importing", nullptr, nullptr, 0);
    if (state) state->processed = 0;
    const Millis began = now_millis();
    return db.transaction([&](Connection& conn) {
      ImportCounts c = write(conn);
      if (result.total_rows <= options.search_inline_rows) {
        for (auto id : c.search_ids) refresh_search(conn, id);
      } else {
        result.search_queued = static_cast<std::int64_t>(c.search_ids.size());
        queue_search(conn, std::move(c.search_ids));
      }
      // Data quality of the records written, in the same transaction; large loads wait for the
      // nightly full pass.
      if (c.inserted + c.updated > 0 && c.inserted + c.updated <= kQualityRecheckLimit) {
        std::vector<std::int64_t> ids;
        const std::string sql = kind == "customers"  ? "SELECT id FROM customers WHERE updated_at >= ?"
                                : kind == "accounts" ? "SELECT DISTINCT customer_id FROM accounts WHERE updated_at >= ?"
                                                     : "SELECT DISTINCT customer_id FROM contacts WHERE updated_at >= ?";
        conn.query_each(sql, {began}, [&](const storage::Row& r) { ids.push_back(r.i64(0)); });
        quality::recheck_customers(conn, ids, now_millis());
      }
      if (state) {  // a last look at the cancel flag before committing
        state->next_db_check = {};
        check_progress(state, result.total_rows);
      }
      bj::object summary{{"job_id", job_id}, {"file_name", file_name}, {"kind", kind}, {"mode", mode},
                         {"rows", result.total_rows}, {"inserted", c.inserted}, {"updated", c.updated},
                         {"skipped_rows_with_errors", static_cast<std::int64_t>(errors.bad_rows.size())}};
      audit::record(conn, p.actor(), {"import", kind == "customers" ? "customer" : kind == "accounts" ? "account" : "contact",
                                      std::to_string(job_id), p.org_path, "", json::serialize(summary)});
      return c;
    });
  };
  // `checked_at`: when the two-pass path had read and checked the file (a streamed one does it while writing).
  auto succeed = [&](const ImportCounts& counts, std::optional<SteadyClock::time_point> checked_at) {
    const auto seconds = [](auto from, auto to) { return std::chrono::duration<double>(to - from).count(); };
    const auto now = SteadyClock::now();
    if (checked_at)
      spdlog::info("import job {} ({}, {} rows): read and checked {:.2f} s, written and committed {:.2f} s", job_id, kind,
                   result.total_rows, seconds(t_read, *checked_at), seconds(*checked_at, now));
    else
      spdlog::info("import job {} ({}, {} rows): read, checked, written and committed at once in {:.2f} s", job_id, kind,
                   result.total_rows, seconds(t_read, now));
    result.status = "succeeded";
    result.inserted = counts.inserted;
    result.updated = counts.updated;
    result.error_count = errors.count;
    result.message = std::to_string(counts.inserted) + " inserted, " + std::to_string(counts.updated) + " updated" +
                     (errors.count ? ", " + std::to_string(errors.bad_rows.size()) + " row(s) with errors skipped" : "");
    update_job(db, job_id, result.status, &result, &errors, result.total_rows);
    return result;
  };

  // A large all-or-nothing CSV of customers is read, checked and written at once (stream_customers).
  if (kind == "customers" && mode != "valid_rows") {
    std::string converted;
    std::optional<std::string_view> text;
    try {
      text = csv_text(bytes, file_name, converted);
    } catch (const AppError& e) {
      return refuse_file(e);
    }
    const auto lines = text ? static_cast<std::int64_t>(std::count(text->begin(), text->end(), '\n')) : 0;
    if (lines > options.search_inline_rows) {
      io::CsvReader reader(*text);
      std::vector<std::string> header;
      try {
        if (!reader.next(header)) throw kNoHeader;
      } catch (const AppError& e) {
        return refuse_file(e);
      }
      // A broken header is reported by the two-pass path below, with the file's row count.
      Validator header_issues;
      const auto col = map_header(header, columns, header_issues);
      if (header_issues.ok()) {
        if (state) state->total = lines;  // about the rows (the header and a last line feed, quoted line feeds)
        result.total_rows = lines;        // decides the search path before the rows are counted
        try {
          const auto counts = commit([&](Connection& conn) {
            return stream_customers(conn, p, reader, col, static_cast<std::size_t>(lines), errors, state, result.total_rows);
          });
          return succeed(counts, std::nullopt);
        } catch (const RowsRefused&) {
          return refuse_rows();
        } catch (const FileRefused& refused) {
          return refuse_file(refused.error);
        }
      }
    }
  }

  Table table;
  try {
    table = read_table(bytes, file_name);
  } catch (const AppError& e) {
    return refuse_file(e);
  }
  result.total_rows = static_cast<std::int64_t>(table.rows.size()) - 1;
  if (state) state->total = result.total_rows;
  Validator header_issues;
  auto col = map_header(table.rows[0], columns, header_issues);
  for (auto& i : header_issues.issues()) errors.add(1, i.field, i.message);
  bool only_valid = mode == "valid_rows";
  std::vector<CustomerRow> parsed;
  if (errors.count == 0) {
    // Validation pass: reads only.
    db.read([&](Connection& conn) {
      if (kind == "customers") validate_customers(conn, p, table, col, errors, state, parsed);
      else if (kind == "accounts") import_accounts(conn, p, table, col, errors, false, state);
      else import_contacts(conn, p, table, col, errors, false, state);
    });
    // Customers are written from their parsed rows: free the raw cells (half the peak memory).
    if (kind == "customers") { auto discard = std::move(table.rows); }
  }
  if (errors.count > 0 && (!only_valid || !header_issues.ok())) return refuse_rows();
  const auto checked_at = SteadyClock::now();
  const auto counts = commit([&](Connection& conn) {
    const bool index_now = result.total_rows <= options.search_inline_rows;
    if (kind == "customers") return write_customers(conn, p, parsed, errors, state, index_now);
    if (kind == "accounts") return import_accounts(conn, p, table, col, errors, true, state);
    return import_contacts(conn, p, table, col, errors, true, state);
  });
  return succeed(counts, checked_at);
}

}  // namespace

const std::vector<ImportColumn>& import_columns(const std::string& kind) {
  static const std::vector<ImportColumn> customers = {
      {"name", "客户名称", true, "云南锡业股份有限公司"},
      {"credit_code", "统一社会信用代码", true, "91530000709709470F"},
      {"industry_code", "行业代码", false, "32"},
      {"org_unit_code", "所属单位编码", true, "KM01"},
      {"address", "地址", false, "昆明市盘龙区白龙路1号"},
      {"importance_class", "重要等级", false, "一级"},
      {"outage_sensitivity", "停电敏感度", false, "高可靠性（秒级停电即受损）"},
      {"credit_grade", "信用等级", false, "AA"},
      {"tags", "标签", false, "冶金,高耗能"},
      {"group_credit_code", "所属集团信用代码", false, ""},
      {"is_group", "是否集团", false, "否"},
      {"is_key_account", "是否大客户", false, "是"},
      {"manager_username", "客户经理账号", false, "am01"},
      {"backup_manager_username", "备用客户经理账号", false, ""},
      {"annual_kwh", "年用电量(kWh)", false, "125000000"}};
  static const std::vector<ImportColumn> accounts = {
      {"customer_credit_code", "客户统一社会信用代码", true, "91530000709709470F"},
      {"account_no", "户号", true, "0530001234"},
      {"name", "户名", false, "一号冶炼厂"},
      {"voltage_level", "电压等级", true, "110kV"},
      {"contract_capacity_kva", "合同容量(kVA)", false, "31500"},
      {"tariff_category", "电价类别", true, "ci_two_part"},
      {"basic_charge_mode", "基本电费计收方式", false, "contract_demand"},
      {"supply_sources", "供电电源数", false, "2"},
      {"emergency_power", "自备应急电源", false, "是"},
      {"line_code", "供电线路编码", false, ""},
      {"transformer_area_code", "台区编码", false, ""},
      {"address", "用电地址", false, ""}};
  static const std::vector<ImportColumn> contacts = {
      {"customer_credit_code", "客户统一社会信用代码", true, "91530000709709470F"},
      {"name", "联系人姓名", true, "张伟"},
      {"role", "联系人角色", true, "电气负责人"},
      {"mobile", "手机", false, "13812345678"},
      {"email", "电子邮箱", false, "zhangwei@example.com"},
      {"notice_types", "接收通知类型", false, "outage,limitation"}};
  if (kind == "accounts") return accounts;
  if (kind == "contacts") return contacts;
  return customers;
}

ImportResult run_import_now(storage::Database& db, const auth::Principal& p, const std::string& kind, const std::string& mode,
                            const std::string& file_name, const std::string& bytes, std::int64_t job_id,
                            const ImportOptions& options) {
  return run_import(db, p, kind, mode, file_name, bytes, job_id, nullptr, options);
}

class ImportRunner {
 public:
  explicit ImportRunner(auth::Guard& guard) : guard_(guard) {}
  ~ImportRunner() { stop(); }

  // Cancels running imports (rolled back, marked cancelled) and stops search-document builds
  // between batches (the search_backlog task finishes them), then waits for the threads.
  void stop() {
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mutex_);
      for (auto& [id, s] : states_) s->cancel = true;
      threads.swap(threads_);
    }
    for (auto& t : threads)
      if (t.joinable()) t.join();
  }

  std::int64_t start(const auth::Principal& p, const std::string& kind, const std::string& mode, const std::string& file_name,
                     std::string bytes) {
    std::int64_t id = guard_.db().transaction([&](Connection& conn) {
      return conn.insert_returning_id(
          "INSERT INTO import_jobs(kind, format, file_name, mode, status, created_by, created_at) VALUES (?,?,?,?, 'validating', ?, ?) "
          "RETURNING id",
          {kind, std::string(bytes.compare(0, 2, "PK") == 0 ? "xlsx" : "csv"), file_name, mode, p.user_id, now_millis()});
    });
    auto state = std::make_shared<JobState>();
    state->db = &guard_.db();
    state->job_id = id;
    std::lock_guard lock(mutex_);
    states_[id] = state;
    threads_.emplace_back([this, p, kind, mode, file_name, bytes = std::move(bytes), id, state] {
      try {
        const auto result = run_import(guard_.db(), p, kind, mode, file_name, bytes, id, state.get(), ImportOptions{});
        // A large file's customers are in the archive; now their search documents, in batches.
        // Stopped between batches when the server stops: the scheduler of the next start finishes it.
        if (result.search_queued > 0) {
          try {
            drain_search_backlog(guard_.db(), [&](std::int64_t) {
              if (state->cancel) throw Cancelled{};
            });
          } catch (const Cancelled&) {
            spdlog::info("import job {}: search documents left to the search_backlog task", id);
          }
        }
      } catch (const Cancelled&) {
        update_job(guard_.db(), id, "cancelled", nullptr, nullptr, state->processed);
        finish_cancelled(id);
      } catch (const std::exception& e) {
        spdlog::error("import job {} failed: {}", id, e.what());
        try {
          ImportResult r;
          r.status = "failed";
          r.message = e.what();
          ErrorSink sink;
          if (auto app = dynamic_cast<const AppError*>(&e))
            for (auto& i : app->issues()) sink.add(i.row, i.field, i.message);
          r.error_count = sink.count;
          update_job(guard_.db(), id, "failed", &r, &sink, state->processed);
        } catch (const std::exception& inner) {
          spdlog::error("import job {}: could not record failure: {}", id, inner.what());
        }
      }
    });
    return id;
  }

  void finish_cancelled(std::int64_t id) {
    guard_.db().transaction([&](Connection& conn) {
      conn.execute("UPDATE import_jobs SET message = 'cancelled; nothing was imported', finished_at = ? WHERE id = ?", {now_millis(), id});
    });
  }

  std::shared_ptr<JobState> state(std::int64_t id) {
    std::lock_guard lock(mutex_);
    auto it = states_.find(id);
    return it == states_.end() ? nullptr : it->second;
  }

  auth::Guard& guard() { return guard_; }

 private:
  auth::Guard& guard_;
  std::mutex mutex_;
  std::map<std::int64_t, std::shared_ptr<JobState>> states_;
  std::vector<std::thread> threads_;
};

namespace {

// Errors as stored, with messages in the caller's language and each field's column heading
// from the template (so the report reads like the spreadsheet the user filled in).
bj::value localized_errors(const std::string& stored, const std::string& kind, Lang lang) {
  auto v = json::parse_or_null(stored);
  if (!v.is_array()) return bj::array();
  for (auto& e : v.as_array()) {
    auto& o = e.as_object();
    if (auto* m = o.if_contains("message"); m && m->is_string()) *m = localize(std::string(m->as_string()), lang);
    std::string field = o.contains("field") && o["field"].is_string() ? std::string(o["field"].as_string()) : "";
    std::string label = field;
    for (auto& c : import_columns(kind))
      if (field == c.code) label = lang == Lang::zh ? c.zh : c.code;
    if (field == "file") label = lang == Lang::zh ? "文件" : "file";
    o["field_label"] = label;
  }
  return v;
}

bj::object job_json(const storage::Row& r, ImportRunner& runner, Lang lang) {
  std::string status = r.str(5);
  std::int64_t processed = r.i64(7);
  if (auto s = runner.state(r.i64(0)); s && (status == "validating" || status == "importing")) processed = s->processed;
  std::int64_t total = r.i64(6);
  if (auto s = runner.state(r.i64(0)); s && total == 0) total = s->total;
  auto finished = r.opt_i64(15);
  return bj::object{{"id", r.i64(0)},
                    {"kind", r.str(1)},
                    {"format", r.str(2)},
                    {"file_name", json::nullable(r.opt_str(3))},
                    {"mode", r.str(4)},
                    {"status", status},
                    {"total_rows", total},
                    {"processed_rows", processed},
                    {"inserted", r.i64(8)},
                    {"updated", r.i64(9)},
                    {"error_count", r.i64(10)},
                    {"errors", localized_errors(r.str(11), r.str(1), lang)},
                    {"message", r.is_null(12) ? bj::value(nullptr) : bj::value(localize(r.str(12), lang))},
                    {"created_by", r.str(13)},
                    {"created_at", format_iso_utc(r.i64(14))},
                    {"finished_at", finished ? bj::value(format_iso_utc(*finished)) : bj::value(nullptr)}};
}

constexpr const char* kJobSelect =
    "SELECT j.id, j.kind, j.format, j.file_name, j.mode, j.status, j.total_rows, j.processed_rows, j.inserted, j.updated, "
    "j.error_count, j.errors_json, j.message, u.username, j.created_at, j.finished_at FROM import_jobs j "
    "JOIN users u ON u.id = j.created_by";

std::string checked_kind(const http::Request& req) {
  auto kind = http::query_text(req, "kind", 20).value_or("");
  if (kind != "customers" && kind != "accounts" && kind != "contacts")
    throw AppError(ErrorCode::validation_failed, "invalid import kind", {{"kind", "must be customers, accounts or contacts"}});
  return kind;
}

http::Response template_route(ImportRunner& runner, http::RouteContext& ctx) {
  runner.guard().require(ctx.request, auth::Permission::customer_import);
  std::string kind = checked_kind(ctx.request);
  std::string format = http::query_text(ctx.request, "format", 10).value_or("xlsx");
  const auto& columns = import_columns(kind);
  std::vector<std::string> header, example;
  for (auto& c : columns) {
    header.push_back(std::string(c.zh) + (c.required ? "*" : ""));
    example.push_back(c.example);
  }
  std::string file_name = "lianxin-" + kind + "-template." + format;
  if (format == "csv")
    return http::Response::attachment("\xEF\xBB\xBF" + io::csv_escape_row(header) + io::csv_escape_row(example),
                                      "text/csv; charset=utf-8", file_name);
  if (format != "xlsx") throw AppError(ErrorCode::validation_failed, "invalid format", {{"format", "must be csv or xlsx"}});
  io::Sheet sheet;
  sheet.name = kind;
  sheet.header = header;
  std::vector<io::Cell> row;
  for (auto& e : example) row.emplace_back(e);
  sheet.rows.push_back(row);
  return http::Response::xlsx(io::write_xlsx({sheet}), file_name);
}

http::Response start_route(ImportRunner& runner, http::RouteContext& ctx) {
  auto p = runner.guard().require(ctx.request, auth::Permission::customer_import);
  std::string kind = checked_kind(ctx.request);
  std::string mode = http::query_text(ctx.request, "mode", 20).value_or("all_or_nothing");
  if (mode != "all_or_nothing" && mode != "valid_rows")
    throw AppError(ErrorCode::validation_failed, "invalid mode", {{"mode", "must be all_or_nothing or valid_rows"}});
  std::string file_name = http::query_text(ctx.request, "file_name", 200).value_or("upload");
  if (ctx.request.body.empty())
    throw AppError(ErrorCode::validation_failed, "empty upload", {{"file", "the request body must be the CSV or XLSX file"}});
  std::int64_t id = runner.start(p, kind, mode, file_name, ctx.request.body);
  return runner.guard().db().read([&](Connection& conn) {
    auto row = conn.query_one(std::string(kJobSelect) + " WHERE j.id = ?", {id});
    return http::Response::json(json::serialize(job_json(*row, runner, lang_from_header(ctx.request.header("accept-language")))), 202);
  });
}

http::Response get_route(ImportRunner& runner, http::RouteContext& ctx) {
  auto p = runner.guard().require(ctx.request, auth::Permission::customer_import);
  auto id = http::path_id(ctx);
  return runner.guard().db().read([&](Connection& conn) {
    auto row = conn.query_one(std::string(kJobSelect) + " WHERE j.id = ? AND (j.created_by = ? OR ? = 'administrator')",
                              {id, p.user_id, std::string(auth::role_code(p.role))});
    if (!row) throw_not_found("import job");
    auto job = job_json(*row, runner, lang_from_header(ctx.request.header("accept-language")));
    // Customers of large imports (anyone's) whose search documents are still being built.
    job["search_index_pending"] = search_backlog_size(conn);
    return http::Response::json(json::serialize(job));
  });
}

http::Response list_route(ImportRunner& runner, http::RouteContext& ctx) {
  auto p = runner.guard().require(ctx.request, auth::Permission::customer_import);
  return runner.guard().db().read([&](Connection& conn) {
    auto rows = conn.query(std::string(kJobSelect) + " WHERE j.created_by = ? ORDER BY j.id DESC LIMIT 50", {p.user_id});
    bj::array items;
    for (auto& r : rows) {
      auto o = job_json(r, runner, lang_from_header(ctx.request.header("accept-language")));
      o.erase("errors");
      items.push_back(std::move(o));
    }
    auto n = static_cast<std::int64_t>(items.size());
    return http::Response::json(json::serialize(json::list_envelope(std::move(items), n, 1, 50)));
  });
}

http::Response cancel_route(ImportRunner& runner, http::RouteContext& ctx) {
  auto p = runner.guard().require(ctx.request, auth::Permission::customer_import);
  auto id = http::path_id(ctx);
  runner.guard().db().read([&](Connection& conn) {
    auto row = conn.query_one("SELECT status FROM import_jobs WHERE id = ? AND created_by = ?", {id, p.user_id});
    if (!row) throw_not_found("import job");
    std::string status = row->str(0);
    if (status != "validating" && status != "importing" && status != "queued")
      throw AppError(ErrorCode::conflict, "the import has already finished (" + status + ")");
  });
  // Stopped at once when this server runs it: on SQLite its write transaction holds the write
  // lock, which the durable flag below waits for until the job has seen this one and rolled back.
  if (auto s = runner.state(id)) s->cancel = true;
  runner.guard().db().transaction([&](Connection& conn) {
    conn.execute("UPDATE import_jobs SET cancel_requested = 1 WHERE id = ?", {id});
    audit::record(conn, p.actor(), {"cancel", "import_job", std::to_string(id), p.org_path, "", ""});
  });
  return http::Response::json("{\"id\":" + std::to_string(id) + ",\"cancel_requested\":true}", 202);
}

}  // namespace

std::shared_ptr<ImportRunner> register_import_routes(http::Router& router, auth::Guard& guard) {
  auto runner = std::make_shared<ImportRunner>(guard);
  ImportRunner* r = runner.get();
  router.get("/api/v1/imports/template", [r](http::RouteContext& c) { return template_route(*r, c); });
  router.get("/api/v1/imports", [r](http::RouteContext& c) { return list_route(*r, c); });
  router.post("/api/v1/imports", [r](http::RouteContext& c) { return start_route(*r, c); });
  router.get("/api/v1/imports/{id}", [r](http::RouteContext& c) { return get_route(*r, c); });
  router.post("/api/v1/imports/{id}/cancel", [r](http::RouteContext& c) { return cancel_route(*r, c); });
  return runner;
}

void stop_import_jobs(ImportRunner& runner) { runner.stop(); }

void fail_interrupted_imports(storage::Database& db) {
  db.transaction([&](Connection& conn) {
    conn.execute(
        "UPDATE import_jobs SET status = 'failed', message = 'the server stopped during the import; nothing was imported', "
        "finished_at = ? WHERE status IN ('queued', 'validating', 'importing')",
        {now_millis()});
  });
}

}  // namespace lianxin::customers
