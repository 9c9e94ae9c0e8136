// Search benchmark: latency of customers::search(conn, admin, q, 10) over the 1M-customer demo
// database, for 2-character name fragments and pinyin initials, beside the naive
// `SELECT id FROM customers WHERE name LIKE '%frag%' LIMIT 10` on the same database.
//
//   bench_search --db PATH [--queries 1000] [--naive-queries 500] [--budget-seconds 150]
//
// Queries are built from the demo generator's name parts (src/app/demo.cpp: places, cores,
// industry words), so every fragment occurs in the data; the program counts queries without
// hits and says so. Each distinct query runs once untimed first (warm cache), then the
// measured queries run in a fixed shuffled order. Timing stops early at the time budget, and
// the number of samples actually taken is printed.
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "auth/guard.hpp"
#include "bench_util.hpp"
#include "customers/service.hpp"
#include "storage/db.hpp"
#include "text/text.hpp"

using namespace lianxin;
using bench::Clock;

namespace {

// Copies of the name parts of src/app/demo.cpp (kept in step by hand; zero-hit queries are reported).
const std::vector<std::string> kPlaces = {"滇池", "东城", "西山", "南湖", "北岭", "金马", "碧鸡", "龙泉",
                                          "盘江", "呈贡", "官渡", "晋宁", "安宁", "嵩明", "宜良", "富民"};
const std::vector<std::string> kCores = {"恒信", "华泰", "金源", "宏达", "瑞丰", "永昌", "鑫盛", "中联", "天成", "正威",
                                         "嘉禾", "博远", "同创", "锦程", "信达", "海润", "国泰", "立德", "新元", "兴隆",
                                         "康宁", "盛世", "东方", "汇通", "长青", "云岭", "九洲", "昊天", "宝丰", "安泰"};
const std::vector<std::string> kIndustryWords = {"锡业", "钢铁", "水泥", "化工", "食品", "制药", "电子", "汽车", "热电", "水务",
                                                 "商贸", "酒店", "数据", "置业", "医院", "学校", "政务", "铁路", "物流", "农业"};

std::string initials(const std::string& han) {
  std::string out;
  for (auto& syllable : text::pinyin_of(han))
    if (!syllable.empty()) out.push_back(syllable.front());
  return out;
}

struct Query {
  std::string kind;  // "name" | "pinyin"
  std::string text;
};

struct Stats {
  std::vector<double> ms;
  std::int64_t zero_hits = 0;
};

void print_stats(const char* label, const Stats& s) {
  std::printf("  %-34s n=%-5zu p50 %8.2f ms   p90 %8.2f ms   p99 %8.2f ms   max %8.2f ms   (no hits: %lld)\n", label,
              s.ms.size(), bench::percentile(s.ms, 50), bench::percentile(s.ms, 90), bench::percentile(s.ms, 99),
              bench::percentile(s.ms, 100), static_cast<long long>(s.zero_hits));
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::string path = bench::option(argc, argv, "--db", "");
  int total_queries = std::stoi(bench::option(argc, argv, "--queries", "1000"));
  int naive_queries = std::stoi(bench::option(argc, argv, "--naive-queries", "500"));
  double budget_ms = std::stod(bench::option(argc, argv, "--budget-seconds", "150")) * 1000.0;
  if (path.empty()) {
    std::fprintf(stderr, "usage: bench_search --db PATH [--queries N] [--naive-queries N] [--budget-seconds S]\n");
    return 2;
  }
  try {
    auto db = storage::Database::open("sqlite:" + path, 2);
    auto conn = db->acquire();
    std::int64_t customers = conn->query_i64("SELECT COUNT(*) FROM customers");
    std::int64_t admin_id = conn->query_i64("SELECT id FROM users WHERE username = 'admin'");
    auth::Principal admin = auth::load_principal(*conn, admin_id);
    std::printf("search over %lld customers as %s (org path %s)\n", static_cast<long long>(customers), admin.username.c_str(),
                admin.org_path.c_str());

    // Distinct inputs: every name part, and the initials of place+core and core+industry pairs.
    std::vector<Query> distinct;
    for (auto* list : {&kPlaces, &kCores, &kIndustryWords})
      for (auto& fragment : *list) distinct.push_back({"name", fragment});
    std::size_t name_kinds = distinct.size();
    std::map<std::string, bool> seen;
    for (std::size_t i = 0; i < kPlaces.size() * 3; ++i) {
      std::string a = initials(kPlaces[i % kPlaces.size()] + kCores[(i * 7) % kCores.size()]);
      std::string b = initials(kCores[i % kCores.size()] + kIndustryWords[(i * 3) % kIndustryWords.size()]);
      for (auto& q : {a, b})
        if (q.size() == 4 && !seen[q]) {
          seen[q] = true;
          distinct.push_back({"pinyin", q});
        }
    }
    if (!seen.count("ylxy")) distinct.push_back({"pinyin", "ylxy"});  // 云岭锡业, the example from the issue
    std::size_t pinyin_kinds = distinct.size() - name_kinds;

    // Measured sequence: half name fragments, half initials, shuffled with a fixed seed.
    std::vector<Query> sequence;
    std::vector<Query> names(distinct.begin(), distinct.begin() + static_cast<long>(name_kinds));
    std::vector<Query> pinyins(distinct.begin() + static_cast<long>(name_kinds), distinct.end());
    for (int i = 0; i < total_queries; ++i) {
      const auto& from = (i % 2 == 0) ? names : pinyins;
      sequence.push_back(from[static_cast<std::size_t>(i / 2) % from.size()]);
    }
    std::mt19937 rng(20261122);
    std::shuffle(sequence.begin(), sequence.end(), rng);

    auto run_search = [&](const std::string& q) {
      conn->begin(false);
      auto result = customers::search(*conn, admin, q, 10);
      conn->commit();
      return result.at("items").as_array().size();
    };

    std::printf("warming up: %zu distinct queries (%zu name fragments, %zu pinyin initials), each once untimed\n",
                distinct.size(), name_kinds, pinyin_kinds);
    auto warm = Clock::now();
    for (auto& q : distinct) run_search(q.text);
    std::printf("  warm-up took %.1f s\n", bench::ms_since(warm) / 1000.0);

    std::map<std::string, Stats> by_kind;
    Stats all;
    auto started = Clock::now();
    bool cut = false;
    for (auto& q : sequence) {
      if (bench::ms_since(started) > budget_ms) {
        cut = true;
        break;
      }
      auto t0 = Clock::now();
      std::size_t hits = run_search(q.text);
      double ms = bench::ms_since(t0);
      auto& s = by_kind[q.kind];
      s.ms.push_back(ms);
      all.ms.push_back(ms);
      if (hits == 0) {
        ++s.zero_hits;
        ++all.zero_hits;
      }
    }
    if (cut)
      std::printf("  NOTE: time budget of %.0f s reached after %zu of %d queries\n", budget_ms / 1000, all.ms.size(),
                  total_queries);
    std::printf("customers::search(conn, admin, q, 10):\n");
    print_stats("2-char name fragment (e.g. 恒信)", by_kind["name"]);
    print_stats("pinyin initials (e.g. ylxy)", by_kind["pinyin"]);
    print_stats("all", all);

    // Worst cases a user can type: fragments in nearly every name (informational, 3 runs each).
    std::printf("informational, fragments in almost every name (median of 3):\n");
    for (std::string q : {"公司", "有限", "yxgs"}) {
      std::vector<double> ms;
      std::size_t hits = 0;
      for (int i = 0; i < 3; ++i) {
        auto t0 = Clock::now();
        hits = run_search(q);
        ms.push_back(bench::ms_since(t0));
      }
      std::printf("  %-8s %8.1f ms  (%zu hits returned)\n", q.c_str(), bench::percentile(ms, 50), hits);
    }

    // Baseline: the naive LIKE scan on the same name fragments.
    Stats naive;
    auto naive_started = Clock::now();
    std::size_t naive_cut_after = 0;
    for (int i = 0; i < naive_queries; ++i) {
      if (bench::ms_since(naive_started) > budget_ms / 3) {
        naive_cut_after = static_cast<std::size_t>(i);
        break;
      }
      const auto& q = names[static_cast<std::size_t>(i) % names.size()];
      auto t0 = Clock::now();
      auto rows = conn->query("SELECT id FROM customers WHERE name LIKE ? LIMIT 10", {"%" + q.text + "%"});
      double ms = bench::ms_since(t0);
      naive.ms.push_back(ms);
      if (rows.empty()) ++naive.zero_hits;
    }
    if (naive_cut_after) std::printf("  NOTE: naive baseline stopped at its time budget after %zu queries\n", naive_cut_after);
    std::printf("baseline, SELECT id FROM customers WHERE name LIKE '%%frag%%' LIMIT 10:\n");
    print_stats("2-char name fragment", naive);
    // Informational: the naive scan stops at its first 10 rows in table order. Ranked like
    // search (key accounts first), it has to read every row.
    Stats ranked;
    for (int i = 0; i < 10; ++i) {
      const auto& q = names[static_cast<std::size_t>(i * 7) % names.size()];
      auto t0 = Clock::now();
      conn->query("SELECT id FROM customers WHERE name LIKE ? AND status = 'active' ORDER BY is_key_account DESC, id LIMIT 10",
                  {"%" + q.text + "%"});
      ranked.ms.push_back(bench::ms_since(t0));
    }
    std::printf("informational, the naive LIKE ordered like search (ORDER BY is_key_account DESC, id LIMIT 10):\n");
    print_stats("2-char name fragment", ranked);

    bench::result("search_customers", static_cast<double>(customers));
    bench::result("search_name_n", static_cast<double>(by_kind["name"].ms.size()));
    bench::result("search_name_p50_ms", bench::percentile(by_kind["name"].ms, 50));
    bench::result("search_name_p99_ms", bench::percentile(by_kind["name"].ms, 99));
    bench::result("search_pinyin_n", static_cast<double>(by_kind["pinyin"].ms.size()));
    bench::result("search_pinyin_p50_ms", bench::percentile(by_kind["pinyin"].ms, 50));
    bench::result("search_pinyin_p99_ms", bench::percentile(by_kind["pinyin"].ms, 99));
    bench::result("search_all_p99_ms", bench::percentile(all.ms, 99));
    bench::result("search_zero_hits", static_cast<double>(all.zero_hits));
    bench::result("search_naive_n", static_cast<double>(naive.ms.size()));
    bench::result("search_naive_p50_ms", bench::percentile(naive.ms, 50));
    bench::result("search_naive_p99_ms", bench::percentile(naive.ms, 99));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_search: %s\n", e.what());
    return 1;
  }
}
