#pragma once
// Key-account identification (大客户识别) as pure rules: which customers the yearly proposal puts
// on the key-account list, and why. No I/O; the service feeds it the facts of every customer and
// stores the proposal for review (accept or reject each with a reason).
//
// A customer is proposed when any of these holds (each is a reason shown to the reviewer):
// - top_consumption: among the top N of its bureau by annual consumption (default N = 20; seed 001
//   and domain capability 2: "top 20 of a bureau");
// - important_class: an important power user of class 特级 / 一级 / 二级 (GB/T 29328-2018);
// - listed_kind: a listed kind of customer — government (GB/T 4754 division 92 国家机构 and 91),
//   hospitals (84 卫生), emergency command centres (by tag 应急指挥), configurable — of at least
//   listed_min_kva contract capacity (default 315 kVA, the two-part-tariff size of rules_cn §4.4),
//   so that every clinic and village office is not proposed;
// - value_score: among the top N of its bureau by value score (default N = 20, like consumption),
//   and at least the threshold. The score (0-100) weighs consumption, growth, payment credit and
//   contract capacity; consumption, growth and capacity are scored by percentile rank in the whole
//   population (robust to a few huge customers), credit as the share of billed amounts paid. A
//   percentile threshold alone would propose a fixed share of all customers (10 % of a million at
//   90), hence the rank. Weights, N and threshold are configurable; the defaults are our choice.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lianxin::keyaccounts {

struct Facts {
  std::int64_t customer_id = 0;
  std::int64_t bureau_id = 0;          // the county or city bureau the customer belongs to
  double annual_kwh = 0;               // last 12 months
  double previous_kwh = 0;             // the 12 months before (0 = unknown: growth scores neutral)
  double billed_fen = 0, paid_fen = 0; // last 12 months (billed 0 = no bills: credit scores neutral)
  double contract_kva = 0;             // sum over the customer's accounts
  std::string importance_class;        // special, first, second, temporary, none
  std::string industry_code;           // GB/T 4754
  std::vector<std::string> tags;
  bool key_account = false;            // on the current list
};

struct ListedKind {
  std::string kind;                         // government, hospital, emergency_command …
  std::vector<std::string> industry_codes;  // division codes (a customer's code or its prefix matches)
  std::vector<std::string> tags;            // or any of these tags
};

struct Weights {
  double consumption = 0.4, growth = 0.2, credit = 0.2, capacity = 0.2;
};

struct Rules {
  int top_n = 20;
  std::vector<std::string> important_classes = {"special", "first", "second"};
  std::vector<ListedKind> listed_kinds = {{"government", {"91", "92"}, {"政府", "政务"}},
                                          {"hospital", {"84"}, {"医院"}},
                                          {"emergency_command", {}, {"应急指挥"}}};
  double listed_min_kva = 315;
  Weights weights;
  int score_top_n = 20;         // per bureau, by value score
  double score_threshold = 60;  // 0-100
};

enum class Reason { top_consumption, important_class, listed_kind, value_score };
const char* reason_code(Reason reason);

// The reasons of a proposal as a bit set (a million proposals stay small: no allocation each).
class Reasons {
 public:
  void add(Reason r) { bits_ = static_cast<std::uint8_t>(bits_ | (1u << static_cast<unsigned>(r))); }
  bool has(Reason r) const { return (bits_ >> static_cast<unsigned>(r)) & 1u; }
  bool empty() const { return bits_ == 0; }
  std::vector<Reason> list() const;  // in the order of the enum

 private:
  std::uint8_t bits_ = 0;
};

struct Proposal {
  std::int64_t customer_id = 0;
  Reasons reasons;                   // empty = not proposed
  bool currently_key = false;
  std::int16_t listed_kind = -1;     // index into Rules::listed_kinds when Reason::listed_kind
  // 1 = the largest consumer / highest score of its bureau; only the first max(top_n, score_top_n,
  // 100) of a bureau are ranked, 0 = further down.
  int rank_in_bureau = 0;
  int score_rank_in_bureau = 0;
  double score = 0;                  // 0-100
};
// The listed kind's name ("hospital" …), or "" when the proposal has none.
const std::string& listed_kind_name(const Proposal& p, const Rules& rules);

// Validates the rules (weights non-negative and not all zero, top_n 0..1000, threshold 0..100);
// throws AppError(validation_failed) naming the field.
void validate(const Rules& rules);

// One entry per customer, in the order of `facts`.
std::vector<Proposal> propose(const std::vector<Facts>& facts, const Rules& rules);

// The proposal against the current list.
struct Diff {
  std::vector<std::int64_t> added;    // proposed, not key now
  std::vector<std::int64_t> removed;  // key now, not proposed
  std::vector<std::int64_t> kept;     // both
};
Diff diff(const std::vector<Proposal>& proposals);

}  // namespace lianxin::keyaccounts
