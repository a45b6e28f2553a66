"""What IP intelligence said about each IP capture event of a report, kept with the report.

One row per event (account position, event position); re-enrichment replaces a report's rows so
that an answer always reflects the sources configured when it was looked up (`looked_up_at`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Identity, Integer, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from perisai.db.base import Base


class ReportIpIntel(Base):
    __tablename__ = "report_ip_intel"
    __table_args__ = (
        UniqueConstraint(
            "report_id", "account_index", "event_index", name="uq_report_ip_intel_event"
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    account_index: Mapped[int] = mapped_column(Integer)
    event_index: Mapped[int] = mapped_column(Integer)
    ip: Mapped[str] = mapped_column(String(45), index=True)
    event: Mapped[str] = mapped_column(String(16))
    # The event's own time when the reporter gave one; otherwise the report's receipt time.
    at: Mapped[datetime]
    at_is_event_time: Mapped[bool]
    # `IpAnswer.to_dict()`, or {"error": "..."} when the lookup itself failed.
    answer: Mapped[dict[str, Any]] = mapped_column(JSONB)
    looked_up_at: Mapped[datetime]
