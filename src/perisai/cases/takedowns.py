"""Takedown notices: sent with a deadline, re-sent every 24 h while unanswered, escalated to MCMC
after three re-notices, closed when removal is confirmed; time to removal per platform.

A `cases.takedown_due` job is scheduled at each deadline; a job that finds the notice removed or
its deadline moved does nothing, so nothing needs cancelling.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from perisai.audit.service import SYSTEM, Actor
from perisai.cases import hooks
from perisai.cases.errors import CaseConflict, CaseNotFound
from perisai.cases.events import changed
from perisai.cases.models import (
    Case,
    CaseReferral,
    CaseReport,
    ReferralStatus,
    TakedownNotice,
    TakedownStatus,
)
from perisai.cases.names import TAKEDOWN_DUE_TASK
from perisai.cases.policy import Action, require
from perisai.identity.service import agency_by_short_name
from perisai.jobs.queue import defer

RENOTICE_EVERY = timedelta(hours=24)
ESCALATE_AFTER_RENOTICES = 3
ESCALATION_AGENCY = "MCMC"
# Deadline of a first notice by case priority (TRIAGE.md: default 24 hours, per priority).
DEADLINES = {1: timedelta(hours=4), 2: timedelta(hours=24), 3: timedelta(hours=24)}
DEFAULT_DEADLINE = timedelta(hours=24)
MAX_URL = 4096


def _now() -> datetime:
    return datetime.now(UTC)


def _schedule(session: Session, notice: TakedownNotice) -> None:
    defer(
        session,
        task=TAKEDOWN_DUE_TASK,
        args={"takedown_id": notice.id, "deadline_at": notice.deadline_at.isoformat()},
        scheduled_at=notice.deadline_at,
    )


def _view(notice: TakedownNotice) -> dict[str, object]:
    return {
        "id": notice.id,
        "url": notice.url,
        "platform": notice.platform,
        "status": notice.status,
        "deadline_at": notice.deadline_at.isoformat(),
        "notices_sent": notice.notices_sent,
    }


def create_takedown(
    session: Session,
    *,
    case_id: int,
    url: str,
    platform: str,
    actor: Actor,
    deadline: timedelta | None = None,
    now: datetime | None = None,
) -> TakedownNotice:
    """Record a notice sent to ``platform`` for ``url`` and schedule its deadline check."""
    case = session.get(Case, case_id, with_for_update=True)
    if case is None:
        raise CaseNotFound(f"case {case_id}")
    if not case.is_open:
        raise CaseConflict(f"case {case.public_id} is closed")
    require(actor, Action.WORK, case)
    url, platform = url.strip(), platform.strip()
    if not url.lower().startswith(("http://", "https://")) or len(url) > MAX_URL:
        raise CaseConflict("url must be an http(s) URL of at most 4096 characters")
    if not platform or len(platform) > 100:
        raise CaseConflict("platform must be 1 to 100 characters")
    window = deadline or DEADLINES.get(case.priority, DEFAULT_DEADLINE)
    if window <= timedelta(0):
        raise CaseConflict("the deadline must be in the future")
    now = now or _now()
    notice = TakedownNotice(
        case_id=case.id,
        url=url,
        platform=platform,
        status=TakedownStatus.SENT.value,
        first_sent_at=now,
        last_sent_at=now,
        deadline_at=now + window,
        notices_sent=1,
        created_by=f"{actor.kind}:{actor.id or '-'}",
    )
    session.add(notice)
    session.flush()
    _schedule(session, notice)
    report_ids = session.scalars(select(CaseReport.report_id).where(CaseReport.case_id == case.id))
    hooks.first_action(session, list(report_ids), now)
    changed(session, case, actor=actor, type="takedown.sent", payload={"takedown": _view(notice)})
    return notice


def _escalate(session: Session, case: Case, notice: TakedownNotice, now: datetime) -> None:
    notice.status = TakedownStatus.ESCALATED.value
    notice.escalated_at = now
    mcmc = agency_by_short_name(session, ESCALATION_AGENCY)
    if not any(r.agency_id == mcmc.id and r.status != "declined" for r in case.referrals):
        case.referrals.append(
            CaseReferral(
                agency_id=mcmc.id,
                reason=f"takedown of {notice.url} on {notice.platform} unanswered after "
                f"{notice.notices_sent} notices",
                status=ReferralStatus.PENDING.value,
                referred_by="system:perisai",
            )
        )
    session.flush()
    changed(
        session,
        case,
        actor=SYSTEM,
        type="takedown.escalated",
        payload={"takedown": _view(notice), "agency": ESCALATION_AGENCY},
        also_to=(ESCALATION_AGENCY,),
    )


def takedown_due(
    session: Session, *, takedown_id: int, deadline_at: datetime, now: datetime | None = None
) -> bool:
    """At a deadline: re-send an unanswered notice (escalating after three re-notices).

    Returns whether a re-notice was sent; a removed notice or a moved deadline is a no-op.
    """
    now = now or _now()
    notice = session.get(TakedownNotice, takedown_id, with_for_update=True)
    if (
        notice is None
        or notice.status == TakedownStatus.REMOVED.value
        or notice.deadline_at != deadline_at
        or now < notice.deadline_at
    ):
        return False
    case = session.get(Case, notice.case_id)
    if case is None:
        return False
    notice.notices_sent += 1
    notice.last_sent_at = now
    notice.deadline_at = now + RENOTICE_EVERY
    session.flush()
    _schedule(session, notice)
    changed(
        session, case, actor=SYSTEM, type="takedown.renotice", payload={"takedown": _view(notice)}
    )
    if notice.notices_sent - 1 >= ESCALATE_AFTER_RENOTICES and notice.escalated_at is None:
        _escalate(session, case, notice, now)
    return True


def confirm_removal(
    session: Session,
    *,
    takedown_id: int,
    actor: Actor,
    removed_at: datetime | None = None,
) -> TakedownNotice:
    """The content is gone: stop re-notices; time to removal counts from the first notice."""
    notice = session.get(TakedownNotice, takedown_id, with_for_update=True)
    if notice is None:
        raise CaseNotFound(f"takedown {takedown_id}")
    case = session.get(Case, notice.case_id)
    assert case is not None
    require(actor, Action.WORK, case)
    if notice.status == TakedownStatus.REMOVED.value:
        raise CaseConflict("removal was already confirmed")
    removed_at = removed_at or _now()
    if removed_at.tzinfo is None or removed_at < notice.first_sent_at:
        raise CaseConflict("removed_at needs a time zone and cannot precede the first notice")
    notice.status = TakedownStatus.REMOVED.value
    notice.removed_at = removed_at
    hours = (removed_at - notice.first_sent_at).total_seconds() / 3600
    changed(
        session,
        case,
        actor=actor,
        type="takedown.removed",
        payload={"takedown": {**_view(notice), "hours_to_removal": round(hours, 2)}},
    )
    return notice


@dataclass(frozen=True)
class RemovalStats:
    platform: str
    removed: int
    median_hours: float
    p90_hours: float


def removal_stats(session: Session) -> list[RemovalStats]:
    """Median and 90th-percentile time to removal per platform (removed notices only)."""
    hours = extract("epoch", TakedownNotice.removed_at - TakedownNotice.first_sent_at) / 3600.0
    rows = session.execute(
        select(
            TakedownNotice.platform,
            func.count(),
            func.percentile_cont(0.5).within_group(hours),
            func.percentile_cont(0.9).within_group(hours),
        )
        .where(TakedownNotice.removed_at.is_not(None))
        .group_by(TakedownNotice.platform)
        .order_by(TakedownNotice.platform)
    ).all()
    return [
        RemovalStats(platform=p, removed=n, median_hours=float(m), p90_hours=float(q))
        for p, n, m, q in rows
    ]
