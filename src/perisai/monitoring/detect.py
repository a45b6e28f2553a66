"""Spike detection over daily counts: a pure library (no database, no web framework).

Every series (a source, an incident type, a state...) is a sequence of daily counts. One *run*
tests every series on one day and controls the false-discovery rate across all the tests of that
run, as the hourly job does; :func:`detect` replays runs day by day over a whole history.

Per series and day ``t``:

* **Expected count**: the mean of the same weekday in the previous 4–8 weeks (``min_weeks`` ..
  ``max_weeks``), leaving out days that alerted (an outbreak must not raise its own baseline).
* **Overdispersion** per series: ``Var = mu + alpha * mu**2``. ``alpha`` solves the Pearson
  equation over the series' last 8 weeks of tested, non-alerted days, ``sum (y - mu)**2 /
  ((mu + alpha mu**2)(1 + 1/n)) = N`` (out-of-sample residuals against the baseline mean of ``n``
  values, so the ``1 + 1/n`` is the baseline mean's own error and no degrees of freedom are
  lost); while fewer than 14 such days exist, the moments of the week's seven same-weekday
  windows stand in. That estimate is then shrunk toward the run's pooled estimate over all
  series (weights: its number of days against ``PRIOR_DAYS``), which steadies short or quiet
  series without erasing real differences.
* **negbin** test: the upper-tail p-value ``P(Y >= y)`` of a negative binomial with that mean and
  the predictive variance ``(mu + alpha * mu**2) * (1 + 1/n)`` (a Poisson when that variance is
  not above the mean).
* **cusum** test for sustained rises: a negative-binomial CUSUM for a doubling (``S = max(0, S +
  llr(y))``, ``llr`` the log-likelihood ratio of mean ``2 mu`` against ``mu`` at the series'
  ``alpha``; a Poisson CUSUM when ``alpha`` is 0); when it has been above zero for at least 2
  days and exceeds ``cusum_h`` (calibrated on the simulation's tuning seeds), the sum of the
  current excursion (its last 2–7 days) is tested like one day, and its p-value multiplied by the
  6 window lengths the CUSUM could have chosen (Bonferroni), so the choice does not flatter it.
* Benjamini–Hochberg across all tests of the run gives q-values; a test alerts when
  ``q <= fdr`` and the observed count (for cusum: the window's sum) is at least ``min_count``.
  At most one alert per series and day (negbin before cusum).
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
from scipy import optimize, stats

NEGBIN = "negbin"
CUSUM = "cusum"
NEW_SERIES = "new_series"

ALPHA_CAP = 10.0  # overdispersion above this is a broken series, not a model
PRIOR_DAYS = 28
OUTLIER_P = 0.001  # a day this far in the upper tail is kept out of later baselines
_RESIDUAL_DAYS = 56
_MIN_RESIDUALS = 14
_REFRESH_DAYS = 7
_MAX_WINDOW = 7


@dataclass(frozen=True)
class DetectConfig:
    fdr: float = 0.05
    min_count: int = 5
    min_weeks: int = 4
    max_weeks: int = 8
    new_series_k: int = 10
    cusum_h: float = 2.0

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


def predictive_params(mean: float, alpha: float, n: int) -> tuple[float, float]:
    """Mean and variance of the next count given a baseline mean of ``n`` values."""
    inflate = 1.0 + 1.0 / n
    return mean, (mean + alpha * mean * mean) * inflate


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


_NODES = 256


def predictive_tail(observed: int, mean: float, alpha: float, mean_var: float) -> float:
    """``P(Y >= observed)`` when ``Y`` is negative binomial (``Var = m + alpha m**2``) around a
    mean ``m`` that is itself only estimated: ``m`` is integrated over a gamma distribution with
    the estimate as its mean and ``mean_var`` as its variance (256 quantile nodes), so a low
    baseline estimate does not make ordinary counts look extreme."""
    if observed <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    if mean_var <= 0:
        return upper_tail(observed, mean, mean + alpha * mean * mean)
    shape = mean * mean / mean_var
    nodes = stats.gamma.ppf((np.arange(_NODES) + 0.5) / _NODES, shape, scale=mean / shape)
    nodes = np.maximum(nodes, 1e-12)
    if alpha <= 0:
        tails = stats.poisson.sf(observed - 1, nodes)
    else:
        size = 1.0 / alpha
        tails = stats.nbinom.sf(observed - 1, size, size / (size + nodes))
    return float(np.mean(tails))


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


def pearson_alpha(residuals: Sequence[tuple[int, float, int]]) -> float:
    """Overdispersion solving ``sum (y - mu)**2 / ((mu + a mu**2)(1 + 1/n)) = N`` over
    out-of-sample residuals ``(y, mu, n)`` (``mu`` the baseline mean of ``n`` values); 0 when
    even a Poisson over-explains the spread, ``ALPHA_CAP`` at most."""
    rows = [(y, mu, n) for y, mu, n in residuals if mu > 0]
    if not rows:
        return 0.0
    y = np.array([r[0] for r in rows], dtype=float)
    mu = np.array([r[1] for r in rows])
    inflate = 1.0 + 1.0 / np.array([r[2] for r in rows], dtype=float)
    sq = (y - mu) ** 2 / inflate
    target = float(len(rows))

    def excess(a: float) -> float:
        return float(np.sum(sq / (mu + a * mu * mu))) - target

    if excess(0.0) <= 0:
        return 0.0
    if excess(ALPHA_CAP) >= 0:
        return ALPHA_CAP
    lo, hi = 0.0, ALPHA_CAP
    for _ in range(60):  # the left side falls as ``a`` grows: bisection to ~1e-17
        mid = 0.5 * (lo + hi)
        if excess(mid) > 0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _tail_moments(
    cut: np.ndarray, mu: np.ndarray, size: np.ndarray, prob: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``(P(Y >= cut), E[(Y - mu)**2; Y >= cut])`` for negative binomials ``(size, prob)`` of
    mean ``mu``, in closed form: ``k f(k; r) = mu f(k-1; r+1)`` and ``k(k-1) f(k; r) =
    r(r+1)((1-p)/p)**2 f(k-2; r+2)``."""
    tail = stats.nbinom.sf(cut - 1, size, prob)
    first = mu * stats.nbinom.sf(cut - 2, size + 1, prob)
    odds = (1.0 - prob) / prob
    second = size * (size + 1) * odds * odds * stats.nbinom.sf(cut - 3, size + 2, prob)
    return tail, second + first - 2.0 * mu * first + mu * mu * tail


_ALPHA_NODES = 16


def lower_pearson_alpha(residuals: Sequence[tuple[int, float, int]]) -> float:
    """Overdispersion from out-of-sample residuals ``(y, mu, n)``, blind to outbreaks hiding
    among them: only days below their expectation (``y < c = ceil(mu)``) enter, and the Pearson
    equation is taken over that lower part, ``sum_{y < c} (y - mu)**2 / V = sum E[(Y - mu)**2 /
    V; Y < c]`` with ``V = (mu + a mu**2)(1 + 1/n)``. ``E`` is under the same predictive
    distribution as the tests: a negative binomial around a mean ``m`` drawn from a gamma of
    mean ``mu`` and variance ``(mu + a mu**2)/n`` (16 quantile nodes). A rise only adds counts
    above ``c``, which this never reads. With a noisy baseline (``n`` = 8) it runs about 8%
    low (tests/monitoring/test_detect.py measures it; docs/monitoring.md says what it costs)."""
    rows = [(y, mu, n) for y, mu, n in residuals if mu > 0]
    if not rows:
        return 0.0
    y = np.array([r[0] for r in rows], dtype=float)
    mu = np.array([r[1] for r in rows])
    n = np.array([r[2] for r in rows], dtype=float)
    cut = np.ceil(mu)
    below = y < cut
    sq = (y - mu) ** 2
    quantiles = ((np.arange(_ALPHA_NODES) + 0.5) / _ALPHA_NODES)[:, None]

    def excess(a: float) -> float:
        var = (mu + a * mu * mu) * (1.0 + 1.0 / n)
        shape = n * mu / (1.0 + a * mu)  # m: mean mu, variance (mu + a mu**2) / n
        m = np.maximum(stats.gamma.ppf(quantiles, shape, scale=mu / shape), 1e-9)
        size = np.full_like(m, 1.0 / a if a > 0 else 1e9)  # a huge size is a Poisson
        prob = size / (size + m)
        tail, tail_sq = _tail_moments(cut, m, size, prob)
        tail_first = m * stats.nbinom.sf(cut - 2, size + 1, prob) - m * tail
        d = m - mu
        # E[(Y - mu)^2; Y < c] = E[(Y - m)^2; Y < c] + 2 d E[Y - m; Y < c] + d^2 P(Y < c)
        low = (m + a * m * m - tail_sq) - 2.0 * d * tail_first + d * d * (1.0 - tail)
        return float(np.sum(sq[below] / var[below]) - np.sum(np.mean(low, axis=0) / var))

    if excess(0.0) <= 0:
        return 0.0
    if excess(ALPHA_CAP) >= 0:
        return ALPHA_CAP
    return float(optimize.brentq(excess, 0.0, ALPHA_CAP, xtol=1e-6))


def shrink_alpha(own: float, days: int, pooled: float, prior_days: int = PRIOR_DAYS) -> float:
    """A series' overdispersion pulled toward the pooled one, each weighted by its days."""
    if days + prior_days <= 0:
        return pooled
    return (days * own + prior_days * pooled) / (days + prior_days)


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
    residuals: list[tuple[int, float, int]]  # (y, mu, n) per tested, non-alerted day
    cusum: float = 0.0
    run_days: int = 0
    seen: bool = False
    estimate: tuple[float, int] | None = None  # (alpha, days), refreshed once a week
    estimated_at: int = -_REFRESH_DAYS

    def own_alpha(self, t: int, windows: Sequence[Sequence[int]]) -> tuple[float, int]:
        """(the series' own overdispersion estimate, the days it rests on)."""
        recent = self.residuals[-_RESIDUAL_DAYS:]
        if len(recent) < _MIN_RESIDUALS:
            return pooled_alpha(windows), sum(max(0, len(w) - 1) for w in windows)
        # Overdispersion moves slowly and its estimate costs a root-finding: weekly is enough.
        if self.estimate is None or t - self.estimated_at >= _REFRESH_DAYS:
            self.estimate = (lower_pearson_alpha(recent), len(recent))
            self.estimated_at = t
        return self.estimate


@dataclass(frozen=True)
class _Test:
    series: str
    method: str
    observed: int
    expected: float
    p_value: float
    window_days: int
    baseline_weeks: int


def detect(
    counts: Mapping[str, Mapping[date, int]],
    config: DetectConfig | None = None,
    *,
    start: date | None = None,
    end: date | None = None,
) -> list[Alert]:
    """Replay one run per day from ``start`` to ``end`` (default: the span of the data) over
    every series; counts missing for a day are zero. Alerts are in day, then series order."""
    cfg = config or DetectConfig()
    all_days = [d for per in counts.values() for d in per]
    if not all_days:
        return []
    first = start or min(all_days)
    last = end or max(all_days)
    if last < first:
        return []
    span = (last - first).days + 1
    states = {
        name: _SeriesState(
            counts=_dense(per, first, span), left_out=set(), residuals=[], seen=False
        )
        for name, per in counts.items()
    }
    alerts: list[Alert] = []
    for t in range(span):
        alerts += _run_day(states, t, first + timedelta(days=t), cfg)
    return alerts


def _dense(per: Mapping[date, int], first: date, span: int) -> list[int]:
    out = [0] * span
    for day, value in per.items():
        i = (day - first).days
        if 0 <= i < span:
            out[i] = int(value)
    return out


def _run_day(states: dict[str, _SeriesState], t: int, day: date, cfg: DetectConfig) -> list[Alert]:
    rule_alerts: list[Alert] = []
    baselines: dict[str, tuple[float, int, float, int]] = {}  # mu, n, own alpha, its days
    history_ok = t >= 7 * cfg.min_weeks
    for name in sorted(states):
        st = states[name]
        y = st.counts[t]
        if not st.seen:
            if y > 0:
                st.seen = True
                if history_ok and y >= cfg.new_series_k:
                    st.left_out.add(t)
                    rule_alerts.append(Alert(name, day, y, 0.0, None, None, NEW_SERIES, 1, 0))
            continue
        base = _baseline_mean(st, t, cfg)
        if base is not None:
            mu, n = base
            # Early on, the week's seven same-weekday windows estimate the overdispersion.
            week = [_baseline(st, u, cfg) for u in range(max(0, t - 6), t + 1)]
            baselines[name] = (mu, n, *st.own_alpha(t, week))
    pooled = _pooled(list(baselines.values()))
    tests: list[_Test] = []
    day_p: dict[str, float] = {}
    for name, (mu, n, own, days) in baselines.items():
        alpha = shrink_alpha(own, days, pooled)
        mine = _tests(name, states[name], t, (mu, alpha, n), cfg)
        day_p[name] = mine[0].p_value
        tests += mine
    alerted_today = _decide(tests, day, cfg)
    for name, (mu, n, _own, _days) in baselines.items():
        st = states[name]
        if name in alerted_today:
            st.left_out.add(t)
            st.cusum, st.run_days = 0.0, 0  # a CUSUM starts afresh after an alarm
        elif day_p[name] < OUTLIER_P:
            # An outlying day that did not alert is still left out of later baselines
            # (as the improved Farrington method does with large residuals): an outbreak too
            # small to alert must not hide the next one.
            st.left_out.add(t)
        else:
            st.residuals.append((st.counts[t], mu, n))
    return rule_alerts + [alerted_today[k] for k in sorted(alerted_today)]


def _pooled(baselines: Sequence[tuple[float, int, float, int]]) -> float:
    """The run's overdispersion over all series: their own estimates weighted by their days."""
    days = sum(d for *_, d in baselines)
    return 0.0 if days <= 0 else sum(a * d for _, _, a, d in baselines) / days


def _decide(tests: Sequence[_Test], day: date, cfg: DetectConfig) -> dict[str, Alert]:
    """Benjamini–Hochberg over the run's tests; at most one alert per series (first test wins)."""
    q_values = benjamini_hochberg([x.p_value for x in tests])
    alerted: dict[str, Alert] = {}
    for test, q in zip(tests, q_values, strict=True):
        if q > cfg.fdr or test.observed < cfg.min_count or test.series in alerted:
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


def _baseline(st: _SeriesState, t: int, cfg: DetectConfig) -> list[int]:
    """Same weekday of the previous ``max_weeks`` weeks, leaving out days that alerted."""
    return [
        st.counts[t - 7 * w]
        for w in range(1, cfg.max_weeks + 1)
        if t - 7 * w >= 0 and (t - 7 * w) not in st.left_out
    ]


def _baseline_mean(st: _SeriesState, t: int, cfg: DetectConfig) -> tuple[float, int] | None:
    """(expected, baseline size) for day ``t``, or None if not testable."""
    window = _baseline(st, t, cfg)
    if len(window) < cfg.min_weeks:
        return None
    mu = sum(window) / len(window)
    return None if mu <= 0 else (mu, len(window))


def _tests(
    name: str, st: _SeriesState, t: int, model: tuple[float, float, int], cfg: DetectConfig
) -> list[_Test]:
    mu, alpha, n = model
    y = st.counts[t]
    p_day = predictive_tail(y, mu, alpha, (mu + alpha * mu * mu) / n)
    out = [_Test(name, NEGBIN, y, mu, p_day, 1, n)]
    # Negative-binomial CUSUM for a doubling of the expected count.
    st.cusum = max(0.0, st.cusum + nb_llr(y, mu, alpha, 2.0))
    st.run_days = st.run_days + 1 if st.cusum > 0 else 0
    if st.run_days >= 2 and st.cusum > cfg.cusum_h:
        width = min(st.run_days, _MAX_WINDOW)
        obs, exp, excess, mean_var = _window_sum(st, t, width, alpha, cfg)
        if exp > 0:
            tail = predictive_tail(obs, exp, excess / (exp * exp), mean_var)
            p = min(1.0, (_MAX_WINDOW - 1) * tail)
            out.append(_Test(name, CUSUM, obs, exp, p, width, n))
    return out


def _window_sum(
    st: _SeriesState, t: int, width: int, alpha: float, cfg: DetectConfig
) -> tuple[int, float, float, float]:
    """Observed sum, expected sum, its extra-Poisson variance and the variance of the expected
    sum's estimate, over the last ``width`` days."""
    obs = 0
    exp = 0.0
    excess = 0.0
    mean_var = 0.0
    for u in range(t - width + 1, t + 1):
        window = _baseline(st, u, cfg)
        if not window:
            continue
        n = len(window)
        mu = sum(window) / n
        obs += st.counts[u]
        exp += mu
        excess += alpha * mu * mu
        mean_var += (mu + alpha * mu * mu) / n
    return obs, exp, excess, mean_var


def group_counts(rows: Iterable[tuple[date, str, int]]) -> dict[str, dict[date, int]]:
    """``{series: {day: count}}`` from ``(day, series, count)`` rows."""
    out: dict[str, dict[date, int]] = {}
    for day, series, count in rows:
        out.setdefault(series, {})[day] = count
    return out
