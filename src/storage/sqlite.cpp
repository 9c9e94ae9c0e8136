// SQLite backend: WAL, foreign keys on, busy timeout, prepared statements cached per connection,
// checkpoints on a thread of their own.
#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/errors.hpp"
#include "storage/db.hpp"

namespace lianxin::storage {
namespace {

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(const std::string& path) {
    int rc = sqlite3_open_v2(path.c_str(), &db_,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      db_ = nullptr;
      throw AppError(ErrorCode::service_unavailable, "cannot open SQLite database '" + path + "': " + msg);
    }
    sqlite3_busy_timeout(db_, 10000);
    // 16 MB page cache per connection: bounded memory with a full pool. No automatic checkpoint:
    // the commit that crosses 1,000 WAL pages would copy them into the database file itself (a
    // large import's commit paid about a second for it); SqliteDatabase's checkpointer does it.
    exec_script(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
        "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16000; PRAGMA wal_autocheckpoint=0;");
  }
  ~SqliteConnection() override {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close(db_);
  }

  Backend backend() const override { return Backend::sqlite; }

  void exec_script(std::string_view sql) override {
    char* err = nullptr;
    std::string text(sql);
    // With its code: BEGIN IMMEDIATE that waited out the busy timeout is "unavailable" (503), not a bug.
    if (const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err); rc != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      throw_db_error(msg, rc);
    }
  }

  std::vector<Row> query(std::string_view sql, const Params& params) override {
    std::vector<Row> rows;
    step_all(sql, params, [&](sqlite3_stmt* stmt, int columns) {
      std::vector<Value> values(static_cast<std::size_t>(columns));
      for (int c = 0; c < columns; ++c) read_column(stmt, c, values[static_cast<std::size_t>(c)]);
      rows.emplace_back(std::move(values));
    });
    return rows;
  }

  // One row object refilled in place: text cells reuse their string's capacity, so a scan of a
  // million rows allocates almost nothing.
  void query_each(std::string_view sql, const Params& params, const std::function<void(const Row&)>& fn) override {
    Row row({});
    step_all(sql, params, [&](sqlite3_stmt* stmt, int columns) {
      auto& values = row.values();
      values.resize(static_cast<std::size_t>(columns));
      for (int c = 0; c < columns; ++c) read_column(stmt, c, values[static_cast<std::size_t>(c)]);
      fn(row);
    });
  }

  std::int64_t execute(std::string_view sql, const Params& params) override {
    sqlite3_stmt* stmt = prepare(sql, params);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) throw_db_error(sqlite3_errmsg(db_), rc);
    return sqlite3_changes(db_);
  }

  // Write transactions take the write lock at once (BEGIN IMMEDIATE) so two writers never
  // deadlock on a read-to-write upgrade; the busy timeout queues them instead.
  void begin(bool write) override { exec_script(write ? "BEGIN IMMEDIATE" : "BEGIN"); }
  void commit() override { exec_script("COMMIT"); }
  void rollback() override {
    if (!sqlite3_get_autocommit(db_)) exec_script("ROLLBACK");
  }
  bool healthy() override { return db_ != nullptr && sqlite3_get_autocommit(db_); }

 private:
  template <class OnRow>
  void step_all(std::string_view sql, const Params& params, OnRow&& on_row) {
    sqlite3_stmt* stmt = prepare(sql, params);
    const int columns = sqlite3_column_count(stmt);
    for (;;) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        sqlite3_reset(stmt);
        throw_db_error(sqlite3_errmsg(db_), rc);
      }
      try {
        on_row(stmt, columns);
      } catch (...) {
        sqlite3_reset(stmt);
        throw;
      }
    }
    sqlite3_reset(stmt);
  }

  static void read_column(sqlite3_stmt* stmt, int c, Value& into) {
    switch (sqlite3_column_type(stmt, c)) {
      case SQLITE_NULL: into = std::monostate{}; break;
      case SQLITE_INTEGER: into = static_cast<std::int64_t>(sqlite3_column_int64(stmt, c)); break;
      case SQLITE_FLOAT: into = sqlite3_column_double(stmt, c); break;
      case SQLITE_BLOB: {
        auto p = static_cast<const char*>(sqlite3_column_blob(stmt, c));
        into = Blob{std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(stmt, c)))};
        break;
      }
      default: {
        auto p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
        const auto n = static_cast<std::size_t>(sqlite3_column_bytes(stmt, c));
        if (auto* text = std::get_if<std::string>(&into)) text->assign(p ? p : "", n);
        else into = std::string(p ? p : "", n);
      }
    }
  }

  sqlite3_stmt* prepare(std::string_view sql, const Params& params) {
    sqlite3_stmt* stmt = nullptr;
    auto it = cache_.find(sql);  // no copy of the SQL text per call
    if (it != cache_.end()) {
      stmt = it->second;
      sqlite3_clear_bindings(stmt);
    } else {
      std::string key(sql);
      if (sqlite3_prepare_v2(db_, key.c_str(), static_cast<int>(key.size()), &stmt, nullptr) != SQLITE_OK)
        throw_db_error(std::string(sqlite3_errmsg(db_)) + " in: " + key);
      if (cache_.size() > 512) {
        for (auto& [s, st] : cache_) sqlite3_finalize(st);
        cache_.clear();
      }
      cache_.emplace(std::move(key), stmt);
    }
    // Text and blobs are bound without a copy (SQLITE_STATIC): every statement is stepped to its end
    // and reset inside the call that bound it, while `params` is alive, and the next use of the
    // cached statement clears the bindings first.
    int index = 1;
    for (const Value& v : params) {
      int rc;
      if (std::holds_alternative<std::monostate>(v)) rc = sqlite3_bind_null(stmt, index);
      else if (auto p = std::get_if<std::int64_t>(&v)) rc = sqlite3_bind_int64(stmt, index, *p);
      else if (auto p = std::get_if<double>(&v)) rc = sqlite3_bind_double(stmt, index, *p);
      else if (auto p = std::get_if<Blob>(&v))
        rc = sqlite3_bind_blob64(stmt, index, p->bytes.data(), p->bytes.size(), SQLITE_STATIC);
      else {
        const auto& s = std::get<std::string>(v);
        rc = sqlite3_bind_text(stmt, index, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
      }
      if (rc != SQLITE_OK) throw_db_error(sqlite3_errmsg(db_));
      ++index;
    }
    return stmt;
  }

  [[noreturn]] void throw_db_error(const std::string& message, int rc = 0) {
    int extended = rc ? sqlite3_extended_errcode(db_) : 0;
    if (extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY)
      throw AppError(ErrorCode::conflict, "duplicate value: " + message);
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_IOERR || (rc & 0xff) == SQLITE_CANTOPEN)
      throw AppError(ErrorCode::service_unavailable, "database unavailable: " + message);
    throw AppError(ErrorCode::internal, "database error: " + message);
  }

  // Looked up by std::string_view (transparent hash and equality).
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
  };
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*, SqlHash, std::equal_to<>> cache_;
};

// The WAL is copied into the database file by a thread of its own, every second (a passive
// checkpoint: it never waits for readers or writers, and does nothing when there is nothing new),
// instead of by whichever commit crosses SQLite's automatic threshold. SQLite itself checkpoints
// and removes the WAL when the last connection closes.
class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(const std::string& url, std::string path, int pool_size)
      : Database(Backend::sqlite, url, pool_size), path_(std::move(path)) {
    checkpointer_ = std::thread([this] { checkpoint_loop(); });
  }
  ~SqliteDatabase() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    checkpointer_.join();
  }

 protected:
  std::unique_ptr<Connection> connect() override { return std::make_unique<SqliteConnection>(path_); }

 private:
  void checkpoint_loop() {
    std::unique_ptr<SqliteConnection> conn;
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; })) {
      lock.unlock();
      try {
        if (!conn) conn = std::make_unique<SqliteConnection>(path_);
        conn->exec_script("PRAGMA wal_checkpoint(PASSIVE)");
      } catch (const std::exception&) {
        conn.reset();  // tried again in a second (e.g. the file is being created or replaced)
      }
      lock.lock();
    }
  }

  std::string path_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread checkpointer_;
};

}  // namespace

std::unique_ptr<Database> make_sqlite_database(const std::string& url, const std::string& path, int pool_size) {
  if (path.empty()) throw AppError(ErrorCode::bad_request, "sqlite: URL needs a file path, e.g. sqlite:lianxin.db");
  return std::make_unique<SqliteDatabase>(url, path, pool_size);
}

}  // namespace lianxin::storage
