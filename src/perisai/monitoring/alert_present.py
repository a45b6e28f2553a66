"""One spike alert as JSON (the API and the CLI answer the same shape): evidence, lifecycle,
times in ISO 8601 with their zone."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from perisai.monitoring.alert_models import SpikeAlert
from perisai.monitoring.series import dimension_of


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def alert_json(alert: SpikeAlert) -> dict[str, Any]:
    return {
        "id": alert.public_id,
        "series": alert.series_key,
        "dimension": dimension_of(alert.series_key),
        "day": alert.day.isoformat(),
        "method": alert.method,
        "observed": alert.observed,
        "expected": round(alert.expected, 4),
        "p_value": alert.p_value,
        "q_value": alert.q_value,
        "window_days": alert.window_days,
        "baseline_weeks": alert.baseline_weeks,
        "fdr": alert.fdr,
        "min_count": alert.min_count,
        "series_tested": alert.series_tested,
        "partial_day": alert.partial_day,
        "raised_at": _iso(alert.raised_at),
        "status": alert.status,
        "acknowledged_by": alert.acknowledged_by,
        "acknowledged_at": _iso(alert.acknowledged_at),
        "decided_by": alert.decided_by,
        "decided_at": _iso(alert.decided_at),
        "dismiss_reason": alert.dismiss_reason,
    }
