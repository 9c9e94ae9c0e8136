#!/usr/bin/env python3
"""The basic-charge optimisation of bench_analysis in pandas (Debian's python3-pandas), for the
speed comparison: the same accounts' year of 15-minute data (written by bench_analysis as raw
float32, 35,040 readings an account), each month reduced to its maximum demand and energy, then per
quarter the cheapest of billing by capacity, by actual demand and by a contract demand (the levels
where a month reaches 105 %, and the 40 % floor), with the 105 % rule (excess at double) and the
260 kWh/kVA discount, against billing by capacity. Prints RESULT lines like the C++ benchmarks.
Usage: basic_charge_pandas.py DIR ACCOUNTS"""
import sys
import time

import numpy as np
import pandas as pd

CAPACITY_FEN, DEMAND_FEN = 2630, 4200          # rules_cn §8.4, Hubei two-part 1–10 kV
THRESHOLD, MULTIPLIER, FLOOR = 1.05, 2.0, 0.40  # rules_cn §4.4
DISCOUNT_KWH_PER_KVA, DISCOUNT = 260, 0.90

def main():
    path, n = sys.argv[1] + "/curves.f32", int(sys.argv[2])
    kw = np.fromfile(path, dtype=np.float32, count=n * 35040).reshape(n, 35040)
    start = time.perf_counter()
    index = pd.date_range("2025-01-01", periods=35040, freq="15min")
    frame = pd.DataFrame(kw.T, index=index)                  # one column an account
    monthly_max = frame.resample("MS").max()                  # 12 × accounts
    monthly_kwh = frame.resample("MS").sum() * 0.25
    peak_week = frame.iloc[: 96 * 7].max()
    capacity = np.ceil(peak_week * 1.25 / 100.0) * 100.0      # as bench_analysis sizes the transformer
    saving = pd.Series(0.0, index=frame.columns)
    for q in range(4):
        md = monthly_max.iloc[3 * q: 3 * q + 3]
        kwh = monthly_kwh.iloc[3 * q: 3 * q + 3]
        price = pd.DataFrame(np.where(kwh.div(capacity, axis=1) >= DISCOUNT_KWH_PER_KVA, DEMAND_FEN * DISCOUNT, DEMAND_FEN),
                             index=md.index, columns=md.columns)
        by_capacity = (capacity * CAPACITY_FEN).round() * 3
        by_actual = (md * price).round().sum()
        floor = np.ceil(FLOOR * capacity - 1e-9)
        best_contract = pd.Series(np.inf, index=frame.columns)
        candidates = [floor] + [np.maximum(np.ceil(md.iloc[i] / THRESHOLD - 1e-9), floor) for i in range(3)]
        for level in candidates:
            limit = level * THRESHOLD
            over = md.gt(limit, axis=1)
            cost = price.mul(level, axis=1).where(~over, price.mul(limit, axis=1) + md.sub(limit, axis=1) * price * MULTIPLIER)
            best_contract = np.minimum(best_contract, cost.round().sum())
        best = np.minimum(np.minimum(by_capacity, by_actual), best_contract)
        saving += by_capacity - best
    elapsed = (time.perf_counter() - start) * 1000
    print(f"pandas: {n} accounts in {elapsed:.0f} ms ({elapsed * 1000 / n:.0f} µs an account); yearly saving found {saving.sum() / 100:.0f} 元")
    print(f"RESULT pandas_ms={elapsed:.3f}")
    print(f"RESULT pandas_us_per_account={elapsed * 1000 / n:.3f}")
    print(f"RESULT pandas_saving_yuan={saving.sum() / 100:.3f}")

if __name__ == "__main__":
    main()
