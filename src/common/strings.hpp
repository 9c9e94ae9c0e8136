#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lianxin {

std::string json_escape(std::string_view text);  // without surrounding quotes
std::string trim(std::string_view text);
std::vector<std::string> split(std::string_view text, char sep);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
std::string to_lower_ascii(std::string_view text);
bool is_valid_utf8(std::string_view text);
bool starts_with(std::string_view text, std::string_view prefix);

}  // namespace lianxin
