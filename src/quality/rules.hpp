#pragma once
// Archive data quality (客户档案数据质量): the rule library and the checks of one customer record
// with its accounts and contacts. Pure: the facts come in, the findings go out; the store loads the
// facts (one customer after an edit, every customer in the nightly pass) and keeps the findings.
// Rules that compare records with each other (duplicates, figures far from their peers) are in
// the store, as set-based queries; their findings use the same codes.
#include <cstdint>
#include <optional>
#include <set>
#include <tuple>
#include <string>
#include <vector>

namespace lianxin::quality {

enum class Severity { high, medium, low };
const char* severity_code(Severity s);
int severity_weight(Severity s);  // points a finding takes off a score of 100: 20, 10, 5

struct RuleInfo {
  std::string code;      // completeness.credit_code …
  std::string category;  // completeness, validity, grid, duplicates, staleness, anomalies
  Severity severity = Severity::medium;
  std::string zh, en;    // what is wrong
  std::string fix_zh, fix_en;  // what to change
  std::string fields;    // the fields it reads, comma-separated
  std::string source;    // where the rule comes from (rules_cn section, issue, our policy)
};
// Every rule, in a stable order.
const std::vector<RuleInfo>& rule_library();
const RuleInfo* rule(const std::string& code);

struct ContactFacts {
  std::int64_t id = 0;
  std::string name, mobile, email, notice_types;
  bool active = true;
  std::optional<std::int64_t> confirmed_at;
};
struct AccountFacts {
  std::int64_t id = 0;
  std::string account_no, voltage_level, tariff_category, basic_charge_mode;
  std::int64_t capacity_kva = 0;
  int declared_sources = 1;    // supply_sources on the account
  int topology_sources = 0;    // sources the topology knows: the first (line, section or area) + account_sources
  bool emergency_power = false;
  bool has_line = false, has_area = false;
  bool line_unknown = false, area_unknown = false;  // a reference to a line or area that does not exist
  bool active = true;
};
struct CustomerFacts {
  std::int64_t id = 0;
  std::string name, credit_code, industry_code, address, importance_class = "none";
  bool industry_known = true;
  bool key_account = false, is_group = false;
  std::optional<std::int64_t> manager_id;
  std::vector<AccountFacts> accounts;
  std::vector<ContactFacts> contacts;
};

struct Finding {
  std::string rule;
  std::int64_t account_id = 0, contact_id = 0;  // 0: the customer itself
  std::string field;   // the field to change (credit_code, accounts.contract_capacity_kva …)
  std::string detail;  // what was found, in Chinese (shown with the rule)
  bool operator<(const Finding& o) const {
    return std::tie(rule, account_id, contact_id) < std::tie(o.rule, o.account_id, o.contact_id);
  }
};

struct CheckParams {
  std::int64_t now = 0;
  int contact_confirm_days = 365;  // staleness of a key account's contacts
};

// The per-record rules that are switched on (`enabled` holds their codes), for one customer.
std::vector<Finding> check_customer(const CustomerFacts& c, const std::set<std::string>& enabled, const CheckParams& params);

// The sources an importance class needs (GB/T 29328-2018 as in rules_cn §6): 特级 3, 一级 2,
// 二级 2 (a double circuit), 临时性 none required; 0 for none.
int sources_required(const std::string& importance_class);

// A name's key for near-duplicates: simplified characters (the caller converts), no spaces or
// punctuation, no remarks in brackets; the legal form stays (有限公司 and 股份有限公司 may differ).
std::string name_key(const std::string& simplified_name);

// Robust outliers among peers: with the median and the median absolute deviation of log values,
// true when |log(x) − median| / (1.4826 · MAD) > threshold. Groups under `min_peers` values, and
// non-positive values, are never outliers.
struct PeerStats {
  double median = 0, mad = 0;
  std::size_t count = 0;
};
PeerStats peer_stats(std::vector<double> logs);
bool is_outlier(double value, const PeerStats& stats, double threshold = 3.5, std::size_t min_peers = 20);

// A customer's score: 100 less the weights of its open findings' rules, at least 0.
int score(const std::vector<Severity>& open_findings);

}  // namespace lianxin::quality
