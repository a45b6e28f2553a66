"""Known material: every file of a report matched against the banks, the matches stored once.

Enrichment asks the same matcher as the match API (`perisai.banks.matching`), with the same
queries (`file_queries`): exact hashes (computed, or declared when the file was not uploaded),
PDQ of the image as seen and as stored at each bank's threshold, vPDQ by frame share. Every
answer is kept in `report_file_match`, negative and suppressed ones included, and triage, the
report page and exports read those rows instead of deciding again.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import UTC, datetime
from typing import Final

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, undefer

from perisai.banks.matching import file_queries, indexes_of, match
from perisai.banks.schemas import MatchItem, MatchOut
from perisai.enrichment.results import ReportFileMatch, ReportFileSignal
from perisai.media.signals import exact_signal_type_names
from perisai.reports.models import Report, ReportFile
from perisai.runtime import Runtime

ENRICHMENT: Final = "enrichment"
RETROHUNT: Final = "retrohunt"


def _exact(item: ReportFile) -> dict[str, str | None]:
    """The file's exact hashes by signal type (computed, else declared by the reporter): one
    column pair per exact type of the media registry that the report file stores."""
    return {
        name: getattr(item, name, None) or getattr(item, f"declared_{name}", None)
        for name in exact_signal_type_names()
    }


def _rows(
    item: ReportFile, outcome: MatchOut, found_by: str, now: datetime
) -> list[ReportFileMatch]:
    graded: Iterable[tuple[str, Sequence[MatchItem]]] = (
        ("positive", outcome.matches),
        ("negative", outcome.negative_matches),
        ("suppressed", outcome.suppressed),
    )
    return [
        ReportFileMatch(
            report_id=item.report_id,
            report_file_id=item.id,
            status=status,
            signal_type=hit.signal_type,
            distance=hit.distance,
            variant=hit.variant,
            query_match_pct=hit.query_match_pct,
            bank_id=hit.bank.id,
            bank_name=hit.bank.name,
            entry_id=hit.entry.id,
            entry_label=hit.entry.label,
            found_by=found_by,
            matched_at=now,
        )
        for status, hits in graded
        for hit in hits
    ]


def match_file(
    session: Session, runtime: Runtime, item: ReportFile, signal: ReportFileSignal | None
) -> MatchOut:
    """Ask the banks about one file (the caller has brought the indexes up to date)."""
    queries, variants, _ = file_queries(
        _exact(item),
        pdq=signal.pdq if signal else None,
        pdq_quality=signal.pdq_quality if signal else None,
        pdq_raw=signal.pdq_raw if signal else None,
        vpdq=signal.vpdq if signal else None,
        tmk=signal.tmk if signal else None,
    )
    if not queries:
        return MatchOut(matched=False, matches=[], negative_matches=[], suppressed=[])
    return match(session, indexes_of(runtime), queries, variants=variants)


def match_report_files(
    session: Session, runtime: Runtime, report: Report, *, hunted: Collection[int] = ()
) -> list[ReportFileMatch]:
    """Replace the stored matches of every file of the report; return the new rows.

    A match of an entry in ``hunted`` (the retro-hunt's new entries), or one a retro-hunt found
    before, stays marked as found by the retro-hunt."""
    # Replay the bank feed as this transaction sees it: a job worker has no follower thread of
    # its own, and an entry committed a moment ago must count.
    indexes_of(runtime).sync(session.connection())
    earlier = set(
        session.execute(
            select(ReportFileMatch.report_file_id, ReportFileMatch.entry_id).where(
                ReportFileMatch.report_id == report.id, ReportFileMatch.found_by == RETROHUNT
            )
        )
    )
    session.execute(delete(ReportFileMatch).where(ReportFileMatch.report_id == report.id))
    signals = {
        row.report_file_id: row
        for row in session.scalars(
            select(ReportFileSignal)
            .options(undefer(ReportFileSignal.tmk))
            .where(ReportFileSignal.report_file_id.in_([f.id for f in report.files]))
        )
    }
    now = datetime.now(UTC)
    rows = []
    for item in report.files:
        outcome = match_file(session, runtime, item, signals.get(item.id))
        rows += _rows(item, outcome, ENRICHMENT, now)
    for row in rows:
        if row.entry_id in hunted or (row.report_file_id, row.entry_id) in earlier:
            row.found_by = RETROHUNT
    session.add_all(rows)
    return rows
