#include "quality/rules.hpp"

#include <algorithm>
#include <cmath>

#include "customers/rules.hpp"

namespace lianxin::quality {

const char* severity_code(Severity s) {
  switch (s) {
    case Severity::high: return "high";
    case Severity::medium: return "medium";
    case Severity::low: return "low";
  }
  return "medium";
}

int severity_weight(Severity s) { return s == Severity::high ? 20 : s == Severity::medium ? 10 : 5; }

const std::vector<RuleInfo>& rule_library() {
  using S = Severity;
  static const std::vector<RuleInfo> rules = {
      // completeness
      {"completeness.credit_code", "completeness", S::high, "缺少统一社会信用代码", "The unified social credit code is missing",
       "补录营业执照上的统一社会信用代码", "Enter the code from the business licence", "credit_code", "issue 8: mandatory field"},
      {"completeness.industry", "completeness", S::medium, "缺少行业分类", "The industry is missing", "按GB/T 4754选择行业", "Choose the GB/T 4754 industry",
       "industry_code", "issue 8: mandatory field"},
      {"completeness.address", "completeness", S::low, "缺少用电地址", "The address is missing", "补录用电地址", "Enter the address", "address",
       "issue 8: mandatory field"},
      {"completeness.voltage_level", "completeness", S::high, "用电户缺少电压等级", "An account has no voltage level", "补录供电电压等级",
       "Enter the supply voltage", "accounts.voltage_level", "issue 8: mandatory field"},
      {"completeness.capacity", "completeness", S::medium, "用电户缺少合同容量", "An account has no contract capacity", "补录合同容量（kVA）",
       "Enter the contract capacity (kVA)", "accounts.contract_capacity_kva", "issue 8: mandatory field (not for residential accounts)"},
      {"completeness.supply_line", "completeness", S::high, "用电户缺少供电线路", "An account has no supply line", "补录供电线路或台区",
       "Enter the supply line or transformer area", "accounts.line_id,accounts.transformer_area_id", "issue 8: mandatory field"},
      {"completeness.transformer_area", "completeness", S::medium, "低压用电户缺少台区", "A low-voltage account has no transformer area",
       "补录所属台区", "Enter the transformer area", "accounts.transformer_area_id", "issue 8: mandatory for low-voltage accounts"},
      {"completeness.key_manager", "completeness", S::high, "重点客户未指定客户经理", "A key account has no account manager", "指定客户经理",
       "Assign an account manager", "manager_id", "issue 8"},
      {"completeness.key_outage_contact", "completeness", S::high, "重点客户没有接收停电通知的联系人", "A key account has no contact who takes outage notices",
       "为联系人勾选停电通知并核实手机号", "Tick outage notices for a contact with a mobile number", "contacts.notice_types,contacts.mobile",
       "issue 8: outage notices must reach somebody"},
      {"completeness.contact_mobile", "completeness", S::medium, "联系人没有手机号", "A contact has no mobile number", "补录联系人手机号",
       "Enter the contact's mobile number", "contacts.mobile", "issue 8"},
      // validity
      {"validity.credit_code", "validity", S::high, "统一社会信用代码校验位错误", "The credit code's check character is wrong",
       "核对营业执照重新录入", "Re-enter it from the business licence", "credit_code", "GB 32100-2015 check character"},
      {"validity.mobile", "validity", S::medium, "手机号格式错误", "A mobile number is malformed", "按11位手机号重新录入", "Enter the 11-digit mobile number",
       "contacts.mobile", "mainland mobile numbers: 11 digits starting 1[3-9]"},
      {"validity.email", "validity", S::low, "电子邮箱格式错误", "An e-mail address is malformed", "核对电子邮箱", "Check the e-mail address", "contacts.email",
       "issue 8"},
      {"validity.industry", "validity", S::medium, "行业代码不存在", "The industry code does not exist", "按GB/T 4754重新选择行业",
       "Choose an existing GB/T 4754 industry", "industry_code", "GB/T 4754-2017"},
      {"validity.tariff_capacity", "validity", S::medium, "两部制电价用户容量不足100kVA", "Two-part tariff on 100 kVA or less",
       "核对容量或改为单一制电价", "Check the capacity or change to the single-part tariff", "accounts.tariff_category,accounts.contract_capacity_kva",
       "rules_cn §4.4 (发改价格〔2023〕526号): ≤100 kVA single-part"},
      {"validity.basic_charge_mode", "validity", S::medium, "基本电费计收方式与电价不符", "The basic-charge mode does not match the tariff",
       "两部制选择按容量或需量计收，单一制不计基本电费", "Two-part: by capacity or demand; single-part: none", "accounts.basic_charge_mode",
       "rules_cn §4.4: basic charge applies to two-part tariffs"},
      // grid rules
      {"grid.sources", "grid", S::high, "重要用户电源配置不满足等级要求", "An important customer has fewer sources than its class needs",
       "核实供电电源；不满足的督促客户整改", "Check the sources; have the customer upgrade if short", "importance_class,accounts.supply_sources",
       "rules_cn §6, GB/T 29328-2018: 特级 3 sources, 一级 2, 二级 double circuit"},
      {"grid.emergency_power", "grid", S::high, "重要用户未配置自备应急电源", "An important customer has no own emergency power",
       "核实自备应急电源并登记", "Check and record the emergency power", "accounts.emergency_power", "rules_cn §6: every class needs 自备应急电源"},
      {"grid.unknown_reference", "grid", S::high, "用电户的线路或台区在拓扑中不存在", "An account's line or transformer area is not in the topology",
       "重新选择线路或台区", "Choose an existing line or transformer area", "accounts.line_id,accounts.transformer_area_id", "issue 8"},
      // duplicates (set-based, in the store)
      {"duplicates.credit_code", "duplicates", S::high, "统一社会信用代码重复", "The same credit code on two customers", "核实后合并重复客户",
       "Check and merge the duplicates", "credit_code", "issue 8"},
      {"duplicates.name", "duplicates", S::medium, "同一单位内客户名称近似重复", "Near-identical names in one bureau", "核实是否同一客户，是则合并",
       "Check whether it is one customer and merge", "name", "issue 8: names compared in simplified characters without the legal form"},
      {"duplicates.mobile", "duplicates", S::low, "同一手机号登记在无关联的多个客户", "One mobile number on unrelated customers",
       "核实联系人手机号", "Check the contacts' mobile numbers", "contacts.mobile", "issue 8 (customers of one group are related)"},
      // staleness
      {"staleness.key_contacts", "staleness", S::medium, "重点客户联系人超过12个月未核实", "A key account's contacts were not confirmed for 12 months",
       "与客户核实联系人并登记核实日期", "Confirm the contacts with the customer", "contacts.confirmed_at", "issue 8: 12 months"},
      // anomalies (set-based, in the store)
      {"anomalies.capacity", "anomalies", S::low, "合同容量远偏离同行业同电压等级客户", "Contract capacity far from the same industry and voltage",
       "核对合同容量", "Check the contract capacity", "accounts.contract_capacity_kva", "robust z-score of log capacity > 3.5 among ≥ 20 peers: our policy"},
      {"anomalies.consumption", "anomalies", S::low, "年用电量远偏离同行业客户", "Annual consumption far from the same industry",
       "核对年用电量及计量", "Check the consumption and the metering", "annual_kwh", "robust z-score of log kWh per kVA > 3.5 among ≥ 20 peers: our policy"},
  };
  return rules;
}

const RuleInfo* rule(const std::string& code) {
  for (const auto& r : rule_library())
    if (r.code == code) return &r;
  return nullptr;
}

int sources_required(const std::string& importance_class) {
  if (importance_class == "special") return 3;
  if (importance_class == "first" || importance_class == "second") return 2;
  return 0;
}

namespace {

bool takes(const std::string& list, const char* type) { return ("," + list + ",").find("," + std::string(type) + ",") != std::string::npos; }

}  // namespace

std::vector<Finding> check_customer(const CustomerFacts& c, const std::set<std::string>& enabled, const CheckParams& params) {
  std::vector<Finding> out;
  auto add = [&](const char* rule, std::int64_t account, std::int64_t contact, const char* field, std::string detail) {
    if (enabled.count(rule)) out.push_back({rule, account, contact, field, std::move(detail)});
  };
  if (!c.is_group) {
    if (c.credit_code.empty()) add("completeness.credit_code", 0, 0, "credit_code", "未登记统一社会信用代码");
    else if (auto problem = customers::credit_code_problem(c.credit_code); !problem.empty())
      add("validity.credit_code", 0, 0, "credit_code", "统一社会信用代码 " + c.credit_code + " 校验不通过");
    if (c.industry_code.empty()) add("completeness.industry", 0, 0, "industry_code", "未登记行业分类");
    else if (!c.industry_known) add("validity.industry", 0, 0, "industry_code", "行业代码 " + c.industry_code + " 不存在");
    if (c.address.empty()) add("completeness.address", 0, 0, "address", "未登记用电地址");
  }
  int max_sources = 0;
  bool emergency = false;
  std::size_t active_accounts = 0;
  for (const AccountFacts& a : c.accounts) {
    if (!a.active) continue;
    ++active_accounts;
    max_sources = std::max({max_sources, a.declared_sources, a.topology_sources});
    emergency = emergency || a.emergency_power;
    const std::string which = "户号 " + a.account_no;
    if (a.voltage_level.empty()) add("completeness.voltage_level", a.id, 0, "voltage_level", which + " 未登记电压等级");
    if (a.capacity_kva <= 0 && a.tariff_category != "residential")
      add("completeness.capacity", a.id, 0, "contract_capacity_kva", which + " 未登记合同容量");
    if (a.line_unknown || a.area_unknown)
      add("grid.unknown_reference", a.id, 0, a.line_unknown ? "line_id" : "transformer_area_id",
          which + (a.line_unknown ? " 的供电线路" : " 的台区") + "在拓扑中不存在");
    else if (!a.has_line && !a.has_area)
      add("completeness.supply_line", a.id, 0, "line_id", which + " 未登记供电线路或台区");
    else if (!a.has_area && (a.voltage_level == "0.22kV" || a.voltage_level == "0.38kV"))
      add("completeness.transformer_area", a.id, 0, "transformer_area_id", which + " 为低压户，未登记台区");
    if (a.tariff_category == "ci_two_part" && a.capacity_kva > 0 && a.capacity_kva <= 100)
      add("validity.tariff_capacity", a.id, 0, "tariff_category", which + " 容量 " + std::to_string(a.capacity_kva) + "kVA，执行两部制电价");
    const bool two_part = a.tariff_category == "ci_two_part";
    if (two_part == (a.basic_charge_mode == "none"))
      add("validity.basic_charge_mode", a.id, 0, "basic_charge_mode",
          which + (two_part ? " 执行两部制电价但未计收基本电费" : " 未执行两部制电价却计收基本电费"));
  }
  const int needed = sources_required(c.importance_class);
  if (needed > 0 && active_accounts > 0 && max_sources < needed)
    add("grid.sources", 0, 0, "supply_sources",
        "重要等级要求至少 " + std::to_string(needed) + " 路电源，档案中最多 " + std::to_string(max_sources) + " 路");
  if (c.importance_class != "none" && active_accounts > 0 && !emergency)
    add("grid.emergency_power", 0, 0, "emergency_power", "重要用户的用电户均未登记自备应急电源");
  bool outage_contact = false, confirmed_recently = false, any_contact = false;
  constexpr std::int64_t kDay = 86'400'000;
  for (const ContactFacts& k : c.contacts) {
    if (!k.active) continue;
    any_contact = true;
    const auto mobile = k.mobile.empty() ? std::nullopt : customers::normalize_mobile(k.mobile);
    if (k.mobile.empty()) add("completeness.contact_mobile", 0, k.id, "mobile", "联系人 " + k.name + " 未登记手机号");
    else if (!mobile) add("validity.mobile", 0, k.id, "mobile", "联系人 " + k.name + " 的手机号 " + k.mobile + " 格式错误");
    if (!k.email.empty() && !customers::valid_email(k.email))
      add("validity.email", 0, k.id, "email", "联系人 " + k.name + " 的邮箱 " + k.email + " 格式错误");
    if (mobile && takes(k.notice_types, "outage")) outage_contact = true;
    if (k.confirmed_at && *k.confirmed_at >= params.now - params.contact_confirm_days * kDay) confirmed_recently = true;
  }
  if (c.key_account) {
    if (!c.manager_id) add("completeness.key_manager", 0, 0, "manager_id", "重点客户未指定客户经理");
    if (!outage_contact) add("completeness.key_outage_contact", 0, 0, "contacts", "没有可接收停电通知（有手机号且勾选停电通知）的联系人");
    if (any_contact && !confirmed_recently)
      add("staleness.key_contacts", 0, 0, "contacts.confirmed_at", "联系人超过 " + std::to_string(params.contact_confirm_days) + " 天未核实");
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string name_key(const std::string& name) {
  // Without spaces and punctuation, and without remarks in brackets ("（原档案）", "(本部)"); ASCII
  // lower-case. The legal form stays: 某某有限公司 and 某某股份有限公司 can be two companies.
  static const char* const kDrop[] = {"　", "，", "、", "·", "．", ".", ",", " ", "-", "—", "“", "”", "\"", "'"};
  std::string s;
  int depth = 0;
  for (std::size_t i = 0; i < name.size();) {
    auto at = [&](const char* t) { return name.compare(i, std::char_traits<char>::length(t), t) == 0; };
    if (at("（") || at("(")) {
      ++depth;
      i += at("(") ? 1 : std::char_traits<char>::length("（");
      continue;
    }
    if (at("）") || at(")")) {
      depth = std::max(0, depth - 1);
      i += at(")") ? 1 : std::char_traits<char>::length("）");
      continue;
    }
    bool dropped = false;
    for (const char* d : kDrop)
      if (at(d)) {
        i += std::char_traits<char>::length(d);
        dropped = true;
        break;
      }
    if (dropped) continue;
    const unsigned char ch = static_cast<unsigned char>(name[i]);
    if (depth == 0) s.push_back(static_cast<char>(ch < 0x80 ? std::tolower(ch) : ch));
    ++i;
  }
  return s;
}

PeerStats peer_stats(std::vector<double> logs) {
  PeerStats st;
  st.count = logs.size();
  if (logs.empty()) return st;
  auto median_of = [](std::vector<double>& v) {
    const std::size_t mid = v.size() / 2;
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
    double m = v[mid];
    if (v.size() % 2 == 0) m = (m + *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid))) / 2;
    return m;
  };
  st.median = median_of(logs);
  for (double& x : logs) x = std::fabs(x - st.median);
  st.mad = median_of(logs);
  return st;
}

bool is_outlier(double value, const PeerStats& stats, double threshold, std::size_t min_peers) {
  if (value <= 0 || stats.count < min_peers) return false;
  const double spread = 1.4826 * stats.mad;
  if (spread <= 1e-9) return false;
  return std::fabs(std::log(value) - stats.median) / spread > threshold;
}

int score(const std::vector<Severity>& open_findings) {
  int s = 100;
  for (Severity f : open_findings) s -= severity_weight(f);
  return std::max(s, 0);
}

}  // namespace lianxin::quality
