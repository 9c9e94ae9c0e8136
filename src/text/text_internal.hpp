#pragma once
// Helpers shared by the text library's translation units; not part of the public API.
#include <string>
#include <string_view>
#include <vector>

namespace lianxin::text::detail {

// to_simplified without the shortcut for text no OpenCC dictionary key matches (for tests).
std::string to_simplified_by_opencc(std::string_view utf8);

// NFKC case folding (full-width letters and digits become ASCII, Latin lower-cased) followed
// by traditional -> simplified conversion. Invalid UTF-8 becomes U+FFFD.
std::string normalize(std::string_view utf8);

struct Token {
  std::string text;  // one Han character, or a run of [a-z0-9]
  bool han = false;
};

// Splits normalized text into Han characters and ASCII letter/digit runs; Latin letters with
// diacritics count as their base letter; everything else separates tokens.
std::vector<Token> tokenize(std::string_view normalized);

// The pinyin syllable of each token (empty for non-Han tokens and for Han characters without
// a known reading), using the word table first and ICU per character otherwise.
std::vector<std::string> han_readings(const std::vector<Token>& tokens);

std::vector<std::vector<std::string>> segment(std::string_view letters, bool last_may_be_prefix,
                                              std::size_t limit);
std::size_t longest_word_reading();
const std::vector<std::string>* word_reading(std::string_view han_word);

}  // namespace lianxin::text::detail
