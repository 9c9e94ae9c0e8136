// Search documents and search queries; the token scheme is described in text.hpp.
#include <algorithm>
#include <set>

#include "common/strings.hpp"
#include "text/text.hpp"
#include "text/text_internal.hpp"

namespace lianxin::text {
namespace {

constexpr std::size_t kMaxInputBytes = 256;     // longer input is cut (at a character boundary)
constexpr std::size_t kMaxPhraseTokens = 32;    // tokens in one name phrase
constexpr std::size_t kMaxInitials = 24;        // letters for the initials alternative
constexpr std::size_t kMaxPinyinLetters = 48;   // letters for the full-pinyin alternative
constexpr std::size_t kMaxNumberChars = 64;     // characters of an identifier query
constexpr std::size_t kMaxSegmentations = 4;    // full-pinyin alternatives
constexpr std::size_t kMinIdentifierPart = 4;   // shortest separately indexed identifier part
constexpr char kInitialMarker = 'v';            // no pinyin syllable starts with v

void append_token(std::string& doc, std::string_view token) {
  if (token.empty()) return;
  if (!doc.empty()) doc.push_back(' ');
  doc.append(token);
}

// Lower-case letter/digit runs of an identifier; separators and other characters split it.
std::vector<std::string> identifier_parts(std::string_view value) {
  std::vector<std::string> parts;
  for (const auto& token : detail::tokenize(detail::normalize(value)))
    parts.push_back(token.text);  // a Han character in an identifier is kept as its own part
  return parts;
}

// One phrase alternative: tokens that must appear consecutively, the last maybe a prefix.
struct Phrase {
  std::vector<std::string> tokens;
  bool last_is_prefix = false;
};

// Tokens are Han characters or [a-z0-9]+ (see detail::tokenize), so they never contain a
// double quote, a single quote, a backslash or anything else FTS5 or tsquery would treat
// as syntax. Quoting them anyway keeps FTS5 keywords (OR, AND, NOT, NEAR) literal.
std::string fts5_phrase(const Phrase& p) {
  std::string out = "\"";
  for (std::size_t i = 0; i < p.tokens.size(); ++i) {
    if (i) out.push_back(' ');
    out += p.tokens[i];
  }
  out.push_back('"');
  if (p.last_is_prefix) out.push_back('*');
  return out;
}

std::string tsquery_phrase(const Phrase& p) {
  std::string out;
  for (std::size_t i = 0; i < p.tokens.size(); ++i) {
    if (i) out += " <-> ";
    out += '\'';
    out += p.tokens[i];
    out += '\'';
    if (p.last_is_prefix && i + 1 == p.tokens.size()) out += ":*";
  }
  return out;
}

SearchQuery make_query(QueryKind kind, const std::vector<Phrase>& alternatives) {
  SearchQuery q;
  if (alternatives.empty()) return q;
  q.kind = kind;
  for (std::size_t i = 0; i < alternatives.size(); ++i) {
    if (i) {
      q.fts5 += " OR ";
      q.tsquery += " | ";
    }
    q.fts5 += fts5_phrase(alternatives[i]);
    bool group = alternatives.size() > 1 && alternatives[i].tokens.size() > 1;
    if (group) q.tsquery += '(';
    q.tsquery += tsquery_phrase(alternatives[i]);
    if (group) q.tsquery += ')';
  }
  return q;
}

std::string cut_at_character(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return std::string(s.substr(0, end));
}

// Cartesian product of per-word segmentations, at most `limit` combinations.
std::vector<std::vector<std::string>> combine(
    const std::vector<std::vector<std::vector<std::string>>>& per_word, std::size_t limit) {
  std::vector<std::vector<std::string>> acc{{}};
  for (const auto& options : per_word) {
    std::vector<std::vector<std::string>> next;
    for (const auto& prefix : acc) {
      for (const auto& option : options) {
        if (next.size() >= limit) break;
        auto combined = prefix;
        combined.insert(combined.end(), option.begin(), option.end());
        next.push_back(std::move(combined));
      }
    }
    acc = std::move(next);
    if (acc.empty()) break;
  }
  return acc;
}

SearchQuery pinyin_query(const std::vector<detail::Token>& words) {
  std::string letters;
  for (const auto& w : words) letters += w.text;

  std::vector<Phrase> alternatives;
  auto add = [&](Phrase p) {
    if (p.tokens.empty()) return;
    for (const auto& existing : alternatives)
      if (existing.tokens == p.tokens && existing.last_is_prefix == p.last_is_prefix) return;
    alternatives.push_back(std::move(p));
  };

  // (a) every letter an initial. Initials are indexed as overlapping pairs ("ynxy" -> vyn vnx vxy,
  // see build_search_document): single-letter tokens occur in nearly every document, which made a
  // phrase over them walk a million-entry list; pairs are hundreds of times rarer.
  if (letters.size() <= kMaxInitials) {
    Phrase p;
    if (letters.size() == 1) {
      p.tokens.push_back(std::string{kInitialMarker, letters[0]});
      p.last_is_prefix = true;
    }
    for (std::size_t i = 0; i + 1 < letters.size(); ++i)
      p.tokens.push_back(std::string{kInitialMarker, letters[i], letters[i + 1]});
    add(std::move(p));
  }

  // (b) full pinyin, honouring the word boundaries the user typed ("xi an" is not "xian").
  if (letters.size() <= kMaxPinyinLetters) {
    std::vector<std::vector<std::vector<std::string>>> per_word;
    for (std::size_t i = 0; i < words.size(); ++i) {
      bool last = i + 1 == words.size();
      auto options = detail::segment(words[i].text, last, last ? kMaxSegmentations : 2);
      if (options.empty()) {
        per_word.clear();
        break;
      }
      per_word.push_back(std::move(options));
    }
    if (!per_word.empty()) {
      for (auto& tokens : combine(per_word, kMaxSegmentations)) {
        if (tokens.empty() || tokens.size() > kMaxPhraseTokens) continue;
        add(Phrase{std::move(tokens), true});
      }
    }
  }

  // (c) the words themselves, for Latin names ("abb", "yunnan tin").
  if (words.size() <= kMaxPhraseTokens) {
    Phrase p;
    for (const auto& w : words) p.tokens.push_back(w.text);
    p.last_is_prefix = true;
    add(std::move(p));
  }
  return make_query(QueryKind::pinyin, alternatives);
}

}  // namespace

std::string_view query_kind_name(QueryKind kind) {
  switch (kind) {
    case QueryKind::empty: return "empty";
    case QueryKind::name: return "name";
    case QueryKind::pinyin: return "pinyin";
    case QueryKind::number: return "number";
  }
  return "empty";
}

std::string build_search_document(const SearchFields& fields) {
  std::string doc;
  doc.reserve(64 + 12 * fields.name.size());

  std::vector<std::string> seen_names;
  auto add_name = [&](std::string_view name) {
    auto tokens = detail::tokenize(detail::normalize(name));
    if (tokens.empty()) return;
    std::string key;
    for (const auto& t : tokens) (key += t.text) += ' ';
    if (std::find(seen_names.begin(), seen_names.end(), key) != seen_names.end()) return;
    seen_names.push_back(std::move(key));

    for (const auto& t : tokens) append_token(doc, t.text);
    auto readings = detail::han_readings(tokens);
    for (const auto& r : readings) append_token(doc, r);
    std::string initials;
    for (const auto& r : readings)
      if (!r.empty()) initials.push_back(r.front());
    if (initials.size() == 1) append_token(doc, std::string{kInitialMarker, initials[0]});
    for (std::size_t i = 0; i + 1 < initials.size(); ++i)
      append_token(doc, std::string{kInitialMarker, initials[i], initials[i + 1]});
  };
  add_name(fields.name);
  for (const auto& alternate : fields.alternate_names) add_name(alternate);

  std::set<std::string> seen_ids;
  auto add_identifier = [&](std::string_view value) {
    auto parts = identifier_parts(value);
    if (parts.empty()) return;
    std::string joined;
    for (const auto& p : parts) joined += p;
    if (seen_ids.insert(joined).second) append_token(doc, joined);
    if (parts.size() < 2) return;
    for (const auto& p : parts)
      if (p.size() >= kMinIdentifierPart && seen_ids.insert(p).second) append_token(doc, p);
  };
  for (const auto& account : fields.account_numbers) add_identifier(account);
  for (const auto& phone : fields.phones) add_identifier(phone);
  add_identifier(fields.credit_code);
  return doc;
}

SearchQuery build_search_query(std::string_view user_input) {
  std::string input = cut_at_character(trim(user_input), kMaxInputBytes);
  auto tokens = detail::tokenize(detail::normalize(input));
  if (tokens.empty()) return {};

  bool any_han = std::any_of(tokens.begin(), tokens.end(), [](const auto& t) { return t.han; });
  if (any_han) {
    Phrase p;
    for (auto& t : tokens) {
      if (p.tokens.size() == kMaxPhraseTokens) break;
      p.tokens.push_back(std::move(t.text));
    }
    // A trailing ASCII word may still be being typed ("曲靖ab" finds 曲靖ABB).
    p.last_is_prefix = !tokens[p.tokens.size() - 1].han;
    return make_query(QueryKind::name, {p});
  }

  bool any_digit = std::any_of(tokens.begin(), tokens.end(), [](const auto& t) {
    return std::any_of(t.text.begin(), t.text.end(), [](char c) { return c >= '0' && c <= '9'; });
  });
  if (any_digit) {
    std::string joined;
    for (const auto& t : tokens) joined += t.text;
    if (joined.size() > kMaxNumberChars) joined.resize(kMaxNumberChars);
    return make_query(QueryKind::number, {Phrase{{joined}, true}});
  }
  return pinyin_query(tokens);
}

}  // namespace lianxin::text
