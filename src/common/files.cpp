#include "common/files.hpp"

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

#include "common/errors.hpp"

namespace lianxin::files {

std::optional<std::string> content_type_for(const std::string& file_name) {
  static const std::vector<std::pair<std::string, std::string>> types = {
      {".pdf", "application/pdf"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".png", "image/png"},
      {".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
      {".txt", "text/plain; charset=utf-8"},
      {".mp3", "audio/mpeg"},
      {".m4a", "audio/mp4"},
      {".wav", "audio/wav"}};
  std::string lower = file_name;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  for (auto& [ext, type] : types)
    if (lower.size() > ext.size() && lower.compare(lower.size() - ext.size(), ext.size(), ext) == 0) return type;
  return std::nullopt;
}

bool content_matches(const std::string& type, const std::string& bytes) {
  auto starts = [&](std::string_view magic) { return bytes.compare(0, magic.size(), magic) == 0; };
  if (type == "application/pdf") return starts("%PDF-");
  if (type == "image/jpeg") return starts("\xFF\xD8\xFF");
  if (type == "image/png") return starts("\x89PNG\r\n\x1a\n");
  if (type.find("openxmlformats") != std::string::npos) return starts("PK\x03\x04");
  if (type == "audio/wav") return starts("RIFF");
  if (type == "audio/mpeg") return starts("ID3") || (bytes.size() > 1 && static_cast<unsigned char>(bytes[0]) == 0xFF);
  if (type == "audio/mp4") return bytes.size() > 8 && bytes.compare(4, 4, "ftyp") == 0;
  if (type.rfind("text/plain", 0) == 0) return bytes.find('\0') == std::string::npos;
  return false;
}

std::string clean_file_name(const std::string& name) {
  std::string base = name;
  auto slash = base.find_last_of("/\\");
  if (slash != std::string::npos) base = base.substr(slash + 1);
  std::string out;
  for (char ch : base)
    if (static_cast<unsigned char>(ch) >= 0x20 && ch != 0x7f) out.push_back(ch);
  if (out.size() > 200) out = out.substr(out.size() - 200);
  return out;
}

CheckedFile check(const std::string& file_name, const std::string& bytes, std::int64_t max_bytes) {
  const std::string name = clean_file_name(file_name);
  if (name.empty() || name == "." || name == "..")
    throw AppError(ErrorCode::validation_failed, "invalid attachment", {{"file_name", "is required"}});
  auto type = content_type_for(name);
  if (!type)
    throw AppError(ErrorCode::unsupported_media_type, "this file type is not accepted",
                   {{"file_name", "allowed: pdf, jpg, jpeg, png, docx, xlsx, txt, mp3, m4a, wav"}});
  if (bytes.empty()) throw AppError(ErrorCode::validation_failed, "invalid attachment", {{"file", "is empty"}});
  if (static_cast<std::int64_t>(bytes.size()) > max_bytes)
    throw AppError(ErrorCode::payload_too_large, "the file is too large",
                   {{"file", "at most " + std::to_string(max_bytes / 1024) + " KiB"}});
  if (!content_matches(*type, bytes))
    throw AppError(ErrorCode::unsupported_media_type, "the file's content does not match its type", {{"file_name", name}});
  return {name, *type};
}

}  // namespace lianxin::files
