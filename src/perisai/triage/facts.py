"""Gathering the facts triage rules read: the report, its victims' ages, grooming, media, links.

Grooming: enrichment's stored assessments (`report_grooming`) when it has run; otherwise triage
scores the report's conversations itself with the packaged model and keeps the result on the
triage record, so triage works whether or not enrichment exists or has finished.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from perisai.crypto import Keyring
from perisai.reports.models import Report, ReportIdentifier
from perisai.reports.victimseal import is_identified, open_victim, stated_age
from perisai.triage.policy import (
    AiFile,
    Facts,
    GroomingFacts,
    GroomingSignal,
    LinkFact,
    ViralFact,
)

log = logging.getLogger(__name__)


# Tables of other domains seen to exist in this process: once made by a migration they stay,
# so a triage asks the server only until it has seen each (one round trip less per table).
_TABLES_SEEN: set[str] = set()


def _table_exists(session: Session, name: str) -> bool:
    if name not in _TABLES_SEEN:
        if session.scalar(text("SELECT to_regclass(:name)"), {"name": name}) is None:
            return False
        _TABLES_SEEN.add(name)
    return True


def ai_files(session: Session, report: Report) -> tuple[AiFile, ...]:
    """Files said to be AI-generated, each by its strongest evidence: a verified C2PA manifest
    (enrichment's `report_file_provenance`, read by table name like `report_grooming`), then
    unverified metadata, then the platform's `generative_ai` annotation."""
    stored: dict[int, tuple[str, str | None]] = {}
    if _table_exists(session, "report_file_provenance"):
        rows = session.execute(
            text(
                "SELECT p.report_file_id, p.ai, p.ai_signer FROM report_file_provenance p "
                "JOIN report_file f ON f.id = p.report_file_id "
                "WHERE f.report_id = :id AND p.ai IN ('yes', 'claimed')"
            ),
            {"id": report.id},
        ).all()
        stored = {row.report_file_id: (row.ai, row.ai_signer) for row in rows}
    found: list[AiFile] = []
    for item in report.files:
        ai, signer = stored.get(item.id, (None, None))
        if ai == "yes":
            found.append(AiFile(item.name, "signed", signer))
        elif ai == "claimed":
            found.append(AiFile(item.name, "claimed"))
        elif "generative_ai" in (item.annotations or []):
            found.append(AiFile(item.name, "annotated"))
    return tuple(found)


def grooming_facts(assessments: list[dict[str, Any]]) -> tuple[GroomingFacts, ...]:
    facts: list[GroomingFacts] = []
    for item in assessments:
        conversation = int(item.get("conversation", 0))
        signals = tuple(
            GroomingSignal(conversation, int(s["message"]), str(s["kind"]), str(s["stage"]))
            for s in item.get("signals") or []
            if isinstance(s, dict) and {"message", "kind", "stage"} <= s.keys()
        )
        facts.append(
            GroomingFacts(
                conversation=conversation,
                flagged=bool(item.get("flag")),
                stage=item.get("stage"),
                risk=float(item.get("risk") or 0.0),
                signals=signals,
            )
        )
    return tuple(facts)


def victim_ages(report: Report, keyring: Keyring | None) -> tuple[tuple[int, ...], bool]:
    """Stated ages (or the top of a stated range) and whether any victim has identifying detail.

    Read from the columns intake keeps beside the sealed details (reports/victimseal.py), so
    triage never opens them; only rows sealed before those columns existed are opened (when a
    keyring is given), and only their age and whether details exist leave this function.
    """
    ages: list[int] = []
    detailed = False
    for victim in report.victims:
        if victim.identified is None and victim.key_sealed is None:
            details = open_victim(keyring, report.public_id, victim) if keyring else None
            if details is not None:
                age = stated_age(details)
                ages.extend([age] if age is not None else [])
                detailed = detailed or is_identified(details)
            continue
        if victim.age is not None:
            ages.append(victim.age)
        detailed = detailed or bool(victim.identified)
    return tuple(ages), detailed


def file_matches(session: Session, report: Report) -> tuple[int, int, tuple[str, ...]]:
    """Files known to a positive bank, files known only as benign, and the positive banks.

    Read from enrichment's stored matches (`report_file_match`, by table name like
    `report_grooming`): the one record of what is known, where a disabled bank no longer
    answers and a negative (known-benign) bank has already voided the positive matches."""
    rows = session.execute(
        text(
            "SELECT report_file_id, status, bank_name FROM report_file_match "
            "WHERE report_id = :id AND status IN ('positive', 'negative')"
        ),
        {"id": report.id},
    ).all()
    known = {row.report_file_id for row in rows if row.status == "positive"}
    benign = {row.report_file_id for row in rows if row.status == "negative"} - known
    banks = tuple(sorted({row.bank_name for row in rows if row.status == "positive"}))
    return len(known), len(benign), banks


def viral_spread(session: Session, report: Report) -> ViralFact | None:
    """The viral alert of a cluster holding the report's media (the viral domain's
    `viral_media` and `viral_alert`, read by table name like `report_grooming`)."""
    if not _table_exists(session, "viral_alert"):
        return None
    row = session.execute(
        text(
            "SELECT c.public_id, a.platforms, a.accounts, a.thresholds FROM viral_media m "
            "JOIN viral_cluster c ON c.id = m.cluster_id "
            "JOIN viral_alert a ON a.cluster_id = c.id "
            "WHERE m.report_id = :id ORDER BY a.raised_at, a.id LIMIT 1"
        ),
        {"id": report.id},
    ).first()
    if row is None:
        return None
    return ViralFact(
        cluster=row.public_id,
        platforms=len(row.platforms or []),
        accounts=len(row.accounts or []),
        window_hours=float((row.thresholds or {}).get("window_hours") or 0),
    )


def _texts(report: Report) -> tuple[str, ...]:
    texts = [report.additional_info or "", report.escalation_reason or ""]
    for conversation in report.conversations or []:
        for message in conversation.get("messages") or [] if isinstance(conversation, dict) else []:
            if isinstance(message, dict) and isinstance(message.get("text"), str):
                texts.append(message["text"])
    return tuple(t for t in texts if t)


def duplicate_of(session: Session, report: Report) -> str | None:
    """An earlier live report with the same canonical body."""
    return session.scalar(
        select(Report.public_id)
        .where(
            Report.body_sha256 == report.body_sha256,
            Report.id < report.id,
            Report.status != "retracted",
        )
        .order_by(Report.id)
        .limit(1)
    )


def gather(
    session: Session,
    report: Report,
    *,
    keyring: Keyring | None,
    grooming: list[dict[str, Any]],
    links: list[LinkFact],
) -> Facts:
    ages, detailed = victim_ages(report, keyring)
    known, benign, banks = file_matches(session, report)
    file_annotations = frozenset(a for f in report.files for a in (f.annotations or []))
    identifier_count = session.scalar(
        select(func.count()).where(ReportIdentifier.report_id == report.id)
    )
    return Facts(
        public_id=report.public_id,
        incident_type=report.incident_type,
        escalation_reason=report.escalation_reason,
        annotations=frozenset(report.incident_annotations or []),
        victim_ages=ages,
        has_victim_details=detailed,
        texts=_texts(report),
        grooming=grooming_facts(grooming),
        files=len(report.files),
        files_known=known,
        files_benign=benign,
        known_banks=banks,
        file_annotations=file_annotations,
        prepubescent_files=sum(
            1 for f in report.files if (f.industry_classification or "").startswith("A")
        ),
        identifiers=identifier_count or 0,
        urls=len(report.urls or []),
        jurisdiction=report.jurisdiction,
        duplicate_of=duplicate_of(session, report),
        links=tuple(links),
        ai_files=ai_files(session, report),
        viral=viral_spread(session, report),
    )
