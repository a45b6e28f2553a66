"""From index hits to an answer: entry metadata from the table, bank filter, negative banks.

The in-memory index says *which* entries are near; the table has the last word on whether each
is still enabled, and supplies its label, category, source and metadata. A hit in a negative
(known-benign) bank suppresses every positive hit of the same query, whatever the filter.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from perisai.audit.service import Actor, record
from perisai.banks.indexes import BankIndexes, RawMatch
from perisai.banks.models import Bank
from perisai.banks.models import BankEntry as EntryRow
from perisai.banks.schemas import MatchedBank, MatchedEntry, MatchItem, MatchOut
from perisai.banks.service import owner_of
from perisai.media.pdq import FrameHash

Query = tuple[str, str | Sequence[FrameHash]]


def _item(signal_type: str, hit: RawMatch, row: EntryRow, variant: str | None) -> MatchItem:
    return MatchItem(
        signal_type=signal_type,
        distance=hit.distance,
        variant=variant,
        query_match_pct=hit.query_match_pct,
        bank_match_pct=hit.bank_match_pct,
        bank=MatchedBank(
            name=hit.bank.name, kind=hit.bank.kind, pdq_threshold=hit.bank.pdq_threshold
        ),
        entry=MatchedEntry(
            id=row.id,
            label=row.label,
            category=row.category,
            source=row.source,
            note=row.note,
            metadata=row.meta,
            added_by=row.added_by,
            created_at=row.created_at,
        ),
    )


def match(
    db: Session,
    indexes: BankIndexes,
    queries: Sequence[Query],
    *,
    banks: Collection[str] | None = None,
    variants: Sequence[str | None] | None = None,
    reader: Actor | None = None,
) -> MatchOut:
    """Match each ``(signal_type, signal)``; ``banks`` limits the positive banks consulted.

    ``variants`` names each query when it is not the original (``raw``: the PDQ of an image as
    stored, EXIF orientation ignored); an entry found by several queries keeps the nearest.
    ``reader``: only banks it may read count (its own, and shared ones), positive or negative."""
    names = list(variants) if variants is not None else [None] * len(queries)
    nearest: dict[tuple[str, int], tuple[str, RawMatch, str | None]] = {}
    for (kind, signal), variant in zip(queries, names, strict=True):
        for hit in indexes.query(kind, signal):
            key = (kind, hit.entry_id)
            if key not in nearest or hit.distance < nearest[key][1].distance:
                nearest[key] = (kind, hit, variant)
    hits = list(nearest.values())
    ids = {hit.entry_id for _, hit, _ in hits}
    query = select(EntryRow).where(EntryRow.id.in_(ids), EntryRow.enabled)
    if reader is not None and reader.kind != "system":
        query = query.join(Bank, Bank.id == EntryRow.bank_id).where(
            or_(Bank.shared, Bank.owner == owner_of(reader))
        )
    rows = {row.id: row for row in db.scalars(query)} if ids else {}
    positive: list[MatchItem] = []
    negative: list[MatchItem] = []
    for kind, hit, variant in hits:
        row = rows.get(hit.entry_id)
        if row is None or row.bank_id != hit.bank.id:
            continue  # disabled or deleted since the index saw it
        if hit.bank.negative:
            negative.append(_item(kind, hit, row, variant))
        elif banks is None or hit.bank.name in banks:
            positive.append(_item(kind, hit, row, variant))
    positive.sort(key=lambda m: (m.distance, m.entry.id))
    if negative:
        return MatchOut(matched=False, matches=[], negative_matches=negative, suppressed=positive)
    return MatchOut(matched=bool(positive), matches=positive, negative_matches=[], suppressed=[])


def audit_match(
    db: Session, *, actor: Actor, outcome: MatchOut, queried: list[str], details: dict[str, Any]
) -> None:
    record(
        db,
        actor=actor,
        action="media.match",
        object_type="media",
        details={
            **details,
            "signal_types": queried,
            "matched": outcome.matched,
            "entries": [m.entry.id for m in outcome.matches],
            "negative_entries": [m.entry.id for m in outcome.negative_matches],
            "suppressed_entries": [m.entry.id for m in outcome.suppressed],
        },
    )
