#pragma once
// A thin database interface of our own over sqlite3 and libpq (decided once; see
// docs/architecture.md). SQL is written once with `?` placeholders; the PostgreSQL backend
// rewrites them to $1..$n. Values are NULL, 64-bit integers, doubles, text or binary blobs.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace lianxin::storage {

enum class Backend { sqlite, postgres };

// Binary data (attachments): bound as BLOB on SQLite and bytea on PostgreSQL; read back as Blob.
struct Blob {
  std::string bytes;
};

using Value = std::variant<std::monostate, std::int64_t, double, std::string, Blob>;

inline Value null_value() { return std::monostate{}; }
template <class T>
Value opt_value(const std::optional<T>& v) {
  if (v) return Value(*v);
  return std::monostate{};
}
inline Value text_or_null(const std::string& s) {
  if (s.empty()) return std::monostate{};
  return s;
}

class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  bool is_null(std::size_t i) const { return std::holds_alternative<std::monostate>(values_.at(i)); }
  std::int64_t i64(std::size_t i) const;
  double f64(std::size_t i) const;
  std::string str(std::size_t i) const;  // NULL -> ""
  std::optional<std::int64_t> opt_i64(std::size_t i) const;
  std::optional<std::string> opt_str(std::size_t i) const;
  // The bytes of a BLOB/bytea column (or of a text column).
  std::string bytes(std::size_t i) const;
  bool boolean(std::size_t i) const { return i64(i) != 0; }
  std::size_t size() const { return values_.size(); }
  // For backends that refill one row while streaming (Connection::query_each).
  std::vector<Value>& values() { return values_; }

 private:
  std::vector<Value> values_;
};

using Params = std::vector<Value>;

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Backend backend() const = 0;
  // Runs a script of several statements without parameters (migrations).
  virtual void exec_script(std::string_view sql) = 0;
  virtual std::vector<Row> query(std::string_view sql, const Params& params = {}) = 0;
  // Calls `fn` for each result row without collecting them (for scans of a whole table). The row
  // passed may be reused for the next one: copy what you keep.
  virtual void query_each(std::string_view sql, const Params& params, const std::function<void(const Row&)>& fn);
  // Returns the number of affected rows.
  virtual std::int64_t execute(std::string_view sql, const Params& params = {}) = 0;
  virtual void begin(bool write) = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
  virtual bool healthy() = 0;

  std::optional<Row> query_one(std::string_view sql, const Params& params = {});
  std::int64_t query_i64(std::string_view sql, const Params& params = {});
  // INSERT ... RETURNING id, on both backends.
  std::int64_t insert_returning_id(std::string_view sql, const Params& params);
};

class Database;

// A connection borrowed from the pool; returned on destruction.
class PooledConnection {
 public:
  PooledConnection(Database* db, std::unique_ptr<Connection> conn) : db_(db), conn_(std::move(conn)) {}
  PooledConnection(PooledConnection&&) = default;
  ~PooledConnection();
  Connection* operator->() { return conn_.get(); }
  Connection& operator*() { return *conn_; }

 private:
  Database* db_;
  std::unique_ptr<Connection> conn_;
};

class Database {
 public:
  // url: "sqlite:PATH" or "postgresql://..." / "postgres://..."
  static std::unique_ptr<Database> open(const std::string& url, int pool_size = 8);
  virtual ~Database();
  Backend backend() const { return backend_; }
  const std::string& url() const { return url_; }
  PooledConnection acquire();
  void release(std::unique_ptr<Connection> conn);

  // Runs fn in one transaction; commits if fn returns, rolls back if it throws.
  template <class Fn>
  auto transaction(Fn&& fn, bool write = true) {
    auto conn = acquire();
    conn->begin(write);
    try {
      if constexpr (std::is_void_v<decltype(fn(*conn))>) {
        fn(*conn);
        conn->commit();
      } else {
        auto result = fn(*conn);
        conn->commit();
        return result;
      }
    } catch (...) {
      try {
        conn->rollback();
      } catch (...) {
        // the original error matters more than a failed rollback; the connection is dropped below
      }
      throw;
    }
  }
  template <class Fn>
  auto read(Fn&& fn) {
    return transaction(std::forward<Fn>(fn), false);
  }

 protected:
  Database(Backend backend, std::string url, int pool_size);
  virtual std::unique_ptr<Connection> connect() = 0;

 private:
  Backend backend_;
  std::string url_;
  int pool_size_;
  struct Pool;
  std::unique_ptr<Pool> pool_;
  friend class PooledConnection;
};

// A condition "`column` lies under the materialised org path `prefix`" ('/1/4/' matches '/1/4/9/'),
// written the way each backend uses its index: a range on SQLite (paths are digits and '/', so
// every path under '/1/4/' sorts below '/1/4' + '0'), LIKE 'prefix%' on PostgreSQL (text_pattern_ops).
std::string path_prefix_condition(Backend backend, const std::string& column, const std::string& prefix, Params& params);

// The value of a company setting (table settings), or nullopt when it is not set.
std::optional<std::string> setting(Connection& conn, const std::string& key);

// "(?,?,?)" for an IN list or a VALUES row of n parameters.
std::string placeholders(std::size_t n);

// Writes many rows with multi-row INSERTs: `head` is "INSERT INTO t(a, b, c) VALUES ", `row` the
// VALUES tuple of one row ("(?,?,?)", literals allowed), `values` all rows' parameters in order
// (row_params each), `tail` appended to every statement (e.g. " ON CONFLICT (k) DO NOTHING").
// Statements stay under both backends' parameter limits. Returns the rows written.
std::int64_t insert_many(Connection& conn, const std::string& head, const std::string& row, std::size_t row_params, const Params& values,
                         const std::string& tail = "");

// Runs `fn(in_list, params)` over `ids` in chunks of at most `chunk` (under both backends'
// parameter limits), params = `before` followed by the chunk's ids.
template <class Fn>
void for_id_chunks(const std::vector<std::int64_t>& ids, const Params& before, Fn&& fn, std::size_t chunk = 500) {
  for (std::size_t start = 0; start < ids.size(); start += chunk) {
    const std::size_t n = std::min(chunk, ids.size() - start);
    Params params = before;
    params.insert(params.end(), ids.begin() + static_cast<std::ptrdiff_t>(start), ids.begin() + static_cast<std::ptrdiff_t>(start + n));
    fn(placeholders(n), params);
  }
}

// "LIKE" escaping for user input used in LIKE patterns with ESCAPE '\'.
std::string escape_like(std::string_view text);

}  // namespace lianxin::storage
