#pragma once
// Chinese wording of the server's messages. Messages are written in English in the code (stable
// for logs and tests) and localised in one place when the client asks for Chinese
// (Accept-Language: zh…), which the web UI does in its default language.
#include <string>

namespace lianxin {

enum class Lang { en, zh };

// zh when the Accept-Language header starts with "zh", else en.
Lang lang_from_header(const std::string& accept_language);
// The message in the requested language; unknown messages are returned unchanged.
std::string localize(const std::string& message, Lang lang);

}  // namespace lianxin
