#include "storage/db.hpp"

#include <condition_variable>
#include <mutex>

#include "common/errors.hpp"

namespace lianxin::storage {

std::int64_t Row::i64(std::size_t i) const {
  const Value& v = values_.at(i);
  if (auto p = std::get_if<std::int64_t>(&v)) return *p;
  if (auto p = std::get_if<double>(&v)) return static_cast<std::int64_t>(*p);
  if (auto p = std::get_if<std::string>(&v)) return p->empty() ? 0 : std::stoll(*p);
  return 0;
}

double Row::f64(std::size_t i) const {
  const Value& v = values_.at(i);
  if (auto p = std::get_if<double>(&v)) return *p;
  if (auto p = std::get_if<std::int64_t>(&v)) return static_cast<double>(*p);
  if (auto p = std::get_if<std::string>(&v)) return p->empty() ? 0.0 : std::stod(*p);
  return 0.0;
}

std::string Row::str(std::size_t i) const {
  const Value& v = values_.at(i);
  if (auto p = std::get_if<std::string>(&v)) return *p;
  if (auto p = std::get_if<std::int64_t>(&v)) return std::to_string(*p);
  if (auto p = std::get_if<double>(&v)) return std::to_string(*p);
  return {};
}

std::string Row::bytes(std::size_t i) const {
  const Value& v = values_.at(i);
  if (auto p = std::get_if<Blob>(&v)) return p->bytes;
  return str(i);
}

std::optional<std::int64_t> Row::opt_i64(std::size_t i) const {
  if (is_null(i)) return std::nullopt;
  return i64(i);
}

std::optional<std::string> Row::opt_str(std::size_t i) const {
  if (is_null(i)) return std::nullopt;
  return str(i);
}

void Connection::query_each(std::string_view sql, const Params& params, const std::function<void(const Row&)>& fn) {
  for (const Row& row : query(sql, params)) fn(row);
}

std::optional<Row> Connection::query_one(std::string_view sql, const Params& params) {
  auto rows = query(sql, params);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

std::int64_t Connection::query_i64(std::string_view sql, const Params& params) {
  auto row = query_one(sql, params);
  if (!row || row->is_null(0)) return 0;
  return row->i64(0);
}

std::int64_t Connection::insert_returning_id(std::string_view sql, const Params& params) {
  auto rows = query(sql, params);
  if (rows.empty()) throw AppError(ErrorCode::internal, "insert returned no id");
  return rows.front().i64(0);
}

struct Database::Pool {
  std::mutex mutex;
  std::condition_variable available;
  std::vector<std::unique_ptr<Connection>> idle;
  int open = 0;
};

Database::Database(Backend backend, std::string url, int pool_size)
    : backend_(backend), url_(std::move(url)), pool_size_(pool_size) {}

Database::~Database() = default;

PooledConnection::~PooledConnection() {
  if (conn_ && db_) db_->release(std::move(conn_));
}

PooledConnection Database::acquire() {
  if (!pool_) throw AppError(ErrorCode::internal, "database pool not initialised");
  std::unique_lock lock(pool_->mutex);
  for (;;) {
    if (!pool_->idle.empty()) {
      auto conn = std::move(pool_->idle.back());
      pool_->idle.pop_back();
      return PooledConnection(this, std::move(conn));
    }
    if (pool_->open < pool_size_) {
      ++pool_->open;
      lock.unlock();
      try {
        return PooledConnection(this, connect());
      } catch (...) {
        std::lock_guard again(pool_->mutex);
        --pool_->open;
        pool_->available.notify_one();
        throw;
      }
    }
    pool_->available.wait(lock);
  }
}

void Database::release(std::unique_ptr<Connection> conn) {
  bool keep = conn->healthy();
  std::lock_guard lock(pool_->mutex);
  if (keep) {
    pool_->idle.push_back(std::move(conn));
  } else {
    --pool_->open;  // a broken connection is dropped; the next acquire reconnects
  }
  pool_->available.notify_one();
}

std::string path_prefix_condition(Backend backend, const std::string& column, const std::string& prefix, Params& params) {
  if (backend == Backend::sqlite) {
    params.push_back(prefix);
    params.push_back(prefix.substr(0, prefix.size() - 1) + "0");
    return "(" + column + " >= ? AND " + column + " < ?)";
  }
  params.push_back(prefix + "%");
  return column + " LIKE ?";
}

std::string escape_like(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// Backends are defined in sqlite.cpp and postgres.cpp.
std::unique_ptr<Database> make_sqlite_database(const std::string& url, const std::string& path, int pool_size);
std::unique_ptr<Database> make_postgres_database(const std::string& url, int pool_size);

std::unique_ptr<Database> Database::open(const std::string& url, int pool_size) {
  std::unique_ptr<Database> db;
  if (url.rfind("sqlite:", 0) == 0) {
    db = make_sqlite_database(url, url.substr(7), pool_size);
  } else if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    db = make_postgres_database(url, pool_size);
  } else {
    throw AppError(ErrorCode::bad_request,
                   "database URL must start with sqlite: or postgresql:// (got '" + url + "')");
  }
  db->pool_ = std::make_unique<Pool>();
  // Connect once now so a wrong URL fails at start-up, not on the first request.
  { auto first = db->acquire(); }
  return db;
}

std::string placeholders(std::size_t n) {
  std::string s = "(";
  for (std::size_t i = 0; i < n; ++i) s += i ? ",?" : "?";
  return s + ")";
}

std::optional<std::string> setting(Connection& conn, const std::string& key) {
  auto r = conn.query_one("SELECT value FROM settings WHERE key = ?", {key});
  if (!r) return std::nullopt;
  return r->str(0);
}

std::int64_t insert_many(Connection& conn, const std::string& head, const std::string& row, std::size_t row_params, const Params& values,
                         const std::string& tail) {
  if (row_params == 0 || values.empty()) return 0;
  const std::size_t rows = values.size() / row_params;
  const std::size_t per_statement = std::max<std::size_t>(1, 2000 / row_params);  // SQLite and PostgreSQL both allow far more
  std::int64_t written = 0;
  for (std::size_t start = 0; start < rows; start += per_statement) {
    const std::size_t n = std::min(per_statement, rows - start);
    std::string sql = head;
    for (std::size_t i = 0; i < n; ++i) {
      if (i) sql += ',';
      sql += row;
    }
    const auto first = values.begin() + static_cast<std::ptrdiff_t>(start * row_params);
    written += conn.execute(sql + tail, Params(first, first + static_cast<std::ptrdiff_t>(n * row_params)));
  }
  return written;
}

}  // namespace lianxin::storage
