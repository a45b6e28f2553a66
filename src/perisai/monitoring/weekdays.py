"""Weekday effects shared across series, for the spike detector's expected count (pure).

A series' expected count for a day is its level over the last 8 weeks times its factor for
that weekday. Estimated from 8 values, a weekday factor is as noisy as the same-weekday mean
it replaces; but the weekly rhythm of reports is largely common to every series (people
report on the same days of the week), so each series' factors are shrunk toward the factors
of all series together, by how far series really differ (the between-series variance, by the
DerSimonian–Laird moment estimator) against each factor's own sampling noise. Where series do
differ, a large series keeps its own rhythm; a small one borrows the common one. The level
then rests on all the days of the last 8 weeks, not only the same weekday's 8.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WEEKDAYS = 7


@dataclass(frozen=True)
class History:
    """A series' last weeks of kept (not left-out) days, per weekday (``t % 7``)."""

    sums: tuple[float, ...]  # sum of the counts of each weekday
    days: tuple[int, ...]  # number of days of each weekday
    alpha: float  # the series' overdispersion

    @property
    def mean(self) -> float:
        """Counts a day over all kept days (0 when none)."""
        days = sum(self.days)
        return sum(self.sums) / days if days else 0.0

    def factor(self, d: int) -> float | None:
        """The series' own factor for weekday ``d`` (its mean over the all-day mean)."""
        if self.days[d] == 0 or self.mean <= 0:
            return None
        return self.sums[d] / self.days[d] / self.mean

    def noise(self, d: int) -> float:
        """Sampling variance of :meth:`factor`: the weekday mean's negative-binomial variance
        over ``days``, scaled by the all-day mean (whose own error is smaller and ignored)."""
        m = self.sums[d] / self.days[d]
        # A weekday that has seen nothing still has the noise of a count below one.
        m = max(m, 0.5 / self.days[d])
        return (m + self.alpha * m * m) / (self.days[d] * self.mean * self.mean)


def shared_factors(histories: Sequence[History]) -> tuple[list[float], float]:
    """(the factors of all series together, the between-series variance of a factor).

    The shared factor of a weekday is the inverse-variance weighted mean of the series'
    own; the between-series variance ``tau2`` is DerSimonian–Laird's per weekday,
    ``max(0, (Q - (K - 1)) / (sum w - sum w**2 / sum w))``, averaged over the weekdays."""
    shared: list[float] = []
    tau2s: list[float] = []
    for d in range(WEEKDAYS):
        own = [(f, 1.0 / h.noise(d)) for h in histories if (f := h.factor(d)) is not None]
        if not own:
            shared.append(1.0)
            continue
        total = sum(w for _f, w in own)
        centre = sum(f * w for f, w in own) / total
        shared.append(centre)
        if len(own) < 2:
            continue
        q = sum(w * (f - centre) ** 2 for f, w in own)
        scale = total - sum(w * w for _f, w in own) / total
        tau2s.append(max(0.0, (q - (len(own) - 1)) / scale) if scale > 0 else 0.0)
    return shared, (sum(tau2s) / len(tau2s) if tau2s else 0.0)


def series_factors(
    history: History, shared: Sequence[float], tau2: float
) -> tuple[list[float], list[float]]:
    """(the series' shrunk factors, the weight its own data has in each): ``shared + w (own -
    shared)``, ``w = tau2 / (tau2 + noise)``; a weekday it has no day of is the shared one."""
    factors: list[float] = []
    weights: list[float] = []
    for d in range(WEEKDAYS):
        own = history.factor(d)
        if own is None:
            factors.append(shared[d])
            weights.append(0.0)
            continue
        w = tau2 / (tau2 + history.noise(d)) if tau2 > 0 else 0.0
        # Never far below the shared factor: a weekday never at zero for everyone.
        factors.append(max(shared[d] + w * (own - shared[d]), 0.05 * shared[d]))
        weights.append(w)
    return factors, weights
