#include "curves/store.hpp"

#include <cmath>
#include <cstdio>
#include <future>
#include <map>
#include <set>

#include "audit/audit.hpp"
#include "auth/crypto.hpp"
#include "auth/rules.hpp"
#include "common/strings.hpp"
#include "curves/codec.hpp"
#include "curves/stats.hpp"
#include "text/text.hpp"

namespace lianxin::curves {

namespace {

std::string period_of(int year, int month) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
  return buf;
}

std::string join_flags(const std::vector<const char*>& flags) {
  std::string out;
  for (const char* f : flags) out += (out.empty() ? "" : ",") + std::string(f);
  return out;
}

struct Prepared {
  std::int64_t account_id = 0;
  std::string account_no, period;
  std::string blob;
  CurveQuality quality;
  double kwh = 0, max_kw = 0;
  bool merged = false;
};

// A file decoded, parsed and its months prepared (quality, statistics, blob) without the database:
// the CPU part of an import, which a bulk import runs for the next file while this one is written.
struct PreparedFile {
  std::string file_name, sha256;
  ParseResult parsed;
  std::vector<Prepared> months;  // one per parsed curve, in its order
};

void prepare_month(Prepared& m, const std::vector<float>& kw, const std::vector<std::uint8_t>& days, int year, int month) {
  m.quality = assess_quality(kw, days);
  const MonthStats st = month_stats(kw, year, month);
  m.kwh = st.kwh;
  m.max_kw = st.present > 0 ? st.max_kw : 0;
  m.blob = encode_month(kw, static_cast<int>(days.size()));
}

void prepare_months(PreparedFile& f) {
  if (!f.parsed.ok()) return;
  f.months.resize(f.parsed.curves.size());
  for (std::size_t i = 0; i < f.parsed.curves.size(); ++i) {
    const MonthCurve& c = f.parsed.curves[i];
    Prepared& m = f.months[i];
    m.account_no = c.account_no;
    m.period = period_of(c.year, c.month);
    prepare_month(m, c.kw, c.day_present, c.year, c.month);
  }
}

PreparedFile prepare_file(const std::string& file_name, const std::string& bytes, const std::string& default_account) {
  PreparedFile f;
  f.file_name = file_name;
  f.sha256 = auth::sha256_hex(bytes);
  // Only the header can carry non-ASCII text (户号, 时间, 负荷): when it is valid UTF-8 the file is
  // taken as UTF-8 (a GBK byte further down fails as a bad number or account), else it is GBK.
  const auto eol = bytes.find('\n');
  std::string converted;
  std::string_view text = bytes;
  if (!is_valid_utf8(std::string_view(bytes).substr(0, eol == std::string::npos ? bytes.size() : eol))) {
    auto utf8 = text::gb18030_to_utf8(bytes);
    if (!utf8)
      throw AppError(ErrorCode::validation_failed, "文件 " + file_name + " 不是 UTF-8 或 GBK 编码的 CSV",
                     {{"file", "文件 " + file_name + " 无法识别编码（请另存为 CSV UTF-8 或 GBK）"}});
    converted = std::move(*utf8);
    text = converted;
  }
  ParseOptions options;
  options.default_account = default_account;
  options.max_issues = 100;
  f.parsed = parse_curves(text, options);
  prepare_months(f);
  return f;
}

ImportSummary write_file(storage::Connection& conn, const auth::Principal& p, PreparedFile& f, Millis now) {
  const std::string& file_name = f.file_name;
  const ParseResult& parsed = f.parsed;
  if (!parsed.ok()) {
    throw AppError(ErrorCode::validation_failed,
                   "文件 " + file_name + " 有 " + std::to_string(parsed.issue_count) + " 处错误，未导入任何数据", parsed.issues);
  }
  if (parsed.curves.empty())
    throw AppError(ErrorCode::validation_failed, "文件 " + file_name + " 有错误，未导入任何数据", {{"file", "文件 " + file_name + " 没有负荷数据行"}});

  // Accounts: each 户号 once, in the importer's scope.
  std::map<std::string, std::int64_t> account_ids;
  std::vector<FieldIssue> issues;
  for (const MonthCurve& c : parsed.curves) {
    if (account_ids.count(c.account_no)) continue;
    auto r = conn.query_one(
        "SELECT a.id, c.org_path, c.manager_id, c.backup_manager_id FROM accounts a JOIN customers c ON c.id = a.customer_id WHERE a.account_no = ?",
        {c.account_no});
    if (!r || !auth::customer_visible(p, r->str(1), r->opt_i64(2), r->opt_i64(3))) {
      account_ids[c.account_no] = 0;
      issues.push_back({"户号", "户号 " + c.account_no + " 不存在或不在您的管辖范围内", c.first_row});
      continue;
    }
    account_ids[c.account_no] = r->i64(0);
  }
  if (!issues.empty())
    throw AppError(ErrorCode::validation_failed, "文件 " + file_name + " 有 " + std::to_string(issues.size()) + " 个未知户号，未导入任何数据",
                   issues);

  // The months already stored for these accounts (one query) are merged day by day: the upload's
  // days replace the stored ones, the other stored days stay.
  std::set<std::pair<std::int64_t, std::string>> existing;
  {
    std::string ids;
    for (auto& [_, id] : account_ids) ids += (ids.empty() ? "" : ",") + std::to_string(id);
    for (auto& r : conn.query("SELECT account_id, period FROM load_curves WHERE account_id IN (" + ids + ")")) existing.emplace(r.i64(0), r.str(1));
  }
  std::vector<float> stored, merged;
  std::vector<std::uint8_t> covered;
  for (std::size_t i = 0; i < parsed.curves.size(); ++i) {
    const MonthCurve& c = parsed.curves[i];
    Prepared& m = f.months[i];
    m.account_id = account_ids[c.account_no];
    if (!existing.count({m.account_id, m.period})) continue;
    auto old = conn.query_one("SELECT data FROM load_curves WHERE account_id = ? AND period = ?", {m.account_id, m.period});
    if (!old) continue;
    decode_month_into(old->bytes(0), stored);
    if (stored.size() != c.kw.size()) continue;
    merged = c.kw;
    covered = c.day_present;
    for (int d = 0; d < c.days(); ++d) {
      if (c.day_present[static_cast<std::size_t>(d)]) continue;
      bool any = false;
      for (int s = 0; s < kSlotsPerDay; ++s) {
        const float v = stored[static_cast<std::size_t>(d * kSlotsPerDay + s)];
        merged[static_cast<std::size_t>(d * kSlotsPerDay + s)] = v;
        any = any || !std::isnan(v);
      }
      if (any) covered[static_cast<std::size_t>(d)] = 1;
    }
    prepare_month(m, merged, covered, c.year, c.month);
    m.merged = true;
  }

  ImportSummary out;
  out.file_name = file_name;
  out.layout = layout_code(parsed.layout);
  out.rows = parsed.rows;
  out.readings = parsed.readings;
  out.accounts = static_cast<std::int64_t>(account_ids.size());
  out.months = static_cast<std::int64_t>(f.months.size());
  for (const Prepared& m : f.months) {
    (m.merged ? out.merged : out.inserted) += 1;
    if (!m.quality.flags.empty()) {
      ++out.flagged_months;
      if (out.flagged.size() < kMaxListedFlags) {
        FlaggedMonth fm;
        fm.account_no = m.account_no;
        fm.period = m.period;
        for (const char* flag : m.quality.flags) fm.flags.emplace_back(flag);
        fm.missing = m.quality.missing;
        fm.negatives = m.quality.negatives;
        fm.spikes = m.quality.spikes;
        fm.flat_points = m.quality.flat_points;
        fm.duplicate_days = m.quality.duplicate_days;
        out.flagged.push_back(std::move(fm));
      }
    }
  }
  out.batch_id = conn.insert_returning_id(
      "INSERT INTO curve_batches(file_name, sha256, layout, accounts, months, readings, flagged_months, created_by, created_at) "
      "VALUES (?,?,?,?,?,?,?,?,?) RETURNING id",
      {file_name, f.sha256, out.layout, out.accounts, out.months, out.readings, out.flagged_months, p.user_id, now});
  for (const Prepared& m : f.months) {
    const CurveQuality& q = m.quality;
    conn.execute(
        "INSERT INTO load_curves(account_id, period, data, points, missing, negatives, zeros, spikes, flat_points, duplicate_days, flags, kwh, "
        "max_kw, batch_id, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
        "ON CONFLICT (account_id, period) DO UPDATE SET data = excluded.data, points = excluded.points, missing = excluded.missing, "
        "negatives = excluded.negatives, zeros = excluded.zeros, spikes = excluded.spikes, flat_points = excluded.flat_points, "
        "duplicate_days = excluded.duplicate_days, flags = excluded.flags, kwh = excluded.kwh, max_kw = excluded.max_kw, "
        "batch_id = excluded.batch_id, updated_at = excluded.updated_at",
        {m.account_id, m.period, storage::Blob{m.blob}, std::int64_t{q.points}, std::int64_t{q.missing}, std::int64_t{q.negatives},
         std::int64_t{q.zeros}, std::int64_t{q.spikes}, std::int64_t{q.flat_points}, std::int64_t{q.duplicate_days}, join_flags(q.flags), m.kwh,
         m.max_kw, out.batch_id, now});
  }
  char after[256];
  std::snprintf(after, sizeof after, R"({"file_name":"%s","accounts":%lld,"months":%lld,"readings":%lld,"flagged_months":%lld})",
                json_escape(file_name).c_str(), static_cast<long long>(out.accounts), static_cast<long long>(out.months),
                static_cast<long long>(out.readings), static_cast<long long>(out.flagged_months));
  audit::record(conn, p.actor(), {"import", "curve_batch", std::to_string(out.batch_id), "", "", after});
  return out;
}

}  // namespace

ImportSummary import_file(storage::Connection& conn, const auth::Principal& p, const std::string& file_name, const std::string& bytes,
                          const std::string& default_account, Millis now) {
  PreparedFile f = prepare_file(file_name, bytes, default_account);
  return write_file(conn, p, f, now);
}

ImportSummary import_parsed(storage::Connection& conn, const auth::Principal& p, const std::string& file_name, const std::string& sha256,
                            const ParseResult& parsed, Millis now) {
  PreparedFile f;
  f.file_name = file_name;
  f.sha256 = sha256;
  f.parsed = parsed;
  prepare_months(f);
  return write_file(conn, p, f, now);
}

std::vector<FileOutcome> import_files(storage::Database& db, const auth::Principal& p, const NextFile& next, const std::string& default_account,
                                      Millis now) {
  std::vector<FileOutcome> out;
  struct Pending {
    std::optional<PreparedFile> file;
    std::string name, error;
    std::vector<FieldIssue> issues;
  };
  auto prepare = [&default_account](std::string name, std::string bytes) {
    Pending r;
    r.name = name;
    try {
      r.file = prepare_file(name, bytes, default_account);
    } catch (const AppError& e) {
      r.error = e.what();
      r.issues = e.issues();
    }
    return r;
  };
  std::future<Pending> pending;
  if (auto first = next()) pending = std::async(std::launch::async, prepare, std::move(first->first), std::move(first->second));
  while (pending.valid()) {
    Pending current = pending.get();
    // The next file is read and parsed on another core while this one is written.
    if (auto following = next()) pending = std::async(std::launch::async, prepare, std::move(following->first), std::move(following->second));
    FileOutcome o;
    o.file_name = current.name;
    if (!current.file) {
      o.error = current.error;
      o.issues = current.issues;
    } else {
      try {
        o.summary = db.transaction([&](storage::Connection& conn) { return write_file(conn, p, *current.file, now); });
      } catch (const AppError& e) {
        o.error = e.what();
        o.issues = e.issues();
      }
    }
    out.push_back(std::move(o));
  }
  return out;
}

std::vector<StoredMonth> list_months(storage::Connection& conn, std::int64_t account_id, const std::string& from, const std::string& to) {
  std::string sql =
      "SELECT period, points, missing, negatives, zeros, spikes, flat_points, duplicate_days, flags, kwh, max_kw, updated_at FROM load_curves "
      "WHERE account_id = ?";
  storage::Params params{account_id};
  if (!from.empty()) {
    sql += " AND period >= ?";
    params.push_back(from);
  }
  if (!to.empty()) {
    sql += " AND period <= ?";
    params.push_back(to);
  }
  std::vector<StoredMonth> out;
  for (auto& r : conn.query(sql + " ORDER BY period", params)) {
    StoredMonth m;
    m.period = r.str(0);
    m.points = static_cast<int>(r.i64(1));
    m.missing = static_cast<int>(r.i64(2));
    m.negatives = static_cast<int>(r.i64(3));
    m.zeros = static_cast<int>(r.i64(4));
    m.spikes = static_cast<int>(r.i64(5));
    m.flat_points = static_cast<int>(r.i64(6));
    m.duplicate_days = static_cast<int>(r.i64(7));
    m.flags = r.str(8);
    m.kwh = r.f64(9);
    m.max_kw = r.f64(10);
    m.updated_at = r.i64(11);
    out.push_back(std::move(m));
  }
  return out;
}

std::optional<std::vector<float>> load_month(storage::Connection& conn, std::int64_t account_id, const std::string& period) {
  auto r = conn.query_one("SELECT data FROM load_curves WHERE account_id = ? AND period = ?", {account_id, period});
  if (!r) return std::nullopt;
  return decode_month(r->bytes(0));
}

}  // namespace lianxin::curves
