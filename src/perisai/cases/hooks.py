"""What other domains do when a case acts, without cases importing them (manifest hooks).

Cases owns these hook points; triage registers at :data:`FIRST_ACTION` to stop the SLA clocks
of the reports a referral, takedown notice or closure acted on.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy.orm import Session

from perisai.cases.names import FIRST_ACTION
from perisai.manifest import hooks


def first_action(session: Session, report_ids: Collection[int], at: datetime) -> None:
    for function in hooks(FIRST_ACTION):
        function(session, report_ids, at)
