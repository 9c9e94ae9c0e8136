#pragma once
// Uploaded files (claim attachments, visit records, programme evidence): which types are accepted,
// whether the content agrees with the name, and a printable name. Pure.
#include <cstdint>
#include <optional>
#include <string>

namespace lianxin::files {

// Allowed types: content type by extension (pdf, jpg/jpeg, png, docx, xlsx, txt, mp3, m4a, wav).
std::optional<std::string> content_type_for(const std::string& file_name);
// The file's first bytes must agree with its type: a renamed executable is refused.
bool content_matches(const std::string& content_type, const std::string& bytes);
// Names are shown, never used as paths; still, keep them printable and short (no directories).
std::string clean_file_name(const std::string& name);

struct CheckedFile {
  std::string name, content_type;
};
// All the checks at once; throws validation_failed / unsupported_media_type / payload_too_large
// naming the field (file_name or file).
CheckedFile check(const std::string& file_name, const std::string& bytes, std::int64_t max_bytes);

}  // namespace lianxin::files
