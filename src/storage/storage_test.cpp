// Storage tests run on SQLite always and on PostgreSQL when LIANXIN_TEST_PG_URL is set
// (make test starts a throwaway cluster and sets it).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "common/errors.hpp"
#include "storage/db.hpp"
#include "storage/migrator.hpp"
#include "storage/test_support.hpp"

using namespace lianxin;
using namespace lianxin::storage;


class StorageTest : public ::testing::TestWithParam<std::string> {};

TEST_P(StorageTest, MigratesOnceAndRoundTripsValues) {
  auto db = Database::open(GetParam(), 2);
  auto first = migrate(*db);
  auto second = migrate(*db);
  EXPECT_TRUE(second.applied.empty());
  EXPECT_EQ(second.to_version, latest_known_version(db->backend()));
  EXPECT_GE(first.to_version, 2);
  db->transaction([](Connection& conn) {
    conn.execute("DELETE FROM substations WHERE code LIKE 'T-%'");
    auto id = conn.insert_returning_id(
        "INSERT INTO org_units(parent_id, kind, code, name, path, created_at) VALUES (NULL,'company',?,?,'/x/',?) RETURNING id",
        {std::string("T-") + std::to_string(::getpid()), std::string("测试'; drop table customers; --"), std::int64_t{1} << 40});
    auto row = conn.query_one("SELECT name, created_at, parent_id FROM org_units WHERE id = ?", {id});
    ASSERT_TRUE(row);
    EXPECT_EQ(row->str(0), "测试'; drop table customers; --");
    EXPECT_EQ(row->i64(1), std::int64_t{1} << 40);
    EXPECT_TRUE(row->is_null(2));
  });
}

TEST_P(StorageTest, BlobsRoundTripEveryByte) {
  auto db = Database::open(GetParam(), 1);
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  bytes += std::string("\0\\x00'\"", 6);
  db->transaction([&](Connection& conn) {
    const bool pg = conn.backend() == Backend::postgres;
    conn.exec_script(pg ? "CREATE TEMP TABLE blob_test (data BYTEA)" : "CREATE TEMP TABLE blob_test (data BLOB)");
    conn.execute("INSERT INTO blob_test(data) VALUES (?)", {Blob{bytes}});
    auto row = conn.query_one("SELECT data FROM blob_test");
    ASSERT_TRUE(row);
    EXPECT_EQ(row->bytes(0), bytes);
    EXPECT_EQ(row->bytes(0).size(), 262u);
  });
}

TEST_P(StorageTest, QueryEachStreamsEveryRow) {
  auto db = Database::open(GetParam(), 1);
  db->transaction([&](Connection& conn) {
    conn.exec_script("CREATE TEMP TABLE stream_test (n BIGINT, label TEXT)");
    for (int i = 0; i < 50; ++i)
      conn.execute("INSERT INTO stream_test(n, label) VALUES (?, ?)",
                   {std::int64_t{i}, i % 5 == 0 ? storage::null_value() : Value(std::string(static_cast<std::size_t>(i), 'x'))});
    std::int64_t sum = 0, nulls = 0;
    std::size_t longest = 0;
    conn.query_each("SELECT n, label FROM stream_test WHERE n >= ? ORDER BY n", {std::int64_t{10}}, [&](const Row& row) {
      sum += row.i64(0);
      if (row.is_null(1)) ++nulls;
      else longest = std::max(longest, row.str(1).size());
      EXPECT_EQ(row.is_null(1) ? 0u : row.str(1).size(), static_cast<std::size_t>(row.is_null(1) ? 0 : row.i64(0)));
    });
    EXPECT_EQ(sum, (10 + 49) * 40 / 2);
    EXPECT_EQ(nulls, 8);
    EXPECT_EQ(longest, 49u);
  });
}

TEST_P(StorageTest, TransactionRollsBackOnError) {
  auto db = Database::open(GetParam(), 2);
  migrate(*db);
  std::string code = "RB-" + std::to_string(::getpid());
  EXPECT_THROW(db->transaction([&](Connection& conn) {
    conn.execute("INSERT INTO org_units(parent_id, kind, code, name, path, created_at) VALUES (NULL,'company',?,'x','/y/',0)", {code});
    throw AppError(ErrorCode::validation_failed, "boom");
  }),
               AppError);
  EXPECT_EQ(db->read([&](Connection& conn) { return conn.query_i64("SELECT COUNT(*) FROM org_units WHERE code = ?", {code}); }), 0);
}

TEST_P(StorageTest, UniqueViolationIsAConflict) {
  auto db = Database::open(GetParam(), 2);
  migrate(*db);
  std::string code = "UQ-" + std::to_string(::getpid());
  db->transaction([&](Connection& conn) {
    conn.execute("INSERT INTO org_units(parent_id, kind, code, name, path, created_at) VALUES (NULL,'company',?,'x','/z/',0)", {code});
  });
  try {
    db->transaction([&](Connection& conn) {
      conn.execute("INSERT INTO org_units(parent_id, kind, code, name, path, created_at) VALUES (NULL,'company',?,'x','/z/',0)", {code});
    });
    FAIL() << "expected conflict";
  } catch (const AppError& e) {
    EXPECT_EQ(e.code(), ErrorCode::conflict);
  }
}

TEST_P(StorageTest, AuditLogIsAppendOnly) {
  auto db = Database::open(GetParam(), 2);
  migrate(*db);
  db->transaction([](Connection& conn) {
    conn.execute("INSERT INTO audit_log(at, username, action, entity) VALUES (1, 'tester', 'create', 'thing')");
  });
  EXPECT_THROW(db->transaction([](Connection& conn) { conn.execute("UPDATE audit_log SET username = 'mallory'"); }), AppError);
  EXPECT_THROW(db->transaction([](Connection& conn) { conn.execute("DELETE FROM audit_log"); }), AppError);
  EXPECT_GT(db->read([](Connection& conn) { return conn.query_i64("SELECT COUNT(*) FROM audit_log WHERE username = 'tester'"); }), 0);
}

TEST_P(StorageTest, RefusesADatabaseNewerThanTheServer) {
  auto db = Database::open(GetParam(), 2);
  migrate(*db);
  int future = latest_known_version(db->backend()) + 1;
  db->transaction([&](Connection& conn) {
    conn.execute("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, 'future', 0)", {std::int64_t{future}});
  });
  EXPECT_THROW(migrate(*db), AppError);
  db->transaction([&](Connection& conn) { conn.execute("DELETE FROM schema_migrations WHERE version = ?", {std::int64_t{future}}); });
}

INSTANTIATE_TEST_SUITE_P(Backends, StorageTest, ::testing::ValuesIn(test_backends("storage_test")),
                         [](const auto& info) { return backend_label(info.param); });
