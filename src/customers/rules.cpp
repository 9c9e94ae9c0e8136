#include "customers/rules.hpp"

#include <algorithm>
#include <cctype>

#include "common/strings.hpp"

namespace lianxin::customers {

const std::vector<CodeLabel>& importance_classes() {
  // GB/T 29328-2018 重要电力用户 classes (rules_cn §6, verified).
  static const std::vector<CodeLabel> list = {{"special", "特级", "Special class"},
                                              {"first", "一级", "Class I"},
                                              {"second", "二级", "Class II"},
                                              {"temporary", "临时性", "Temporary"},
                                              {"none", "非重要用户", "Not important"}};
  return list;
}
const std::vector<CodeLabel>& outage_sensitivities() {
  static const std::vector<CodeLabel> list = {{"high", "高可靠性（秒级停电即受损）", "High reliability (seconds hurt)"},
                                              {"sensitive", "敏感", "Sensitive"},
                                              {"normal", "一般", "Normal"}};
  return list;
}
const std::vector<CodeLabel>& credit_grades() {
  static const std::vector<CodeLabel> list = {
      {"AAA", "AAA", "AAA"}, {"AA", "AA", "AA"}, {"A", "A", "A"}, {"B", "B", "B"}, {"C", "C", "C"}};
  return list;
}
const std::vector<CodeLabel>& voltage_levels() {
  static const std::vector<CodeLabel> list = {{"0.22kV", "交流220V", "AC 220 V"},  {"0.38kV", "交流380V", "AC 380 V"},
                                              {"10kV", "交流10kV", "AC 10 kV"},     {"20kV", "交流20kV", "AC 20 kV"},
                                              {"35kV", "交流35kV", "AC 35 kV"},     {"66kV", "交流66kV", "AC 66 kV"},
                                              {"110kV", "交流110kV", "AC 110 kV"},  {"220kV", "交流220kV", "AC 220 kV"}};
  return list;
}
const std::vector<CodeLabel>& tariff_categories() {
  static const std::vector<CodeLabel> list = {
      {"residential", "居民生活用电", "Residential"},
      {"agricultural", "农业生产用电", "Agricultural"},
      {"ci_single", "工商业用电（单一制）", "Commercial & industrial, single-part"},
      {"ci_two_part", "工商业用电（两部制）", "Commercial & industrial, two-part"}};
  return list;
}
const std::vector<CodeLabel>& basic_charge_modes() {
  static const std::vector<CodeLabel> list = {{"none", "不执行基本电费", "No basic charge"},
                                              {"capacity", "按变压器容量", "By transformer capacity"},
                                              {"contract_demand", "按合同最大需量", "By contract demand"},
                                              {"actual_demand", "按实际最大需量", "By actual maximum demand"}};
  return list;
}
const std::vector<CodeLabel>& contact_roles() {
  static const std::vector<CodeLabel> list = {{"legal_representative", "法定代表人", "Legal representative"},
                                              {"general_manager", "总经理", "General manager"},
                                              {"electrical_officer", "电气负责人", "Electrical officer"},
                                              {"duty_room", "值班室", "Duty room"},
                                              {"finance", "财务联系人", "Finance"},
                                              {"safety_officer", "安全负责人", "Safety officer"},
                                              {"other", "其他", "Other"}};
  return list;
}
const std::vector<CodeLabel>& notice_types() {
  static const std::vector<CodeLabel> list = {{"outage", "停电通知", "Outage notices"},
                                              {"limitation", "限电/有序用电通知", "Power limitation notices"},
                                              {"claim", "诉求进展", "Claim progress"},
                                              {"bill", "账单与欠费", "Bills and arrears"},
                                              {"report", "用电分析报告", "Usage reports"},
                                              {"expansion", "业扩办理进度", "Business expansion progress"}};
  return list;
}
const std::vector<CodeLabel>& customer_statuses() {
  static const std::vector<CodeLabel> list = {
      {"active", "正常", "Active"}, {"inactive", "已注销", "Inactive"}, {"merged", "已合并", "Merged"}};
  return list;
}

bool is_code_in(const std::vector<CodeLabel>& list, const std::string& code) {
  return std::any_of(list.begin(), list.end(), [&](const CodeLabel& c) { return code == c.code; });
}

std::string codes_of(const std::vector<CodeLabel>& list) {
  std::string out;
  for (const auto& c : list) {
    if (!out.empty()) out += ", ";
    out += c.code;
  }
  return out;
}

namespace {
const std::string kCreditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";  // 31 characters, no I O S V Z
}

char credit_code_check_char(const std::string& first17) {
  static const int weights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    auto pos = kCreditAlphabet.find(first17[i]);
    if (pos == std::string::npos) return '?';
    sum += static_cast<int>(pos) * weights[i];
  }
  int check = 31 - sum % 31;
  if (check == 31) check = 0;
  return kCreditAlphabet[check];
}

std::string credit_code_problem(const std::string& code) {
  if (code.size() != 18) return "must be 18 characters (统一社会信用代码)";
  for (std::size_t i = 0; i < code.size(); ++i) {
    if (kCreditAlphabet.find(code[i]) == std::string::npos)
      return "character " + std::to_string(i + 1) + " is not allowed (use 0-9 and capital letters except I, O, S, V, Z)";
  }
  for (int i = 2; i < 8; ++i)
    if (!std::isdigit(static_cast<unsigned char>(code[i])))
      return "characters 3 to 8 must be digits (administrative division code)";
  if (credit_code_check_char(code.substr(0, 17)) != code[17]) return "check character is wrong";
  return {};
}

std::optional<std::string> normalize_mobile(const std::string& text) {
  std::string digits;
  for (char c : text) {
    if (c == ' ' || c == '-') continue;
    if (c == '+' && digits.empty()) continue;
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    digits.push_back(c);
  }
  if (digits.size() == 13 && digits.compare(0, 2, "86") == 0) digits = digits.substr(2);
  if (digits.size() != 11 || digits[0] != '1' || digits[1] < '3') return std::nullopt;
  return digits;
}

bool valid_email(const std::string& text) {
  auto at = text.find('@');
  if (at == std::string::npos || at == 0 || text.find('@', at + 1) != std::string::npos) return false;
  auto dot = text.find('.', at);
  if (dot == std::string::npos || dot == at + 1 || dot + 1 >= text.size()) return false;
  return text.size() <= 200 && text.find(' ') == std::string::npos;
}

bool valid_account_no(const std::string& text) {
  if (text.size() < 6 || text.size() > 20) return false;
  return std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'A' && c <= 'Z'); });
}

std::vector<std::string> normalize_tags(const std::vector<std::string>& tags) {
  std::vector<std::string> out;
  for (const auto& raw : tags) {
    for (auto& part : split(raw, ',')) {
      std::string t = trim(part);
      if (t.empty()) continue;
      if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
    }
  }
  return out;
}

}  // namespace lianxin::customers
