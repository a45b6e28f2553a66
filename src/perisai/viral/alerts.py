"""The spread rule over stored clusters: raise an alert once per cluster, emit
`monitoring.viral`, propose actions, and have triage raise the cluster's reports to P1.

Called by the clustering job in its transaction (services flush, never commit).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.audit.service import SYSTEM, record
from perisai.identity.agencies import SECRETARIAT
from perisai.reports.models import Report
from perisai.sharing.events import emit
from perisai.sharing.models import Tlp
from perisai.triage.queue import queue_triage
from perisai.viral.clustering import Clustered, new_public_id
from perisai.viral.models import (
    ProposalKind,
    ViralAlert,
    ViralCluster,
    ViralMedia,
    ViralProposal,
)
from perisai.viral.names import VIRAL_EVENT
from perisai.viral.rule import Crossing, Sighting, Thresholds, first_crossing

# Who is told in full (platforms, accounts, timeline): the secretariat and the regulator that
# sends platforms notices. Every other task-force agency learns that a cluster went viral, with
# its counts only (GREEN: sharing/redaction.py keeps restricted fields to the audience).
AUDIENCE: Final = (SECRETARIAT, "MCMC")
TIMELINE_LIMIT: Final = 200


@dataclass(frozen=True)
class Raised:
    alert: ViralAlert
    cluster: ViralCluster
    proposals: list[ViralProposal]


def _sightings(
    session: Session, cluster_id: int, around: list[datetime], window: timedelta
) -> list[Sighting]:
    """The cluster's sightings in reach of any window holding one of ``around`` (each report
    once: several copies in one report are one sighting)."""
    rows = session.execute(
        select(ViralMedia.seen_at, ViralMedia.platform, ViralMedia.accounts, ViralMedia.report_id)
        .where(
            ViralMedia.cluster_id == cluster_id,
            ViralMedia.seen_at >= min(around) - window,
            ViralMedia.seen_at <= max(around) + window,
        )
        .order_by(ViralMedia.seen_at, ViralMedia.id)
    ).all()
    seen: dict[int, Sighting] = {}
    for at, platform, accounts, report_id in rows:
        seen.setdefault(report_id, Sighting(at, platform, tuple(accounts or ()), report_id))
    return list(seen.values())


def cluster_report_ids(session: Session, cluster_id: int) -> list[int]:
    return list(
        session.scalars(
            select(ViralMedia.report_id)
            .where(ViralMedia.cluster_id == cluster_id)
            .distinct()
            .order_by(ViralMedia.report_id)
        )
    )


def timeline(session: Session, cluster_id: int) -> list[dict[str, Any]]:
    """Each report of the cluster in time order: when, from which platform, which accounts."""
    rows = session.execute(
        select(ViralMedia.seen_at, ViralMedia.platform, ViralMedia.accounts, Report.public_id)
        .join(Report, Report.id == ViralMedia.report_id)
        .where(ViralMedia.cluster_id == cluster_id)
        .order_by(ViralMedia.seen_at, ViralMedia.id)
        .limit(TIMELINE_LIMIT * 4)
    ).all()
    seen: dict[str, dict[str, Any]] = {}
    for at, platform, accounts, public_id in rows:
        seen.setdefault(
            public_id,
            {"at": at.isoformat(), "platform": platform, "accounts": list(accounts or [])},
        )
    return list(seen.values())[:TIMELINE_LIMIT]


def _propose(session: Session, cluster: ViralCluster, alert: ViralAlert) -> list[ViralProposal]:
    platforms = session.scalars(
        select(ViralMedia.platform)
        .where(ViralMedia.cluster_id == cluster.id)
        .distinct()
        .order_by(ViralMedia.platform)
    ).all()
    existing = {
        (kind, platform)
        for kind, platform in session.execute(
            select(ViralProposal.kind, ViralProposal.platform).where(
                ViralProposal.cluster_id == cluster.id
            )
        )
    }
    wanted = [(ProposalKind.BANK_ADD.value, "")]
    wanted += [(ProposalKind.TAKEDOWN.value, p) for p in _distinct_platforms(platforms)]
    made = [
        ViralProposal(cluster_id=cluster.id, alert_id=alert.id, kind=kind, platform=platform)
        for kind, platform in wanted
        if (kind, platform) not in existing
    ]
    session.add_all(made)
    return made


def _distinct_platforms(platforms: Any) -> list[str]:
    found: dict[str, str] = {}
    for name in platforms:
        found.setdefault(str(name).casefold(), str(name))
    return sorted(found.values(), key=str.casefold)


def _emit(session: Session, cluster: ViralCluster, alert: ViralAlert) -> None:
    emit(
        session,
        type=VIRAL_EVENT,
        subject_type="viral_cluster",
        subject_id=cluster.public_id,
        payload={
            "cluster_public_id": cluster.public_id,
            "alert_public_id": alert.public_id,
            "rule": alert.rule,
            "first_seen_at": cluster.first_seen_at.isoformat(),
            "window_start": alert.window_start.isoformat(),
            "window_end": alert.window_end.isoformat(),
            "platform_count": len(alert.platforms),
            "account_count": len(alert.accounts),
            "report_count": alert.report_count,
            "platforms": list(alert.platforms),
            "accounts": list(alert.accounts),
            "timeline": timeline(session, cluster.id),
        },
        audience=list(AUDIENCE),
        tlp=Tlp.GREEN,
    )


def _raise(
    session: Session,
    cluster: ViralCluster,
    crossing: Crossing,
    thresholds: Thresholds,
    report_id: int,
    now: datetime,
) -> Raised:
    alert = ViralAlert(
        public_id=new_public_id("VA"),
        cluster_id=cluster.id,
        rule=crossing.rule,
        window_start=crossing.window_start,
        window_end=crossing.window_end,
        platforms=list(crossing.platforms),
        accounts=list(crossing.accounts),
        report_count=len(crossing.report_ids),
        crossing_report_id=report_id,
        thresholds={
            "platforms": thresholds.platforms,
            "accounts": thresholds.accounts,
            "window_hours": thresholds.window.total_seconds() / 3600,
        },
        raised_at=now,
    )
    session.add(alert)
    cluster.alerted_at = now
    session.flush()
    proposals = _propose(session, cluster, alert)
    session.flush()
    _emit(session, cluster, alert)
    return Raised(alert, cluster, proposals)


def audit_raised(session: Session, raised: list[Raised]) -> None:
    """Audit the alerts raised (one entry each), last thing before the transaction commits.

    Not as each is raised: SQLAlchemy runs the audit's before-commit hook when a savepoint is
    released too (job deferrals use savepoints), and that hook takes the audit chain's advisory
    lock for the rest of the transaction. Taken mid-batch, the lock was held while clustering
    the next reports waited on report rows that web requests held while waiting for the same
    lock at their commit: a deadlock, answered 500 (docs/viral.md).
    """
    for item in raised:
        alert, cluster = item.alert, item.cluster
        record(
            session,
            actor=SYSTEM,
            action="viral.alert",
            object_type="viral_cluster",
            object_id=cluster.public_id,
            details={
                "alert": alert.public_id,
                "rule": alert.rule,
                "platforms": len(alert.platforms),
                "accounts": len(alert.accounts),
                "reports": alert.report_count,
            },
        )


def _retriage(session: Session, report_ids: list[int]) -> None:
    """Triage words the P1 itself (rule `viral.spread`, triage/policy.py); queue it once each."""
    queue_triage(session, report_ids, coalesce=True)


def check_spread(
    session: Session, clustered: Clustered, thresholds: Thresholds, *, now: datetime | None = None
) -> list[Raised]:
    """After a report was clustered: alert each of its clusters that now crosses the rule, and
    have triage raise the reports of every viral cluster it is in."""
    now = now or datetime.now(UTC)
    raised: list[Raised] = []
    retriage: set[int] = set()
    report = session.get(Report, clustered.report_id)
    if report is None:
        return raised
    for cluster_id in sorted(clustered.clusters):
        # No row lock: clustering, which alone changes clusters, holds its advisory lock.
        cluster = session.get(ViralCluster, cluster_id)
        if cluster is None or cluster.parent_id is not None:
            continue
        if cluster.alerted_at is not None:
            retriage.add(report.id)
            if clustered.merges:  # a merge brought an alert to reports that had none
                retriage.update(cluster_report_ids(session, cluster.id))
            continue
        if cluster_id in clustered.created and not clustered.merges:
            # The report's own new cluster: its one sighting, known without a query.
            sightings = [
                Sighting(
                    report.received_at, clustered.platform, tuple(clustered.accounts), report.id
                )
            ]
        else:
            # A merge may have joined older sightings into windows the new report is not in.
            around = [cluster.first_seen_at, cluster.last_seen_at] if clustered.merges else []
            sightings = _sightings(
                session, cluster.id, [report.received_at, *around], thresholds.window
            )
        crossing = first_crossing(sightings, thresholds)
        if crossing is None:
            continue
        raised.append(_raise(session, cluster, crossing, thresholds, report.id, now))
        retriage.update(cluster_report_ids(session, cluster.id))
    _retriage(session, sorted(retriage))
    return raised


def counts_by_hour(session: Session, cluster_id: int) -> list[tuple[datetime, int]]:
    """Reports of the cluster per hour (UTC hour starts), for the counts-over-time chart."""
    rows = session.execute(
        select(ViralMedia.seen_at, ViralMedia.report_id).where(ViralMedia.cluster_id == cluster_id)
    ).all()
    hours: Counter[datetime] = Counter()
    seen: set[int] = set()
    for at, report_id in rows:
        if report_id in seen:
            continue
        seen.add(report_id)
        hours[at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)] += 1
    return sorted(hours.items())
