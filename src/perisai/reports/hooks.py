"""What other domains do at intake, without reports importing them (dependency inversion).

Reports owns these hook points; a domain that acts on intake registers a function at one in
its manifest (`perisai.manifest.Hook`). Enrichment does: it stores the IP intelligence looked
up at intake and queues the enrichment job, in the transaction that stores the reports.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy.orm import Session

from perisai.config import Settings
from perisai.manifest import hooks

if TYPE_CHECKING:
    from perisai.reports.models import Report
    from perisai.reports.service import PreparedReport

# `function(session, created: [(report row id, PreparedReport)])`: reports just inserted, in the
# transaction that inserts them (so what the function writes or queues commits with them).
REPORTS_STORED = "reports.stored"
# `function(session, report_id)`: a report's files are complete (`finish`), same transaction.
REPORT_FINISHED = "reports.finished"
# `function(settings) -> IpLookup | None`: looks up IP events at intake, before any database work.
IP_LOOKUP = "reports.ip_lookup"

# `function(session, report) -> Stage`: how far a report has gone, as its reporter may know it.
PUBLIC_STAGE = "reports.public_stage"

Stage = Literal["received", "reviewed", "referred", "closed"]
STAGES: tuple[Stage, ...] = ("received", "reviewed", "referred", "closed")

# (reported accounts as JSON, receipt time) → `report_ip_intel` column values, best effort.
IpLookup = Callable[[list[Any], datetime], list[dict[str, Any]]]


def stored(session: Session, created: Sequence[tuple[int, PreparedReport]]) -> None:
    for function in hooks(REPORTS_STORED):
        function(session, created)


def finished(session: Session, report_id: int) -> None:
    for function in hooks(REPORT_FINISHED):
        function(session, report_id)


def ip_lookup(settings: Settings) -> IpLookup | None:
    """The first registered lookup that is available with these settings, or None."""
    for provider in hooks(IP_LOOKUP):
        lookup: IpLookup | None = provider(settings)
        if lookup is not None:
            return lookup
    return None


def public_stage(session: Session, report: Report) -> Stage:
    """The furthest stage any registered reader sees the report at ("received" if none)."""
    stages = [reader(session, report) for reader in hooks(PUBLIC_STAGE)]
    return max(stages, key=STAGES.index, default="received")
