"""From index hits to an answer: entry metadata from the table, bank filter, negative banks.

The in-memory index says *which* entries are near; the table has the last word on whether each
is still enabled, and supplies its label, category, source and metadata. A hit in a negative
(known-benign) bank suppresses every positive hit of the same query, whatever the filter.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from perisai.audit.service import Actor, record
from perisai.banks.indexes import BankIndexes, RawMatch
from perisai.banks.models import Bank
from perisai.banks.models import BankEntry as EntryRow
from perisai.banks.schemas import MatchedBank, MatchedEntry, MatchItem, MatchOut
from perisai.banks.service import owner_of
from perisai.media.pdq import FrameHash
from perisai.media.signals import computed_from

if TYPE_CHECKING:
    from perisai.runtime import Runtime

Query = tuple[str, str | Sequence[FrameHash]]

#: Below this PDQ quality an image is too featureless to match perceptually.
MIN_PDQ_QUALITY: Final = 50
#: Whether files to be matched get their TMK-like signature: where the media registry says
#: TMK is computed (videos), as it is bankable (`hash_file(..., tmk=...)`).
COMPUTE_TMK: Final = "tmk" in computed_from("video")
_INDEXES_KEY: Final = "banks.indexes"
_indexes_lock = threading.Lock()


def indexes_of(runtime: Runtime) -> BankIndexes:
    """This process's bank indexes for ``runtime``: one per runtime, shared by its web app (whose
    follower keeps it fresh) and its job workers (which also replay the feed before matching)."""
    with _indexes_lock:
        indexes = runtime.extensions.get(_INDEXES_KEY)
        if not isinstance(indexes, BankIndexes):
            indexes = runtime.extensions[_INDEXES_KEY] = BankIndexes()
        return indexes


def file_queries(
    exact: Mapping[str, str | None],
    *,
    pdq: str | None = None,
    pdq_quality: int | None = None,
    pdq_raw: str | None = None,
    vpdq: Sequence[Mapping[str, Any]] | None = None,
    tmk: str | None = None,
    error: str | None = None,
) -> tuple[list[Query], list[str | None], list[str]]:
    """One file's queries, what each is (None: the original; ``raw``: the PDQ as stored, EXIF
    orientation ignored), and warnings. ``exact`` maps cryptographic signal types to hashes.

    The one place that decides how a file is asked about: uploads to the match API and
    evidence files in enrichment both come here."""
    queries: list[Query] = [(kind, value.lower()) for kind, value in exact.items() if value]
    variants: list[str | None] = [None] * len(queries)
    warnings = []
    if pdq is not None:
        if (pdq_quality or 0) >= MIN_PDQ_QUALITY:
            queries.append(("pdq", pdq))
            variants.append(None)
            if pdq_raw is not None:
                queries.append(("pdq", pdq_raw))
                variants.append("raw")
        else:
            warnings.append(
                f"PDQ quality {pdq_quality} is below {MIN_PDQ_QUALITY}: "
                "too featureless to match, only exact hashes were compared"
            )
    if vpdq:
        frames = [FrameHash(float(f["t"]), f["pdq"], int(f["quality"])) for f in vpdq]
        queries.append(("vpdq", frames))
        variants.append(None)
    if tmk:
        queries.append(("tmk", tmk))
        variants.append(None)
    if error:
        warnings.append(error)
    return queries, variants, warnings


def _item(signal_type: str, hit: RawMatch, row: EntryRow, variant: str | None) -> MatchItem:
    return MatchItem(
        signal_type=signal_type,
        distance=hit.distance,
        variant=variant,
        query_match_pct=hit.query_match_pct,
        bank_match_pct=hit.bank_match_pct,
        bank=MatchedBank(
            id=hit.bank.id,
            name=hit.bank.name,
            kind=hit.bank.kind,
            pdq_threshold=hit.bank.pdq_threshold,
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
