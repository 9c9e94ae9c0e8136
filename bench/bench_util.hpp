#pragma once
// Small helpers shared by the benchmark programs: timing, percentiles, peak memory, and the
// "RESULT key=value" lines that bench/run.sh collects into its summary table.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "app/demo.hpp"

namespace lianxin::bench {

using Clock = std::chrono::steady_clock;

inline double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Nearest-rank percentile of unsorted samples (copied and sorted here).
inline double percentile(std::vector<double> samples, double p) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(samples.size()) + 0.999999);
  rank = std::clamp<std::size_t>(rank, 1, samples.size());
  return samples[rank - 1];
}

// VmHWM / VmRSS of this process in MiB, from /proc/self/status.
inline double proc_status_mib(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  std::string prefix = std::string(field) + ":";
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) return std::stod(line.substr(prefix.size())) / 1024.0;  // kB
  }
  return 0;
}

inline void result(const std::string& key, double value) { std::printf("RESULT %s=%.3f\n", key.c_str(), value); }
inline void result_text(const std::string& key, const std::string& value) {
  std::printf("RESULT %s=%s\n", key.c_str(), value.c_str());
}

// "--name value" command-line options; returns fallback when absent.
inline std::string option(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (argv[i] == name) return argv[i + 1];
  return fallback;
}

// The seeded administrator as a principal of the whole company, for calling services directly.
inline auth::Principal admin_principal(storage::Database& db) { return *app::demo_admin(db); }

}  // namespace lianxin::bench
