"""Triage a report: link it, gather facts, apply the policy, store priority, reasons and SLA due
times, attach it to an open case it links to, and re-triage the reports it newly links to.

Public interface (kept stable for the workspace and other domains):
:func:`triage_report`, :func:`override_priority`, :func:`mark_reviewed`, :func:`queue`,
:func:`get_triage`. Services flush, never commit.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import and_, exists, func, or_, select, tuple_, union, union_all
from sqlalchemy.orm import Session, selectinload

from perisai.audit.service import Actor, record
from perisai.cases import mentions
from perisai.cases import service as cases
from perisai.cases.models import Case, CaseAssignment, CaseReferral, CaseReport
from perisai.crypto import Keyring
from perisai.enrichment import grooming
from perisai.identity.agencies import SECRETARIAT
from perisai.identity.models import Agency
from perisai.linkage.queries import keys_of_reports
from perisai.reports.models import Report, ReportIdentifier, ReportStatus
from perisai.sharing.events import emit
from perisai.sharing.models import Tlp
from perisai.sharing.redaction import Viewer
from perisai.timebounds import check_due
from perisai.triage import facts as gathering
from perisai.triage.linking import Match, find_matches, store_links
from perisai.triage.models import ReportLink, TriageRecord
from perisai.triage.policy import (
    LinkFact,
    Priority,
    Reason,
    due_times,
    evaluate,
    link_priority,
)
from perisai.triage.queue import queue_triage, triaged_after
from perisai.triage.sla import record_review, restart_clocks

MIN_OVERRIDE_REASON = 10
MAX_OVERRIDE_REASON = 2000


class ReportNotFound(LookupError):
    pass


class TriageError(ValueError):
    """Bad input to a triage action (message says what)."""


@dataclass(frozen=True)
class LinkView:
    other_report_id: int
    other_public_id: str
    kind: str
    reason: str


@dataclass(frozen=True)
class TriageResult:
    report_id: int
    public_id: str
    priority: Priority
    computed_priority: Priority
    reasons: list[Reason]
    review_due_at: datetime
    action_due_at: datetime | None
    links: list[LinkView] = field(default_factory=list)
    new_links: int = 0
    attached_case_public_id: str | None = None
    overridden: bool = False


def _now() -> datetime:
    return datetime.now(UTC)


def _load_report(session: Session, report_id: int | str) -> Report:
    if isinstance(report_id, int):
        report = session.get(Report, report_id)
    else:
        report = session.scalar(select(Report).where(Report.public_id == report_id))
    if report is None:
        raise ReportNotFound(f"report {str(report_id)[:40]}")
    return report


def _case_links(session: Session, matches: list[Match]) -> dict[int, Case]:
    """Open cases holding the linked reports, by linked report id."""
    if not matches:
        return {}
    rows = session.execute(
        select(CaseReport.report_id, Case)
        .join(Case, Case.id == CaseReport.case_id)
        .where(
            CaseReport.report_id.in_({m.other_id for m in matches}),
            Case.status != "closed",
        )
    ).all()
    return {row.report_id: row.Case for row in rows}


def _link_facts(matches: list[Match], open_cases: dict[int, Case]) -> list[LinkFact]:
    facts: list[LinkFact] = []
    for match in matches:
        case = open_cases.get(match.other_id)
        facts.append(
            LinkFact(
                other_public_id=match.other_public_id,
                kind=match.kind,
                display=match.display,
                case_public_id=case.public_id if case else None,
                case_priority=Priority(case.priority) if case else None,
            )
        )
    return facts


@dataclass
class Prefetched:
    """What triage reads of a batch of reports that triaging them does not change, read for the
    lot at once (a few statements instead of a dozen per report; `triage/jobs.py`): the reports
    with their victims and files, their keys, enrichment's grooming, the other facts. Each
    report is then triaged exactly as alone."""

    reports: dict[int, Report]
    keys: dict[int, list[str]]
    grooming: dict[int, list[dict[str, Any]]]
    facts: gathering.Known

    def covers(self, report_id: int) -> bool:
        return report_id in self.reports


@dataclass(frozen=True)
class InBatch:
    """A triage job's view, under the locks of its reports' linking keys (`triage/jobs.py`): a
    linked report that will be triaged after this one's writes are visible needs no re-triage
    for them, as its waiting job would be coalesced with in one job after another. Those are
    the reports this transaction triages later (`later`), and those whose triage job waits or
    is `doing` elsewhere (`queue.triaged_after`): a linked report shares a key with this one,
    so its batch waits for that key's lock and reads after this commit. The batch's earlier
    reports (`ids`, triaged already in this transaction) are treated as always."""

    ids: frozenset[int]
    later: frozenset[int]

    def still_to_queue(self, session: Session, others: list[int]) -> list[int]:
        rest = [other for other in others if other not in self.later]
        waiting = triaged_after(session, [other for other in rest if other not in self.ids])
        return [other for other in rest if other not in waiting]


def prefetch(session: Session, report_ids: Collection[int]) -> Prefetched:
    ids = sorted(set(report_ids))
    reports = {
        report.id: report
        for report in session.scalars(
            select(Report)
            .where(Report.id.in_(ids))
            .options(selectinload(Report.victims), selectinload(Report.files))
        )
    }
    keys: dict[int, list[str]] = {rid: [] for rid in reports}
    for row in keys_of_reports(session, list(reports)):
        keys[row.report_id].append(row.key)
    return Prefetched(
        reports=reports,
        keys=keys,
        grooming=grooming.stored_assessments_of(session, list(reports)),
        facts=gathering.known_facts(session, list(reports)),
    )


def _grooming(
    session: Session,
    report: Report,
    existing: TriageRecord | None,
    known: Prefetched | None = None,
) -> tuple[list[dict[str, Any]], bool]:
    """Assessments to use, and whether triage computed them (then they are kept on the record)."""
    stored = (
        known.grooming.get(report.id)
        if known is not None
        else grooming.stored_assessments(session, report.id)
    )
    if stored is not None:
        return stored, False
    if existing is not None and existing.grooming is not None:
        return existing.grooming, True  # conversations do not change after intake
    return grooming.assessments(report), True


def _outcome_may_change(
    session: Session, new_links: list[Match], holding: Case | None
) -> list[int]:
    """The newly linked reports whose priority or case a re-triage could change.

    A new link adds one fact to the other report: a link to this report (in this report's case,
    if open). Re-triage reads it again only where that can matter: the other report was never
    triaged (its first triage may be running and have missed this report's case); this report
    sits in an open case and the other in none (it would be attached for review); or the
    link's reason (`link_priority`) is more urgent than the other report's computed priority.
    Otherwise its priority, due times and case stay as they are and only its list of reasons
    would grow by a line: a report's stored reasons name the links known at its last triage,
    and its page lists every link. With many reports per key (a suspect reported again and
    again) this keeps each new report from re-triaging every earlier one.
    """
    others = sorted({match.other_id for match in new_links})
    if not others:
        return []
    computed: dict[int, int] = {
        row.report_id: row.computed_priority
        for row in session.execute(
            select(TriageRecord.report_id, TriageRecord.computed_priority).where(
                TriageRecord.report_id.in_(others)
            )
        )
    }
    open_case = holding is not None and holding.status != "closed"
    in_cases: set[int] = set()
    if open_case:
        in_cases = set(
            session.scalars(select(CaseReport.report_id).where(CaseReport.report_id.in_(others)))
        )
    case_priority = Priority(holding.priority) if holding is not None and open_case else None
    raised: dict[int, int] = {}  # the most urgent priority a new link gives each report
    for match in new_links:
        given = link_priority(match.kind, case_priority)
        if given is not None:
            raised[match.other_id] = min(given, raised.get(match.other_id, given))
    return [
        other
        for other in others
        if other not in computed
        or (open_case and other not in in_cases)
        or raised.get(other, computed[other]) < computed[other]
    ]


def _attach_to_open_case(
    session: Session,
    report: Report,
    matches: list[Match],
    open_cases: dict[int, Case],
    actor: Actor,
) -> str | None:
    if not open_cases or cases.case_of_report(session, report.id) is not None:
        return None
    # The most urgent case, then the oldest: a report sits in one case only.
    match = min(
        (m for m in matches if m.other_id in open_cases),
        key=lambda m: (open_cases[m.other_id].priority, open_cases[m.other_id].id),
    )
    case = open_cases[match.other_id]
    cases.attach_report(
        session,
        case_id=case.id,
        report_id=report.id,
        reason=match.reason(),
        actor=actor,
        needs_review=True,
    )
    return case.public_id


def _store(
    session: Session,
    report: Report,
    existing: TriageRecord | None,
    priority: Priority,
    reasons: list[Reason],
    grooming: list[dict[str, Any]] | None,
    now: datetime,
) -> TriageRecord:
    """Write the record (new due times restart the SLA clocks); return it."""
    record_ = existing or TriageRecord(report_id=report.id, received_at=report.received_at, runs=0)
    effective = Priority(record_.override_priority) if record_.override_priority else priority
    review_due, action_due = due_times(effective, report.received_at)
    moved = existing is None or (record_.review_due_at, record_.action_due_at) != (
        review_due,
        action_due,
    )
    record_.computed_priority = priority.value
    record_.priority = effective.value
    record_.reasons = [reason.to_dict() for reason in reasons]
    record_.grooming = grooming
    record_.review_due_at, record_.action_due_at = review_due, action_due
    if moved:
        restart_clocks(record_)
    record_.runs += 1
    record_.triaged_at = now
    if existing is None:
        session.add(record_)
    session.flush()
    return record_


def triage_report(
    session: Session,
    *,
    report_id: int | str,
    actor: Actor,
    keyring: Keyring | None = None,
    now: datetime | None = None,
    with_links: bool = True,
    known: Prefetched | None = None,
    batch: InBatch | None = None,
) -> TriageResult:
    """(Re-)triage one report (by id or public id) and return the outcome.

    ``keyring`` lets the rules read the victims' stated ages (sealed at intake); without it,
    age rules cannot fire. Reports newly linked to this one are queued for re-triage.
    ``with_links=False`` leaves the result's `links` empty (the job, which shows no one the
    result, saves reading them back). ``known``: :func:`prefetch` of a batch holding it.
    ``batch``: set by triage jobs, which hold their keys' locks (see :class:`InBatch`).
    """
    now = now or _now()
    report = _load_report(session, report_id)
    if known is not None and not known.covers(report.id):
        known = None
    if report.status == ReportStatus.RETRACTED.value:
        raise TriageError(f"report {report.public_id} was retracted")
    existing = session.get(TriageRecord, report.id, with_for_update=True)
    matches = find_matches(session, report, known.keys[report.id] if known else None)
    new_links = store_links(session, report, matches)
    open_cases = _case_links(session, matches)
    grooming, own_grooming = _grooming(session, report, existing, known)
    facts = gathering.gather(
        session,
        report,
        keyring=keyring,
        grooming=grooming,
        links=_link_facts(matches, open_cases),
        known=known.facts if known else None,
    )
    priority, reasons = evaluate(facts)
    before = existing.priority if existing else None
    record_ = _store(
        session, report, existing, priority, reasons, grooming if own_grooming else None, now
    )
    attached = _attach_to_open_case(session, report, matches, open_cases, actor)
    holding = cases.case_of_report(session, report.id)
    # At most one waiting re-triage per report, however many new reports link to it, and only
    # of the reports whose outcome the new link can change.
    others = _outcome_may_change(session, new_links, holding)
    if batch is not None:
        others = batch.still_to_queue(session, others)
    queue_triage(session, others, coalesce=True)
    if holding is not None:
        cases.refresh_priority(session, holding)
    _announce(session, report, record_, before, holding, actor, len(new_links))
    legacy = [v for v in report.victims if v.identified is None and v.key_sealed is None]
    if keyring is not None and any(v.sealed is not None for v in legacy):
        # Victims sealed before intake kept their ages beside them were opened (only the
        # stated ages left the function); newer ones are never opened by triage.
        record(
            session,
            actor=actor,
            action="victim.read",
            object_type="report",
            object_id=report.public_id,
            details={"purpose": "triage: stated ages", "victims": len(legacy)},
        )
    links = link_views(session, report.id) if with_links else []
    return _result(report, record_, reasons, links, len(new_links), attached)


def _announce(
    session: Session,
    report: Report,
    record_: TriageRecord,
    before: int | None,
    case: Case | None,
    actor: Actor,
    new_links: int,
) -> None:
    priority = Priority(record_.priority)
    emit(
        session,
        type="report.triaged",
        subject_type="report",
        subject_id=report.public_id,
        payload={
            "report_public_id": report.public_id,
            "priority": priority.label,
            "sla_due_at": record_.review_due_at.isoformat(),
            # Events reach a whole audience at once: other reports and cases go unnamed
            # (sharing/mentions.py); the report's own page names those its reader may open.
            "reasons": mentions.mask(
                [r["text"] for r in record_.reasons],
                {report.public_id, *([case.public_id] if case else [])},
            ),
            "case_public_id": case.public_id if case else None,
        },
        audience=sorted({SECRETARIAT, *(case.agencies if case else ())}),
        case_id=case.id if case else None,
        tlp=case.tlp if case else Tlp.AMBER,
    )
    record(
        session,
        actor=actor,
        action="report.triage",
        object_type="report",
        object_id=report.public_id,
        details={
            "priority": priority.label,
            "previous": Priority(before).label if before else None,
            "rules": [r["rule"] for r in record_.reasons],
            "new_links": new_links,
        },
    )


def _result(
    report: Report,
    record_: TriageRecord,
    reasons: list[Reason],
    links: list[LinkView],
    new_links: int,
    attached: str | None,
) -> TriageResult:
    return TriageResult(
        report_id=report.id,
        public_id=report.public_id,
        priority=Priority(record_.priority),
        computed_priority=Priority(record_.computed_priority),
        reasons=reasons,
        review_due_at=record_.review_due_at,
        action_due_at=record_.action_due_at,
        links=links,
        new_links=new_links,
        attached_case_public_id=attached,
        overridden=record_.override_priority is not None,
    )


def link_views(session: Session, report_id: int) -> list[LinkView]:
    rows = session.execute(
        select(ReportLink, Report.public_id)
        .join(Report, Report.id == ReportLink.other_report_id)
        .where(ReportLink.report_id == report_id)
        .order_by(ReportLink.id)
    ).all()
    return [
        LinkView(
            other_report_id=link.other_report_id,
            other_public_id=public_id,
            kind=link.kind,
            reason=link.reason,
        )
        for link, public_id in rows
    ]


def get_triage(session: Session, *, report_id: int | str) -> TriageRecord | None:
    report = _load_report(session, report_id)
    return session.get(TriageRecord, report.id)


def get_triage_or_none(session: Session, *, report_id: int | str) -> TriageRecord | None:
    """Like :func:`get_triage`, but None for an unknown report too."""
    try:
        return get_triage(session, report_id=report_id)
    except ReportNotFound:
        return None


def override_priority(
    session: Session,
    *,
    report_id: int | str,
    priority: Priority | str | int,
    reason: str,
    actor: Actor,
    now: datetime | None = None,
) -> TriageRecord:
    """An analyst sets the priority with a written reason (audited); counts as first review."""
    now = now or _now()
    try:
        chosen = priority if isinstance(priority, Priority) else Priority.parse(priority)
    except ValueError as exc:
        raise TriageError(str(exc)) from None
    reason = " ".join(reason.split())
    if not MIN_OVERRIDE_REASON <= len(reason) <= MAX_OVERRIDE_REASON:
        raise TriageError(
            f"the reason must be {MIN_OVERRIDE_REASON} to {MAX_OVERRIDE_REASON} characters"
        )
    report = _load_report(session, report_id)
    record_ = session.get(TriageRecord, report.id, with_for_update=True)
    if record_ is None:
        raise TriageError(f"report {report.public_id} has not been triaged yet")
    before = Priority(record_.priority)
    record_.override_priority = chosen.value
    record_.override_reason = reason
    record_.override_by = f"{actor.kind}:{actor.id or '-'}"
    record_.overridden_at = now
    record_.priority = chosen.value
    review_due, action_due = due_times(chosen, record_.received_at)
    moved = (record_.review_due_at, record_.action_due_at) != (review_due, action_due)
    record_.review_due_at, record_.action_due_at = review_due, action_due
    if moved:
        restart_clocks(record_)
    session.flush()
    record_review(session, [report.id], now)
    session.refresh(record_)
    holding = cases.case_of_report(session, report.id)
    if holding is not None:
        cases.refresh_priority(session, holding)
    emit(
        session,
        type="report.priority_overridden",
        subject_type="report",
        subject_id=report.public_id,
        payload={
            "report_public_id": report.public_id,
            "priority": chosen.label,
            "from_status": before.label,
            "reason": reason,
        },
        audience=sorted({SECRETARIAT, *(holding.agencies if holding else ())}),
        case_id=holding.id if holding else None,
    )
    record(
        session,
        actor=actor,
        action="report.priority_override",
        object_type="report",
        object_id=report.public_id,
        details={"from": before.label, "to": chosen.label, "reason": reason},
    )
    return record_


def mark_reviewed(
    session: Session, *, report_id: int | str, actor: Actor, now: datetime | None = None
) -> TriageRecord:
    """First human review: stops the review clock (idempotent; audited the first time)."""
    report = _load_report(session, report_id)
    record_ = session.get(TriageRecord, report.id, with_for_update=True)
    if record_ is None:
        raise TriageError(f"report {report.public_id} has not been triaged yet")
    if record_.reviewed_at is None:
        record_.reviewed_at = now or _now()
        holding = cases.case_of_report(session, report.id)
        emit(
            session,
            type="report.reviewed",
            subject_type="report",
            subject_id=report.public_id,
            payload={"report_public_id": report.public_id},
            audience=sorted({SECRETARIAT, *(holding.agencies if holding else ())}),
            case_id=holding.id if holding else None,
            tlp=holding.tlp if holding else Tlp.AMBER,
        )
        record(
            session,
            actor=actor,
            action="report.reviewed",
            object_type="report",
            object_id=report.public_id,
        )
    return record_


# --- the queue -------------------------------------------------------------------------------


class HasAgency(Protocol):
    """A viewer as far as the queue needs one (`sharing.redaction.Viewer`, a Principal)."""

    @property
    def agency(self) -> str | None: ...


@dataclass(frozen=True)
class QueueItem:
    report_id: int
    public_id: str
    priority: Priority
    incident_type: str
    received_at: datetime
    review_due_at: datetime
    action_due_at: datetime | None
    reviewed_at: datetime | None
    reasons: list[str]
    case_public_id: str | None
    overridden: bool
    # The stored reasons as they are (rule, priority, params) and an override's written reason,
    # for pages that word reasons in the reader's language.
    reason_details: tuple[dict[str, Any], ...] = ()
    override_reason: str | None = None


@dataclass(frozen=True)
class QueuePage:
    items: list[QueueItem]
    next_cursor: str | None
    prev_cursor: str | None = None  # the page before this one (None on the first page)
    total: int | None = None  # every report matching the filters (when asked for)
    offset: int = 0  # how many matching reports come before this page's first


COUNT_CAP = 1000  # counting stops here: "1–50 of more than 1,000" (a full count of a large
# queue costs more than the page itself)


def _count(session: Session, where: list[Any]) -> int:
    """Matching reports, counted up to COUNT_CAP + 1 (more means "more than COUNT_CAP")."""
    capped = (
        select(TriageRecord.report_id)
        .join(Report, Report.id == TriageRecord.report_id)
        .where(*where)
        .limit(COUNT_CAP + 1)
        .subquery()
    )
    return int(session.scalar(select(func.count()).select_from(capped)) or 0)


QUEUE_STATUSES = ("open", "unreviewed", "overdue", "reviewed", "all")
MAX_SEARCH = 200


@dataclass(frozen=True)
class QueueFilter:
    """What a person narrows the queue to; every field optional, all combined with AND.

    status: ``open`` (awaiting review, or action when the priority has a target; the default),
    ``unreviewed``, ``overdue`` (review due passed), ``reviewed`` (reviewed, action open or not),
    ``all`` (also actioned reports). agency: a case of that agency (assigned or referred), or
    ``none`` for reports in no case. search: case-insensitive, in the report and case ids, the
    reported identifiers (as typed and normalised), the escalation reason and the additional text.
    """

    priority: int | None = None
    status: str = "open"
    agency: str | None = None
    incident_type: str | None = None
    search: str | None = None

    def conditions(self, now: datetime) -> list[Any]:
        found: list[Any] = []
        if self.priority is not None:
            found.append(TriageRecord.priority == self.priority)
        status = self.status if self.status in QUEUE_STATUSES else "open"
        if status == "open":
            found.append(_open_condition())
        elif status == "unreviewed":
            found.append(TriageRecord.reviewed_at.is_(None))
        elif status == "overdue":
            found.append(TriageRecord.reviewed_at.is_(None))
            found.append(TriageRecord.review_due_at <= now)
        elif status == "reviewed":
            found.append(TriageRecord.reviewed_at.is_not(None))
        if self.incident_type:
            found.append(Report.incident_type == self.incident_type)
        if self.agency == "none":
            found.append(~exists().where(CaseReport.report_id == TriageRecord.report_id))
        elif self.agency:
            found.append(_visible_to(self.agency) if self.agency != SECRETARIAT else True)
        text = (self.search or "").strip()[:MAX_SEARCH]
        if text:
            found.append(_search_condition(text))
        return found


def _open_condition() -> Any:
    return or_(
        TriageRecord.reviewed_at.is_(None),
        and_(TriageRecord.actioned_at.is_(None), TriageRecord.action_due_at.is_not(None)),
    )


_SEPARATORS = r"[\s().-]"


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


_REPORT_ID = re.compile(r"^R-\d{4}-[0-9A-Z]{10}$")
_CASE_ID = re.compile(r"^C-\d{6}-[0-9A-Z]{6}$")


def _search_condition(text: str) -> Any:
    """A whole report or case id is looked up by its index; anything else is searched in the
    report's text and its identifiers, each as one semi-join (not a subquery per report)."""
    upper = text.strip().upper()
    if _REPORT_ID.match(upper):
        return Report.public_id == upper
    if _CASE_ID.match(upper):
        return TriageRecord.report_id.in_(
            select(CaseReport.report_id)
            .join(Case, Case.id == CaseReport.case_id)
            .where(Case.public_id == upper)
        )
    pattern = _like(text)
    compact = _like(re.sub(_SEPARATORS, "", text) or text)
    # One set of matching report ids, each part read on its own, rather than the same test as
    # an OR on every queue row: that walked the whole queue and probed each row's report (issue
    # 6: 1.4 s at 100,000 reports); the reports that match are the same.
    return TriageRecord.report_id.in_(
        union(
            select(Report.id).where(
                or_(
                    Report.public_id.ilike(pattern, escape="\\"),
                    Report.escalation_reason.ilike(pattern, escape="\\"),
                    Report.additional_info.ilike(pattern, escape="\\"),
                )
            ),
            select(CaseReport.report_id)
            .join(Case, Case.id == CaseReport.case_id)
            .where(Case.public_id.ilike(pattern, escape="\\")),
            select(ReportIdentifier.report_id).where(
                or_(
                    ReportIdentifier.original.ilike(pattern, escape="\\"),
                    ReportIdentifier.key.ilike(pattern, escape="\\"),
                    # A phone typed with spaces or dashes finds the number however it was stored.
                    func.regexp_replace(ReportIdentifier.key, _SEPARATORS, "", "g").ilike(
                        compact, escape="\\"
                    ),
                )
            ),
        )
    )


def encode_cursor(item: QueueItem) -> str:
    raw = f"{item.priority.value}|{item.review_due_at.isoformat()}|{item.report_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, datetime, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        priority, due, report_id = base64.urlsafe_b64decode(padded).decode().split("|")
        parsed = (int(priority), datetime.fromisoformat(due), int(report_id))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise TriageError("the cursor is not one this queue gave out") from None
    if parsed[1].tzinfo is None:
        raise TriageError("the cursor is not one this queue gave out")
    try:
        check_due(parsed[1])
    except (ValueError, OverflowError):
        raise TriageError("the cursor is not one this queue gave out") from None
    return parsed


def _visible_to(agency: str | None) -> Any:
    """Reports in no case: the secretariat's desk; reports in a case: that case's agencies (an
    assignment not ended, or a referral not declined).

    Written as "the report is in one of the agency's cases" so PostgreSQL starts from the
    agency's few cases and looks their reports up by key; the same test written as a correlated
    EXISTS per queue row made it read the whole open queue (issue 6: a PDRM analyst's page with
    its total took 265 ms at 100,000 reports).
    """
    if agency == SECRETARIAT:
        return True
    if not agency:
        return False
    cases = union_all(
        select(CaseAssignment.case_id)
        .join(Agency, Agency.id == CaseAssignment.agency_id)
        .where(CaseAssignment.ended_at.is_(None), Agency.short_name == agency),
        select(CaseReferral.case_id)
        .join(Agency, Agency.id == CaseReferral.agency_id)
        .where(CaseReferral.status != "declined", Agency.short_name == agency),
    )
    return TriageRecord.report_id.in_(
        select(CaseReport.report_id).where(CaseReport.case_id.in_(cases))
    )


def queue(
    session: Session,
    *,
    viewer: HasAgency,
    limit: int = 50,
    cursor: str | None = None,
    before: str | None = None,
    filters: QueueFilter | None = None,
    count: bool = False,
    now: datetime | None = None,
) -> QueuePage:
    """Reports the viewer's agency may see, by priority, then review due, then id.

    Without filters: the open queue (awaiting first review, or first action when the priority
    has an action target). ``cursor`` pages forward from a page's last row, ``before`` back from
    a page's first row; ``count`` adds the total and this page's offset (two counting queries).
    """
    limit = max(1, min(limit, 200))
    chosen = filters or QueueFilter()
    where = [
        Report.status != ReportStatus.RETRACTED.value,
        _visible_to(viewer.agency),
        *chosen.conditions(now or _now()),
    ]
    key = tuple_(TriageRecord.priority, TriageRecord.review_due_at, TriageRecord.report_id)
    query = (
        select(
            TriageRecord,
            Report.public_id,
            Report.incident_type,
            select(Case.public_id)
            .join(CaseReport, CaseReport.case_id == Case.id)
            .where(CaseReport.report_id == TriageRecord.report_id)
            .scalar_subquery()
            .label("case_public_id"),
        )
        .join(Report, Report.id == TriageRecord.report_id)
        .where(*where)
        .limit(limit + 1)
    )
    backwards = bool(before) and not cursor
    if backwards:
        assert before is not None
        query = query.where(key < tuple_(*decode_cursor(before))).order_by(
            TriageRecord.priority.desc(),
            TriageRecord.review_due_at.desc(),
            TriageRecord.report_id.desc(),
        )
    else:
        query = query.order_by(
            TriageRecord.priority, TriageRecord.review_due_at, TriageRecord.report_id
        )
        if cursor:
            query = query.where(key > tuple_(*decode_cursor(cursor)))
    fetched = session.execute(query).all()
    more = len(fetched) > limit
    rows = list(fetched[:limit])
    if backwards:
        rows.reverse()
    items = [
        QueueItem(
            report_id=row.TriageRecord.report_id,
            public_id=row.public_id,
            priority=Priority(row.TriageRecord.priority),
            incident_type=row.incident_type,
            received_at=row.TriageRecord.received_at,
            review_due_at=row.TriageRecord.review_due_at,
            action_due_at=row.TriageRecord.action_due_at,
            reviewed_at=row.TriageRecord.reviewed_at,
            reasons=[r["text"] for r in row.TriageRecord.reasons],
            case_public_id=row.case_public_id,
            overridden=row.TriageRecord.override_priority is not None,
            reason_details=tuple(dict(r) for r in row.TriageRecord.reasons),
            override_reason=row.TriageRecord.override_reason,
        )
        for row in rows
    ]
    items = _name_only_openable(session, viewer, items)
    if backwards:
        next_cursor = encode_cursor(items[-1]) if items else None
        prev_cursor = encode_cursor(items[0]) if more and items else None
    else:
        next_cursor = encode_cursor(items[-1]) if more else None
        prev_cursor = encode_cursor(items[0]) if cursor and items else None
    total: int | None = None
    offset = 0
    if count:
        total = _count(session, where)
        if items and (cursor or before):  # the first page starts at 0
            first = (int(items[0].priority), items[0].review_due_at, items[0].report_id)
            offset = _count(session, [*where, key < tuple_(*first)])
    return QueuePage(
        items=items,
        next_cursor=next_cursor,
        prev_cursor=prev_cursor,
        total=total,
        offset=offset,
    )


def _name_only_openable(
    session: Session, viewer: HasAgency, items: list[QueueItem]
) -> list[QueueItem]:
    """Reasons name other reports and cases ("same phone … as report R-…") only if the viewer
    may open them (issue #11 item 12); a viewer we cannot ask about sees none named."""
    refs = mentions.refs_in([[item.reasons, item.reason_details] for item in items])
    allowed = mentions.openable(session, viewer, refs) if isinstance(viewer, Viewer) else set()
    return [
        replace(
            item,
            reasons=mentions.mask(item.reasons, allowed | _own(item)),
            reason_details=tuple(mentions.mask(list(item.reason_details), allowed | _own(item))),
        )
        for item in items
    ]


def _own(item: QueueItem) -> set[str]:
    return {item.public_id, *([item.case_public_id] if item.case_public_id else [])}
