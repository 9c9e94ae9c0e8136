#pragma once
// Electricity-use anomalies and theft suspicion (用电异常 / 窃电嫌疑), pure: from an account's
// monthly figures (bills, and the curve summaries where there are curves) and how its industry
// peers moved in the same months, the findings an account manager should check on site:
//   sudden_drop     the month's energy fell below drop_ratio × the median of the previous months
//                   while the peers did not fall alike (the classic sign of a bypassed meter);
//   zero_reading    no energy in a month after months of use (a stopped meter, or a closed site);
//   flat_curve      a large share of the month's readings stuck at one value while the business
//                   runs (the energy is still there);
//   pf_anomaly      the power factor fell by pf_drop or more from its usual level, or below the floor
//                   (a tampered reactive register, or failed compensation);
//   reverse_energy  negative readings on the curve of a customer without generation.
// Each finding carries its evidence in Chinese and the expected vs actual energy. No I/O.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lianxin::analysis {

struct MonthPoint {
  std::string period;  // YYYY-MM
  double kwh = 0;
  std::optional<double> kvarh;
  // From the month's curve, when there is one.
  bool has_curve = false;
  int points = 0, negatives = 0, flat_points = 0;
};

struct PeerMove {
  double median_ratio = 1;  // the peers' month energy / their median of the previous months
  int peers = 0;
};

struct AnomalyParams {
  double drop_ratio = 0.5;       // [P] a month below half the usual
  int history_months = 6;        // [P] the usual: median of up to six previous months (at least three)
  double peer_drop_ratio = 0.8;  // [P] peers that stayed above 80 % of their usual did not fall alike
  int min_peers = 5;
  int pf_drop_hundredths = 10;   // [P]
  int pf_floor_hundredths = 70;  // [P]
  double flat_share = 0.25;      // [P] a quarter of the month's readings in stuck runs
};

struct Anomaly {
  std::string kind, period;
  std::string evidence_zh;
  double expected_kwh = 0, actual_kwh = 0;
  int severity = 1;  // 1 low … 3 high (theft suspicion)
};

// Findings for the months of `months` (oldest first; every month is judged against the ones before
// it). `peers` by period.
std::vector<Anomaly> detect_anomalies(const std::vector<MonthPoint>& months, const std::map<std::string, PeerMove>& peers,
                                      const AnomalyParams& params = {});

// The median of a list (0 for an empty one).
double median(std::vector<double> values);

}  // namespace lianxin::analysis
