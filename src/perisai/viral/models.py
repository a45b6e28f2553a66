"""Clusters of report media (copies of one picture or video), their merges, alerts, proposals.

One `viral_media` row per report file that has something to compare (an exact hash, a PDQ of
sufficient quality, or video frames). Clusters follow union-find: a cluster merged into another
keeps its row with `parent_id` set (old links resolve to the survivor) and every media row moves
to the survivor, so `viral_media.cluster_id` always names a root. `viral_merge` records each
merge and the pair of files that bridged the two clusters.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    Sequence,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from perisai.db.base import Base, CreatedAt


class ProposalKind(enum.StrEnum):
    BANK_ADD = "bank_add"  # add the cluster's hashes to the bank shared with platforms
    TAKEDOWN = "takedown"  # a takedown notice to one platform where it was seen


class ProposalState(enum.StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


class ViralCluster(CreatedAt, Base):
    __tablename__ = "viral_cluster"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    # Union-find parent: NULL for a live cluster (a root); the survivor of a merge otherwise.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("viral_cluster.id", ondelete="SET NULL"), index=True
    )
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    media_count: Mapped[int] = mapped_column(Integer, default=0)
    # Set when the spread rule first fired for this cluster (or one merged into it).
    alerted_at: Mapped[datetime | None] = mapped_column(index=True)
    merged_at: Mapped[datetime | None]


MEDIA_SEQUENCE = Sequence("viral_media_seq")


class ViralMedia(Base):
    __tablename__ = "viral_media"
    __table_args__ = (Index("ix_viral_media_cluster_seen", "cluster_id", "seen_at"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    # Drawn anew whenever the row's signals are written (insert, or a file's upload adding a
    # PDQ): each process's cluster index follows the table by this number, in commit order
    # because clustering runs one transaction at a time.
    seq: Mapped[int] = mapped_column(
        BigInteger, MEDIA_SEQUENCE, server_default=MEDIA_SEQUENCE.next_value(), unique=True
    )
    report_file_id: Mapped[int] = mapped_column(
        ForeignKey("report_file.id", ondelete="CASCADE"), unique=True
    )
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("viral_cluster.id"))
    # When the report was received: the time the rule's sliding window reads.
    seen_at: Mapped[datetime]
    platform: Mapped[str] = mapped_column(String(100))
    accounts: Mapped[list[str]] = mapped_column(JSONB, default=list)
    md5: Mapped[str | None] = mapped_column(String(32))
    sha1: Mapped[str | None] = mapped_column(String(40))
    sha256: Mapped[str | None] = mapped_column(String(64))
    pdq: Mapped[str | None] = mapped_column(String(64))
    pdq_raw: Mapped[str | None] = mapped_column(String(64))
    vpdq: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)
    # The 16 crops an image is found by (`perisai.media.crops`, packed; ~0.5 KB): what finds a
    # copy cut differently from this one.
    pdq_crops: Mapped[bytes | None] = mapped_column(LargeBinary)
    # How it joined: "new" (started its cluster), or the signal type of its nearest earlier copy
    # ("pdq_crops": a crop of one within PDQ's threshold of a crop of the other).
    joined_by: Mapped[str] = mapped_column(String(16))
    joined_media_id: Mapped[int | None] = mapped_column(BigInteger)
    distance: Mapped[int | None] = mapped_column(Integer)
    clustered_at: Mapped[datetime]


class ViralMerge(Base):
    __tablename__ = "viral_merge"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    into_id: Mapped[int] = mapped_column(ForeignKey("viral_cluster.id"), index=True)
    from_id: Mapped[int] = mapped_column(ForeignKey("viral_cluster.id"), index=True)
    # The report file that was near media of both clusters, and the copy it bridged to.
    report_file_id: Mapped[int] = mapped_column(ForeignKey("report_file.id", ondelete="CASCADE"))
    other_media_id: Mapped[int] = mapped_column(BigInteger)
    signal_type: Mapped[str] = mapped_column(String(16))
    distance: Mapped[int] = mapped_column(Integer)
    moved_media: Mapped[int] = mapped_column(Integer)
    merged_at: Mapped[datetime]


class ViralAlert(Base):
    """The spread rule fired for a cluster: what crossed it, in which window."""

    __tablename__ = "viral_alert"
    __table_args__ = (CheckConstraint("rule IN ('platforms', 'accounts', 'both')", name="rule"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("viral_cluster.id"), index=True)
    rule: Mapped[str] = mapped_column(String(16))
    window_start: Mapped[datetime]
    window_end: Mapped[datetime]
    platforms: Mapped[list[str]] = mapped_column(JSONB)
    accounts: Mapped[list[str]] = mapped_column(JSONB)
    report_count: Mapped[int] = mapped_column(Integer)
    # The report whose media crossed the rule; its commit is where the alert's latency counts from.
    crossing_report_id: Mapped[int | None] = mapped_column(
        ForeignKey("report.id", ondelete="SET NULL")
    )
    thresholds: Mapped[dict[str, Any]] = mapped_column(JSONB)
    raised_at: Mapped[datetime] = mapped_column(index=True)


class ViralProposal(CreatedAt, Base):
    """An action proposed when a cluster went viral; nothing happens until a person confirms."""

    __tablename__ = "viral_proposal"
    __table_args__ = (
        CheckConstraint("kind IN ('bank_add', 'takedown')", name="kind"),
        CheckConstraint("state IN ('proposed', 'confirmed', 'dismissed')", name="state"),
        UniqueConstraint("cluster_id", "kind", "platform", name="uq_viral_proposal_action"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("viral_cluster.id"), index=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("viral_alert.id"))
    kind: Mapped[str] = mapped_column(String(16))
    # The platform a takedown goes to; "" for the bank proposal (one per cluster).
    platform: Mapped[str] = mapped_column(String(100), default="")
    state: Mapped[str] = mapped_column(String(16), default=ProposalState.PROPOSED.value)
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(128))
    note: Mapped[str | None] = mapped_column(Text)
    # What confirming did: bank entries added, takedown notice ids, the case used.
    result: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)


class ViralPending(Base):
    """A report whose media waits to be clustered (written by enrichment, taken by the job in
    batches: one transaction, one lock, many reports)."""

    __tablename__ = "viral_pending"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("report.id", ondelete="CASCADE"), primary_key=True
    )
    queued_at: Mapped[datetime] = mapped_column(server_default=func.now(), index=True)
