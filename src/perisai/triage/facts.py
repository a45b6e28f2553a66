"""Gathering the facts triage rules read: the report, its victims' ages, grooming, media, links.

Grooming: enrichment's stored assessments (`report_grooming`) when it has run; otherwise triage
scores the report's conversations itself with the packaged model and keeps the result on the
triage record, so triage works whether or not enrichment exists or has finished.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
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


_AI_OF = text(
    "SELECT f.report_id, p.report_file_id, p.ai, p.ai_signer FROM report_file_provenance p "
    "JOIN report_file f ON f.id = p.report_file_id "
    "WHERE f.report_id = ANY(CAST(:ids AS bigint[])) AND p.ai IN ('yes', 'claimed')"
)


def stored_ai_of(
    session: Session, report_ids: Collection[int]
) -> dict[int, dict[int, tuple[str, str | None]]]:
    """Enrichment's AI verdicts (`report_file_provenance`, read by table name like
    `report_grooming`) of the reports' files: by report, by file, (ai, signer)."""
    found: dict[int, dict[int, tuple[str, str | None]]] = {rid: {} for rid in report_ids}
    if report_ids and _table_exists(session, "report_file_provenance"):
        for row in session.execute(_AI_OF, {"ids": list(report_ids)}):
            found[row.report_id][row.report_file_id] = (row.ai, row.ai_signer)
    return found


def ai_files(
    session: Session, report: Report, stored: dict[int, tuple[str, str | None]] | None = None
) -> tuple[AiFile, ...]:
    """Files said to be AI-generated, each by its strongest evidence: a verified C2PA manifest
    (enrichment's `report_file_provenance`), then unverified metadata, then the platform's
    `generative_ai` annotation. `stored`: :func:`stored_ai_of` of the report, if read already."""
    if stored is None:
        stored = stored_ai_of(session, [report.id])[report.id]
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


FileMatches = tuple[int, int, tuple[str, ...]]

_MATCHES_OF = text(
    "SELECT report_id, report_file_id, status, bank_name FROM report_file_match "
    "WHERE report_id = ANY(CAST(:ids AS bigint[])) AND status IN ('positive', 'negative')"
)


def file_matches_of(session: Session, report_ids: Collection[int]) -> dict[int, FileMatches]:
    """As :func:`file_matches` for several reports, with one statement."""
    rows: dict[int, list[Any]] = {rid: [] for rid in report_ids}
    if report_ids:
        for row in session.execute(_MATCHES_OF, {"ids": list(report_ids)}):
            rows[row.report_id].append(row)
    found: dict[int, FileMatches] = {}
    for rid, mine in rows.items():
        known = {row.report_file_id for row in mine if row.status == "positive"}
        benign = {row.report_file_id for row in mine if row.status == "negative"} - known
        banks = tuple(sorted({row.bank_name for row in mine if row.status == "positive"}))
        found[rid] = (len(known), len(benign), banks)
    return found


def file_matches(session: Session, report: Report) -> FileMatches:
    """Files known to a positive bank, files known only as benign, and the positive banks.

    Read from enrichment's stored matches (`report_file_match`, by table name like
    `report_grooming`): the one record of what is known, where a disabled bank no longer
    answers and a negative (known-benign) bank has already voided the positive matches."""
    return file_matches_of(session, [report.id])[report.id]


_VIRAL_OF = text(
    "SELECT DISTINCT ON (m.report_id) m.report_id, c.public_id, a.platforms, a.accounts, "
    "a.thresholds FROM viral_media m "
    "JOIN viral_cluster c ON c.id = m.cluster_id "
    "JOIN viral_alert a ON a.cluster_id = c.id "
    "WHERE m.report_id = ANY(CAST(:ids AS bigint[])) ORDER BY m.report_id, a.raised_at, a.id"
)


def viral_spread_of(session: Session, report_ids: Collection[int]) -> dict[int, ViralFact]:
    """As :func:`viral_spread` for several reports (those with an alert), one statement."""
    if not report_ids or not _table_exists(session, "viral_alert"):
        return {}
    return {
        row.report_id: ViralFact(
            cluster=row.public_id,
            platforms=len(row.platforms or []),
            accounts=len(row.accounts or []),
            window_hours=float((row.thresholds or {}).get("window_hours") or 0),
        )
        for row in session.execute(_VIRAL_OF, {"ids": list(report_ids)})
    }


def viral_spread(session: Session, report: Report) -> ViralFact | None:
    """The viral alert of a cluster holding the report's media (the viral domain's
    `viral_media` and `viral_alert`, read by table name like `report_grooming`): the first
    raised."""
    return viral_spread_of(session, [report.id]).get(report.id)


def _texts(report: Report) -> tuple[str, ...]:
    texts = [report.additional_info or "", report.escalation_reason or ""]
    for conversation in report.conversations or []:
        for message in conversation.get("messages") or [] if isinstance(conversation, dict) else []:
            if isinstance(message, dict) and isinstance(message.get("text"), str):
                texts.append(message["text"])
    return tuple(t for t in texts if t)


_DUPLICATES_OF = text(
    "SELECT r.id, (SELECT d.public_id FROM report d WHERE d.body_sha256 = r.body_sha256 "
    "AND d.id < r.id AND d.status != 'retracted' ORDER BY d.id LIMIT 1) AS duplicate "
    "FROM report r WHERE r.id = ANY(CAST(:ids AS bigint[]))"
)


def duplicates_of(session: Session, report_ids: Collection[int]) -> dict[int, str | None]:
    """As :func:`duplicate_of` for several reports, with one statement."""
    if not report_ids:
        return {}
    return {
        row.id: row.duplicate for row in session.execute(_DUPLICATES_OF, {"ids": list(report_ids)})
    }


def duplicate_of(session: Session, report: Report) -> str | None:
    """An earlier live report with the same canonical body."""
    return duplicates_of(session, [report.id]).get(report.id)


def identifier_counts(session: Session, report_ids: Collection[int]) -> dict[int, int]:
    """How many identifiers each report carries (reports without any: absent)."""
    if not report_ids:
        return {}
    rows = session.execute(
        select(ReportIdentifier.report_id, func.count())
        .where(ReportIdentifier.report_id.in_(report_ids))
        .group_by(ReportIdentifier.report_id)
    )
    return {int(rid): int(count) for rid, count in rows}


@dataclass(frozen=True)
class Known:
    """What triage reads of a batch of reports that triaging them does not change (enrichment's
    results, viral alerts, identifiers, earlier bodies), read for the lot with one statement
    each instead of one per report (`triage/jobs.py`). Each report's facts are as
    :func:`gather` reads them alone."""

    ai: dict[int, dict[int, tuple[str, str | None]]]
    matches: dict[int, FileMatches]
    viral: dict[int, ViralFact]
    duplicates: dict[int, str | None]
    identifiers: dict[int, int]

    def covers(self, report_id: int) -> bool:
        return report_id in self.matches


def known_facts(session: Session, report_ids: Collection[int]) -> Known:
    ids = sorted(set(report_ids))
    return Known(
        ai=stored_ai_of(session, ids),
        matches=file_matches_of(session, ids),
        viral=viral_spread_of(session, ids),
        duplicates=duplicates_of(session, ids),
        identifiers=identifier_counts(session, ids),
    )


def gather(
    session: Session,
    report: Report,
    *,
    keyring: Keyring | None,
    grooming: list[dict[str, Any]],
    links: list[LinkFact],
    known: Known | None = None,
) -> Facts:
    """The report's facts; `known`: read for its batch already (else read now)."""
    if known is None or not known.covers(report.id):
        known = known_facts(session, [report.id])
    ages, detailed = victim_ages(report, keyring)
    known_files, benign, banks = known.matches[report.id]
    file_annotations = frozenset(a for f in report.files for a in (f.annotations or []))
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
        files_known=known_files,
        files_benign=benign,
        known_banks=banks,
        file_annotations=file_annotations,
        prepubescent_files=sum(
            1 for f in report.files if (f.industry_classification or "").startswith("A")
        ),
        identifiers=known.identifiers.get(report.id, 0),
        urls=len(report.urls or []),
        jurisdiction=report.jurisdiction,
        duplicate_of=known.duplicates.get(report.id),
        links=tuple(links),
        ai_files=ai_files(session, report, known.ai.get(report.id, {})),
        viral=known.viral.get(report.id),
    )
