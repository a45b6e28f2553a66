"""The child as a person: one victim record, linked to every report that names them.

Identity is kept per field group (name, birth, school, contact, guardian, online), each sealed
with AES-256-GCM under a data key of this victim's own; the key is kept in the subject key store
outside the database (perisai.keystore; ``victim.key_segment`` names its segment), so no
database backup holds it. Erasure destroys the key in the store and deletes the sealed groups,
and shreds the linked report victims the same way (crypto-shredding): no copy, backups taken
before the erasure included, can be opened again.
Consent says which agency may know which field group, with who gave it, how, and when.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perisai.db.base import Base, CreatedAt
from perisai.sharing.redaction import VictimGroup


class VictimStatus(enum.StrEnum):
    ACTIVE = "active"
    ERASED = "erased"


class ErasureBasis(enum.StrEnum):
    REQUEST = "request"  # the child or guardian asked, and the law allows it
    RETENTION = "retention"  # the retention schedule ran out
    COURT_ORDER = "court_order"


class ConsentGiver(enum.StrEnum):
    CHILD = "child"
    GUARDIAN = "guardian"
    BOTH = "both"


class ConsentMethod(enum.StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    WRITTEN = "written"
    VIDEO = "video"


def _in(values: type[enum.StrEnum]) -> str:
    return ", ".join(f"'{member.value}'" for member in values)


class Victim(CreatedAt, Base):
    __tablename__ = "victim"
    __table_args__ = (
        CheckConstraint(f"status IN ({_in(VictimStatus)})", name="status"),
        CheckConstraint(
            f"erasure_basis IS NULL OR erasure_basis IN ({_in(ErasureBasis)})",
            name="erasure_basis",
        ),
        # An active record has its key (in the store, or in the row for older records); an
        # erased one has none in the row, and says when and why.
        CheckConstraint(
            "(status = 'active' AND (key_sealed IS NOT NULL OR key_segment IS NOT NULL)"
            " AND erased_at IS NULL)"
            " OR (status = 'erased' AND key_sealed IS NULL AND erased_at IS NOT NULL"
            " AND erasure_basis IS NOT NULL)",
            name="erased_has_no_key",
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=VictimStatus.ACTIVE.value)
    # The subject key store segment holding this victim's data key (subject
    # ``victim:<public_id>``). Kept after erasure: it says where the key was destroyed, so a
    # restored store can be corrected from the database too.
    key_segment: Mapped[str | None] = mapped_column(String(16))
    # Older records: the data key sealed by the master key, bound to ``victim:<public_id>:key``
    # (moved to the store by ``perisai victims keys reconcile``).
    key_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Not identity: the stated age when the record was made (statistics and support measures).
    age: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
    # Retention (victims/retention.py): kept until, unless on legal hold.
    retain_until: Mapped[datetime | None]
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    erased_at: Mapped[datetime | None]
    erased_by: Mapped[str | None] = mapped_column(String(128))
    erasure_basis: Mapped[str | None] = mapped_column(String(16))

    identity: Mapped[list[VictimIdentity]] = relationship(
        back_populates="victim", cascade="all, delete-orphan", order_by="VictimIdentity.group"
    )
    reports: Mapped[list[VictimReport]] = relationship(
        back_populates="victim", order_by="VictimReport.id"
    )
    consents: Mapped[list[VictimConsent]] = relationship(
        back_populates="victim", order_by="VictimConsent.id"
    )

    @property
    def is_erased(self) -> bool:
        return self.status == VictimStatus.ERASED.value


class VictimIdentity(Base):
    """One field group of a victim's identity, sealed under the victim's data key and bound to
    ``victim:<public_id>:<group>``."""

    __tablename__ = "victim_identity"
    __table_args__ = (
        CheckConstraint(
            "field_group IN ('name', 'birth', 'school', 'contact', 'guardian', 'online')",
            name="field_group",
        ),
    )

    victim_id: Mapped[int] = mapped_column(
        ForeignKey("victim.id", ondelete="CASCADE"), primary_key=True
    )
    group: Mapped[str] = mapped_column("field_group", String(16), primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)

    victim: Mapped[Victim] = relationship(back_populates="identity")


class VictimReport(CreatedAt, Base):
    """A victim named in a report is this child (one child, many reports)."""

    __tablename__ = "victim_report"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    victim_id: Mapped[int] = mapped_column(ForeignKey("victim.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    # The report's victim row; unique: a victim named in a report is one child.
    report_victim_id: Mapped[int] = mapped_column(
        ForeignKey("report_victim.id", ondelete="CASCADE"), unique=True
    )
    linked_by: Mapped[str] = mapped_column(String(128))

    victim: Mapped[Victim] = relationship(back_populates="reports")


class VictimConsent(CreatedAt, Base):
    """What the child and guardian agreed an agency may know: one field group, one agency.

    Withdrawal sets ``withdrawn_at``; the row stays as the record of what was agreed. Nothing
    is cached: every outlet reads the consents in force when it answers.
    """

    __tablename__ = "victim_consent"
    __table_args__ = (
        CheckConstraint(f"given_by IN ({_in(ConsentGiver)})", name="given_by"),
        CheckConstraint(f"method IN ({_in(ConsentMethod)})", name="method"),
        CheckConstraint(
            f"field_group IN ({_in(VictimGroup)})",
            name="field_group",
        ),
        Index(
            "uq_victim_consent_in_force",
            "victim_id",
            "field_group",
            "agency",
            unique=True,
            postgresql_where=text("withdrawn_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    victim_id: Mapped[int] = mapped_column(ForeignKey("victim.id", ondelete="CASCADE"), index=True)
    group: Mapped[str] = mapped_column("field_group", String(16))
    agency: Mapped[str] = mapped_column(String(32), ForeignKey("agency.short_name"))
    given_by: Mapped[str] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(16))
    given_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(128))
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by: Mapped[str | None] = mapped_column(String(128))
    withdrawal_method: Mapped[str | None] = mapped_column(String(16))

    victim: Mapped[Victim] = relationship(back_populates="consents")
