#pragma once
// Chinese text helpers for customer search: traditional/simplified conversion (OpenCC),
// pinyin (ICU Han-Latin plus our own table of polyphonic words), and the search-document /
// search-query builders shared by the SQLite (FTS5, tokenizer unicode61) and PostgreSQL
// (to_tsvector('simple', doc)) backends.
//
// All functions are thread-safe: the OpenCC handles and ICU transliterators are per thread.
//
// ## Search document token scheme
// The document is a space-separated list of tokens. Every token is either one Han character
// (normalised to simplified Chinese) or a run of [a-z0-9] - nothing else ever appears, so
// unicode61 and PostgreSQL's default parser split it into exactly the same tokens, and no
// punctuation reaches either index. For the customer name and then for each alternate name
// (traditional forms are converted to simplified; alternates equal to an earlier name are
// skipped) the document holds three runs:
//   1. the name itself: each Han character as its own token, ASCII letter/digit runs as
//      lower-case words (full-width forms folded by NFKC);
//   2. the toneless pinyin of each Han character ("yun nan xi ye"; u-umlaut is written v: lv);
//   3. the pinyin initials as overlapping pairs, each "v" + two first letters ("vyn vnx vxy";
//      a one-character name gets "v" + its letter). No pinyin syllable starts with "v", so
//      these never collide with syllables or numbers. Pairs rather than single letters: a
//      single initial occurs in nearly every document, so a phrase over single letters had
//      to walk a million-entry list at a million customers.
// Then the identifiers as whole lower-case alphanumeric tokens with separators removed:
// account numbers, phones and the credit code. An identifier written with separators
// ("0871-63123456") also contributes its parts of four or more characters ("63123456").
//
// Example: name 云南锡业股份有限公司, account 0530001234, phone 0871-63123456 gives
//   云 南 锡 业 股 份 有 限 公 司 yun nan xi ye gu fen you xian gong si
//   vyn vnx vxy vyg vgf vfy vyx vxg vgs 0530001234 087163123456 0871 63123456
//
// Substring search is a phrase query over consecutive tokens:
//   "锡业", "雲南錫業"  -> fts5 "锡 业"                tsquery '锡' <-> '业'
//   "ynxy"              -> initials phrase "vyn vnx vxy"  OR  the word prefix "ynxy"*
//   "yunnanx"           -> initials OR "yun nan x"* (last syllable is a prefix) OR "yunnanx"*
//   "0871"              -> "0871"*                       tsquery '0871':*
// A phrase may, rarely, match across the boundary of two runs (the end of one name and the
// start of the next); that only adds a harmless extra hit. Identifiers are matched by
// prefix, not by suffix.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lianxin::text {

// Traditional -> simplified and simplified -> traditional (OpenCC t2s / s2t).
// Invalid UTF-8 is replaced by U+FFFD first. Throws std::runtime_error if the OpenCC
// configuration cannot be loaded.
std::string to_simplified(std::string_view utf8);

// GBK / GB18030 bytes (what Excel on Chinese Windows writes for "CSV") as UTF-8; nullopt when the
// bytes are not valid GB18030.
std::optional<std::string> gb18030_to_utf8(std::string_view bytes);
std::string to_traditional(std::string_view utf8);

// For each Han character its toneless lower-case pinyin syllable (u-umlaut as v);
// runs of ASCII letters/digits (after NFKC case folding) as lower-case tokens; everything
// else separates tokens. Traditional characters are read as their simplified form.
std::vector<std::string> pinyin_of(std::string_view utf8);

// True if `syllable` is one of the ~410 toneless Mandarin syllables (v for u-umlaut).
bool is_pinyin_syllable(std::string_view syllable);

// The ways to split lower-case ASCII letters into pinyin syllables, the last syllable
// allowed to be only a prefix of one ("yunnanx" -> {yun, nan, x}). The shortest splits
// first, then those with one syllable more (unless they end in a single letter), at most
// `limit` in all. "xian" -> {xian}, {xi, an}.
std::vector<std::vector<std::string>> segment_pinyin(std::string_view letters,
                                                      std::size_t limit = 4);

struct SearchFields {
  std::string name;
  std::vector<std::string> alternate_names;  // former names, short names, traditional forms
  std::vector<std::string> account_numbers;  // 户号
  std::vector<std::string> phones;
  std::string credit_code;                   // 统一社会信用代码
};

// The token string described above, for FTS5 (unicode61) and to_tsvector('simple', ...).
std::string build_search_document(const SearchFields& fields);

enum class QueryKind { empty, name, pinyin, number };

struct SearchQuery {
  QueryKind kind = QueryKind::empty;
  std::string fts5;     // an FTS5 MATCH expression; empty when kind == empty
  std::string tsquery;  // a to_tsquery('simple', ...) expression; empty when kind == empty
};

// Turns what a user typed into search expressions. Never returns syntax that FTS5 or
// to_tsquery can reject: every token is built from Han characters or [a-z0-9] only.
//   - any Han character            -> name: phrase of the characters and ASCII words, in
//                                     order, the last word (if ASCII) a prefix
//   - any digit, no Han            -> number: the letters and digits as one prefix token
//   - ASCII letters only           -> pinyin: initials phrase OR full-pinyin phrases OR the
//                                     words themselves as a prefix phrase
//   - nothing usable               -> empty
std::string_view query_kind_name(QueryKind kind);
SearchQuery build_search_query(std::string_view user_input);

}  // namespace lianxin::text
