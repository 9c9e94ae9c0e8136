// The table of toneless Mandarin syllables, the segmentation of typed pinyin, and a short
// list of words whose reading differs from the single-character reading ICU gives.
#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "text/text.hpp"
#include "text/text_internal.hpp"

namespace lianxin::text {
namespace {

// Toneless syllables, grouped by initial; u-umlaut is written v (lv, nve). The interjection
// syllables (m, n, ng, hm, hng, ê) are left out: they only make typed pinyin ambiguous.
constexpr const char* kSyllables =
    "a ai an ang ao e ei en eng er o ou "
    "ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu "
    "pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu "
    "ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu "
    "fa fan fang fei fen feng fo fou fu "
    "da dai dan dang dao de dei den deng di dia dian diao die ding diu dong dou du duan dui "
    "dun duo "
    "ta tai tan tang tao te tei teng ti tian tiao tie ting tong tou tu tuan tui tun tuo "
    "na nai nan nang nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu "
    "nuan nun nuo nv nve "
    "la lai lan lang lao le lei leng li lia lian liang liao lie lin ling liu lo long lou lu "
    "luan lun luo lv lve "
    "ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo "
    "ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo "
    "ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo "
    "ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun "
    "qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun "
    "xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun "
    "zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang "
    "zhui zhun zhuo "
    "cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui "
    "chun chuo "
    "sha shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan shuang shui "
    "shun shuo "
    "ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo "
    "za zai zan zang zao ze zei zen zeng zi zong zou zu zuan zui zun zuo "
    "ca cai can cang cao ce cen ceng ci cong cou cu cuan cui cun cuo "
    "sa sai san sang sao se sen seng si song sou su suan sui sun suo "
    "ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun "
    "wa wai wan wang wei wen weng wo wu";

// People often type "lue"/"nue" for lve/nve: accepted when typed, indexed as the v form.
constexpr std::pair<std::string_view, std::string_view> kTypedAliases[] = {
    {"lue", "lve"}, {"nue", "nve"}};

struct SyllableTables {
  std::unordered_set<std::string_view> full;      // syllables and typed aliases
  std::unordered_set<std::string_view> prefixes;  // every non-empty prefix of the above
  std::vector<std::string> storage;
};

const SyllableTables& tables() {
  static const SyllableTables t = [] {
    SyllableTables r;
    std::string_view all(kSyllables);
    std::vector<std::string_view> words;
    std::size_t pos = 0;
    while (pos < all.size()) {
      std::size_t end = all.find(' ', pos);
      if (end == std::string_view::npos) end = all.size();
      if (end > pos) words.push_back(all.substr(pos, end - pos));
      pos = end + 1;
    }
    for (const auto& alias : kTypedAliases) words.push_back(alias.first);
    for (std::string_view w : words) {
      r.full.insert(w);
      for (std::size_t n = 1; n <= w.size(); ++n) r.prefixes.insert(w.substr(0, n));
    }
    return r;
  }();
  return t;
}

std::string_view indexed_form(std::string_view typed) {
  for (const auto& [alias, indexed] : kTypedAliases)
    if (typed == alias) return indexed;
  return typed;
}

constexpr std::size_t kMaxSyllableLength = 6;  // zhuang, shuang, chuang
constexpr int kUnreachable = 1 << 20;

class Segmenter {
 public:
  Segmenter(std::string_view letters, bool last_may_be_prefix)
      : s_(letters), prefix_last_(last_may_be_prefix), min_from_(letters.size() + 1, kUnreachable) {
    const auto& t = tables();
    const std::size_t n = s_.size();
    min_from_[n] = 0;
    for (std::size_t i = n; i-- > 0;) {
      int best = kUnreachable;
      for (std::size_t len = 1; len <= kMaxSyllableLength && i + len <= n; ++len) {
        std::string_view piece = s_.substr(i, len);
        if (t.full.count(piece) && min_from_[i + len] < kUnreachable)
          best = std::min(best, 1 + min_from_[i + len]);
      }
      if (prefix_last_ && n - i <= kMaxSyllableLength && t.prefixes.count(s_.substr(i)))
        best = std::min(best, 1);
      min_from_[i] = best;
    }
  }

  // Segmentations with exactly `count` pieces, appended to `out` until it holds `limit`.
  void collect(int count, std::size_t limit, std::vector<std::vector<std::string>>& out) {
    std::vector<std::string> path;
    walk(0, count, limit, path, out);
  }

  int minimum() const { return min_from_[0]; }

 private:
  void walk(std::size_t i, int remaining, std::size_t limit, std::vector<std::string>& path,
            std::vector<std::vector<std::string>>& out) {
    if (out.size() >= limit) return;
    const auto& t = tables();
    const std::size_t n = s_.size();
    if (i == n) {
      if (remaining == 0) out.push_back(path);
      return;
    }
    if (remaining <= 0 || min_from_[i] > remaining) return;
    // Longer pieces first: "xian" before "xi an".
    for (std::size_t len = std::min(kMaxSyllableLength, n - i); len >= 1; --len) {
      std::string_view piece = s_.substr(i, len);
      bool is_last = i + len == n;
      bool usable = t.full.count(piece) > 0 || (is_last && prefix_last_ && t.prefixes.count(piece));
      if (usable && min_from_[i + len] <= remaining - 1) {
        path.emplace_back(indexed_form(piece));
        walk(i + len, remaining - 1, limit, path, out);
        path.pop_back();
        if (out.size() >= limit) return;
      }
    }
  }

  std::string_view s_;
  bool prefix_last_;
  std::vector<int> min_from_;
};

// Words whose reading differs from the per-character reading ICU gives (mostly banks, place
// names and power-industry words). The value lists one syllable per character.
constexpr std::pair<std::string_view, std::string_view> kWordReadings[] = {
    {"银行", "yin hang"},     {"分行", "fen hang"},     {"支行", "zhi hang"},
    {"总行", "zong hang"},    {"行业", "hang ye"},      {"商行", "shang hang"},
    {"车行", "che hang"},     {"琴行", "qin hang"},     {"央行", "yang hang"},
    {"投行", "tou hang"},     {"工行", "gong hang"},    {"农行", "nong hang"},
    {"建行", "jian hang"},    {"中行", "zhong hang"},   {"交行", "jiao hang"},
    {"招行", "zhao hang"},     {"行长", "hang zhang"},   {"成都", "cheng du"},
    {"首都", "shou du"},      {"都江堰", "du jiang yan"}, {"都市", "du shi"},
    {"都匀", "du yun"},       {"花都", "hua du"},       {"古都", "gu du"},
    {"长沙", "chang sha"},    {"长春", "chang chun"},   {"长江", "chang jiang"},
    {"长城", "chang cheng"},  {"长安", "chang an"},     {"长治", "chang zhi"},
    {"长寿", "chang shou"},   {"长兴", "chang xing"},   {"长宁", "chang ning"},
    {"长乐", "chang le"},     {"长征", "chang zheng"},  {"长庆", "chang qing"},
    {"长虹", "chang hong"},   {"长白", "chang bai"},    {"长汀", "chang ting"},
    {"长葛", "chang ge"},     {"长泰", "chang tai"},    {"长清", "chang qing"},
    {"长丰", "chang feng"},   {"长期", "chang qi"},     {"延长", "yan chang"},
    {"重庆", "chong qing"},   {"厦门", "xia men"},      {"六安", "lu an"},
    {"乐清", "yue qing"},     {"音乐", "yin yue"},      {"乐器", "yue qi"},
    {"单县", "shan xian"},    {"番禺", "pan yu"},       {"西藏", "xi zang"},
    {"会计", "kuai ji"},      {"空调", "kong tiao"},    {"调节", "tiao jie"},
    {"协调", "xie tiao"},     {"调试", "tiao shi"},     {"调压", "tiao ya"},
    {"调峰", "tiao feng"},    {"调频", "tiao pin"},     {"调速", "tiao su"},
    {"调控", "tiao kong"},    {"调和", "tiao he"},      {"供给", "gong ji"},
    {"给水", "ji shui"},      {"还原", "huan yuan"},    {"朝鲜", "chao xian"},
    {"蔚县", "yu xian"},      {"铅山", "yan shan"},     {"东莞", "dong guan"},
    {"会稽", "kuai ji"},      {"大都", "da du"},
};

struct WordTable {
  std::unordered_map<std::string_view, std::vector<std::string>> readings;
  std::size_t longest_chars = 1;
};

const WordTable& word_table() {
  static const WordTable t = [] {
    WordTable r;
    for (const auto& [word, reading] : kWordReadings) {
      std::vector<std::string> syllables;
      std::size_t pos = 0;
      while (pos <= reading.size()) {
        std::size_t end = reading.find(' ', pos);
        if (end == std::string_view::npos) end = reading.size();
        syllables.emplace_back(reading.substr(pos, end - pos));
        pos = end + 1;
      }
      r.longest_chars = std::max(r.longest_chars, syllables.size());
      r.readings.emplace(word, std::move(syllables));
    }
    return r;
  }();
  return t;
}

}  // namespace

bool is_pinyin_syllable(std::string_view syllable) {
  for (const auto& alias : kTypedAliases)
    if (syllable == alias.first) return false;  // typed aliases are not indexed syllables
  return tables().full.count(syllable) > 0;
}

namespace detail {

std::vector<std::vector<std::string>> segment(std::string_view letters, bool last_may_be_prefix,
                                              std::size_t limit) {
  std::vector<std::vector<std::string>> out;
  if (letters.empty() || limit == 0) return out;
  for (char c : letters)
    if (c < 'a' || c > 'z') return out;
  Segmenter seg(letters, last_may_be_prefix);
  int best = seg.minimum();
  if (best >= kUnreachable) return out;
  seg.collect(best, limit, out);
  // One syllable more than needed: only where the last piece is not a single letter, as a
  // lone-letter prefix ("yun na n*") matches almost anything and is costly in the index.
  std::vector<std::vector<std::string>> longer;
  seg.collect(best + 1, limit * 2, longer);
  for (auto& candidate : longer) {
    if (out.size() >= limit) break;
    if (candidate.back().size() > 1) out.push_back(std::move(candidate));
  }
  return out;
}

std::size_t longest_word_reading() { return word_table().longest_chars; }

const std::vector<std::string>* word_reading(std::string_view han_word) {
  const auto& t = word_table().readings;
  auto it = t.find(han_word);
  return it == t.end() ? nullptr : &it->second;
}

}  // namespace detail

std::vector<std::vector<std::string>> segment_pinyin(std::string_view letters, std::size_t limit) {
  return detail::segment(letters, true, limit);
}

}  // namespace lianxin::text
