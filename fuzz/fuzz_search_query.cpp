// Fuzzes the search query builder: whatever a user types, the FTS5 expression must be
// accepted by SQLite, and both expressions may only contain our own syntax around
// letters, digits and Han characters. Documents are built from the same input too.
#include <sqlite3.h>

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "text/text.hpp"

namespace {

sqlite3* database() {
  static sqlite3* db = [] {
    sqlite3* d = nullptr;
    if (sqlite3_open(":memory:", &d) != SQLITE_OK) std::abort();
    if (sqlite3_exec(d,
                     "CREATE VIRTUAL TABLE s USING fts5(doc, tokenize='unicode61');"
                     "INSERT INTO s VALUES ('云 南 锡 业 yun nan xi ye vy vn vx vy 0530001234');",
                     nullptr, nullptr, nullptr) != SQLITE_OK)
      std::abort();
    return d;
  }();
  return db;
}

bool only(const std::string& expr, std::string_view syntax) {
  for (char c : expr)
    if (!(c & 0x80) && !std::isalnum(static_cast<unsigned char>(c)) &&
        syntax.find(c) == std::string_view::npos)
      return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  auto q = lianxin::text::build_search_query(input);
  if (!only(q.fts5, " \"*") || !only(q.tsquery, " '<->:*|()")) std::abort();
  if ((q.kind == lianxin::text::QueryKind::empty) != q.fts5.empty()) std::abort();
  if (!q.fts5.empty()) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(database(), "SELECT rowid FROM s WHERE s MATCH ?", -1, &st, nullptr) !=
        SQLITE_OK)
      std::abort();
    sqlite3_bind_text(st, 1, q.fts5.c_str(), -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) std::abort();
    sqlite3_finalize(st);
  }
  lianxin::text::SearchFields fields{input, {input}, {input}, {input}, input};
  std::string doc = lianxin::text::build_search_document(fields);
  if (!only(doc, " ")) std::abort();
  return 0;
}
