#pragma once
// Internals shared by the PDF writers (pdf.cpp: tables, pdf_report.cpp: report documents): the
// text encoding (UTF-8 to the UCS-2 codes of STSong-Light/UniGB-UCS2-H, ASCII in Courier), number
// formatting, text-showing operators, and the document assembly (fonts, pages, xref). Not part of
// the public interface of lx_io.
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace lianxin::io::detail {

// UTF-8 to the 16-bit codes of UniGB-UCS2-H: BMP characters as they are, anything else '?';
// control characters become spaces. Invalid UTF-8 sequences become '?'.
std::vector<std::uint16_t> to_ucs2(std::string_view s);

// ASCII is drawn in Courier (600/1000 em), everything else in STSong-Light at full width.
inline bool is_ascii(std::uint16_t code) { return code >= 0x20 && code < 0x7F; }
inline double unit_width(std::uint16_t code) { return is_ascii(code) ? 0.6 : 1.0; }

// Four upper-case hex digits.
std::string hex4(std::uint16_t v);

// A number for a content stream: at most two decimals, no trailing zeros, never "-0".
std::string num(double v);

// Appends "BT ... ET" showing `utf8` at (x, y): runs of ASCII in /F2 (Courier, literal strings),
// the rest in /F1 (the CID font, hex codes, recorded in `used` for the ToUnicode map). Bold fills
// and strokes the glyphs (text render mode 2, line width 0.3) in the current colours.
void append_text(std::string& ops, std::set<std::uint16_t>& used, double x, double y, double size,
                 std::string_view utf8, bool bold = false);

// Text cut to fit `width` points at `size`, with an ellipsis when cut.
std::string fit(const std::string& utf8, double width, double size);

// The page number line: {page} and {pages} replaced.
std::string page_label(std::string pattern, std::size_t page, std::size_t pages);

// The whole document: catalog, page tree, the fonts (/F1 STSong-Light, /F2 Courier), the ToUnicode
// map of `used`, the document information (title), one page and content stream per entry of
// `pages`, the xref table and the trailer. PDF 1.4, uncompressed.
std::string assemble_pdf(const std::vector<std::string>& pages, const std::set<std::uint16_t>& used, double page_w,
                         double page_h, const std::string& title);

}  // namespace lianxin::io::detail
