"""Overdispersion shared across series, for the spike detector (pure).

A series' own overdispersion ``alpha`` from 16 weeks of days is uncertain by 20-100% (its
standard error, :func:`perisai.monitoring.detect.conditional_alpha_se`), and an underestimate
makes far-tail p-values too small: the detector alerted 2-4 times too often without any
outbreak. Series of a stream share much of their noise, so each series' estimate is shrunk
toward what all series together say for its volume (empirical Bayes, as the weekday factors
are, :mod:`weekdays`):

* the prior for a series of level ``m`` is ``A m**b``: ``b = 0`` is one ``alpha`` for all
  (NB2), ``b = -1`` a variance proportional to the mean (NB1, quasi-Poisson); ``b`` is the
  value of a small grid under which the series differ least (the smallest between-series
  variance), ``A`` its inverse-variance weighted fit;
* each series' ratio ``alpha / (A m**b)`` is shrunk toward the ratios' weighted mean by the
  between-series variance (DerSimonian–Laird's moment estimator) against its own sampling
  variance; the posterior standard error shrinks with it.

Series that really differ keep their own value (a precise estimate far from the others has
little shrinkage); imprecise ones borrow from all. The detector then uses the posterior value
raised by its standard error (``detect.ALPHA_SE_Z``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# The volume slopes tried for the prior: NB2 (0) to NB1 (-1).
SLOPES = (0.0, -0.25, -0.5, -0.75, -1.0)
MIN_SERIES = 3  # fewer series than this: no pooling, each keeps its own estimate
_RATIO_SE_FLOOR = 0.05  # a ratio's standard error is never taken as smaller than this


@dataclass(frozen=True)
class Dispersion:
    """A series' overdispersion estimate and its standard error."""

    alpha: float
    se: float


def pooled(levels: Sequence[float], own: Sequence[Dispersion]) -> list[Dispersion]:
    """Each series' overdispersion shrunk toward the prior fitted over all of them (the input
    order). ``levels`` are the series' counts a day."""
    usable = [i for i, m in enumerate(levels) if m > 0]
    if len(usable) < MIN_SERIES:
        return list(own)
    fits = [_fit(slope, [levels[i] for i in usable], [own[i] for i in usable]) for slope in SLOPES]
    found = [f for f in fits if f is not None]
    if not found:
        return list(own)
    best = min(found, key=lambda f: f.tau2)
    out = list(own)
    for i in usable:
        out[i] = best.posterior(levels[i], own[i])
    return out


@dataclass(frozen=True)
class _Prior:
    slope: float
    scale: float  # A: the prior's alpha at a level of 1 a day
    centre: float  # the ratios' weighted mean (about 1)
    tau2: float  # the between-series variance of the ratios

    def posterior(self, level: float, own: Dispersion) -> Dispersion:
        prior = self.scale * level**self.slope
        ratio = own.alpha / prior
        noise = max(own.se / prior, _RATIO_SE_FLOOR) ** 2
        w = self.tau2 / (self.tau2 + noise)
        return Dispersion(
            prior * (self.centre + w * (ratio - self.centre)), prior * math.sqrt(w * noise)
        )


def _fit(slope: float, levels: Sequence[float], own: Sequence[Dispersion]) -> _Prior | None:
    """The prior ``A m**slope`` by weighted least squares through the origin, and the
    between-series variance of the ratios around it (DerSimonian–Laird)."""
    shape = [m**slope for m in levels]
    # Weights from the standard errors floored relative to the shape, so one series with a
    # tiny standard error does not fix A alone.
    floor = _RATIO_SE_FLOOR * max(_mean(own), 1e-6)
    weights = [1.0 / max(d.se, floor) ** 2 for d in own]
    num = sum(w * d.alpha * g for w, d, g in zip(weights, own, shape, strict=True))
    den = sum(w * g * g for w, g in zip(weights, shape, strict=True))
    if den <= 0 or num <= 0:
        return None
    scale = num / den
    ratios = [d.alpha / (scale * g) for d, g in zip(own, shape, strict=True)]
    precisions = [
        1.0 / max(d.se / (scale * g), _RATIO_SE_FLOOR) ** 2 for d, g in zip(own, shape, strict=True)
    ]
    total = sum(precisions)
    centre = sum(p * r for p, r in zip(precisions, ratios, strict=True)) / total
    q = sum(p * (r - centre) ** 2 for p, r in zip(precisions, ratios, strict=True))
    spread = total - sum(p * p for p in precisions) / total
    tau2 = max(0.0, (q - (len(own) - 1)) / spread) if spread > 0 else 0.0
    return _Prior(slope, scale, centre, tau2)


def _mean(own: Sequence[Dispersion]) -> float:
    return sum(d.alpha for d in own) / len(own) if own else 0.0
