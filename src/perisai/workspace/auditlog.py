"""The audit log as auditors read it: searched, newest first, keyset pages, with a total; and
the chain's verification status (the last check recorded in the log itself).

Verifying re-walks the whole chain (perisai.audit.anchors.verify_anchored), so the page does
not do it on every view: an auditor asks for it, and the result is itself an audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import Session

from perisai.audit.models import AuditEntry
from perisai.identity.models import User

PAGE_SIZE = 50
VERIFIED = "audit.verified"


@dataclass(frozen=True)
class AuditSearch:
    action: str = ""  # an action or its start ("case." finds every case action)
    actor: str = ""  # a person's name or email, or an actor id
    agency: str = ""
    object_id: str = ""
    text: str = ""  # anywhere in the entry's details
    since: datetime | None = None
    until: datetime | None = None

    @property
    def narrowed(self) -> bool:
        return any((self.action, self.actor, self.agency, self.object_id, self.text)) or bool(
            self.since or self.until
        )


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor_kind: str
    actor_id: str | None
    actor_name: str | None
    agency: str | None
    action: str
    object_type: str | None
    object_id: str | None
    details: dict[str, Any]


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int
    older: int | None  # the id to page on from (entries below it)
    newer: int | None  # the id to page back from (entries above it)


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _conditions(search: AuditSearch) -> list[Any]:
    found: list[Any] = []
    if search.action:
        found.append(AuditEntry.action.ilike(_like(search.action)[1:], escape="\\"))
    if search.agency:
        found.append(func.upper(AuditEntry.agency) == search.agency.upper())
    if search.object_id:
        found.append(AuditEntry.object_id.ilike(_like(search.object_id), escape="\\"))
    if search.text:
        found.append(cast(AuditEntry.details, String).ilike(_like(search.text), escape="\\"))
    if search.actor:
        people = select(cast(User.id, String)).where(
            or_(
                User.display_name.ilike(_like(search.actor), escape="\\"),
                User.email.ilike(_like(search.actor), escape="\\"),
            )
        )
        found.append(
            or_(
                AuditEntry.actor_id == search.actor,
                (AuditEntry.actor_kind == "user") & AuditEntry.actor_id.in_(people),
            )
        )
    if search.since is not None:
        found.append(AuditEntry.at >= search.since)
    if search.until is not None:
        found.append(AuditEntry.at <= search.until)
    return found


def _user_id(entry: AuditEntry) -> int | None:
    ident = entry.actor_id or ""
    return int(ident) if entry.actor_kind == "user" and ident.isdigit() else None


def search_log(
    session: Session,
    search: AuditSearch,
    *,
    older_than: int | None = None,
    newer_than: int | None = None,
    limit: int = PAGE_SIZE,
) -> AuditPage:
    where = _conditions(search)
    query = select(AuditEntry).where(*where).limit(limit + 1)
    if newer_than is not None and older_than is None:
        query = query.where(AuditEntry.id > newer_than).order_by(AuditEntry.id)
    else:
        query = query.order_by(AuditEntry.id.desc())
        if older_than is not None:
            query = query.where(AuditEntry.id < older_than)
    entries = list(session.scalars(query))
    more = len(entries) > limit
    entries = entries[:limit]
    backwards = newer_than is not None and older_than is None
    if backwards:
        entries.reverse()
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(*where)) or 0
    user_ids = {uid for e in entries if (uid := _user_id(e)) is not None}
    names = (
        dict(session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids))).all())
        if user_ids
        else {}
    )
    rows = [
        AuditRow(
            id=e.id,
            at=e.at,
            actor_kind=e.actor_kind,
            actor_id=e.actor_id,
            actor_name=names.get(_user_id(e) or 0),
            agency=e.agency,
            action=e.action,
            object_type=e.object_type,
            object_id=e.object_id,
            details=dict(e.details or {}),
        )
        for e in entries
    ]
    if backwards:
        older = rows[-1].id if rows else None
        newer = rows[0].id if more and rows else None
    else:
        older = rows[-1].id if more and rows else None
        newer = rows[0].id if older_than is not None and rows else None
    return AuditPage(rows=rows, total=int(total), older=older, newer=newer)


def last_verification(session: Session) -> AuditRow | None:
    found = search_log(session, AuditSearch(action=VERIFIED), limit=1)
    return found.rows[0] if found.rows else None
