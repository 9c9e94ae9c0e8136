// PostgreSQL backend over libpq. `?` placeholders are rewritten to $1..$n outside quoted text.
#include <libpq-fe.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "common/errors.hpp"
#include "storage/db.hpp"

namespace lianxin::storage {
namespace {

std::string rewrite_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  char quote = 0;
  for (char c : sql) {
    if (quote) {
      if (c == quote) quote = 0;
      out.push_back(c);
    } else if (c == '\'' || c == '"') {
      quote = c;
      out.push_back(c);
    } else if (c == '?') {
      out += '$' + std::to_string(++n);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

// bytea in the text result format is "\x" followed by two hex digits per byte (bytea_output = hex,
// the default since PostgreSQL 9.0).
std::string decode_bytea_hex(const char* text, std::size_t length) {
  if (length < 2 || text[0] != '\\' || text[1] != 'x') return std::string(text, length);
  std::string out;
  out.reserve((length - 2) / 2);
  for (std::size_t i = 2; i + 1 < length; i += 2)
    out.push_back(static_cast<char>(hex_digit(text[i]) * 16 + hex_digit(text[i + 1])));
  return out;
}

class PgConnection final : public Connection {
 public:
  explicit PgConnection(const std::string& url) {
    conn_ = PQconnectdb(url.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
      std::string msg = PQerrorMessage(conn_);
      PQfinish(conn_);
      conn_ = nullptr;
      throw AppError(ErrorCode::service_unavailable, "cannot connect to PostgreSQL: " + msg);
    }
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
    exec_script("SET TIME ZONE 'UTC'");
  }
  ~PgConnection() override {
    if (conn_) PQfinish(conn_);
  }

  Backend backend() const override { return Backend::postgres; }

  void exec_script(std::string_view sql) override {
    std::string text(sql);
    PGresult* res = PQexec(conn_, text.c_str());
    check(res, text);
    PQclear(res);
  }

  std::vector<Row> query(std::string_view sql, const Params& params) override {
    PGresult* res = run(sql, params);
    std::vector<Row> rows;
    int n = PQntuples(res), columns = PQnfields(res);
    rows.reserve(n);
    for (int r = 0; r < n; ++r) {
      std::vector<Value> values;
      values.reserve(columns);
      for (int c = 0; c < columns; ++c) {
        if (PQgetisnull(res, r, c)) {
          values.emplace_back(std::monostate{});
          continue;
        }
        const char* text = PQgetvalue(res, r, c);
        switch (PQftype(res, c)) {
          case 20: case 21: case 23:  // int8, int2, int4
            values.emplace_back(static_cast<std::int64_t>(std::strtoll(text, nullptr, 10)));
            break;
          case 16:  // bool
            values.emplace_back(static_cast<std::int64_t>(text[0] == 't' ? 1 : 0));
            break;
          case 700: case 701: case 1700:  // float4, float8, numeric
            values.emplace_back(std::strtod(text, nullptr));
            break;
          case 17:  // bytea, in the text result format: hex "\\x…"
            values.emplace_back(Blob{decode_bytea_hex(text, static_cast<std::size_t>(PQgetlength(res, r, c)))});
            break;
          default:
            values.emplace_back(std::string(text, PQgetlength(res, r, c)));
        }
      }
      rows.emplace_back(std::move(values));
    }
    PQclear(res);
    return rows;
  }

  std::int64_t execute(std::string_view sql, const Params& params) override {
    PGresult* res = run(sql, params);
    const char* affected = PQcmdTuples(res);
    std::int64_t n = affected && *affected ? std::strtoll(affected, nullptr, 10) : 0;
    PQclear(res);
    return n;
  }

  void begin(bool write) override { exec_script(write ? "BEGIN" : "BEGIN READ ONLY"); }
  void commit() override { exec_script("COMMIT"); }
  void rollback() override {
    if (PQtransactionStatus(conn_) != PQTRANS_IDLE) exec_script("ROLLBACK");
  }
  bool healthy() override {
    return conn_ && PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
  }

 private:
  PGresult* run(std::string_view sql, const Params& params) {
    std::string text = rewrite_placeholders(sql);
    std::vector<std::string> storage(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    std::vector<int> lengths(params.size(), 0), formats(params.size(), 0);
    for (std::size_t i = 0; i < params.size(); ++i) {
      const Value& v = params[i];
      if (std::holds_alternative<std::monostate>(v)) continue;
      if (auto p = std::get_if<Blob>(&v)) {  // sent in the binary format: no escaping, no size inflation
        values[i] = p->bytes.data();
        lengths[i] = static_cast<int>(p->bytes.size());
        formats[i] = 1;
        continue;
      }
      if (auto p = std::get_if<std::int64_t>(&v)) storage[i] = std::to_string(*p);
      else if (auto p = std::get_if<double>(&v)) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.17g", *p);
        storage[i] = buf;
      } else storage[i] = std::get<std::string>(v);
      values[i] = storage[i].c_str();
    }
    PGresult* res = PQexecParams(conn_, text.c_str(), static_cast<int>(params.size()), nullptr, values.data(),
                                 lengths.data(), formats.data(), 0);
    check(res, text);
    return res;
  }

  void check(PGresult* res, const std::string& sql) {
    auto status = PQresultStatus(res);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
    std::string msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn_);
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    std::string sqlstate = state ? state : "";
    PQclear(res);
    if (PQstatus(conn_) != CONNECTION_OK || sqlstate.rfind("08", 0) == 0 || sqlstate.rfind("57P", 0) == 0)
      throw AppError(ErrorCode::service_unavailable, "database unavailable: " + msg);
    if (sqlstate == "23505") throw AppError(ErrorCode::conflict, "duplicate value: " + msg);
    if (sqlstate == "40001" || sqlstate == "40P01")
      throw AppError(ErrorCode::service_unavailable, "transaction conflict, retry: " + msg);
    throw AppError(ErrorCode::internal, "database error: " + msg + " in: " + sql.substr(0, 200));
  }

  PGconn* conn_ = nullptr;
};

class PgDatabase final : public Database {
 public:
  PgDatabase(const std::string& url, int pool_size) : Database(Backend::postgres, url, pool_size) {}

 protected:
  std::unique_ptr<Connection> connect() override { return std::make_unique<PgConnection>(url()); }
};

}  // namespace

std::unique_ptr<Database> make_postgres_database(const std::string& url, int pool_size) {
  return std::make_unique<PgDatabase>(url, pool_size);
}

}  // namespace lianxin::storage
