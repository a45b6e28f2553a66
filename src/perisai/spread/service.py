"""Self-reports: submit hashes, check status, withdraw; record platforms' matches. Services
flush, never commit.

The hashes go into the positive bank ``self-reported`` through the banks service (entries with
``source = self-report``), so platforms receive them through the bank export and the match API
like any other bank. A submission whose hash matches a negative (known-benign) bank, or that
comes in bulk from one source, is *held*: its entries are added disabled, with the reason, for
a reviewer to release (``perisai spread release``). The person keeps a case code and a secret;
only the secret's SHA-256 is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from perisai.audit.service import PUBLIC, Actor, record
from perisai.banks import matching
from perisai.banks import service as banks
from perisai.banks.indexes import BankIndexes
from perisai.banks.models import Bank
from perisai.banks.models import BankEntry as EntryRow
from perisai.crypto import Keyring
from perisai.media.banks import BankEntry
from perisai.media.pdq import FrameHash, frames_to_signal
from perisai.spread.models import (
    HoldReason,
    ReportState,
    SelfReport,
    SelfReportHash,
    SelfReportSalt,
    SelfReportSighting,
)
from perisai.spread.schemas import FileHashesIn

BANK_NAME: Final = "self-reported"
#: Who changes the bank: the task force's own service on the person's behalf (the bank belongs
#: to the task force); the person's own actions are audited as the public.
BANK_ACTOR: Final = Actor(kind="system", id="spread")
SOURCE: Final = "self-report"
#: More files than this from one source in a day: held for review as bulk.
BULK_FILES_PER_DAY: Final = 20
CODE_ALPHABET: Final = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U
CODE_PREFIX: Final = "HS-"


class SpreadProblem(Exception):
    """A request the service cannot honour; ``key`` is the message's translation key."""

    def __init__(self, key: str, status: int = 400) -> None:
        super().__init__(key)
        self.key, self.status = key, status


@dataclass(frozen=True)
class Submitted:
    report: SelfReport
    secret: str


@dataclass(frozen=True)
class Status:
    report: SelfReport
    files: int
    seen_and_blocked: int


# --- the bank -----------------------------------------------------------------------------------


def self_report_bank(db: Session) -> Bank:
    """The positive bank of self-reported hashes, created on first use."""
    found = db.scalars(select(Bank).where(Bank.name == BANK_NAME)).one_or_none()
    if found is not None:
        return found
    settings = banks.BankSettings(
        kind="positive",
        source=SOURCE,
        description="Hashes children and parents submitted of their own pictures "
        "(stop the spread). Review before removing: source = self-report.",
    )
    return banks.create_bank(db, actor=BANK_ACTOR, name=BANK_NAME, settings=settings)


# --- source keys without addresses -------------------------------------------------------------


def _salt_of_today(db: Session) -> bytes:
    today = datetime.now(UTC).date()
    db.execute(delete(SelfReportSalt).where(SelfReportSalt.day < today - timedelta(days=1)))
    db.execute(
        pg_insert(SelfReportSalt)
        .values(day=today, salt=secrets.token_bytes(32))
        .on_conflict_do_nothing(index_elements=["day"])
    )
    return db.scalars(select(SelfReportSalt.salt).where(SelfReportSalt.day == today)).one()


def source_key(db: Session, address: str) -> str:
    """HMAC of the client address under today's salt (the salt is dropped after two days)."""
    return hmac.new(_salt_of_today(db), address.encode(), hashlib.sha256).hexdigest()


# --- submit -------------------------------------------------------------------------------------


def _new_code(db: Session) -> str:
    while True:
        code = CODE_PREFIX + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if db.scalar(select(SelfReport.id).where(SelfReport.code == code)) is None:
            return code


def normalize_code(code: str) -> str:
    text = code.strip().upper().replace(" ", "")
    if not text.startswith(CODE_PREFIX):
        text = CODE_PREFIX + text.removeprefix("HS")
    return text


def _secret_sha256(secret: str) -> str:
    return hashlib.sha256(secret.strip().encode()).hexdigest()


def _entries_of(file: FileHashesIn) -> list[tuple[str, str, int | None, list[FrameHash] | None]]:
    """(signal type, signal, quality, frames) of one file's hashes worth banking."""
    out: list[tuple[str, str, int | None, list[FrameHash] | None]] = [
        ("md5", file.md5, None, None),
        ("sha256", file.sha256, None, None),
    ]
    if file.frames:
        frames = [FrameHash(t=round(f.t, 3), pdq=f.pdq, quality=f.quality) for f in file.frames]
        out.append(("vpdq", frames_to_signal(frames), None, frames))
    # Below the match API's quality floor a PDQ is too featureless to match: not banked.
    elif file.pdq is not None and (file.pdq_quality or 0) >= matching.MIN_PDQ_QUALITY:
        out.append(("pdq", file.pdq, file.pdq_quality, None))
    return out


def _queries(files: Sequence[FileHashesIn]) -> list[matching.Query]:
    queries: list[matching.Query] = []
    for file in files:
        for kind, signal, _quality, frames in _entries_of(file):
            queries.append((kind, frames if frames is not None else signal))
    return queries


def _matches_benign(db: Session, indexes: BankIndexes, files: Sequence[FileHashesIn]) -> bool:
    indexes.sync(db)
    return bool(matching.match(db, indexes, _queries(files)).negative_matches)


def _files_from_source_today(db: Session, key: str) -> int:
    since = datetime.now(UTC) - timedelta(days=1)
    stmt = (
        select(
            func.count(func.distinct(SelfReportHash.report_id * 100 + SelfReportHash.file_index))
        )
        .join(SelfReport, SelfReport.id == SelfReportHash.report_id)
        .where(SelfReport.source_key == key, SelfReport.created_at >= since)
    )
    return int(db.scalar(stmt) or 0)


def _bank_entry(
    db: Session,
    bank: Bank,
    kind: str,
    signal: str,
    frames: list[FrameHash] | None,
    held: HoldReason,
) -> int:
    """The bank entry of one hash: added (disabled when held), or the one there already."""
    entry = BankEntry(
        kind,
        signal,
        "self-reported",
        "",
        SOURCE,
        "Submitted by the person shown or their parent; review before removing.",
        {"self_report": True},
    )
    try:
        row = banks.add_entry(db, actor=BANK_ACTOR, bank=bank, entry=entry)
    except banks.Conflict:
        key = hashlib.sha256(signal.encode()).hexdigest() if frames is not None else signal
        row = db.scalars(
            select(EntryRow).where(
                EntryRow.bank_id == bank.id,
                EntryRow.signal_type == kind,
                EntryRow.signal_key == key,
            )
        ).one()
        return row.id
    if held is not HoldReason.NONE:
        banks.set_entry_enabled(
            db,
            actor=BANK_ACTOR,
            bank=bank,
            entry=row,
            enabled=False,
            reason=f"held for review (self-report): {held.value}",
        )
    return row.id


def submit(
    db: Session,
    *,
    keyring: Keyring,
    indexes: BankIndexes,
    files: Sequence[FileHashesIn],
    contact: str,
    lang: str,
    source: str,
) -> Submitted:
    """Store a submission and bank its hashes (matchable at once unless held)."""
    if not files:
        raise SpreadProblem("spread.err.no_files", 422)
    held = HoldReason.NONE
    if _files_from_source_today(db, source) + len(files) > BULK_FILES_PER_DAY:
        held = HoldReason.BULK
    elif _matches_benign(db, indexes, files):
        held = HoldReason.NEGATIVE_BANK
    secret = secrets.token_urlsafe(16)
    report = SelfReport(
        code=_new_code(db),
        secret_sha256=_secret_sha256(secret),
        state=(ReportState.HELD if held is not HoldReason.NONE else ReportState.ACTIVE).value,
        hold_reason=held.value,
        under_18=True,
        contact_sealed=None,
        source_key=source,
        lang=lang,
    )
    db.add(report)
    db.flush()
    if contact:
        report.contact_sealed = keyring.seal_text(contact, _contact_aad(report.id))
    bank = self_report_bank(db)
    for index, file in enumerate(files):
        for kind, signal, quality, frames in _entries_of(file):
            entry_id = _bank_entry(db, bank, kind, signal, frames, held)
            db.add(
                SelfReportHash(
                    report_id=report.id,
                    file_index=index,
                    signal_type=kind,
                    signal_key=hashlib.sha256(signal.encode()).hexdigest() if frames else signal,
                    quality=quality,
                    frames=[{"t": f.t, "pdq": f.pdq, "quality": f.quality} for f in frames]
                    if frames
                    else None,
                    bank_entry_id=entry_id,
                )
            )
    db.flush()
    record(
        db,
        actor=PUBLIC,
        action="spread.submit",
        object_type="self_report",
        object_id=report.code,
        details={
            "files": len(files),
            "state": report.state,
            "hold_reason": report.hold_reason,
            "contact": bool(contact),
        },
    )
    return Submitted(report=report, secret=secret)


def _contact_aad(report_id: int) -> str:
    return f"self_report:{report_id}:contact"


# --- status and withdrawal ----------------------------------------------------------------------


def find(db: Session, *, code: str, secret: str) -> SelfReport:
    """The report with this code whose secret matches; the same answer for a wrong code and a
    wrong secret (``spread.err.not_found``)."""
    report = db.scalars(
        select(SelfReport).where(SelfReport.code == normalize_code(code)[:16])
    ).one_or_none()
    digest = _secret_sha256(secret)
    if report is None or not hmac.compare_digest(report.secret_sha256, digest):
        raise SpreadProblem("spread.err.not_found", 404)
    return report


def status(db: Session, *, report: SelfReport) -> Status:
    files = db.scalar(
        select(func.count(func.distinct(SelfReportHash.file_index))).where(
            SelfReportHash.report_id == report.id
        )
    )
    seen = db.scalar(
        select(func.count())
        .select_from(SelfReportSighting)
        .where(SelfReportSighting.report_id == report.id)
    )
    return Status(report=report, files=int(files or 0), seen_and_blocked=int(seen or 0))


def withdraw(db: Session, *, report: SelfReport) -> SelfReport:
    """Take the report's hashes out of the bank (those no other live report shares), forget the
    contact, keep the count."""
    if report.state == ReportState.WITHDRAWN:
        return report
    bank = self_report_bank(db)
    hashes = list(db.scalars(select(SelfReportHash).where(SelfReportHash.report_id == report.id)))
    for row in hashes:
        if row.bank_entry_id is None:
            continue
        shared = db.scalar(
            select(func.count())
            .select_from(SelfReportHash)
            .join(SelfReport, SelfReport.id == SelfReportHash.report_id)
            .where(
                SelfReportHash.bank_entry_id == row.bank_entry_id,
                SelfReport.id != report.id,
                SelfReport.state != ReportState.WITHDRAWN.value,
            )
        )
        entry = db.get(EntryRow, row.bank_entry_id)
        if not shared and entry is not None and entry.bank_id == bank.id:
            banks.delete_entry(db, actor=BANK_ACTOR, bank=bank, entry=entry)
        row.bank_entry_id = None
    report.state = ReportState.WITHDRAWN.value
    report.withdrawn_at = datetime.now(UTC)
    report.contact_sealed = None
    db.flush()
    record(
        db,
        actor=PUBLIC,
        action="spread.withdraw",
        object_type="self_report",
        object_id=report.code,
        details={"hashes": len(hashes)},
    )
    return report


def entry_ids(db: Session, *, report: SelfReport) -> list[int]:
    """The bank entries that carry the report's hashes."""
    return [
        i
        for i in db.scalars(
            select(SelfReportHash.bank_entry_id)
            .where(SelfReportHash.report_id == report.id)
            .order_by(SelfReportHash.id)
        )
        if i is not None
    ]


def hold(db: Session, *, report: SelfReport, reason: HoldReason) -> SelfReport:
    """Hold a live report for review: its entries stop matching until it is released."""
    if report.state != ReportState.ACTIVE or reason is HoldReason.NONE:
        raise SpreadProblem("spread.err.not_held", 409)
    bank = self_report_bank(db)
    for entry_id in entry_ids(db, report=report):
        entry = db.get(EntryRow, entry_id)
        if entry is not None and entry.enabled:
            banks.set_entry_enabled(
                db,
                actor=BANK_ACTOR,
                bank=bank,
                entry=entry,
                enabled=False,
                reason=f"held for review (self-report): {reason.value}",
            )
    report.state, report.hold_reason = ReportState.HELD.value, reason.value
    db.flush()
    return report


# --- review -------------------------------------------------------------------------------------


def get_report(db: Session, *, code: str) -> SelfReport:
    report = db.scalars(
        select(SelfReport).where(SelfReport.code == normalize_code(code)[:16])
    ).one_or_none()
    if report is None:
        raise SpreadProblem("spread.err.not_found", 404)
    return report


def held_reports(db: Session, *, limit: int = 100) -> list[SelfReport]:
    stmt = (
        select(SelfReport)
        .where(SelfReport.state == ReportState.HELD.value)
        .order_by(SelfReport.id)
        .limit(limit)
    )
    return list(db.scalars(stmt))


def release(db: Session, *, actor: Actor, report: SelfReport) -> SelfReport:
    """A reviewer's decision that a held report is genuine: enable its entries."""
    if report.state != ReportState.HELD:
        raise SpreadProblem("spread.err.not_held", 409)
    bank = self_report_bank(db)
    for entry_id in db.scalars(
        select(SelfReportHash.bank_entry_id).where(
            SelfReportHash.report_id == report.id, SelfReportHash.bank_entry_id.is_not(None)
        )
    ):
        entry = db.get(EntryRow, entry_id)
        if entry is not None and not entry.enabled:
            banks.set_entry_enabled(db, actor=BANK_ACTOR, bank=bank, entry=entry, enabled=True)
    before = report.hold_reason
    report.state, report.hold_reason = ReportState.ACTIVE.value, HoldReason.NONE.value
    db.flush()
    record(
        db,
        actor=actor,
        action="spread.release",
        object_type="self_report",
        object_id=report.code,
        details={"hold_reason": before},
    )
    return report


def contact_of(db: Session, *, actor: Actor, keyring: Keyring, report: SelfReport) -> str:
    """The contact the person left (empty when anonymous); an audited read."""
    record(
        db,
        actor=actor,
        action="spread.contact.read",
        object_type="self_report",
        object_id=report.code,
        details={},
    )
    if report.contact_sealed is None:
        return ""
    return keyring.open_text(report.contact_sealed, _contact_aad(report.id))


# --- platforms' matches -------------------------------------------------------------------------


def record_sightings(db: Session, *, matched_by: str, entry_ids: Iterable[int]) -> int:
    """One sighting per live report whose hashes a platform's match request hit; returns how
    many reports were seen. Called by the match API with the entries it matched."""
    ids = set(entry_ids)
    if not ids:
        return 0
    reports = set(
        db.scalars(
            select(SelfReportHash.report_id)
            .join(SelfReport, SelfReport.id == SelfReportHash.report_id)
            .where(
                SelfReportHash.bank_entry_id.in_(ids),
                SelfReport.state == ReportState.ACTIVE.value,
            )
        )
    )
    now = datetime.now(UTC)
    for report_id in sorted(reports):
        db.add(SelfReportSighting(report_id=report_id, matched_by=matched_by[:128], at=now))
    db.flush()
    return len(reports)


def on_entries_matched(db: Session, *, matched_by: str, sources: Mapping[int, str | None]) -> None:
    """Registered at the banks' `banks.entries_matched`: the self-reported entries a platform's
    match request hit are sightings (banks does not import spread)."""
    record_sightings(
        db,
        matched_by=matched_by,
        entry_ids=[i for i, source in sources.items() if source == SOURCE],
    )
