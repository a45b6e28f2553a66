"""What the report page shows, gathered in a fixed number of queries and redacted for the viewer.

Victim details are never read here: the page shows how many victims a report names, and the
case page asks the redaction layer for identity. Grooming signals are recomputed from the stored
conversation with the pure scorer, because only it gives each signal's exact character span.
The learned layer's counted hits (whole messages that read like an indicator, whatever their
wording) come from the same assessment as the risk and are shown apart from the lexicon's spans.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from perisai.enrichment import grooming
from perisai.enrichment.models import ReportIpIntel
from perisai.enrichment.results import (
    ReportFileMatch,
    ReportFileProvenance,
    ReportFileSignal,
    ReportGrooming,
)
from perisai.grooming import (
    Message,
    contact_timing,
)
from perisai.reports.models import Report, ReportFile, ReportIdentifier
from perisai.triage.models import ReportLink, TriageRecord
from perisai.workspace.highlight import Mark, Segment, segments
from perisai.workspace.provenance import provenance_view


@dataclass(frozen=True)
class LearnedNote:
    """The learned layer counted this message as evidence against the suspect."""

    probability: float
    # No lexicon signal in the message: a wording the word list does not know.
    unlisted: bool


@dataclass(frozen=True)
class MessageView:
    index: int
    author: str
    sent_at: str | None
    segments: list[Segment]
    learned: LearnedNote | None = None


@dataclass(frozen=True)
class TimingView:
    """When the suspect wrote (display-only context, never part of the risk): message numbers
    from 1, as the page shows them."""

    timed: int
    late_night: list[int]
    bursts: list[tuple[int, int]]


@dataclass(frozen=True)
class ConversationView:
    platform: str | None
    messages: list[MessageView]
    risk: float | None
    stage: str | None
    signal_count: int  # the suspect's signals: what the risk figure was computed from
    other_signals: int = 0  # signals in other people's messages (highlighted, not counted)
    flagged: bool | None = None  # the risk reached the engine's flag threshold
    suspect: str | None = None
    learned_count: int = 0  # the suspect's messages the learned layer counted (in the risk)
    # False for an assessment stored before its learned hits were (enrichment_0006).
    learned_recorded: bool = True
    timing: TimingView | None = None  # only when the suspect's sent_at shows something


@dataclass(frozen=True)
class LinkView:
    other_public_id: str
    kind: str
    key: str
    reason: str  # as stored, in English (the API's wording)


@dataclass(frozen=True)
class IntelView:
    ip: str
    event: str
    at: datetime
    answer: dict[str, Any]


@dataclass(frozen=True)
class LoadedReport:
    """The report's row ids (for access checks) and its view, to pass through redaction."""

    id: int
    public_id: str
    view: dict[str, Any]


@dataclass(frozen=True)
class _Assessed:
    risk: float | None
    stage: str | None
    flagged: bool | None
    suspect: str | None
    marks: list[tuple[int, Mark]]
    learned: dict[int, float] = field(default_factory=dict)  # message index -> probability
    learned_recorded: bool = True


def _counted(author: object, suspect: str | None) -> bool:
    return suspect is None or author is None or author == suspect


def _live_assessment(public_id: str, index: int, raw: dict[str, Any]) -> _Assessed:
    """Score now (enrichment's adapter): only for a conversation enrichment has not assessed yet."""
    assessment = grooming.assess(public_id, index, raw)
    if assessment is None:
        return _Assessed(None, None, None, None, [])  # shown without highlights, not hidden
    suspect = assessment.suspect
    marks = [
        (
            signal.message,
            Mark(
                signal.span[0],
                signal.span[1],
                signal.kind,
                signal.stage,
                _counted(signal.author, suspect),
            ),
        )
        for signal in assessment.signals
    ]
    learned = {hit.message: hit.probability for hit in assessment.learned}
    return _Assessed(assessment.risk, assessment.stage, assessment.flag, suspect, marks, learned)


def _stored_learned(stored: ReportGrooming) -> dict[int, float]:
    """The stored hits by message; malformed entries are skipped, as malformed signals are."""
    found: dict[int, float] = {}
    for hit in stored.learned or []:
        message, probability = hit.get("message"), hit.get("probability")
        if isinstance(message, int) and isinstance(probability, int | float):
            found[message] = float(probability)
    return found


def _stored(stored: ReportGrooming) -> _Assessed:
    marks = []
    for signal in stored.signals or []:
        span = signal.get("span")
        if isinstance(signal.get("message"), int) and isinstance(span, list) and len(span) == 2:
            kind, stage = str(signal.get("kind")), str(signal.get("stage") or "")
            counted = _counted(signal.get("author"), stored.suspect)
            mark = Mark(int(span[0]), int(span[1]), kind, stage, counted)
            marks.append((signal["message"], mark))
    return _Assessed(
        stored.risk,
        stored.stage,
        stored.flag,
        stored.suspect,
        marks,
        _stored_learned(stored),
        learned_recorded=stored.learned is not None,
    )


def _sent_at(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None  # an unreadable time is shown as given, and not used


def _timing(
    raw_messages: list[dict[str, Any]], authors: list[str], suspect: str | None
) -> TimingView | None:
    messages = [
        Message(author, "", _sent_at(raw.get("sent_at")))
        for author, raw in zip(authors, raw_messages, strict=True)
    ]
    found = contact_timing(messages, suspect)
    if not found.noteworthy:
        return None
    return TimingView(
        timed=found.timed,
        late_night=[i + 1 for i in found.late_night],
        bursts=[(a + 1, b + 1) for a, b in found.bursts],
    )


def _conversation_view(
    public_id: str, index: int, raw: dict[str, Any], stored: ReportGrooming | None
) -> ConversationView:
    messages = raw.get("messages") or []
    authors = [str(m.get("author") or f"?{i}") for i, m in enumerate(messages)]
    texts = [str(m.get("text") or "") for m in messages]
    # The enrichment job's assessment when there is one (no engine work per page view).
    assessed = _stored(stored) if stored is not None else _live_assessment(public_id, index, raw)
    found = assessed.marks
    marks: dict[int, list[Mark]] = {}
    for message, mark in found:
        marks.setdefault(message, []).append(mark)
    # The figure and the highlights come from one assessment; the signal count beside the risk
    # is the suspect's signals, the ones that risk was computed from.
    count = sum(1 for _, mark in found if mark.counted)
    learned = {i: p for i, p in assessed.learned.items() if 0 <= i < len(messages)}
    return ConversationView(
        platform=raw.get("platform"),
        messages=[
            MessageView(
                index=i,
                author=authors[i],
                sent_at=messages[i].get("sent_at"),
                segments=segments(texts[i], marks.get(i, [])),
                learned=LearnedNote(learned[i], not marks.get(i)) if i in learned else None,
            )
            for i in range(len(messages))
        ],
        risk=assessed.risk,
        stage=assessed.stage,
        signal_count=count,
        other_signals=len(found) - count,
        flagged=assessed.flagged,
        suspect=assessed.suspect,
        learned_count=len(learned),
        learned_recorded=assessed.learned_recorded,
        timing=_timing(messages, authors, assessed.suspect) if count else None,
    )


def _triage_fields(record: TriageRecord | None) -> dict[str, Any]:
    if record is None:
        return {"priority": None, "reasons": []}
    reasons = [dict(item) for item in record.reasons or []]
    if record.override_priority is not None:
        reasons.insert(
            0,
            {
                "priority": record.override_priority,
                "rule": "override",
                "text": f"P{record.override_priority} (override): {record.override_reason or ''}",
                "params": {"reason": record.override_reason or ""},
            },
        )
    return {
        "priority": record.priority,
        "sla_due_at": record.review_due_at,
        "sla_state": "reviewed" if record.reviewed_at is not None else "open",
        "reasons": reasons,
    }


def _match_view(row: ReportFileMatch) -> dict[str, Any]:
    """One stored match as the page words it (in the reader's language, by the template)."""
    return {
        "status": row.status,  # positive | negative | suppressed
        "signal": row.signal_type.upper(),
        "bank": row.bank_name,
        "label": row.entry_label,
        "bits": row.distance if row.signal_type == "pdq" else None,
        "frames_pct": round(row.query_match_pct)
        if row.signal_type == "vpdq" and row.query_match_pct is not None
        else None,
        "as_stored": row.variant == "raw",
    }


def _stored_matches(session: Session, report_id: int) -> dict[int, list[dict[str, Any]]]:
    rows = session.scalars(
        select(ReportFileMatch)
        .where(ReportFileMatch.report_id == report_id)
        .order_by(ReportFileMatch.status, ReportFileMatch.distance, ReportFileMatch.id)
    )
    found: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row.report_file_id, []).append(_match_view(row))
    return found


def _files(session: Session, report_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(ReportFile, ReportFileSignal.pdq, ReportFileSignal.pdq_raw, ReportFileProvenance)
        .outerjoin(ReportFileSignal, ReportFileSignal.report_file_id == ReportFile.id)
        .outerjoin(ReportFileProvenance, ReportFileProvenance.report_file_id == ReportFile.id)
        .where(ReportFile.report_id == report_id)
        .order_by(ReportFile.id)
    ).all()
    matches = _stored_matches(session, report_id)
    return [
        {
            "id": f.id,
            "name": f.name,
            "uploaded": f.blob_path is not None,
            "sha256": f.sha256 or f.declared_sha256,
            "pdq": pdq,
            "pdq_raw": raw,
            "content_type_sniffed": f.content_type_sniffed or f.content_type_declared,
            "annotations": list(f.annotations or []),
            "media_matches": matches.get(f.id, []),
            "provenance": provenance_view(
                prov, list(f.annotations or []), uploaded=f.blob_path is not None
            ),
        }
        for f, pdq, raw, prov in rows
    ]


def _links(session: Session, report_id: int) -> list[LinkView]:
    other = aliased(Report)
    rows = session.execute(
        select(other.public_id, ReportLink.kind, ReportLink.key, ReportLink.reason)
        .join(other, other.id == ReportLink.other_report_id)
        .where(ReportLink.report_id == report_id)
        .order_by(ReportLink.id)
    )
    return [
        LinkView(other_public_id=pid, kind=kind, key=key, reason=reason)
        for pid, kind, key, reason in rows
    ]


def _intel(session: Session, report_id: int) -> list[IntelView]:
    rows = session.scalars(
        select(ReportIpIntel)
        .where(ReportIpIntel.report_id == report_id)
        .order_by(ReportIpIntel.account_index, ReportIpIntel.event_index)
    )
    return [IntelView(row.ip, row.event, row.at, dict(row.answer or {})) for row in rows]


def _identifiers(session: Session, report_id: int) -> list[tuple[str, str]]:
    rows = session.scalars(
        select(ReportIdentifier)
        .where(ReportIdentifier.report_id == report_id)
        .order_by(ReportIdentifier.id)
    )
    return [(row.kind, row.original) for row in rows]


def _conversations(session: Session, report: Report) -> list[ConversationView]:
    stored = {row.conversation_index: row for row in grooming.stored_rows(session, report.id)}
    return [
        _conversation_view(report.public_id, index, raw, stored.get(index))
        for index, raw in enumerate(report.conversations or [])
    ]


def load_report(session: Session, public_id: str) -> LoadedReport | None:
    """The report page's data in nine queries, whatever the report's size."""
    report = session.scalars(select(Report).where(Report.public_id == public_id)).first()
    if report is None:
        return None
    view: dict[str, Any] = {
        "public_id": report.public_id,
        "status": report.status,
        "incident_type": report.incident_type,
        "received_at": report.received_at,
        "occurred_at": report.occurred_at,
        "escalation_reason": report.escalation_reason,
        "incident_annotations": list(report.incident_annotations or []),
        "urls": list(report.urls or []),
        "additional_info": report.additional_info,
        "victim_count": report.victim_count,
        **_triage_fields(session.get(TriageRecord, report.id)),
        "reported_accounts": _identifiers(session, report.id),
        "files": _files(session, report.id),
        "links": _links(session, report.id),
        "ip_intelligence": _intel(session, report.id),
        "conversations": _conversations(session, report),
    }
    return LoadedReport(id=report.id, public_id=report.public_id, view=view)
