"""Triage of a report (priority, reasons, SLA clocks, override) and links between reports.

One `triage_record` per report, rewritten each time triage runs; the rules' reasons are stored as
shown to analysts. `report_link` holds one row per direction, so a report's links are one indexed
read and each row's reason reads from that report's point of view.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Identity,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from perisai.db.base import Base, CreatedAt

# (clock, level, the time it is due, the column that stops the clock, the flag once raised).
SLA_CHECK_COLUMNS = (
    ("review", "warning", "review_warning_due_at", "reviewed_at", "review_warned_at"),
    ("review", "breached", "review_due_at", "reviewed_at", "review_breached_at"),
    ("action", "warning", "action_warning_due_at", "actioned_at", "action_warned_at"),
    ("action", "breached", "action_due_at", "actioned_at", "action_breached_at"),
)


class TriageRecord(Base):
    __tablename__ = "triage_record"
    __table_args__ = (
        CheckConstraint("priority BETWEEN 1 AND 4", name="priority"),
        CheckConstraint("computed_priority BETWEEN 1 AND 4", name="computed_priority"),
        # The queue: priority, then the review clock, then id (keyset pagination).
        Index("ix_triage_record_queue", "priority", "review_due_at", "report_id"),
        # The SLA sweep (triage/sla.py): one index per check, holding only the clocks still
        # running whose warning or breach has not been raised, so the sweep reads the due ones
        # by range and never walks the alerted, stopped or future ones.
        *(
            Index(
                f"ix_triage_record_sla_{clock}_{level}",
                column,
                postgresql_where=text(
                    f"{stop} IS NULL AND {flag} IS NULL AND {column} IS NOT NULL"
                ),
            )
            for clock, level, column, stop, flag in SLA_CHECK_COLUMNS
        ),
    )

    report_id: Mapped[int] = mapped_column(
        ForeignKey("report.id", ondelete="CASCADE"), primary_key=True
    )
    # What analysts work with (the override when there is one, else the computed priority).
    priority: Mapped[int] = mapped_column(SmallInteger)
    computed_priority: Mapped[int] = mapped_column(SmallInteger)
    # [{"priority": 1, "rule": "grooming.meeting", "text": "P1: meeting request at message 14"}]
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    # Grooming assessments triage computed itself when enrichment had stored none.
    grooming: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)
    received_at: Mapped[datetime]
    review_due_at: Mapped[datetime]
    action_due_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]
    actioned_at: Mapped[datetime | None]
    override_priority: Mapped[int | None] = mapped_column(SmallInteger)
    override_reason: Mapped[str | None] = mapped_column(Text)
    override_by: Mapped[str | None] = mapped_column(String(128))
    overridden_at: Mapped[datetime | None]
    # 75% of each clock (policy.warning_time), set with the due times (sla.restart_clocks).
    review_warning_due_at: Mapped[datetime | None]
    action_warning_due_at: Mapped[datetime | None]
    review_warned_at: Mapped[datetime | None]
    review_breached_at: Mapped[datetime | None]
    action_warned_at: Mapped[datetime | None]
    action_breached_at: Mapped[datetime | None]
    runs: Mapped[int] = mapped_column(Integer, default=0)
    triaged_at: Mapped[datetime]


class ReportLink(CreatedAt, Base):
    """`report_id` shares `key` with `other_report_id`; `reason` is written for `report_id`."""

    __tablename__ = "report_link"
    __table_args__ = (
        UniqueConstraint("report_id", "other_report_id", "key", name="uq_report_link_pair_key"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    # No foreign keys: see migration triage_0003 (reports are never deleted; each key check
    # share-locked both reports, two per row, dozens of rows per triage). Looked up by the
    # unique constraint's index, which begins with report_id (no index of its own).
    report_id: Mapped[int] = mapped_column(BigInteger)
    other_report_id: Mapped[int] = mapped_column(BigInteger, index=True)
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(600))
    reason: Mapped[str] = mapped_column(Text)
