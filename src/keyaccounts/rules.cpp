#include "keyaccounts/rules.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <utility>

#include "common/errors.hpp"
#include "common/memory.hpp"

namespace lianxin::keyaccounts {
namespace {

// Percentile rank (0-100) of each value among all values; ties share the average rank, so a
// population of equal values scores 50 each. One sort of (value, index) pairs (`pairs` holds the
// values on entry; it is a buffer reused across calls), then one pass over the runs of equal
// values: no per-element search in a large array, where cache misses dominate.
void percentile_ranks(std::vector<std::pair<double, std::uint32_t>>& pairs, std::vector<double>& out) {
  const std::size_t n = pairs.size();
  out.assign(n, 50.0);
  if (n < 2) return;
  std::sort(pairs.begin(), pairs.end());
  const double scale = 100.0 / static_cast<double>(n - 1);
  for (std::size_t first = 0; first < n;) {
    std::size_t last = first;
    while (last + 1 < n && pairs[last + 1].first == pairs[first].first) ++last;
    const double rank = (static_cast<double>(first) + static_cast<double>(last)) / 2.0 * scale;
    for (std::size_t k = first; k <= last; ++k) out[pairs[k].second] = rank;
    first = last + 1;
  }
}

// A large array reserved with a huge-page hint before it is first written (page faults of 4 KiB
// pages cost more than the work on a million elements).
template <typename T>
void reserve_large(std::vector<T>& v, std::size_t n) {
  v.reserve(n);
  advise_huge_pages(v.data(), n * sizeof(T));
}

bool has_tag(const Facts& f, const std::vector<std::string>& tags) {
  for (const auto& t : tags)
    if (std::find(f.tags.begin(), f.tags.end(), t) != f.tags.end()) return true;
  return false;
}

int listed_kind_of(const Facts& f, const Rules& rules) {
  for (std::size_t i = 0; i < rules.listed_kinds.size(); ++i) {
    const auto& kind = rules.listed_kinds[i];
    for (const auto& code : kind.industry_codes)
      if (!f.industry_code.empty() && f.industry_code.compare(0, code.size(), code) == 0) return static_cast<int>(i);
    if (has_tag(f, kind.tags)) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

std::vector<Reason> Reasons::list() const {
  std::vector<Reason> out;
  for (Reason r : {Reason::top_consumption, Reason::important_class, Reason::listed_kind, Reason::value_score})
    if (has(r)) out.push_back(r);
  return out;
}

const std::string& listed_kind_name(const Proposal& p, const Rules& rules) {
  static const std::string none;
  if (p.listed_kind < 0 || static_cast<std::size_t>(p.listed_kind) >= rules.listed_kinds.size()) return none;
  return rules.listed_kinds[static_cast<std::size_t>(p.listed_kind)].kind;
}

const char* reason_code(Reason reason) {
  switch (reason) {
    case Reason::top_consumption: return "top_consumption";
    case Reason::important_class: return "important_class";
    case Reason::listed_kind: return "listed_kind";
    case Reason::value_score: return "value_score";
  }
  return "unknown";
}

void validate(const Rules& rules) {
  Validator v;
  if (rules.top_n < 0 || rules.top_n > 1000) v.add("top_n", "must be between 0 and 1000");
  if (rules.score_top_n < 0 || rules.score_top_n > 1000) v.add("score_top_n", "must be between 0 and 1000");
  const Weights& w = rules.weights;
  if (w.consumption < 0 || w.growth < 0 || w.credit < 0 || w.capacity < 0) v.add("weights", "must not be negative");
  else if (w.consumption + w.growth + w.credit + w.capacity <= 0) v.add("weights", "at least one weight must be positive");
  if (rules.score_threshold < 0 || rules.score_threshold > 100) v.add("score_threshold", "must be between 0 and 100");
  v.throw_if_failed();
}

std::vector<Proposal> propose(const std::vector<Facts>& facts, const Rules& rules) {
  validate(rules);
  const std::size_t n = facts.size();
  std::vector<Proposal> out;
  reserve_large(out, n);
  out.resize(n);

  // Rank within the bureau by consumption (largest first; ties by customer id for a stable answer).
  std::map<std::int64_t, std::vector<std::size_t>> by_bureau;
  for (std::size_t i = 0; i < n; ++i) by_bureau[facts[i].bureau_id].push_back(i);
  // Only the first `ranked` of a bureau get a rank (0 = further down): the reasons need no more,
  // and a partial sort keeps a million customers cheap.
  const std::size_t ranked = static_cast<std::size_t>(std::max({rules.top_n, rules.score_top_n, 100}));
  for (auto& [bureau, members] : by_bureau) {
    const std::size_t k = std::min(ranked, members.size());
    std::partial_sort(members.begin(), members.begin() + static_cast<std::ptrdiff_t>(k), members.end(),
                      [&](std::size_t a, std::size_t b) {
                        if (facts[a].annual_kwh != facts[b].annual_kwh) return facts[a].annual_kwh > facts[b].annual_kwh;
                        return facts[a].customer_id < facts[b].customer_id;
                      });
    for (std::size_t r = 0; r < k; ++r) out[members[r]].rank_in_bureau = static_cast<int>(r + 1);
  }

  // Value score: percentile ranks of consumption, growth and capacity (one pairs buffer for the three).
  std::vector<std::pair<double, std::uint32_t>> pairs;
  reserve_large(pairs, n);
  std::vector<double> consumption_rank, growth_rank, capacity_rank;
  reserve_large(consumption_rank, n);
  reserve_large(growth_rank, n);
  reserve_large(capacity_rank, n);
  auto ranks_of = [&](auto value_of, std::vector<double>& ranks) {
    pairs.resize(n);
    for (std::size_t i = 0; i < n; ++i) pairs[i] = {value_of(facts[i]), static_cast<std::uint32_t>(i)};
    percentile_ranks(pairs, ranks);
  };
  ranks_of([](const Facts& f) { return f.annual_kwh; }, consumption_rank);
  ranks_of([](const Facts& f) { return f.previous_kwh > 0 ? f.annual_kwh / f.previous_kwh - 1.0 : 0.0; }, growth_rank);
  ranks_of([](const Facts& f) { return f.contract_kva; }, capacity_rank);
  const Weights& w = rules.weights;
  const double total_weight = w.consumption + w.growth + w.credit + w.capacity;

  for (std::size_t i = 0; i < n; ++i) {
    const Facts& f = facts[i];
    Proposal& p = out[i];
    p.customer_id = f.customer_id;
    p.currently_key = f.key_account;
    const double growth_score = f.previous_kwh > 0 ? growth_rank[i] : 50.0;
    const double credit_score =
        f.billed_fen > 0 ? std::clamp(f.paid_fen / f.billed_fen, 0.0, 1.0) * 100.0 : 50.0;
    p.score = std::round((w.consumption * consumption_rank[i] + w.growth * growth_score + w.credit * credit_score +
                          w.capacity * capacity_rank[i]) /
                         total_weight * 10.0) /
              10.0;
    if (p.rank_in_bureau > 0 && p.rank_in_bureau <= rules.top_n && f.annual_kwh > 0) p.reasons.add(Reason::top_consumption);
    if (std::find(rules.important_classes.begin(), rules.important_classes.end(), f.importance_class) !=
        rules.important_classes.end())
      p.reasons.add(Reason::important_class);
    if (f.contract_kva >= rules.listed_min_kva) p.listed_kind = static_cast<std::int16_t>(listed_kind_of(f, rules));
    if (p.listed_kind >= 0) p.reasons.add(Reason::listed_kind);
  }
  // Rank by value score within the bureau (highest first; ties by customer id).
  for (auto& [bureau, members] : by_bureau) {
    const std::size_t k = std::min(ranked, members.size());
    std::partial_sort(members.begin(), members.begin() + static_cast<std::ptrdiff_t>(k), members.end(),
                      [&](std::size_t a, std::size_t b) {
                        if (out[a].score != out[b].score) return out[a].score > out[b].score;
                        return facts[a].customer_id < facts[b].customer_id;
                      });
    for (std::size_t r = 0; r < k; ++r) {
      Proposal& p = out[members[r]];
      p.score_rank_in_bureau = static_cast<int>(r + 1);
      if (p.score_rank_in_bureau <= rules.score_top_n && p.score >= rules.score_threshold)
        p.reasons.add(Reason::value_score);
    }
  }
  return out;
}

Diff diff(const std::vector<Proposal>& proposals) {
  Diff d;
  for (const auto& p : proposals) {
    const bool proposed = !p.reasons.empty();
    if (proposed && !p.currently_key) d.added.push_back(p.customer_id);
    else if (!proposed && p.currently_key) d.removed.push_back(p.customer_id);
    else if (proposed) d.kept.push_back(p.customer_id);
  }
  return d;
}

}  // namespace lianxin::keyaccounts
