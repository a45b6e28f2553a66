"""The clustering job `viral.cluster` (args {"report_id"}): deferred by enrichment when it has
stored a report's media signals, it clusters the report's files and checks the spread rule.

The job owns its transaction. Clustering is serialised by an advisory lock, so the job is
short: a few indexed reads and writes per file.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from perisai.config import Settings
from perisai.jobs.worker import current_runtime, job
from perisai.reports.models import Report, ReportStatus
from perisai.runtime import Runtime
from perisai.viral.alerts import Raised, check_spread
from perisai.viral.clustering import cluster_report
from perisai.viral.index import ClusterIndex, cluster_index_of
from perisai.viral.rule import Thresholds

CLUSTER_TASK = "viral.cluster"


def thresholds_of(settings: Settings) -> Thresholds:
    return Thresholds(
        platforms=settings.viral_platforms,
        accounts=settings.viral_accounts,
        window=timedelta(hours=settings.viral_window_hours),
    )


def cluster_and_check(
    session: Session, index: ClusterIndex, thresholds: Thresholds, report_id: int
) -> list[Raised]:
    """Cluster one report's media and raise what the spread rule says, in ``session``."""
    report = session.get(Report, report_id)
    if report is None or report.status == ReportStatus.RETRACTED.value:
        return []
    clustered = cluster_report(session, index, report)
    if not clustered.clusters:
        return []
    return check_spread(session, clustered, thresholds)


def run_cluster(runtime: Runtime, report_id: int) -> list[Raised]:
    with runtime.db.transaction() as session:
        return cluster_and_check(
            session, cluster_index_of(runtime), thresholds_of(runtime.settings), report_id
        )


@job(CLUSTER_TASK)
def cluster_report_job(report_id: int) -> None:
    run_cluster(current_runtime(), report_id)
