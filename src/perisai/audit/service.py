"""Appending to and verifying the hash-chained audit log.

Entries are queued on the session with :func:`record` and written just before the transaction
commits (a ``before_commit`` hook), under a transaction-scoped advisory lock: the change and its
audit entries commit together, appends never fork the chain, and the lock is held only for the
last moment of each transaction.

The chain is keyed: each entry's hash is an HMAC-SHA256 under a key derived from the master key
on disk (:func:`chain_key_from_master`), which the database never sees, so someone who can
rewrite the table (a superuser with the triggers off) cannot recompute the hashes after an
entry they changed. Entries written before the chain was keyed (``chain = 1``, plain SHA-256)
still verify, but only before the first keyed one. Each database handle (engine) has its key
registered by the runtime that opened it (:func:`register_chain_key`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Connection, Engine, event, func, insert, select, text
from sqlalchemy.orm import Session

from perisai.audit.models import AuditEntry
from perisai.requestctx import current_request_id

GENESIS_HASH = "0" * 64
# An arbitrary, fixed 64-bit key for pg_advisory_xact_lock: "audit chain".
_CHAIN_LOCK_KEY = 0x7065_7269_7361_6901
_PENDING = "perisai.audit.pending"
#: ``chain`` of entries hashed with plain SHA-256 (before keying) and with the keyed HMAC.
CHAIN_SHA256 = 1
CHAIN_HMAC = 2


class ChainKeyMissing(RuntimeError):
    """No audit chain key is registered for this database handle."""


def chain_key_from_master(master: bytes) -> bytes:
    """The audit chain's HMAC key: HKDF-SHA256 of the master key, for this purpose only."""
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"perisai audit chain v1"
    ).derive(master)


_chain_keys: weakref.WeakKeyDictionary[Engine, Callable[[], bytes]] = weakref.WeakKeyDictionary()


_default_chain_key: list[Callable[[], bytes]] = []


def register_chain_key(engine: Engine, key: Callable[[], bytes]) -> None:
    """Entries written and verified through ``engine`` use ``key()`` (read when first needed)."""
    _chain_keys[engine] = key


def set_default_chain_key(key: Callable[[], bytes] | None) -> None:
    """The key of database handles no runtime registered: tests only (a running deployment has
    none, and writing an audit entry through an unregistered handle fails)."""
    _default_chain_key[:] = [] if key is None else [key]


def chain_key(session: Session) -> bytes:
    """The chain key of the database handle ``session`` uses."""
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    provider = _chain_keys.get(engine) if isinstance(engine, Engine) else None
    if provider is None and _default_chain_key:
        provider = _default_chain_key[0]
    if provider is None:
        raise ChainKeyMissing("no audit chain key is registered for this database handle")
    return provider()


@dataclass(frozen=True)
class Actor:
    """Who did something: a user, an API client, the public or the system itself."""

    kind: str  # "user" | "apikey" | "public" | "system"
    id: str | None = None
    agency: str | None = None
    role: str | None = None

    @classmethod
    def system(cls) -> Actor:
        return cls(kind="system", id="perisai")


SYSTEM = Actor.system()
PUBLIC = Actor(kind="public")


@dataclass
class _Pending:
    at: datetime
    actor: Actor
    action: str
    object_type: str | None
    object_id: str | None
    request_id: str | None
    details: dict[str, Any] = field(default_factory=dict)


def _canonical_details(details: dict[str, Any]) -> dict[str, Any]:
    # Round-trip through JSON so the stored JSONB and the hashed form are the same values.
    loaded: dict[str, Any] = json.loads(json.dumps(details, default=str, sort_keys=True))
    return loaded


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    object_type: str | None = None,
    object_id: str | int | None = None,
    details: dict[str, Any] | None = None,
    request_id: str | None = None,
) -> None:
    """Queue an audit entry; it is written in the same transaction, just before commit.

    `request_id` defaults to the current request's; work done for a request on another thread
    (intake's group commit) passes the one it captured.
    """
    pending: list[_Pending] = session.info.setdefault(_PENDING, [])
    pending.append(
        _Pending(
            at=datetime.now(UTC),
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=None if object_id is None else str(object_id),
            request_id=request_id or current_request_id(),
            details=_canonical_details(details or {}),
        )
    )


def entry_hash(
    *,
    key: bytes | None,
    prev_hash: str,
    at: datetime,
    actor_kind: str,
    actor_id: str | None,
    agency: str | None,
    action: str,
    object_type: str | None,
    object_id: str | None,
    request_id: str | None,
    details: dict[str, Any],
) -> str:
    payload = {
        "prev": prev_hash,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_kind": actor_kind,
        "actor_id": actor_id,
        "agency": agency,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "request_id": request_id,
        "details": details,
    }
    encoded = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )
    if key is None:  # entries written before the chain was keyed
        return hashlib.sha256(encoded).hexdigest()
    return hmac.new(key, encoded, hashlib.sha256).hexdigest()


def _hash_of(entry: AuditEntry, key: bytes) -> str:
    return entry_hash(
        key=key if entry.chain == CHAIN_HMAC else None,
        prev_hash=entry.prev_hash,
        at=entry.at,
        actor_kind=entry.actor_kind,
        actor_id=entry.actor_id,
        agency=entry.agency,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        request_id=entry.request_id,
        details=entry.details,
    )


def _chain_head_hash(session: Session) -> str:
    last = session.scalar(select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1))
    return last or GENESIS_HASH


def flush_pending(session: Session) -> None:
    """Write queued entries now (called by the before-commit hook; safe to call directly)."""
    if not session.info.get(_PENDING):
        return
    # Everything else the transaction changed is written before the chain lock is taken, and the
    # entries go in with one INSERT: every transaction that audits waits for this lock, so it is
    # held only for the head lookup, that INSERT and the commit.
    session.flush()
    key = chain_key(session)
    pending: list[_Pending] = session.info.pop(_PENDING, [])
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK_KEY})
    prev = _chain_head_hash(session)
    rows = []
    for item in pending:
        values: dict[str, Any] = {
            "at": item.at,
            "actor_kind": item.actor.kind,
            "actor_id": item.actor.id,
            "agency": item.actor.agency,
            "action": item.action,
            "object_type": item.object_type,
            "object_id": item.object_id,
            "request_id": item.request_id,
            "details": item.details,
        }
        values["entry_hash"] = entry_hash(key=key, prev_hash=prev, **values)
        values["prev_hash"] = prev
        values["chain"] = CHAIN_HMAC
        rows.append(values)
        prev = values["entry_hash"]
    session.execute(insert(AuditEntry), rows)


@event.listens_for(Session, "before_commit")
def _write_audit_before_commit(session: Session) -> None:
    # SQLAlchemy calls this for a savepoint's release too (`begin_nested`). Writing there took
    # the chain's lock in the middle of the transaction and held it to the end: every triage
    # batch (a savepoint per report, `jobs.queue.defer_once_many`) held it for its whole run, so
    # batches ran one at a time whatever else allowed (issue #12: 2,254 waits of 197 ms on it
    # in a drain of 3,000 reports). Entries wait for the transaction's own commit instead.
    if session.info.get(_PENDING) and not session.in_nested_transaction():
        flush_pending(session)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int
    first_bad_entry: int | None = None
    reason: str | None = None
    head_hash: str = GENESIS_HASH
    # (entries up to and including it, its hash) of each entry id asked for by the caller.
    positions: dict[int, tuple[int, str]] = field(default_factory=dict, compare=False)
    # The newest signed head the chain was checked against (its signing time), if any.
    anchored_at: str | None = None
    heads_checked: int = 0

    def as_dict(self) -> dict[str, Any]:
        anchoring = {"anchored_at": self.anchored_at, "heads_checked": self.heads_checked}
        if self.ok:
            return {"ok": True, "entries": self.entries, "head": self.head_hash, **anchoring}
        return {
            "ok": False,
            "entries": self.entries,
            "first_bad_entry": self.first_bad_entry,
            "reason": self.reason,
            **anchoring,
        }


def verify_chain(
    session: Session, batch: int = 5000, *, track: frozenset[int] = frozenset()
) -> VerifyResult:
    """Re-walk the chain; name the first entry whose link or content does not match.

    Keyed entries are checked with the chain key (a changed entry cannot be re-hashed without
    it); unkeyed (older) entries are accepted only before the first keyed one. ``track``: entry
    ids whose position and hash the result reports (for checking signed heads).
    """
    key = chain_key(session)
    prev = GENESIS_HASH
    count = 0
    keyed = False
    positions: dict[int, tuple[int, str]] = {}
    stmt = select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=batch)
    entries = session.scalars(stmt)
    try:
        for entry in entries:
            count += 1
            if entry.id in track:
                positions[entry.id] = (count, entry.entry_hash)
            if entry.prev_hash != prev:
                reason = "previous-hash link broken (an entry before it was removed or reordered)"
                return VerifyResult(False, count, entry.id, reason, positions=positions)
            if entry.chain not in (CHAIN_SHA256, CHAIN_HMAC) or (
                keyed and entry.chain != CHAIN_HMAC
            ):
                reason = "an unkeyed entry after keyed ones (rewritten without the chain key)"
                return VerifyResult(False, count, entry.id, reason, positions=positions)
            keyed = keyed or entry.chain == CHAIN_HMAC
            if not hmac.compare_digest(_hash_of(entry, key), entry.entry_hash):
                reason = "content does not match its hash"
                return VerifyResult(False, count, entry.id, reason, positions=positions)
            prev = entry.entry_hash
    finally:
        entries.close()
    return VerifyResult(True, count, head_hash=prev, positions=positions)


@dataclass(frozen=True)
class ChainHead:
    entry_id: int | None
    entry_hash: str
    entries: int
    at: datetime | None


def chain_head(session: Session) -> ChainHead:
    last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).first()
    count = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    if last is None:
        return ChainHead(None, GENESIS_HASH, 0, None)
    return ChainHead(last.id, last.entry_hash, int(count), last.at)
