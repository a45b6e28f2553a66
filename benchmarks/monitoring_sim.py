"""Spike detection on a seeded simulated year, beside two baselines (mean + 3 SD; EARS C2).

60 series with weekly seasonality and negative-binomial counts (means 1-60 a day, overdispersion
0.05-0.3), 8 weeks of burn-in, then a year in which ×2 and ×3 outbreaks of 2-5 days are injected.
Prints: share of ×3 outbreaks on series averaging >= 5 a day alerted by their second day, the
same for ×2, and false alerts per week across all series (alerts on a day outside any outbreak).

    .venv/bin/python benchmarks/monitoring_sim.py [--seed N]
"""

from __future__ import annotations

import argparse
import statistics
from datetime import date, timedelta

import numpy as np

from perisai.monitoring.detect import DetectConfig, detect

START = date(2025, 11, 3)
BURN_IN = 56
DAYS = BURN_IN + 365
SERIES = 60


def simulate(seed: int) -> tuple[dict[str, list[int]], list[tuple[str, int, int, float, float]]]:
    rng = np.random.default_rng(seed)
    series: dict[str, list[int]] = {}
    outbreaks: list[tuple[str, int, int, float, float]] = []  # name, start, length, factor, mean
    week = np.array([1.25, 1.15, 1.0, 1.0, 0.95, 0.8, 0.85])
    for s in range(SERIES):
        name = f"s{s:02d}"
        mean = float(np.exp(rng.uniform(np.log(1.0), np.log(60.0))))
        alpha = float(rng.uniform(0.05, 0.3))
        mus = np.array([mean * week[d % 7] for d in range(DAYS)])
        factor = np.ones(DAYS)
        day = BURN_IN + int(rng.integers(10, 40))
        while day < DAYS - 10:
            length = int(rng.integers(2, 6))
            f = float(rng.choice([2.0, 3.0]))
            factor[day : day + length] = f
            outbreaks.append((name, day, length, f, mean))
            day += length + int(rng.integers(40, 90))
        size = 1 / alpha
        mu = mus * factor
        series[name] = [int(v) for v in rng.negative_binomial(size, size / (size + mu))]
    return series, outbreaks


def ours(series: dict[str, list[int]]) -> set[tuple[str, int]]:
    counts = {n: {START + timedelta(days=i): v for i, v in enumerate(c)} for n, c in series.items()}
    return {(a.series, (a.day - START).days) for a in detect(counts, DetectConfig())}


def mean_3sd(series: dict[str, list[int]]) -> set[tuple[str, int]]:
    """Same weekday of the previous 8 weeks: alert when y > mean + 3 SD (and y >= 5)."""
    out = set()
    for name, c in series.items():
        for t in range(BURN_IN, DAYS):
            base = [c[t - 7 * w] for w in range(1, 9)]
            m, sd = statistics.mean(base), statistics.stdev(base)
            if c[t] >= 5 and c[t] > m + 3 * sd:
                out.add((name, t))
    return out


def ears_c2(series: dict[str, list[int]]) -> set[tuple[str, int]]:
    """EARS C2: mean and SD of days t-9..t-3; alert when (y - mean) / max(SD, 0.2) > 3."""
    out = set()
    for name, c in series.items():
        for t in range(BURN_IN, DAYS):
            base = c[t - 9 : t - 2]
            m, sd = statistics.mean(base), statistics.stdev(base)
            if c[t] >= 5 and (c[t] - m) / max(sd, 0.2) > 3:
                out.add((name, t))
    return out


def score(
    alerts: set[tuple[str, int]], outbreaks: list[tuple[str, int, int, float, float]]
) -> dict[str, float]:
    inside = {(n, d) for n, s, ln, _f, _m in outbreaks for d in range(s, s + ln)}
    false = sum(1 for a in alerts if a not in inside and a[1] >= BURN_IN)
    res: dict[str, float] = {}
    for f in (3.0, 2.0):
        obs = [o for o in outbreaks if o[3] == f and o[4] >= 5]
        hit = sum(1 for n, s, _ln, _f, _m in obs if (n, s) in alerts or (n, s + 1) in alerts)
        res[f"x{int(f)}_by_day2"] = hit / len(obs) if obs else float("nan")
        res[f"x{int(f)}_n"] = len(obs)
    res["false_per_week"] = false / (365 / 7)
    return res


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    series, outbreaks = simulate(args.seed)
    print(f"seed {args.seed}: {SERIES} series, {len(outbreaks)} outbreaks, 365 days after burn-in")
    print(f"{'method':<22}{'x3 by day 2':>12}{'x2 by day 2':>12}{'false/week':>12}")
    for label, fn in (
        ("perisai (NB+CUSUM+BH)", ours),
        ("mean + 3 SD", mean_3sd),
        ("EARS C2", ears_c2),
    ):
        r = score(fn(series), outbreaks)
        print(
            f"{label:<22}{r['x3_by_day2']:>12.1%}{r['x2_by_day2']:>12.1%}{r['false_per_week']:>12.2f}"
        )
    print("targets: x3 by day 2 >= 90% (series averaging >= 5/day); false alerts <= 1 per week")


if __name__ == "__main__":
    main()
