"""Read models of viral clusters and the people's decisions on proposals.

Public interface: :func:`viral_clusters`, :func:`cluster_view`, :func:`confirm_proposal`,
:func:`dismiss_proposal`. Services take a session and flush, never commit. Who may call them is
the outlets' check (`may_read`, `may_decide`): the secretariat's triage desk, as for reports in
no case (SECURITY.md), since a cluster names reports, platforms and accounts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from perisai.audit.service import Actor, record
from perisai.banks import service as banks
from perisai.banks.models import Bank
from perisai.cases import service as cases
from perisai.cases import takedowns
from perisai.cases.errors import CaseConflict, CaseNotFound, NotPermitted
from perisai.cases.models import Case, CaseReport
from perisai.identity.permissions import Permission
from perisai.media.banks import BankEntry
from perisai.reports.models import Report, ReportFile
from perisai.sharing.redaction import Viewer, can_see_unassigned_report
from perisai.viral.alerts import counts_by_hour
from perisai.viral.clustering import live_cluster
from perisai.viral.models import (
    ProposalKind,
    ProposalState,
    ViralAlert,
    ViralCluster,
    ViralMedia,
    ViralMerge,
    ViralProposal,
)

MAX_LIST: Final = 200
MIN_NOTE: Final = 10
MAX_NOTE: Final = 2000
MAX_URL: Final = takedowns.MAX_URL


class ViralError(ValueError):
    """A request the service refuses; ``field`` names the input at fault."""

    def __init__(self, message: str, *, field: str | None = None, status: int = 422) -> None:
        super().__init__(message)
        self.field, self.status = field, status


class ViralNotFound(LookupError):
    pass


def may_read(viewer: Viewer) -> bool:
    """Clusters name reports in no case yet: the secretariat's triage desk (and our jobs)."""
    return can_see_unassigned_report(viewer)


def may_decide(viewer: Viewer) -> bool:
    return may_read(viewer) and (viewer.is_system or viewer.has(Permission.REPORTS_TRIAGE))


@dataclass(frozen=True)
class ClusterRow:
    public_id: str
    first_seen_at: datetime
    last_seen_at: datetime
    alerted_at: datetime | None
    media: int
    reports: int
    platforms: list[str]
    open_proposals: int


@dataclass(frozen=True)
class PlatformRow:
    platform: str
    reports: int
    first_seen_at: datetime
    urls: list[str]


@dataclass(frozen=True)
class ReportRow:
    public_id: str
    platform: str
    seen_at: datetime
    accounts: list[str]
    joined_by: str
    distance: int | None


@dataclass(frozen=True)
class ClusterView:
    cluster: ViralCluster
    alerts: list[ViralAlert]
    platforms: list[PlatformRow]
    reports: list[ReportRow]
    hourly: list[tuple[datetime, int]]
    proposals: list[ViralProposal]
    merged_from: list[str] = field(default_factory=list)

    @property
    def report_count(self) -> int:
        return len(self.reports)


def _platforms_of(session: Session, cluster_ids: list[int]) -> dict[int, list[str]]:
    rows = session.execute(
        select(ViralMedia.cluster_id, ViralMedia.platform)
        .where(ViralMedia.cluster_id.in_(cluster_ids))
        .distinct()
    ).all()
    found: dict[int, dict[str, str]] = {}
    for cluster_id, platform in rows:
        found.setdefault(cluster_id, {}).setdefault(platform.casefold(), platform)
    return {k: sorted(v.values(), key=str.casefold) for k, v in found.items()}


def viral_clusters(session: Session, *, limit: int = 50, every: bool = False) -> list[ClusterRow]:
    """Live clusters that went viral, most recent alert first (``every``: also clusters that
    have not, with more than one report, most recently seen first)."""
    limit = max(1, min(limit, MAX_LIST))
    reports = func.count(ViralMedia.report_id.distinct())
    query = (
        select(ViralCluster, reports.label("reports"))
        .join(ViralMedia, ViralMedia.cluster_id == ViralCluster.id)
        .where(ViralCluster.parent_id.is_(None))
        .group_by(ViralCluster.id)
        .limit(limit)
    )
    if every:
        query = query.having(reports > 1).order_by(ViralCluster.last_seen_at.desc())
    else:
        query = query.where(ViralCluster.alerted_at.is_not(None)).order_by(
            ViralCluster.alerted_at.desc(), ViralCluster.id.desc()
        )
    rows = session.execute(query).all()
    ids = [row.ViralCluster.id for row in rows]
    platforms = _platforms_of(session, ids)
    waiting = dict(
        session.execute(
            select(ViralProposal.cluster_id, func.count())
            .where(
                ViralProposal.cluster_id.in_(ids),
                ViralProposal.state == ProposalState.PROPOSED.value,
            )
            .group_by(ViralProposal.cluster_id)
        ).all()
    )
    return [
        ClusterRow(
            public_id=row.ViralCluster.public_id,
            first_seen_at=row.ViralCluster.first_seen_at,
            last_seen_at=row.ViralCluster.last_seen_at,
            alerted_at=row.ViralCluster.alerted_at,
            media=row.ViralCluster.media_count,
            reports=int(row.reports),
            platforms=platforms.get(row.ViralCluster.id, []),
            open_proposals=int(waiting.get(row.ViralCluster.id, 0)),
        )
        for row in rows
    ]


def find_cluster(session: Session, public_id: str) -> ViralCluster:
    """The live cluster ``public_id`` names (a merged one answers its survivor)."""
    found = session.scalar(select(ViralCluster.id).where(ViralCluster.public_id == public_id))
    cluster = live_cluster(session, found) if found is not None else None
    if cluster is None:
        raise ViralNotFound(public_id[:40])
    return cluster


def _urls(report: Report, files: list[ReportFile]) -> list[str]:
    found = [u for u in report.urls or [] if isinstance(u, str)]
    found += [str(f.details.get("location")) for f in files if (f.details or {}).get("location")]
    return list(dict.fromkeys(found))


def _report_rows(session: Session, cluster_id: int) -> tuple[list[ReportRow], list[PlatformRow]]:
    rows = session.execute(
        select(ViralMedia, Report)
        .join(Report, Report.id == ViralMedia.report_id)
        .where(ViralMedia.cluster_id == cluster_id)
        .order_by(ViralMedia.seen_at, ViralMedia.id)
    ).all()
    reports: dict[str, ReportRow] = {}
    platforms: dict[str, PlatformRow] = {}
    for media, report in rows:
        if report.public_id in reports:
            continue
        reports[report.public_id] = ReportRow(
            report.public_id,
            media.platform,
            media.seen_at,
            list(media.accounts or []),
            media.joined_by,
            media.distance,
        )
        key = media.platform.casefold()
        before = platforms.get(key)
        urls = _urls(report, [f for f in report.files if f.id == media.report_file_id])
        platforms[key] = PlatformRow(
            platform=before.platform if before else media.platform,
            reports=(before.reports if before else 0) + 1,
            first_seen_at=before.first_seen_at if before else media.seen_at,
            urls=list(dict.fromkeys([*(before.urls if before else []), *urls]))[:20],
        )
    return list(reports.values()), sorted(platforms.values(), key=lambda p: p.first_seen_at)


def cluster_view(session: Session, *, public_id: str, actor: Actor) -> ClusterView:
    """Everything the cluster page shows; the read is audited (it names reports and accounts)."""
    cluster = find_cluster(session, public_id)
    reports, platforms = _report_rows(session, cluster.id)
    merged = session.scalars(
        select(ViralCluster.public_id)
        .join(ViralMerge, ViralMerge.from_id == ViralCluster.id)
        .where(ViralMerge.into_id == cluster.id)
        .order_by(ViralMerge.id)
    ).all()
    view = ClusterView(
        cluster=cluster,
        alerts=list(
            session.scalars(
                select(ViralAlert)
                .where(ViralAlert.cluster_id == cluster.id)
                .order_by(ViralAlert.raised_at)
            )
        ),
        platforms=platforms,
        reports=reports,
        hourly=counts_by_hour(session, cluster.id),
        proposals=list(
            session.scalars(
                select(ViralProposal)
                .where(ViralProposal.cluster_id == cluster.id)
                .order_by(ViralProposal.kind, ViralProposal.platform)
            )
        ),
        merged_from=list(merged),
    )
    record(
        session,
        actor=actor,
        action="viral.read",
        object_type="viral_cluster",
        object_id=cluster.public_id,
        details={"reports": len(reports), "asked_as": public_id[:40]},
    )
    return view


# --- decisions ------------------------------------------------------------------------------


def _open_proposal(session: Session, public_id: str, proposal_id: int) -> ViralProposal:
    cluster = find_cluster(session, public_id)
    proposal = session.get(ViralProposal, proposal_id, with_for_update=True)
    if proposal is None or proposal.cluster_id != cluster.id:
        raise ViralNotFound(f"proposal {proposal_id}")
    if proposal.state != ProposalState.PROPOSED.value:
        raise ViralError(f"this proposal was {proposal.state} already", status=409)
    return proposal


def _decided(proposal: ViralProposal, actor: Actor, state: ProposalState) -> None:
    proposal.state = state.value
    proposal.decided_at = datetime.now(UTC)
    proposal.decided_by = banks.actor_label(actor)[:128]


def _entries(session: Session, cluster: ViralCluster) -> list[BankEntry]:
    """One bank entry per distinct signal of the cluster's files."""
    found: dict[tuple[str, str], None] = {}
    for media in session.scalars(select(ViralMedia).where(ViralMedia.cluster_id == cluster.id)):
        for kind in ("md5", "sha1", "sha256", "pdq"):
            value = getattr(media, kind)
            if value:
                found[(kind, value)] = None
    label = f"viral cluster {cluster.public_id}"
    return [
        BankEntry(kind, value, label=label, category="viral", source="perisai viral spread")
        for kind, value in found
    ]


def _bank(session: Session, actor: Actor, name: str) -> Bank:
    existing = session.scalars(select(Bank).where(Bank.name == name)).one_or_none()
    if existing is not None:
        return existing
    settings = banks.BankSettings(
        description="Hashes of media that spread across platforms (viral-spread alerts), "
        "confirmed by the task force; shared with platforms.",
        shared=True,
        source="perisai viral spread",
    )
    return banks.create_bank(session, actor=actor, name=name, settings=settings)


def _add_to_bank(
    session: Session, proposal: ViralProposal, actor: Actor, bank_name: str
) -> dict[str, Any]:
    cluster = session.get_one(ViralCluster, proposal.cluster_id)
    bank = _bank(session, actor, bank_name)
    if not bank.shared:
        raise ViralError(f"bank {bank.name!r} is not shared with platforms", field="bank")
    try:
        summary = banks.import_entries(
            session, actor=actor, bank=bank, entries=_entries(session, cluster), fmt="viral"
        )
    except banks.BankProblem as exc:
        raise ViralError(str(exc), field="bank", status=exc.status) from None
    return {"bank": bank.name, "added": summary.added, "duplicates": summary.duplicates}


def _case_for(session: Session, cluster: ViralCluster, actor: Actor) -> Case:
    """The open case holding the cluster's reports (most urgent), else a new one for those in
    no case."""
    report_ids = list(
        session.scalars(
            select(ViralMedia.report_id).where(ViralMedia.cluster_id == cluster.id).distinct()
        )
    )
    held = session.scalars(
        select(Case)
        .join(CaseReport, CaseReport.case_id == Case.id)
        .where(CaseReport.report_id.in_(report_ids), Case.status != "closed")
        .order_by(Case.priority, Case.id)
    ).first()
    if held is not None:
        return held
    taken = set(
        session.scalars(select(CaseReport.report_id).where(CaseReport.report_id.in_(report_ids)))
    )
    free = [rid for rid in report_ids if rid not in taken]
    if not free:
        raise ViralError("every report of the cluster is in a closed case", status=409)
    return cases.create_case(
        session, title=f"Viral spread {cluster.public_id}", report_ids=free, actor=actor
    )


def _takedown(
    session: Session, proposal: ViralProposal, actor: Actor, url: str | None
) -> dict[str, Any]:
    url = (url or "").strip()
    if not url.lower().startswith(("http://", "https://")) or len(url) > MAX_URL:
        raise ViralError(
            f"give the address on {proposal.platform} to take down: an http(s) URL of at most "
            f"{MAX_URL} characters",
            field="url",
        )
    cluster = session.get_one(ViralCluster, proposal.cluster_id)
    try:
        case = _case_for(session, cluster, actor)
        notice = takedowns.create_takedown(
            session, case_id=case.id, url=url, platform=proposal.platform, actor=actor
        )
    except NotPermitted as exc:
        raise ViralError(str(exc), status=403) from None
    except (CaseConflict, CaseNotFound) as exc:
        raise ViralError(str(exc), field="url", status=409) from None
    return {"case": case.public_id, "takedown_id": notice.id, "url": url}


def confirm_proposal(
    session: Session,
    *,
    public_id: str,
    proposal_id: int,
    actor: Actor,
    bank_name: str,
    url: str | None = None,
) -> ViralProposal:
    """A person confirms: the hashes go to the shared bank, or the notice goes to the platform
    (through cases/takedowns, with its deadline and re-notices). Audited."""
    proposal = _open_proposal(session, public_id, proposal_id)
    if proposal.kind == ProposalKind.BANK_ADD.value:
        result = _add_to_bank(session, proposal, actor, bank_name)
    else:
        result = _takedown(session, proposal, actor, url)
    _decided(proposal, actor, ProposalState.CONFIRMED)
    proposal.result = result
    session.flush()
    record(
        session,
        actor=actor,
        action="viral.proposal.confirm",
        object_type="viral_proposal",
        object_id=proposal.id,
        details={"kind": proposal.kind, "platform": proposal.platform, **result},
    )
    return proposal


def dismiss_proposal(
    session: Session, *, public_id: str, proposal_id: int, actor: Actor, note: str
) -> ViralProposal:
    """A person decides against it, saying why (audited)."""
    note = " ".join(note.split())
    if not MIN_NOTE <= len(note) <= MAX_NOTE:
        raise ViralError(f"the reason must be {MIN_NOTE} to {MAX_NOTE} characters", field="note")
    proposal = _open_proposal(session, public_id, proposal_id)
    _decided(proposal, actor, ProposalState.DISMISSED)
    proposal.note = note
    session.flush()
    record(
        session,
        actor=actor,
        action="viral.proposal.dismiss",
        object_type="viral_proposal",
        object_id=proposal.id,
        details={"kind": proposal.kind, "platform": proposal.platform, "note": note},
    )
    return proposal


def cluster_counts(session: Session) -> dict[str, int]:
    """How many live clusters, viral ones, and proposals waiting (for the CLI's summary)."""
    live = select(ViralCluster).where(ViralCluster.parent_id.is_(None)).subquery()
    states: Counter[str] = Counter(
        dict(
            session.execute(
                select(ViralProposal.state, func.count()).group_by(ViralProposal.state)
            ).all()
        )
    )
    return {
        "clusters": int(session.scalar(select(func.count()).select_from(live)) or 0),
        "viral": int(
            session.scalar(
                select(func.count())
                .select_from(ViralCluster)
                .where(ViralCluster.parent_id.is_(None), ViralCluster.alerted_at.is_not(None))
            )
            or 0
        ),
        "proposals_waiting": states.get(ProposalState.PROPOSED.value, 0),
    }
