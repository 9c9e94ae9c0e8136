#include "io/pdf_report.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include "io/pdf_internal.hpp"

namespace lianxin::io {

namespace {

// Layout (points).
constexpr double kMarginX = 48, kTop = 48, kBottom = 50, kFooterY = 26;
constexpr double kTitleSize = 18, kSubtitleSize = 9.5, kHeadingSize = 13, kBodySize = 10.5, kBodyLine = 18;
constexpr double kTableSize = 9, kTableLine = 12.5, kTablePad = 4, kCellPad = 6, kLabelSize = 8, kChartTitleSize = 10.5;
constexpr int kMaxCellLines = 3;

struct Rgb {
  double r, g, b;
};
constexpr Rgb kText{0.13, 0.13, 0.13}, kMuted{0.4, 0.4, 0.4}, kGrid{0.88, 0.88, 0.88},
    kAxis{0.55, 0.55, 0.55}, kAccent{0.18, 0.36, 0.64}, kHeaderFill{0.87, 0.9, 0.95};
// The series colours (distinct, readable on white).
constexpr std::array<Rgb, 9> kPalette{{{0.329, 0.439, 0.776},   // #5470c6 blue
                                       {0.569, 0.8, 0.459},     // #91cc75 green
                                       {0.98, 0.784, 0.345},    // #fac858 yellow
                                       {0.933, 0.4, 0.4},       // #ee6666 red
                                       {0.451, 0.753, 0.871},   // #73c0de light blue
                                       {0.231, 0.635, 0.447},   // #3ba272 dark green
                                       {0.988, 0.518, 0.322},   // #fc8452 orange
                                       {0.604, 0.376, 0.706},   // #9a60b4 purple
                                       {0.918, 0.486, 0.8}}};   // #ea7ccc pink
Rgb palette(std::size_t i) { return kPalette[i % kPalette.size()]; }

// The heat map scale: blue, light blue, yellow, orange, red.
Rgb heat(double t) {
  static constexpr std::array<Rgb, 5> stops{{{49 / 255., 54 / 255., 149 / 255.},
                                             {116 / 255., 173 / 255., 209 / 255.},
                                             {254 / 255., 224 / 255., 144 / 255.},
                                             {244 / 255., 109 / 255., 67 / 255.},
                                             {165 / 255., 0, 38 / 255.}}};
  t = std::clamp(std::isfinite(t) ? t : 0.5, 0.0, 1.0) * (stops.size() - 1);
  const auto i = std::min<std::size_t>(static_cast<std::size_t>(t), stops.size() - 2);
  const double f = t - static_cast<double>(i);
  const Rgb &a = stops[i], &b = stops[i + 1];
  return {a.r + (b.r - a.r) * f, a.g + (b.g - a.g) * f, a.b + (b.b - a.b) * f};
}

// Appends a number with at most `decimals` (2 or 3) decimals and a space; like detail::num, but
// without snprintf (a heat map has thousands of cells).
void put(std::string& s, double v, int decimals = 2) {
  const double scale = decimals == 3 ? 1000 : 100;
  long long k = std::llround(v * scale);
  if (k < 0) {
    s += '-';
    k = -k;
  }
  const long long whole = k / static_cast<long long>(scale);
  long long frac = k % static_cast<long long>(scale);
  s += std::to_string(whole);
  if (frac) {
    char digits[4] = {};
    int n = decimals;
    for (int i = n - 1; i >= 0; --i, frac /= 10) digits[i] = static_cast<char>('0' + frac % 10);
    while (n > 0 && digits[n - 1] == '0') --n;
    s += '.';
    s.append(digits, static_cast<std::size_t>(n));
  }
  s += ' ';
}
void fill_color(std::string& s, Rgb c) {
  put(s, c.r, 3), put(s, c.g, 3), put(s, c.b, 3);
  s += "rg\n";
}
void stroke_color(std::string& s, Rgb c) {
  put(s, c.r, 3), put(s, c.g, 3), put(s, c.b, 3);
  s += "RG\n";
}
void rect(std::string& s, double x, double y, double w, double h, const char* op) {
  put(s, x), put(s, y), put(s, w), put(s, h);
  s += "re ";
  s += op;
  s += '\n';
}
void fill_rect(std::string& s, double x, double y, double w, double h, Rgb c) {
  fill_color(s, c);
  rect(s, x, y, w, h, "f");
}
void line(std::string& s, double x1, double y1, double x2, double y2, double width, Rgb c) {
  stroke_color(s, c);
  put(s, width);
  s += "w ";
  put(s, x1), put(s, y1);
  s += "m ";
  put(s, x2), put(s, y2);
  s += "l S\n";
}

// UTF-8 characters: the byte length of the one starting with `c`, and its width in ems.
std::size_t char_len(unsigned char c) {
  if ((c >> 5) == 0x6) return 2;
  if ((c >> 4) == 0xE) return 3;
  if ((c >> 3) == 0x1E) return 4;
  return 1;
}
double char_em(std::string_view ch) {
  // As to_ucs2: ASCII (and what becomes '?' or ' ') is Courier, the rest full width.
  return ch.size() == 1 || ch.size() == 4 ? 0.6 : 1.0;
}
// Closing punctuation that must not start a line (it hangs into the margin instead).
bool no_break_before(std::string_view ch) {
  static constexpr std::string_view closing[] = {"，", "。", "、", "；", "：", "？", "！", "）", "》", "」", "』", "”",
                                                 "’", "…", "％"};
  return std::find(std::begin(closing), std::end(closing), ch) != std::end(closing);
}

// Wraps text to `width` points: CJK may break at any character, Latin words at spaces (a word
// longer than the line at any character); '\n' starts a new line. Closing punctuation does not
// start a line: it takes the unit before it along to the next line.
std::vector<std::string> wrap(std::string_view text, double width, double size) {
  struct Unit {
    std::string text;
    double w;
    bool space_before;
  };
  std::vector<std::string> lines;
  std::vector<Unit> line;
  double line_w = 0;
  bool space = false;  // a space is pending between the line and the next unit
  const double space_w = 0.6 * size;
  auto flush_line = [&] {
    std::string s;
    for (auto& u : line) {
      if (u.space_before) s += ' ';
      s += u.text;
    }
    lines.push_back(std::move(s));
    line.clear();
    line_w = 0;
    space = false;
  };
  auto place = [&](std::string unit, double w, bool sticky) {
    const bool sp = space && !line.empty();
    if (!line.empty() && line_w + (sp ? space_w : 0) + w > width) {
      if (!sticky) {
        flush_line();
      } else if (line.size() > 1) {
        Unit last = std::move(line.back());
        line.pop_back();
        flush_line();
        last.space_before = false;
        line_w = last.w;
        line.push_back(std::move(last));
      }  // else: a single unit and its punctuation overflow together
    }
    const bool before = space && !line.empty();
    line_w += (before ? space_w : 0) + w;
    line.push_back({std::move(unit), w, before});
    space = false;
  };
  std::string word;
  double word_w = 0;
  auto flush_word = [&] {
    if (word.empty()) return;
    if (word_w <= width) {
      place(std::move(word), word_w, false);
    } else {  // too long for any line: at any character
      for (char ch : word) place(std::string(1, ch), 0.6 * size, false);
    }
    word.clear();
    word_w = 0;
  };
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t len = std::min(char_len(static_cast<unsigned char>(text[i])), text.size() - i);
    const std::string_view ch = text.substr(i, len);
    i += len;
    if (ch == "\n") {
      flush_word();
      flush_line();
    } else if (ch == " " || ch == "\t" || ch == "\r") {
      flush_word();
      if (!line.empty()) space = true;
    } else if (ch.size() == 1) {  // Latin: words (with their punctuation) break at spaces
      word += ch;
      word_w += 0.6 * size;
    } else {
      flush_word();
      place(std::string(ch), char_em(ch) * size, no_break_before(ch));
    }
  }
  flush_word();
  if (!line.empty() || lines.empty()) flush_line();
  return lines;
}

// A value for labels: `decimals` decimals, thousands separated.
std::string format_number(double v, int decimals) {
  if (!std::isfinite(v)) return "-";
  decimals = std::clamp(decimals, 0, 6);
  const double scale = std::pow(10.0, decimals);
  double r = std::round(std::abs(v) * scale) / scale;
  const bool negative = v < 0 && r != 0;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, r);
  std::string s = buf;
  const std::size_t dot = s.find('.');
  std::string whole = s.substr(0, dot), rest = dot == std::string::npos ? "" : s.substr(dot);
  if (whole.size() > 4)  // 1234 stays, 12,345 gets separators
    for (int at = static_cast<int>(whole.size()) - 3; at > 0; at -= 3) whole.insert(static_cast<std::size_t>(at), ",");
  return (negative ? "-" : "") + whole + rest;
}
// Up to two decimals, trailing zeros dropped.
std::string format_value(double v) {
  std::string s = format_number(v, 2);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}
int tick_decimals(const std::vector<double>& ticks) {
  if (ticks.size() < 2) return 0;
  const double step = std::abs(ticks[1] - ticks[0]);
  return step > 0 ? std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9))) : 0;
}

// The smallest "round" label step of at least `needed` items.
int label_step(double needed) {
  static constexpr int steps[] = {1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 16, 20, 24, 25, 30, 40, 48, 50, 60, 72, 96, 100};
  const int n = static_cast<int>(std::ceil(std::max(1.0, needed) - 1e-9));
  for (int s : steps)
    if (s >= n) return s;
  return n;
}

double width_of(const std::string& s, double size) { return pdf_text_width(s, size); }

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return {0, 1};
  if (lo > hi) std::swap(lo, hi);
  target = std::max(1, target);
  if (hi == lo) {
    if (lo == 0) hi = 1;
    else {
      const double d = std::abs(lo) * 0.5;
      lo -= d;
      hi += d;
    }
  }
  const double raw = (hi - lo) / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / mag;
  const double step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
  const double start = std::floor(lo / step + 1e-9) * step, end = std::ceil(hi / step - 1e-9) * step;
  const int count = std::min(100, static_cast<int>(std::llround((end - start) / step)));
  const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  const double round_to = std::pow(10.0, std::min(decimals, 12));
  std::vector<double> ticks;
  for (int i = 0; i <= count; ++i) {
    double v = std::round((start + i * step) * round_to) / round_to;
    if (v == 0) v = 0;  // no -0
    ticks.push_back(v);
  }
  return ticks;
}

PdfReport::PdfReport(std::string title, bool landscape)
    : title_(std::move(title)), page_w_(landscape ? 841.89 : 595.28), page_h_(landscape ? 595.28 : 841.89) {
  y_ = page_h_ - kTop;
  const double tw = width_of(title_, kTitleSize);
  fill_color(ops_, kText);
  stroke_color(ops_, kText);
  text(std::max(kMarginX, (page_w_ - tw) / 2), y_ - kTitleSize * 0.88, kTitleSize,
       detail::fit(title_, content_w(), kTitleSize), true);
  y_ -= kTitleSize + 10;
  has_content_ = true;
}

double PdfReport::content_w() const { return page_w_ - 2 * kMarginX; }

// The tallest chart: one that fits on a new page under a heading.
double PdfReport::max_block() const { return page_h_ - kTop - 4 - kBottom - (kHeadingSize + 20); }

void PdfReport::text(double x, double y, double size, const std::string& utf8, bool bold) {
  detail::append_text(ops_, used_, x, y, size, utf8, bold);
}

void PdfReport::color_text(double x, double y, double size, const std::string& utf8, bool bold, double gray) {
  const Rgb c{gray, gray, gray};
  fill_color(ops_, c);
  if (bold) stroke_color(ops_, c);
  text(x, y, size, utf8, bold);
}

void PdfReport::subtitle(std::string line) {
  for (const std::string& l : wrap(line, content_w(), kSubtitleSize)) {
    ensure(kSubtitleSize + 6);
    const double w = width_of(l, kSubtitleSize);
    color_text((page_w_ - w) / 2, y_ - kSubtitleSize * 0.88, kSubtitleSize, l, false, 0.3);
    y_ -= kSubtitleSize + 6;
  }
}

// The end of the title block: a rule under the title and the subtitles, before the first content.
void PdfReport::begin_content() {
  if (!title_ruled_) {
    title_ruled_ = true;
    y_ -= 2;
    line(ops_, kMarginX, y_, page_w_ - kMarginX, y_, 0.8, kAccent);
    y_ -= 12;
  }
}

void PdfReport::reserve(double height) {
  ensure(height);
  heading_at_ = std::string::npos;
  has_content_ = true;
}

void PdfReport::start_page() {
  pages_.push_back(std::move(ops_));
  ops_.clear();
  // A running header: the title, small, over a thin rule.
  color_text(kMarginX, page_h_ - 30, 8, detail::fit(title_, content_w(), 8), false, 0.45);
  line(ops_, kMarginX, page_h_ - 35, page_w_ - kMarginX, page_h_ - 35, 0.4, kGrid);
  y_ = page_h_ - kTop - 4;
  has_content_ = false;
  title_ruled_ = true;
}

void PdfReport::ensure(double height) {
  if (y_ - height >= kBottom || !has_content_) return;
  // A heading with nothing after it goes to the new page with what follows (unless it opens its
  // page: that would leave the page empty).
  std::string heading;
  if (heading_at_ != std::string::npos) {
    if (heading_opens_page_) return;
    ops_.resize(heading_at_);
    heading = heading_text_;
    heading_at_ = std::string::npos;
  }
  start_page();
  if (!heading.empty()) draw_heading(heading);
}

void PdfReport::page_break() {
  if (has_content_) start_page();
}

void PdfReport::draw_heading(const std::string& text_) {
  const double h = kHeadingSize + 14;
  heading_opens_page_ = !has_content_;
  y_ -= has_content_ ? 6 : 0;
  const std::size_t at = ops_.size();
  const double base = y_ - 4 - kHeadingSize * 0.88;
  fill_rect(ops_, kMarginX, base - 2, 3.5, kHeadingSize + 1, kAccent);
  color_text(kMarginX + 9, base, kHeadingSize, detail::fit(text_, content_w() - 9, kHeadingSize), true, 0.1);
  line(ops_, kMarginX, y_ - h + 3, page_w_ - kMarginX, y_ - h + 3, 0.5, kGrid);
  y_ -= h;
  has_content_ = true;
  heading_at_ = at;
  heading_text_ = text_;
}

void PdfReport::heading(std::string text_) {
  begin_content();
  ensure(kHeadingSize + 20 + 2 * kBodyLine);  // with room for two lines of what follows
  draw_heading(text_);
}

void PdfReport::paragraph(std::string text_) {
  begin_content();
  for (const std::string& l : wrap(text_, content_w(), kBodySize)) {
    reserve(kBodyLine);
    color_text(kMarginX, y_ - (kBodyLine - kBodySize) / 2 - kBodySize * 0.85, kBodySize, l, false, 0.1);
    y_ -= kBodyLine;
  }
  y_ -= 6;
}

void PdfReport::key_values(std::vector<std::pair<std::string, std::string>> pairs, int columns) {
  begin_content();
  if (pairs.empty()) return;
  const std::size_t cols = static_cast<std::size_t>(std::max(1, columns));
  const double size = 10, line_h = 16, gap = 12;
  const double cell_w = (content_w() + gap) / static_cast<double>(cols) - gap;
  for (auto& [label, value] : pairs)
    if (!label.empty() && !label.ends_with("：") && !label.ends_with(":")) label += "：";
  std::vector<double> label_w(cols, 0);
  for (std::size_t i = 0; i < pairs.size(); ++i)
    label_w[i % cols] = std::max(label_w[i % cols], std::min(width_of(pairs[i].first, size), cell_w * 0.45));
  for (std::size_t row = 0; row * cols < pairs.size(); ++row) {
    std::vector<std::vector<std::string>> values;
    std::size_t lines = 1;
    for (std::size_t c = 0; c < cols && row * cols + c < pairs.size(); ++c) {
      auto w = wrap(pairs[row * cols + c].second, std::max(size, cell_w - label_w[c] - 4), size);
      if (w.size() > kMaxCellLines) {
        w[kMaxCellLines - 1] = detail::fit(w[kMaxCellLines - 1] + " " + w[kMaxCellLines], cell_w - label_w[c] - 4, size);
        w.resize(kMaxCellLines);
      }
      lines = std::max(lines, w.size());
      values.push_back(std::move(w));
    }
    const double row_h = static_cast<double>(lines) * line_h + 4;
    reserve(row_h);
    if (row % 2 == 0) fill_rect(ops_, kMarginX - 4, y_ - row_h, content_w() + 8, row_h, {0.965, 0.973, 0.984});
    for (std::size_t c = 0; c < values.size(); ++c) {
      const double x = kMarginX + static_cast<double>(c) * (cell_w + gap);
      const double base = y_ - 2 - (line_h - size) / 2 - size * 0.85;
      color_text(x, base, size, detail::fit(pairs[row * cols + c].first, label_w[c], size), false, 0.42);
      for (std::size_t k = 0; k < values[c].size(); ++k)
        color_text(x + label_w[c] + 4, base - static_cast<double>(k) * line_h, size, values[c][k], false, 0.1);
    }
    y_ -= row_h;
  }
  y_ -= 8;
}

void PdfReport::table(std::vector<PdfColumn> columns, std::vector<PdfRow> rows) {
  begin_content();
  if (columns.empty()) return;
  const double table_w = content_w();
  double total = 0;
  for (auto& c : columns) total += std::max(0.0, c.width);
  std::vector<double> xs, widths;
  double x = kMarginX;
  for (auto& c : columns) {
    const double w = total > 0 ? table_w * std::max(0.0, c.width) / total : table_w / static_cast<double>(columns.size());
    xs.push_back(x);
    widths.push_back(w);
    x += w;
  }
  // Cells as wrapped lines, and the row height.
  auto layout = [&](const std::vector<std::string>& cells, std::vector<std::vector<std::string>>& out) {
    out.assign(columns.size(), {});
    std::size_t lines = 1;
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (c >= cells.size() || cells[c].empty()) continue;
      const double inner = widths[c] - 2 * kCellPad;
      if (inner < kTableSize) {
        out[c] = {detail::fit(cells[c], std::max(0.0, inner), kTableSize)};
        continue;
      }
      auto w = wrap(cells[c], inner, kTableSize);
      if (w.size() > kMaxCellLines) {
        w[kMaxCellLines - 1] = detail::fit(w[kMaxCellLines - 1] + " " + w[kMaxCellLines], inner, kTableSize);
        w.resize(kMaxCellLines);
      }
      lines = std::max(lines, w.size());
      out[c] = std::move(w);
    }
    return static_cast<double>(lines) * kTableLine + 2 * kTablePad + 1;
  };
  std::vector<std::string> header_cells;
  for (auto& c : columns) header_cells.push_back(c.title);
  std::vector<std::vector<std::string>> header_lines, cell_lines;
  const double header_h = layout(header_cells, header_lines);

  auto draw = [&](const std::vector<std::vector<std::string>>& cells, double row_h, bool header, RowStyle style) {
    if (header) fill_rect(ops_, kMarginX, y_ - row_h, table_w, row_h, kHeaderFill);
    else if (style == RowStyle::subtotal) fill_rect(ops_, kMarginX, y_ - row_h, table_w, row_h, {0.95, 0.95, 0.95});
    else if (style == RowStyle::total) fill_rect(ops_, kMarginX, y_ - row_h, table_w, row_h, {0.89, 0.89, 0.89});
    const bool bold = header || style == RowStyle::total;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const auto& lines = cells[c];
      const double block = static_cast<double>(lines.size()) * kTableLine;
      double base = y_ - (row_h - block) / 2 - (kTableLine - kTableSize) / 2 - kTableSize * 0.85;
      const Align align = header ? Align::center : columns[c].align;
      for (const std::string& l : lines) {
        const double w = width_of(l, kTableSize);
        double tx = xs[c] + kCellPad;
        if (align == Align::right) tx = xs[c] + widths[c] - kCellPad - w;
        else if (align == Align::center) tx = xs[c] + (widths[c] - w) / 2;
        color_text(tx, base, kTableSize, l, bold, 0.1);
        base -= kTableLine;
      }
    }
    line(ops_, kMarginX, y_ - row_h, kMarginX + table_w, y_ - row_h, header ? 0.8 : 0.3,
         header ? kAxis : Rgb{0.75, 0.75, 0.75});
    y_ -= row_h;
  };
  auto draw_header = [&] {
    line(ops_, kMarginX, y_, kMarginX + table_w, y_, 0.8, kAxis);
    draw(header_lines, header_h, true, RowStyle::normal);
  };

  const double first_h = rows.empty() ? 0 : layout(rows[0].cells, cell_lines);
  reserve(header_h + first_h);
  draw_header();
  for (const PdfRow& row : rows) {
    const double row_h = layout(row.cells, cell_lines);
    if (y_ - row_h < kBottom) {
      start_page();
      draw_header();
      has_content_ = true;
    }
    draw(cell_lines, row_h, false, row.style);
  }
  y_ -= 10;
}

// ---- Charts ----------------------------------------------------------------------------------

// Lays out the legend items (swatch, gap, name) in centred lines across the content width.
std::vector<std::vector<std::size_t>> PdfReport::legend_lines(const std::vector<std::string>& names) const {
  std::vector<std::vector<std::size_t>> lines;
  double used = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const double w = legend_item_w(names[i]);
    if (lines.empty() || used + w > content_w()) {
      lines.emplace_back();
      used = 0;
    }
    lines.back().push_back(i);
    used += w;
  }
  return lines;
}
double PdfReport::legend_item_w(const std::string& name) const { return 18 + width_of(name, kLabelSize) + 14; }

void PdfReport::legend(const std::vector<std::string>& names, bool lines_style, double top) {
  const auto lines = legend_lines(names);
  for (std::size_t li = 0; li < lines.size(); ++li) {
    double total = 0;
    for (auto i : lines[li]) total += legend_item_w(names[i]);
    total -= 14;
    double x = kMarginX + (content_w() - total) / 2;
    const double mid = top - static_cast<double>(li) * 13 - 6.5;
    for (auto i : lines[li]) {
      if (lines_style) {
        line(ops_, x, mid, x + 14, mid, 2, palette(i));
        fill_rect(ops_, x + 5.5, mid - 1.5, 3, 3, palette(i));
      } else {
        fill_rect(ops_, x + 2, mid - 3.5, 10, 7, palette(i));
      }
      color_text(x + 18, mid - kLabelSize * 0.36, kLabelSize, names[i], false, 0.2);
      x += legend_item_w(names[i]);
    }
  }
}

void PdfReport::no_data(double x, double y, double w, double h) {
  stroke_color(ops_, {0.7, 0.7, 0.7});
  ops_ += "0.6 w\n";
  rect(ops_, x, y, w, h, "S");
  const double size = 10;
  color_text(x + (w - width_of("无数据", size)) / 2, y + h / 2 - size * 0.36, size, "无数据", false, 0.5);
}

double PdfReport::chart_title(const std::string& title, double top) {
  if (title.empty()) return top;
  const std::string t = detail::fit(title, content_w(), kChartTitleSize);
  color_text(kMarginX + (content_w() - width_of(t, kChartTitleSize)) / 2, top - kChartTitleSize * 0.88, kChartTitleSize, t,
             true, 0.15);
  return top - kChartTitleSize - 8;
}

namespace {

// The value range of the y axis (0 always included) from the data; false without any finite value.
bool value_range(const std::vector<ChartSeries>& series, bool stacked, std::size_t n, double& lo, double& hi) {
  lo = 0, hi = 0;
  bool any = false;
  if (stacked) {
    for (std::size_t i = 0; i < n; ++i) {
      double pos = 0, neg = 0;
      for (auto& s : series)
        if (i < s.values.size() && std::isfinite(s.values[i])) {
          (s.values[i] >= 0 ? pos : neg) += s.values[i];
          any = true;
        }
      hi = std::max(hi, pos), lo = std::min(lo, neg);
    }
  } else {
    for (auto& s : series)
      for (double v : s.values)
        if (std::isfinite(v)) hi = std::max(hi, v), lo = std::min(lo, v), any = true;
  }
  return any;
}

}  // namespace

// The common frame of line and bar charts: title, legend, unit, y axis with gridlines, x labels.
// Returns false (after drawing "无数据") when there is no data.
bool PdfReport::xy_frame(const std::string& title, const std::vector<ChartSeries>& series,
                         const std::vector<std::string>& x_labels, const std::string& unit, double height, bool stacked,
                         bool bars, int label_every, XyFrame& f) {
  f.n = x_labels.size();
  for (auto& s : series) f.n = std::max(f.n, s.values.size());
  std::vector<std::string> names;
  bool named = false;
  for (std::size_t i = 0; i < series.size(); ++i) {
    names.push_back(series[i].name.empty() ? "系列" + std::to_string(i + 1) : series[i].name);
    named = named || !series[i].name.empty();
  }
  const double title_h = title.empty() ? 0 : kChartTitleSize + 8;
  const double legend_h = named ? static_cast<double>(legend_lines(names).size()) * 13 + 4 : 0;
  const double unit_h = unit.empty() ? 6 : 17;
  const double fixed = title_h + legend_h + unit_h + 18 + 12;
  const double block = std::min(std::max(height, fixed + 60), max_block());
  begin_content();
  reserve(block);
  ops_ += "q\n";  // closed by the caller
  double top = y_ - 4;
  y_ -= block;
  top = chart_title(title, top);
  if (named) {
    legend(names, !bars, top);
    top -= legend_h;
  }
  const double plot_bottom = y_ + 12 + 18, plot_top = top - unit_h;
  double lo, hi;
  const bool any = value_range(series, stacked, f.n, lo, hi);
  f.ticks = nice_ticks(lo, hi, std::max(2, std::min(6, static_cast<int>((plot_top - plot_bottom) / 28))));
  const int decimals = tick_decimals(f.ticks);
  double label_w = 0;
  std::vector<std::string> tick_labels;
  for (double t : f.ticks) {
    tick_labels.push_back(format_number(t, decimals));
    label_w = std::max(label_w, width_of(tick_labels.back(), kLabelSize));
  }
  f.left = kMarginX + label_w + 6;
  f.right = kMarginX + content_w() - 4;
  f.bottom = plot_bottom;
  f.top = plot_top;
  if (!unit.empty()) color_text(kMarginX, plot_top + 8, kLabelSize, unit, false, 0.4);
  if (!any || f.n == 0) {
    no_data(f.left, f.bottom, f.right - f.left, f.top - f.bottom);
    return false;
  }
  f.lo = f.ticks.front();
  f.hi = f.ticks.back();
  // Gridlines and tick labels; the zero line darker when there are negatives.
  for (std::size_t i = 0; i < f.ticks.size(); ++i) {
    const double y = f.y(f.ticks[i]);
    const bool axis = f.ticks[i] == 0 || i == 0;
    line(ops_, f.left, y, f.right, y, axis ? 0.7 : 0.5, axis ? kAxis : kGrid);
    color_text(f.left - 4 - width_of(tick_labels[i], kLabelSize), y - kLabelSize * 0.33, kLabelSize, tick_labels[i], false,
               0.35);
  }
  line(ops_, f.left, f.bottom, f.left, f.top, 0.7, kAxis);
  // X labels: as many as fit (or every label_every), centred under their point or bar.
  const double spacing = bars ? (f.right - f.left) / static_cast<double>(f.n)
                              : (f.n > 1 ? (f.right - f.left) / static_cast<double>(f.n - 1) : f.right - f.left);
  double max_w = 0;
  for (auto& l : x_labels) max_w = std::max(max_w, width_of(l, kLabelSize));
  const int every = label_every > 0 ? label_every : label_step((max_w + 8) / spacing);
  for (std::size_t i = 0; i < x_labels.size() && i < f.n; i += static_cast<std::size_t>(every)) {
    const double cx = f.x(i, bars);
    line(ops_, cx, f.bottom, cx, f.bottom - 3, 0.6, kAxis);
    const std::string& l = x_labels[i];
    const double w = width_of(l, kLabelSize);
    const double tx = std::clamp(cx - w / 2, kMarginX, kMarginX + content_w() - w);
    color_text(tx, f.bottom - 5 - kLabelSize * 0.88, kLabelSize, l, false, 0.35);
  }
  return true;
}

double PdfReport::XyFrame::y(double v) const { return bottom + (v - lo) / (hi - lo) * (top - bottom); }
double PdfReport::XyFrame::x(std::size_t i, bool bars) const {
  const double w = right - left;
  if (bars) return left + (static_cast<double>(i) + 0.5) * w / static_cast<double>(n);
  return n > 1 ? left + static_cast<double>(i) * w / static_cast<double>(n - 1) : left + w / 2;
}

void PdfReport::line_chart(const LineChart& c) {
  XyFrame f;
  if (xy_frame(c.title, c.series, c.x_labels, c.y_unit, c.height, false, false, c.label_every, f)) {
    ops_ += "1 j 1 J\n";
    const bool markers = f.n <= 40;
    for (std::size_t s = 0; s < c.series.size(); ++s) {
      const auto& v = c.series[s].values;
      stroke_color(ops_, palette(s));
      fill_color(ops_, palette(s));
      ops_ += "1.4 w\n";
      bool open = false;
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (!std::isfinite(v[i])) {
          if (open) ops_ += "S\n";
          open = false;
          continue;
        }
        put(ops_, f.x(i, false)), put(ops_, f.y(v[i]));
        ops_ += open ? "l\n" : "m\n";
        open = true;
      }
      if (open) ops_ += "S\n";
      // Markers: on every point of short series, and on points standing alone between gaps.
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (!std::isfinite(v[i])) continue;
        const bool alone = (i == 0 || !std::isfinite(v[i - 1])) && (i + 1 >= v.size() || !std::isfinite(v[i + 1]));
        if (markers || alone) rect(ops_, f.x(i, false) - 1.6, f.y(v[i]) - 1.6, 3.2, 3.2, "f");
      }
    }
  }
  ops_ += "Q\n";
  y_ -= 6;
}

void PdfReport::bar_chart(const BarChart& c) {
  XyFrame f;
  if (xy_frame(c.title, c.series, c.x_labels, c.y_unit, c.height, c.stacked, true, 0, f)) {
    const double slot = (f.right - f.left) / static_cast<double>(f.n);
    const std::size_t k = std::max<std::size_t>(1, c.series.size());
    // Bars of at most 36 points, side by side (grouped) or one per category (stacked).
    const double bar_w = std::min(36.0, c.stacked || k == 1 ? slot * 0.6 : slot * 0.76 / static_cast<double>(k));
    const double group = c.stacked ? bar_w : bar_w * static_cast<double>(k);
    const double zero = f.y(0);
    for (std::size_t i = 0; i < f.n; ++i) {
      const double x0 = f.x(i, true) - group / 2;
      double pos = 0, neg = 0;
      for (std::size_t s = 0; s < c.series.size(); ++s) {
        const auto& v = c.series[s].values;
        if (i >= v.size() || !std::isfinite(v[i]) || v[i] == 0) continue;
        double from = 0, to = v[i];
        if (c.stacked) {
          double& acc = v[i] >= 0 ? pos : neg;
          from = acc;
          acc += v[i];
          to = acc;
        }
        const double x = c.stacked ? x0 : x0 + static_cast<double>(s) * bar_w;
        const double y1 = f.y(from), y2 = f.y(to);
        fill_rect(ops_, x + (c.stacked ? 0 : bar_w * 0.06), std::min(y1, y2), bar_w * (c.stacked ? 1 : 0.88),
                  std::max(0.3, std::abs(y2 - y1)), palette(s));
      }
    }
    if (f.lo < 0) line(ops_, f.left, zero, f.right, zero, 0.7, kAxis);
  }
  ops_ += "Q\n";
  y_ -= 6;
}

void PdfReport::heat_map(const HeatMap& h) {
  const std::size_t rows = h.values.size();
  std::size_t cols = h.column_labels.size();
  for (auto& r : h.values) cols = std::max(cols, r.size());
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (auto& r : h.values)
    for (double v : r)
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  const bool any = lo <= hi;

  const double title_h = h.title.empty() ? 0 : kChartTitleSize + 8;
  const double block = std::min(std::max(h.height, title_h + 13 + 18 + 60), max_block());
  begin_content();
  reserve(block);
  ops_ += "q\n";
  double top = chart_title(h.title, y_ - 4);
  y_ -= block;
  const double plot_top = top - (h.unit.empty() ? 6 : 15), plot_bottom = y_ + 12 + 16;
  const double ph = plot_top - plot_bottom;
  const double cell_h = rows ? ph / static_cast<double>(rows) : ph;
  // Row labels: as many as fit.
  const int row_every = label_step((kLabelSize + 1.5) / cell_h);
  double row_label_w = 0;
  for (std::size_t r = 0; r < h.row_labels.size() && r < rows; r += static_cast<std::size_t>(row_every))
    row_label_w = std::max(row_label_w, width_of(h.row_labels[r], kLabelSize));
  // The scale on the right: a bar with the max, middle and min values.
  // Scale labels with as many decimals as the spread needs.
  const int decimals = !any || hi - lo >= 100 ? 0 : hi - lo >= 10 ? 1 : hi - lo >= 1 ? 2 : 3;
  const std::string lo_label = any ? format_number(lo, decimals) : "", hi_label = any ? format_number(hi, decimals) : "",
                    mid_label = any ? format_number((lo + hi) / 2, decimals) : "";
  const double scale_w = any ? 10 + 10 + 4 +
                                   std::max({width_of(lo_label, kLabelSize), width_of(hi_label, kLabelSize),
                                             width_of(mid_label, kLabelSize), width_of(h.unit, kLabelSize) - 14})
                             : 0;
  const double left = kMarginX + row_label_w + (row_label_w > 0 ? 5 : 0);
  const double right = kMarginX + content_w() - scale_w;
  const double pw = right - left;
  if (!any || rows == 0 || cols == 0) {
    no_data(left, plot_bottom, pw, ph);
    ops_ += "Q\n";
    y_ -= 6;
    return;
  }
  const double cell_w = pw / static_cast<double>(cols);
  // Empty cells show the light background.
  fill_rect(ops_, left, plot_bottom, pw, ph, {0.94, 0.94, 0.94});
  const double span = hi - lo;
  const double ox = cell_w > 2 ? 0.15 : 0, oy = cell_h > 2 ? 0.15 : 0;  // overlap: no hairline seams
  for (std::size_t r = 0; r < rows; ++r) {
    const double y = plot_top - static_cast<double>(r + 1) * cell_h;
    const auto& row = h.values[r];
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (!std::isfinite(row[c])) continue;
      fill_color(ops_, heat(span > 0 ? (row[c] - lo) / span : 0.5));
      rect(ops_, left + static_cast<double>(c) * cell_w, y, cell_w + ox, cell_h + oy, "f");
    }
  }
  stroke_color(ops_, kAxis);
  ops_ += "0.5 w\n";
  rect(ops_, left, plot_bottom, pw, ph, "S");
  for (std::size_t r = 0; r < h.row_labels.size() && r < rows; r += static_cast<std::size_t>(row_every)) {
    const double cy = plot_top - (static_cast<double>(r) + 0.5) * cell_h;
    color_text(left - 5 - width_of(h.row_labels[r], kLabelSize), cy - kLabelSize * 0.33, kLabelSize, h.row_labels[r], false,
               0.35);
  }
  // Column labels every column_label_every columns (more when they would overlap), at the left
  // edge of their column (a time of day starts its interval).
  double col_label_w = 0;
  for (auto& l : h.column_labels) col_label_w = std::max(col_label_w, width_of(l, kLabelSize));
  int every = std::max(1, h.column_label_every);
  while (static_cast<double>(every) * cell_w < col_label_w + 6 && static_cast<std::size_t>(every) < cols) every *= 2;
  for (std::size_t c = 0; c < h.column_labels.size() && c < cols; c += static_cast<std::size_t>(every)) {
    const double x = left + static_cast<double>(c) * cell_w;
    line(ops_, x, plot_bottom, x, plot_bottom - 3, 0.5, kAxis);
    const double w = width_of(h.column_labels[c], kLabelSize);
    const double tx = std::clamp(x - w / 2, kMarginX, kMarginX + content_w() - w);
    color_text(tx, plot_bottom - 5 - kLabelSize * 0.88, kLabelSize, h.column_labels[c], false, 0.35);
  }
  // The colour scale.
  const double sx = right + 10;
  constexpr int bands = 64;
  for (int i = 0; i < bands; ++i) {
    fill_color(ops_, heat((i + 0.5) / bands));
    rect(ops_, sx, plot_bottom + ph * i / bands, 10, ph / bands + 0.15, "f");
  }
  stroke_color(ops_, kAxis);
  ops_ += "0.5 w\n";
  rect(ops_, sx, plot_bottom, 10, ph, "S");
  color_text(sx + 14, plot_top - kLabelSize * 0.7, kLabelSize, hi_label, false, 0.35);
  color_text(sx + 14, plot_bottom + ph / 2 - kLabelSize * 0.33, kLabelSize, mid_label, false, 0.35);
  color_text(sx + 14, plot_bottom, kLabelSize, lo_label, false, 0.35);
  if (!h.unit.empty()) color_text(sx, plot_top + 4, kLabelSize, h.unit, false, 0.4);
  ops_ += "Q\n";
  y_ -= 6;
}

void PdfReport::pie_chart(const PieChart& p) {
  std::vector<std::size_t> shown;
  double total = 0;
  for (std::size_t i = 0; i < p.slices.size(); ++i)
    if (std::isfinite(p.slices[i].second) && p.slices[i].second > 0) shown.push_back(i), total += p.slices[i].second;
  const double title_h = p.title.empty() ? 0 : kChartTitleSize + 8;
  const double legend_h = static_cast<double>(shown.size()) * 15;
  const double block = std::min(std::max({p.height, title_h + 80, title_h + legend_h + 16}), max_block());
  begin_content();
  reserve(block);
  ops_ += "q\n";
  const double top = chart_title(p.title, y_ - 4);
  y_ -= block;
  const double area_h = top - y_ - 8;
  if (shown.empty() || !(total > 0)) {
    no_data(kMarginX + content_w() * 0.15, y_ + 8, content_w() * 0.7, area_h);
    ops_ += "Q\n";
    y_ -= 6;
    return;
  }
  const double r = std::min(area_h / 2 - 4, content_w() * 0.2);
  const double cx = kMarginX + content_w() * 0.3, cy = y_ + 8 + area_h / 2;
  // Slices clockwise from 12 o'clock, each arc in Bézier segments of at most 90°, with white seams.
  constexpr double pi = 3.14159265358979323846;
  auto pt = [&](double a) { return std::pair{cx + r * std::sin(a), cy + r * std::cos(a)}; };
  stroke_color(ops_, {1, 1, 1});
  ops_ += "1 w 1 j\n";
  double a = 0;
  for (std::size_t k = 0; k < shown.size(); ++k) {
    const double sweep = 2 * pi * p.slices[shown[k]].second / total;
    const double end = k + 1 == shown.size() ? 2 * pi : a + sweep;
    fill_color(ops_, palette(k));
    put(ops_, cx), put(ops_, cy);
    ops_ += "m ";
    auto [sx0, sy0] = pt(a);
    put(ops_, sx0), put(ops_, sy0);
    ops_ += "l\n";
    const int segments = std::max(1, static_cast<int>(std::ceil((end - a) / (pi / 2) - 1e-9)));
    const double step = (end - a) / segments;
    const double kk = 4.0 / 3.0 * std::tan(step / 4) * r;
    for (int s = 0; s < segments; ++s) {
      const double a0 = a + s * step, a1 = a0 + step;
      auto [x0, y0] = pt(a0);
      auto [x3, y3] = pt(a1);
      // Clockwise tangent at angle t: (cos t, -sin t).
      put(ops_, x0 + kk * std::cos(a0)), put(ops_, y0 - kk * std::sin(a0));
      put(ops_, x3 - kk * std::cos(a1)), put(ops_, y3 + kk * std::sin(a1));
      put(ops_, x3), put(ops_, y3);
      ops_ += "c\n";
    }
    ops_ += shown.size() > 1 ? "h B\n" : "h f\n";
    a = end;
  }
  // The legend on the right: swatch, name, value and share.
  const double lx = cx + r + 36, lw = std::min(kMarginX + content_w() - lx, 220.0);
  double ly = cy + legend_h / 2 - 12;
  for (std::size_t k = 0; k < shown.size(); ++k) {
    const auto& [name, value] = p.slices[shown[k]];
    fill_rect(ops_, lx, ly - 1, 9, 9, palette(k));
    const std::string share = format_value(value) + "  " + format_number(100 * value / total, 1) + "%";
    const double share_w = width_of(share, 9);
    color_text(lx + lw - share_w, ly, 9, share, false, 0.3);
    color_text(lx + 14, ly, 9, detail::fit(name, lw - 14 - share_w - 8, 9), false, 0.15);
    ly -= 15;
  }
  ops_ += "Q\n";
  y_ -= 6;
}

std::string PdfReport::bytes() const {
  // The pages with their page numbers (copies: the report stays as it is).
  const std::size_t count = pages_.size() + 1;
  std::vector<std::string> pages(count);
  std::set<std::uint16_t> used = used_;
  for (std::size_t i = 0; i < count; ++i) {
    const std::string label = detail::page_label("第 {page} 页，共 {pages} 页", i + 1, count);
    const std::string& content = i < pages_.size() ? pages_[i] : ops_;
    std::string& ops = pages[i];
    ops.reserve(content.size() + 256);
    ops = content;
    fill_color(ops, {0.35, 0.35, 0.35});
    detail::append_text(ops, used, (page_w_ - width_of(label, 8)) / 2, kFooterY, 8, label);
  }
  return detail::assemble_pdf(pages, used, page_w_, page_h_, title_);
}

}  // namespace lianxin::io
