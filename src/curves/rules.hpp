#pragma once
// 15-minute load curves (负荷曲线), pure (no I/O, no JSON, no database): parsing the two upload
// layouts into one curve per account and calendar month, and the quality flags of such a month
// (gaps, negative readings, spikes, stuck meters, copied days). The codec that stores a month as
// one blob is in codec.hpp, the load statistics (kWh, maximum demand, typical day, time-of-use
// split) in stats.hpp.
//
// A month of one account is `days_in_month × 96` readings in kW, slot s of day d (both 0-based) at
// index d × 96 + s; slot s covers [s × 15 min, (s + 1) × 15 min) and its reading is the average
// demand over that quarter hour, as metering systems export it. NaN is a missing reading.
//
// Layouts (the caller has decoded GBK and read the file; the text is UTF-8, a BOM, CRLF line ends,
// blank lines and spaces or double quotes around cells are tolerated):
//   wide  [户号|account_no,] YMD, T0000, T0015, …, T2345   one row per day (the metering export);
//         YMD as YYYYMMDD, YYYY-MM-DD or YYYY/MM/DD (month and day may be one digit with separators)
//   long  [户号|account_no,] timestamp|时间, kw|负荷        one row per reading, columns in any order;
//         the timestamp is the start of its slot: YYYY-MM-DD HH:MM[:SS], with 'T' or '/' variants
// Without an account column every row belongs to ParseOptions::default_account. Account numbers
// are trimmed and upper-cased (as billing stores them). An empty value cell is a missing reading,
// not an error.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/errors.hpp"

namespace lianxin::curves {

inline constexpr int kSlotsPerDay = 96;

int days_in_month(int year, int month);  // 0 for a month outside 1–12

// One account's readings of one calendar month.
struct MonthCurve {
  std::string account_no;
  int year = 0, month = 0;
  std::vector<float> kw;                  // days_in_month × 96, NaN = missing
  std::vector<std::uint8_t> day_present;  // per day: 1 if the upload had a row/reading for that day
  std::int64_t first_row = 0;             // the file line that first gave this account-month a reading
  int days() const { return static_cast<int>(day_present.size()); }
};

// ---- parsing -----------------------------------------------------------------------------------

enum class Layout { unknown, wide, long_form };
const char* layout_code(Layout layout);  // "unknown", "wide", "long"

// The layout the first line of `text` announces (BOM, spaces, quotes and case of the English names
// tolerated). A header that starts like the wide layout (YMD) but whose time columns are wrong is
// still `wide`: parse_curves then names the wrong column.
Layout detect_layout(std::string_view text);

struct ParseOptions {
  std::string default_account;     // the account of every row when the file has no account column
  std::size_t max_issues = 200;    // issues kept in ParseResult::issues; counting goes on past it
};

struct ParseResult {
  Layout layout = Layout::unknown;
  // Sorted by account_no (byte order), year, month. When issue_count > 0 the curves hold what the
  // good rows gave, for a preview only: the caller imports nothing from a file with issues.
  std::vector<MonthCurve> curves;
  std::vector<FieldIssue> issues;  // the first max_issues; row = 1-based line of the file (header = 1)
  std::int64_t issue_count = 0;    // all of them
  std::int64_t rows = 0;           // data rows read (blank lines and the header excluded)
  std::int64_t readings = 0;       // values read (empty cells excluded)
  bool ok() const { return issue_count == 0; }
};

// Parses either layout. Every problem is collected (field = the header's name of the column,
// message in Chinese): unknown header (row 1), wrong number of cells, an unparsable or impossible
// date or time, a time not on a 15-minute boundary, a value that is not a finite number, the same
// day of an account twice (wide; names the earlier row), the same slot of an account twice (long;
// names the earlier row), an empty account number with no default. Allocation-free per cell.
ParseResult parse_curves(std::string_view text, const ParseOptions& options = {});

// ---- quality -----------------------------------------------------------------------------------
//
// Rules (each a flag code when it finds anything):
//   gaps           missing readings inside the days the upload covered: from the first to the last
//                  day of the month with day_present = 1 (a month whose data starts on the 10th
//                  because the account was connected then, or an export that ends on the 10th, is
//                  not a gap; a whole day missing between covered days is). Days outside that range
//                  are `uncovered_days`. Without day_present every day of the month counts.
//   negative       readings < 0 (meters of customers without generation never run backwards).
//   spike          a reading v with v ≥ spike_min_kw and v > spike_ratio × m, where m is the median
//                  of the present readings among the ±spike_half_window neighbours (the reading
//                  itself excluded, across day boundaries; at least spike_min_neighbours of them;
//                  of an even number the upper of the two middle ones).
//                  A median is not moved by one bad neighbour, so a spike or a negative reading
//                  does not hide another; a morning ramp is far below 5× its neighbourhood. Short
//                  genuine bursts in an idle site (a pump running one hour among zeros) are flagged
//                  too: it is a warning to look, not an error.
//   flat           runs of ≥ flat_min_run identical consecutive readings (a stuck meter or a held
//                  last value); every point of such a run counts. Runs of zeros do not count unless
//                  flat_counts_zero_runs: a site shut for the night or the weekend reads zero.
//   duplicate_day  a day whose 96 readings (and gaps) are identical to an earlier day of the month
//                  (a copied export); the copies count, not the original. Days entirely missing and
//                  days of one constant value (caught by `flat`) are not compared.
// zeros (readings == 0) are counted but are no flag by themselves.

struct QualityParams {
  double spike_ratio = 5.0;
  int spike_half_window = 8;      // ±8 quarter hours = ±2 hours
  int spike_min_neighbours = 8;
  double spike_min_kw = 10.0;     // below this no reading is a spike, whatever its neighbours
  int flat_min_run = 16;          // 4 hours
  bool flat_counts_zero_runs = false;
  std::size_t max_marks = 200;    // marks kept; the counts go on past it
};

// Where a finding is, for the UI to mark: day is 1-based, slot 0–95 (the first of a run), points
// the run's length (1 for a single reading, 96 for a day); other_day the original of a copied day.
struct QualityMark {
  const char* code = "";  // the flag code
  int day = 0, slot = 0, points = 1, other_day = 0;
};

struct CurveQuality {
  int points = 0;          // readings present
  int missing = 0;         // expected readings (covered days × 96) without a value
  int negatives = 0, zeros = 0, spikes = 0, flat_points = 0, duplicate_days = 0;
  int covered_days = 0, uncovered_days = 0;
  std::vector<const char*> flags;  // "gaps", "negative", "spike", "flat", "duplicate_day" in this order
  std::vector<QualityMark> marks;  // in that order too, then by time
  bool has(std::string_view flag) const;
};

// `kw.size()` must be a whole number of days (else std::invalid_argument); `day_present` is empty
// (every day covered) or one entry per day.
CurveQuality assess_quality(std::span<const float> kw, std::span<const std::uint8_t> day_present,
                            const QualityParams& params = {});
CurveQuality assess_quality(const MonthCurve& curve, const QualityParams& params = {});

}  // namespace lianxin::curves
