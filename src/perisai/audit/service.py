"""Appending to and verifying the hash-chained audit log.

Entries are queued on the session with :func:`record` and written just before the transaction
commits (a ``before_commit`` hook), under a transaction-scoped advisory lock: the change and its
audit entries commit together, appends never fork the chain, and the lock is held only for the
last moment of each transaction.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, func, insert, select, text
from sqlalchemy.orm import Session

from perisai.audit.models import AuditEntry
from perisai.requestctx import current_request_id

GENESIS_HASH = "0" * 64
# An arbitrary, fixed 64-bit key for pg_advisory_xact_lock: "audit chain".
_CHAIN_LOCK_KEY = 0x7065_7269_7361_6901
_PENDING = "perisai.audit.pending"


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
    encoded = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def _hash_of(entry: AuditEntry) -> str:
    return entry_hash(
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
        values["entry_hash"] = entry_hash(prev_hash=prev, **values)
        values["prev_hash"] = prev
        rows.append(values)
        prev = values["entry_hash"]
    session.execute(insert(AuditEntry), rows)


@event.listens_for(Session, "before_commit")
def _write_audit_before_commit(session: Session) -> None:
    if session.info.get(_PENDING):
        flush_pending(session)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int
    first_bad_entry: int | None = None
    reason: str | None = None
    head_hash: str = GENESIS_HASH

    def as_dict(self) -> dict[str, Any]:
        if self.ok:
            return {"ok": True, "entries": self.entries, "head": self.head_hash}
        return {
            "ok": False,
            "entries": self.entries,
            "first_bad_entry": self.first_bad_entry,
            "reason": self.reason,
        }


def verify_chain(session: Session, batch: int = 5000) -> VerifyResult:
    """Re-walk the chain; name the first entry whose link or content does not match."""
    prev = GENESIS_HASH
    count = 0
    stmt = select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=batch)
    entries = session.scalars(stmt)
    try:
        for entry in entries:
            count += 1
            if entry.prev_hash != prev:
                reason = "previous-hash link broken (an entry before it was removed or reordered)"
                return VerifyResult(False, count, entry.id, reason)
            if _hash_of(entry) != entry.entry_hash:
                return VerifyResult(False, count, entry.id, "content does not match its hash")
            prev = entry.entry_hash
    finally:
        entries.close()
    return VerifyResult(True, count, head_hash=prev)


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
