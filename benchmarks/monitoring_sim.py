"""Spike detection on a seeded simulated year, beside two baselines (mean + 3 SD; EARS C2) and
beside an oracle that knows the true parameters (what no detector can beat at that false-alert
rate).

60 series with weekly seasonality and negative-binomial counts (means 1-60 a day, overdispersion
0.05-0.3), 8 weeks of burn-in, then a year in which ×2 and ×3 outbreaks of 2-5 days are injected.
Prints: share of ×3 outbreaks on series averaging >= 5 a day alerted by their second day, the
same for ×2, and false alerts per week across all series (alerts on a day outside any outbreak).

Seeds: the thresholds that are tuned (the baselines' k calibrated to 1 false alert a week, the
oracle's p threshold, our CUSUM threshold and outlier level) were chosen on the TUNING seeds
(101-103, ``--tune``); the figures reported in docs come from the REPORT seeds (16-18), never
looked at while tuning.

    .venv/bin/python benchmarks/monitoring_sim.py [--seeds 16 17 18] [--tune] [--null]
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from scipy import stats

from perisai.monitoring.detect import DetectConfig, detect

START = date(2025, 11, 3)
BURN_IN = 56
DAYS = BURN_IN + 365
SERIES = 60
WEEK = np.array([1.25, 1.15, 1.0, 1.0, 0.95, 0.8, 0.85])
TUNING_SEEDS = (101, 102, 103)
REPORT_SEEDS = (16, 17, 18)
# Chosen on the tuning seeds (``--tune``): the largest of each grid keeping false alerts <= 1 a
# week there.
MEAN_SD_K = 6.0
EARS_K = 7.0
ORACLE_P = 0.0015

Outbreak = tuple[str, int, int, float, float]  # name, start, length, factor, mean


@dataclass
class World:
    series: dict[str, list[int]]
    outbreaks: list[Outbreak]
    params: dict[str, tuple[float, float]]  # name -> (mean, overdispersion)


def simulate(seed: int, *, outbreaks: bool = True, series_count: int = SERIES) -> World:
    rng = np.random.default_rng(seed)
    world = World({}, [], {})
    for s in range(series_count):
        name = f"s{s:02d}"
        mean = float(np.exp(rng.uniform(np.log(1.0), np.log(60.0))))
        alpha = float(rng.uniform(0.05, 0.3))
        world.params[name] = (mean, alpha)
        mus = np.array([mean * WEEK[d % 7] for d in range(DAYS)])
        factor = np.ones(DAYS)
        day = BURN_IN + int(rng.integers(10, 40))
        while day < DAYS - 10:
            length = int(rng.integers(2, 6))
            f = float(rng.choice([2.0, 3.0]))
            if outbreaks:
                factor[day : day + length] = f
                world.outbreaks.append((name, day, length, f, mean))
            day += length + int(rng.integers(40, 90))
        size = 1 / alpha
        mu = mus * factor
        world.series[name] = [int(v) for v in rng.negative_binomial(size, size / (size + mu))]
    return world


def ours(world: World) -> set[tuple[str, int]]:
    counts = {
        n: {START + timedelta(days=i): v for i, v in enumerate(c)} for n, c in world.series.items()
    }
    return {(a.series, (a.day - START).days) for a in detect(counts, DetectConfig())}


def mean_sd(k: float) -> Callable[[World], set[tuple[str, int]]]:
    """Same weekday of the previous 8 weeks: alert when y > mean + k SD (and y >= 5)."""

    def run(world: World) -> set[tuple[str, int]]:
        out = set()
        for name, c in world.series.items():
            for t in range(BURN_IN, DAYS):
                base = [c[t - 7 * w] for w in range(1, 9)]
                m, sd = statistics.mean(base), statistics.stdev(base)
                if c[t] >= 5 and c[t] > m + k * sd:
                    out.add((name, t))
        return out

    return run


def ears_c2(k: float) -> Callable[[World], set[tuple[str, int]]]:
    """EARS C2: mean and SD of days t-9..t-3; alert when (y - mean) / max(SD, 0.2) > k."""

    def run(world: World) -> set[tuple[str, int]]:
        out = set()
        for name, c in world.series.items():
            for t in range(BURN_IN, DAYS):
                base = c[t - 9 : t - 2]
                m, sd = statistics.mean(base), statistics.stdev(base)
                if c[t] >= 5 and (c[t] - m) / max(sd, 0.2) > k:
                    out.add((name, t))
        return out

    return run


def oracle(threshold: float) -> Callable[[World], set[tuple[str, int]]]:
    """Knows each series' true mean and overdispersion: alerts when the day's exact
    negative-binomial tail, or that of the last two days' sum, is below ``threshold`` / 2."""

    def run(world: World) -> set[tuple[str, int]]:
        out = set()
        for name, c in world.series.items():
            mean, alpha = world.params[name]
            size = 1 / alpha
            for t in range(BURN_IN, DAYS):
                if c[t] < 5:
                    continue
                mu, before = mean * WEEK[t % 7], mean * WEEK[(t - 1) % 7]
                p1 = float(stats.nbinom.sf(c[t] - 1, size, size / (size + mu)))
                m2 = mu + before
                v2 = m2 + alpha * (mu * mu + before * before)
                s2 = m2 * m2 / (v2 - m2)
                p2 = float(stats.nbinom.sf(c[t] + c[t - 1] - 1, s2, s2 / (s2 + m2)))
                if 2 * min(p1, p2) < threshold:
                    out.add((name, t))
        return out

    return run


def score(alerts: set[tuple[str, int]], outbreaks: list[Outbreak]) -> dict[str, float]:
    inside = {(n, d) for n, s, ln, _f, _m in outbreaks for d in range(s, s + ln)}
    false = sum(1 for a in alerts if a not in inside and a[1] >= BURN_IN)
    res: dict[str, float] = {}
    for f in (3.0, 2.0):
        obs = [o for o in outbreaks if o[3] == f and o[4] >= 5]
        hit = sum(1 for n, s, _ln, _f, _m in obs if (n, s) in alerts or (n, s + 1) in alerts)
        res[f"x{int(f)}_hit"] = hit
        res[f"x{int(f)}_n"] = len(obs)
    res["false"] = false
    return res


METHODS: list[tuple[str, Callable[[World], set[tuple[str, int]]]]] = [
    ("perisai (NB+CUSUM+BH)", ours),
    ("mean + 3 SD", mean_sd(3.0)),
    ("EARS C2 (k = 3)", ears_c2(3.0)),
    (f"mean + {MEAN_SD_K:g} SD (tuned)", mean_sd(MEAN_SD_K)),
    (f"EARS C2 (k = {EARS_K:g}, tuned)", ears_c2(EARS_K)),
    (f"oracle (true NB, p < {ORACLE_P:g})", oracle(ORACLE_P)),
]


def report(seeds: tuple[int, ...]) -> None:
    totals: dict[str, dict[str, float]] = {label: {} for label, _ in METHODS}
    outbreak_count = 0
    for seed in seeds:
        world = simulate(seed)
        outbreak_count += len(world.outbreaks)
        for label, fn in METHODS:
            for key, value in score(fn(world), world.outbreaks).items():
                totals[label][key] = totals[label].get(key, 0) + value
    weeks = len(seeds) * 365 / 7
    print(f"seeds {list(seeds)}: {SERIES} series each, {outbreak_count} outbreaks, 365 days each")
    print(f"{'method':<32}{'x3 by day 2':>14}{'x2 by day 2':>14}{'false/week':>12}")
    for label, _fn in METHODS:
        r = totals[label]
        x3 = f"{r['x3_hit'] / r['x3_n']:.1%} ({int(r['x3_n'])})"
        x2 = f"{r['x2_hit'] / r['x2_n']:.1%}"
        print(f"{label:<32}{x3:>14}{x2:>14}{r['false'] / weeks:>12.2f}")
    print("targets: x3 by day 2 >= 90% (series averaging >= 5/day); false alerts <= 1 per week")


def tune() -> None:
    """The grids the tuned thresholds were read from (tuning seeds only)."""
    worlds = [simulate(seed) for seed in TUNING_SEEDS]
    weeks = len(worlds) * 365 / 7
    grids: list[tuple[str, Callable[[float], Callable[[World], set[tuple[str, int]]]], list[float]]]
    grids = [
        ("mean + k SD", mean_sd, [3.0, 4.0, 5.0, 5.5, 6.0, 6.5]),
        ("EARS C2 k", ears_c2, [3.0, 5.0, 6.0, 6.5, 7.0, 8.0]),
        ("oracle p", oracle, [0.0005, 0.001, 0.0015, 0.002, 0.003]),
    ]
    for label, make, grid in grids:
        for value in grid:
            fn = make(value)
            hit = n = false = 0.0
            for world in worlds:
                r = score(fn(world), world.outbreaks)
                hit, n, false = hit + r["x3_hit"], n + r["x3_n"], false + r["false"]
            print(
                f"{label:<14}{value:>8g}  x3 by day 2 {hit / n:6.1%}"
                f"  false/week {false / weeks:.2f}"
            )
    for world in worlds:
        r = score(ours(world), world.outbreaks)
        print(f"ours: x3 {r['x3_hit'] / r['x3_n']:.1%}  false/week {r['false'] / (365 / 7):.2f}")


def null_check(seed: int) -> None:
    """Calibration on a world without outbreaks (30 series averaging >= 5 a day): the share of
    single-day predictive p-values below 0.001, 0.01 and 0.05 should be those numbers."""
    from perisai.monitoring import detect as detection

    world = simulate(seed, outbreaks=False, series_count=90)
    world.series = {n: c for n, c in world.series.items() if world.params[n][0] >= 5}
    p_values: list[float] = []
    original = detection._tests

    def spy(*args: Any) -> Any:
        tests = original(*args)
        if args[2] >= BURN_IN:
            p_values.append(tests[0].p_value)  # the single-day test comes first
        return tests

    detection._tests = spy  # type: ignore[assignment]  # a measurement hook, never in the app
    try:
        alerts = ours(world)
    finally:
        detection._tests = original
    arr = np.array(p_values)
    shares = "  ".join(f"P(p < {c:g}) = {float(np.mean(arr < c)):.4f}" for c in (0.001, 0.01, 0.05))
    late = sum(1 for _n, t in alerts if t >= BURN_IN)
    print(f"null seed {seed}, {len(world.series)} series, {arr.size} tests (single day): {shares}")
    print(f"false alerts without any outbreak: {late / (365 / 7):.2f} a week")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, nargs="+", default=list(REPORT_SEEDS))
    parser.add_argument("--tune", action="store_true", help="print the tuning grids")
    parser.add_argument("--null", action="store_true", help="p-value calibration, no outbreaks")
    args = parser.parse_args()
    if args.tune:
        tune()
    elif args.null:
        for seed in args.seeds:
            null_check(seed)
    else:
        report(tuple(args.seeds))


if __name__ == "__main__":
    main()
