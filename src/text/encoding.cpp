// Legacy Chinese encodings. Excel on Chinese Windows saves "CSV (逗号分隔)" in GBK/GB18030, so an
// import accepts such files by converting them, rather than asking users to re-save as UTF-8.
#include <unicode/ucnv.h>

#include "common/strings.hpp"
#include "text/text.hpp"

namespace lianxin::text {

std::optional<std::string> gb18030_to_utf8(std::string_view bytes) {
  UErrorCode status = U_ZERO_ERROR;
  UConverter* from = ucnv_open("GB18030", &status);
  if (U_FAILURE(status)) return std::nullopt;
  // Stop on any byte sequence that is not GB18030 instead of substituting: then it is not GBK text.
  ucnv_setToUCallBack(from, UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  std::string out(bytes.size() * 2 + 16, '\0');
  UConverter* to = ucnv_open("UTF-8", &status);
  if (U_FAILURE(status)) {
    ucnv_close(from);
    return std::nullopt;
  }
  char* target = out.data();
  const char* source = bytes.data();
  ucnv_convertEx(to, from, &target, out.data() + out.size(), &source, bytes.data() + bytes.size(), nullptr, nullptr, nullptr,
                 nullptr, true, true, &status);
  ucnv_close(from);
  ucnv_close(to);
  if (U_FAILURE(status)) return std::nullopt;
  out.resize(static_cast<std::size_t>(target - out.data()));
  if (!is_valid_utf8(out)) return std::nullopt;
  return out;
}

}  // namespace lianxin::text
