#pragma once
// Pure archive rules: code lists, the credit-code check character, field formats. No I/O.
#include <optional>
#include <string>
#include <vector>

namespace lianxin::customers {

struct CodeLabel {
  const char* code;
  const char* zh;
  const char* en;
};

// Code lists shown in the UI and checked on input.
const std::vector<CodeLabel>& importance_classes();   // GB/T 29328-2018 classes + none
const std::vector<CodeLabel>& outage_sensitivities();
const std::vector<CodeLabel>& credit_grades();
const std::vector<CodeLabel>& voltage_levels();
const std::vector<CodeLabel>& tariff_categories();
const std::vector<CodeLabel>& basic_charge_modes();
const std::vector<CodeLabel>& contact_roles();
const std::vector<CodeLabel>& notice_types();
const std::vector<CodeLabel>& customer_statuses();
bool is_code_in(const std::vector<CodeLabel>& list, const std::string& code);
std::string codes_of(const std::vector<CodeLabel>& list);  // "a, b, c" for error messages

// 统一社会信用代码 (GB 32100-2015): 18 characters from "0-9 A-H J-N P-R T-U W-Y", positions 3-8
// an administrative division code, and a check character over the first 17 (weights 3^i mod 31).
// Returns an empty string when valid, else the reason.
std::string credit_code_problem(const std::string& code);
// Computes the check character for 17 leading characters (for tests and demo data).
char credit_code_check_char(const std::string& first17);

// Mainland mobile number: 11 digits starting with 1[3-9]. Accepts "+86" / "86" prefixes and
// spaces or dashes, returning the normalised 11 digits, or nullopt.
std::optional<std::string> normalize_mobile(const std::string& text);
bool valid_email(const std::string& text);
// 户号: 6 to 20 digits or capital letters.
bool valid_account_no(const std::string& text);
// Tags: comma separated, trimmed, de-duplicated, each at most 20 bytes.
std::vector<std::string> normalize_tags(const std::vector<std::string>& tags);

}  // namespace lianxin::customers
