"""Cases: reports grouped for work, with assignments, referrals, tasks, notes and takedowns.

The case's history is not kept here: every change emits a domain event carrying the case id
(`outbox_event.case_id`), and the timeline reads those events.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Enum,
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
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perisai.db.base import Base, CreatedAt
from perisai.identity.models import Agency
from perisai.sharing.models import Tlp


class CaseStatus(enum.StrEnum):
    NEW = "new"
    TRIAGE = "triage"
    ASSIGNED = "assigned"
    INVESTIGATING = "investigating"
    REFERRED = "referred"
    CLOSED = "closed"


class CaseOutcome(enum.StrEnum):
    ARREST = "arrest"
    VICTIM_SUPPORTED = "victim_supported"
    CONTENT_REMOVED = "content_removed"
    REFERRED_OUT = "referred_out"
    NO_FURTHER_ACTION = "no_further_action"
    DUPLICATE = "duplicate"
    MERGED = "merged"


class ReferralStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class TakedownStatus(enum.StrEnum):
    SENT = "sent"
    ESCALATED = "escalated"
    REMOVED = "removed"


_STATUSES = ", ".join(f"'{s.value}'" for s in CaseStatus)
_OUTCOMES = ", ".join(f"'{o.value}'" for o in CaseOutcome)


class Case(CreatedAt, Base):
    __tablename__ = "case_file"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUSES})", name="status"),
        CheckConstraint(f"outcome IS NULL OR outcome IN ({_OUTCOMES})", name="outcome"),
        CheckConstraint("(status = 'closed') = (outcome IS NOT NULL)", name="closed_outcome"),
        UniqueConstraint("created_by", "idempotency_key", name="uq_case_file_creator_key"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), index=True)
    outcome: Mapped[str | None] = mapped_column(String(32))
    # The best (lowest number) priority among its reports; 4 when it has none triaged.
    priority: Mapped[int] = mapped_column(SmallInteger, default=4)
    created_by: Mapped[str] = mapped_column(String(128))
    # The creator's Idempotency-Key, so a retried POST answers the case it already made.
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    closed_at: Mapped[datetime | None]
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"), index=True)
    tlp: Mapped[Tlp] = mapped_column(
        Enum(Tlp, name="tlp", values_callable=lambda e: [m.value for m in e], create_type=False),
        default=Tlp.AMBER,
    )
    # The agency that steers the case with the Secretariat (cases/policy.py); set when the
    # Secretariat first assigns an agency, changed only by the Secretariat.
    lead_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))

    lead_agency: Mapped[Agency | None] = relationship()
    reports: Mapped[list[CaseReport]] = relationship(
        back_populates="case", order_by="CaseReport.id"
    )
    assignments: Mapped[list[CaseAssignment]] = relationship(order_by="CaseAssignment.id")
    referrals: Mapped[list[CaseReferral]] = relationship(order_by="CaseReferral.id")
    victim_grants: Mapped[list[CaseVictimGrant]] = relationship(order_by="CaseVictimGrant.id")

    # What need-to-know reads (perisai.sharing.redaction.CaseAccess).
    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED.value

    @property
    def agencies(self) -> frozenset[str]:
        """Agencies the case is assigned to or referred to (and not declined by)."""
        assigned = {a.agency.short_name for a in self.assignments if a.ended_at is None}
        referred = {
            r.agency.short_name for r in self.referrals if r.status != ReferralStatus.DECLINED.value
        }
        return frozenset(assigned | referred)

    def _assigned_user(self, role: str) -> int | None:
        for assignment in reversed(self.assignments):
            if assignment.ended_at is None and assignment.user_role == role:
                return assignment.user_id
        return None

    @property
    def assigned_caseworker_id(self) -> int | None:
        return self._assigned_user("caseworker")

    @property
    def assigned_investigator_id(self) -> int | None:
        return self._assigned_user("investigator")

    @property
    def victim_grantees(self) -> frozenset[tuple[str, int]]:
        """(agency, user id) of each person explicitly granted the victims' identity."""
        return frozenset(
            (g.agency.short_name, g.user_id) for g in self.victim_grants if g.revoked_at is None
        )

    @property
    def lead_agency_name(self) -> str | None:
        return self.lead_agency.short_name if self.lead_agency is not None else None

    @property
    def working_agencies(self) -> frozenset[str]:
        """Agencies with an active assignment (the lead, and referred agencies that accepted)."""
        return frozenset(a.agency.short_name for a in self.assignments if a.ended_at is None)

    @property
    def pending_agencies(self) -> frozenset[str]:
        """Agencies the case is referred to that have not answered yet."""
        return frozenset(
            r.agency.short_name for r in self.referrals if r.status == ReferralStatus.PENDING.value
        )


class CaseReport(CreatedAt, Base):
    """A report in a case; a report is in at most one case at a time."""

    __tablename__ = "case_report"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), unique=True)
    # Why it is here: "created with the case", or the link that attached it automatically.
    reason: Mapped[str] = mapped_column(Text)
    # Attached automatically by linkage: an analyst should confirm it belongs.
    needs_review: Mapped[bool] = mapped_column(default=False)

    case: Mapped[Case] = relationship(back_populates="reports")


class CaseAssignment(CreatedAt, Base):
    """An agency (and optionally one of its users) working the case."""

    __tablename__ = "case_assignment"
    # An agency's cases for need-to-know (the triage queue starts from them): live ones only.
    __table_args__ = (
        Index(
            "ix_case_assignment_agency_live",
            "agency_id",
            "case_id",
            postgresql_where=text("ended_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    # The assigned user's role when assigned (need-to-know asks for the caseworker/investigator).
    user_role: Mapped[str | None] = mapped_column(String(16))
    assigned_by: Mapped[str] = mapped_column(String(128))
    ended_at: Mapped[datetime | None]

    agency: Mapped[Agency] = relationship(lazy="joined", innerjoin=True)


class CaseReferral(CreatedAt, Base):
    __tablename__ = "case_referral"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'accepted', 'declined')", name="status"),
        # An agency's cases for need-to-know (the triage queue starts from them): not declined.
        Index(
            "ix_case_referral_agency_live",
            "agency_id",
            "case_id",
            postgresql_where=text("status <> 'declined'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=ReferralStatus.PENDING.value)
    referred_by: Mapped[str] = mapped_column(String(128))
    responded_by: Mapped[str | None] = mapped_column(String(128))
    responded_at: Mapped[datetime | None]
    response_note: Mapped[str | None] = mapped_column(Text)

    agency: Mapped[Agency] = relationship(lazy="joined", innerjoin=True)


class CaseVictimGrant(CreatedAt, Base):
    """One person of one agency may see the victims' identity on this case.

    Granted explicitly (by assignment, by accepting a referral, or by the grant action) and
    ended only explicitly (revoke, unassign, merge), each an event on the case's timeline:
    a later assignment never moves or strips it.
    """

    __tablename__ = "case_victim_grant"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    granted_by: Mapped[str] = mapped_column(String(128))
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(128))
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    agency: Mapped[Agency] = relationship(lazy="joined", innerjoin=True)


class CaseTask(CreatedAt, Base):
    __tablename__ = "case_task"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    due_at: Mapped[datetime | None]
    assignee_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    created_by: Mapped[str] = mapped_column(String(128))
    done_at: Mapped[datetime | None]
    done_by: Mapped[str | None] = mapped_column(String(128))


class CaseNote(CreatedAt, Base):
    __tablename__ = "case_note"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(128))
    author_agency: Mapped[str | None] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)


class TakedownNotice(CreatedAt, Base):
    """A notice to a platform to remove a URL; re-sent daily until removed, then escalated."""

    __tablename__ = "takedown_notice"
    __table_args__ = (CheckConstraint("status IN ('sent', 'escalated', 'removed')", name="status"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text)
    platform: Mapped[str] = mapped_column(String(100), index=True)
    status: Mapped[str] = mapped_column(String(16), default=TakedownStatus.SENT.value)
    first_sent_at: Mapped[datetime]
    last_sent_at: Mapped[datetime]
    deadline_at: Mapped[datetime]
    # The first notice counts as one; re-notices add to it.
    notices_sent: Mapped[int] = mapped_column(Integer, default=1)
    escalated_at: Mapped[datetime | None]
    removed_at: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(128))
