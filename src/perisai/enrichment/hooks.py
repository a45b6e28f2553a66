"""What other domains do when enrichment stores new facts, without enrichment importing them.

Enrichment owns these hook points (`enrichment/names.py`): triage registers at
`enrichment.reports_enriched` to triage the report again on the finished enrichment, viral at
`enrichment.signals_stored` to cluster the report's media (each in a job of its own, committed
with the enrichment).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from perisai.enrichment.names import REPORTS_ENRICHED, SIGNALS_STORED
from perisai.manifest import hooks


def reports_enriched(
    session: Session, report_ids: Sequence[int], *, coalesce: bool = False
) -> None:
    for function in hooks(REPORTS_ENRICHED):
        function(session, report_ids, coalesce=coalesce)


def signals_stored(session: Session, report_ids: Sequence[int]) -> None:
    for function in hooks(SIGNALS_STORED):
        function(session, report_ids)
