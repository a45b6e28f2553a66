"""The one adapter between a report's conversations and the grooming engine.

A stored conversation becomes the engine's `Conversation` here and nowhere else; enrichment
scores and stores the assessments (`report_grooming`), triage and the report page read them
back, and score a conversation themselves only while enrichment has stored nothing for it.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from perisai.enrichment.results import ReportGrooming
from perisai.grooming import (
    Assessment,
    Conversation,
    GroomingInputError,
    assessment_to_dict,
    conversation_from_dict,
    default_scorer,
)
from perisai.reports.models import Report

log = logging.getLogger(__name__)
UNKNOWN_AUTHOR = "unknown"


def conversation_of(public_id: str, index: int, raw: Mapping[str, Any]) -> Conversation:
    """Conversation `index` of report `public_id` as the engine takes it (its messages, with an
    author "unknown" where none was given); GroomingInputError when it is malformed."""
    messages = [
        {**message, "author": message.get("author") or UNKNOWN_AUTHOR}
        if isinstance(message, Mapping)
        else message
        for message in raw.get("messages") or []
    ]
    return conversation_from_dict({"id": f"{public_id}#{index}", "messages": messages})


def assess(public_id: str, index: int, raw: Mapping[str, Any]) -> Assessment | None:
    """The engine's assessment of one conversation; None (logged) when it cannot be scored."""
    try:
        return default_scorer().score(conversation_of(public_id, index, raw))
    except GroomingInputError as exc:
        log.warning("conversation not scored", extra={"fields": {"reason": str(exc)}})
        return None


def score_conversations(session: Session, report: Report) -> list[ReportGrooming]:
    """Score every conversation of the report; store one row per conversation (replacing the
    report's earlier rows)."""
    session.execute(delete(ReportGrooming).where(ReportGrooming.report_id == report.id))
    scorer = default_scorer()
    rows = []
    for index, conversation in enumerate(report.conversations or []):
        assessment = assess(report.public_id, index, conversation)
        if assessment is None:
            continue
        rows.append(
            ReportGrooming(
                report_id=report.id,
                conversation_index=index,
                risk=assessment.risk,
                flag=assessment.flag,
                stage=assessment.stage,
                suspect=assessment.suspect,
                first_flag_message=assessment.first_flag_message,
                signals=[
                    {
                        "message": s.message,
                        "kind": s.kind,
                        "stage": s.stage,
                        "evidence": s.evidence,
                        "span": list(s.span),
                        "lang": s.lang,
                        "author": s.author,
                    }
                    for s in assessment.signals
                ],
                learned=[
                    {
                        "message": h.message,
                        "evidence": h.evidence,
                        "span": list(h.span),
                        "probability": h.probability,
                        "author": h.author,
                    }
                    for h in assessment.learned
                ],
                model_version=scorer.model.version,
                scored_at=datetime.now(UTC),
            )
        )
    session.add_all(rows)
    return rows


def assessments(report: Report) -> list[dict[str, Any]]:
    """Every conversation scored now, in the engine's JSON shape plus its index."""
    scored: list[dict[str, Any]] = []
    for index, raw in enumerate(report.conversations or []):
        assessment = assess(report.public_id, index, raw)
        if assessment is not None:
            scored.append({"conversation": index, **assessment_to_dict(assessment)})
    return scored


def stored_rows(session: Session, report_id: int) -> list[ReportGrooming]:
    return list(
        session.scalars(
            select(ReportGrooming)
            .where(ReportGrooming.report_id == report_id)
            .order_by(ReportGrooming.conversation_index)
        )
    )


def _as_assessment(row: ReportGrooming) -> dict[str, Any]:
    return {
        "conversation": row.conversation_index,
        "risk": row.risk,
        "flag": row.flag,
        "stage": row.stage,
        "signals": list(row.signals or []),
    }


def stored_assessments(session: Session, report_id: int) -> list[dict[str, Any]] | None:
    """What enrichment stored, in the engine's JSON shape; None when it stored nothing."""
    rows = stored_rows(session, report_id)
    if not rows:
        return None
    return [_as_assessment(row) for row in rows]


def stored_assessments_of(
    session: Session, report_ids: Collection[int]
) -> dict[int, list[dict[str, Any]]]:
    """As :func:`stored_assessments` for several reports, with one statement (reports with
    nothing stored: absent)."""
    found: dict[int, list[dict[str, Any]]] = {}
    if not report_ids:
        return found
    for row in session.scalars(
        select(ReportGrooming)
        .where(ReportGrooming.report_id.in_(report_ids))
        .order_by(ReportGrooming.report_id, ReportGrooming.conversation_index)
    ):
        found.setdefault(row.report_id, []).append(_as_assessment(row))
    return found
