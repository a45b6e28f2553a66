"""Overdispersion pooled across series: the between-series variance against statsmodels'
DerSimonian–Laird, the prior's volume slope, and the shrinkage's two limits."""

from __future__ import annotations

import numpy as np
import pytest

from perisai.monitoring.dispersion import Dispersion, pooled


def test_the_between_series_variance_is_dersimonian_laird_as_statsmodels_computes_it() -> None:
    meta = pytest.importorskip("statsmodels.stats.meta_analysis")
    rng = np.random.default_rng(2)
    levels = [float(m) for m in rng.uniform(5, 60, 12)]
    own = [
        Dispersion(float(a), float(se))
        for a, se in zip(rng.uniform(0.05, 0.3, 12), rng.uniform(0.02, 0.08, 12), strict=True)
    ]
    out = pooled(levels, own)
    # With no volume trend the chosen prior is flat (slope 0): recompute its pieces by hand.
    weights = np.array([1 / d.se**2 for d in own])
    alphas = np.array([d.alpha for d in own])
    scale = float(np.sum(weights * alphas) / np.sum(weights))
    ratios = alphas / scale
    noise = np.array([(d.se / scale) ** 2 for d in own])
    ref = meta.combine_effects(ratios, noise, method_re="dl")
    tau2 = max(0.0, float(ref.tau2))
    centre = float(ref.mean_effect_fe)
    for d, got in zip(own, out, strict=True):
        w = tau2 / (tau2 + (d.se / scale) ** 2)
        assert got.alpha == pytest.approx(scale * (centre + w * (d.alpha / scale - centre)))
        assert got.se == pytest.approx(scale * np.sqrt(w) * d.se / scale)


def test_alike_series_borrow_and_a_precise_different_one_keeps_its_own() -> None:
    levels = [5.0, 8.0, 12.0, 20.0, 30.0, 45.0, 60.0]
    # All at 0.1 in truth; the small ones' estimates are noisy (0 and 0.25).
    own = [
        Dispersion(a, se)
        for a, se in [
            (0.0, 0.08),
            (0.25, 0.09),
            (0.1, 0.05),
            (0.09, 0.03),
            (0.11, 0.03),
            (0.1, 0.02),
            (0.1, 0.02),
        ]
    ]
    out = pooled(levels, own)
    assert 0.06 < out[0].alpha < 0.14 and 0.06 < out[1].alpha < 0.14
    assert out[0].se < own[0].se
    # A large series that really is much noisier, and knows it precisely, stays itself.
    odd = [*own, Dispersion(0.8, 0.05)]
    kept = pooled([*levels, 50.0], odd)
    assert kept[-1].alpha == pytest.approx(0.8, rel=0.1)


def test_a_variance_proportional_to_the_mean_is_recognised() -> None:
    # Quasi-Poisson series (Var = 3 mu): alpha = 2 / mu, so the prior's slope is -1 and a
    # small series' wild estimate is pulled toward 2 / its level, not toward the large ones'.
    levels = [5.0, 8.0, 12.0, 20.0, 30.0, 45.0, 60.0, 10.0]
    own = [Dispersion(2 / m, 0.2 / m) for m in levels[:-1]] + [Dispersion(0.0, 0.15)]
    out = pooled(levels, own)
    assert out[-1].alpha == pytest.approx(0.2, rel=0.35)


def test_too_few_series_keep_their_own() -> None:
    own = [Dispersion(0.1, 0.05), Dispersion(0.3, 0.05)]
    assert pooled([10.0, 20.0], own) == own
