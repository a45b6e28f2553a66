"""JSON API of trends under /api/v1/monitoring (supervisors and auditors, by session): the same
series, expected ranges and alerts as `/workspace/monitoring`, for agency dashboards and scripts.

    GET /api/v1/monitoring/trends?dimension=source&from=2026-11-01&to=2026-11-30&granularity=day

Bad filters answer 422 with one error per field (RFC 9457); times are ISO 8601 in MYT.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from perisai.http.problems import Problem
from perisai.identity.deps import DbDep, Principal, require
from perisai.identity.permissions import Permission
from perisai.monitoring.trends import Trend
from perisai.monitoring.views import problem_text, read_ask, series_label, trends_for

router = APIRouter(prefix="/api/v1/monitoring", tags=["monitoring"])
VIEW = require(Permission.DASHBOARD_VIEW)
Text = Annotated[str | None, Query(max_length=40)]


def _trend(trend: Trend) -> dict[str, Any]:
    return {
        "series": trend.series_key,
        "label": series_label(trend.series_key, "en"),
        "total": trend.total,
        "points": [
            {
                "start": point.start.isoformat(),
                "observed": point.observed,
                "expected": None if point.expectation is None else point.expectation.expected,
                "low": None if point.expectation is None else point.expectation.low,
                "high": None if point.expectation is None else point.expectation.high,
                "alert": point.alert,
            }
            for point in trend.points
        ],
    }


@router.get("/trends")
def trends(
    db: DbDep,
    dimension: Text = None,
    start: Annotated[str | None, Query(alias="from", max_length=40)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=40)] = None,
    granularity: Text = None,
    principal: Principal = VIEW,
) -> dict[str, Any]:
    """Every series of the dimension with a count in the period (largest totals first)."""
    del principal  # the permission is the check; aggregated counts name no one
    ask, problems = read_ask(dimension, start, end, granularity)
    if problems:
        raise Problem(
            422,
            "Invalid filters",
            errors=[{"field": f, "message": problem_text(p, "en")} for f, p in problems.items()],
        )
    found, _, alerts_known = trends_for(db, ask, "en", limit=None)
    return {
        "dimension": ask.dimension,
        "granularity": ask.granularity,
        "from": ask.since.isoformat(),
        "to": ask.until.isoformat(),
        "to_exclusive": True,
        "alerts_known": alerts_known,
        "series": [_trend(t) for t in found],
    }
