#include "io/pdf.hpp"

#include "io/pdf_internal.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdint>
#include <set>

namespace lianxin::io {

namespace detail {

std::vector<std::uint16_t> to_ucs2(std::string_view s) {
  std::vector<std::uint16_t> out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::uint32_t cp = 0;
    std::size_t len = 1;
    if (c < 0x80) cp = c;
    else if ((c >> 5) == 0x6) cp = c & 0x1F, len = 2;
    else if ((c >> 4) == 0xE) cp = c & 0x0F, len = 3;
    else if ((c >> 3) == 0x1E) cp = c & 0x07, len = 4;
    else {
      out.push_back('?');
      ++i;
      continue;
    }
    bool ok = i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 0x2) ok = false;
      else cp = (cp << 6) | (cc & 0x3F);
    }
    if (!ok) {
      out.push_back('?');
      ++i;
      continue;
    }
    i += len;
    if (cp < 0x20 || cp == 0x7F) out.push_back(' ');
    else if (cp > 0xFFFF || (cp >= 0xD800 && cp <= 0xDFFF)) out.push_back('?');
    else out.push_back(static_cast<std::uint16_t>(cp));
  }
  return out;
}

// ASCII is drawn in Courier (a standard font: every glyph 600/1000 wide, so widths are exact and
// figures line up in columns); everything else in STSong-Light at full width. The CID font's own
// Latin glyphs are proportional with widths we do not know, which spaced "3,254.06" unevenly.
std::string hex4(std::uint16_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04X", static_cast<unsigned>(v));
  return buf;
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s.empty() || s == "-0" ? "0" : s;
}

void append_text(std::string& ops, std::set<std::uint16_t>& used, double x, double y, double size,
                 std::string_view utf8, bool bold) {
  auto codes = to_ucs2(utf8);
  if (codes.empty()) return;
  // Runs of ASCII (F2, Courier, literal string) and of the rest (F1, CID font, hex codes); the
  // text position advances by the glyph widths, so the runs follow each other.
  // Bold: fill and stroke the glyphs (the standard CID fonts have no bold face).
  ops += "BT " + std::string(bold ? "2 Tr 0.3 w " : "0 Tr ") + num(x) + " " + num(y) + " Td";
  std::size_t i = 0;
  while (i < codes.size()) {
    const bool ascii = is_ascii(codes[i]);
    std::string run;
    for (; i < codes.size() && is_ascii(codes[i]) == ascii; ++i) {
      if (ascii) {
        const char ch = static_cast<char>(codes[i]);
        if (ch == '(' || ch == ')' || ch == '\\') run.push_back('\\');
        run.push_back(ch);
      } else {
        used.insert(codes[i]);
        run += hex4(codes[i]);
      }
    }
    ops += ascii ? " /F2 " + num(size) + " Tf (" + run + ") Tj" : " /F1 " + num(size) + " Tf <" + run + "> Tj";
  }
  ops += " ET\n";
}

std::string fit(const std::string& utf8, double width, double size) {
  if (pdf_text_width(utf8, size) <= width) return utf8;
  const double ellipsis = size;  // "…" is full width
  std::string out;
  double used = 0;
  for (std::size_t i = 0; i < utf8.size();) {
    std::size_t len = 1;
    const auto c = static_cast<unsigned char>(utf8[i]);
    if ((c >> 5) == 0x6) len = 2;
    else if ((c >> 4) == 0xE) len = 3;
    else if ((c >> 3) == 0x1E) len = 4;
    const std::string ch = utf8.substr(i, len);
    const double w = pdf_text_width(ch, size);
    if (used + w + ellipsis > width) break;
    out += ch;
    used += w;
    i += len;
  }
  return out + "\xE2\x80\xA6";
}

std::string page_label(std::string label, std::size_t page, std::size_t pages) {
  for (auto [key, value] : {std::pair<std::string, std::string>{"{page}", std::to_string(page)}, {"{pages}", std::to_string(pages)}})
    for (std::size_t at; (at = label.find(key)) != std::string::npos;) label.replace(at, key.size(), value);
  return label;
}

namespace {

std::string tounicode_cmap(const std::set<std::uint16_t>& used) {
  std::string s =
      "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
      "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
      "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
  std::vector<std::uint16_t> codes(used.begin(), used.end());
  for (std::size_t start = 0; start < codes.size(); start += 100) {
    const std::size_t n = std::min<std::size_t>(100, codes.size() - start);
    s += std::to_string(n) + " beginbfchar\n";
    for (std::size_t i = start; i < start + n; ++i) s += "<" + hex4(codes[i]) + "> <" + hex4(codes[i]) + ">\n";
    s += "endbfchar\n";
  }
  s += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
  return s;
}

// A PDF text string in UTF-16BE with a byte order mark, as hex (for the document information).
std::string info_string(const std::string& utf8) {
  std::string hex = "<FEFF";
  for (auto c : to_ucs2(utf8)) hex += hex4(c);
  return hex + ">";
}

}  // namespace

std::string assemble_pdf(const std::vector<std::string>& pages, const std::set<std::uint16_t>& used, double page_w,
                         double page_h, const std::string& title) {
  const std::size_t page_count = pages.size();
  // Objects: 1 catalog, 2 pages, 3 Type0 font, 4 CID font, 5 descriptor, 6 ToUnicode, 7 info,
  // 8 Courier, then a page and its content stream per page. Written straight into the output
  // (the content streams are most of it and are not copied more than once).
  std::size_t total = 4096;
  for (auto& p : pages) total += p.size() + 256;
  std::string out;
  out.reserve(total);
  out += "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  std::vector<std::size_t> offsets;
  auto object = [&](std::string_view body) {
    offsets.push_back(out.size());
    out += std::to_string(offsets.size());
    out += " 0 obj\n";
    out += body;
    out += "\nendobj\n";
  };
  auto stream = [&](std::string_view data) {
    offsets.push_back(out.size());
    out += std::to_string(offsets.size());
    out += " 0 obj\n<< /Length ";
    out += std::to_string(data.size());
    out += " >>\nstream\n";
    out += data;
    out += "\nendstream\nendobj\n";
  };
  std::string kids;
  for (std::size_t i = 0; i < page_count; ++i) kids += (i ? " " : "") + std::to_string(9 + 2 * i) + " 0 R";
  object("<< /Type /Catalog /Pages 2 0 R >>");
  object("<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(page_count) + " >>");
  object("<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
         "/DescendantFonts [4 0 R] /ToUnicode 6 0 R >>");
  object("<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
         "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
         "/FontDescriptor 5 0 R /DW 1000 /W [1 95 500] >>");
  object("<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
         "/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>");
  stream(tounicode_cmap(used));
  object("<< /Title " + info_string(title) + " /Producer (Lianxin) >>");
  object("<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>");
  const std::string media = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " + num(page_w) + " " + num(page_h) +
                            "] /Resources << /Font << /F1 3 0 R /F2 8 0 R >> >> /Contents ";
  for (std::size_t i = 0; i < page_count; ++i) {
    object(media + std::to_string(10 + 2 * i) + " 0 R >>");
    stream(pages[i]);
  }

  const std::size_t xref = out.size();
  out += "xref\n0 " + std::to_string(offsets.size() + 1) + "\n0000000000 65535 f \n";
  for (auto off : offsets) {
    char entry[32];
    std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", off);
    out += entry;
  }
  out += "trailer\n<< /Size " + std::to_string(offsets.size() + 1) + " /Root 1 0 R /Info 7 0 R >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  return out;
}

}  // namespace detail

namespace {

using detail::fit;
using detail::num;

// Collects the drawing of the pages and the codes used (for the ToUnicode map).
class Canvas {
 public:
  explicit Canvas(std::set<std::uint16_t>& used) : used_(used) {}
  void text(double x, double y, double size, std::string_view utf8, bool bold = false) {
    detail::append_text(ops_, used_, x, y, size, utf8, bold);
  }
  void fill_rect(double x, double y, double w, double h, double gray) {
    ops_ += num(gray) + " g " + num(x) + " " + num(y) + " " + num(w) + " " + num(h) + " re f 0 g\n";
  }
  void line(double x1, double y1, double x2, double y2, double width) {
    ops_ += num(width) + " w " + num(x1) + " " + num(y1) + " m " + num(x2) + " " + num(y2) + " l S\n";
  }
  std::string take() { return std::move(ops_); }

 private:
  std::set<std::uint16_t>& used_;
  std::string ops_;
};

}  // namespace

double pdf_text_width(std::string_view utf8, double font_size) {
  double w = 0;
  for (auto c : detail::to_ucs2(utf8)) w += detail::unit_width(c);
  return w * font_size;
}

std::string write_pdf(const PdfTable& t) {
  const double page_w = t.landscape ? 841.89 : 595.28, page_h = t.landscape ? 595.28 : 841.89;
  const double margin = 36, size = t.font_size, title_size = 14, row_h = size * 1.9, pad = 3;
  const double table_w = page_w - 2 * margin, bottom = margin + 20;  // room for the page number
  double total_weight = 0;
  for (auto& c : t.columns) total_weight += std::max(0.0, c.width);
  std::vector<double> widths, xs;
  double x = margin;
  for (auto& c : t.columns) {
    const double w = total_weight > 0 ? table_w * std::max(0.0, c.width) / total_weight : 0;
    xs.push_back(x);
    widths.push_back(w);
    x += w;
  }

  std::set<std::uint16_t> used;
  std::vector<std::string> pages;
  Canvas canvas(used);
  double y = 0;

  auto draw_row = [&](const std::vector<std::string>& cells, RowStyle style, bool header) {
    const double top = y;
    if (header) canvas.fill_rect(margin, top - row_h, table_w, row_h, 0.85);
    else if (style == RowStyle::subtotal) canvas.fill_rect(margin, top - row_h, table_w, row_h, 0.93);
    else if (style == RowStyle::total) canvas.fill_rect(margin, top - row_h, table_w, row_h, 0.85);
    const double baseline = top - row_h + (row_h - size) / 2 + size * 0.15;
    for (std::size_t c = 0; c < t.columns.size() && c < cells.size(); ++c) {
      const double inner = widths[c] - 2 * pad;
      if (inner <= 0) continue;
      const std::string text = fit(cells[c], inner, size);
      const double w = pdf_text_width(text, size);
      const Align align = header ? Align::center : t.columns[c].align;
      double tx = xs[c] + pad;
      if (align == Align::right) tx = xs[c] + widths[c] - pad - w;
      else if (align == Align::center) tx = xs[c] + (widths[c] - w) / 2;
      canvas.text(tx, baseline, size, text, header || style != RowStyle::normal);
    }
    canvas.line(margin, top - row_h, margin + table_w, top - row_h, header ? 0.8 : 0.3);
    y -= row_h;
  };
  auto header_cells = [&] {
    std::vector<std::string> h;
    for (auto& c : t.columns) h.push_back(c.title);
    return h;
  };
  auto start_page = [&](bool first) {
    y = page_h - margin;
    const double tw = pdf_text_width(t.title, title_size);
    canvas.text((page_w - tw) / 2, y - title_size, title_size, t.title, true);
    y -= title_size + 10;
    if (first) {
      for (auto& line : t.subtitle) {
        canvas.text(margin, y - 9, 9, fit(line, table_w, 9));
        y -= 14;
      }
      y -= 4;
    }
  };
  auto finish_page = [&] { pages.push_back(canvas.take()); };

  start_page(true);
  if (!t.columns.empty()) {
    canvas.line(margin, y, margin + table_w, y, 0.8);
    draw_row(header_cells(), RowStyle::normal, true);
    for (const PdfRow& row : t.rows) {
      if (y - row_h < bottom) {
        finish_page();
        start_page(false);
        canvas.line(margin, y, margin + table_w, y, 0.8);
        draw_row(header_cells(), RowStyle::normal, true);
      }
      draw_row(row.cells, row.style, false);
    }
  }
  y -= 8;
  for (auto& note : t.notes) {
    if (y - 12 < bottom) {
      finish_page();
      start_page(false);
    }
    canvas.text(margin, y - 9, 9, fit(note, table_w, 9));
    y -= 14;
  }
  finish_page();

  // Page numbers, now that the count is known.
  const std::size_t page_count = pages.size();
  for (std::size_t i = 0; i < page_count; ++i) {
    const std::string label = detail::page_label(t.page_label, i + 1, page_count);
    const double lw = pdf_text_width(label, 8);
    Canvas footer(used);
    footer.text((page_w - lw) / 2, margin - 4, 8, label);
    pages[i] += footer.take();
  }

  return detail::assemble_pdf(pages, used, page_w, page_h, t.title);
}

}  // namespace lianxin::io
