"""Banks and entries: create, change, import, list and export. Services flush, never commit.

Every change appends to the `bank_change` feed and rings `pg_notify('perisai_banks', ...)` in the
caller's transaction (PostgreSQL delivers the notification at commit, and drops it on rollback),
and is audited. Writers take one transaction-scoped advisory lock before their first change id,
so change ids commit in increasing order and a follower that has applied id N has seen every
change up to N.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from sqlalchemy import func, insert, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from perisai.audit.service import Actor, record
from perisai.banks.models import (
    DEFAULT_PDQ_THRESHOLD,
    SIGNAL_KEY_LENGTH,
    Bank,
    BankChange,
    BankKind,
    bankable_signal_types,
)
from perisai.banks.models import BankEntry as EntryRow
from perisai.banks.retrohunt import queue_retrohunt
from perisai.identity.agencies import SECRETARIAT
from perisai.media.banks import BankEntry, detect_format, read_bank
from perisai.media.errors import BankFormatError, MediaError
from perisai.media.pdq import FrameHash, frames_from_signal, frames_to_signal
from perisai.media.signals import get_signal_type

CHANNEL: Final = "perisai_banks"
# An arbitrary, fixed 64-bit key for pg_advisory_xact_lock: "bank change feed".
_FEED_LOCK_KEY: Final = 0x7065_7269_7361_6902
_INSERT_BATCH: Final = 1000
BANK_NAME_PATTERN: Final = r"^[a-z0-9][a-z0-9._-]{0,63}$"


class BankProblem(Exception):
    """A request the banks cannot honour; ``field`` names the input at fault when there is one."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(BankProblem):
    status = 404


class Conflict(BankProblem):
    status = 409


class Forbidden(BankProblem):
    status = 403


def actor_label(actor: Actor) -> str:
    return f"{actor.kind}:{actor.id}" if actor.id else actor.kind


# --- who owns a bank ------------------------------------------------------------------------------
# A bank belongs to an agency (`agency:PDRM`: every banks:write key and banks:manage user of it)
# or to an API client without an agency (`apikey:12`). Only its owner changes, disables, deletes
# or imports into it; others read it and match against it while it is shared, and do not learn
# of it otherwise. Our own jobs and the operator's CLI (the system actor) act as the task force.

TASK_FORCE_OWNER: Final = f"agency:{SECRETARIAT}"


def owner_of(actor: Actor) -> str:
    """The owner a bank created by ``actor`` gets."""
    if actor.kind == "system":
        return TASK_FORCE_OWNER
    if actor.agency:
        return f"agency:{actor.agency}"
    return f"{actor.kind}:{actor.id or '-'}"


def may_change(actor: Actor, bank: Bank) -> bool:
    return actor.kind == "system" or owner_of(actor) == bank.owner


def may_read(actor: Actor, bank: Bank) -> bool:
    return bank.shared or may_change(actor, bank)


def _owner_words(owner: str) -> str:
    kind, _, name = owner.partition(":")
    return name if kind == "agency" else f"API client {name}"


def require_owner(actor: Actor, bank: Bank) -> None:
    """Forbidden (403) unless ``actor`` owns ``bank``."""
    if not may_change(actor, bank):
        raise Forbidden(
            f"bank {bank.name!r} belongs to {_owner_words(bank.owner)}: others may read it "
            "and match against it, but only its owner changes, disables or deletes it"
        )


# --- the change feed ----------------------------------------------------------------------------


def _lock_feed(session: Session) -> None:
    # Re-taking a lock the transaction holds is cheap; it is released at commit or rollback.
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _FEED_LOCK_KEY})


def _note_changes(session: Session, *, bank_id: int, entry_ids: Sequence[int] = ()) -> None:
    """Append to the feed (one row per entry, or one for the bank) and ring the bell."""
    _lock_feed(session)
    rows = [{"op": "entry", "bank_id": bank_id, "entry_id": e} for e in entry_ids]
    if not entry_ids:
        rows = [{"op": "bank", "bank_id": bank_id, "entry_id": None}]
    last = session.scalars(insert(BankChange).returning(BankChange.id), rows).all()
    session.execute(
        text("SELECT pg_notify(:channel, :payload)"),
        {"channel": CHANNEL, "payload": str(max(last))},
    )


# --- banks --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BankSettings:
    """What a caller may set on a bank (``None``: leave unchanged)."""

    description: str | None = None
    kind: str | None = None
    enabled: bool | None = None
    pdq_threshold: int | None = None
    source: str | None = None
    shared: bool | None = None

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def get_bank(session: Session, *, name: str, reader: Actor | None = None) -> Bank:
    """The bank named ``name``; NotFound alike when there is none and when ``reader`` may not
    read it (a private bank of another owner)."""
    bank = session.scalars(select(Bank).where(Bank.name == name)).one_or_none()
    if bank is None or (reader is not None and not may_read(reader, bank)):
        raise NotFound(f"no bank named {name[:64]!r}", field="name")
    return bank


def list_banks(session: Session, *, reader: Actor | None = None) -> list[tuple[Bank, int]]:
    """Every bank (``reader``: that it may read) with its number of entries, by name."""
    counts = select(EntryRow.bank_id, func.count().label("n")).group_by(EntryRow.bank_id).subquery()
    stmt = (
        select(Bank, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.bank_id == Bank.id)
        .order_by(Bank.name)
    )
    rows = [(bank, int(n)) for bank, n in session.execute(stmt).all()]
    return [(bank, n) for bank, n in rows if reader is None or may_read(reader, bank)]


def create_bank(
    session: Session, *, actor: Actor, name: str, settings: BankSettings | None = None
) -> Bank:
    if session.scalar(select(Bank.id).where(Bank.name == name)) is not None:
        raise Conflict(f"a bank named {name!r} exists already", field="name")
    values = {
        "description": "",
        "kind": BankKind.POSITIVE.value,
        "enabled": True,
        "pdq_threshold": DEFAULT_PDQ_THRESHOLD,
        "source": "",
        "shared": True,
        **(settings or BankSettings()).changes(),
    }
    values["owner"] = owner_of(actor)
    bank = Bank(name=name, created_by=actor_label(actor), **values)
    session.add(bank)
    session.flush()
    _note_changes(session, bank_id=bank.id)
    record(
        session,
        actor=actor,
        action="bank.create",
        object_type="bank",
        object_id=name,
        details=values,
    )
    return bank


def update_bank(session: Session, *, actor: Actor, bank: Bank, settings: BankSettings) -> Bank:
    require_owner(actor, bank)
    changes = settings.changes()
    before = {k: getattr(bank, k) for k in changes}
    for key, value in changes.items():
        setattr(bank, key, value)
    bank.updated_at = func.now()
    session.flush()
    _note_changes(session, bank_id=bank.id)
    if changes.get("enabled") is True and before["enabled"] is False:
        # A bank switched back on hunts backwards with all of its entries.
        last = session.scalar(select(func.max(EntryRow.id)).where(EntryRow.bank_id == bank.id))
        if last is not None:
            queue_retrohunt(session, bank_id=bank.id, first_entry_id=0, last_entry_id=last)
    record(
        session,
        actor=actor,
        action="bank.update",
        object_type="bank",
        object_id=bank.name,
        details={"before": before, "after": changes},
    )
    return bank


def delete_bank(session: Session, *, actor: Actor, bank: Bank) -> int:
    """Delete a bank and its entries; returns how many entries went with it."""
    require_owner(actor, bank)
    ids = list(session.scalars(select(EntryRow.id).where(EntryRow.bank_id == bank.id)))
    name, bank_id = bank.name, bank.id
    session.delete(bank)
    session.flush()
    for start in range(0, len(ids), _INSERT_BATCH):
        _note_changes(session, bank_id=bank_id, entry_ids=ids[start : start + _INSERT_BATCH])
    _note_changes(session, bank_id=bank_id)
    record(
        session,
        actor=actor,
        action="bank.delete",
        object_type="bank",
        object_id=name,
        details={"entries": len(ids)},
    )
    return len(ids)


# --- entries ------------------------------------------------------------------------------------


def _frames_json(frames: Sequence[FrameHash]) -> list[dict[str, Any]]:
    return [{"t": f.t, "pdq": f.pdq, "quality": f.quality} for f in frames]


def frames_of(stored: list[dict[str, Any]]) -> list[FrameHash]:
    return [
        FrameHash(t=float(f["t"]), pdq=str(f["pdq"]), quality=int(f["quality"])) for f in stored
    ]


def signal_of(row: EntryRow) -> str:
    """The entry's signal in the media library's text form (vPDQ: its frame list)."""
    if row.frames is not None:
        return frames_to_signal(frames_of(row.frames))
    return row.signal_body if row.signal_body is not None else row.signal_key


def stored_signal(signal_type: str, canonical: str) -> dict[str, Any]:
    """The columns that hold a canonical signal: ``signal_key`` (the signal, or the SHA-256 hex
    of a longer one), and the whole signal in ``frames`` (a frame list) or ``signal_body``."""
    if len(canonical) <= SIGNAL_KEY_LENGTH and not get_signal_type(signal_type).frame_list:
        return {"signal_key": canonical, "frames": None, "signal_body": None}
    key = hashlib.sha256(canonical.encode()).hexdigest()
    if get_signal_type(signal_type).frame_list:
        frames = _frames_json(frames_from_signal(canonical))
        return {"signal_key": key, "frames": frames, "signal_body": None}
    return {"signal_key": key, "frames": None, "signal_body": canonical}


def _row_values(entry: BankEntry, *, bank_id: int, added_by: str) -> dict[str, Any]:
    """Validated column values of one entry; raises ``BankProblem`` naming the bad field."""
    bankable = bankable_signal_types()
    if entry.signal_type.strip().lower() not in bankable:
        raise BankProblem(
            f"signal type {entry.signal_type[:32]!r} cannot be banked "
            f"(one of {', '.join(bankable)})",
            field="signal_type",
        )
    try:
        canonical = entry.normalized()
    except MediaError as exc:
        raise BankProblem(str(exc), field="signal") from None
    limits = {"label": 255, "category": 64, "source": 255, "note": 10_000}
    for name, limit in limits.items():
        if len(getattr(canonical, name)) > limit:
            raise BankProblem(f"{name} is longer than {limit} characters", field=name)
    return {
        "bank_id": bank_id,
        "signal_type": canonical.signal_type,
        **stored_signal(canonical.signal_type, canonical.signal),
        "label": canonical.label,
        "category": canonical.category,
        "source": canonical.source,
        "note": canonical.note,
        "meta": json.loads(json.dumps(canonical.metadata, default=str)),
        "added_by": added_by,
        "enabled": True,
        "disabled_reason": "",
    }


def _insert_rows(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert, skipping signals the bank holds already; the new rows' ids."""
    if not rows:
        return []
    stmt = (
        pg_insert(EntryRow)
        .values(rows)
        .on_conflict_do_nothing(constraint="uq_bank_entry_signal")
        .returning(EntryRow.id)
    )
    return list(session.scalars(stmt))


def add_entry(session: Session, *, actor: Actor, bank: Bank, entry: BankEntry) -> EntryRow:
    require_owner(actor, bank)
    values = _row_values(entry, bank_id=bank.id, added_by=actor_label(actor))
    ids = _insert_rows(session, [values])
    if not ids:
        raise Conflict(
            f"bank {bank.name!r} holds this {values['signal_type']} already", field="signal"
        )
    _note_changes(session, bank_id=bank.id, entry_ids=ids)
    queue_retrohunt(session, bank_id=bank.id, first_entry_id=ids[0], last_entry_id=ids[0])
    row = session.get_one(EntryRow, ids[0])
    record(
        session,
        actor=actor,
        action="bank.entry.add",
        object_type="bank_entry",
        object_id=row.id,
        details={
            "bank": bank.name,
            "signal_type": row.signal_type,
            "signal": row.signal_key,
            "label": row.label,
        },
    )
    return row


def get_entry(session: Session, *, bank: Bank, entry_id: int) -> EntryRow:
    row = session.get(EntryRow, entry_id)
    if row is None or row.bank_id != bank.id:
        raise NotFound(f"bank {bank.name!r} has no entry {entry_id}", field="entry_id")
    return row


def set_entry_enabled(
    session: Session, *, actor: Actor, bank: Bank, entry: EntryRow, enabled: bool, reason: str = ""
) -> EntryRow:
    """Enable, or disable (quarantine) a noisy entry without losing it."""
    require_owner(actor, bank)
    was_enabled = entry.enabled
    entry.enabled = enabled
    entry.disabled_reason = "" if enabled else reason[:255]
    session.flush()
    _note_changes(session, bank_id=bank.id, entry_ids=[entry.id])
    if enabled and not was_enabled:
        queue_retrohunt(session, bank_id=bank.id, first_entry_id=entry.id, last_entry_id=entry.id)
    action = "bank.entry.enable" if enabled else "bank.entry.disable"
    record(
        session,
        actor=actor,
        action=action,
        object_type="bank_entry",
        object_id=entry.id,
        details={"bank": bank.name, "reason": entry.disabled_reason},
    )
    return entry


def delete_entry(session: Session, *, actor: Actor, bank: Bank, entry: EntryRow) -> None:
    require_owner(actor, bank)
    entry_id, details = (
        entry.id,
        {"bank": bank.name, "signal_type": entry.signal_type, "signal": entry.signal_key},
    )
    session.delete(entry)
    session.flush()
    _note_changes(session, bank_id=bank.id, entry_ids=[entry_id])
    record(
        session,
        actor=actor,
        action="bank.entry.delete",
        object_type="bank_entry",
        object_id=entry_id,
        details=details,
    )


def entries_page(
    session: Session, *, bank: Bank, after: int = 0, limit: int = 100
) -> tuple[list[EntryRow], int | None]:
    """Entries in id order after ``after``; the cursor of the next page, or None at the end."""
    stmt = (
        select(EntryRow)
        .where(EntryRow.bank_id == bank.id, EntryRow.id > after)
        .order_by(EntryRow.id)
        .limit(limit + 1)
    )
    rows = list(session.scalars(stmt))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more else None)


def export_entries(session: Session, *, bank: Bank, batch: int = 5000) -> Iterator[BankEntry]:
    """Every entry of ``bank`` (enabled or not) as the media library's ``BankEntry``."""
    after = 0
    while True:
        rows, cursor = entries_page(session, bank=bank, after=after, limit=batch)
        for row in rows:
            yield BankEntry(
                row.signal_type,
                signal_of(row),
                row.label,
                row.category,
                row.source,
                row.note,
                dict(row.meta),
            )
        if cursor is None:
            return
        after = cursor


# --- import -------------------------------------------------------------------------------------


@dataclass
class ImportSummary:
    format: str = ""
    added: int = 0
    duplicates: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "added": self.added,
            "duplicates": self.duplicates,
            "rejected": len(self.errors),
            "errors": self.errors,
        }


def import_entries(
    session: Session,
    *,
    actor: Actor,
    bank: Bank,
    entries: Iterable[BankEntry],
    summary: ImportSummary | None = None,
    fmt: str = "",
) -> ImportSummary:
    """Add entries in batches: a bad one is an error naming its place in the file (``entry``,
    1-based), a signal the bank holds already a duplicate. One audit entry for the import."""
    require_owner(actor, bank)
    summary = summary or ImportSummary()
    summary.format = fmt
    batch: list[dict[str, Any]] = []
    added_by = actor_label(actor)
    added_ids: list[int] = []  # first and last id added: the retro-hunt's range

    def flush_batch() -> None:
        ids = _insert_rows(session, batch)
        summary.added += len(ids)
        summary.duplicates += len(batch) - len(ids)
        if ids:
            _note_changes(session, bank_id=bank.id, entry_ids=ids)
            added_ids[:] = [min([*added_ids, *ids]), max([*added_ids, *ids])]
        batch.clear()

    for number, entry in enumerate(entries, 1):
        try:
            batch.append(_row_values(entry, bank_id=bank.id, added_by=added_by))
        except BankProblem as exc:
            summary.errors.append({"entry": number, "field": exc.field, "message": str(exc)})
            continue
        if len(batch) >= _INSERT_BATCH:
            flush_batch()
    flush_batch()
    if added_ids:
        queue_retrohunt(
            session, bank_id=bank.id, first_entry_id=added_ids[0], last_entry_id=added_ids[-1]
        )
    record(
        session,
        actor=actor,
        action="bank.import",
        object_type="bank",
        object_id=bank.name,
        details={
            "format": fmt,
            "added": summary.added,
            "duplicates": summary.duplicates,
            "rejected": len(summary.errors),
        },
    )
    return summary


def import_file(
    session: Session, *, actor: Actor, bank: Bank, path: Path, fmt: str | None, max_bytes: int
) -> ImportSummary:
    """Read a bank file (format detected when ``fmt`` is None) and import what is valid.

    Malformed rows are reported with their line number and skipped; a file that cannot be read
    at all (unknown format, too large, not JSON/XML) raises ``BankProblem``.
    """
    require_owner(actor, bank)
    problems: list[BankFormatError] = []
    try:
        name = fmt or detect_format(path)
        entries = read_bank(path, name, errors=problems, max_bytes=max_bytes)
    except MediaError as exc:
        reason = exc.reason if isinstance(exc, BankFormatError) else str(exc)
        raise BankProblem(reason, field="format" if fmt is None else "file") from None
    summary = ImportSummary(
        errors=[{"line": p.line, "field": None, "message": p.reason} for p in problems]
    )
    return import_entries(
        session, actor=actor, bank=bank, entries=entries, summary=summary, fmt=name
    )
