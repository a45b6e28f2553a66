"""The measures the Barnahus/PROMISE standards ask for, per agency and per month (issue 18, item 5).

- **Days to first support contact**: from the first report about the child to the first contact
  any service recorded with them (median; the agency is the one that made that contact).
- **Interviews per child**: forensic interviews held, per child with a plan (1.0 is the goal);
  repeat interviews (approved second or later ones) are counted apart.
- **Agencies per child**: how many agencies the child had to talk to: those that interviewed
  them and those whose service made contact (an outside provider counts as one by its kind).
- **Followed up within 30 days**: of the services referred at least 30 days ago (or followed up
  already), the share with a contact or follow-up within 30 days of the referral.

A child belongs to the month (Malaysia time) of their first report (of the plan's start when no
report is linked); a service to the month it was referred. Four queries, whatever the volume;
the sums are done here, over plain rows, so that every figure is easy to check by hand.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.identity.models import Agency
from perisai.support import victimlink
from perisai.support.models import (
    ForensicInterview,
    InterviewStatus,
    SupportFollowUp,
    SupportPlan,
    SupportService,
)
from perisai.web.timefmt import to_malaysia

FOLLOW_UP_WINDOW: Final = timedelta(days=30)
ALL: Final = "all"
#: The windows the API and the CLI offer (days back from now; None: everything).
WINDOWS: Final[dict[str, int | None]] = {"30": 30, "90": 90, "365": 365, "all": None}


def window_start(window: str, now: datetime) -> datetime | None:
    days = WINDOWS[window]
    return now - timedelta(days=days) if days is not None else None


@dataclass
class _Child:
    plan_id: int
    start: datetime  # the first report, else the plan's start
    first_contact: tuple[datetime, str] | None = None  # (when, by which agency)
    interviews: int = 0
    repeats: int = 0
    agencies: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Row:
    """One line of the measures table: all, one agency, or one month."""

    label: str
    children: int
    days_to_contact_median: float | None
    contacted: int
    interviews_per_child: float | None
    repeat_interviews: int
    agencies_per_child: float | None
    followed_within_30: int
    follow_up_due: int

    @property
    def follow_up_share(self) -> float | None:
        return self.followed_within_30 / self.follow_up_due if self.follow_up_due else None


@dataclass(frozen=True)
class Measures:
    overall: Row
    by_agency: list[Row]
    by_month: list[Row]


def _month(moment: datetime) -> str:
    return to_malaysia(moment).strftime("%Y-%m")


def _agency_of(service_kind: str, provider_agency: str | None) -> str:
    """An outside provider (a hospital's OSCC, legal aid) counts as one agency by its kind."""
    return provider_agency or service_kind.upper()


def _children(session: Session, since: datetime | None) -> dict[int, _Child]:
    plans = session.execute(
        select(SupportPlan.id, SupportPlan.victim_id, SupportPlan.created_at)
    ).all()
    first = victimlink.first_reports(session, [victim_id for _, victim_id, _ in plans])
    children = {
        plan_id: _Child(plan_id=plan_id, start=first.get(victim_id) or created)
        for plan_id, victim_id, created in plans
    }
    if since is not None:
        children = {k: c for k, c in children.items() if c.start >= since}
    return children


def _add_interviews(session: Session, children: dict[int, _Child]) -> None:
    rows = session.execute(
        select(ForensicInterview.plan_id, ForensicInterview.repeat, Agency.short_name)
        .join(Agency, Agency.id == ForensicInterview.agency_id)
        .where(ForensicInterview.status == InterviewStatus.HELD.value)
    )
    for plan_id, repeat, agency in rows:
        child = children.get(plan_id)
        if child is not None:
            child.interviews += 1
            child.repeats += int(repeat)
            child.agencies.add(agency)


@dataclass(frozen=True)
class _Referral:
    agency: str
    referred_at: datetime
    followed_within: bool
    decided: bool  # 30 days have passed, or it was followed up already


def _add_services(
    session: Session, children: dict[int, _Child], now: datetime, since: datetime | None
) -> list[_Referral]:
    provider = Agency.short_name.label("provider")
    rows = session.execute(
        select(
            SupportService.id,
            SupportService.plan_id,
            SupportService.kind,
            provider,
            SupportService.referred_at,
        ).outerjoin(Agency, Agency.id == SupportService.provider_agency_id)
    ).all()
    contacts: dict[int, list[datetime]] = defaultdict(list)
    for service_id, at in session.execute(select(SupportFollowUp.service_id, SupportFollowUp.at)):
        contacts[service_id].append(at)
    referrals = []
    for service_id, plan_id, kind, agency_name, referred_at in rows:
        agency = _agency_of(kind, agency_name)
        times = sorted(contacts.get(service_id, []))
        child = children.get(plan_id)
        if child is not None and times:
            child.agencies.add(agency)
            if child.first_contact is None or times[0] < child.first_contact[0]:
                child.first_contact = (times[0], agency)
        if referred_at is None or (since is not None and referred_at < since):
            continue
        within = any(referred_at <= t <= referred_at + FOLLOW_UP_WINDOW for t in times)
        decided = within or now >= referred_at + FOLLOW_UP_WINDOW
        referrals.append(_Referral(agency, referred_at, within, decided))
    return referrals


def _row(label: str, children: Iterable[_Child], referrals: Iterable[_Referral]) -> Row:
    kids = list(children)
    days = [
        max((c.first_contact[0] - c.start).total_seconds(), 0.0) / 86400
        for c in kids
        if c.first_contact is not None
    ]
    due = [r for r in referrals if r.decided]
    return Row(
        label=label,
        children=len(kids),
        days_to_contact_median=statistics.median(days) if days else None,
        contacted=len(days),
        interviews_per_child=sum(c.interviews for c in kids) / len(kids) if kids else None,
        repeat_interviews=sum(c.repeats for c in kids),
        agencies_per_child=sum(len(c.agencies) for c in kids) / len(kids) if kids else None,
        followed_within_30=sum(1 for r in due if r.followed_within),
        follow_up_due=len(due),
    )


def measures(session: Session, *, now: datetime, since: datetime | None = None) -> Measures:
    children = _children(session, since)
    _add_interviews(session, children)
    referrals = _add_services(session, children, now, since)
    kids = list(children.values())
    by_agency = []
    agencies = sorted({a for c in kids for a in c.agencies} | {r.agency for r in referrals})
    for agency in agencies:
        # A child counts for an agency the agency worked with; the days to contact count for the
        # agency that made the first contact, the interviews for the agency that held them.
        served = [c for c in kids if agency in c.agencies]
        row = _row(agency, served, [r for r in referrals if r.agency == agency])
        first_by_it = [c for c in served if c.first_contact and c.first_contact[1] == agency]
        timing = _row(agency, first_by_it, [])
        by_agency.append(
            Row(
                label=agency,
                children=row.children,
                days_to_contact_median=timing.days_to_contact_median,
                contacted=timing.contacted,
                interviews_per_child=row.interviews_per_child,
                repeat_interviews=row.repeat_interviews,
                agencies_per_child=row.agencies_per_child,
                followed_within_30=row.followed_within_30,
                follow_up_due=row.follow_up_due,
            )
        )
    months = sorted({_month(c.start) for c in kids} | {_month(r.referred_at) for r in referrals})
    by_month = [
        _row(
            month,
            [c for c in kids if _month(c.start) == month],
            [r for r in referrals if _month(r.referred_at) == month],
        )
        for month in months
    ]
    return Measures(overall=_row(ALL, kids, referrals), by_agency=by_agency, by_month=by_month)
