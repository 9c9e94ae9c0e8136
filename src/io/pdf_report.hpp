#pragma once
// A flowing report document with charts (the per-customer electricity-use analysis report,
// 用电分析报告), in the same pure PDF as write_pdf (pdf.hpp): STSong-Light through UniGB-UCS2-H
// for Chinese, Courier for ASCII, nothing embedded, uncompressed PDF 1.4.
//
// The document is laid out as it is built: every call appends to the current page and starts a
// new one when the block does not fit (a heading is carried over with the block that follows it).
// Charts are drawn with vector operators: axes with "nice" tick values (1, 2, 5 × 10^k), light
// grey gridlines, the unit, thinned x labels, a legend; NaN is a gap. A chart without data shows
// its frame and "无数据". The legend lists the series when any has a name. A chart's `height` is
// its whole block (title, legend, plot, labels), capped at what fits on a page under a heading.
// Every page gets "第 n 页，共 m 页" at the bottom; pages after the first repeat the title small at
// the top.
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "io/pdf.hpp"

namespace lianxin::io {

struct ChartSeries {
  std::string name;
  std::vector<double> values;  // NaN = gap (no point, the line is broken)
};

struct LineChart {
  std::string title;
  std::vector<std::string> x_labels;
  std::vector<ChartSeries> series;
  std::string y_unit;
  double height = 200;  // the whole chart block in points (title, legend, plot, labels)
  int label_every = 0;  // an x label every n points; 0 = as many as fit without overlapping
};

struct BarChart {
  std::string title;
  std::vector<std::string> x_labels;
  std::vector<ChartSeries> series;
  std::string y_unit;
  bool stacked = false;  // stacked: positives upwards and negatives downwards from 0; else grouped
  double height = 200;
};

struct HeatMap {
  std::string title;
  std::vector<std::string> row_labels;     // top to bottom (e.g. the days)
  std::vector<std::string> column_labels;  // left to right (e.g. "00:00", "00:15", ...)
  std::vector<std::vector<double>> values;  // rows × columns; NaN (or a missing cell) = empty
  std::string unit;
  double height = 260;
  int column_label_every = 8;  // raised when the labels would overlap
};

struct PieChart {
  std::string title;
  std::vector<std::pair<std::string, double>> slices;  // non-positive and NaN values are left out
  double height = 180;
};

class PdfReport {
 public:
  explicit PdfReport(std::string title, bool landscape = false);

  void subtitle(std::string line);  // a line under the title (first page)
  void heading(std::string text);   // a section heading
  void paragraph(std::string text);  // wrapped: CJK at any character, Latin at spaces; '\n' breaks
  void key_values(std::vector<std::pair<std::string, std::string>> pairs, int columns = 2);
  // The header is repeated after page breaks; cell text is wrapped (at most 3 lines, then cut).
  void table(std::vector<PdfColumn> columns, std::vector<PdfRow> rows);
  void line_chart(const LineChart& c);
  void bar_chart(const BarChart& c);
  void heat_map(const HeatMap& h);
  void pie_chart(const PieChart& p);
  void page_break();

  std::string bytes() const;  // the PDF

 private:
  // The plot area of a line or bar chart and its value range.
  struct XyFrame {
    double left = 0, right = 0, bottom = 0, top = 0, lo = 0, hi = 1;
    std::size_t n = 0;  // points or categories
    std::vector<double> ticks;
    double y(double v) const;
    double x(std::size_t i, bool bars) const;
  };

  double content_w() const;
  double max_block() const;
  void start_page();
  void ensure(double height);  // a new page unless `height` points fit below the cursor
  void begin_content();
  void reserve(double height);  // ensure(height), and the space is taken by content
  void draw_heading(const std::string& text);
  void text(double x, double y, double size, const std::string& utf8, bool bold = false);
  void color_text(double x, double y, double size, const std::string& utf8, bool bold, double gray);
  double chart_title(const std::string& title, double top);
  std::vector<std::vector<std::size_t>> legend_lines(const std::vector<std::string>& names) const;
  double legend_item_w(const std::string& name) const;
  void legend(const std::vector<std::string>& names, bool lines, double top);
  void no_data(double x, double y, double w, double h);
  bool xy_frame(const std::string& title, const std::vector<ChartSeries>& series, const std::vector<std::string>& x_labels,
                const std::string& unit, double height, bool stacked, bool bars, int label_every, XyFrame& f);

  std::string title_;
  double page_w_, page_h_;
  std::vector<std::string> pages_;    // finished pages
  std::string ops_;                   // the current page's content stream
  std::set<std::uint16_t> used_;      // CID codes drawn (for the ToUnicode map)
  double y_ = 0;                      // the layout cursor: the top of the free space
  bool has_content_ = false;          // something is drawn on the current page
  bool title_ruled_ = false;          // the rule under the title block is drawn
  // The last heading while nothing has been drawn after it: where its drawing starts in ops_, and
  // its text, so that a page break moves it to the new page with what follows.
  std::size_t heading_at_ = std::string::npos;
  std::string heading_text_;
  bool heading_opens_page_ = false;
};

// Tick values for an axis over [lo, hi]: about `target` steps of 1, 2 or 5 × 10^k, from a multiple
// of the step at or below lo to one at or above hi (nice_ticks(0, 9.3) = 0, 2, 4, 6, 8, 10).
std::vector<double> nice_ticks(double lo, double hi, int target = 5);

}  // namespace lianxin::io
