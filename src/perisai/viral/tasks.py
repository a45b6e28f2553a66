"""The clustering job `viral.cluster`: clusters the files of every report waiting in
`viral_pending` (enrichment puts them there, `viral/queue.py`) and checks the spread rule.

Clustering is serialised by an advisory lock, so one job takes the pending reports in batches,
each batch one transaction: under load that costs one lock, one index catch-up and one commit
per batch instead of per report. A report that fails is logged and left out of its batch (its
savepoint rolled back), never holding up the others.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Final

from sqlalchemy import text
from sqlalchemy.orm import Session

from perisai.config import Settings
from perisai.jobs.worker import current_runtime, job
from perisai.reports.models import Report, ReportStatus
from perisai.runtime import Runtime
from perisai.viral.alerts import Raised, check_spread
from perisai.viral.clustering import cluster_report, prepare_clustering
from perisai.viral.index import ClusterIndex, cluster_index_of
from perisai.viral.names import CLUSTER_TASK
from perisai.viral.rule import Thresholds

log = logging.getLogger(__name__)
BATCH: Final = 100
_TAKE = text(
    "DELETE FROM viral_pending WHERE report_id IN (SELECT report_id FROM viral_pending "
    "ORDER BY queued_at, report_id LIMIT :n FOR UPDATE SKIP LOCKED) RETURNING report_id"
)


def thresholds_of(settings: Settings) -> Thresholds:
    return Thresholds(
        platforms=settings.viral_platforms,
        accounts=settings.viral_accounts,
        window=timedelta(hours=settings.viral_window_hours),
    )


def cluster_and_check(
    session: Session,
    index: ClusterIndex,
    thresholds: Thresholds,
    report_id: int,
    *,
    prepared: bool = False,
) -> list[Raised]:
    """Cluster one report's media and raise what the spread rule says, in ``session``."""
    report = session.get(Report, report_id)
    if report is None or report.status == ReportStatus.RETRACTED.value:
        return []
    clustered = cluster_report(session, index, report, prepared=prepared)
    if not clustered.clusters:
        return []
    return check_spread(session, clustered, thresholds)


def cluster_pending(
    session: Session, index: ClusterIndex, thresholds: Thresholds, *, batch: int = BATCH
) -> tuple[int, list[Raised]]:
    """Take up to ``batch`` pending reports (oldest first) and cluster each; (taken, raised)."""
    prepare_clustering(session, index)
    taken = sorted(int(rid) for rid in session.scalars(_TAKE, {"n": batch}))
    raised: list[Raised] = []
    try:
        with session.begin_nested():  # one savepoint for the batch: the usual, cheap path
            for report_id in taken:
                raised += cluster_and_check(session, index, thresholds, report_id, prepared=True)
        return len(taken), raised
    except Exception:
        log.warning("viral: a batch failed; clustering its reports one by one")
    raised = []
    for report_id in taken:
        try:
            with session.begin_nested():
                raised += cluster_and_check(session, index, thresholds, report_id, prepared=True)
        except Exception:  # one report's failure must not hold up the viral alerts of others
            log.exception("viral: report %s not clustered", report_id)
    return len(taken), raised


def run_cluster(runtime: Runtime) -> int:
    """Cluster every pending report, a batch per transaction; how many were taken."""
    index, thresholds = cluster_index_of(runtime), thresholds_of(runtime.settings)
    total = 0
    while True:
        with runtime.db.transaction() as session:
            taken, _ = cluster_pending(session, index, thresholds)
        total += taken
        if taken < BATCH:
            return total


@job(CLUSTER_TASK)
def cluster_job(**_: object) -> None:
    run_cluster(current_runtime())
