"""What enrichment does when reports arrive (registered at the reports' intake hooks).

In the transaction that stores the reports: the IP intelligence looked up at intake is stored
(so its facts are there from the first read) and the enrichment job is queued (acknowledged
means queued too). At intake, before any database work: the IP events are looked up.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from perisai.config import Settings
from perisai.enrichment import ipintel
from perisai.enrichment.models import ReportIpIntel
from perisai.enrichment.queue import queue_enrichment, queue_enrichments
from perisai.reports.hooks import IpLookup
from perisai.reports.service import PreparedReport

log = logging.getLogger(__name__)


def on_stored(session: Session, created: Sequence[tuple[int, PreparedReport]]) -> None:
    rows = [{"report_id": rid, **values} for rid, item in created for values in item.ip_intel]
    if rows:
        session.execute(insert(cast(Table, ReportIpIntel.__table__)), rows)
    queue_enrichments(session, [rid for rid, _ in created])


def on_finished(session: Session, report_id: int) -> None:
    """Files are complete now: enrich again so that their media signals are computed."""
    queue_enrichment(session, report_id=report_id)


def ip_lookup(settings: Settings) -> IpLookup | None:
    """Looks a report's IP events up at intake; None when no source is configured."""
    intel = ipintel.available_intel(settings)
    if intel is None:
        return None

    def lookup(accounts: list[Any], received_at: datetime) -> list[dict[str, Any]]:
        try:
            return ipintel.ip_intel_values(intel, accounts, received_at)
        except Exception:  # best effort: the enrichment job looks again; never lose the report
            log.exception("IP enrichment at intake failed; the report is kept")
            return []

    return lookup
