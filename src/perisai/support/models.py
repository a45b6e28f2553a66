"""The support of one child: a plan (needs, services, safety check, the child's own view), the
services referred with their follow-ups and counselling notes, and the forensic interviews.

Every table hangs on the victim record (`victim.id`, owned by the victims domain). Nothing here
names the child: staff pages show the plan's code, the child's view shows only what the child
agreed to. Counselling notes are sealed (they are the most sensitive thing a child tells).
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
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perisai.db.base import Base, CreatedAt
from perisai.identity.models import Agency


class NeedArea(enum.StrEnum):
    SAFETY = "safety"
    MEDICAL = "medical"
    COUNSELLING = "counselling"
    LEGAL = "legal"
    SCHOOL = "school"
    FAMILY = "family"


class NeedLevel(enum.StrEnum):
    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class ServiceKind(enum.StrEnum):
    JKM = "jkm"  # a JKM child protector (Child Act 2001)
    COUNSELLING = "counselling"  # NGO counsellors
    OSCC = "oscc"  # One Stop Crisis Centre at a hospital
    LEGAL_AID = "legal_aid"
    SCHOOL_COUNSELLOR = "school_counsellor"  # through the Education Ministry (MOE)


class ServiceStatus(enum.StrEnum):
    PROPOSED = "proposed"
    REFERRED = "referred"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    DECLINED = "declined"
    CANCELLED = "cancelled"


class SafetyCheck(enum.StrEnum):
    NOT_NEEDED = "not_needed"
    DUE = "due"
    DONE = "done"


class InterviewStatus(enum.StrEnum):
    AWAITING_APPROVAL = "awaiting_approval"  # a second or later interview, not approved yet
    SCHEDULED = "scheduled"
    HELD = "held"
    REFUSED = "refused"  # the supervisor did not approve it
    CANCELLED = "cancelled"


def _in(values: type[enum.StrEnum]) -> str:
    return ", ".join(f"'{v.value}'" for v in values)


class SupportPlan(CreatedAt, Base):
    __tablename__ = "support_plan"
    __table_args__ = (
        CheckConstraint(f"safety_check IN ({_in(SafetyCheck)})", name="safety_check"),
        CheckConstraint("child_lang IN ('ms', 'en')", name="child_lang"),
        CheckConstraint(
            "(child_code IS NULL) = (child_secret_hash IS NULL)", name="child_code_secret"
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    #: What staff pages, the API and the CLI call the plan (names nobody).
    public_id: Mapped[str] = mapped_column(String(16), unique=True)
    victim_id: Mapped[int] = mapped_column(ForeignKey("victim.id", ondelete="CASCADE"), unique=True)
    #: The agency that runs the plan (JKM by default) and its caseworker.
    lead_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    caseworker_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_by: Mapped[str] = mapped_column(String(128))
    #: None: not asked yet. True starts a safety check (due within SAFETY_CHECK_WITHIN).
    offender_known_to_family: Mapped[bool | None] = mapped_column(Boolean)
    safety_check: Mapped[str] = mapped_column(String(16), default=SafetyCheck.NOT_NEEDED.value)
    safety_check_due_at: Mapped[datetime | None]
    safety_check_done_at: Mapped[datetime | None]
    safety_check_done_by: Mapped[str | None] = mapped_column(String(128))
    safety_check_reminded_at: Mapped[datetime | None]
    #: The child's own view: a code and the SHA-256 of an issued secret (never the secret).
    child_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    child_secret_hash: Mapped[str | None] = mapped_column(String(64))
    child_code_issued_at: Mapped[datetime | None]
    child_lang: Mapped[str] = mapped_column(String(2), default="ms")
    #: What the child agreed their view may show (each off until they agree).
    child_sees_helpers: Mapped[bool] = mapped_column(Boolean, default=False)
    child_sees_appointment: Mapped[bool] = mapped_column(Boolean, default=False)
    child_sees_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    #: How the child reaches their caseworker, in the caseworker's words (e.g. a desk number).
    child_contact: Mapped[str | None] = mapped_column(String(300))
    closed_at: Mapped[datetime | None]

    lead_agency: Mapped[Agency] = relationship(lazy="joined", innerjoin=True)
    needs: Mapped[list[SupportNeed]] = relationship(order_by="SupportNeed.id")
    services: Mapped[list[SupportService]] = relationship(order_by="SupportService.id")


class SupportNeed(Base):
    """The latest assessment of one area of need (one row per plan and area)."""

    __tablename__ = "support_need"
    __table_args__ = (
        CheckConstraint(f"area IN ({_in(NeedArea)})", name="area"),
        CheckConstraint(f"level IN ({_in(NeedLevel)})", name="level"),
        UniqueConstraint("plan_id", "area", name="uq_support_need_plan_area"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("support_plan.id", ondelete="CASCADE"))
    area: Mapped[str] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(8))
    assessed_at: Mapped[datetime]
    assessed_by: Mapped[str] = mapped_column(String(128))


class SupportService(CreatedAt, Base):
    """One service the child is referred to, with its owner and follow-up date."""

    __tablename__ = "support_service"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_in(ServiceKind)})", name="kind"),
        CheckConstraint(f"status IN ({_in(ServiceStatus)})", name="status"),
        Index("ix_support_service_follow_up_due_at", "follow_up_due_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("support_plan.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(24))
    #: The agency that provides it when it has users here (JKM, NGO, MOE); None for an outside
    #: provider (a hospital's OSCC, legal aid), named in `provider`.
    provider_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    provider: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default=ServiceStatus.PROPOSED.value)
    #: Who answers for it: a user of the provider (or of the lead agency for outside providers).
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_by: Mapped[str] = mapped_column(String(128))
    referred_at: Mapped[datetime | None]
    first_contact_at: Mapped[datetime | None]
    follow_up_due_at: Mapped[datetime | None]
    follow_up_reminded_at: Mapped[datetime | None]
    follow_up_overdue_at: Mapped[datetime | None]
    last_follow_up_at: Mapped[datetime | None]
    #: The next appointment with the child (what the child's view shows, if agreed).
    appointment_at: Mapped[datetime | None]
    status_changed_at: Mapped[datetime | None]

    provider_agency: Mapped[Agency | None] = relationship(lazy="joined")


class SupportFollowUp(CreatedAt, Base):
    """One contact or follow-up done on a service (the measures count these)."""

    __tablename__ = "support_follow_up"
    __table_args__ = (CheckConstraint("kind IN ('contact', 'follow_up')", name="kind"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("support_service.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(128))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))


class CounsellingNote(CreatedAt, Base):
    """A counsellor's note: sealed, read only by the agency that provides the counselling."""

    __tablename__ = "support_counselling_note"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("support_service.id", ondelete="CASCADE"), index=True
    )
    author: Mapped[str] = mapped_column(String(128))
    author_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    body_sealed: Mapped[bytes] = mapped_column(LargeBinary)


class ForensicInterview(CreatedAt, Base):
    """One forensic interview of the child. The first is the norm; each later one needs a written
    reason and a supervisor's approval, and is counted (`number` > 1)."""

    __tablename__ = "support_interview"
    __table_args__ = (
        CheckConstraint(f"status IN ({_in(InterviewStatus)})", name="status"),
        CheckConstraint("number >= 1", name="number"),
        CheckConstraint("NOT repeat OR length(reason) > 0", name="repeat_reason"),
        UniqueConstraint("plan_id", "number", name="uq_support_interview_plan_number"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("support_plan.id", ondelete="CASCADE"), index=True
    )
    #: 1 for the first interview asked for, 2 for the next (refused ones keep their number).
    number: Mapped[int] = mapped_column(SmallInteger)
    #: Asked for while another interview was held, scheduled or awaiting approval: needs a
    #: written reason and a supervisor's approval, and is counted as a repeat interview.
    repeat: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(24))
    scheduled_for: Mapped[datetime]
    held_at: Mapped[datetime | None]
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    interviewer: Mapped[str] = mapped_column(String(200))
    #: Where the recording is held (a store and an exhibit reference), never the recording.
    recording_location: Mapped[str] = mapped_column(String(300), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    requested_by: Mapped[str] = mapped_column(String(128))
    requested_by_user_id: Mapped[int | None] = mapped_column(Integer)
    decided_by: Mapped[str | None] = mapped_column(String(128))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(Text)

    agency: Mapped[Agency] = relationship(lazy="joined", innerjoin=True)
