#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cctype>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "text/text.hpp"
#include "text/text_internal.hpp"

using namespace lianxin::text;
using Strings = std::vector<std::string>;

TEST(OpenCC, ConvertsBothWays) {
  EXPECT_EQ(to_simplified("雲南錫業股份有限公司"), "云南锡业股份有限公司");
  EXPECT_EQ(to_traditional("云南锡业"), "雲南錫業");
  EXPECT_EQ(to_simplified("云南锡业 ABC 123"), "云南锡业 ABC 123");
  EXPECT_EQ(to_simplified(""), "");
}

// Text no dictionary key matches skips OpenCC; the result must be OpenCC's, character by
// character and for the phrases whose conversion differs from their characters'.
TEST(OpenCC, ShortcutAgreesWithOpenCC) {
  Strings texts = {"云南锡业股份有限公司", "雲南錫業股份有限公司", "滇池恒信锡业第12分公司", "乾隆", "乾坤", "乾燥剂有限公司",
                   "一隻", "后天", "皇后", "頭髮", "发展", "理髮店", "ABC 123", "abb（中国）有限公司", "云南\xF0\x9F\x98\x80锡业",
                   "\xE4\xBA", std::string("云南\0錫業", 10), "著作", "著名", "藉口", "台湾", "臺灣", "么", "麼", "於", "于"};
  for (char32_t c = 0x3000; c < 0xA000; ++c) {
    std::string s;
    s += static_cast<char>(0xE0 | (c >> 12));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (c & 0x3F));
    texts.push_back(s);
    texts.push_back("有" + s + "司");
  }
  for (const auto& t : texts) EXPECT_EQ(to_simplified(t), lianxin::text::detail::to_simplified_by_opencc(t)) << t;
}

TEST(OpenCC, InvalidUtf8DoesNotCrash) {
  std::string bad = "\xE4\xBA";  // truncated sequence
  EXPECT_NO_THROW(to_simplified(bad));
  EXPECT_NO_THROW(pinyin_of(bad + "\xff\xfe云"));
}

TEST(Pinyin, OneSyllablePerHanCharacter) {
  EXPECT_EQ(pinyin_of("云南锡业股份有限公司"),
            (Strings{"yun", "nan", "xi", "ye", "gu", "fen", "you", "xian", "gong", "si"}));
  EXPECT_EQ(pinyin_of("雲南錫業"), (Strings{"yun", "nan", "xi", "ye"}));
  EXPECT_EQ(pinyin_of("绿女略"), (Strings{"lv", "nv", "lve"}));
}

TEST(Pinyin, LatinRunsAndPunctuation) {
  EXPECT_EQ(pinyin_of("曲靖ABB（中国）"), (Strings{"qu", "jing", "abb", "zhong", "guo"}));
  EXPECT_EQ(pinyin_of("ＡＢＣ１２３ Café"), (Strings{"abc123", "cafe"}));
  EXPECT_TRUE(pinyin_of("").empty());
  EXPECT_TRUE(pinyin_of("—，。!").empty());
}

TEST(Pinyin, WordReadingsOverridePerCharacterDefaults) {
  EXPECT_EQ(pinyin_of("中国银行"), (Strings{"zhong", "guo", "yin", "hang"}));
  EXPECT_EQ(pinyin_of("成都"), (Strings{"cheng", "du"}));
  EXPECT_EQ(pinyin_of("长沙供电局"), (Strings{"chang", "sha", "gong", "dian", "ju"}));
  EXPECT_EQ(pinyin_of("重庆"), (Strings{"chong", "qing"}));
  EXPECT_EQ(pinyin_of("厦门"), (Strings{"xia", "men"}));
}

TEST(Pinyin, EveryIcuReadingIsInTheSyllableTable) {
  // All characters of a typical set of enterprise names must read as table syllables,
  // otherwise typed full pinyin could never match them.
  std::string names =
      "云南锡业股份有限公司昆明钢铁控股集团电网责任中国工商银行省分行曲靖电气玉溪卷烟厂成都燃气"
      "香格里拉酒店西安变压器先锋化工大理水泥红河州冶炼铝业磷化工贵州茅台酒厂楚雄彝族自治区"
      "供电局开发区管委会医院学校铁路机场港口矿业煤炭硅材料光伏新能源汽车绿色女略";
  for (const auto& s : pinyin_of(names)) EXPECT_TRUE(is_pinyin_syllable(s)) << s;
}

TEST(Pinyin, WorksFromManyThreads) {
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &ok] {
      for (int i = 0; i < 200; ++i) {
        auto q = build_search_query(i % 2 ? "雲南錫業" : "yunnanxiye");
        auto d = build_search_document({"云南锡业股份有限公司", {}, {}, {}, ""});
        if (!q.fts5.empty() && !d.empty()) ++ok[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int v : ok) EXPECT_EQ(v, 200);
}

TEST(Segmentation, SplitsTypedPinyin) {
  auto s = segment_pinyin("yunnanxiye");
  ASSERT_FALSE(s.empty());
  EXPECT_EQ(s.front(), (Strings{"yun", "nan", "xi", "ye"}));

  s = segment_pinyin("yunnanx");
  ASSERT_FALSE(s.empty());
  EXPECT_EQ(s.front(), (Strings{"yun", "nan", "x"}));

  EXPECT_TRUE(segment_pinyin("ynxy").empty());
  EXPECT_TRUE(segment_pinyin("").empty());
  EXPECT_TRUE(segment_pinyin("Yun").empty());  // callers lower-case first
  EXPECT_EQ(segment_pinyin("lue").front(), (Strings{"lve"}));
}

TEST(Segmentation, AmbiguityIsBoundedAndDoesNotCrash) {
  auto s = segment_pinyin("xian");
  ASSERT_FALSE(s.empty());
  EXPECT_LE(s.size(), 4u);
  EXPECT_EQ(s.front(), (Strings{"xian"}));
  EXPECT_NE(std::find(s.begin(), s.end(), Strings{"xi", "an"}), s.end());

  // Exponentially many readings and long dead ends stay cheap.
  std::string many;
  for (int i = 0; i < 40; ++i) many += "xian";
  EXPECT_LE(segment_pinyin(many).size(), 4u);
  EXPECT_TRUE(segment_pinyin(many + "q" + "v").empty());
  EXPECT_LE(segment_pinyin(std::string(300, 'a')).size(), 4u);
}

TEST(Syllables, TableLooksRight) {
  for (const char* s : {"a", "zhuang", "lv", "nve", "er", "yo", "chua", "shei"})
    EXPECT_TRUE(is_pinyin_syllable(s)) << s;
  for (const char* s : {"", "v", "lue", "zhuangg", "bv", "xx", "ng", "ynxy"})
    EXPECT_FALSE(is_pinyin_syllable(s)) << s;
}

TEST(SearchDocument, ExampleDocument) {
  SearchFields f;
  f.name = "云南锡业股份有限公司";
  f.account_numbers = {"0530001234"};
  f.phones = {"0871-63123456"};
  f.credit_code = "91530000216560283X";
  EXPECT_EQ(build_search_document(f),
            "云 南 锡 业 股 份 有 限 公 司 yun nan xi ye gu fen you xian gong si "
            "vyn vnx vxy vyg vgf vfy vyx vxg vgs 0530001234 087163123456 0871 63123456 "
            "91530000216560283x");
}

TEST(SearchDocument, TraditionalNormalisedAndAlternatesDeduplicated) {
  SearchFields trad{"雲南錫業", {"云南锡业", "锡业"}, {}, {}, ""};
  EXPECT_EQ(build_search_document(trad),
            "云 南 锡 业 yun nan xi ye vyn vnx vxy 锡 业 xi ye vxy");
  EXPECT_EQ(build_search_document({}), "");
  SearchFields punct{"（ABB）曲靖-电气", {}, {"  ", ""}, {"138 0000 1234"}, ""};
  EXPECT_EQ(build_search_document(punct),
            "abb 曲 靖 电 气 qu jing dian qi vqj vjd vdq 13800001234 0000 1234");
}

TEST(SearchQuery, NameQueries) {
  auto q = build_search_query(" 云南锡业 ");
  EXPECT_EQ(q.kind, QueryKind::name);
  EXPECT_EQ(q.fts5, "\"云 南 锡 业\"");
  EXPECT_EQ(q.tsquery, "'云' <-> '南' <-> '锡' <-> '业'");

  EXPECT_EQ(build_search_query("雲南錫業").fts5, "\"云 南 锡 业\"");
  EXPECT_EQ(build_search_query("锡").tsquery, "'锡'");

  q = build_search_query("曲靖AB");
  EXPECT_EQ(q.fts5, "\"曲 靖 ab\"*");
  EXPECT_EQ(q.tsquery, "'曲' <-> '靖' <-> 'ab':*");
}

TEST(SearchQuery, PinyinQueries) {
  auto q = build_search_query("ynxy");
  EXPECT_EQ(q.kind, QueryKind::pinyin);
  EXPECT_EQ(q.fts5, "\"vyn vnx vxy\" OR \"ynxy\"*");
  EXPECT_EQ(q.tsquery, "('vyn' <-> 'vnx' <-> 'vxy') | 'ynxy':*");

  q = build_search_query("YunNanXiYe");
  EXPECT_EQ(q.fts5,
            "\"vyu vun vnn vna van vnx vxi viy vye\" OR \"yun nan xi ye\"* OR \"yunnanxiye\"*");
  EXPECT_EQ(q.tsquery,
            "('vyu' <-> 'vun' <-> 'vnn' <-> 'vna' <-> 'van' <-> 'vnx' <-> 'vxi' <-> 'viy' <-> 'vye') | "
            "('yun' <-> 'nan' <-> 'xi' <-> 'ye':*) | 'yunnanxiye':*");

  q = build_search_query("xi'an");  // the apostrophe is a syllable boundary
  EXPECT_EQ(q.fts5, "\"vxi via van\" OR \"xi an\"*");
  EXPECT_EQ(build_search_query("yunnan").fts5,
            "\"vyu vun vnn vna van\" OR \"yun nan\"* OR \"yunnan\"*");

  q = build_search_query("xian");
  EXPECT_EQ(q.kind, QueryKind::pinyin);
  EXPECT_NE(q.fts5.find("\"xian\"*"), std::string::npos);
  EXPECT_NE(q.fts5.find("\"xi an\"*"), std::string::npos);
}

TEST(SearchQuery, NumberQueries) {
  auto q = build_search_query("0871-6312");
  EXPECT_EQ(q.kind, QueryKind::number);
  EXPECT_EQ(q.fts5, "\"08716312\"*");
  EXPECT_EQ(q.tsquery, "'08716312':*");
  EXPECT_EQ(build_search_query("９１５３００００２１６X").fts5, "\"91530000216x\"*");
}

TEST(SearchQuery, EmptyInput) {
  for (const char* s : {"", "   ", "\t\n", "!!!", "\"\"", "*", "（）", "　"}) {
    auto q = build_search_query(s);
    EXPECT_EQ(q.kind, QueryKind::empty) << s;
    EXPECT_EQ(q.fts5, "");
    EXPECT_EQ(q.tsquery, "");
  }
}

TEST(SearchQuery, HostileInputIsNeutralised) {
  const char* hostile[] = {"\"; drop table customers; --",
                           "a\" OR \"b",
                           "x' | 'y",
                           "NEAR(a b)",
                           "a:* & !b | (c)",
                           "^start - col:value",
                           "云南\" OR 1=1 --",
                           "'';\\\\",
                           "\x01\x02\x7f",
                           "AND",
                           "OR NOT"};
  for (const char* s : hostile) {
    auto q = build_search_query(s);
    // Nothing from the input survives but letters, digits and Han characters; the rest is
    // syntax we wrote.
    for (char c : q.fts5) {
      bool ok = (c & 0x80) || std::isalnum(static_cast<unsigned char>(c)) ||
                std::string_view(" \"*").find(c) != std::string_view::npos;
      EXPECT_TRUE(ok) << s << " -> " << q.fts5;
    }
    for (char c : q.tsquery) {
      bool ok = (c & 0x80) || std::isalnum(static_cast<unsigned char>(c)) ||
                std::string_view(" '<->:*|()").find(c) != std::string_view::npos;
      EXPECT_TRUE(ok) << s << " -> " << q.tsquery;
    }
  }
  EXPECT_EQ(build_search_query("a\" OR \"b").fts5,
            "\"vao vor vrb\" OR \"a or b\"*");
  EXPECT_EQ(build_search_query("\"; drop table customers; --").fts5,
            "\"vdr vro vop vpt vta vab vbl vle vec vcu vus vst vto vom vme ver vrs\" OR "
            "\"drop table customers\"*");
}

// The real proof: documents in an FTS5 table with the unicode61 tokenizer, queried with the
// generated MATCH expressions.
class Fts5RoundTrip : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
    exec("CREATE VIRTUAL TABLE customer_search USING fts5(doc, tokenize = 'unicode61')");
    const std::vector<SearchFields> customers = {
        {"云南锡业股份有限公司", {}, {"0530001234"}, {"0871-63123456"}, "91530000216560283X"},
        {"云南电网有限责任公司", {}, {"0530009999"}, {"13800001234"}, ""},
        {"昆明钢铁控股有限公司", {"昆钢"}, {"0531000001"}, {}, ""},
        {"西安西电变压器有限责任公司", {}, {}, {}, ""},
        {"先锋化工有限公司", {}, {}, {}, ""},
        {"中国工商银行股份有限公司云南省分行", {"工行云南分行"}, {}, {}, ""},
        {"雲南錫業集團控股", {}, {}, {}, ""},
        {"曲靖ABB电气有限公司", {}, {}, {}, ""},
        {"玉溪卷烟厂", {}, {}, {}, ""},
        {"成都燃气集团", {}, {}, {}, ""},
        {"香格里拉酒店", {}, {}, {}, ""},
    };
    for (std::size_t i = 0; i < customers.size(); ++i) {
      sqlite3_stmt* st = nullptr;
      ASSERT_EQ(sqlite3_prepare_v2(db_, "INSERT INTO customer_search(rowid, doc) VALUES (?, ?)",
                                   -1, &st, nullptr),
                SQLITE_OK);
      std::string doc = build_search_document(customers[i]);
      sqlite3_bind_int64(st, 1, static_cast<sqlite3_int64>(i + 1));
      sqlite3_bind_text(st, 2, doc.c_str(), -1, SQLITE_TRANSIENT);
      ASSERT_EQ(sqlite3_step(st), SQLITE_DONE);
      sqlite3_finalize(st);
    }
  }
  void TearDown() override { sqlite3_close(db_); }

  void exec(const char* sql) {
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(db_, sql, nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  }

  // Row ids matching what the user typed; fails the test on any SQLite error.
  std::set<int> search(const std::string& input) {
    std::set<int> rows;
    SearchQuery q = build_search_query(input);
    if (q.kind == QueryKind::empty) return rows;
    sqlite3_stmt* st = nullptr;
    int rc = sqlite3_prepare_v2(
        db_, "SELECT rowid FROM customer_search WHERE customer_search MATCH ? ORDER BY rowid", -1,
        &st, nullptr);
    EXPECT_EQ(rc, SQLITE_OK);
    sqlite3_bind_text(st, 1, q.fts5.c_str(), -1, SQLITE_TRANSIENT);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) rows.insert(sqlite3_column_int(st, 0));
    EXPECT_EQ(rc, SQLITE_DONE) << "input " << input << " expression " << q.fts5 << ": "
                               << sqlite3_errmsg(db_);
    sqlite3_finalize(st);
    return rows;
  }

  sqlite3* db_ = nullptr;
};

TEST_F(Fts5RoundTrip, FindsExactlyTheExpectedRows) {
  const std::map<std::string, std::set<int>> expected = {
      {"云南锡业", {1, 7}},
      {"锡业", {1, 7}},
      {"雲南錫業", {1, 7}},
      {"ynxy", {1, 7}},
      {"YNXY", {1, 7}},
      {"yunnanxiye", {1, 7}},
      {"yunnanxi", {1, 7}},
      {"yunnan", {1, 2, 6, 7}},
      {"云南", {1, 2, 6, 7}},
      {"xiye", {1, 7}},
      {"xy", {1, 7}},
      {"kg", {3, 7}},  // 昆钢, 控股
      {"昆钢", {3}},
      {"kungang", {3}},
      {"xa", {4}},
      {"xi an", {4}},
      {"xi'an", {4}},
      {"xianfeng", {5}},
      {"xf", {5}},
      {"yinhang", {6}},
      {"gsyh", {6}},
      {"ghynfh", {6}},
      {"工行", {6}},
      {"ABB", {8}},
      {"abb", {8}},
      {"曲靖A", {8}},
      {"qujing", {8}},
      {"yuxi", {9}},
      {"yxjyc", {9}},
      {"chengdu", {10}},
      {"cdrq", {10}},
      {"xianggelila", {11}},
      {"酒店", {11}},
      {"集团", {7, 10}},
      {"0530", {1, 2}},
      {"0530001234", {1}},
      {"0871", {1}},
      {"6312", {1}},
      {"0871-6312", {1}},
      {"138", {2}},
      {"9153000021656", {1}},
      {"91530000216560283x", {1}},
      {"北京", {}},
      {"zzzz", {}},
      {"9999", {}},
  };
  for (const auto& [input, rows] : expected) {
    EXPECT_EQ(search(input), rows) << "query " << input << " -> "
                                   << build_search_query(input).fts5;
  }
}

TEST_F(Fts5RoundTrip, AmbiguousPinyinFindsAllReadings) {
  auto rows = search("xian");
  // 西安 (xi an), 先锋 (xian), 有限 (xian) and 香格里拉 (xiang, by prefix).
  for (int r : {1, 2, 3, 4, 5, 6, 8, 11}) EXPECT_TRUE(rows.count(r)) << r;
}

TEST_F(Fts5RoundTrip, HostileInputNeverBreaksTheQuery) {
  const char* hostile[] = {"\"; drop table customers; --",
                           "a\" OR \"b",
                           "云南\" OR \"1",
                           "NEAR(\"a\" \"b\")",
                           "* OR *",
                           "col:value",
                           "-yunnan",
                           "^yunnan",
                           "yunnan*",
                           "(((",
                           "'",
                           "AND OR NOT",
                           "\xff\xfe",
                           "{doc}: 云南"};
  for (const char* s : hostile) search(s);  // search() fails the test on any SQLite error
  EXPECT_EQ(search("^yunnan"), search("yunnan"));
}

TEST(Encoding, Gb18030ToUtf8) {
  // "客户" in GBK is BF CD BB A7.
  EXPECT_EQ(lianxin::text::gb18030_to_utf8("\xBF\xCD\xBB\xA7,abc"), std::optional<std::string>("客户,abc"));
  EXPECT_EQ(lianxin::text::gb18030_to_utf8("plain ascii"), std::optional<std::string>("plain ascii"));
  EXPECT_FALSE(lianxin::text::gb18030_to_utf8("\xFF\xFF\xFF").has_value());  // not GB18030
}
