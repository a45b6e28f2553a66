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
from perisai.reports.names import IP_LOOKUP, PUBLIC_STAGE, REPORT_FINISHED, REPORTS_STORED

if TYPE_CHECKING:
    from perisai.reports.models import Report
    from perisai.reports.service import PreparedReport

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
