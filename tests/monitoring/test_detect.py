"""The spike statistics against independent references (scipy, direct sums) and on series built
to have, or not have, a rise."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

import numpy as np
import pytest
from scipy import stats

from perisai.monitoring.detect import (
    CUSUM,
    NEGBIN,
    NEW_SERIES,
    DetectConfig,
    benjamini_hochberg,
    conditional_alpha,
    conditional_alpha_se,
    conditional_tail,
    detect,
    moment_alpha,
    nb_llr,
    polya_pmf,
    predictive_band,
    predictive_params,
    replay,
    simes,
    upper_tail,
    window_tail,
)

START = date(2026, 1, 5)


def _nb_tail_by_sum(x: int, mean: float, var: float) -> float:
    """P(Y >= x) by summing the negative-binomial pmf below x (lgamma), independent of scipy."""
    size = mean * mean / (var - mean)
    p = size / (size + mean)
    below = sum(
        math.exp(
            math.lgamma(k + size)
            - math.lgamma(size)
            - math.lgamma(k + 1)
            + size * math.log(p)
            + k * math.log1p(-p)
        )
        for k in range(x)
    )
    return 1.0 - below


@pytest.mark.parametrize(
    ("x", "mean", "var"), [(1, 2.0, 3.0), (8, 5.0, 9.5), (15, 5.0, 7.5), (40, 20.0, 60.0)]
)
def test_negative_binomial_tail_matches_a_direct_sum(x: int, mean: float, var: float) -> None:
    assert upper_tail(x, mean, var) == pytest.approx(_nb_tail_by_sum(x, mean, var), rel=1e-7)


def test_parameterisation_has_the_mean_and_variance_asked_for() -> None:
    mean, var = 7.0, 19.0
    size = mean * mean / (var - mean)
    got_mean, got_var = stats.nbinom.stats(size, size / (size + mean), moments="mv")
    assert float(got_mean) == pytest.approx(mean)
    assert float(got_var) == pytest.approx(var)


def test_without_overdispersion_the_tail_is_poisson() -> None:
    poisson = 1.0 - sum(math.exp(-4.0) * 4.0**k / math.factorial(k) for k in range(11))
    assert upper_tail(11, 4.0, 4.0) == pytest.approx(poisson, rel=1e-9)
    assert upper_tail(0, 4.0, 9.0) == 1.0


def test_predictive_variance_adds_the_baseline_means_error() -> None:
    mean, var = predictive_params(10.0, 0.2, 4)
    assert mean == 10.0
    assert var == pytest.approx((10.0 + 0.2 * 100.0) * 1.25)


def test_benjamini_hochberg_matches_scipy() -> None:
    rng = np.random.default_rng(7)
    p = np.concatenate([rng.uniform(size=40), rng.uniform(0, 1e-3, size=10)])
    ours = benjamini_hochberg([float(v) for v in p])
    assert ours == pytest.approx(list(stats.false_discovery_control(p, method="bh")), rel=1e-12)


def test_moment_overdispersion_matches_numpy() -> None:
    values = [3, 9, 4, 12, 6, 2, 8, 7]
    mean = float(np.mean(values))
    expected = (float(np.var(values, ddof=1)) - mean) / mean**2
    assert moment_alpha(values) == pytest.approx(expected)
    assert moment_alpha([5, 5, 5, 5]) == 0.0  # under-dispersed: clipped at Poisson


def _series(days: int, mean: float, seed: int, alpha: float = 0.1) -> dict[date, int]:
    """Seeded negative-binomial counts with a weekday pattern."""
    rng = np.random.default_rng(seed)
    out = {}
    for i in range(days):
        mu = mean * (1.3 if i % 7 in (0, 1) else 0.88)
        size = 1 / alpha
        out[START + timedelta(days=i)] = int(rng.negative_binomial(size, size / (size + mu)))
    return out


def test_a_tripling_is_alerted_with_its_evidence() -> None:
    counts = {f"s{i}": _series(120, 8.0, seed=i) for i in range(20)}
    spike_day = START + timedelta(days=100)
    counts["s3"][spike_day] = 3 * 8 + 20
    alerts = detect(counts)
    hit = [a for a in alerts if a.series == "s3" and a.day == spike_day]
    assert hit, alerts
    a = hit[0]
    assert a.method == NEGBIN
    assert a.observed == 44
    assert 4.0 < a.expected < 14.0
    assert a.p_value is not None and a.q_value is not None
    assert a.p_value <= a.q_value <= 0.05
    assert a.baseline_weeks == 8


def test_the_minimum_count_holds_back_small_numbers() -> None:
    counts = {"quiet": {START + timedelta(days=i): 1 if i % 7 == 0 else 0 for i in range(70)}}
    counts["quiet"][START + timedelta(days=63)] = 4  # a Monday: usually 1
    assert detect(counts, DetectConfig(min_count=5)) == []
    assert [a.observed for a in detect(counts, DetectConfig(min_count=4))] == [4]


def test_missing_rows_are_zero() -> None:
    # Only Mondays have rows; the weekly baseline of a Monday is the previous Mondays, and a
    # Tuesday with no row anywhere is never tested (its baseline is all zero).
    counts = {"mon": {START + timedelta(days=7 * w): 6 for w in range(10)}}
    counts["mon"][START + timedelta(days=7 * 10)] = 30
    alerts = detect(counts)
    assert [(a.day, a.observed, a.expected) for a in alerts] == [
        (START + timedelta(days=70), 30, 6.0)
    ]


def test_an_alerted_day_does_not_raise_later_baselines() -> None:
    counts = {"s": {START + timedelta(days=i): 10 for i in range(100)}}
    counts["s"][START + timedelta(days=56)] = 200
    alerts = detect(counts)
    assert [a.day for a in alerts if a.method == NEGBIN] == [START + timedelta(days=56)]
    counts["s"][START + timedelta(days=63)] = 20  # doubles the weekday's usual count
    later = [a for a in detect(counts) if a.day == START + timedelta(days=63)]
    assert later and later[0].expected == 10.0


def _quiet(rise: int, days: range) -> dict[date, int]:
    rng = random.Random(5)
    base = {START + timedelta(days=i): rng.choice((1, 2, 2, 3)) for i in range(90)}
    for i in days:
        base[START + timedelta(days=i)] = rise
    return base


def test_a_rise_over_two_days_is_caught_by_their_sum() -> None:
    # Two days at 6 (3 times the usual 2): neither day reaches the minimum count of 7 alone,
    # their sum does, and is far enough above the 4 expected.
    alerts = detect({"s": _quiet(6, range(70, 72))}, DetectConfig(min_count=7))
    assert [(a.day, a.method, a.window_days, a.observed) for a in alerts] == [
        (START + timedelta(days=71), NEGBIN, 2, 12)
    ]
    assert alerts[0].p_value is not None and alerts[0].p_value < 0.01


def test_a_sustained_rise_is_caught_by_the_cusum() -> None:
    # A week at 4 (twice the usual 2): no day, nor two days together, stand out enough;
    # the CUSUM's longer window does (a lone series cannot borrow an overdispersion from
    # others, so its own is raised by its standard error: six days are not quite enough).
    alerts = detect({"s": _quiet(4, range(70, 77))}, DetectConfig(min_count=7))
    assert alerts, "the sustained rise went unnoticed"
    assert {a.method for a in alerts} == {CUSUM}
    first = alerts[0]
    assert first.window_days >= 3
    assert first.observed >= 4 * 3
    assert 72 <= (first.day - START).days <= 76


def test_a_new_series_reaching_k_alerts_once_without_a_model() -> None:
    old = {START + timedelta(days=i): 5 for i in range(60)}
    new = {START + timedelta(days=i): 12 for i in range(40, 45)}
    alerts = detect({"old": old, "new": new}, DetectConfig(new_series_k=10))
    assert [(a.series, a.day, a.method) for a in alerts] == [
        ("new", START + timedelta(days=40), NEW_SERIES)
    ]
    assert alerts[0].p_value is None and alerts[0].q_value is None


def test_a_series_present_from_the_start_is_not_new() -> None:
    counts = {"early": {START + timedelta(days=i): 12 for i in range(10)}}
    assert detect(counts, DetectConfig(new_series_k=10)) == []


@pytest.mark.parametrize(
    "kwargs",
    [{"fdr": 0.0}, {"fdr": 1.0}, {"min_count": 0}, {"min_weeks": 9}, {"new_series_k": 0}],
)
def test_bad_configuration_is_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=r"must|need"):
        DetectConfig(**kwargs)  # type: ignore[arg-type]


def _conditional_by_sum(total: int, n: int, alpha: float, mean: float) -> np.ndarray:
    """P(Y0 = y | Y0 + ... + Yn = total) for i.i.d. negative binomials of ``mean``, straight
    from Bayes' rule over their pmfs (lgamma sums; no beta-binomial)."""

    def nb(k: np.ndarray, size: float) -> np.ndarray:
        p = (1 / alpha) / (1 / alpha + mean)
        return np.exp(
            [
                math.lgamma(v + size)
                - math.lgamma(size)
                - math.lgamma(v + 1)
                + size * math.log(p)
                + v * math.log1p(-p)
                for v in k
            ]
        )

    k = np.arange(total + 1)
    r = 1 / alpha
    # The sum of n i.i.d. NB(r, p) is NB(n r, p); the mean enters p, which must cancel.
    joint = nb(k, r) * nb(total - k, n * r)
    return np.asarray(joint / joint.sum())


@pytest.mark.parametrize(("total", "n", "alpha"), [(30, 8, 0.2), (12, 4, 1.5), (200, 6, 0.05)])
def test_the_conditional_law_is_the_polya_whatever_the_mean(
    total: int, n: int, alpha: float
) -> None:
    ours = polya_pmf(total, n, alpha)
    for mean in (2.0, 9.0, 40.0):
        assert ours == pytest.approx(_conditional_by_sum(total, n, alpha, mean), abs=1e-10)
    poisson = polya_pmf(total, n, 0.0)
    assert poisson == pytest.approx(stats.binom.pmf(np.arange(total + 1), total, 1 / (n + 1)))


def test_the_day_tail_is_the_conditional_upper_sum() -> None:
    pmf = _conditional_by_sum(25 + 64, 8, 0.3, 5.0)
    assert conditional_tail(25, 64, 8, 0.3) == pytest.approx(float(pmf[25:].sum()), rel=1e-9)
    assert conditional_tail(0, 64, 8, 0.3) == 1.0


def test_a_window_is_the_convolution_of_its_days() -> None:
    days = [(9, 40, 8), (12, 30, 6)]
    a = _conditional_by_sum(49, 8, 0.2, 3.0)
    b = _conditional_by_sum(42, 6, 0.2, 3.0)
    by_hand = sum(a[i] * b[j] for i in range(len(a)) for j in range(len(b)) if i + j >= 21)
    assert window_tail(days, 0.2) == pytest.approx(float(by_hand), rel=1e-9)


def test_simes_is_the_smallest_bh_adjusted_p_value() -> None:
    p = [0.04, 0.2, 0.011]
    assert simes(p) == pytest.approx(float(min(stats.false_discovery_control(p))), rel=1e-12)
    assert simes([0.3]) == 0.3


def test_bh_matches_statsmodels() -> None:
    multitest = pytest.importorskip("statsmodels.stats.multitest")
    rng = np.random.default_rng(11)
    p = np.concatenate([rng.uniform(size=60), rng.uniform(0, 1e-4, size=5)])
    _reject, reference, _s, _b = multitest.multipletests(p, alpha=0.05, method="fdr_bh")
    assert benjamini_hochberg([float(v) for v in p]) == pytest.approx(list(reference), rel=1e-12)


@pytest.mark.parametrize(("y", "mean", "alpha"), [(0, 4.0, 0.2), (9, 4.0, 0.2), (30, 12.5, 0.05)])
def test_cusum_increment_is_the_negative_binomial_log_likelihood_ratio(
    y: int, mean: float, alpha: float
) -> None:
    size = 1 / alpha
    reference = stats.nbinom.logpmf(y, size, size / (size + 2 * mean)) - stats.nbinom.logpmf(
        y, size, size / (size + mean)
    )
    assert nb_llr(y, mean, alpha, 2.0) == pytest.approx(float(reference), rel=1e-9, abs=1e-12)
    poisson = stats.poisson.logpmf(y, 2 * mean) - stats.poisson.logpmf(y, mean)
    assert nb_llr(y, mean, 0.0, 2.0) == pytest.approx(float(poisson), rel=1e-9, abs=1e-12)


def _rows(
    alpha: float, count: int, n: int, seed: int
) -> tuple[list[tuple[int, int, int]], np.ndarray]:
    """(y, sum of n earlier draws, n) with all n + 1 negative binomial around a known mean per
    row, and those means."""
    rng = np.random.default_rng(seed)
    mus = rng.uniform(5, 60, count)
    size = 1 / alpha
    draws = rng.negative_binomial(size, size / (size + mus[:, None]), size=(count, n + 1))
    rows = [(int(d[0]), int(d[1:].sum()), n) for d in draws]
    return rows, mus


@pytest.mark.parametrize("alpha", [0.05, 0.2])
def test_overdispersion_estimates_agree_with_statsmodels_ml(alpha: float) -> None:
    discrete = pytest.importorskip("statsmodels.discrete.discrete_model")
    rows, mus = _rows(alpha, 3000, 8, seed=3)
    y = np.array([r[0] for r in rows], dtype=float)
    # NB2 by maximum likelihood with the (known) log-means as an offset and a free intercept.
    fit = discrete.NegativeBinomial(y, np.ones((len(y), 1)), offset=np.log(mus)).fit(disp=0)
    ml = float(fit.params[-1])
    assert ml == pytest.approx(alpha, rel=0.15)
    assert conditional_alpha(rows) == pytest.approx(ml, rel=0.2)


def test_the_estimate_ignores_an_outbreak_that_moments_absorb() -> None:
    rows, _mus = _rows(0.1, 400, 8, seed=5)
    spoiled = [(y * 3 if i % 20 == 0 else y, s, n) for i, (y, s, n) in enumerate(rows)]

    def moments(data: list[tuple[int, int, int]]) -> float:
        # The plain Pearson estimate against the baseline mean: sum((y-m)^2 - V_pois) / sum m^2.
        num = sum((y - s / n) ** 2 * n / (n + 1) - s / n for y, s, n in data)
        return num / sum((s / n) ** 2 for _y, s, n in data)

    assert moments(spoiled) > 2 * moments(rows)
    assert conditional_alpha(spoiled) == pytest.approx(conditional_alpha(rows), rel=0.1)


def test_a_poisson_series_gets_no_overdispersion() -> None:
    rng = np.random.default_rng(9)
    rows = [(int(rng.poisson(20.0)), int(rng.poisson(160.0)), 8) for _ in range(500)]
    assert conditional_alpha(rows) < 0.01


def test_without_outbreaks_runs_rarely_alert() -> None:
    # 12 steady series for 40 weeks, 252 runs. BH at q = 0.05 lets at most ~5% of runs alert
    # when every p-value is exact (13 runs); bounded at 8%.
    counts = {f"s{i}": _series(280, 12.0, seed=100 + i, alpha=0.15) for i in range(12)}
    alerts = detect(counts)
    assert len({a.day for a in alerts}) <= 20, alerts


@pytest.mark.parametrize("alpha", [0.15, 0.3])
def test_the_estimate_with_a_noisy_baseline_is_unbiased(alpha: float) -> None:
    estimates = [conditional_alpha(_rows(alpha, 112, 8, seed=s)[0]) for s in range(40)]
    assert float(np.mean(estimates)) == pytest.approx(alpha, rel=0.1)


def _drifting_null(series: int, days: int, seed: int) -> dict[str, dict[date, int]]:
    """Seeded null series as the benchmark's empirical scenario makes them: NB2 with alpha
    0.02-0.06, means 5-60, each its own weekday pattern, a slow drift of the level."""
    rng = np.random.default_rng(seed)
    week = np.array([1.25, 1.15, 1.0, 1.0, 0.95, 0.8, 0.85])
    out: dict[str, dict[date, int]] = {}
    for s in range(series):
        mean = float(np.exp(rng.uniform(np.log(5.0), np.log(60.0))))
        alpha = float(rng.uniform(0.02, 0.06))
        own = week * np.exp(rng.normal(0.0, 0.1, 7))
        level = mean * np.exp(np.cumsum(rng.normal(0.0, 0.01, days)))
        mu = level * own[np.arange(days) % 7] * 7 / own.sum()
        draws = rng.negative_binomial(1 / alpha, (1 / alpha) / (1 / alpha + mu))
        out[f"s{s:02d}"] = {START + timedelta(days=i): int(v) for i, v in enumerate(draws)}
    return out


def test_p_values_are_calibrated_on_null_series() -> None:
    # No outbreak anywhere: the share of p-values below c must not exceed c by much (counts
    # are discrete, so a little below is expected). Before the overdispersion was pooled and
    # raised by its standard error, p < 0.001 came 3-4 times too often on such series.
    models = replay(_drifting_null(24, 280, seed=31)).models
    late = [m for m in models if (m.day - START).days >= 112]
    assert len(late) > 3000
    for values in ([m.day_p for m in late], [m.p_value for m in late]):
        arr = np.array(values)
        assert float(np.mean(arr < 0.001)) <= 0.0025
        assert float(np.mean(arr < 0.01)) <= 0.015
        assert 0.02 <= float(np.mean(arr < 0.05)) <= 0.065  # neither too light nor inert


def test_the_models_are_what_the_alerts_were_tested_against() -> None:
    counts = {f"s{i}": _series(120, 8.0, seed=i) for i in range(6)}
    spike_day = START + timedelta(days=100)
    counts["s3"][spike_day] = 44
    result = replay(counts)
    alert = next(a for a in result.alerts if a.series == "s3" and a.day == spike_day)
    model = next(m for m in result.models if m.series == "s3" and m.day == spike_day)
    assert model.expected == pytest.approx(alert.expected, rel=1e-12)
    assert model.p_value == alert.p_value
    low, high = model.band()
    assert low <= model.expected <= high < alert.observed
    assert result.alerts == detect(counts)


@pytest.mark.parametrize(("mean", "alpha", "n"), [(8.0, 0.1, 20.0), (40.0, 0.03, 35.5)])
def test_the_band_is_the_predictive_negative_binomial(mean: float, alpha: float, n: float) -> None:
    var = (mean + alpha * mean * mean) * (1 + 1 / n)
    size = mean * mean / (var - mean)
    low, high = stats.nbinom.ppf([0.025, 0.975], size, size / (size + mean))
    assert predictive_band(mean, alpha, n) == (int(low), int(high))
    assert predictive_band(5.0, 0.0, 1e9) == tuple(
        int(v) for v in stats.poisson.ppf([0.025, 0.975], 5.0)
    )


def test_the_overdispersion_standard_error_matches_its_spread() -> None:
    # 40 replications of 112 days: the sandwich standard error is the estimates' own spread,
    # and above the full-data maximum-likelihood one (the estimator reads only lower parts).
    discrete = pytest.importorskip("statsmodels.discrete.discrete_model")
    found = [conditional_alpha_se(_rows(0.15, 112, 8, seed=s)[0]) for s in range(40)]
    spread = float(np.std([a for a, _se in found], ddof=1))
    assert float(np.mean([se for _a, se in found])) == pytest.approx(spread, rel=0.35)
    rows, mus = _rows(0.15, 112, 8, seed=3)
    y = np.array([r[0] for r in rows], dtype=float)
    fit = discrete.NegativeBinomial(y, np.ones((len(y), 1)), offset=np.log(mus)).fit(disp=0)
    assert conditional_alpha_se(rows)[1] > float(fit.bse[-1])
