"""What other domains do when a case acts, without cases importing them (manifest hooks).

Cases owns these hook points (`cases/names.py`); triage registers at `cases.first_action` to
stop the SLA clocks of the reports a referral, takedown notice or closure acted on, and at
`cases.report_triage` to say how urgent a case's reports are.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from perisai.cases.names import FIRST_ACTION, REPORT_TRIAGE
from perisai.manifest import hooks


def first_action(session: Session, report_ids: Collection[int], at: datetime) -> None:
    for function in hooks(FIRST_ACTION):
        function(session, report_ids, at)


@dataclass(frozen=True)
class ReportTriage:
    """What cases read of a report's triage."""

    priority: int  # 1 (most urgent) to 4
    review_due_at: datetime | None = None
    reasons: list[dict[str, Any]] = field(default_factory=list)


def report_triage(session: Session, report_ids: Collection[int]) -> dict[int, ReportTriage]:
    """Report id → its triage, for the reports triaged so far (others are absent)."""
    found: dict[int, ReportTriage] = {}
    if report_ids:
        for function in hooks(REPORT_TRIAGE):
            found.update(function(session, report_ids))
    return found
