"""Spike detection over daily counts: a pure library (no database, no web framework).

Every series (a source, an incident type, a state...) is a sequence of daily counts. One *run*
tests every series on one day and controls the false-discovery rate across all the tests of that
run, as the hourly job does; :func:`detect` replays runs day by day over a whole history.

Per series and day ``t`` (docs/monitoring.md, "The method", says why each step):

* **Expected count**: the series' level over the kept days of the last ``max_weeks`` weeks
  times its weekday factor, shrunk toward all series' factors (:mod:`weekdays`); or, with
  ``shared_weekdays=False``, the mean of the same weekday in the previous 4–8 weeks. Days that
  alerted or were outliers are left out of every baseline.
* **Tests** conditional on the total of the day and its baseline (:func:`polya_pmf`: a
  beta-binomial, exact whatever the unknown mean): the day (``negbin``, 1 day), the last two
  days' sum (``negbin``, 2 days) and, when a negative-binomial CUSUM for a doubling signals,
  its excursion's last 3–7 days (``cusum``); combined per series by Simes into one p-value.
* **Overdispersion** per series by the lower-part Pearson equation under the same
  conditional law (:func:`conditional_alpha`), blind to outbreaks hiding in the history.
* Benjamini–Hochberg across the series of the run gives q-values; a series alerts when
  ``q <= fdr`` and the reported test's observed count is at least ``min_count``.
* **new_series**: a series with no count at all in the history before ``t`` (which must span at
  least ``min_weeks`` weeks) reaching ``new_series_k`` in one day alerts with method
  ``new_series``; it has no model, so no p- or q-value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from scipy import optimize, signal, stats

from perisai.monitoring.dispersion import Dispersion, pooled
from perisai.monitoring.weekdays import WEEKDAYS, History, series_factors, shared_factors

NEGBIN = "negbin"
CUSUM = "cusum"
NEW_SERIES = "new_series"

ALPHA_CAP = 10.0  # overdispersion above this is a broken series, not a model
# Below this overdispersion the beta-binomial's huge parameters lose precision; it is a
# binomial (a Poisson's conditional law) to well within that.
POISSON_BELOW = 1e-5
ALPHA_SE_Z = 1.0  # the overdispersion used is its estimate plus this many standard errors
OUTLIER_P = 0.001  # a day this far in the upper tail is kept out of later baselines
_RESIDUAL_DAYS = 112  # 16 weeks of tested days for the overdispersion
_MIN_RESIDUALS = 14
_REFRESH_DAYS = 7
_MAX_WINDOW = 7
_EARLY_SE = 0.1  # the standard error of an overdispersion from the first weeks' moments
_SE_STEP = 1e-3  # finite-difference step of the estimating equation's slope


@dataclass(frozen=True)
class DetectConfig:
    fdr: float = 0.05
    min_count: int = 5
    min_weeks: int = 4
    max_weeks: int = 8
    new_series_k: int = 10
    cusum_h: float = 2.0
    shared_weekdays: bool = True  # weekday effects shrunk toward all series' (weekdays.py)

    def __post_init__(self) -> None:
        if not 0.0 < self.fdr < 1.0:
            raise ValueError("fdr must be between 0 and 1 (exclusive)")
        if self.min_count < 1:
            raise ValueError("min_count must be at least 1")
        if not 1 <= self.min_weeks <= self.max_weeks <= 52:
            raise ValueError("need 1 <= min_weeks <= max_weeks <= 52")
        if self.new_series_k < 1:
            raise ValueError("new_series_k must be at least 1")
        if self.cusum_h < 0:
            raise ValueError("cusum_h must not be negative")


@dataclass(frozen=True)
class Alert:
    series: str
    day: date
    observed: int
    expected: float
    p_value: float | None
    q_value: float | None
    method: str
    window_days: int  # days the evidence covers (1 for negbin and new_series)
    baseline_weeks: int  # same-weekday values the expectation rests on (0 for new_series)

    def as_dict(self) -> dict[str, object]:
        return {
            "series": self.series,
            "date": self.day.isoformat(),
            "observed": self.observed,
            "expected": round(self.expected, 4),
            "p_value": self.p_value,
            "q_value": self.q_value,
            "method": self.method,
            "window_days": self.window_days,
            "baseline_weeks": self.baseline_weeks,
        }


@dataclass(frozen=True)
class DayModel:
    """What the detector expected of a series on a day it tested: the expected count, the
    overdispersion its tests used and the baseline's worth in days. The trend charts draw
    their band from it, so a chart and the alerts rest on one model."""

    series: str
    day: date
    expected: float
    alpha: float
    baseline_days: float
    baseline_weeks: int
    day_p: float  # the day's own test
    p_value: float  # the series' combined p-value of the run (what BH reads)

    def band(self, level: float = 0.95) -> tuple[int, int]:
        return predictive_band(self.expected, self.alpha, self.baseline_days, level)


@dataclass(frozen=True)
class Replay:
    alerts: list[Alert]  # day, then series order
    models: list[DayModel]  # every tested series-day


def predictive_params(mean: float, alpha: float, n: float) -> tuple[float, float]:
    """Mean and variance of the next count given a baseline mean of ``n`` values."""
    inflate = 1.0 + 1.0 / n
    return mean, (mean + alpha * mean * mean) * inflate


def predictive_band(mean: float, alpha: float, n: float, level: float = 0.95) -> tuple[int, int]:
    """The central ``level`` range of the next count: a negative binomial of the expected count
    ``mean`` and the variance of :func:`predictive_params` (the day's own noise and the error of
    a baseline worth ``n`` days); Poisson when there is no overdispersion."""
    if mean <= 0:
        return 0, 0
    mean, variance = predictive_params(mean, alpha, n)
    tail = (1.0 - level) / 2.0
    if variance <= mean * (1 + 1e-9):
        low, high = stats.poisson.ppf([tail, 1.0 - tail], mean)
    else:
        size = mean * mean / (variance - mean)
        low, high = stats.nbinom.ppf([tail, 1.0 - tail], size, size / (size + mean))
    return int(low), int(high)


def upper_tail(observed: int, mean: float, variance: float) -> float:
    """``P(Y >= observed)`` for a negative binomial of that mean and variance (Poisson when the
    variance does not exceed the mean)."""
    if observed <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    if variance <= mean * (1 + 1e-9):
        return float(stats.poisson.sf(observed - 1, mean))
    size = mean * mean / (variance - mean)
    prob = size / (size + mean)
    return float(stats.nbinom.sf(observed - 1, size, prob))


def polya_pmf(total: int, n: float, alpha: float) -> np.ndarray:
    """Distribution of a day's count given that it and its ``n`` baseline days sum to
    ``total``, when all ``n + 1`` are negative binomials of one mean and overdispersion
    ``alpha``: a beta-binomial ``(total, r, n r)`` with ``r = 1 / alpha`` (the Pólya urn; a
    binomial ``(total, 1 / (n + 1))`` for a Poisson). The unknown mean cancels out, so a test
    built on it is exact whatever the baseline's own sampling error (the conditional test of
    two Poisson means, generalised to the negative binomial)."""
    k = np.arange(total + 1)
    if alpha < POISSON_BELOW:
        return np.asarray(stats.binom.pmf(k, total, 1.0 / (n + 1)))
    r = 1.0 / alpha
    return np.asarray(stats.betabinom.pmf(k, total, r, n * r))


def conditional_tail(observed: int, baseline_sum: int, n: float, alpha: float) -> float:
    """``P(Y >= observed | Y + S = observed + baseline_sum)``: the single-day p-value."""
    return window_tail([(observed, baseline_sum, n)], alpha)


def window_tail(days: Sequence[tuple[int, int, float]], alpha: float) -> float:
    """``P(sum Y_u >= sum y_u)`` over several days ``(y_u, S_u, n_u)``, each conditioned on its
    own total: given the totals the days are independent, so the sum's distribution is the
    convolution of their beta-binomials (exact, as each day is)."""
    observed = sum(y for y, _s, _n in days)
    if observed <= 0:
        return 1.0
    dist = np.ones(1)
    for y, s, n in days:
        pmf = polya_pmf(y + s, n, alpha)
        big = dist.size * pmf.size > 4_000_000
        dist = signal.fftconvolve(dist, pmf) if big else np.convolve(dist, pmf)
    tail = float(np.sum(np.clip(dist[observed:], 0.0, None)))
    return min(1.0, tail)


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values (q-values), in the input order."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    q = [1.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, p_values[i] * m / rank)
        q[i] = min(1.0, running)
    return q


def moment_alpha(values: Sequence[float]) -> float:
    """Overdispersion of a window of counts by moments, ``(s**2 - m) / m**2``, clipped."""
    n = len(values)
    mean = sum(values) / n
    if n < 2 or mean <= 0:
        return 0.0
    var = sum((v - mean) ** 2 for v in values) / (n - 1)
    return min(ALPHA_CAP, max(0.0, (var - mean) / (mean * mean)))


def pooled_alpha(windows: Sequence[Sequence[int]]) -> float:
    """Overdispersion by moments pooled over several windows (one per weekday):
    ``sum((n - 1) * (s**2 - m)) / sum((n - 1) * m**2)``, clipped to ``[0, ALPHA_CAP]``."""
    num = 0.0
    den = 0.0
    for values in windows:
        n = len(values)
        if n < 2:
            continue
        mean = sum(values) / n
        var = sum((v - mean) ** 2 for v in values) / (n - 1)
        num += (n - 1) * (var - mean)
        den += (n - 1) * mean * mean
    return 0.0 if den <= 0 else min(ALPHA_CAP, max(0.0, num / den))


def conditional_alpha(rows: Sequence[tuple[int, int, float]]) -> float:
    """Overdispersion from past tested days ``(y, S, n)``: :func:`conditional_alpha_se`'s
    estimate alone."""
    return conditional_alpha_se(rows)[0]


def conditional_alpha_se(rows: Sequence[tuple[int, int, float]]) -> tuple[float, float]:
    """Overdispersion from past tested days ``(y, S, n)`` (the day's count, its baseline's sum
    and size), blind to outbreaks hiding among them and free of the baselines' error; and its
    standard error.

    Each row is read through the same conditional law as the tests (``polya_pmf``: given
    ``T = y + S``, ``y`` is beta-binomial with mean ``e = T / (n + 1)``), and only its lower
    part enters: ``sum_i w_i (y_i - e_i)**2 [y_i < c_i] = sum_i w_i E[(Y - e_i)**2; Y < c_i]``
    with ``c = ceil(e)`` and ``w = 1 / (T p (1 - p))``, ``p = 1 / (n + 1)`` (the binomial
    variance, which does not depend on ``alpha``, so the equation is monotone). A rise only
    adds counts above ``c``, which this never reads; both sides are exact expectations of one
    another, so the estimate is unbiased up to the root's nonlinearity. 0 when even a Poisson
    over-explains the lower spread, ``ALPHA_CAP`` at most.

    The standard error is the estimating equation's sandwich: the rows' own spread of
    ``observed - expected`` over the equation's slope in ``alpha`` (also at 0, where a small
    series' estimate often lands: a Poisson fit on 8 weeks does not prove there is no
    overdispersion)."""
    kept = [(y, s, n) for y, s, n in rows if y + s > 0]
    if not kept:
        return 0.0, 0.0
    y = np.array([r[0] for r in kept], dtype=float)
    total = np.array([r[0] + r[1] for r in kept], dtype=float)
    n = np.array([r[2] for r in kept], dtype=float)
    p = 1.0 / (n + 1.0)
    centre = total * p
    cut = np.ceil(centre)
    weight = 1.0 / (total * p * (1.0 - p))
    seen_rows = np.where(y < cut, weight * (y - centre) ** 2, 0.0)
    seen = float(np.sum(seen_rows))
    k = np.arange(int(cut.max()))[:, None]
    inside = k < cut
    sq = np.where(inside, (k - centre) ** 2, 0.0)

    def expected_rows(a: float) -> np.ndarray:
        if a < POISSON_BELOW:
            pmf = stats.binom.pmf(k, total, p)
        else:
            pmf = stats.betabinom.pmf(k, total, 1.0 / a, n / a)
        return np.asarray(weight * np.sum(np.where(inside, pmf, 0.0) * sq, axis=0))

    def expected(a: float) -> float:
        return float(np.sum(expected_rows(a)))

    if seen <= expected(0.0):
        estimate = 0.0
    elif seen >= expected(ALPHA_CAP):
        return ALPHA_CAP, 0.0
    else:
        estimate = float(optimize.brentq(lambda a: seen - expected(a), 0.0, ALPHA_CAP, xtol=1e-5))
    at = expected_rows(estimate)
    step = max(_SE_STEP, 0.1 * estimate)
    slope = (expected(estimate + step) - float(np.sum(at))) / step
    if slope <= 0:
        return estimate, 0.0
    spread = float(np.sum((seen_rows - at) ** 2))
    return estimate, math.sqrt(spread) / slope


def nb_llr(observed: int, mean: float, alpha: float, ratio: float) -> float:
    """Log-likelihood ratio of a count under mean ``ratio * mean`` against ``mean``, for a
    negative binomial of overdispersion ``alpha`` (Poisson when 0)."""
    if alpha <= 0:
        return observed * math.log(ratio) - (ratio - 1.0) * mean
    size = 1.0 / alpha
    return observed * math.log(ratio * (size + mean) / (size + ratio * mean)) + size * math.log(
        (size + mean) / (size + ratio * mean)
    )


@dataclass
class _SeriesState:
    counts: list[int]
    left_out: set[int]  # days that alerted or were outliers: kept out of baselines
    alerted: set[int]  # days that alerted: their evidence is not used again
    residuals: list[tuple[int, int, float]]  # (y, baseline sum, n) per tested, kept day
    tested: dict[int, tuple[int, float]]  # day -> (baseline sum, n) it was tested against
    cusum: float = 0.0
    run_days: int = 0
    seen: bool = False
    estimate: Dispersion | None = None  # own overdispersion, refreshed once a week
    estimated_at: int = -_REFRESH_DAYS

    def alpha(self, t: int, windows: Sequence[Sequence[int]]) -> Dispersion:
        """The series' own overdispersion and its standard error: from its past tested days
        once it has 14, before that by moments over the week's seven same-weekday windows
        (with a standard error as large as the estimate: a few weeks say little)."""
        recent = self.residuals[-_RESIDUAL_DAYS:]
        if len(recent) < _MIN_RESIDUALS:
            early = pooled_alpha(windows)
            return Dispersion(early, max(early, _EARLY_SE))
        # Overdispersion moves slowly and its estimate costs a root-finding: weekly is enough.
        if self.estimate is None or t - self.estimated_at >= _REFRESH_DAYS:
            self.estimate = Dispersion(*conditional_alpha_se(recent))
            self.estimated_at = t
        return self.estimate


@dataclass(frozen=True)
class _Test:
    series: str
    method: str
    observed: int
    expected: float
    p_value: float  # the series' combined p-value (Simes over its tests of the run)
    window_days: int
    baseline_weeks: int
    day_p: float  # the single-day test's own p-value (outliers leave later baselines)


def detect(
    counts: Mapping[str, Mapping[date, int]],
    config: DetectConfig | None = None,
    *,
    start: date | None = None,
    end: date | None = None,
) -> list[Alert]:
    """Replay one run per day from ``start`` to ``end`` (default: the span of the data) over
    every series; counts missing for a day are zero. Alerts are in day, then series order."""
    return replay(counts, config, start=start, end=end).alerts


def replay(
    counts: Mapping[str, Mapping[date, int]],
    config: DetectConfig | None = None,
    *,
    start: date | None = None,
    end: date | None = None,
) -> Replay:
    """:func:`detect`'s alerts, and the model of every series-day it tested."""
    cfg = config or DetectConfig()
    all_days = [d for per in counts.values() for d in per]
    if not all_days:
        return Replay([], [])
    first = start or min(all_days)
    last = end or max(all_days)
    if last < first:
        return Replay([], [])
    span = (last - first).days + 1
    states = {
        name: _SeriesState(
            counts=_dense(per, first, span),
            left_out=set(),
            alerted=set(),
            residuals=[],
            tested={},
        )
        for name, per in counts.items()
    }
    alerts: list[Alert] = []
    models: list[DayModel] = []
    for t in range(span):
        alerts += _run_day(states, t, first + timedelta(days=t), cfg, models)
    return Replay(alerts, models)


def _dense(per: Mapping[date, int], first: date, span: int) -> list[int]:
    out = [0] * span
    for day, value in per.items():
        i = (day - first).days
        if 0 <= i < span:
            out[i] = int(value)
    return out


def _run_day(
    states: dict[str, _SeriesState], t: int, day: date, cfg: DetectConfig, models: list[DayModel]
) -> list[Alert]:
    rule_alerts: list[Alert] = []
    windows: dict[str, list[int]] = {}  # same-weekday window
    own: dict[str, Dispersion] = {}
    history_ok = t >= 7 * cfg.min_weeks
    for name in sorted(states):
        st = states[name]
        y = st.counts[t]
        if not st.seen:
            if y > 0:
                st.seen = True
                if history_ok and y >= cfg.new_series_k:
                    st.left_out.add(t)
                    st.alerted.add(t)
                    rule_alerts.append(Alert(name, day, y, 0.0, None, None, NEW_SERIES, 1, 0))
            continue
        window = _testable(st, t, cfg)
        if window is not None:
            # Early on, the week's seven same-weekday windows estimate the overdispersion.
            week = [_baseline(st, u, cfg) for u in range(max(0, t - 6), t + 1)]
            windows[name] = window
            own[name] = st.alpha(t, week)
    candidates = _overdispersions(states, windows, own, t, cfg)
    baselines = _baselines(states, candidates, t, cfg)
    tests = [_series_test(name, states[name], t, baselines[name], cfg) for name in candidates]
    for test in sorted(tests, key=lambda x: x.series):
        b = baselines[test.series]
        models.append(
            DayModel(test.series, day, b.mu, b.alpha, b.n, b.weeks, test.day_p, test.p_value)
        )
    alerted_today = _decide(tests, day, cfg)
    for test in tests:
        st = states[test.series]
        if test.series in alerted_today:
            st.left_out.add(t)
            st.alerted.add(t)
            st.cusum, st.run_days = 0.0, 0  # a CUSUM starts afresh after an alarm
        elif test.day_p < OUTLIER_P:
            # An outlying day that did not alert is still left out of later baselines
            # (as the improved Farrington method does with large residuals): an outbreak too
            # small to alert must not hide the next one.
            st.left_out.add(t)
        else:
            base = baselines[test.series]
            st.residuals.append((st.counts[t], base.total, base.n))
    return rule_alerts + [alerted_today[k] for k in sorted(alerted_today)]


def simes(p_values: Sequence[float]) -> float:
    """Simes' combination of one series' tests, ``min_j k p_(j) / j``: a valid p-value for
    "no rise" whichever test would show it, so BH sees one p-value per series and the day
    and window tests do not spend the false-discovery budget twice."""
    ordered = sorted(p_values)
    k = len(ordered)
    return min(1.0, *(k * p / j for j, p in enumerate(ordered, start=1)))


def _decide(tests: Sequence[_Test], day: date, cfg: DetectConfig) -> dict[str, Alert]:
    """Benjamini–Hochberg over the run's series (one combined p-value each)."""
    q_values = benjamini_hochberg([x.p_value for x in tests])
    alerted: dict[str, Alert] = {}
    for test, q in zip(tests, q_values, strict=True):
        if q > cfg.fdr or test.observed < cfg.min_count:
            continue
        alerted[test.series] = Alert(
            test.series,
            day,
            test.observed,
            test.expected,
            test.p_value,
            q,
            test.method,
            test.window_days,
            test.baseline_weeks,
        )
    return alerted


def _overdispersions(
    states: Mapping[str, _SeriesState],
    windows: Mapping[str, list[int]],
    own: Mapping[str, Dispersion],
    t: int,
    cfg: DetectConfig,
) -> dict[str, tuple[list[int], float]]:
    """Each testable series' window and the overdispersion its tests use: its own estimate
    shrunk toward all series' (:mod:`dispersion`), raised by ``ALPHA_SE_Z`` standard errors
    (an underestimate costs far more in the far tail than an overestimate)."""
    names = list(windows)
    levels = [_level(states[name], t, cfg) for name in names]
    shrunk = pooled(levels, [own[name] for name in names])
    return {
        name: (windows[name], min(ALPHA_CAP, d.alpha + ALPHA_SE_Z * d.se))
        for name, d in zip(names, shrunk, strict=True)
    }


def _level(st: _SeriesState, t: int, cfg: DetectConfig) -> float:
    """Counts a day over the kept days of the last ``max_weeks`` weeks."""
    kept = [st.counts[u] for u in range(max(0, t - 7 * cfg.max_weeks), t) if u not in st.left_out]
    return sum(kept) / len(kept) if kept else 0.0


def _baseline(st: _SeriesState, t: int, cfg: DetectConfig) -> list[int]:
    """Same weekday of the previous ``max_weeks`` weeks, leaving out days that alerted."""
    return [
        st.counts[t - 7 * w]
        for w in range(1, cfg.max_weeks + 1)
        if t - 7 * w >= 0 and (t - 7 * w) not in st.left_out
    ]


def _testable(st: _SeriesState, t: int, cfg: DetectConfig) -> list[int] | None:
    """Day ``t``'s baseline window when it is long enough and not all zero, else None."""
    window = _baseline(st, t, cfg)
    if len(window) < cfg.min_weeks or sum(window) <= 0:
        return None
    return window


@dataclass(frozen=True)
class _Baseline:
    """What a day is tested against: its expected count, and the baseline as ``n`` days at
    that expected count summing to ``total`` (the conditional tests' terms)."""

    mu: float
    total: int
    n: float
    weeks: int  # same-weekday values in the last ``max_weeks`` weeks
    alpha: float


def _baselines(
    states: Mapping[str, _SeriesState],
    candidates: Mapping[str, tuple[list[int], float]],
    t: int,
    cfg: DetectConfig,
) -> dict[str, _Baseline]:
    """Every testable series' baseline for day ``t``: the same weekday's mean, or (shared
    weekdays) the level over all days of the last weeks times the series' shrunk weekday
    factor. The latter rests on more days, but a factor that keeps some of the series' own
    noise (weight ``w``) is only worth ``1 / (1 / n_all + w**2 / n_same)`` days."""
    if not cfg.shared_weekdays:
        return {
            name: _Baseline(sum(w) / len(w), sum(w), float(len(w)), len(w), alpha)
            for name, (w, alpha) in candidates.items()
        }
    histories = {
        name: _history(states[name], t, cfg, alpha) for name, (_w, alpha) in candidates.items()
    }
    shared, tau2 = shared_factors(list(histories.values()))
    out: dict[str, _Baseline] = {}
    d = t % WEEKDAYS
    for name, (window, alpha) in candidates.items():
        history = histories[name]
        factors, weights = series_factors(history, shared, tau2)
        spread = sum(f * n for f, n in zip(factors, history.days, strict=True))
        mu = sum(history.sums) / spread * factors[d]
        n = 1.0 / (factors[d] / spread + weights[d] ** 2 / len(window))
        out[name] = _Baseline(mu, round(n * mu), n, len(window), alpha)
    return out


def _history(st: _SeriesState, t: int, cfg: DetectConfig, alpha: float) -> History:
    """The series' kept days of the last ``max_weeks`` weeks, per weekday."""
    sums = [0.0] * WEEKDAYS
    days = [0] * WEEKDAYS
    for u in range(max(0, t - 7 * cfg.max_weeks), t):
        if u not in st.left_out:
            sums[u % WEEKDAYS] += st.counts[u]
            days[u % WEEKDAYS] += 1
    return History(tuple(sums), tuple(days), alpha)


def _series_test(name: str, st: _SeriesState, t: int, base: _Baseline, cfg: DetectConfig) -> _Test:
    """The series' tests of the run — the day, the last two days' sum, and the CUSUM's
    window when it signals — combined into one p-value (Simes). The alert reports the test
    with the smallest p-value."""
    alpha = base.alpha
    y = st.counts[t]
    st.tested[t] = (base.total, base.n)
    day_p = conditional_tail(y, base.total, base.n, alpha)
    found = [(day_p, NEGBIN, y, base.mu, 1)]
    # Window tests only while the day itself is above its expectation: an alert on day t
    # says that day is part of a rise, not that an earlier one (tested on its own day) is
    # still inside the window. Dropping a test never adds a false alert.
    rising = y > base.mu
    # The last two days' sum: a rise spread over two days that neither day shows alone.
    # Not when yesterday alerted (its evidence was used) or could not be tested.
    pair = _window_days(st, t, 2) if rising else None
    if pair is not None and (t - 1) not in st.alerted:
        found.append((window_tail(pair, alpha), NEGBIN, *_sums(pair), 2))
    # Negative-binomial CUSUM for a doubling of the expected count.
    st.cusum = max(0.0, st.cusum + nb_llr(y, base.mu, alpha, 2.0))
    st.run_days = st.run_days + 1 if st.cusum > 0 else 0
    width = min(st.run_days, _MAX_WINDOW)
    if rising and width >= 3 and st.cusum > cfg.cusum_h:
        days = _window_days(st, t, width)
        if days is not None:
            # Bonferroni over the window lengths (3-7) the excursion could have chosen.
            p = min(1.0, (_MAX_WINDOW - 2) * window_tail(days, alpha))
            found.append((p, CUSUM, *_sums(days), width))
    _p, method, observed, expected, width = min(found, key=lambda f: f[0])
    p_value = simes([f[0] for f in found])
    return _Test(name, method, observed, expected, p_value, width, base.weeks, day_p)


def _window_days(st: _SeriesState, t: int, width: int) -> list[tuple[int, int, float]] | None:
    """``(y, baseline sum, n)`` of each of the last ``width`` days as they were tested, or
    None if one of them was not."""
    days: list[tuple[int, int, float]] = []
    for u in range(t - width + 1, t + 1):
        if u not in st.tested:
            return None
        total, n = st.tested[u]
        days.append((st.counts[u], total, n))
    return days


def _sums(days: Sequence[tuple[int, int, float]]) -> tuple[int, float]:
    """(observed sum, expected sum) of a window."""
    return sum(y for y, _s, _n in days), sum(s / n for _y, s, n in days)


def group_counts(rows: Iterable[tuple[date, str, int]]) -> dict[str, dict[date, int]]:
    """``{series: {day: count}}`` from ``(day, series, count)`` rows."""
    out: dict[str, dict[date, int]] = {}
    for day, series, count in rows:
        out.setdefault(series, {})[day] = count
    return out
