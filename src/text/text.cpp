// OpenCC conversion, normalisation, tokenisation and pinyin lookup.
#include <opencc/Config.hpp>
#include <opencc/Conversion.hpp>
#include <opencc/ConversionChain.hpp>
#include <opencc/Converter.hpp>
#include <opencc/Dict.hpp>
#include <opencc/DictEntry.hpp>
#include <opencc/Lexicon.hpp>
#include <opencc/MaxMatchSegmentation.hpp>
#include <opencc/opencc.h>
#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <bitset>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

#include "common/strings.hpp"
#include "text/text.hpp"
#include "text/text_internal.hpp"

namespace lianxin::text {
namespace {

std::string sanitize_utf8(std::string_view utf8) {
  if (is_valid_utf8(utf8)) return std::string(utf8);
  std::string out;
  icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())))
      .toUTF8String(out);
  return out;
}

// The keys of every dictionary an OpenCC configuration uses (its segmentation and its
// conversion chain). OpenCC replaces text only where a key matches, longest first, at a
// character position; text where no key starts at any character comes back unchanged. Most
// names in simplified Chinese are such text, and checking that here takes a fraction of the
// time of a conversion (which also serialises all threads on the converter's mutex).
class DictionaryKeys {
 public:
  explicit DictionaryKeys(const std::string& config_path) {
    try {
      opencc::Config config;
      opencc::ConverterPtr converter = config.NewFromFile(config_path);
      auto segmentation = std::dynamic_pointer_cast<opencc::MaxMatchSegmentation>(converter->GetSegmentation());
      if (!segmentation) return;  // another algorithm: no shortcut
      add(*segmentation->GetDict());
      for (const auto& conversion : converter->GetConversionChain()->GetConversions()) add(*conversion->GetDict());
      usable_ = true;
    } catch (...) {
      usable_ = false;  // converting every text is always right
    }
  }

  // True when no key starts at any character of `utf8` (valid UTF-8 without NUL bytes, which
  // OpenCC treats as the end of the text), so that OpenCC would return it unchanged.
  bool leaves_unchanged(std::string_view utf8) const {
    if (!usable_) return false;
    const auto* bytes = reinterpret_cast<const uint8_t*>(utf8.data());
    const auto length = static_cast<int32_t>(utf8.size());
    for (int32_t i = 0; i < length;) {
      const int32_t start = i;
      UChar32 c;
      U8_NEXT(bytes, i, length, c);
      if (c <= 0) return false;  // invalid or NUL
      if (c < 0x10000 && !first_bmp_[static_cast<std::size_t>(c)]) continue;
      auto keys = by_first_.find(c);
      if (keys == by_first_.end()) continue;
      for (const auto& key : keys->second)
        if (utf8.substr(static_cast<std::size_t>(start), key.size()) == key) return false;
    }
    return true;
  }

 private:
  void add(const opencc::Dict& dict) {
    const opencc::LexiconPtr lexicon = dict.GetLexicon();
    for (const auto& entry : *lexicon) {
      std::string key = entry->Key();
      if (key.empty()) continue;
      const auto* bytes = reinterpret_cast<const uint8_t*>(key.data());
      int32_t i = 0;
      UChar32 c;
      U8_NEXT(bytes, i, static_cast<int32_t>(key.size()), c);
      if (c < 0) throw std::runtime_error("OpenCC: a dictionary key is not UTF-8");
      if (c < 0x10000) first_bmp_.set(static_cast<std::size_t>(c));
      by_first_[c].push_back(std::move(key));
    }
  }

  bool usable_ = false;
  std::bitset<0x10000> first_bmp_;  // first characters of keys in the BMP, to skip the map
  std::unordered_map<UChar32, std::vector<std::string>> by_first_;
};

// One OpenCC converter per direction, shared by all threads behind a mutex: the C API does
// not promise thread safety, and a converter holds several megabytes of dictionaries, too
// much to keep one per thread. Conversion of a name takes microseconds.
class OpenccConverter {
 public:
  // `shortcut`: skip OpenCC for text no dictionary key matches (worth it only where most text
  // needs no change: traditional -> simplified).
  OpenccConverter(const char* config, bool shortcut) {
    // OpenCC resolves a bare file name against its own data directory; the absolute path is
    // the Debian location, tried in case the library was built with another prefix.
    const std::string candidates[] = {config, std::string("/usr/share/opencc/") + config};
    for (const auto& path : candidates) {
      handle_ = opencc_open(path.c_str());
      if (handle_ != reinterpret_cast<opencc_t>(-1)) {
        if (shortcut) keys_ = std::make_unique<DictionaryKeys>(path);
        return;
      }
    }
    throw std::runtime_error(std::string("cannot load OpenCC configuration ") + config + ": " +
                             opencc_error());
  }
  ~OpenccConverter() { opencc_close(handle_); }
  OpenccConverter(const OpenccConverter&) = delete;
  OpenccConverter& operator=(const OpenccConverter&) = delete;

  std::string convert(std::string_view utf8) {
    if (utf8.empty()) return {};
    std::string input = sanitize_utf8(utf8);
    if (keys_ && keys_->leaves_unchanged(input)) return input;
    return convert_with_opencc(input);
  }

  // Always through OpenCC (tests compare the shortcut with it).
  std::string convert_with_opencc(const std::string& input) {
    std::lock_guard lock(mutex_);
    char* converted = opencc_convert_utf8(handle_, input.data(), input.size());
    if (converted == nullptr) throw std::runtime_error(std::string("OpenCC: ") + opencc_error());
    std::string out(converted);
    opencc_convert_utf8_free(converted);
    return out;
  }

 private:
  opencc_t handle_ = reinterpret_cast<opencc_t>(-1);
  std::unique_ptr<DictionaryKeys> keys_;
  std::mutex mutex_;
};

OpenccConverter& converter_t2s() {
  static OpenccConverter c(OPENCC_DEFAULT_CONFIG_TRAD_TO_SIMP, true);
  return c;
}

OpenccConverter& converter_s2t() {
  static OpenccConverter c(OPENCC_DEFAULT_CONFIG_SIMP_TO_TRAD, false);
  return c;
}

// ICU transliterators are not thread-safe: one prototype, cloned once per thread. Readings
// are cached per thread by code point, so each character is transliterated once per thread.
class PinyinReader {
 public:
  const std::string& reading(UChar32 c) {
    auto it = cache_.find(c);
    if (it != cache_.end()) return it->second;
    icu::UnicodeString s(c);
    transliterator_->transliterate(s);
    std::string out;
    s.toUTF8String(out);
    bool ok = !out.empty();
    for (char ch : out)
      if (ch < 'a' || ch > 'z') ok = false;
    if (!ok) out.clear();
    return cache_.emplace(c, std::move(out)).first->second;
  }

  static PinyinReader& for_this_thread() {
    thread_local PinyinReader reader;
    return reader;
  }

 private:
  PinyinReader() : transliterator_(prototype().clone()) {
    if (!transliterator_) throw std::runtime_error("ICU: cannot clone the pinyin transliterator");
  }

  static const icu::Transliterator& prototype() {
    static std::unique_ptr<icu::Transliterator> proto = [] {
      UErrorCode status = U_ZERO_ERROR;
      UParseError parse_error;
      // Han -> Latin with tone marks; u-umlaut (with or without tone) -> v; strip the tones.
      std::unique_ptr<icu::Transliterator> t(icu::Transliterator::createFromRules(
          "lianxin-pinyin",
          icu::UnicodeString::fromUTF8(
              "::Han-Latin; [ǖǘǚǜüÜǕǗǙǛ] > v; ::NFD; ::[:Nonspacing Mark:] Remove; ::NFC; "
              "::Lower;"),
          UTRANS_FORWARD, parse_error, status));
      if (U_FAILURE(status) || !t)
        throw std::runtime_error(std::string("ICU: cannot create the pinyin transliterator: ") +
                                 u_errorName(status));
      return t;
    }();
    return *proto;
  }

  std::unique_ptr<icu::Transliterator> transliterator_;
  std::unordered_map<UChar32, std::string> cache_;
};

std::string nfkc_casefold(std::string_view utf8) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU: NFKC_Casefold unavailable");
  icu::UnicodeString s =
      icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  icu::UnicodeString folded = nfkc->normalize(s, status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU: normalization failed");
  std::string out;
  folded.toUTF8String(out);
  return out;
}

bool is_ascii_alnum(UChar32 c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

char ascii_lower(UChar32 c) {
  return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

// The ASCII letter or digit a Latin letter with diacritics is built on (é -> e), or 0.
char ascii_base(UChar32 c) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  if (U_FAILURE(status)) return 0;
  icu::UnicodeString decomposition;
  if (!nfd->getDecomposition(c, decomposition) || decomposition.isEmpty()) return 0;
  UChar32 base = decomposition.char32At(0);
  return is_ascii_alnum(base) ? ascii_lower(base) : 0;
}

}  // namespace

std::string to_simplified(std::string_view utf8) { return converter_t2s().convert(utf8); }

std::string to_traditional(std::string_view utf8) { return converter_s2t().convert(utf8); }

namespace detail {

std::string to_simplified_by_opencc(std::string_view utf8) {
  if (utf8.empty()) return {};
  return converter_t2s().convert_with_opencc(sanitize_utf8(utf8));
}

std::string normalize(std::string_view utf8) {
  // ASCII needs neither: the tokenizer lower-cases, and OpenCC leaves ASCII alone.
  bool ascii = std::all_of(utf8.begin(), utf8.end(),
                           [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) return std::string(utf8);
  return to_simplified(nfkc_casefold(utf8));
}

std::vector<Token> tokenize(std::string_view normalized) {
  std::vector<Token> tokens;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) tokens.push_back({std::move(word), false});
    word.clear();
  };
  const auto* bytes = reinterpret_cast<const uint8_t*>(normalized.data());
  const auto length = static_cast<int32_t>(normalized.size());
  int32_t i = 0;
  while (i < length) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) {
      flush();
    } else if (c < 0x80) {
      if (is_ascii_alnum(c))
        word.push_back(ascii_lower(c));
      else
        flush();
    } else if (u_hasBinaryProperty(c, UCHAR_IDEOGRAPHIC)) {
      flush();
      tokens.push_back({std::string(normalized.substr(start, i - start)), true});
    } else if (char base = ascii_base(c)) {
      word.push_back(base);
    } else {
      flush();
    }
  }
  flush();
  return tokens;
}

std::vector<std::string> han_readings(const std::vector<Token>& tokens) {
  std::vector<std::string> out(tokens.size());
  PinyinReader& reader = PinyinReader::for_this_thread();
  const std::size_t longest = longest_word_reading();
  std::size_t i = 0;
  while (i < tokens.size()) {
    if (!tokens[i].han) {
      ++i;
      continue;
    }
    // Longest known word starting here, if any.
    std::size_t matched = 0;
    std::string word = tokens[i].text;
    for (std::size_t n = 2; n <= longest && i + n <= tokens.size() && tokens[i + n - 1].han; ++n) {
      word += tokens[i + n - 1].text;
      if (const auto* reading = word_reading(word); reading && reading->size() == n) {
        for (std::size_t k = 0; k < n; ++k) out[i + k] = (*reading)[k];
        matched = n;
      }
    }
    if (matched > 0) {
      i += matched;
      continue;
    }
    int32_t offset = 0;
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(tokens[i].text.data()), offset,
            static_cast<int32_t>(tokens[i].text.size()), c);
    if (c >= 0) out[i] = reader.reading(c);
    ++i;
  }
  return out;
}

}  // namespace detail

std::vector<std::string> pinyin_of(std::string_view utf8) {
  auto tokens = detail::tokenize(detail::normalize(utf8));
  auto readings = detail::han_readings(tokens);
  std::vector<std::string> out;
  out.reserve(tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (!tokens[i].han)
      out.push_back(std::move(tokens[i].text));
    else if (!readings[i].empty())
      out.push_back(std::move(readings[i]));
  }
  return out;
}

}  // namespace lianxin::text
