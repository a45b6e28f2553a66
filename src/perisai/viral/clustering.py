"""Clustering a report's media incrementally: join the nearest earlier copies, merge clusters a
new file bridges (union-find), and say which clusters changed.

Runs inside the caller's transaction under one advisory lock (`CLUSTER_LOCK`): clustering is
one transaction at a time across every worker, so two copies arriving together cannot both
start a cluster, and the index's feed (by `viral_media.seq`) commits in order.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session, undefer

from perisai.banks.matching import file_queries
from perisai.enrichment.results import ReportFileSignal
from perisai.identity.models import ApiKey
from perisai.media.crops import CROP_VERSION, CropSet
from perisai.media.crops import MIN_QUALITY as CROP_MIN_QUALITY
from perisai.media.errors import InvalidSignal
from perisai.media.signals import exact_signal_type_names
from perisai.reports.models import Report, ReportFile
from perisai.viral.index import ClusterIndex, MediaSignals, Near
from perisai.viral.models import (
    MEDIA_SEQUENCE,
    ViralAlert,
    ViralCluster,
    ViralMedia,
    ViralMerge,
    ViralProposal,
)

#: pg_advisory_xact_lock key of clustering ("viral" in ASCII).
CLUSTER_LOCK: Final = 0x766972616C
MAX_PLATFORM: Final = 100
MAX_ACCOUNT: Final = 200
_CODE_ALPHABET: Final = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


@dataclass
class Clustered:
    """What clustering one report did: the clusters its files are in now, merges made."""

    report_id: int
    clusters: set[int] = field(default_factory=set)
    new_media: list[int] = field(default_factory=list)
    merges: list[tuple[int, int]] = field(default_factory=list)  # (into, from)
    # Clusters this report started: they hold its media alone (the rule needs no query).
    created: set[int] = field(default_factory=set)
    platform: str = ""
    accounts: list[str] = field(default_factory=list)


def new_public_id(prefix: str) -> str:
    code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    return f"{prefix}-{code}"


def _clean(value: Any, limit: int) -> str:
    return " ".join(str(value).split())[:limit]


def platform_of(session: Session, report: Report) -> str:
    """Where the report's media was seen: the incident's platform when the reporter named one,
    else the reporting platform's API key name, else the channel (hotline, import)."""
    named = ((report.details or {}).get("incident") or {}).get("platform")
    if named and _clean(named, MAX_PLATFORM):
        return _clean(named, MAX_PLATFORM)
    if report.api_key_id is not None:
        name = session.scalar(select(ApiKey.name).where(ApiKey.id == report.api_key_id))
        if name and _clean(name, MAX_PLATFORM):
            return _clean(name, MAX_PLATFORM)
    return report.reporter_kind


def accounts_of(report: Report, platform: str) -> list[str]:
    """The reported accounts as ``platform:name`` (case-folded), each once."""
    found: dict[str, None] = {}
    accounts: list[Any] = list(report.reported_accounts or [])
    for account in accounts:
        if not isinstance(account, dict):  # stored JSON: trust its shape no further than this
            continue
        name = account.get("screen_name") or account.get("user_id")
        if not name:
            continue
        where = account.get("platform") or platform
        key = f"{_clean(where, MAX_PLATFORM)}:{_clean(name, MAX_ACCOUNT)}".casefold()
        found[key[:MAX_ACCOUNT]] = None
    return list(found)


def _exact(item: ReportFile) -> dict[str, str | None]:
    """Computed hashes, else those the reporter declared (as enrichment matches them)."""
    return {
        name: getattr(item, name, None) or getattr(item, f"declared_{name}", None)
        for name in exact_signal_type_names()
    }


@dataclass(frozen=True)
class _FileSignals:
    exact: dict[str, str | None]
    pdq: str | None
    pdq_quality: int | None
    pdq_raw: str | None
    vpdq: list[dict[str, Any]] | None
    crops: bytes | None  # the image's crop set (every crop: what it asks with)

    @property
    def stored_pdq(self) -> str | None:
        # The index holds a PDQ only where matching would use it (quality floor of the matcher).
        queries, _, _ = file_queries({}, pdq=self.pdq, pdq_quality=self.pdq_quality)
        return self.pdq if queries else None

    @property
    def asked_crops(self) -> bytes | None:
        """The crop set, when the picture's PDQ is in the index and of the crops' quality
        (``perisai.media.crops.MIN_QUALITY``: a nearly featureless picture is mostly its
        overlays, which many crops compare)."""
        good = self.pdq_quality is not None and self.pdq_quality >= CROP_MIN_QUALITY
        return self.crops if self.crops and self.stored_pdq and good else None

    @property
    def stored_crops(self) -> bytes | None:
        """The crops the file is found by (the coarse grid), packed."""
        asked = self.asked_crops
        if asked is None:
            return None
        try:
            return bytes([CROP_VERSION]) + CropSet.stored_of(asked).tobytes()
        except InvalidSignal:  # another grid's crop set: clustered by its PDQ alone
            return None

    def queries(self) -> list[Any]:
        queries, _, _ = file_queries(
            self.exact,
            pdq=self.pdq,
            pdq_quality=self.pdq_quality,
            pdq_raw=self.pdq_raw,
            vpdq=self.vpdq,
        )
        return queries

    def columns(self) -> dict[str, Any]:
        return {
            "md5": (self.exact.get("md5") or None),
            "sha1": (self.exact.get("sha1") or None),
            "sha256": (self.exact.get("sha256") or None),
            "pdq": self.stored_pdq,
            "pdq_raw": self.pdq_raw if self.stored_pdq else None,
            "vpdq": self.vpdq or None,
            "pdq_crops": self.stored_crops,
        }


def _signals(item: ReportFile, signal: ReportFileSignal | None) -> _FileSignals:
    exact = {k: (v.lower() if v else None) for k, v in _exact(item).items()}
    return _FileSignals(
        exact=exact,
        pdq=signal.pdq if signal else None,
        pdq_quality=signal.pdq_quality if signal else None,
        pdq_raw=signal.pdq_raw if signal else None,
        vpdq=signal.vpdq if signal else None,
        crops=signal.pdq_crops if signal else None,
    )


def _roots(session: Session, near: Sequence[Near]) -> dict[int, Near]:
    """The live cluster of each near file (the nearest file per cluster)."""
    if not near:
        return {}
    query = select(ViralMedia.id, ViralMedia.cluster_id).where(
        ViralMedia.id.in_([n.media_id for n in near])
    )
    rows: dict[int, int] = {int(row[0]): int(row[1]) for row in session.execute(query)}
    found: dict[int, Near] = {}
    for hit in near:  # nearest first
        cluster = rows.get(hit.media_id)
        if cluster is not None and cluster not in found:
            found[cluster] = hit
    return found


def _new_cluster(session: Session, seen_at: datetime) -> ViralCluster:
    # Counted with the file that starts it (one INSERT, no UPDATE after it).
    cluster = ViralCluster(
        public_id=new_public_id("V"), first_seen_at=seen_at, last_seen_at=seen_at, media_count=1
    )
    session.add(cluster)
    session.flush()
    return cluster


def _merge(
    session: Session, into: ViralCluster, other: ViralCluster, file_id: int, bridge: Near
) -> None:
    """Union: every file, alert and proposal of ``other`` moves to ``into``; ``other`` keeps
    its row, pointing at ``into`` (its old links still resolve)."""
    now = datetime.now(UTC)
    moved = len(
        session.scalars(
            update(ViralMedia)
            .where(ViralMedia.cluster_id == other.id)
            .values(cluster_id=into.id)
            .returning(ViralMedia.id)
        ).all()
    )
    session.execute(
        update(ViralAlert).where(ViralAlert.cluster_id == other.id).values(cluster_id=into.id)
    )
    taken = {
        (kind, platform)
        for kind, platform in session.execute(
            select(ViralProposal.kind, ViralProposal.platform).where(
                ViralProposal.cluster_id == into.id
            )
        )
    }
    for proposal in session.scalars(
        select(ViralProposal).where(ViralProposal.cluster_id == other.id)
    ):
        if (proposal.kind, proposal.platform) not in taken:
            proposal.cluster_id = into.id
    # Clusters merged into `other` earlier now point past it (path compression).
    session.execute(
        update(ViralCluster).where(ViralCluster.parent_id == other.id).values(parent_id=into.id)
    )
    other.parent_id, other.merged_at = into.id, now
    into.first_seen_at = min(into.first_seen_at, other.first_seen_at)
    into.last_seen_at = max(into.last_seen_at, other.last_seen_at)
    into.media_count += other.media_count
    other.media_count = 0
    if into.alerted_at is None or (other.alerted_at and other.alerted_at < into.alerted_at):
        into.alerted_at = other.alerted_at or into.alerted_at
    session.add(
        ViralMerge(
            into_id=into.id,
            from_id=other.id,
            report_file_id=file_id,
            other_media_id=bridge.media_id,
            signal_type=bridge.signal_type,
            distance=bridge.distance,
            moved_media=moved,
            merged_at=now,
        )
    )


def _union(
    session: Session, roots: dict[int, Near], own: int | None, file_id: int, seen_at: datetime
) -> tuple[ViralCluster, list[tuple[int, int]]]:
    """The one cluster the file belongs to: its own and every near one, merged into the oldest."""
    ids = set(roots) | ({own} if own is not None else set())
    if not ids:
        return _new_cluster(session, seen_at), []
    clusters = list(
        session.scalars(select(ViralCluster).where(ViralCluster.id.in_(ids)).with_for_update())
    )
    clusters.sort(key=lambda c: (c.first_seen_at, c.id))
    into, merges = clusters[0], []
    for other in clusters[1:]:
        bridge = roots.get(other.id) or roots.get(into.id)
        assert bridge is not None  # at most one cluster (the file's own) lacks a near file
        _merge(session, into, other, file_id, bridge)
        merges.append((into.id, other.id))
    return into, merges


def _new_media(
    item: ReportFile,
    report: Report,
    signals: _FileSignals,
    context: tuple[str, list[str]],
    cluster: ViralCluster,
    roots: dict[int, Near],
) -> ViralMedia:
    platform, accounts = context
    nearest = roots.get(cluster.id) or min(
        roots.values(), key=lambda n: (n.distance, n.media_id), default=None
    )
    if nearest is not None:  # joined: a new cluster counted its first file already
        cluster.media_count += 1
        cluster.first_seen_at = min(cluster.first_seen_at, report.received_at)
        cluster.last_seen_at = max(cluster.last_seen_at, report.received_at)
    return ViralMedia(
        report_file_id=item.id,
        report_id=report.id,
        cluster_id=cluster.id,
        seen_at=report.received_at,
        platform=platform,
        accounts=accounts,
        joined_by=nearest.signal_type if nearest else "new",
        joined_media_id=nearest.media_id if nearest else None,
        distance=nearest.distance if nearest else None,
        clustered_at=datetime.now(UTC),
        **signals.columns(),
    )


def _rewrite_media(
    session: Session, row: ViralMedia, signals: _FileSignals, cluster: ViralCluster
) -> None:
    for name, value in signals.columns().items():
        setattr(row, name, value)
    row.seq = int(session.scalar(select(MEDIA_SEQUENCE.next_value())) or 0)
    row.cluster_id = cluster.id
    row.clustered_at = datetime.now(UTC)


def _cluster_file(
    session: Session,
    index: ClusterIndex,
    report: Report,
    item: ReportFile,
    signals: _FileSignals,
    existing: ViralMedia | None,
    context: tuple[str, list[str]],
    outcome: Clustered,
) -> None:
    queries = signals.queries()
    if not queries:
        return
    near = [
        n
        for n in index.query(queries, signals.asked_crops)
        if existing is None or n.media_id != existing.id
    ]
    roots = _roots(session, near)
    own = existing.cluster_id if existing is not None else None
    cluster, merges = _union(session, roots, own, item.id, report.received_at)
    if not roots and own is None:
        outcome.created.add(cluster.id)
    if existing is None:
        row = _new_media(item, report, signals, context, cluster, roots)
        session.add(row)
    else:
        row = existing
        _rewrite_media(session, row, signals, cluster)
    session.flush()
    if existing is None:
        outcome.new_media.append(row.id)
    index.put(MediaSignals(row.id, **_index_columns(row)))
    outcome.merges += merges
    outcome.clusters = (outcome.clusters | {cluster.id}) - {other for _, other in merges}


def _index_columns(row: ViralMedia) -> dict[str, Any]:
    return {
        "md5": row.md5,
        "sha1": row.sha1,
        "sha256": row.sha256,
        "pdq": row.pdq,
        "vpdq": row.vpdq,
        "pdq_crops": row.pdq_crops,
    }


def lock_clustering(session: Session) -> None:
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CLUSTER_LOCK})


def prepare_clustering(session: Session, index: ClusterIndex) -> None:
    """Take the clustering lock and bring the index up to what committed before it."""
    lock_clustering(session)
    index.sync(session.connection())


def cluster_report(
    session: Session, index: ClusterIndex, report: Report, *, prepared: bool = False
) -> Clustered:
    """Cluster every file of ``report`` (idempotent: a file already clustered is looked at
    again only when its signals changed, e.g. its upload added a PDQ). ``prepared``: the
    caller has called :func:`prepare_clustering` in this transaction (a batch does, once)."""
    if not prepared:
        prepare_clustering(session, index)
    outcome = Clustered(report_id=report.id)
    files = list(report.files)
    if not files:
        return outcome
    stored = {
        row.report_file_id: row
        for row in session.scalars(
            select(ReportFileSignal)
            .options(undefer(ReportFileSignal.pdq_crops))
            .where(ReportFileSignal.report_file_id.in_([f.id for f in files]))
        )
    }
    existing = {
        row.report_file_id: row
        for row in session.scalars(select(ViralMedia).where(ViralMedia.report_id == report.id))
    }
    platform = platform_of(session, report)
    context = (platform, accounts_of(report, platform))
    outcome.platform, outcome.accounts = context
    for item in files:
        signals = _signals(item, stored.get(item.id))
        before = existing.get(item.id)
        if before is not None:
            outcome.clusters.add(before.cluster_id)
            if all(getattr(before, k) == v for k, v in signals.columns().items()):
                continue
        _cluster_file(session, index, report, item, signals, before, context, outcome)
    return outcome


def live_cluster(session: Session, cluster_id: int) -> ViralCluster | None:
    """The root of ``cluster_id`` (following merges)."""
    cluster = session.get(ViralCluster, cluster_id)
    seen = 0
    while cluster is not None and cluster.parent_id is not None and seen < 64:
        cluster = session.get(ViralCluster, cluster.parent_id)
        seen += 1
    return cluster
