"""Weekday factors shared across series: the pooling against statsmodels' meta-analysis (the
DerSimonian–Laird between-series variance), and the shrinkage's two limits."""

from __future__ import annotations

import numpy as np
import pytest

from perisai.monitoring.weekdays import History, series_factors, shared_factors

WEEK = (1.3, 1.1, 1.0, 1.0, 0.9, 0.8, 0.9)


def _history(rng: np.random.Generator, mean: float, week: tuple[float, ...]) -> History:
    sums = tuple(float(rng.poisson(mean * f, 8).sum()) for f in week)
    return History(sums, (8,) * 7, 0.05)


def test_shared_factors_are_dersimonian_laird_as_statsmodels_computes_it() -> None:
    meta = pytest.importorskip("statsmodels.stats.meta_analysis")
    rng = np.random.default_rng(4)
    histories = [
        _history(rng, mean, tuple(f * float(np.exp(rng.normal(0, 0.15))) for f in WEEK))
        for mean in (5.0, 12.0, 30.0, 60.0, 8.0, 20.0)
    ]
    shared, tau2 = shared_factors(histories)
    tau2s = []
    for d in range(7):
        own = np.array([h.factor(d) for h in histories], dtype=float)
        noise = np.array([h.noise(d) for h in histories])
        ref = meta.combine_effects(own, noise, method_re="dl")
        assert shared[d] == pytest.approx(float(ref.mean_effect_fe), rel=1e-9)
        tau2s.append(max(0.0, float(ref.tau2)))
    assert tau2 == pytest.approx(float(np.mean(tau2s)), rel=1e-9)
    assert tau2 > 0


def test_identical_rhythms_are_pooled_and_distinct_large_ones_kept() -> None:
    rng = np.random.default_rng(8)
    same = [_history(rng, m, WEEK) for m in (5.0, 10.0, 40.0, 60.0, 15.0)]
    shared, tau2 = shared_factors(same)
    factors, weights = series_factors(same[0], shared, tau2)
    assert max(weights) < 0.5  # little own weight: the series do not really differ
    assert factors == pytest.approx(list(WEEK), rel=0.15)
    # A large series with a rhythm of its own (a hotline closed at weekends) keeps it.
    closed = (1.4, 1.4, 1.4, 1.4, 1.4, 0.0, 0.0)
    odd = [*same, _history(rng, 200.0, closed)]
    shared, tau2 = shared_factors(odd)
    factors, _weights = series_factors(odd[-1], shared, tau2)
    assert factors[5] < 0.25 and factors[0] > 1.2


def test_a_weekday_never_seen_takes_the_shared_factor() -> None:
    h = History((10.0, 12.0, 0.0, 9.0, 8.0, 7.0, 11.0), (8, 8, 0, 8, 8, 8, 8), 0.1)
    assert h.factor(2) is None
    factors, weights = series_factors(h, [1.0, 1.1, 0.9, 1.0, 1.0, 1.0, 1.0], 0.02)
    assert factors[2] == 0.9 and weights[2] == 0.0
