#include "keyaccounts/rules.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <utility>

#include "common/errors.hpp"

namespace lianxin::keyaccounts {
namespace {

// Percentile rank (0-100) of each value among all values; ties share the average rank, so a
// population of equal values scores 50 each. One sort of (value, index) pairs, then one pass over
// the runs of equal values: no per-element search in a large array (cache misses dominate there).
std::vector<double> percentile_ranks(const std::vector<double>& values) {
  const std::size_t n = values.size();
  std::vector<double> out(n, 50.0);
  if (n < 2) return out;
  std::vector<std::pair<double, std::uint32_t>> sorted(n);
  for (std::size_t i = 0; i < n; ++i) sorted[i] = {values[i], static_cast<std::uint32_t>(i)};
  std::sort(sorted.begin(), sorted.end());
  const double scale = 100.0 / static_cast<double>(n - 1);
  for (std::size_t first = 0; first < n;) {
    std::size_t last = first;
    while (last + 1 < n && sorted[last + 1].first == sorted[first].first) ++last;
    const double rank = (static_cast<double>(first) + static_cast<double>(last)) / 2.0 * scale;
    for (std::size_t k = first; k <= last; ++k) out[sorted[k].second] = rank;
    first = last + 1;
  }
  return out;
}

bool has_tag(const Facts& f, const std::vector<std::string>& tags) {
  for (const auto& t : tags)
    if (std::find(f.tags.begin(), f.tags.end(), t) != f.tags.end()) return true;
  return false;
}

std::string listed_kind_of(const Facts& f, const Rules& rules) {
  for (const auto& kind : rules.listed_kinds) {
    for (const auto& code : kind.industry_codes)
      if (!f.industry_code.empty() && f.industry_code.compare(0, code.size(), code) == 0) return kind.kind;
    if (has_tag(f, kind.tags)) return kind.kind;
  }
  return {};
}

}  // namespace

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
  std::vector<Proposal> out(n);

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

  // Value score.
  std::vector<double> consumption(n), growth(n), capacity(n);
  for (std::size_t i = 0; i < n; ++i) {
    consumption[i] = facts[i].annual_kwh;
    capacity[i] = facts[i].contract_kva;
    growth[i] = facts[i].previous_kwh > 0 ? facts[i].annual_kwh / facts[i].previous_kwh - 1.0 : 0.0;
  }
  const auto consumption_rank = percentile_ranks(consumption);
  const auto growth_rank = percentile_ranks(growth);
  const auto capacity_rank = percentile_ranks(capacity);
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
    if (p.rank_in_bureau > 0 && p.rank_in_bureau <= rules.top_n && f.annual_kwh > 0) p.reasons.push_back(Reason::top_consumption);
    if (std::find(rules.important_classes.begin(), rules.important_classes.end(), f.importance_class) !=
        rules.important_classes.end())
      p.reasons.push_back(Reason::important_class);
    if (f.contract_kva >= rules.listed_min_kva) p.listed_kind = listed_kind_of(f, rules);
    if (!p.listed_kind.empty()) p.reasons.push_back(Reason::listed_kind);
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
        p.reasons.push_back(Reason::value_score);
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
