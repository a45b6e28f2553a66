"""The clustering job `viral.cluster`: clusters the files of every report waiting in
`viral_pending` (enrichment puts them there, `viral/queue.py`) and checks the spread rule.

Clustering is serialised by an advisory lock, so one job takes the pending reports in batches,
each batch one transaction: under load that costs one lock, one index catch-up and one commit
per batch instead of per report. A report that fails is logged and left out of its batch (its
savepoint rolled back), never holding up the others.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Final

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from perisai.config import Settings
from perisai.jobs.queue import defer
from perisai.jobs.worker import current_runtime, job
from perisai.reports.models import Report, ReportStatus
from perisai.runtime import Runtime
from perisai.viral.alerts import Raised, audit_raised, check_spread
from perisai.viral.clustering import cluster_report, prepare_clustering
from perisai.viral.index import ClusterIndex, cluster_index_of
from perisai.viral.names import CLUSTER_TASK
from perisai.viral.queue import CLUSTER_PRIORITY
from perisai.viral.rule import Thresholds

log = logging.getLogger(__name__)
BATCH: Final = 100
# The pending reports whose report rows are free now, each row share-locked as the foreign keys
# of the rows clustering inserts would lock it anyway, but up front and skipping the rows held
# FOR UPDATE (a report being enriched or finished). Taking a pending row first and waiting for
# its report later deadlocked with enrichment, which holds the report and re-queues it. A
# report skipped stays pending for the next run (enrichment queues one; else `_again`).
_TAKE = text(
    "DELETE FROM viral_pending WHERE report_id IN ("
    "SELECT p.report_id FROM viral_pending p JOIN report r ON r.id = p.report_id "
    "ORDER BY p.queued_at, p.report_id LIMIT :n "
    "FOR UPDATE OF p SKIP LOCKED FOR KEY SHARE OF r SKIP LOCKED) RETURNING report_id"
)
_LEFT = text("SELECT EXISTS (SELECT 1 FROM viral_pending)")
#: A run that left reports pending (their rows were busy) looks again this much later.
AGAIN_AFTER: Final = timedelta(seconds=1)


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
    raised = check_spread(session, clustered, thresholds)
    if not prepared:  # on its own: audited now; a batch audits its alerts at its end
        audit_raised(session, raised)
    return raised


def cluster_pending(
    session: Session, index: ClusterIndex, thresholds: Thresholds, *, batch: int = BATCH
) -> tuple[int, list[Raised]]:
    """Take up to ``batch`` pending reports (oldest first) and cluster each; (taken, raised)."""
    prepare_clustering(session, index)
    taken = sorted(int(rid) for rid in session.scalars(_TAKE, {"n": batch}))
    raised = _cluster_batch(session, index, thresholds, taken)
    if len(taken) < batch and session.scalar(_LEFT):
        _again(session)
    audit_raised(session, raised)
    return len(taken), raised


def _again(session: Session) -> None:
    """Queue a clustering run shortly, for reports left pending because their rows were busy
    (unless one is waiting already: it will take them)."""
    try:
        with session.begin_nested():
            defer(
                session,
                task=CLUSTER_TASK,
                args={},
                priority=CLUSTER_PRIORITY,
                queueing_lock=CLUSTER_TASK,
                scheduled_at=datetime.now(UTC) + AGAIN_AFTER,
            )
    except IntegrityError:
        pass  # a run is waiting already


def _cluster_batch(
    session: Session, index: ClusterIndex, thresholds: Thresholds, taken: list[int]
) -> list[Raised]:
    raised: list[Raised] = []
    try:
        with session.begin_nested():  # one savepoint for the batch: the usual, cheap path
            for report_id in taken:
                raised += cluster_and_check(session, index, thresholds, report_id, prepared=True)
        return raised
    except Exception:
        log.warning("viral: a batch failed; clustering its reports one by one")
    raised = []
    for report_id in taken:
        try:
            with session.begin_nested():
                raised += cluster_and_check(session, index, thresholds, report_id, prepared=True)
        except Exception:  # one report's failure must not hold up the viral alerts of others
            log.exception("viral: report %s not clustered", report_id)
    return raised


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
