#include "analysis/anomalies.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace lianxin::analysis {

namespace {

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::optional<int> pf_of(const MonthPoint& m) {
  if (!m.kvarh || m.kwh <= 0) return std::nullopt;
  return static_cast<int>(std::lround(m.kwh / std::sqrt(m.kwh * m.kwh + *m.kvarh * *m.kvarh) * 100));
}

}  // namespace

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::vector<Anomaly> detect_anomalies(const std::vector<MonthPoint>& months, const std::map<std::string, PeerMove>& peers,
                                      const AnomalyParams& params) {
  std::vector<Anomaly> out;
  for (std::size_t i = 0; i < months.size(); ++i) {
    const MonthPoint& m = months[i];
    const std::size_t from = i > static_cast<std::size_t>(params.history_months) ? i - static_cast<std::size_t>(params.history_months) : 0;
    std::vector<double> history, pf_history;
    for (std::size_t j = from; j < i; ++j) {
      history.push_back(months[j].kwh);
      if (auto pf = pf_of(months[j])) pf_history.push_back(*pf);
    }
    const bool enough = history.size() >= 3;
    const double usual = median(history);

    if (enough && usual > 0 && m.kwh <= 0) {
      out.push_back({"zero_reading", m.period, "本月电量为零，此前 " + std::to_string(history.size()) + " 个月月均约 " + fmt("%.0f", usual) + " 千瓦时",
                     usual, m.kwh, 2});
    } else if (enough && usual > 0 && m.kwh < usual * params.drop_ratio) {
      auto peer = peers.find(m.period);
      const bool peers_known = peer != peers.end() && peer->second.peers >= params.min_peers;
      const bool peers_fell = peers_known && peer->second.median_ratio < params.peer_drop_ratio;
      if (!peers_fell) {
        std::string evidence = "本月电量 " + fmt("%.0f", m.kwh) + " 千瓦时，仅为此前月份中位数 " + fmt("%.0f", usual) + " 的 " +
                               fmt("%.0f", m.kwh / usual * 100) + "%";
        if (peers_known)
          evidence += "；同行业 " + std::to_string(peer->second.peers) + " 户同期为其常态的 " + fmt("%.0f", peer->second.median_ratio * 100) + "%";
        out.push_back({"sudden_drop", m.period, evidence, usual, m.kwh, peers_known ? 3 : 2});
      }
    }

    if (m.has_curve && m.points > 0) {
      if (m.flat_points > m.points * params.flat_share && (!enough || m.kwh > usual * params.drop_ratio * 0.5))
        out.push_back({"flat_curve", m.period,
                       "负荷曲线 " + std::to_string(m.flat_points) + " 个点（" + fmt("%.0f", 100.0 * m.flat_points / m.points) +
                           "%）长时间不变，疑似表计停走或数据冻结",
                       usual, m.kwh, 2});
      if (m.negatives > 0)
        out.push_back({"reverse_energy", m.period, "负荷曲线出现 " + std::to_string(m.negatives) + " 个负值读数（无发电设备的用户不应反向）", usual,
                       m.kwh, 2});
    }

    if (auto pf = pf_of(m); pf && pf_history.size() >= 3) {
      const double usual_pf = median(pf_history);
      if (*pf < params.pf_floor_hundredths || usual_pf - *pf >= params.pf_drop_hundredths)
        out.push_back({"pf_anomaly", m.period,
                       "本月功率因数 " + fmt("%.2f", *pf / 100.0) + "，此前中位数 " + fmt("%.2f", usual_pf / 100.0), usual, m.kwh, 1});
    }
  }
  return out;
}

}  // namespace lianxin::analysis
